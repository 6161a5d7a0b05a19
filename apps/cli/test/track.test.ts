/**
 * `factorkit track` on a small synthetic market (400 stocks, two years, monthly): the files and
 * their headers, tracking.csv against the aggregates recomputed from daily.csv, look-ahead (a
 * run as of t on the full data is byte-identical to a run on the data truncated at t), proxies
 * for benchmarks without weights, the default factor list, and each bad input with its message
 * and exit code.
 */
import { type Table, encodeStrings, readDatasetTables, writeDatasetFolder } from '@factorkit/data';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { type CliResult, runCli } from './helpers.js';

let root: string;
let tables: Map<string, Table>;

const cli = (args: string[], cwd = root): Promise<CliResult> => runCli(args, cwd);

/** The tables with each table's rows filtered; string columns re-encoded (as a file would read). */
function mapTables(all: ReadonlyMap<string, Table>, keep: (table: Table, row: number) => boolean, blank: (table: Table, column: string, row: number) => boolean = () => false): Map<string, Table> {
  const out = new Map<string, Table>();
  for (const [name, table] of all) {
    const kept: number[] = [];
    for (let r = 0; r < table.rowCount; r++) if (keep(table, r)) kept.push(r);
    const columns = new Map<string, Table['columns'] extends ReadonlyMap<string, infer C> ? C : never>();
    for (const [key, column] of table.columns) {
      if (column.type === 'string') columns.set(key, encodeStrings(kept.map((r) => (column.codes[r]! < 0 ? undefined : column.dictionary[column.codes[r]!]))));
      else if (column.type === 'date') columns.set(key, { type: 'date', values: Int32Array.from(kept, (r) => (blank(table, key, r) ? 0 : column.values[r]!)) });
      else columns.set(key, { type: 'number', values: Float64Array.from(kept, (r) => column.values[r]!) });
    }
    out.set(name, { name, rowCount: kept.length, columns });
  }
  return out;
}

const dateAt = (table: Table, column: string, row: number): number | undefined => {
  const c = table.columns.get(column);
  return c?.type === 'date' ? c.values[row] : undefined;
};

/**
 * The data as it was known at the close of `cut` (yyyymmdd): every row dated later (a trading
 * day, an announcement, a report, an interval or listing that starts later) removed, and end
 * dates not yet known (a membership's out_date, a delisting) blanked.
 */
function truncated(all: ReadonlyMap<string, Table>, cut: number): Map<string, Table> {
  const later = (table: Table, row: number) => ['trade_date', 'ann_date', 'report_date', 'in_date', 'list_date', 'first_trade_date'].some((c) => (dateAt(table, c, row) ?? 0) > cut);
  return mapTables(
    all,
    (table, row) => !later(table, row),
    (table, column, row) => ['out_date', 'delist_date', 'last_trade_date'].includes(column) && (dateAt(table, column, row) ?? 0) > cut,
  );
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'factorkit-cli-track-'));
  const code = await run(['data', 'synth', '--out', 'market', '--stocks', '400', '--years', '2', '--seed', '5', '--format', 'csv'], { stdout: () => undefined, stderr: () => undefined, cwd: root });
  if (code !== 0) throw new Error('could not write the test market');
  tables = (await readDatasetTables(join(root, 'market'))).tables;
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A CSV file of the output as header and rows of cells (no field of these files is quoted). */
function csv(dir: string, file: string): { header: string[]; rows: Record<string, string>[] } {
  const [head, ...lines] = readFileSync(join(root, dir, file), 'utf8').trimEnd().split('\n');
  const header = head!.split(',');
  return { header, rows: lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [header[i]!, cell]))) };
}

