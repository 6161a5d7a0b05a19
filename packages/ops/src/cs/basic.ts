import { Panel } from '@factorkit/core';
import { checkDdof, checkPositive, checkSameShape } from '../internal/check.js';
import { applyMask, forEachRow, maskRow } from '../internal/rows.js';
import { RobustState, rankInto, winsorizeRow, zscoreRow } from './kernels.js';
import type { Mask } from './mask.js';
import { StageCounter, type WinsorizeReport } from './report.js';

/** Options shared by the cross-sectional operators. */
export interface CsOptions {
  /** Eligible assets per date; all assets when omitted. Ineligible cells come out `NaN`. */
  readonly mask?: Mask;
}

/** Apply a row kernel to every date of `x` after masking. */
function mapMaskedRows(op: string, x: Panel, mask: Mask | undefined, extra: readonly (Panel | undefined)[], fn: (t: number, row: Float64Array, out: Float64Array, extra: readonly (Float64Array | undefined)[]) => void): Panel {
  const [values] = forEachRow({ dates: x.dates, assets: x.assets, numeric: [x.values, ...extra.map((p) => p?.values)], outputs: 1 }, (t, rows, _codes, outs) => {
    const row = rows[0]!;
    applyMask(row, maskRow(op, mask, t, x.assets));
    fn(t, row, outs[0]!, rows.slice(1));
  });
  return new Panel(x.dates, x.assets, values);
}

/**
 * Cross-sectional rank per date among the eligible assets with a finite value: `1 … m`, ties
 * sharing the average rank (`r = less + (equal + 1) / 2`). Ineligible or missing → `NaN`.
 */
export function rank(x: Panel, options: CsOptions = {}): Panel {
  const buf = new Float64Array(x.assets);
  const idx = new Int32Array(x.assets);
  return mapMaskedRows('rank', x, options.mask, [], (_t, row, out) => void rankInto(row, out, buf, idx, false));
}

/**
 * Cross-sectional percentile rank per date: `(r − 1) / (m − 1)` in `[0, 1]` with `r` the
 * average-tie {@link rank} and `m` the number of values (0.5 when `m` = 1). The smallest value
 * gets 0, the largest 1, tied values the same.
 */
export function percentile(x: Panel, options: CsOptions = {}): Panel {
  const buf = new Float64Array(x.assets);
  const idx = new Int32Array(x.assets);
  return mapMaskedRows('percentile', x, options.mask, [], (_t, row, out) => void rankInto(row, out, buf, idx, true));
}

/** Options of {@link zscore}. */
export interface ZscoreOptions extends CsOptions {
  /**
   * Weights for the centre (market cap, its square root…), used as given: the centre is the
   * weighted mean over values whose weight is finite and > 0. Values without a usable weight
   * are still standardised. The std is always equal-weighted.
   */
  readonly weights?: Panel;
  /** Delta degrees of freedom of the std. Default 1. */
  readonly ddof?: number;
}

/**
 * Cross-sectional z-score per date: `(x − centre) / σ`. σ is the equal-weighted standard
 * deviation (`ddof` = 1) of the eligible finite values; the centre is their plain mean or,
 * with `weights`, the weighted mean (Barra's convention: cap-weighted mean 0, equal-weighted
 * std 1). A date with fewer than 2 values, all values equal, or (weighted) no positive
 * weight comes out all `NaN`.
 */
export function zscore(x: Panel, options: ZscoreOptions = {}): Panel {
  const ddof = checkDdof('zscore', options.ddof, 1);
  if (options.weights) checkSameShape('zscore', 'weights', x, options.weights);
  const buf = new Float64Array(x.assets);
  return mapMaskedRows('zscore', x, options.mask, [options.weights], (_t, row, out, [weights]) => {
    zscoreRow(row, weights, ddof, buf);
    out.set(row);
  });
}

/** Options of {@link winsorizeMad} and {@link winsorizeSigma}. */
export interface WinsorizeOptions extends CsOptions {
  /** The half-width of the band in (robust) standard deviations. */
  readonly k?: number;
  /** Also report counts per date. */
  readonly perDate?: boolean;
}

