// Small dense linear algebra for independent reference values in tests (never used by src/).

/** Solve A x = b by Gaussian elimination with partial pivoting (A row-major, n×n). */
export function solveDense(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

/** Σ = X F Xᵀ + diag(D), dense. */
export function denseCovariance(X: number[][], F: number[][], D: number[]): number[][] {
  const n = X.length;
  const k = F.length;
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => {
      let s = i === j ? D[i]! : 0;
      for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) s += X[i]![a]! * F[a]![b]! * X[j]![b]!;
      return s;
    }),
  );
}

export const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

export const matVec = (M: number[][], v: ArrayLike<number>): number[] => M.map((row) => dot(row, v));

/** (w − b)ᵀ Σ (w − b) */
export function quadForm(S: number[][], w: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = Array.from(w, (x, i) => x - b[i]!);
  return dot(d, matVec(S, d));
}
