import { SLOTS_PER_FEATURE } from './bins.js';

/**
 * Gradient histograms. A leaf's histogram holds, for every feature `f` and bin `b`, the sum of the
 * gradients and the number of the leaf's rows in that bin, interleaved at
 * `2 × (f × 256 + b)` and `2 × (f × 256 + b) + 1` (L2 loss: every hessian is 1, so the count is
 * also the sum of hessians).
 */
export const HISTOGRAM_LENGTH_PER_FEATURE = 2 * SLOTS_PER_FEATURE;

/**
 * Add the rows `begin … end − 1` of `bins` (row-major, `stride` bytes a row) with gradients
 * `grad[begin..end)` to `hist`, zeroed first for the features in `feats[0..nf)`. The rows are
 * contiguous (the grower keeps each leaf's rows together), so this is one sequential pass.
 */
export function buildHistogram(
  hist: Float64Array,
  bins: Uint8Array,
  stride: number,
  cols: number,
  grad: Float64Array,
  begin: number,
  end: number,
  feats: Int32Array,
  nf: number,
): void {
  for (let j = 0; j < nf; j++) {
    const base = feats[j]! * HISTOGRAM_LENGTH_PER_FEATURE;
    hist.fill(0, base, base + HISTOGRAM_LENGTH_PER_FEATURE);
  }
  if (nf === cols) addAllFeatures(hist, bins, stride, cols, grad, begin, end);
  else addFeatures(hist, bins, stride, grad, begin, end, feats, nf);
}

function addAllFeatures(hist: Float64Array, bins: Uint8Array, stride: number, cols: number, grad: Float64Array, begin: number, end: number): void {
  const cols4 = cols & ~3;
  for (let i = begin; i < end; i++) {
    const g = grad[i]!;
    const o = i * stride;
    let f = 0;
    // Four features per step: fewer loop tests, more independent loads in flight.
    for (; f < cols4; f += 4) {
      const k0 = ((f << 8) | bins[o + f]!) << 1;
      const k1 = (((f + 1) << 8) | bins[o + f + 1]!) << 1;
      const k2 = (((f + 2) << 8) | bins[o + f + 2]!) << 1;
      const k3 = (((f + 3) << 8) | bins[o + f + 3]!) << 1;
      hist[k0]! += g;
      hist[k0 + 1]! += 1;
      hist[k1]! += g;
      hist[k1 + 1]! += 1;
      hist[k2]! += g;
      hist[k2 + 1]! += 1;
      hist[k3]! += g;
      hist[k3 + 1]! += 1;
    }
    for (; f < cols; f++) {
      const k = ((f << 8) | bins[o + f]!) << 1;
      hist[k]! += g;
      hist[k + 1]! += 1;
    }
  }
}

function addFeatures(hist: Float64Array, bins: Uint8Array, stride: number, grad: Float64Array, begin: number, end: number, feats: Int32Array, nf: number): void {
  for (let i = begin; i < end; i++) {
    const g = grad[i]!;
    const o = i * stride;
    for (let j = 0; j < nf; j++) {
      const f = feats[j]!;
      const k = ((f << 8) | bins[o + f]!) << 1;
      hist[k]! += g;
      hist[k + 1]! += 1;
    }
  }
}

/** `larger −= smaller` over the features in `feats[0..nf)`: the sibling's histogram from its parent's. */
export function subtractHistogram(larger: Float64Array, smaller: Float64Array, feats: Int32Array, nf: number, slotsUsed: Int32Array): void {
  for (let j = 0; j < nf; j++) {
    const f = feats[j]!;
    const base = f * HISTOGRAM_LENGTH_PER_FEATURE;
    const end = base + 2 * slotsUsed[f]!;
    for (let k = base; k < end; k++) larger[k]! -= smaller[k]!;
  }
}
