import type { DateString } from '@factorkit/core';
import type { IcStats, SeriesStats } from './types.js';

/**
 * {@link SeriesStats} of the finite values of `series`: mean, sample std, t-statistic
 * `mean / (std / √count)`, share `> 0`.
 */
export function seriesStats(series: ArrayLike<number>): SeriesStats {
  let count = 0;
  let sum = 0;
  let positive = 0;
  for (let i = 0; i < series.length; i++) {
    const v = series[i]!;
    if (v - v !== 0) continue;
    count++;
    sum += v;
    if (v > 0) positive++;
  }
  const mean = count > 0 ? sum / count : Number.NaN;
  let ss = 0;
  for (let i = 0; i < series.length; i++) {
    const v = series[i]!;
    if (v - v !== 0) continue;
    ss += (v - mean) * (v - mean);
  }
  const std = count > 1 ? Math.sqrt(ss / (count - 1)) : Number.NaN;
  return { count, mean, std, tStat: mean / (std / Math.sqrt(count)), positiveShare: count > 0 ? positive / count : Number.NaN };
}

/** {@link IcStats}: {@link seriesStats} plus `icir = mean / std`. */
export function icStats(series: ArrayLike<number>): IcStats {
  const stats = seriesStats(series);
  return { ...stats, icir: stats.mean / stats.std };
}

/** The calendar years of `dates` (`YYYY-MM-DD`), in order, with the index range of each. */
export function yearRanges(dates: readonly DateString[]): { year: number; start: number; end: number }[] {
  const out: { year: number; start: number; end: number }[] = [];
  for (let i = 0; i < dates.length; i++) {
    const year = Number(dates[i]!.slice(0, 4));
    const last = out[out.length - 1];
    if (last && last.year === year) last.end = i + 1;
    else out.push({ year, start: i, end: i + 1 });
  }
  return out;
}
