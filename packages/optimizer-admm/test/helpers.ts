/** Test helpers: a tiny seeded generator and a dense reference solver (independent of src). */

/** mulberry32: small seeded uniform generator for test data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Solve a dense system by Gaussian elimination with partial pivoting (row-major n × n). */
export function denseSolve(M: Float64Array, b: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(M);
  const x = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let piv = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]!) > Math.abs(a[piv * n + k]!)) piv = i;
    if (piv !== k) {
      for (let j = 0; j < n; j++) {
        const t = a[k * n + j]!;
        a[k * n + j] = a[piv * n + j]!;
        a[piv * n + j] = t;
      }
      const t = x[k]!;
      x[k] = x[piv]!;
      x[piv] = t;
    }
    for (let i = k + 1; i < n; i++) {
      const f = a[i * n + k]! / a[k * n + k]!;
      if (f === 0) continue;
      for (let j = k; j < n; j++) a[i * n + j]! -= f * a[k * n + j]!;
      x[i]! -= f * x[k]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let j = i + 1; j < n; j++) s -= a[i * n + j]! * x[j]!;
    x[i] = s / a[i * n + i]!;
  }
  return x;
}

/** Upper-triangular CSC from a dense symmetric matrix (entries with |v| > 0). */
export function upperFromDense(M: Float64Array, n: number): { n: number; start: Int32Array; index: Int32Array; value: Float64Array } {
  const start = new Int32Array(n + 1);
  const index: number[] = [];
  const value: number[] = [];
  for (let j = 0; j < n; j++) {
    for (let i = 0; i <= j; i++) {
      const v = M[i * n + j]!;
      if (v !== 0 || i === j) {
        index.push(i);
        value.push(v);
      }
    }
    start[j + 1] = index.length;
  }
  return { n, start, index: Int32Array.from(index), value: Float64Array.from(value) };
}
