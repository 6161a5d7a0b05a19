/**
 * strategyWindows on hand-made NAV series: each window's start close is named here by date (the
 * last close before the ISO week, the month and the year), and the returns are computed here
 * from those two closes.
 */
import { isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { strategyWindows } from '../src/index.js';

/** Weekdays from `from` to `to` inclusive (no holidays), `YYYY-MM-DD`. */
function weekdays(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    const day = new Date(t).getUTCDay();
    if (day !== 0 && day !== 6) out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** A NAV that moves every day by a pseudo-random step, and a benchmark that moves differently. */
function series(dates: string[]) {
  const nav = new Float64Array(dates.length);
  const benchmarkNav = new Float64Array(dates.length);
  let a = 1;
  let b = 1;
  for (let k = 0; k < dates.length; k++) {
    if (k > 0) {
      a *= 1 + Math.sin(k * 1.7) * 0.01;
      b *= 1 + Math.cos(k * 0.9) * 0.008;
    }
    nav[k] = a;
    benchmarkNav[k] = b;
  }
  return { dates, nav, benchmarkNav };
}

function expected(s: ReturnType<typeof series>, start: string, end: string) {
  const i = s.dates.indexOf(start);
  const j = s.dates.indexOf(end);
  expect(i).toBeGreaterThanOrEqual(0);
  expect(j).toBeGreaterThan(i);
  const r = s.nav[j]! / s.nav[i]! - 1;
  const b = s.benchmarkNav[j]! / s.benchmarkNav[i]! - 1;
  return { r, b, days: j - i };
}

describe('strategyWindows', () => {
  it('starts each window at the last close before its period and gives both excess forms', () => {
    const s = series(weekdays('2023-12-20', '2024-02-07'));
    const windows = strategyWindows(s, '2024-02-07');
    expect(windows.map((w) => w.name)).toEqual(['week', 'month', 'ytd']);
    // Wednesday 2024-02-07: its week began Monday 02-05, so the week starts at Friday 02-02's close.
    const starts: Record<string, string> = { week: '2024-02-02', month: '2024-01-31', ytd: '2023-12-29' };
    for (const w of windows) {
      const { r, b, days } = expected(s, starts[w.name]!, '2024-02-07');
      expect(w.start).toBe(starts[w.name]);
      expect(w.end).toBe('2024-02-07');
      expect(w.partial).toBe(false);
      expect(w.tradingDays).toBe(days);
      expect(w.return).toBeCloseTo(r, 14);
      expect(w.benchmarkReturn).toBeCloseTo(b, 14);
      expect(w.excess).toBeCloseTo(r - b, 14);
      expect(w.excessRatio).toBeCloseTo((1 + r) / (1 + b) - 1, 14);
    }
    expect(windows.find((w) => w.name === 'week')!.periodStart).toBe('2024-02-05');
  });

  it('ends at the last close on or before a weekend as-of date, in that close’s week', () => {
    const s = series(weekdays('2023-12-20', '2024-02-09'));
    const week = strategyWindows(s, '2024-02-11', ['week'])[0]!;
    expect([week.start, week.end, week.tradingDays]).toEqual(['2024-02-02', '2024-02-09', 5]);
  });

  it('starts a window at the first close, flagged partial, when the series began inside its period', () => {
    const s = series(weekdays('2024-01-10', '2024-02-07'));
    const [week, month, ytd] = strategyWindows(s, '2024-02-07');
    expect(week!.partial).toBe(false);
    expect(month!.partial).toBe(false);
    expect(ytd!.partial).toBe(true);
    expect(ytd!.start).toBe('2024-01-10');
    const { r, b } = expected(s, '2024-01-10', '2024-02-07');
    expect(ytd!.excess).toBeCloseTo(r - b, 14);
  });

  it('gives NaN excess without a benchmark', () => {
    const s = series(weekdays('2024-01-02', '2024-01-31'));
    const w = strategyWindows({ ...s, benchmarkNav: new Float64Array(s.dates.length).fill(Number.NaN) }, '2024-01-31', ['month'])[0]!;
    expect(Number.isFinite(w.return)).toBe(true);
    expect(w.excess).toBeNaN();
    expect(w.excessRatio).toBeNaN();
  });

  it('refuses an as-of date before the series or not a date, naming the option', () => {
    const s = series(weekdays('2024-01-02', '2024-01-31'));
    const thrown = (f: () => unknown): unknown => {
      try {
        f();
      } catch (error) {
        return error;
      }
      throw new Error('did not throw');
    };
    const early = thrown(() => strategyWindows(s, '2023-12-01', undefined, '--as-of'));
    expect(isFactorkitError(early) && early.code).toBe('FK_INVALID_ARGUMENT');
    expect((early as Error).message).toMatch(/^--as-of: `2023-12-01` is before/);
    const bad = thrown(() => strategyWindows(s, '2024-13-45', undefined, '--as-of'));
    expect((bad as Error).message).toMatch(/--as-of/);
    expect(() => strategyWindows({ ...s, nav: s.nav.subarray(1) }, '2024-01-31')).toThrow(/dates/);
  });
});
