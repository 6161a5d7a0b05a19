import type { MarketData } from '@factorkit/core';
import { checkLength } from './closes.js';

/** The portfolio weights of the days a {@link weightRecorder} saw, kept sparse (held stocks only). */
export interface WeightRecorder {
  /** Pass as (or call from) `runBacktest`'s `onClose`: keeps the non-zero weights of day `t`. */
  readonly onClose: (t: number, weights: Float64Array) => void;
  /**
   * The weights over `data.assets` at the close of day `t` (a new array; 0 = not held), or
   * `undefined` for a day not recorded.
   */
  weights(t: number): Float64Array | undefined;
  /** The recorded days (calendar indices), increasing. */
  days(): number[];
}

/**
 * Record the portfolio weights at every close of a run, for {@link excessAttribution} and the
 * like: `runBacktest(data, { …, onClose: recorder.onClose })`, then `recorder.weights(t)`.
 * Memory grows with the positions held, not with the assets (about 12 bytes per held stock and
 * day: 300 stocks × 2,400 days ≈ 9 MB).
 */
export function weightRecorder(data: MarketData): WeightRecorder {
  const N = data.assets.length;
  const stored = new Map<number, { readonly index: Int32Array; readonly value: Float64Array }>();
  const scratch = new Int32Array(N);
  return {
    onClose(t, weights) {
      checkLength(weights, data, `weightRecorder.onClose(${t})`);
      let n = 0;
      for (let a = 0; a < N; a++) if (weights[a] !== 0) scratch[n++] = a;
      const index = scratch.slice(0, n);
      const value = new Float64Array(n);
      for (let i = 0; i < n; i++) value[i] = weights[index[i]!]!;
      stored.set(t, { index, value });
    },
    weights(t) {
      const day = stored.get(t);
      if (!day) return undefined;
      const out = new Float64Array(N);
      for (let i = 0; i < day.index.length; i++) out[day.index[i]!] = day.value[i]!;
      return out;
    },
    days() {
      return [...stored.keys()].sort((x, y) => x - y);
    },
  };
}
