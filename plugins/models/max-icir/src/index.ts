/**
 * `@factorkit/model-max-icir`: the maximum-ICIR combination model as a factorkit plugin.
 *
 * Weights `w ∝ Σ̂⁻¹ μ`: `μ` the factors' mean ICs over the training dates, `Σ̂` the covariance of
 * their ICs shrunk toward its diagonal. These weights maximise the information ratio of the
 * composite's IC, `wᵀμ / √(wᵀΣ̂w)`.
 *
 * @packageDocumentation
 */
import { FactorkitError, type ModelPlugin, type ParamsOf, type TrainedModel, defineModel, param } from '@factorkit/core';
import { IC_MODEL_PARAMS, icByDate, linearScores } from '@factorkit/ops';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

const params = {
  ...IC_MODEL_PARAMS,
  shrinkage: param.enum(['ledoit-wolf', 'fixed'], {
    default: 'ledoit-wolf',
    description:
      'How much the IC covariance is shrunk toward its diagonal: `ledoit-wolf` estimates the intensity from the data ' +
      '(Ledoit and Wolf’s optimal intensity for the diagonal target, as Schäfer and Strimmer give it); `fixed` uses `intensity`.',
  }),
  intensity: param.number({
    default: 0.5,
    min: 0,
    max: 1,
    description: 'The shrinkage intensity λ with `shrinkage: fixed`: off-diagonal covariances are multiplied by 1 − λ (0: the sample covariance, 1: its diagonal).',
  }),
};

/** The validated parameters of {@link maxIcirWeight}: `{ method, minAssets, shrinkage, intensity }`. */
export type MaxIcirParams = ParamsOf<typeof params>;

/**
 * Maximum ICIR. From the per-date ICs of the training window (the dates on which every factor
 * has one, so that mean and covariance come from the same dates):
 *
 * - `μ_i`, the mean IC of factor `i`; `S`, the sample covariance of the ICs (`n − 1`);
 * - `Σ̂ = (1 − λ) S + λ diag(S)`: the off-diagonal entries shrunk by `λ`;
 * - `w = Σ̂⁻¹ μ` (Cholesky), scaled to `Σ|w| = 1`.
 *
 * `λ` is `intensity`, or with `shrinkage: 'ledoit-wolf'` the estimate of the intensity that
 * minimises the expected squared error of `Σ̂` (Ledoit & Wolf 2003; for the diagonal target as
 * Schäfer & Strimmer 2005, target D, give it): with `x_ki` the centred IC of factor `i` on date
 * `k`, `w_kij = x_ki x_kj` and `w̄_ij` its mean over the `n` dates,
 * `λ = Σ_{i≠j} Var̂(s_ij) / Σ_{i≠j} s_ij²`, `s_ij = n/(n−1) w̄_ij`,
 * `Var̂(s_ij) = n/(n−1)³ Σ_k (w_kij − w̄_ij)²`, clipped to `[0, 1]`.
 *
 * Factors with an IC on fewer than 2 dates, or whose IC never varies, get weight 0 (said in
 * `diagnostics.messages`). Training throws `FK_NO_VALUES` with fewer than 2 dates on which all
 * the others have an IC, or when `Σ̂` is singular (possible only with `λ = 0`).
 *
 * Scores: `Σ_f w_f x_f`, a missing exposure counting as 0; `NaN` when all are missing.
 */
