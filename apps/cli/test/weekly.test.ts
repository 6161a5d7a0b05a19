/**
 * `factorkit weekly` on a small synthetic market (300 stocks, two years): every file written; each
 * strategy's week, month and YTD excess recomputed here from strategy_nav.csv and the calendar;
 * the MFE week excess recomputed from the tracking output's daily.csv; the fund table equal to the
 * one `factorkit funds` writes for the same as-of date; next week's run going on from the states;
 * a market without fund NAVs giving an absent section with its reason; a strategy that cannot run
 * failing alone; hostile text escaped; and each bad --as-of refused naming the flag.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { type CliResult, readCsv, runCli } from './helpers.js';

const FUND_TABLES = ['funds.csv', 'fund_nav.csv', 'fund_holdings.csv'];
const HOSTILE = '<img src=x onerror=alert(1)>';

let root: string;
let calendar: string[];
let asOf: string;

const cli = (args: string[], cwd = root): Promise<CliResult> => runCli(args, cwd);

/** A CSV file of the test folder, as header and rows (`readCsv` of the helpers). */
const csv = (path: string) => readCsv(join(root, path));

const json = (path: string): any => JSON.parse(readFileSync(join(root, path), 'utf8')); // eslint-disable-line @typescript-eslint/no-explicit-any

/** A strategy file (JSON) on `index` against `benchmark`: two price factors, equal weights, monthly, no risk model (fast). */
function strategyFile(file: string, name: string, index: string, benchmark: string, start: string): string {
  const definition = {
    name,
    description: `test strategy ${HOSTILE}`,
    universe: { index },
    benchmark,
    start,
    factors: ['momentum_1y', 'turnover_1m'],
    model: { id: 'equal' },
    rebalance: { every: 'month' },
    risk: false,
    constraints: [{ id: 'fully-invested' }, { id: 'long-only' }, { id: 'max-weight', params: { cap: 0.05 } }],
    infeasible: { policy: 'hold' },
  };
  writeFileSync(join(root, file), JSON.stringify(definition, null, 2));
  return file;
}

/** The last calendar day before `date` (both `YYYY-MM-DD`). */
const closeBefore = (date: string): string => calendar.filter((d) => d < date).at(-1)!;

