import { show } from '@factorkit/core';
import { invalid, prepare } from '../internal/check.js';

/** Decay of {@link ewma}: exactly one of `halfLife` and `alpha`, plus `minObs`. */
export type EwmaOptions = ({ readonly halfLife: number; readonly alpha?: never } | { readonly alpha: number; readonly halfLife?: never }) & {
  /** Least number of observations seen so far (since the start of the series) for an output. Default 1. */
  readonly minObs?: number;
};

/** The smoothing factor for a half-life `h`: the weight halves every `h` steps, `α = 1 − 2^(−1/h)`. */
export function alphaFromHalfLife(halfLife: number): number {
  if (typeof halfLife !== 'number' || !Number.isFinite(halfLife) || halfLife <= 0) invalid('ewma', `halfLife must be a finite number > 0, got ${show(halfLife)}`);
  return 1 - 2 ** (-1 / halfLife);
}

/**
 * Exponentially weighted moving average over the whole history up to `t`:
 * `Σ_{s ≤ t} (1 − α)^(t − s) x[s] / Σ_{s ≤ t} (1 − α)^(t − s)`, both sums over the
 * observations present (pandas `ewm(adjust=True, ignore_na=False)`). Weights decay with
 * calendar position, so a gap ages older values; a missing `x[t]` still gets an output (the
 * average of what came before). `NaN` while fewer than `minObs` observations have been seen.
 * O(n).
 */
export function ewma(x: Float64Array, options: EwmaOptions, out?: Float64Array): Float64Array {
  const alpha = options.halfLife !== undefined ? alphaFromHalfLife(options.halfLife) : options.alpha;
  if (options.halfLife !== undefined && options.alpha !== undefined) invalid('ewma', 'give either halfLife or alpha, not both');
  if (typeof alpha !== 'number' || !(alpha > 0 && alpha <= 1)) invalid('ewma', `alpha must be a number in (0, 1], got ${show(alpha)}`);
  const minObs = options.minObs ?? 1;
  if (!Number.isInteger(minObs) || minObs < 1) invalid('ewma', `minObs must be an integer ≥ 1, got ${show(minObs)}`);
  const [src, dst] = prepare('ewma', x, out);
  const decay = 1 - alpha;
  let num = 0;
  let den = 0;
  let seen = 0;
  let c = 0;
  for (let t = 0; t < src.length; t++) {
    const v = src[t]!;
    num *= decay;
    den *= decay;
    if (v - v === 0) {
      // Shifted by the first observation so a large offset does not cost precision.
      if (seen === 0) c = v;
      num += v - c;
      den += 1;
      seen++;
    }
    dst[t] = seen >= minObs && den > 0 ? c + num / den : Number.NaN;
  }
  return dst;
}
