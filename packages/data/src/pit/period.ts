/**
 * Report periods as integers. Fiscal year = calendar year (true of every A-share issuer), so a
 * period is a quarter: `year × 4 + quarter − 1`. 2022-03-31 → 8088, 2022-12-31 → 8091; the
 * previous quarter is `p − 1`, the same quarter a year earlier `p − 4`, and `p % 4 === 3` is a
 * full fiscal year.
 */

/** The period index of a quarter-end `yyyymmdd` (03-31, 06-30, 09-30, 12-31); `NaN` for any other date. */
export function periodIndex(endDate: number): number {
  if (!Number.isInteger(endDate)) return Number.NaN;
  const year = Math.floor(endDate / 10_000);
  const monthDay = endDate % 10_000;
  switch (monthDay) {
    case 331:
      return year * 4;
    case 630:
      return year * 4 + 1;
    case 930:
      return year * 4 + 2;
    case 1231:
      return year * 4 + 3;
    default:
      return Number.NaN;
  }
}

const MONTH_DAY = [331, 630, 930, 1231] as const;

/** The quarter-end `yyyymmdd` of a period index (inverse of {@link periodIndex}). */
export function periodEndDate(period: number): number {
  const q = ((period % 4) + 4) % 4;
  return Math.floor(period / 4) * 10_000 + MONTH_DAY[q]!;
}

/** The quarter of a period, 1..4 (4 = the annual report). */
export function periodQuarter(period: number): 1 | 2 | 3 | 4 {
  return ((((period % 4) + 4) % 4) + 1) as 1 | 2 | 3 | 4;
}
