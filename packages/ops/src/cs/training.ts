import { ValidationError, type TrainingSet, checkTrainingSet, param } from '@factorkit/core';
import { invalid } from '../internal/check.js';
import { correlation } from './correlation.js';
import { ranksInOrder, sortOrder } from './order.js';
import { rankInPlace } from './rows.js';

/**
 * The parameters of the IC-based combination models (IC, ICIR, max-ICIR weights) as a core
 * parameter schema, the same in every such plugin: `method` (what {@link icByDate} computes)
 * and `minAssets` (its `minPairs`). A model plugin spreads it into its own `params`.
 */
export const IC_MODEL_PARAMS = {
  method: param.enum(['spearman', 'pearson'], {
    default: 'spearman',
    description: 'IC of each date: `spearman` (rank IC, the default) or `pearson` (on the values).',
  }),
  minAssets: param.integer({
    default: 10,
    min: 2,
    description: 'Least rows of a date with the factor present for that date’s IC to count; fewer leave the date out of that factor’s IC statistics.',
  }),
};

/** Options of {@link icByDate}. */
export interface IcByDateOptions {
  /** `spearman` (default): the rank IC, Pearson over average-tie ranks; `pearson`: on the values. */
  readonly method?: 'spearman' | 'pearson';
  /** Least rows with the factor present for a date's IC; fewer gives `NaN`. Default 3, at least 2. */
  readonly minPairs?: number;
  /**
   * A model's `ctx.cache` (core's `ModelCache`): each date's ICs are stored under the method,
   * `minPairs`, the factors and the date (`set.dates[dateIndex]`) and reused by later calls of the
   * same run instead of recomputed. Ignored when the set has no `dates`. The caller guarantees that
   * a date's rows are the same in every set of the run (the walk-forward does).
   */
  readonly cache?: Map<string, unknown>;
}

/** What {@link icByDate} keeps per date in a cache. */
interface CachedIc {
  readonly ic: Float64Array;
  readonly pairs: Int32Array;
}

/** The IC of every factor of a training set on every date it has rows on. */
export interface IcByDate {
  readonly method: 'spearman' | 'pearson';
  readonly factors: readonly string[];
  /** The date indices (`set.dateIndex` values) the set has rows on, ascending: the rows of `ic`. */
  readonly dates: Int32Array;
  /**
   * `dates.length × factors.length`, row-major (`ic[d × F + f]`): the correlation across the
   * date's rows between factor `f` and the label, over the rows where the factor is present;
   * `NaN` with fewer than `minPairs` such rows or when either side is constant on them.
   */
  readonly ic: Float64Array;
  /** The rows behind each IC, same layout. */
  readonly pairs: Int32Array;
  /**
   * Per factor, over its dates with a finite IC: their number, the mean IC and its standard
   * deviation (`n − 1` in the denominator; `NaN` with fewer than 2 dates, the mean `NaN` with none).
   */
  readonly summary: { readonly count: Int32Array; readonly mean: Float64Array; readonly std: Float64Array };
}

/**
 * The information coefficient of each factor on each date of a {@link TrainingSet}: the
 * cross-sectional correlation between the factor's exposures and the labels of the date's rows
 * (a block, since the set's rows are ordered by date). A missing exposure leaves its row out of
 * that factor's IC only. What IC-weighted combination models estimate their weights from.
 *
 * @throws ValidationError `FK_INVALID_DATA` for a malformed set; FactorkitError
 *   `FK_INVALID_ARGUMENT` for bad options.
 */