/** Monday of the ISO week, days since the epoch. */
function monday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`);
  return d.getTime() / 86_400_000 - ((d.getUTCDay() + 6) % 7);
}

describe('factorkit track', () => {
  it('writes every file, reports every drop, and tracking.csv equals the aggregates recomputed from daily.csv', async () => {
    const { code, out, err } = await cli(['track', '--data', 'market', '--universes', 'csi300,csi500', '--factors', 'momentum_1y,turnover_1m', '--start', '2014-06-01', '--as-of', '2015-12-18', '--save-problems', 'problems', '--out', 'out']);
    expect(code, err).toBe(0);
    expect(err).toContain('loaded market: 14 tables');
    expect(err).toMatch(/\[factor 1\/2\] momentum_1y: [\d,]+ values in [\d.]+ s \(computed /);
    // Series finish in any order on the worker threads (two here by default).
    expect(err).toMatch(/\[[1-4]\/4\] csi300 × momentum_1y: \d+ rebalances \(\d+ optimal/);
    expect(err).toMatch(/\[[1-4]\/4\] csi500 × turnover_1m: /);
    expect(err).toMatch(/\[4\/4\] /);
    expect(err).toContain('note: `momentum_1y`: the first');
    expect(out).toMatch(/^wrote .*out: 4 series \(2 factors × 2 universes\), \d+ rebalances: /);
    expect(readdirSync(join(root, 'out')).sort()).toEqual(['daily.csv', 'ic.csv', 'ic_summary.csv', 'mfe.csv', 'quantiles.csv', 'report.html', 'state', 'summary.json', 'tracking.csv', 'weights.csv']);
    expect(csv('out', 'mfe.csv').header.join(',')).toBe(
      'trade_date,universe,factor,status,n_assets,exposure,portfolio_return,benchmark_return,excess_return,turnover,cost,binding,active_exposure,period_end,days,candidates,message',
    );
    expect(csv('out', 'weights.csv').header.join(',')).toBe('trade_date,universe,factor,ts_code,weight,benchmark_weight,executed_weight');
    expect(csv('out', 'ic.csv').header.join(',')).toBe('trade_date,universe,factor,stage,horizon,n,ic,rank_ic');
    expect(csv('out', 'quantiles.csv').header.join(',')).toBe('universe,factor,stage,horizon,group,mean_equal,mean_cap');
    const ic = csv('out', 'ic.csv').rows;
    expect(new Set(ic.map((r) => r.stage))).toEqual(new Set(['raw', 'processed']));

    const tracking = csv('out', 'tracking.csv');
    expect(tracking.header.join(',')).toBe('universe,factor,direction,week,month,ytd,annualised,excess_vol,ir,max_drawdown,win_rate,2014,2015');
    expect(tracking.rows.map((r) => `${r.universe}/${r.factor}/${r.direction}`)).toEqual(['csi300/momentum_1y/1', 'csi300/turnover_1m/-1', 'csi500/momentum_1y/1', 'csi500/turnover_1m/-1']);
    const daily = csv('out', 'daily.csv').rows;
    const calendar = readFileSync(join(root, 'market', 'calendar.csv'), 'utf8').trimEnd().split('\n').slice(1);
    const near = (actual: string, expected: number, what: string) =>
      expect(Math.abs(Number(actual) - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
    for (const row of tracking.rows) {
      const days = daily.filter((d) => d.universe === row.universe && d.factor === row.factor);
      const growth = (keep: (date: string) => boolean) => {
        let p = 1;
        let b = 1;
        for (const d of days) {
          if (!keep(d.trade_date!)) continue;
          p *= 1 + Number(d.portfolio_return);
          b *= 1 + Number(d.benchmark_return);
        }
        return p / b - 1;
      };
      const what = `${row.universe} ${row.factor}`;
      near(row.week!, growth((d) => monday(d) === monday('2015-12-18')), `${what} week`);
      near(row.month!, growth((d) => d.startsWith('2015-12')), `${what} month`);
      near(row.ytd!, growth((d) => d.startsWith('2015')), `${what} ytd`);
      near(row['2014']!, growth((d) => d.startsWith('2014')), `${what} 2014`);
      const inception = calendar[calendar.indexOf(days[0]!.trade_date!) - 1]!;
      const years = (Date.parse(days.at(-1)!.trade_date!) - Date.parse(inception)) / 86_400_000 / 365.25;
      near(row.annualised!, (1 + growth(() => true)) ** (1 / years) - 1, `${what} annualised`);
      let curve = 1;
      let peak = 1;
      let drawdown = 0;
      const weeks = new Map<number, number>();
      for (const d of days) {
        const e = Number(d.excess_return);
        curve *= 1 + e;
        peak = Math.max(peak, curve);
        drawdown = Math.max(drawdown, 1 - curve / peak);
        weeks.set(monday(d.trade_date!), (weeks.get(monday(d.trade_date!)) ?? 1) * (1 + e));
      }
      near(row.max_drawdown!, drawdown, `${what} max drawdown`);
      near(row.win_rate!, [...weeks.values()].filter((g) => g > 1).length / weeks.size, `${what} win rate`);
    }

    // The page: every universe with a table and a chart; numbers' files named.
    const html = readFileSync(join(root, 'out', 'report.html'), 'utf8');
    expect(html).toContain('csi300 (index:000300.SH)');
    expect(html).toContain('csi500 (index:000905.SH)');
    expect(html.match(/<svg/g)!.length).toBeGreaterThanOrEqual(2);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    // One factorkit-problem file per problem built, under universe/factor/date.
    const mfe = csv('out', 'mfe.csv').rows;
    const built = mfe.filter((r) => r.universe === 'csi300' && r.factor === 'momentum_1y' && r.status !== 'skipped').map((r) => `${r.trade_date}.json`);
    expect(readdirSync(join(root, 'problems', 'csi300', 'momentum_1y')).sort()).toEqual(built.sort());
    expect(JSON.parse(readFileSync(join(root, 'problems', 'csi300', 'momentum_1y', built[0]!), 'utf8'))).toMatchObject({ format: 'factorkit-problem' });
  }, 60_000);

  it('reads nothing after --as-of: the CSVs equal those of a run on the data truncated there, byte for byte (and in this thread as on worker threads)', async () => {
    await writeDatasetFolder(join(root, 'cut'), truncated(tables, 20150630), { format: 'csv' });
    const args = ['--universes', 'csi500', '--factors', 'momentum_1y,turnover_1m', '--start', '2015-01-01', '--as-of', '2015-06-30'];
    const full = await cli(['track', '--data', 'market', ...args, '--workers', '2', '--out', 'full']);
    const cut = await cli(['track', '--data', 'cut', ...args, '--workers', '0', '--out', 'cutout']);
    expect(full.code, full.err).toBe(0);
    expect(cut.code, cut.err).toBe(0);
    const files = readdirSync(join(root, 'full')).filter((f) => f.endsWith('.csv'));
    expect(files).toHaveLength(7);
    for (const file of files) expect(readFileSync(join(root, 'cutout', file), 'utf8'), file).toBe(readFileSync(join(root, 'full', file), 'utf8'));
    expect(csv('full', 'daily.csv').rows.at(-1)!.trade_date).toBe('2015-06-30');
  }, 60_000);

  it('a later --as-of into the same --out solves only the new dates and writes the files of a run from scratch, byte for byte', async () => {
    const args = ['--data', 'market', '--universes', 'csi300,csi500', '--factors', 'momentum_1y,turnover_1m', '--start', '2015-01-01', '--frequency', 'weekly'];
    const first = await cli(['track', ...args, '--as-of', '2015-07-15', '--out', 'weekly']);
    expect(first.code, first.err).toBe(0);
    expect(readdirSync(join(root, 'weekly'))).toContain('state');
    const next = await cli(['track', ...args, '--as-of', '2015-12-18', '--save-problems', 'weekly-problems', '--out', 'weekly']);
    expect(next.code, next.err).toBe(0);
    expect(next.err).toContain('reusing 4 series states of the previous run in');
    expect(next.err).toMatch(/csi300 × momentum_1y: .*, resumed from 2015-07-15 \(\d+ new rebalances\)/);
    expect(next.out).toContain('; 4 resumed from the previous run (2015-07-15), 0 recomputed');
    // The factors were preprocessed and the series evaluated over the last weeks only.
    expect(next.err).toMatch(/continued the previous run: factors preprocessed and series evaluated from 2015-0[5-7]-\d\d, the earlier rows from its states/);
    // Only the new weeks were solved: no problem file dated on or before the previous as-of.
    const saved = readdirSync(join(root, 'weekly-problems', 'csi300', 'momentum_1y'));
    expect(saved.length).toBeGreaterThan(15);
    expect(saved.every((f) => f > '2015-07-15')).toBe(true);
    const scratch = await cli(['track', ...args, '--as-of', '2015-12-18', '--no-reuse', '--out', 'weekly-scratch']);
    expect(scratch.code, scratch.err).toBe(0);
    expect(scratch.err).not.toContain('reusing');
    const files = readdirSync(join(root, 'weekly')).filter((f) => f.endsWith('.csv'));
    expect(files).toHaveLength(7);
    for (const file of files) expect(readFileSync(join(root, 'weekly', file), 'utf8'), file).toBe(readFileSync(join(root, 'weekly-scratch', file), 'utf8'));
    // One more week on top: still continued, still the files of a run from scratch.
    const third = await cli(['track', ...args, '--as-of', '2015-12-25', '--out', 'weekly']);
    expect(third.code, third.err).toBe(0);
    expect(third.err).toContain('continued the previous run');
    const thirdScratch = await cli(['track', ...args, '--as-of', '2015-12-25', '--no-reuse', '--out', 'weekly-scratch']);
    expect(thirdScratch.err).not.toContain('continued');
    for (const file of files) expect(readFileSync(join(root, 'weekly', file), 'utf8'), file).toBe(readFileSync(join(root, 'weekly-scratch', file), 'utf8'));
  }, 180_000);

  it('a benchmark without published weights: says so and uses the float-cap proxy, or refuses it; the default factors skip what the data lacks', async () => {
    // csi1000 without its weights, and no consensus table (the expected_* factors need it).
    const noWeights = mapTables(tables, (table, row) => {
      if (table.name !== 'index_weight') return true;
      const code = table.columns.get('index_code')!;
      return code.type === 'string' && code.dictionary[code.codes[row]!] !== '000852.SH';
    });
    noWeights.delete('consensus');
    await writeDatasetFolder(join(root, 'noweights'), noWeights, { format: 'csv' });
    const { code, err, out } = await cli(['track', '--data', 'noweights', '--universes', 'csi500,csi1000', '--start', '2015-10-01', '--as-of', '2015-12-18', '--out', 'defaults']);
    expect(code, err).toBe(0);
    expect(err).toContain('universe csi1000 (index:000852.SH): 2 rebalance dates, proxy weights');
    expect(err).toContain('the dataset has no published benchmark weights for it on 2 of 2 rebalance dates; the benchmark there is a proxy: float-market-cap weights of its members');
    for (const id of ['expected_bp', 'expected_ep_ttm', 'expected_np_qoq', 'expected_peg']) expect(err).toMatch(new RegExp(`note: factor \`${id}\` left out: .*\`consensus_`));
    expect(out).toContain('22 series (11 factors × 2 universes)');
    const factors = csv('defaults', 'tracking.csv').rows.filter((r) => r.universe === 'csi500').map((r) => r.factor);
    expect(factors).toEqual(['bp', 'coverage_3m', 'ep_q', 'ep_ttm', 'exec_pay', 'illiquidity_shock', 'momentum_1y', 'profit_q_yoy', 'reversal_3m', 'turnover_1m', 'volatility_3m']);
    expect(readFileSync(join(root, 'defaults', 'report.html'), 'utf8')).toContain('a proxy (no published weights in the data)');

    writeFileSync(join(root, 'published.json'), JSON.stringify({ universe: { weights: 'published' } }));
    const refused = await cli(['track', '--data', 'noweights', '--universes', 'csi500,csi1000', '--factors', 'turnover_1m', '--as-of', '2015-12-18', '--config', 'published.json', '--out', 'refused']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('error [FK_INVALID_ARGUMENT]: --universes: a universe cannot be used:\n  - `csi1000`: universe `index` (000852.SH): weights `published` asked for, but the dataset has no `index_weight:000852.SH`');
    expect(existsSync(join(root, 'refused'))).toBe(false);
  }, 60_000);

  it('a factor with no values in the range: the outputs are written, exit 3', async () => {
    const { code, err } = await cli(['track', '--data', 'market', '--universes', 'csi500', '--factors', 'momentum_1y,turnover_1m', '--start', '2014-02-01', '--as-of', '2014-08-29', '--out', 'short']);
    expect(code).toBe(3);
    expect(err).toContain('error [FK_NO_VALUES]: factor `momentum_1y` has no values from 2014-02-06 to 2014-08-29: it needs 250 trading days of history');
    expect(csv('short', 'tracking.csv').rows.map((r) => r.factor)).toEqual(['turnover_1m']);
  }, 60_000);

  it('bad input: a clear message naming the flag, exit 1, nothing written', async () => {
    const cases: [string[], string][] = [
      [['--universes', 'csi300,csi9999', '--as-of', '2015-12-18'], '--universes: a universe cannot be used:\n  - `csi9999`: universe `index` (csi9999): the dataset has no membership for index `csi9999`'],
      [['--universes', 'csi300', '--factors', 'momentum_1y,nope', '--as-of', '2015-12-18'], 'error [FK_UNKNOWN_PLUGIN]: unknown factor `nope`'],
      [['--universes', 'csi300', '--start', '2015-06-01', '--as-of', '2015-05-29'], 'error [FK_INVALID_ARGUMENT]: --start `2015-06-01` is after --as-of `2015-05-29`'],
      [['--universes', 'csi300', '--as-of', '2013-12-31'], "error [FK_INVALID_ARGUMENT]: --as-of `2013-12-31` is before the data's first trading day (the data covers 2014-01-02 … 2015-12-31)"],
      [['--universes', 'csi300', '--start', '2016-02-01', '--as-of', '2016-03-01'], 'no trading day of the data lies between --start `2016-02-01` and --as-of `2016-03-01`'],
      [['--universes', 'csi300', '--as-of', '2015-02-30'], 'error [FK_INVALID_ARGUMENT]: --as-of: `"2015-02-30"` is not a real date'],
      [['--universes', 'csi300', '--as-of', '2015-12-18', '--frequency', 'daily'], '--frequency: expected `weekly` or `monthly`, got `daily`'],
      [['--universes', 'csi300', '--as-of', '2015-12-18', '--workers', 'two'], 'error [FK_INVALID_ARGUMENT]: --workers: expected a whole number from 0 (no worker threads) to 256, got `two`'],
      [['--universes', 'csi300', '--as-of', '2015-12-18', '--config', 'bad.json'], 'error [FK_INVALID_PARAMS]: --config `'],
      [['--universes', 'csi300', '--factors', 'turnover_1m', '--as-of', '2015-12-18', '--config', 'values.json'], '- constraints.deviation: expected a number in (0, 1], got `2`'],
    ];
    writeFileSync(join(root, 'bad.json'), JSON.stringify({ horizon: [5], groups: 1 }));
    writeFileSync(join(root, 'values.json'), JSON.stringify({ constraints: { deviation: 2 } }));
    for (const [args, message] of cases) {
      const { code, err } = await cli(['track', '--data', 'market', ...args, '--out', 'bad']);
      expect(err, args.join(' ')).toContain(message);
      expect(code, args.join(' ')).toBe(1);
      expect(existsSync(join(root, 'bad')), args.join(' ')).toBe(false);
    }
    const config = await cli(['track', '--data', 'market', '--universes', 'csi300', '--as-of', '2015-12-18', '--config', 'bad.json', '--out', 'bad']);
    expect(config.err).toContain('invalid tracking config:\n  - horizon: unknown setting');
    expect(config.err).toContain('  - groups: expected an integer in 2 … 1000, got `1`');
    // An --out that holds something else is refused before any work.
    writeFileSync(join(root, 'notes.txt'), 'x');
    const notEmpty = await cli(['track', '--data', 'market', '--universes', 'csi300', '--as-of', '2015-12-18', '--out', '.']);
    expect(notEmpty.code).toBe(1);
    expect(notEmpty.err).toContain('is not empty and not the output of a tracking run');
  }, 60_000);
});
