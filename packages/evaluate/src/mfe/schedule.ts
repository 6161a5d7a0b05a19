import type { Calendar } from '@factorkit/core';
import { closesPeriodByWeekdays, monthKey, weekKey } from './dates.js';

/**
 * Rebalance dates in `[first, last]` (calendar indices): the last trading day of each month or
 * ISO week. A day closes its period when the next trading day of the calendar falls in another
 * one; the calendar's own last day closes its period when no weekday follows it in the period.
 */
export function periodEnds(calendar: Calendar, period: 'week' | 'month', first: number, last: number): number[] {
  const key = period === 'week' ? weekKey : monthKey;
  const out: number[] = [];
  for (let t = first; t <= last; t++) {
    const closes = t + 1 < calendar.length ? key(calendar.at(t + 1)) !== key(calendar.at(t)) : closesPeriodByWeekdays(calendar.at(t), period);
    if (closes) out.push(t);
  }
  return out;
}
