/**
 * The runner's benchmark series and rebalance schedule, against computations made here from the
 * index closes and the calendar.
 */
import { TradingCalendar, isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { rebalanceDates } from '../src/index.js';
import { strategyBenchmark } from '../src/run/benchmark.js';
import { syntheticMarket } from './run-helpers.js';

const data = syntheticMarket();
const dates = data.calendar.dates;

/** Closes of `code` on the calendar, read row by row from `index_daily`. */
function closes(code: string): Float64Array {
  const table = data.table('index_daily')!;
  const codes = table.columns.get('index_code') as { codes: Int32Array; dictionary: readonly string[] };
  const days = table.columns.get('trade_date') as { values: Int32Array };
  const close = table.columns.get('close') as { values: Float64Array };
  const out = new Float64Array(dates.length).fill(Number.NaN);
  const k = codes.dictionary.indexOf(code);
  for (let r = 0; r < table.rowCount; r++) {
    if (codes.codes[r] !== k) continue;
    const t = dates.indexOf(`${String(days.values[r]).slice(0, 4)}-${String(days.values[r]).slice(4, 6)}-${String(days.values[r]).slice(6, 8)}`);
    if (t >= 0) out[t] = close.values[r]!;
  }
  return out;
}

describe('strategyBenchmark', () => {
  it('gives 95% of the index return plus 5% of the deposit rate over the calendar days', () => {
    const first = 10;
    const last = dates.length - 1;
    const { returns, text } = strategyBenchmark(data, { text: '95% csi1000 + 5% deposit', alias: { name: 'csi1000', code: '000852.SH' }, depositRate: 0.01, first, last });
    expect(text).toContain('95%');
    const level = closes('000852.SH');
    for (const t of [first + 1, 100, last]) {
      const days = (Date.parse(`${dates[t]}T00:00:00Z`) - Date.parse(`${dates[t - 1]}T00:00:00Z`)) / 86_400_000;
      expect(returns[t]).toBeCloseTo(0.95 * (level[t]! / level[t - 1]! - 1) + (0.05 * 0.01 * days) / 365, 14);
    }
  });

  it('names a series the data lacks, and reads it from the benchmark data when given', () => {
    const error = (() => {
      try {
        strategyBenchmark(data.window(0, 200), { text: '90% 399303.SZ + 10% 000016.SH', first: 1, last: 150 });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isFactorkitError(error) && error.code === 'FK_MISSING_INPUT').toBe(true);
    expect((error as Error).message).toContain('000016.SH');
    // The same window's levels from the whole dataset fill in (matched by date).
    const { returns } = strategyBenchmark(data.window(0, 200), { text: '100% 000905.SH', benchmarkData: data, first: 1, last: 150 });
    const level = closes('000905.SH');
    expect(returns[150]).toBeCloseTo(level[150]! / level[149]! - 1, 14);
  });

  it('refuses a run with days the series does not cover, naming the first one', () => {
    const hsi = closes('HSI');
    const gap = hsi.findIndex((v, t) => t > 0 && !(v > 0));
    if (gap < 0) return; // every day of the synthetic HSI has a level: nothing to refuse here
    expect(() => strategyBenchmark(data, { text: '100% HSI', first: 0, last: dates.length - 1 })).toThrow(dates[gap]!);
  });
});

describe('rebalanceDates', () => {
  const calendar = new TradingCalendar(['2024-01-02', '2024-01-03', '2024-01-05', '2024-01-08', '2024-01-12', '2024-01-15', '2024-01-31', '2024-02-01', '2024-02-02']);
  it('takes the last trading day of each ISO week and month, and every N days', () => {
    expect(rebalanceDates(calendar, 'week', 0, 8).map((t) => calendar.at(t))).toEqual(['2024-01-05', '2024-01-12', '2024-01-15']);
    expect(rebalanceDates(calendar, 'month', 0, 8).map((t) => calendar.at(t))).toEqual(['2024-01-31']);
    expect(rebalanceDates(calendar, 3, 1, 8)).toEqual([1, 4, 7]);
    expect(() => rebalanceDates(calendar, 0, 0, 8)).toThrow('rebalance.every');
  });
});
