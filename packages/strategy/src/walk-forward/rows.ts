import { type DateString, FactorkitError, type TrainingSet, show } from '@factorkit/core';
import { rankNormalInPlace, zscoreInPlace } from '@factorkit/ops';
import type { Grid, Resolved } from './options.js';
import type { TrainingDrops } from './types.js';

/** Membership on date `t` (every asset without a members function), its length checked. */
export function membersAt(members: ((t: number) => Uint8Array) | undefined, t: number, N: number): Uint8Array | undefined {
  if (!members) return undefined;
  const m = members(t);
  if (!(m instanceof Uint8Array) || m.length !== N) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `walkForward: input.members(${t}) must return a Uint8Array of ${N} entries (one per asset), got ${show(m)}`);
  }
  return m;
}

/** Whether asset `a` has at least one finite exposure on date `t`. */
export function hasExposure(exposures: readonly Grid[], t: number, a: number): boolean {
  for (const g of exposures) {
    const v = g.values[t * g.tStride + a * g.aStride]!;
    if (v - v === 0) return true;
  }
  return false;
}

/** Row-major `rows.length × F` exposures of assets `rows` on date `t` into `out` from row `offset`. */
export function fillFeatures(exposures: readonly Grid[], t: number, rows: ArrayLike<number>, out: Float64Array, offset: number): void {
  const F = exposures.length;
  exposures.forEach((g, f) => {
    const base = t * g.tStride;
    for (let i = 0; i < rows.length; i++) {
      const v = g.values[base + rows[i]! * g.aStride]!;
      out[(offset + i) * F + f] = v - v === 0 ? v : Number.NaN;
    }
  });
}

interface Counts {
  labelMissing: number;
  noExposure: number;
  smallDates: number;
  smallDateRows: number;
  constantDates: number;
  constantDateRows: number;
}

/** The training rows of label date `s`: eligible assets with an exposure and a label, labels normalised; `undefined` when the date is left out. */
function labelDate(r: Resolved, members: ((t: number) => Uint8Array) | undefined, s: number, counts: Counts): { assets: Int32Array; labels: Float64Array } | undefined {
  const member = membersAt(members, s, r.N);
  const assets: number[] = [];
  const values: number[] = [];
  const { labels } = r;
  for (let a = 0; a < r.N; a++) {
    if (member && member[a] === 0) continue;
    if (!hasExposure(r.exposures, s, a)) {
      counts.noExposure++;
      continue;
    }
    const y = labels.values[s * labels.tStride + a * labels.aStride]!;
    if (y - y !== 0) {
      counts.labelMissing++;
      continue;
    }
    assets.push(a);
    values.push(y);
  }
  const k = assets.length;
  if (k < r.minAssets) {
    counts.smallDates++;
    counts.smallDateRows += k;
    return undefined;
  }
  const row = Float64Array.from(values);
  let min = row[0]!;
  let max = row[0]!;
  for (const v of row) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === max) {
    counts.constantDates++;
    counts.constantDateRows += k;
    return undefined;
  }
  if (r.transform === 'rank-normal') rankNormalInPlace(row);
  else zscoreInPlace(row);
  return { assets: Int32Array.from(assets), labels: row };
}

function zeroCounts(): Counts {
  return { labelMissing: 0, noExposure: 0, smallDates: 0, smallDateRows: 0, constantDates: 0, constantDateRows: 0 };
}

function addCounts(total: Counts, part: Counts): void {
  total.labelMissing += part.labelMissing;
  total.noExposure += part.noExposure;
  total.smallDates += part.smallDates;
  total.smallDateRows += part.smallDateRows;
  total.constantDates += part.constantDates;
  total.constantDateRows += part.constantDateRows;
}

/**
 * The rows of each label date, kept between the trainings of one walk-forward: a label date's
 * rows depend on that date alone, and it sits in `window / retrainEvery` consecutive windows
 * (12 with the defaults), so it is read, filtered and rank-transformed once instead.
 */
export type LabelDateCache = Map<number, { readonly block: { assets: Int32Array; labels: Float64Array } | undefined; readonly counts: Counts }>;

/** The training set of a model trained at the close of date index `t`, and what was left out. */
export interface TrainingRows {
  readonly set: TrainingSet | undefined;
  /** Label dates `from … to` (indices; `to = t − horizon`), `from > to` when no label is known at `t`. */
  readonly from: number;
  readonly to: number;
  readonly dates: number;
  readonly dropped: TrainingDrops;
}

/**
 * The rows a model trained at the close of date `t` may learn from. The label of date `s` runs
 * from the close of `s` to the close of `s + h`, so it is known at the close of `t` only when
 * `s + h ≤ t`: the window is `s = t − h − W + 1 … t − h` (cut at 0), and no other row of the
 * labels is read. Its `dates` are the input dates of the window (`dateIndex` indexes them).
 */
export function trainingRows(r: Resolved, members: ((t: number) => Uint8Array) | undefined, dates: readonly DateString[], t: number, cache?: LabelDateCache): TrainingRows {
  const to = t - r.horizon;
  const from = Math.max(0, to - r.window + 1);
  const counts: Counts = zeroCounts();
  const blocks: { s: number; assets: Int32Array; labels: Float64Array }[] = [];
  for (let s = from; s <= to; s++) {
    let entry = cache?.get(s);
    if (!entry) {
      const own = zeroCounts();
      entry = { block: labelDate(r, members, s, own), counts: own };
      cache?.set(s, entry);
    }
    addCounts(counts, entry.counts);
    if (entry.block) blocks.push({ s, ...entry.block });
  }
  // Windows only move forward: label dates before this one's are never read again.
  if (cache) for (const s of cache.keys()) if (s < from) cache.delete(s);
  const rows = blocks.reduce((sum, b) => sum + b.assets.length, 0);
  if (rows === 0) return { set: undefined, from, to, dates: 0, dropped: counts };
  const F = r.exposures.length;
  const features = new Float64Array(rows * F);
  const labels = new Float64Array(rows);
  const dateIndex = new Int32Array(rows);
  let offset = 0;
  for (const block of blocks) {
    fillFeatures(r.exposures, block.s, block.assets, features, offset);
    labels.set(block.labels, offset);
    dateIndex.fill(block.s - from, offset, offset + block.assets.length);
    offset += block.assets.length;
  }
  const set: TrainingSet = { factors: r.factors, rows, features, labels, dateIndex, dates: dates.slice(from, to + 1) };
  return { set, from, to, dates: blocks.length, dropped: counts };
}
