/**
 * The `k`-th smallest (0-based) of `a[lo … hi]`, rearranging that range so that everything
 * before position `k` is ≤ `a[k]` and everything after is ≥ it (Hoare quickselect with a
 * median-of-three pivot; expected O(n), copes with many equal values). Values must be finite.
 */
export function selectKth(a: Float64Array, lo: number, hi: number, k: number): number {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    const x = a[lo]!;
    const y = a[mid]!;
    const z = a[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const tmp = a[i]!;
        a[i] = a[j]!;
        a[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/** Below this many values a plain quickselect is as fast as narrowing the range first. */
const NARROW_FROM = 2048;
/** Sample size used to bracket the `k`-th value. */
const SAMPLE = 128;
/** Half-width of the sampled bracket in binomial standard deviations (misses ≈ 1 % of rows). */
const SAMPLE_Z = 2.5;

let band = new Float64Array(0);
const sample = new Float64Array(SAMPLE);

/** A range believed to contain the value sought, e.g. the previous date's median ± a margin. */
export interface SelectGuess {
  readonly lo: number;
  readonly hi: number;
}

/**
 * The `k`-th smallest (0-based) of the finite values `a[0 … m)`, and, with `both`, the
 * `(k − 1)`-th as well (for even-length medians). Same results as {@link selectKth}, faster on
 * long rows: the values inside a bracket `[lo, hi]` that should hold the answer are copied out
 * in one branch-free pass that also counts the values below `lo`; when the count shows the
 * answer is inside, only the copy is searched (a tenth of the row or less). The bracket is
 * `guess` when given (the previous date's value ± a margin: cross-sections move slowly), else
 * sample quantiles around `k / m`; a miss falls back to the next method, down to a quickselect
 * of the whole row, so the answer never depends on the guess. `a`'s order may change.
 *
 * Returns the `k`-th value; with `both` the `(k − 1)`-th is left in {@link selected}`.lower`.
 */
export function kthSmallest(a: Float64Array, m: number, k: number, guess?: SelectGuess, both = false): number {
  if (m >= NARROW_FROM) {
    if (guess && guess.lo <= guess.hi) {
      const v = inBracket(a, m, k, guess.lo, guess.hi, both);
      if (v === v) return v;
    }
    const step = m / SAMPLE;
    for (let i = 0; i < SAMPLE; i++) sample[i] = a[(i * step + step / 2) | 0]!;
    sample.sort();
    const p = (k + 0.5) / m;
    const centre = p * SAMPLE;
    const d = SAMPLE_Z * Math.sqrt(SAMPLE * p * (1 - p)) + 1;
    const v = inBracket(a, m, k, sample[Math.max(0, Math.floor(centre - d))]!, sample[Math.min(SAMPLE - 1, Math.ceil(centre + d))]!, both);
    if (v === v) return v;
  }
  const upper = selectKth(a, 0, m - 1, k);
  if (both && k > 0) {
    let lower = a[0]!;
    for (let i = 1; i < k; i++) if (a[i]! > lower) lower = a[i]!;
    selected.lower = lower;
  }
  return upper;
}

/** Side result of {@link kthSmallest} with `both`: the `(k − 1)`-th smallest value. */
export const selected = { lower: Number.NaN };

/** The `k`-th smallest when it lies in `[lo, hi]` (and, with `both`, so does the `(k − 1)`-th); `NaN` otherwise. */
function inBracket(a: Float64Array, m: number, k: number, lo: number, hi: number, both: boolean): number {
  if (band.length < m) band = new Float64Array(Math.max(m, 2 * band.length));
  const b = band;
  let below = 0;
  let j = 0;
  // Branch-free: every value is written, the cursor only moves for those inside.
  for (let i = 0; i < m; i++) {
    const v = a[i]!;
    below += +(v < lo);
    b[j] = v;
    j += +(v >= lo) & +(v <= hi);
  }
  const r = k - below;
  if (r < (both ? 1 : 0) || r >= j) return Number.NaN;
  const upper = selectKth(b, 0, j - 1, r);
  if (both) {
    let lower = b[0]!;
    for (let i = 1; i < r; i++) if (b[i]! > lower) lower = b[i]!;
    selected.lower = lower;
  }
  return upper;
}

/** The median of the finite values `a[0 … m)` (m ≥ 1; the order of `a` is changed). */
export function medianOf(a: Float64Array, m: number, guess?: SelectGuess): number {
  const upper = kthSmallest(a, m, m >> 1, guess, m % 2 === 0);
  return m % 2 === 1 ? upper : (selected.lower + upper) / 2;
}

/** The first index in sorted `a[lo … hi)` whose value is ≥ `v`. */
export function lowerBound(a: Float64Array, lo: number, hi: number, v: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index in sorted `a[lo … hi)` whose value is > `v`. */
export function upperBound(a: Float64Array, lo: number, hi: number, v: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Sort `v[lo … hi)` ascending, applying the same permutation to `idx` (introsort-style
 * quicksort: median-of-three pivot, insertion sort for short runs, smaller side first so the
 * stack stays logarithmic). Values must be finite. Faster than `Float64Array#sort` and gives
 * the permutation, so ranks need no searching.
 */
export function sortWithIndex(v: Float64Array, idx: Int32Array, lo: number, hi: number): void {
  const stack: number[] = [];
  let l = lo;
  let r = hi - 1;
  for (;;) {
    while (r - l > 16) {
      const mid = (l + r) >>> 1;
      const x = v[l]!;
      const y = v[mid]!;
      const z = v[r]!;
      const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
      let i = l;
      let j = r;
      while (i <= j) {
        while (v[i]! < pivot) i++;
        while (v[j]! > pivot) j--;
        if (i <= j) {
          const tv = v[i]!;
          v[i] = v[j]!;
          v[j] = tv;
          const ti = idx[i]!;
          idx[i] = idx[j]!;
          idx[j] = ti;
          i++;
          j--;
        }
      }
      // Recurse (via the stack) into the larger side later; continue with the smaller.
      if (j - l < r - i) {
        if (i < r) stack.push(i, r);
        r = j;
      } else {
        if (l < j) stack.push(l, j);
        l = i;
      }
    }
    for (let i = l + 1; i <= r; i++) {
      const tv = v[i]!;
      const ti = idx[i]!;
      let j = i - 1;
      while (j >= l && v[j]! > tv) {
        v[j + 1] = v[j]!;
        idx[j + 1] = idx[j]!;
        j--;
      }
      v[j + 1] = tv;
      idx[j + 1] = ti;
    }
    if (stack.length === 0) return;
    r = stack.pop()!;
    l = stack.pop()!;
  }
}

/**
 * Given `v[lo … hi)` sorted with its asset indices `idx`, write each asset's average-tie rank
 * into `out`: `1 … m`, or `(r − 1) / (m − 1)` as a fraction (0.5 when m = 1).
 */
export function assignRanks(v: Float64Array, idx: Int32Array, lo: number, hi: number, out: Float64Array, fraction: boolean): void {
  const m = hi - lo;
  let i = lo;
  while (i < hi) {
    let j = i;
    while (j + 1 < hi && v[j + 1] === v[i]) j++;
    const r = (i + j) / 2 - lo + 1;
    const value = fraction ? (m === 1 ? 0.5 : (r - 1) / (m - 1)) : r;
    for (let k = i; k <= j; k++) out[idx[k]!] = value;
    i = j + 1;
  }
}
