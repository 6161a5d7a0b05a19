/**
 * `factorkit funds` on a small synthetic market (300 stocks, two years): every file written, the
 * excess recomputed here from the CSV files (fund_nav, index_daily, funds), the same output with
 * the fund tables in a `--with` folder, and each faulty input with its message and exit code.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { type CliResult, readCsv, runCli } from './helpers.js';

const FUND_TABLES = ['funds.csv', 'fund_nav.csv', 'fund_holdings.csv'];
const FILES = ['excess_distribution.csv', 'excluded.csv', 'fund_excess.csv', 'heavy_holdings.csv', 'new_high.csv', 'report.html'];

let root: string;
let asOf: string;

const cli = (args: string[], cwd = root): Promise<CliResult> => runCli(args, cwd);

/** A CSV file of the test folder, as header and rows (`readCsv` of the helpers). */
const csv = (path: string) => readCsv(join(root, path));

/** A `--with` folder holding the market's fund tables, `edit` applied to the lines of each. */
function fundFolder(name: string, edit: (file: string, lines: string[]) => string[] = (_f, lines) => lines): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const file of FUND_TABLES) {
    const lines = readFileSync(join(root, 'market', file), 'utf8').trimEnd().split('\n');
    writeFileSync(join(dir, file), `${edit(file, lines).join('\n')}\n`);
  }
  return name;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'factorkit-cli-funds-'));
  const code = await run(['data', 'synth', '--out', 'market', '--stocks', '300', '--years', '2', '--seed', '5', '--format', 'csv'], { stdout: () => undefined, stderr: () => undefined, cwd: root });
  if (code !== 0) throw new Error('could not write the test market');
  // The market without its fund tables: the fund tables come with --with.
  cpSync(join(root, 'market'), join(root, 'bare'), { recursive: true });
  for (const file of FUND_TABLES) rmSync(join(root, 'bare', file));
  const calendar = readFileSync(join(root, 'market', 'calendar.csv'), 'utf8').trimEnd().split('\n').slice(1);
  asOf = calendar[calendar.length - 4]!;
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Calendar days between two dates. */
const days = (a: string, b: string): number => (Date.parse(b) - Date.parse(a)) / 86_400_000;

