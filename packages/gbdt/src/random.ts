/**
 * A small seeded generator (mulberry32): the same seed gives the same bags, feature subsets and
 * bin samples on every machine. Not for anything but reproducible sampling.
 */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Split `from[0..n)` into a uniform random subset of exactly `k` items (to `picked`, in their
 * original order) and the rest (to `rest`, in order), by selection sampling (Knuth's Algorithm S):
 * one pass, each item kept with probability (still needed) / (still available).
 */
export function sampleInOrder(from: Int32Array, n: number, k: number, random: () => number, picked: Int32Array, rest?: Int32Array): void {
  let need = k;
  let p = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    const item = from[i]!;
    if (need > 0 && random() * (n - i) < need) {
      picked[p++] = item;
      need--;
    } else if (rest) {
      rest[q++] = item;
    }
  }
}
