/**
 * Hand-made weekly results for the document and output tests: strategies whose backtests are a
 * few lines of NAV (no strategy is run), absent tracking and funds sections.
 */
import type { StrategyResult } from '@factorkit/strategy';
import { returnWindows } from '@factorkit/funds';
import { type AbsentSection, type WeeklyResult, type WeeklyStrategy, strategyWindows } from '../src/index.js';

/** Weekdays from `from` to `to` inclusive (no holidays), `YYYY-MM-DD`. */
export function weekdays(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const day = new Date(t).getUTCDay();
    if (day !== 0 && day !== 6) out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** A strategy entry whose backtest NAV drifts up by `drift` a day against a benchmark drifting by `benchmarkDrift`. */
export function strategy(name: string, benchmark: string, dates: string[], drift: number, benchmarkDrift: number, notes: string[] = []): WeeklyStrategy {
  const nav = Float64Array.from(dates, (_, k) => (1 + drift) ** k * (1 + 0.002 * Math.sin(k)));
  const benchmarkNav = Float64Array.from(dates, (_, k) => (1 + benchmarkDrift) ** k);
  const backtest = { dates, nav, benchmarkNav, metrics: {} };
  const result = { name, benchmark, backtest, notes, rebalances: [] } as unknown as StrategyResult;
  return {
    status: 'ok',
    name,
    description: undefined,
    benchmark,
    start: dates[0]!,
    end: dates[dates.length - 1]!,
    windows: strategyWindows({ dates, nav, benchmarkNav }, dates[dates.length - 1]!),
    totalReturn: nav[nav.length - 1]! - 1,
    benchmarkTotalReturn: benchmarkNav[benchmarkNav.length - 1]! - 1,
    annualExcess: 0.05,
    annualExcessRatio: 0.048,
    trackingError: 0.04,
    informationRatio: 1.25,
    maxDrawdown: 0.1,
    excessMaxDrawdown: 0.02,
    rebalances: { optimal: 3 },
    warnings: [],
    notes,
    result,
  };
}

const notRequested = (reason: string): AbsentSection => ({ status: 'absent', why: 'not_requested', reason });

/** A weekly result with the given strategies (and a failed one), tracking and funds absent. */
export function weeklyResult(strategies: WeeklyStrategy[], options: { failed?: boolean; fundsReason?: string } = {}): WeeklyResult {
  const dates: readonly string[] = strategies[0]!.result.backtest.dates;
  const lastDate = dates[dates.length - 1]!;
  const ints = Int32Array.from(dates, (d: string) => Number(d.replaceAll('-', '')));
  return {
    asOf: lastDate,
    lastDate,
    windows: returnWindows(ints, lastDate),
    strategies: {
      status: 'ok',
      value: { strategies: [...strategies, ...(options.failed ? [{ status: 'failed' as const, name: 'broken', benchmark: '100% 000300.SH', code: 'FK_INFEASIBLE' as const, message: 'infeasible on 2024-01-05 under policy `stop`' }] : [])] },
    },
    tracking: notRequested('no --universes given'),
    funds: { status: 'absent', why: 'missing_data', code: 'FK_MISSING_INPUT', reason: options.fundsReason ?? 'the data has no `fund_nav` table' },
    problems: options.failed ? [{ section: 'strategies' as const, code: 'FK_INFEASIBLE' as const, message: 'strategy `broken`: infeasible' }] : [],
    notes: [],
    timings: { strategies: 1, tracking: 0, funds: 0, total: 1 },
  };
}
