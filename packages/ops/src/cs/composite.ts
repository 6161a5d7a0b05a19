import { Panel } from '@factorkit/core';
import { checkDdof, checkPositive, checkSameShape, invalid } from '../internal/check.js';
import { forEachRow } from '../internal/rows.js';
import { RobustState, clipCentre } from './kernels.js';

/** Options of {@link combineZscores}. */
export interface CombineZscoresOptions {
  /** Clip each descriptor per date before standardising: MAD or σ bounds at `k`. Default: no clipping. */
  readonly winsorize?: { readonly method: 'mad' | 'sigma'; readonly k: number };
  /** Weights for each descriptor's z-score centre (market cap…), as in `zscore`. */
  readonly centreWeights?: Panel;
  /** Delta degrees of freedom of the std. Default 1. */
  readonly ddof?: number;
  /**
   * Where a value is produced: `'any'` (default) wherever at least one descriptor has a
   * z-score; `'first'` only where the first descriptor has one.
   */
  readonly require?: 'any' | 'first';
  /**
   * A date on which a descriptor cannot be standardised (fewer than 2 values, all equal, no
   * positive centre weight) gives that descriptor `NaN` there (default); with `0`, its finite
   * raw values count as exactly average (z = 0) instead.
   */
  readonly undefinedZ?: 'nan' | 0;
}

/**
 * The Barra-style composite of several descriptors: per date, each descriptor is (optionally)
 * winsorised, then z-scored across assets (`zscore`'s convention), and the z-scores are
 * combined as `Σ wₖ·zₖ / Σ wₖ` over the descriptors that have a value for the asset (weights
 * renormalised; a descriptor with weight 0 is dropped). `NaN` where none has.
 *
 * It is `zscore(winsorize(dₖ))` per descriptor followed by the weighted mean, computed in one
 * row-block pass: each descriptor is read once and one panel is written.
 */