/** Monday of the ISO week of `date`. */
function monday(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'factorkit-cli-weekly-'));
  const code = await run(['data', 'synth', '--out', 'market', '--stocks', '300', '--years', '2', '--seed', '5', '--format', 'csv'], { stdout: () => undefined, stderr: () => undefined, cwd: root });
  if (code !== 0) throw new Error('could not write the test market');
  // The same market without its fund tables, in a folder whose name is markup.
  cpSync(join(root, 'market'), join(root, HOSTILE), { recursive: true });
  for (const file of FUND_TABLES) rmSync(join(root, HOSTILE, file));
  calendar = readFileSync(join(root, 'market', 'calendar.csv'), 'utf8').trimEnd().split('\n').slice(1);
  // A Wednesday near the end, so that the week has a start inside the data and the month is partial.
  asOf = calendar.filter((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 3).at(-2)!;
  strategyFile('csi300.json', 'csi300-test', '000300.SH', '100% 000300.SH', `${asOf.slice(0, 4)}-01-05`);
  strategyFile('csi1000.json', 'csi1000-test', '000852.SH', '95% 000852.SH + 5% deposit', `${asOf.slice(0, 4)}-03-02`);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('factorkit weekly', () => {
  it('writes every file; the strategies’ excess, the MFE table and the fund table agree with independent computations', async () => {
    const args = ['weekly', '--data', 'market', '--as-of', asOf, '--out', 'out', '--strategies', 'csi300.json', 'csi1000.json', '--factors', 'momentum_1y', '--tracking-start', `${asOf.slice(0, 4)}-01-05`, '--workers', '0'];
    const { code, out, err } = await cli(args);
    expect(code, err).toBe(0);
    expect(out).toMatch(/^wrote .*out: week \d{4}-\d\d-\d\d → \d{4}-\d\d-\d\d; 2 strategies; MFE 1 factor × 2 universes; funds: \d+ in \d index families \(/);
    expect(err).toMatch(/strategy\s+week\s+month\s+ytd\s+annualised\s+benchmark/);
    expect(readdirSync(join(root, 'out')).sort()).toEqual(['fund_excess_distribution.csv', 'mfe_factors.csv', 'report.html', 'strategies.csv', 'strategy_nav.csv', 'strategy_windows.csv', 'tracking', 'weekly.json']);
    expect(readdirSync(join(root, 'out', 'tracking'))).toContain('state');

    // The strategies: each window's excess from the NAV file and the calendar, computed here.
    const nav = csv('out/strategy_nav.csv');
    const table = csv('out/strategies.csv');
    expect(table.rows.map((r) => [r['strategy'], r['benchmark'], r['status'], r['as_of'], r['last_date']])).toEqual([
      ['csi300-test', '000300.SH', 'ok', asOf, asOf],
      ['csi1000-test', '95% 000852.SH + 5% deposit', 'ok', asOf, asOf],
    ]);
    for (const row of table.rows) {
      const days = nav.rows.filter((r) => r['strategy'] === row['strategy']);
      const first = days[0]!['trade_date']!;
      expect(days.at(-1)!['trade_date']).toBe(asOf);
      const at = (date: string) => days.find((r) => r['trade_date'] === date)!;
      const starts = { week: closeBefore(monday(asOf)), month: closeBefore(`${asOf.slice(0, 7)}-01`), ytd: closeBefore(`${asOf.slice(0, 4)}-01-01`) };
      for (const [window, before] of Object.entries(starts)) {
        // A backtest that began inside the period starts the window at its first close.
        const start = before < first ? first : before;
        const r = Number(at(asOf)['nav']) / Number(at(start)['nav']) - 1;
        const b = Number(at(asOf)['benchmark_nav']) / Number(at(start)['benchmark_nav']) - 1;
        expect(row[`${window}_start`], `${row['strategy']} ${window}`).toBe(start);
        expect(Number(row[`${window}_excess`])).toBeCloseTo(r - b, 12);
        expect(Number(row[`${window}_excess_ratio`])).toBeCloseTo((1 + r) / (1 + b) - 1, 12);
      }
    }
    const windows = csv('out/strategy_windows.csv');
    expect(windows.rows.filter((r) => r['window'] === 'ytd').map((r) => r['partial'])).toEqual(['true', 'true']);

    // The MFE table is the tracking run's, and its week column compounds daily.csv's excess over the week.
    expect(readFileSync(join(root, 'out/mfe_factors.csv'), 'utf8')).toBe(readFileSync(join(root, 'out/tracking/tracking.csv'), 'utf8'));
    const mfe = csv('out/mfe_factors.csv');
    expect(mfe.rows.map((r) => [r['universe'], r['factor']])).toEqual([
      ['000300.SH', 'momentum_1y'],
      ['000852.SH', 'momentum_1y'],
    ]);
    const daily = csv('out/tracking/daily.csv');
    for (const row of mfe.rows) {
      const week = daily.rows.filter((r) => r['universe'] === row['universe'] && r['trade_date']! >= monday(asOf) && r['trade_date']! <= asOf);
      expect(week.length).toBeGreaterThan(0);
      const excess = week.reduce((g, r) => g * (1 + Number(r['portfolio_return'])), 1) / week.reduce((g, r) => g * (1 + Number(r['benchmark_return'])), 1) - 1;
      expect(Number(row['week'])).toBeCloseTo(excess, 12);
    }

    // The fund table is the one `factorkit funds` writes for the same as-of date.
    const funds = await cli(['funds', '--data', 'market', '--as-of', asOf, '--out', 'funds']);
    expect(funds.code, funds.err).toBe(0);
    const distribution = readFileSync(join(root, 'out/fund_excess_distribution.csv'), 'utf8');
    expect(distribution).toBe(readFileSync(join(root, 'funds/excess_distribution.csv'), 'utf8'));
    expect(distribution.split('\n').length).toBeGreaterThan(4);

    const summary = json('out/weekly.json');
    expect(summary.format).toBe('factorkit-weekly');
    expect(summary.lastDate).toBe(asOf);
    expect([summary.strategies.status, summary.tracking.status, summary.funds.status]).toEqual(['ok', 'ok', 'ok']);
    expect(summary.problems).toEqual([]);
    const html = readFileSync(join(root, 'out/report.html'), 'utf8');
    for (const heading of ['This week', 'Enhanced strategies', 'MFE factors — 000300.SH', 'MFE factors — 000852.SH', 'Public funds: excess distribution']) expect(html).toContain(heading);
  }, 180_000);

  it('goes on from last week’s tracking states in --out, and from a --tracking folder', async () => {
    const later = calendar.at(-1)!;
    const args = ['weekly', '--data', 'market', '--as-of', later, '--out', 'out', '--strategies', 'csi300.json', 'csi1000.json', '--factors', 'momentum_1y', '--tracking-start', `${asOf.slice(0, 4)}-01-05`, '--workers', '0', '--no-funds'];
    const { code, err } = await cli(args);
    expect(code, err).toBe(0);
    expect(err).toContain(`reusing 2 series states of ${join(root, 'out', 'tracking')} (as of ${asOf})`);
    const summary = json('out/weekly.json');
    const series = summary.tracking.series as { reuse: { status: string } }[];
    expect(series.map((s) => s.reuse.status)).toEqual(['resumed', 'resumed']);
    expect(summary.funds).toEqual({ status: 'absent', why: 'not_requested', reason: 'switched off with --no-funds' });
    expect(existsSync(join(root, 'out/fund_excess_distribution.csv'))).toBe(false);
    // The states of another folder (a `factorkit track` output or a weekly's tracking/).
    cpSync(join(root, 'out/tracking'), join(root, 'states'), { recursive: true });
    const again = await cli([...args.map((a) => (a === 'out' ? 'out2' : a)), '--tracking', 'states']);
    expect(again.code, again.err).toBe(0);
    expect(again.err).toContain(`reusing 2 series states of ${join(root, 'states')} (as of ${later})`);
    // A weekly output folder itself: its tracking/ is read; a folder without states is said to have none.
    const nested = await cli([...args.map((a) => (a === 'out' ? 'out3' : a)), '--tracking', 'out2']);
    expect(nested.err).toContain(`reusing 2 series states of ${join(root, 'out2', 'tracking')}`);
    const none = await cli([...args.map((a) => (a === 'out' ? 'out4' : a)), '--tracking', 'market']);
    expect(none.code, none.err).toBe(0);
    expect(none.err).toContain('warning: --tracking market: no tracking states there');
  }, 180_000);

  it('shows the fund section as absent with its reason when the data has no fund NAVs, and escapes the folder name', async () => {
    const { code, out, err } = await cli(['weekly', '--data', HOSTILE, '--as-of', asOf, '--out', 'bare', '--universes', 'none']);
    expect(code, err).toBe(0);
    expect(out).toContain('absent: strategies, tracking, funds');
    expect(err).toContain('absent (funds): the data has no `funds` or `fund_nav` table');
    expect(err).toContain('absent (strategies): no strategy file was given (--strategies)');
    expect(err).toContain('absent (tracking): switched off with --universes none');
    expect(readdirSync(join(root, 'bare')).sort()).toEqual(['report.html', 'weekly.json']);
    const summary = json('bare/weekly.json');
    expect(summary.funds).toMatchObject({ status: 'absent', why: 'missing_data', code: 'FK_MISSING_INPUT' });
    expect(summary.files).toEqual(['weekly.json', 'report.html']);
    const html = readFileSync(join(root, 'bare/report.html'), 'utf8');
    expect(html).toContain('Absent — Not in the data: the data has no `funds` or `fund_nav` table');
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  }, 120_000);

  it('fails a strategy that cannot run alone, writes the rest, and exits 1', async () => {
    strategyFile('future.json', 'future-test', '000300.SH', '100% 000300.SH', '2030-01-02');
    const { code, err } = await cli(['weekly', '--data', 'market', '--as-of', asOf, '--out', 'partial', '--strategies', 'future.json', 'csi300.json', '--universes', 'none', '--no-funds']);
    expect(code).toBe(1);
    expect(err).toMatch(/future-test\s+failed \[FK_INVALID_ARGUMENT\]: its start `2030-01-02` is after the report's last trading day/);
    expect(err).toContain('error [FK_INVALID_ARGUMENT]: 1 section problem (the outputs in');
    expect(csv('partial/strategies.csv').rows.map((r) => [r['strategy'], r['status']])).toEqual([
      ['future-test', 'failed'],
      ['csi300-test', 'ok'],
    ]);
    expect(json('partial/weekly.json').problems).toHaveLength(1);
  }, 120_000);

  it('refuses a bad --as-of, naming the flag, before writing anything', async () => {
    const last = calendar.at(-1)!;
    const late = new Date(Date.parse(`${last}T00:00:00Z`) + 10 * 86_400_000).toISOString().slice(0, 10);
    for (const [value, message] of [
      ['2015-13-01', /error \[FK_INVALID_ARGUMENT\]: --as-of: `"2015-13-01"` is not a real date/],
      ['friday', /error \[FK_INVALID_ARGUMENT\]: --as-of: `"friday"` is not a date/],
      ['2001-01-05', /error \[FK_INVALID_ARGUMENT\]: --as-of: `2001-01-05` is before the data's first trading day/],
      [late, new RegExp(`error \\[FK_INVALID_ARGUMENT\\]: --as-of: \`${late}\` is after the data's calendar, which ends \`${last}\``)],
    ] as const) {
      const { code, err } = await cli(['weekly', '--data', 'market', '--as-of', value, '--out', 'never', '--universes', 'none']);
      expect(code, value).toBe(1);
      expect(err).toMatch(message);
      expect(existsSync(join(root, 'never'))).toBe(false);
    }
    mkdirSync(join(root, 'occupied'));
    writeFileSync(join(root, 'occupied', 'mine.txt'), 'x');
    const occupied = await cli(['weekly', '--data', 'market', '--as-of', asOf, '--out', 'occupied']);
    expect(occupied.code).toBe(1);
    expect(occupied.err).toContain('--out: `');
  }, 120_000);
});
