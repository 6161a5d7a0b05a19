/**
 * The weekly report's files from a hand-made result: every file of the present sections written
 * atomically, strategies.csv recomputed here from strategy_nav.csv, hostile texts escaped on the
 * page and guarded in the CSV files, absent sections shown with their reasons, and a folder that
 * is not a weekly output left alone.
 */
import { renderHtml } from '@factorkit/report';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { weeklyReport } from '../src/index.js';
import { isWeeklyOutput, writeWeeklyOutputs } from '../src/node.js';
import { strategy, weekdays, weeklyResult } from './fixture.js';

const root = mkdtempSync(join(tmpdir(), 'factorkit-weekly-outputs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const HOSTILE_NOTE = '<script>alert(1)</script>';
const HOSTILE_BENCHMARK = '=HYPERLINK("http://x") <img src=x onerror=alert(2)>';

/** A CSV file as header and rows, quoted fields read as RFC 4180 writes them. */
function csv(path: string): { header: string[]; rows: Record<string, string>[] } {
  const split = (line: string): string[] => {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quoted && c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = !quoted;
      else if (c === ',' && !quoted) {
        cells.push(cell);
        cell = '';
      } else cell += c;
    }
    cells.push(cell);
    return cells;
  };
  const [head, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const header = split(head!);
  return { header, rows: lines.map((line) => Object.fromEntries(split(line).map((cell, i) => [header[i]!, cell]))) };
}

describe('writeWeeklyOutputs', () => {
  const dates = weekdays('2023-11-01', '2024-03-06');
  const IDLE = 'None of its 4 rebalances was solved (4 skipped): it never invested';
  const result = weeklyResult([strategy('alpha', '95% 000852.SH + 5% deposit', dates, 0.001, 0.0005), { ...strategy('beta', HOSTILE_BENCHMARK, dates.slice(30), -0.0002, 0.0003, [HOSTILE_NOTE]), warnings: [IDLE] }], { failed: true });

  it('writes the files of the present sections, and strategies.csv agrees with the excess recomputed from strategy_nav.csv', async () => {
    const out = join(root, 'out');
    const written = await writeWeeklyOutputs(out, result, { generatedAt: '2024-03-07T00:00:00Z', data: 'fixture' });
    expect(readdirSync(out).sort()).toEqual(['report.html', 'strategies.csv', 'strategy_nav.csv', 'strategy_windows.csv', 'weekly.json']);
    expect(written.map((p) => p.slice(out.length + 1))).toEqual(['strategies.csv', 'strategy_windows.csv', 'strategy_nav.csv', 'weekly.json', 'report.html']);
    const nav = csv(join(out, 'strategy_nav.csv'));
    expect(nav.header).toEqual(['strategy', 'trade_date', 'nav', 'benchmark_nav']);
    const table = csv(join(out, 'strategies.csv'));
    expect(table.header.slice(0, 10)).toEqual(['strategy', 'benchmark', 'week_excess', 'month_excess', 'ytd_excess', 'annual_excess', 'tracking_error', 'information_ratio', 'excess_max_drawdown', 'as_of']);
    expect(table.rows.map((r) => [r['strategy'], r['status']])).toEqual([
      ['alpha', 'ok'],
      ['beta', 'ok'],
      ['broken', 'failed'],
    ]);
    // 2024-03-06 is a Wednesday: the week starts at Friday 03-01's close, the month at 02-29's, the year at 2023-12-29's.
    const starts = { week: '2024-03-01', month: '2024-02-29', ytd: '2023-12-29' } as const;
    for (const name of ['alpha', 'beta']) {
      const rows = nav.rows.filter((r) => r['strategy'] === name);
      const at = (date: string) => rows.find((r) => r['trade_date'] === date)!;
      const end = at('2024-03-06');
      const row = table.rows.find((r) => r['strategy'] === name)!;
      for (const [window, start] of Object.entries(starts)) {
        const first = at(start);
        const r = Number(end['nav']) / Number(first['nav']) - 1;
        const b = Number(end['benchmark_nav']) / Number(first['benchmark_nav']) - 1;
        expect(row[`${window}_start`]).toBe(start);
        expect(Number(row[`${window}_excess`])).toBeCloseTo(r - b, 12);
        expect(Number(row[`${window}_excess_ratio`])).toBeCloseTo((1 + r) / (1 + b) - 1, 12);
      }
    }
    const broken = table.rows.find((r) => r['strategy'] === 'broken')!;
    expect(broken['message']).toMatch(/^FK_INFEASIBLE: infeasible/);
    expect(table.rows.find((r) => r['strategy'] === 'beta')!['message']).toBe(`${IDLE} | ${HOSTILE_NOTE}`);
    expect(broken['week_excess']).toBe('');
    // A text a spreadsheet would run as a formula is written with a leading quote.
    expect(table.rows.find((r) => r['strategy'] === 'beta')!['benchmark']).toBe(`'${HOSTILE_BENCHMARK}`);
    const json = JSON.parse(readFileSync(join(out, 'weekly.json'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(json['format']).toBe('factorkit-weekly');
    expect(json['tracking']).toEqual({ status: 'absent', why: 'not_requested', reason: 'no --universes given' });
    expect(json['funds']).toMatchObject({ status: 'absent', why: 'missing_data', reason: 'the data has no `fund_nav` table' });
    expect(json['strategies']['strategies'][0]).not.toHaveProperty('result');
    expect(json['files']).toEqual(['strategies.csv', 'strategy_windows.csv', 'strategy_nav.csv', 'weekly.json', 'report.html']);
  });

  it('shows hostile texts as text, and each absent section with its reason', () => {
    const html = renderHtml(weeklyReport(result, { generatedAt: '2024-03-07T00:00:00Z' }));
    expect(html).not.toContain(HOSTILE_NOTE);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Absent — Not requested: no --universes given');
    expect(html).toContain('Absent — Not in the data: the data has no `fund_nav` table');
    expect(html).toContain('broken did not run [FK_INFEASIBLE]');
    expect(html).toContain(`beta: ${IDLE}`);
  });

  it('replaces a previous weekly output but never another folder', async () => {
    const other = join(root, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    await expect(writeWeeklyOutputs(other, result, { what: '--out' })).rejects.toThrow(/^--out: `.*other` is not empty and not the output of a weekly report/);
    expect(readdirSync(other)).toEqual(['notes.txt']);
    const out = join(root, 'again');
    await writeWeeklyOutputs(out, result);
    await writeWeeklyOutputs(out, weeklyResult([strategy('gamma', '100% 000300.SH', dates, 0, 0)]));
    expect(csv(join(out, 'strategies.csv')).rows.map((r) => r['strategy'])).toEqual(['gamma']);
    expect(isWeeklyOutput(readdirSync(out))).toBe(true);
    expect(existsSync(join(out, 'tracking'))).toBe(false);
  });
});