export function icByDate(set: TrainingSet, options: IcByDateOptions = {}): IcByDate {
  const issues = checkTrainingSet(set);
  if (issues.length > 0) throw new ValidationError('FK_INVALID_DATA', 'icByDate: the training set is malformed', issues);
  const method = options.method ?? 'spearman';
  if (method !== 'spearman' && method !== 'pearson') invalid('icByDate', `method must be \`spearman\` or \`pearson\`, got \`${String(method)}\``);
  const minPairs = options.minPairs ?? 3;
  if (!Number.isInteger(minPairs) || minPairs < 2) invalid('icByDate', `minPairs must be an integer ≥ 2, got \`${minPairs}\``);
  const { rows, features, labels, dateIndex, factors } = set;
  const F = factors.length;
  const starts: number[] = [];
  let largest = 0;
  for (let r = 0; r < rows; r++) {
    if (r === 0 || dateIndex[r] !== dateIndex[r - 1]) {
      if (starts.length > 0) largest = Math.max(largest, r - starts[starts.length - 1]!);
      starts.push(r);
    }
  }
  largest = Math.max(largest, rows - starts[starts.length - 1]!);
  const x = new Float64Array(largest);
  const xRanks = new Float64Array(largest);
  const y = new Float64Array(largest);
  const yRanks = new Float64Array(largest);
  const ySubset = new Float64Array(largest);
  const keep = new Uint8Array(largest);
  const order = new Int32Array(largest);
  const scratch = new Float64Array(largest);
  const index = new Int32Array(largest);
  const ic = new Float64Array(starts.length * F).fill(Number.NaN);
  const pairs = new Int32Array(starts.length * F);
  const dates = new Int32Array(starts.length);
  const names = set.dates;
  const cache = options.cache && names ? options.cache : undefined;
  const prefix = cache ? `icByDate\u0000${method}\u0000${minPairs}\u0000${factors.join('\u0001')}\u0000` : '';
  starts.forEach((start, d) => {
    const end = d + 1 < starts.length ? starts[d + 1]! : rows;
    const k = end - start;
    dates[d] = dateIndex[start]!;
    const key = cache && names ? `${prefix}${names[dates[d]]}` : '';
    const hit = cache?.get(key) as CachedIc | undefined;
    if (hit) {
      ic.set(hit.ic, d * F);
      pairs.set(hit.pairs, d * F);
      return;
    }
    const yRow = y.subarray(0, k);
    yRow.set(labels.subarray(start, end));
    // The labels are sorted once per date; each factor then ranks them among its own rows in O(k).
    const sorted = method === 'spearman' ? sortOrder(yRow, order, scratch) : 0;
    if (method === 'spearman') ranksInOrder(yRow, order, sorted, undefined, yRanks);
    for (let f = 0; f < F; f++) {
      const xRow = x.subarray(0, k);
      let present = 0;
      for (let i = 0; i < k; i++) {
        const v = features[(start + i) * F + f]!;
        const ok = v - v === 0;
        xRow[i] = ok ? v : Number.NaN;
        keep[i] = ok ? 1 : 0;
        if (ok) present++;
      }
      pairs[d * F + f] = present;
      if (present < minPairs) continue;
      if (method === 'pearson') {
        ic[d * F + f] = correlation(xRow, yRow);
        continue;
      }
      const xr = xRanks.subarray(0, k);
      xr.set(xRow);
      rankInPlace(xr, { scratch, index });
      const yr = present === k ? yRanks : ySubset;
      if (present < k) ranksInOrder(yRow, order, sorted, keep, ySubset);
      ic[d * F + f] = correlation(xr, yr.subarray(0, k));
    }
    if (cache) cache.set(key, { ic: ic.slice(d * F, d * F + F), pairs: pairs.slice(d * F, d * F + F) } satisfies CachedIc);
  });
  return { method, factors, dates, ic, pairs, summary: summarise(ic, starts.length, F) };
}

/** Count, mean and std (ddof 1) of each column's finite values, two passes. */
function summarise(ic: Float64Array, dates: number, F: number): IcByDate['summary'] {
  const count = new Int32Array(F);
  const mean = new Float64Array(F);
  const std = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    let n = 0;
    let sum = 0;
    for (let d = 0; d < dates; d++) {
      const v = ic[d * F + f]!;
      if (v !== v) continue;
      n++;
      sum += v;
    }
    const m = n > 0 ? sum / n : Number.NaN;
    let ss = 0;
    for (let d = 0; d < dates; d++) {
      const v = ic[d * F + f]!;
      if (v === v) ss += (v - m) * (v - m);
    }
    count[f] = n;
    mean[f] = m;
    std[f] = n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN;
  }
  return { count, mean, std };
}

/**
 * Scores of a linear combination, row by row: `intercept + Σ_f weights[f] × features[r × F + f]`
 * over the factors present in the row (row-major `rows × F` features, `F = weights.length`). A
 * missing exposure contributes 0 — the cross-sectional mean of a standardised exposure; a row
 * with no exposure at all scores `NaN`.
 */
export function linearScores(features: Float64Array, rows: number, weights: Float64Array, intercept = 0): Float64Array {
  const F = weights.length;
  if (!Number.isInteger(rows) || rows < 0 || features.length !== rows * F) {
    invalid('linearScores', `features have ${features.length} values, expected ${rows} rows × ${F} weights`);
  }
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = intercept;
    let present = 0;
    for (let f = 0; f < F; f++) {
      const v = features[r * F + f]!;
      if (v - v !== 0) continue;
      sum += weights[f]! * v;
      present++;
    }
    out[r] = present > 0 ? sum : Number.NaN;
  }
  return out;
}