export const maxIcirWeight = defineModel({
  id: 'max_icir',
  apiVersion: '1.1',
  meta: {
    title: '最大化 ICIR (maximum ICIR)',
    description:
      'Weights w ∝ Σ̂⁻¹μ: μ the mean ICs of the factors over the training dates, Σ̂ their IC covariance with the off-diagonal ' +
      'entries shrunk toward 0 (Ledoit–Wolf-type intensity for the diagonal target, or a fixed one); normalised to Σ|w| = 1.',
    weightKind: 'weight',
    params,
    references: [
      'Qian, E., Hua, R. & Sorensen, E. (2007). Quantitative Equity Portfolio Management. Chapman & Hall/CRC (optimal IC-weighted composites).',
      'Ledoit, O. & Wolf, M. (2003). Improved estimation of the covariance matrix of stock returns with an application to portfolio selection. Journal of Empirical Finance 10(5), 603–621.',
      'Schäfer, J. & Strimmer, K. (2005). A shrinkage approach to large-scale covariance matrix estimation and implications for functional genomics. Statistical Applications in Genetics and Molecular Biology 4(1), Article 32 (target D).',
      '国泰君安 / 华泰证券 金融工程: 最大化 ICIR 因子加权 (sell-side factor-weighting reports).',
    ],
  },
  train({ params: p, data, cache }): TrainedModel {
    const ic = icByDate(data, { method: p.method, minPairs: p.minAssets, ...(cache ? { cache } : {}) });
    const F = data.factors.length;
    const D = ic.dates.length;
    const messages: string[] = [];
    let used: number[] = [];
    for (let f = 0; f < F; f++) {
      const count = ic.summary.count[f]!;
      if (count < 2) messages.push(`factor \`${data.factors[f]!}\`: ${count} date${count === 1 ? '' : 's'} with an IC (2 needed); weight 0`);
      else used.push(f);
    }
    const complete: number[] = [];
    for (let d = 0; d < D; d++) if (used.every((f) => !Number.isNaN(ic.ic[d * F + f]!))) complete.push(d);
    const n = complete.length;
    if (used.length === 0 || n < 2) {
      throw new FactorkitError(
        'FK_NO_VALUES',
        `model \`max_icir\`: ${used.length === 0 ? 'no factor has an IC on 2 or more dates' : `only ${n} of the ${D} training dates have an IC for every factor (2 needed)`}`,
      );
    }
    if (n < D) messages.push(`${D - n} of ${D} training dates left out: some factor has no IC on them`);
    // Centred ICs of the complete dates, n × k.
    const centred = (factors: number[]) => {
      const k = factors.length;
      const mu = new Float64Array(k);
      const x = new Float64Array(n * k);
      factors.forEach((f, j) => {
        let sum = 0;
        for (const d of complete) sum += ic.ic[d * F + f]!;
        mu[j] = sum / n;
        complete.forEach((d, i) => (x[i * k + j] = ic.ic[d * F + f]! - mu[j]!));
      });
      return { mu, x, k };
    };
    let { mu, x, k } = centred(used);
    const variance = (j: number) => {
      let ss = 0;
      for (let i = 0; i < n; i++) ss += x[i * k + j]! ** 2;
      return ss / (n - 1);
    };
    const constant = used.filter((_, j) => !(variance(j) > 0));
    if (constant.length > 0) {
      for (const f of constant) messages.push(`factor \`${data.factors[f]!}\`: its IC never varies over the training dates; weight 0`);
      used = used.filter((f) => !constant.includes(f));
      if (used.length === 0) throw new FactorkitError('FK_NO_VALUES', 'model `max_icir`: no factor’s IC varies over the training dates');
      ({ mu, x, k } = centred(used));
    }
    const lambda = p.shrinkage === 'fixed' ? p.intensity : ledoitWolfIntensity(x, n, k);
    const sigma = new Matrix(k, k);
    for (let a = 0; a < k; a++) {
      for (let b = a; b < k; b++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += x[i * k + a]! * x[i * k + b]!;
        const v = (s / (n - 1)) * (a === b ? 1 : 1 - lambda);
        sigma.set(a, b, v);
        sigma.set(b, a, v);
      }
    }
    const cholesky = new CholeskyDecomposition(sigma);
    if (!positiveDefinite(cholesky, sigma)) {
      throw new FactorkitError(
        'FK_NO_VALUES',
        `model \`max_icir\`: the IC covariance of ${k} factors over ${n} dates is singular with shrinkage intensity ${lambda}; use more dates or a shrinkage intensity > 0`,
      );
    }
    const solution = cholesky.solve(Matrix.columnVector(Array.from(mu)));
    const w = new Float64Array(F);
    let total = 0;
    used.forEach((f, j) => {
      const value = solution.get(j, 0);
      w[f] = value;
      total += Math.abs(value);
    });
    if (!(total > 0)) throw new FactorkitError('FK_NO_VALUES', 'model `max_icir`: every mean IC is 0 over the training dates');
    for (let f = 0; f < F; f++) w[f] = w[f]! / total;
    return {
      predict: (features, rows) => linearScores(features, rows, w),
      weights: () => data.factors.map((factor, f) => ({ factor, value: w[f]!, kind: 'weight' as const })),
      diagnostics: {
        messages,
        dates: D,
        completeDates: n,
        shrinkage: lambda,
        factorsUsed: used.map((f) => data.factors[f]!),
        meanIc: Array.from(mu),
        covariance: Array.from(sigma.to1DArray()),
      },
    };
  },
}) satisfies ModelPlugin<typeof params>;

export default maxIcirWeight;

/**
 * The Ledoit–Wolf-type optimal shrinkage intensity toward the diagonal (Schäfer & Strimmer's
 * target D) from `n` centred observations of `k` variables (`x`, row-major `n × k`), clipped to
 * `[0, 1]`. 0 for a single variable (nothing off the diagonal); 1 when every off-diagonal
 * covariance is exactly 0 (shrinking changes nothing then).
 */
function ledoitWolfIntensity(x: Float64Array, n: number, k: number): number {
  if (k < 2) return 0;
  let numerator = 0;
  let denominator = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += x[i * k + a]! * x[i * k + b]!;
      mean /= n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (x[i * k + a]! * x[i * k + b]! - mean) ** 2;
      const s = (n / (n - 1)) * mean;
      // Both sums run over i ≠ j: the pair (a, b) counts twice in each, which cancels.
      numerator += (n / (n - 1) ** 3) * ss;
      denominator += s * s;
    }
  }
  if (!(denominator > 0)) return 1;
  return Math.min(1, Math.max(0, numerator / denominator));
}

/**
 * Whether the factorisation is usable: positive definite with every pivot `L_jj²` above 1e−10 of
 * its diagonal entry. A rank-deficient matrix often factorises in floating point with tiny
 * pivots; solving with them gives weights of any size.
 */
function positiveDefinite(cholesky: CholeskyDecomposition, matrix: Matrix): boolean {
  if (!cholesky.isPositiveDefinite()) return false;
  const lower = cholesky.lowerTriangularMatrix;
  for (let j = 0; j < matrix.rows; j++) if (!(lower.get(j, j) ** 2 > 1e-10 * matrix.get(j, j))) return false;
  return true;
}
