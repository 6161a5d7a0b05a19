/**
 * The files of a fund analysis: headers, rows as the analysis holds them, the page escaping every
 * data text, atomic replacement of a previous output and refusal of any other folder.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FUND_FILES, fundAnalytics, fundTables, formatFundExclusions, formatFundSummary } from '../src/index.js';
import { writeFundOutputs } from '../src/node.js';
import { FUNDS, fixture, tableOf } from './fixture.js';

const root = mkdtempSync(join(tmpdir(), 'factorkit-funds-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const EVIL = '<script>alert(1)</script>';
const EVIL_BENCHMARK = '<img src=x onerror=alert(2)> 95%';

/** The fixture with a fund named like a script and a benchmark text like markup. */
function evilData() {
  const funds = FUNDS.map(([code, name, type, benchmark]) => [code, code === '000001.OF' ? EVIL : name, type, code === '000004.OF' ? EVIL_BENCHMARK : benchmark] as const);
  return fixture({ funds: tableOf('funds', { fund_code: 'string', name: 'string', fund_type: 'string', benchmark: 'string' }, funds) });
}

describe('writeFundOutputs', () => {
  const result = fundAnalytics(evilData(), { asOf: '2024-05-19', heavyHoldings: false });

  it('writes every file with the documented headers', async () => {
    const out = join(root, 'out');
    const written = await writeFundOutputs(out, result, { generatedAt: '2024-05-20T00:00:00Z', data: 'fixture' });
    expect(written.map((p) => p.slice(out.length + 1))).toEqual([...FUND_FILES]);
    expect(readdirSync(out).sort()).toEqual([...FUND_FILES].sort());
    const header = (file: string) => readFileSync(join(out, file), 'utf8').split('\n')[0];
    expect(header('excess_distribution.csv')).toBe('benchmark_index,window,funds,max,min,median,q25,q75');
    expect(header('fund_excess.csv')).toBe('fund_code,name,benchmark_index,window,start,end,fund_return,benchmark_return,excess');
    expect(header('new_high.csv')).toBe('fund_code,window,start,end,trading_days,new_highs,new_high_rate');
    expect(header('heavy_holdings.csv')).toBe('trade_date,ts_code,weight');
    expect(header('excluded.csv')).toBe('fund_code,name,window,reason,excluded_from,detail');
    // One line per row, numbers in full precision.
    const excess = readFileSync(join(out, 'fund_excess.csv'), 'utf8').trimEnd().split('\n');
    expect(excess.length - 1).toBe(result.excess.length);
    const first = result.excess[0]!;
    expect(excess[1]).toBe([first.fund, first.name, first.benchmarkIndex, first.window, first.start, first.end, String(first.fundReturn), String(first.benchmarkReturn), String(first.excess)].join(','));
  });

  it('shows a fund name and a benchmark text holding markup as text in report.html', async () => {
    const out = join(root, 'evil');
    await writeFundOutputs(out, result, { generatedAt: '2024-05-20T00:00:00Z' });
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    // The page runs no script at all.
    expect(html).not.toMatch(/<script/i);
    // Every section is there.
    for (const title of ['Run', 'Excess return distribution', 'CSI 500 (000905.SH)', 'CSI 300 (000300.SH)', 'New-high rate', 'Left out']) expect(html).toContain(title);
  });

  it('replaces a previous output as a whole and refuses any other folder', async () => {
    const out = join(root, 'again');
    await writeFundOutputs(out, result);
    const before = readFileSync(join(out, 'fund_excess.csv'), 'utf8');
    const other = fundAnalytics(evilData(), { asOf: '2024-04-19', heavyHoldings: false });
    await writeFundOutputs(out, other);
    const after = readFileSync(join(out, 'fund_excess.csv'), 'utf8');
    expect(after).not.toBe(before);
    expect(after).toContain('2024-04-19');
    const foreign = join(root, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    await expect(writeFundOutputs(foreign, result, { what: '--out' })).rejects.toThrow(/--out: `.*foreign` is not empty and not the output of a fund analysis/);
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
  });

  it('summarises what it holds and what it left out', () => {
    // 000002 is too young for the quarter and the year; 000004, 000005, 000007 have no usable
    // benchmark but a new-high rate; 999999 has NAVs but no `funds` row.
    expect(formatFundSummary(result)).toBe('6 index_enhanced funds in 2 index families; excess for week 3, month 3, quarter 2, ytd 2 funds; new-high rates for 6 funds; 6 left out');
    const text = formatFundExclusions(result);
    expect(text).toContain('left out (invalid_benchmark, from the excess only): 1 fund');
    expect(text).toContain('not analysed (other fund types): 1 active_equity');
    expect(fundTables(result).map((t) => t.file)).toEqual(FUND_FILES.filter((f) => f.endsWith('.csv')));
  });
});
