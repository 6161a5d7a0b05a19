import { periodOf } from '@factorkit/backtest';
import { type Calendar, FactorkitError, show } from '@factorkit/core';

/** How often a strategy rebalances: the last trading day of each ISO week or month, or every `N` trading days. */
export type RebalanceEvery = 'week' | 'month' | number;

/**
 * Rebalance dates (calendar indices) in `[first, last]`: for `week` / `month` the trading days
 * whose next trading day (in the calendar) falls in another ISO week / month, i.e. the last
 * trading day of each period — a period still open at the calendar's end has none; for a number
 * `N`, `first`, `first + N`, `first + 2N`, ….
 */
export function rebalanceDates(calendar: Calendar, every: RebalanceEvery, first: number, last: number): number[] {
  const out: number[] = [];
  if (typeof every === 'number') {
    if (!Number.isInteger(every) || every < 1) throw new FactorkitError('FK_INVALID_ARGUMENT', `strategy.rebalance.every: expected \`week\`, \`month\` or an integer ≥ 1, got ${show(every)}`);
    for (let t = first; t <= last; t += every) out.push(t);
    return out;
  }
  if (every !== 'week' && every !== 'month') throw new FactorkitError('FK_INVALID_ARGUMENT', `strategy.rebalance.every: expected \`week\`, \`month\` or an integer ≥ 1, got ${show(every)}`);
  for (let t = first; t <= last && t + 1 < calendar.length; t++) {
    if (periodOf(calendar.at(t + 1), every) !== periodOf(calendar.at(t), every)) out.push(t);
  }
  return out;
}
