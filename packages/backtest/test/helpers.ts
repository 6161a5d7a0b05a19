import type { MarketData } from '@factorkit/core';
import { type BacktestOptions, type BacktestResult, type TradeRecord, runBacktest } from '../src/index.js';
import { weightsOf } from './market.js';

/** No costs, no interest, no volume cap: the rules alone. */
export const FREE = {
  costs: {
    commission: 0,
    minCommission: 0,
    slippageBps: 0,
    stampDuty: [{ from: '2000-01-01', buy: 0, sell: 0 }],
    transferFee: [
      { from: '2000-01-01', exchange: 'SH' as const, rate: 0, perShare: 0 },
      { from: '2000-01-01', exchange: 'SZ' as const, rate: 0, perShare: 0 },
      { from: '2000-01-01', exchange: 'BJ' as const, rate: 0, perShare: 0 },
    ],
  },
  depositRate: 0,
  execution: { participation: 1 },
};

/** Run with target weights given by date index (`code → weight`). */
export function run(
  data: MarketData,
  schedule: Readonly<Record<number, Readonly<Record<string, number>>>>,
  options: Partial<Omit<BacktestOptions, 'targets'>> = {},
): BacktestResult {
  return runBacktest(data, {
    ...FREE,
    ...options,
    execution: { ...FREE.execution, ...options.execution },
    targets: (t) => (schedule[t] ? weightsOf(data, schedule[t]) : undefined),
  });
}

/** The trade rows of one stock, as `[date, side, status, reason, filled, ordered]`. */
export function rowsOf(result: BacktestResult, code: string): [string, string, string, string | undefined, number, number][] {
  return result.trades.filter((t) => t.code === code).map((t) => [t.date, t.side, t.status, t.reason, t.filled, t.ordered]);
}

/** The one trade of `code` on `date`. */
export function tradeOf(result: BacktestResult, code: string, date: string): TradeRecord {
  const found = result.trades.filter((t) => t.code === code && t.date === date);
  if (found.length !== 1) throw new Error(`${found.length} trades of ${code} on ${date}`);
  return found[0]!;
}
