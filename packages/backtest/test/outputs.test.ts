/**
 * The written files: headers, atomic replacement, refusal of foreign folders; and the metrics
 * recomputed independently (numpy) from the written CSVs agreeing with `metrics.json`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKTEST_FILES, runBacktest } from '../src/index.js';
import { writeBacktestOutputs } from '../src/node.js';
import { randomMarket } from './market.js';

const root = mkdtempSync(join(tmpdir(), 'factorkit-backtest-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SCRIPT = join(import.meta.dirname, 'reference_metrics.py');

function backtest(seed: number) {
  const { data, benchmark, targets } = randomMarket(seed, { days: 320, every: 5 });
  return runBacktest(data, {
    capital: 3_000_000,
    benchmark,
    depositRate: 0.015,
    costs: { slippageBps: 5 },
    execution: { price: 'open', participation: 0.05 },
    targets: (t) => targets.get(t),
    benchmarkWeights: () => new Float64Array(data.assets.length).fill(1 / data.assets.length),
  });
}

describe('writeBacktestOutputs', () => {
  it('writes every file with the documented headers', async () => {
    const result = backtest(11);
    const out = join(root, 'out');
    const written = await writeBacktestOutputs(out, result);
    expect(written.map((p) => p.slice(out.length + 1))).toEqual([...BACKTEST_FILES]);
    expect(readdirSync(out).sort()).toEqual([...BACKTEST_FILES].sort());
    const header = (file: string) => readFileSync(join(out, file), 'utf8').split('\n')[0];
    expect(header('nav.csv')).toBe('trade_date,nav,benchmark_nav,cash,turnover,cost');
    expect(header('trades.csv')).toBe('trade_date,ts_code,side,shares,price,amount,commission,stamp_duty,transfer_fee,status,reason');
    expect(header('holdings.csv')).toBe('trade_date,ts_code,shares,weight,benchmark_weight');
    expect(header('periods.csv')).toBe('frequency,period,start,end,days,return,benchmark_return,excess,excess_ratio');
    const lines = (file: string) => readFileSync(join(out, file), 'utf8').trimEnd().split('\n').length - 1;
    expect(lines('nav.csv')).toBe(result.dates.length);
    expect(lines('trades.csv')).toBe(result.trades.length);
    expect(lines('holdings.csv')).toBe(result.holdings.length);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, unknown>;
    for (const key of ['annual_return', 'benchmark_annual_return', 'annual_excess', 'tracking_error', 'information_ratio', 'max_drawdown', 'excess_max_drawdown', 'turnover', 'cost_drag', 'new_high_rate']) {
      expect(typeof metrics[key], key).toBe('number');
    }
    // Refused and partly filled orders are in the file with their reason.
    const trades = readFileSync(join(out, 'trades.csv'), 'utf8');
    expect(trades).toMatch(/,refused,(limit_up|limit_down|suspended)\n/);
    expect(trades).toMatch(/,partial,(volume_cap|cash)\n/);
  });

  it('gives metrics that numpy recomputes from the written CSVs to 1e-9', async () => {
    const result = backtest(12);
    const out = join(root, 'reference');
    await writeBacktestOutputs(out, result);
    execFileSync('python3', [SCRIPT, out], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000 });
    const reference = JSON.parse(readFileSync(join(out, 'reference.json'), 'utf8')) as Record<string, number>;
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as Record<string, number>;
    const keys = [
      'total_return', 'annual_return', 'benchmark_total_return', 'benchmark_annual_return', 'total_excess', 'total_excess_ratio', 'annual_excess',
      'annual_excess_ratio', 'annual_volatility', 'tracking_error', 'information_ratio', 'max_drawdown', 'excess_max_drawdown', 'turnover', 'cost_drag',
      'weekly_win_rate', 'monthly_win_rate', 'new_high_rate', 'excess_new_high_rate', 'years', 'days',
    ];
    for (const key of keys) {
      expect(Number.isFinite(reference[key]), key).toBe(true);
      expect(Math.abs(metrics[key]! - reference[key]!), `${key}: ${metrics[key]} vs ${reference[key]}`).toBeLessThan(1e-9);
    }
    // The files agree with each other: turnover with the trades, cash with a replay of the trades, weights with the value.
    expect(reference.turnover_column_gap).toBeLessThan(1e-12);
    expect(reference.cash_ledger_gap).toBeLessThan(1e-9);
    expect(reference.holding_gap).toBeLessThan(1e-9);
    // Something happened worth measuring.
    expect(metrics.turnover).toBeGreaterThan(1);
    expect(metrics.cost_drag).toBeGreaterThan(0);
  });

  it('replaces a previous output as a whole and refuses any other folder', async () => {
    const out = join(root, 'again');
    await writeBacktestOutputs(out, backtest(13));
    const before = readFileSync(join(out, 'nav.csv'), 'utf8');
    await writeBacktestOutputs(out, backtest(14));
    expect(readFileSync(join(out, 'nav.csv'), 'utf8')).not.toBe(before);
    const foreign = join(root, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    await expect(writeBacktestOutputs(foreign, backtest(13), { what: '--out' })).rejects.toThrow(/--out: `.*foreign` is not empty and not the output of a backtest/);
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
  });
});