function winsorize(op: string, method: 'mad' | 'sigma', x: Panel, k: number, options: WinsorizeOptions): { values: Panel; report: WinsorizeReport } {
  checkPositive(op, 'k', k);
  const buf = new Float64Array(x.assets);
  const state = new RobustState();
  const counter = new StageCounter<never>([], x.dates, options.perDate === true);
  let low = 0;
  let high = 0;
  let zeroScaleDates = 0;
  const values = mapMaskedRows(op, x, options.mask, [], (t, row, out) => {
    const c = winsorizeRow(row, method, k, buf, state);
    low += c.low;
    high += c.high;
    if (c.zeroScale && c.count > 0) zeroScaleDates++;
    counter.add(t, c.count, c.low + c.high, 0);
    out.set(row);
  });
  return { values, report: { ...counter.base('winsorize'), method, k, clippedLow: low, clippedHigh: high, zeroScaleDates } };
}

/**
 * Winsorise per date by the median absolute deviation: clip the eligible finite values to
 * `median ± k · 1.4826 · MAD`, `MAD = median |x − median|` (for even counts, the median is the
 * mean of the two middle values). `k` defaults to 5. A date whose MAD is 0 (over half of the
 * values equal the median) is left unclipped and counted in `report.zeroScaleDates`.
 */
export function winsorizeMad(x: Panel, options: WinsorizeOptions = {}): { values: Panel; report: WinsorizeReport } {
  return winsorize('winsorizeMad', 'mad', x, options.k ?? 5, options);
}

/**
 * Winsorise per date by the standard deviation: clip to `mean ± k · σ` (plain mean, sample
 * std with `ddof` = 1, one pass, not iterated). `k` defaults to 3. A date with all values
 * equal or fewer than 2 values is left unclipped (`report.zeroScaleDates`).
 */
export function winsorizeSigma(x: Panel, options: WinsorizeOptions = {}): { values: Panel; report: WinsorizeReport } {
  return winsorize('winsorizeSigma', 'sigma', x, options.k ?? 3, options);
}

/**
 * The natural log of a positive quantity (market cap → the usual size regressor); values ≤ 0
 * or missing become `NaN`.
 */
export function logSize(marketCap: Panel): Panel {
  const out = new Float64Array(marketCap.values.length);
  const src = marketCap.values;
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    out[i] = v > 0 && v < Number.POSITIVE_INFINITY ? Math.log(v) : Number.NaN;
  }
  return new Panel(marketCap.dates, marketCap.assets, out);
}

/**
 * `x / denominator` cell by cell where the denominator is finite and positive and the quotient
 * finite; `NaN` elsewhere. The valuation ratios are built on it: EP, BP, SP as a fundamental
 * over the market cap (a missing or zero cap, or an infinite quotient, is no ratio).
 */
export function ratioToPositive(x: Panel, denominator: Panel): Panel {
  checkSameShape('ratioToPositive', 'denominator', denominator, x);
  const num = x.values;
  const den = denominator.values;
  const out = new Float64Array(num.length);
  for (let i = 0; i < num.length; i++) {
    const d = den[i]!;
    const v = num[i]! / d;
    out[i] = d > 0 && d < Number.POSITIVE_INFINITY && v - v === 0 ? v : Number.NaN;
  }
  return new Panel(x.dates, x.assets, out);
}

/**
 * The weighted cross-sectional mean of `x` on each date, `Σ w·x / Σ w` over the assets with a
 * finite value and a finite positive weight (a cap-weighted market return, for example); `NaN`
 * on a date with none. Walks each asset's column once (the panels are column-major), adding in
 * asset order.
 */
export function weightedMean(x: Panel, weights: Panel): Float64Array {
  checkSameShape('weightedMean', 'weights', weights, x);
  const dates = x.dates;
  const sumW = new Float64Array(dates);
  const sumWx = new Float64Array(dates);
  for (let a = 0; a < x.assets; a++) {
    const xs = x.column(a);
    const ws = weights.column(a);
    for (let t = 0; t < dates; t++) {
      const v = xs[t]!;
      const w = ws[t]!;
      if (Number.isFinite(v) && Number.isFinite(w) && w > 0) {
        sumW[t] = sumW[t]! + w;
        sumWx[t] = sumWx[t]! + w * v;
      }
    }
  }
  const out = new Float64Array(dates);
  for (let t = 0; t < dates; t++) out[t] = sumW[t]! > 0 ? sumWx[t]! / sumW[t]! : Number.NaN;
  return out;
}
