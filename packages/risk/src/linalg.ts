/**
 * Small dense linear algebra on row-major `Float64Array`s. The risk model's systems are small
 * (≈ 40 × 40 normal equations, ≈ 50 × 50 covariances), so plain O(p³) kernels are enough and
 * keep the package free of runtime dependencies.
 */

/**
 * Solve `A θ = b` for a symmetric positive semi-definite `A` (p × p, row-major) by Cholesky,
 * dropping columns whose pivot is below `tol × max(diag A)`: a dropped column's coefficient is
 * 0 (it is collinear with the columns before it, or empty). `A` and `b` are not modified.
 */
export function solveSpd(A: Float64Array, b: Float64Array, p: number, tol = 1e-10): { theta: Float64Array; dropped: Uint8Array } {
  const L = new Float64Array(p * p);
  const dropped = new Uint8Array(p);
  let maxDiag = 0;
  for (let i = 0; i < p; i++) maxDiag = Math.max(maxDiag, A[i * p + i]!);
  const floor = tol * (maxDiag > 0 ? maxDiag : 1);
  for (let j = 0; j < p; j++) {
    let d = A[j * p + j]!;
    for (let k = 0; k < j; k++) d -= L[j * p + k]! * L[j * p + k]!;
    if (!(d > floor)) {
      dropped[j] = 1;
      continue; // column j of L stays 0
    }
    const ljj = Math.sqrt(d);
    L[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = A[i * p + j]!;
      for (let k = 0; k < j; k++) s -= L[i * p + k]! * L[j * p + k]!;
      L[i * p + j] = s / ljj;
    }
  }
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    if (dropped[i]) continue;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * p + k]! * y[k]!;
    y[i] = s / L[i * p + i]!;
  }
  const theta = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    if (dropped[i]) continue;
    let s = y[i]!;
    for (let k = i + 1; k < p; k++) s -= L[k * p + i]! * theta[k]!;
    theta[i] = s / L[i * p + i]!;
  }
  return { theta, dropped };
}

/** Whether the symmetric `A` (p × p) has a Cholesky factor with pivots > `tol × max diag`. */
export function isPositiveDefinite(A: Float64Array, p: number, tol = 1e-12): boolean {
  const L = new Float64Array(p * p);
  let maxDiag = 0;
  for (let i = 0; i < p; i++) maxDiag = Math.max(maxDiag, A[i * p + i]!);
  if (!(maxDiag > 0)) return p === 0;
  for (let j = 0; j < p; j++) {
    let d = A[j * p + j]!;
    for (let k = 0; k < j; k++) d -= L[j * p + k]! * L[j * p + k]!;
    if (!(d > tol * maxDiag)) return false;
    const ljj = Math.sqrt(d);
    L[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let s = A[i * p + j]!;
      for (let k = 0; k < j; k++) s -= L[i * p + k]! * L[j * p + k]!;
      L[i * p + j] = s / ljj;
    }
  }
  return true;
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations:
 * `A = V diag(values) Vᵀ`, `vectors` row-major with eigenvectors in columns.
 */
export function symmetricEigen(A: Float64Array, p: number): { values: Float64Array; vectors: Float64Array } {
  const a = A.slice();
  const v = new Float64Array(p * p);
  for (let i = 0; i < p; i++) v[i * p + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let norm = 0;
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        const x = a[i * p + j]! * a[i * p + j]!;
        norm += x;
        if (i !== j) off += x;
      }
    }
    if (off <= 1e-30 * norm || off === 0) break;
    for (let i = 0; i < p - 1; i++) {
      for (let j = i + 1; j < p; j++) {
        const aij = a[i * p + j]!;
        if (aij === 0) continue;
        const theta = (a[j * p + j]! - a[i * p + i]!) / (2 * aij);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < p; k++) {
          const aki = a[k * p + i]!;
          const akj = a[k * p + j]!;
          a[k * p + i] = c * aki - s * akj;
          a[k * p + j] = s * aki + c * akj;
        }
        for (let k = 0; k < p; k++) {
          const aik = a[i * p + k]!;
          const ajk = a[j * p + k]!;
          a[i * p + k] = c * aik - s * ajk;
          a[j * p + k] = s * aik + c * ajk;
        }
        for (let k = 0; k < p; k++) {
          const vki = v[k * p + i]!;
          const vkj = v[k * p + j]!;
          v[k * p + i] = c * vki - s * vkj;
          v[k * p + j] = s * vki + c * vkj;
        }
      }
    }
  }
  const values = new Float64Array(p);
  for (let i = 0; i < p; i++) values[i] = a[i * p + i]!;
  return { values, vectors: v };
}

/**
 * The nearest (in the eigenvalue sense) positive semi-definite matrix: negative eigenvalues are
 * set to `floor`. Returns the input unchanged (same object) when it already has a Cholesky factor.
 */
export function repairPsd(A: Float64Array, p: number, floor = 0): { matrix: Float64Array; repaired: boolean } {
  if (isPositiveDefinite(A, p)) return { matrix: A, repaired: false };
  const { values, vectors } = symmetricEigen(A, p);
  const out = new Float64Array(p * p);
  for (let e = 0; e < p; e++) {
    const lambda = Math.max(values[e]!, floor);
    if (lambda === 0) continue;
    for (let i = 0; i < p; i++) {
      const vi = vectors[i * p + e]! * lambda;
      if (vi === 0) continue;
      for (let j = 0; j < p; j++) out[i * p + j]! += vi * vectors[j * p + e]!;
    }
  }
  // Symmetrise exactly.
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      const m = 0.5 * (out[i * p + j]! + out[j * p + i]!);
      out[i * p + j] = m;
      out[j * p + i] = m;
    }
  }
  return { matrix: out, repaired: true };
}