export function combineZscores(descriptors: readonly Panel[], weights: readonly number[], options: CombineZscoresOptions = {}): Panel {
  const op = 'combineZscores';
  const first = descriptors[0];
  if (!first) invalid(op, 'needs at least one descriptor');
  if (weights.length !== descriptors.length) invalid(op, `got ${descriptors.length} descriptors and ${weights.length} weights`);
  weights.forEach((w, k) => {
    if (!(w >= 0 && w < Number.POSITIVE_INFINITY)) invalid(op, `weight ${k} must be a finite number ≥ 0, got \`${w}\``);
  });
  descriptors.forEach((d, k) => checkSameShape(op, `descriptor ${k}`, first, d));
  if (options.centreWeights) checkSameShape(op, 'centreWeights', first, options.centreWeights);
  const ddof = checkDdof(op, options.ddof, 1);
  const clip = options.winsorize;
  if (clip) checkPositive(op, 'winsorize.k', clip.k);
  const requireFirst = options.require === 'first';
  const zeroUndefined = options.undefinedZ === 0;
  const K = descriptors.length;
  const { assets } = first;
  const buf = new Float64Array(assets);
  const states = descriptors.map(() => new RobustState());
  // Per descriptor on the current date: clip bounds, centre, 1/σ, and whether it has z-scores.
  // Sized for at least three descriptors: absent ones have weight 0 and read `noRow` (all NaN).
  const slots = Math.max(K, 3);
  const lo = new Float64Array(slots);
  const hi = new Float64Array(slots);
  const centre = new Float64Array(slots).fill(Number.NaN);
  const inv = new Float64Array(slots).fill(Number.NaN);
  const w = new Float64Array(slots);
  w.set(weights);
  const noRow = new Float64Array(K < 3 ? assets : 0).fill(Number.NaN);
  /** Descriptor `k` cannot be standardised on this date: `NaN`, or z = 0 for its finite values. */
  const undefinedZ = (k: number): void => {
    if (zeroUndefined) {
      lo[k] = hi[k] = centre[k] = 0;
      inv[k] = 1;
    } else {
      centre[k] = Number.NaN;
      inv[k] = Number.NaN;
    }
  };
  const [values] = forEachRow(
    { dates: first.dates, assets, numeric: [...descriptors.map((d) => d.values), options.centreWeights?.values], outputs: 1 },
    (_t, rows, _codes, outs) => {
      const out = outs[0]!;
      const cw = rows[K];
      for (let k = 0; k < K; k++) {
        const row = rows[k]!;
        // Pass 1: missing and infinite → NaN, the finite values gathered for the robust bounds.
        let m = 0;
        let sum = 0;
        let min = Number.POSITIVE_INFINITY;
        let max = Number.NEGATIVE_INFINITY;
        for (let a = 0; a < assets; a++) {
          const v = row[a]!;
          if (v - v === 0) {
            buf[m++] = v;
            sum += v;
            if (v < min) min = v;
            if (v > max) max = v;
          } else row[a] = Number.NaN;
        }
        let l = Number.NEGATIVE_INFINITY;
        let h = Number.POSITIVE_INFINITY;
        if (clip && m >= 2) {
          const { centre: c, scale } = clipCentre(buf, m, clip.method, states[k]);
          if (scale > 0) {
            l = c - clip.k * scale;
            h = c + clip.k * scale;
            // The moments of the clipped values in one pass, as sums of x − c: the clipped
            // values lie within c ± k·scale, so the shifted sum of squares barely cancels.
            let s1 = 0;
            let s2 = 0;
            let sw = 0;
            let swd = 0;
            min = Number.POSITIVE_INFINITY;
            max = Number.NEGATIVE_INFINITY;
            for (let a = 0; a < assets; a++) {
              const v = row[a]!;
              if (v !== v) continue;
              const x = v < l ? l : v > h ? h : v;
              const d = x - c;
              s1 += d;
              s2 += d * d;
              if (x < min) min = x;
              if (x > max) max = x;
              if (cw) {
                const wa = cw[a]!;
                if (wa > 0 && wa < Number.POSITIVE_INFINITY) {
                  sw += wa;
                  swd += wa * d;
                }
              }
            }
            const ss = s2 - (s1 * s1) / m;
            if (ss > 1e-6 * s2) {
              lo[k] = l;
              hi[k] = h;
              const sd = m - ddof > 0 && min !== max ? Math.sqrt(ss / (m - ddof)) : 0;
              const weighted = !cw || sw > 0;
              if (sd > 0 && weighted) {
                centre[k] = cw ? c + swd / sw : c + s1 / m;
                inv[k] = 1 / sd;
              } else undefinedZ(k);
              continue;
            }
            // The shifted sum of squares lost more than six digits, which needs the mean more
            // than 1,000 σ from c: not expected (|mean − median| ≤ σ), but then the two-pass
            // moments below, around the clipped values' mean (min and max are the clipped ones).
            sum = c * m + s1;
          }
        }
        lo[k] = l;
        hi[k] = h;
        // z-scores as zscoreRow defines them: σ over the (clipped) finite values, the centre
        // their mean or the weighted mean; all NaN when σ is 0 or undefined, or no weight.
        let ok = m - ddof > 0 && min !== max;
        let mean = sum / m;
        let sd = 0;
        if (ok) {
          let ss = 0;
          let sw = 0;
          let swx = 0;
          for (let a = 0; a < assets; a++) {
            const v = row[a]!;
            if (v !== v) continue;
            const d = (v < l ? l : v > h ? h : v) - mean;
            ss += d * d;
            if (cw) {
              const wa = cw[a]!;
              if (wa > 0 && wa < Number.POSITIVE_INFINITY) {
                sw += wa;
                swx += wa * d;
              }
            }
          }
          sd = Math.sqrt(ss / (m - ddof));
          if (cw) {
            if (sw > 0) mean += swx / sw;
            else ok = false;
          }
          ok = ok && sd > 0;
        }
        if (ok) {
          centre[k] = mean;
          inv[k] = 1 / sd;
        } else undefinedZ(k);
      }
      if (K <= 3) combineUpTo3(rows[0]!, K > 1 ? rows[1]! : noRow, K > 2 ? rows[2]! : noRow, lo, hi, centre, inv, w, requireFirst, out);
      else {
        for (let a = 0; a < assets; a++) {
          let sum = 0;
          let total = 0;
          for (let k = 0; k < K; k++) {
            const v = rows[k]![a]!;
            const l = lo[k]!;
            const h = hi[k]!;
            const z = ((v < l ? l : v > h ? h : v) - centre[k]!) * inv[k]!;
            if (z === z) {
              const wk = w[k]!;
              sum += wk * z;
              total += wk;
            } else if (k === 0 && requireFirst) {
              total = 0;
              break;
            }
          }
          out[a] = total > 0 ? sum / total : Number.NaN;
        }
      }
    },
  );
  return new Panel(first.dates, assets, values);
}

/**
 * The weighted mean of up to three descriptors' z-scores for one date, unrolled (the common
 * composites have two or three): z = (clip(v) − centre)·inv, `NaN` when missing or undefined.
 */
function combineUpTo3(
  r0: Float64Array,
  r1: Float64Array,
  r2: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
  centre: Float64Array,
  inv: Float64Array,
  w: Float64Array,
  requireFirst: boolean,
  out: Float64Array,
): void {
  const l0 = lo[0]!;
  const h0 = hi[0]!;
  const c0 = centre[0]!;
  const i0 = inv[0]!;
  const w0 = w[0]!;
  const l1 = lo[1]!;
  const h1 = hi[1]!;
  const c1 = centre[1]!;
  const i1 = inv[1]!;
  const w1 = w[1]!;
  const l2 = lo[2]!;
  const h2 = hi[2]!;
  const c2 = centre[2]!;
  const i2 = inv[2]!;
  const w2 = w[2]!;
  for (let a = 0; a < out.length; a++) {
    let sum = 0;
    let total = 0;
    let v = r0[a]!;
    let z = ((v < l0 ? l0 : v > h0 ? h0 : v) - c0) * i0;
    if (z === z) {
      sum += w0 * z;
      total += w0;
    } else if (requireFirst) {
      out[a] = Number.NaN;
      continue;
    }
    v = r1[a]!;
    z = ((v < l1 ? l1 : v > h1 ? h1 : v) - c1) * i1;
    if (z === z) {
      sum += w1 * z;
      total += w1;
    }
    v = r2[a]!;
    z = ((v < l2 ? l2 : v > h2 ? h2 : v) - c2) * i2;
    if (z === z) {
      sum += w2 * z;
      total += w2;
    }
    out[a] = total > 0 ? sum / total : Number.NaN;
  }
}