describe('factorkit funds', () => {
  it('writes every file, and each excess equals the one recomputed from fund_nav, index_daily and the benchmark text', async () => {
    const { code, out, err } = await cli(['funds', '--data', 'market', '--as-of', asOf, '--out', 'out']);
    expect(code, err).toBe(0);
    expect(out).toMatch(/^wrote .*out: \d+ index_enhanced funds in \d index families; excess for week \d+, month \d+, quarter \d+, ytd \d+ funds; new-high rates for \d+ funds; heavy-holdings index: \d+ rebuilds, the last on \d{4}-\d\d-\d\d with \d+ members; \d+ left out/);
    expect(readdirSync(join(root, 'out')).sort()).toEqual(FILES);
    expect(csv('out/excess_distribution.csv').header.join(',')).toBe('benchmark_index,window,funds,max,min,median,q25,q75');
    expect(csv('out/new_high.csv').header.join(',')).toBe('fund_code,window,start,end,trading_days,new_highs,new_high_rate');
    expect(csv('out/heavy_holdings.csv').header.join(',')).toBe('trade_date,ts_code,weight');
    const excess = csv('out/fund_excess.csv');
    expect(excess.header.join(',')).toBe('fund_code,name,benchmark_index,window,start,end,fund_return,benchmark_return,excess');
    expect(excess.rows.length).toBeGreaterThan(20);

    const nav = new Map(csv('market/fund_nav.csv').rows.map((r) => [`${r.fund_code} ${r.trade_date}`, Number(r.nav)]));
    const levels = csv('market/index_daily.csv').rows;
    const close = new Map(levels.map((r) => [`${r.index_code} ${r.trade_date}`, Number(r.close)]));
    const calendar = csv('market/calendar.csv').rows.map((r) => r.trade_date!);
    const benchmarks = new Map(csv('market/funds.csv').rows.map((r) => [r.fund_code!, r.benchmark!]));
    for (const row of excess.rows) {
      const rf = nav.get(`${row.fund_code} ${row.end}`)! / nav.get(`${row.fund_code} ${row.start}`)! - 1;
      // `000905.SH` or `95% 000905.SH + 5% deposit` (0.35 % a year, calendar days / 365).
      const match = /^(?:(\d+)% )?(\d{6}\.S[HZ])(?: \+ (\d+)% deposit)?$/.exec(benchmarks.get(row.fund_code!)!)!;
      expect(match[2]).toBe(row.benchmark_index);
      const w = match[1] === undefined ? 1 : Number(match[1]) / 100;
      const d = match[3] === undefined ? 0 : Number(match[3]) / 100;
      let growth = 1;
      for (let t = calendar.indexOf(row.start!) + 1; t <= calendar.indexOf(row.end!); t++) {
        const r = close.get(`${match[2]} ${calendar[t]}`)! / close.get(`${match[2]} ${calendar[t - 1]}`)! - 1;
        growth *= 1 + w * r + (d * 0.0035 * days(calendar[t - 1]!, calendar[t]!)) / 365;
      }
      expect(Number(row.fund_return)).toBeCloseTo(rf, 12);
      expect(Number(row.benchmark_return)).toBeCloseTo(growth - 1, 12);
      expect(Number(row.excess)).toBeCloseTo(rf - (growth - 1), 12);
    }
    // Each window ends at the last trading day on or before --as-of.
    expect(new Set(excess.rows.map((r) => r.end))).toEqual(new Set([asOf]));
    const html = readFileSync(join(root, 'out', 'report.html'), 'utf8');
    expect(html).toContain('Excess return distribution');
    expect(html).not.toMatch(/<script/i);
  });

  it('reads the fund tables from a --with folder: the same files', async () => {
    const funds = fundFolder('with-funds');
    const { code, err } = await cli(['funds', '--data', 'bare', '--with', funds, '--as-of', asOf, '--out', 'out-with']);
    expect(code, err).toBe(0);
    for (const file of FILES.filter((f) => f.endsWith('.csv'))) expect(readFileSync(join(root, 'out-with', file), 'utf8'), file).toBe(readFileSync(join(root, 'out', file), 'utf8'));
  });

  it('names the missing fund table', async () => {
    const { code, err } = await cli(['funds', '--data', 'bare', '--as-of', asOf, '--out', 'out-bare']);
    expect(code).toBe(1);
    expect(err).toMatch(/error \[FK_MISSING_INPUT\]: the dataset `.*bare` has no `funds` table .* with the columns `fund_code` \(string\), `fund_type` \(string\), `benchmark` \(string\)/);
    expect(existsSync(join(root, 'out-bare'))).toBe(false);
  });

  it('leaves out, counted with the text and position, a fund whose benchmark cannot be read; a fund name holding markup is text on the page', async () => {
    let victim = '';
    const funds = fundFolder('bad-benchmark', (file, lines) => {
      if (file !== 'funds.csv') return lines;
      const header = lines[0]!.split(',');
      const [b, t, n] = ['benchmark', 'fund_type', 'name'].map((c) => header.indexOf(c));
      return lines.map((line, i) => {
        const cells = line.split(',');
        if (i === 0 || cells[t!] !== 'index_enhanced' || victim !== '') return line;
        victim = cells[0]!;
        cells[b!] = '95% 000905.SH + 5 deposit';
        cells[n!] = '<script>alert(1)</script>';
        return cells.join(',');
      });
    });
    const { code, err } = await cli(['funds', '--data', 'bare', '--with', funds, '--as-of', asOf, '--out', 'out-bad']);
    expect(code, err).toBe(0);
    expect(err).toContain('left out (invalid_benchmark, from the excess only): 1 fund');
    expect(err).toMatch(new RegExp(`${victim.replace('.', '\\.')} <script>alert\\(1\\)</script>: benchmark \`95% 000905\\.SH \\+ 5 deposit\` cannot be read at position \\d+`));
    const excluded = csv('out-bad/excluded.csv').rows.find((r) => r.fund_code === victim)!;
    expect([excluded.reason, excluded.excluded_from]).toEqual(['invalid_benchmark', 'excess']);
    expect(csv('out-bad/fund_excess.csv').rows.some((r) => r.fund_code === victim)).toBe(false);
    expect(csv('out-bad/new_high.csv').rows.some((r) => r.fund_code === victim)).toBe(true);
    const html = readFileSync(join(root, 'out-bad', 'report.html'), 'utf8');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
  });

  it('refuses a NAV gap with the file, the lines and the date (exit 3), or leaves the fund out with --nav-problems exclude', async () => {
    let gap = '';
    const enhanced = csv('market/funds.csv').rows.find((r) => r.fund_type === 'index_enhanced')!.fund_code!;
    const funds = fundFolder('gap', (file, lines) => {
      if (file !== 'fund_nav.csv') return lines;
      const rows = lines.map((line, i) => [line, i] as const).filter(([line]) => line.startsWith(`${enhanced},`));
      const [line] = rows[Math.floor(rows.length / 2)]!;
      gap = line.split(',')[1]!;
      return lines.filter((l) => l !== line);
    });
    const failed = await cli(['funds', '--data', 'bare', '--with', funds, '--as-of', asOf, '--out', 'out-gap']);
    expect(failed.code).toBe(3);
    expect(failed.err).toMatch(new RegExp(`error \\[FK_DATA_REJECTED\\]: fund_nav \\(.*fund_nav\\.csv\\): the NAVs of 1 fund have gaps`));
    expect(failed.err).toMatch(new RegExp(`fund_nav\\.csv: fund \`${enhanced.replace('.', '\\.')}\` has no NAV on \`${gap}\`, between its NAVs of \`\\d{4}-\\d\\d-\\d\\d\` \\(line \\d+\\) and \`\\d{4}-\\d\\d-\\d\\d\` \\(line \\d+\\)`));
    expect(failed.err).toContain('--nav-problems `exclude`');
    expect(existsSync(join(root, 'out-gap'))).toBe(false);
    const excluded = await cli(['funds', '--data', 'bare', '--with', funds, '--as-of', asOf, '--out', 'out-gap', '--nav-problems', 'exclude']);
    expect(excluded.code, excluded.err).toBe(0);
    expect(excluded.err).toContain('left out (nav_problem): 1 fund');
    expect(csv('out-gap/excluded.csv').rows.find((r) => r.fund_code === enhanced)!.reason).toBe('nav_problem');
  });

  it('refuses a duplicated NAV date, naming the file and line the loader rejected (exit 3)', async () => {
    let duplicated = 0;
    const funds = fundFolder('duplicate', (file, lines) => {
      if (file !== 'fund_nav.csv') return lines;
      duplicated = 11;
      return [...lines.slice(0, duplicated), lines[duplicated - 1]!.replace(/,([\d.]+)$/, ',9.99'), ...lines.slice(duplicated)];
    });
    const { code, err } = await cli(['funds', '--data', 'bare', '--with', funds, '--as-of', asOf, '--out', 'out-dup']);
    expect(code).toBe(3);
    expect(err).toContain('error [FK_DATA_REJECTED]: fund_nav (');
    expect(err).toMatch(new RegExp(`fund_nav\\.csv:${duplicated + 1}: duplicate key`));
  });

  it('checks its flags before loading anything', async () => {
    const bad = await cli(['funds', '--data', 'market', '--as-of', asOf, '--out', 'out-x', '--excess', 'log']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('--excess: expected `difference` or `ratio`, got `log`');
    expect(bad.err).not.toContain('loading');
    const rate = await cli(['funds', '--data', 'market', '--as-of', asOf, '--out', 'out-x', '--deposit-rate', 'lots']);
    expect(rate.err).toContain('--deposit-rate: expected an annual rate');
    mkdirSync(join(root, 'occupied'));
    writeFileSync(join(root, 'occupied', 'keep.txt'), 'x');
    const occupied = await cli(['funds', '--data', 'market', '--as-of', asOf, '--out', 'occupied']);
    expect(occupied.code).toBe(1);
    expect(occupied.err).toContain('is not empty and not the output of a fund analysis');
  });
});
