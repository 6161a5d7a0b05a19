/**
 * `@factorkit/model-ridge`: ridge regression as a factorkit combination model.
 *
 * Fits `y = b + Xβ` on the training rows (labels `y`, cross-sectionally normalised forward
 * returns; exposures `X`) minimising `(1/n) Σ (y − b − Xβ)² + λ ‖β‖²`; the score of a row is
 * `b + Σ_f β_f x_f`. Refitted on each training window, it is walk-forward ridge regression.
 *
 * @packageDocumentation
 */
import { FactorkitError, type ModelPlugin, type ParamsOf, type TrainedModel, defineModel, param } from '@factorkit/core';
import { linearScores } from '@factorkit/ops';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';

const params = {
  lambda: param.number({
    default: 0.01,
    min: 0,
    description:
      'Penalty λ on ‖β‖², per row: the loss is the mean squared error plus λ‖β‖², so λ keeps its meaning whatever the number of rows ' +
      '(with standardised exposures, λ is relative to each exposure’s variance of about 1). 0 is ordinary least squares.',
  }),
  intercept: param.boolean({
    default: true,
    description: 'Fit an unpenalised intercept (centre exposures and labels over the training rows first).',
  }),
};

/** The validated parameters of {@link ridge}: `{ lambda, intercept }`. */
export type RidgeParams = ParamsOf<typeof params>;

/**
 * Ridge regression of the labels on the factor exposures:
 * `β = (X̃ᵀX̃/n + λI)⁻¹ X̃ᵀỹ/n` with `X̃`, `ỹ` the exposures and labels centred over the `n`
 * training rows (not centred with `intercept: false`), and `b = ȳ − x̄ᵀβ`, solved by Cholesky
 * (ml-matrix). A missing exposure is taken as 0 — the cross-sectional mean of a standardised
 * exposure — in training and in scoring alike; how many were is in `diagnostics.filled`. The
 * weights are `β`, in label units per unit of exposure.
 *
 * Training throws `FK_NO_VALUES` when the system is singular (only possible with `λ = 0`: a
 * factor constant over the rows, or factors collinear).
 *
 * @example
 * import { trainModel } from '@factorkit/core';
 * import { ridge } from '@factorkit/model-ridge';
 * const model = trainModel(ridge.with({ lambda: 0.1 }), trainingSet);
 * model.predict(features, rows); // one score per row
 */
export const ridge = defineModel({
  id: 'ridge',
  apiVersion: '1.1',
  meta: {
    title: '岭回归 (ridge regression)',
    description:
      'Ridge regression of the cross-sectionally normalised forward returns on the factor exposures: minimises the mean squared ' +
      'error plus λ‖β‖² (unpenalised intercept); weights are the coefficients β. A missing exposure counts as 0.',
    weightKind: 'weight',
    params,
    references: ['Hoerl, A. E. & Kennard, R. W. (1970). Ridge Regression: Biased Estimation for Nonorthogonal Problems. Technometrics 12(1), 55–67.'],
  },
  train({ params: p, data }): TrainedModel {
    const { rows: n, features, labels, factors } = data;
    const F = factors.length;
    const xbar = new Float64Array(F);
    let ybar = 0;
    let filled = 0;
    if (p.intercept) {
      for (let r = 0; r < n; r++) {
        ybar += labels[r]!;
        for (let f = 0; f < F; f++) {
          const v = features[r * F + f]!;
          if (v - v === 0) xbar[f] = xbar[f]! + v;
        }
      }
      ybar /= n;
      for (let f = 0; f < F; f++) xbar[f] = xbar[f]! / n;
    }
    const gram = new Float64Array(F * F);
    const rhs = new Float64Array(F);
    const row = new Float64Array(F);
    for (let r = 0; r < n; r++) {
      for (let f = 0; f < F; f++) {
        const v = features[r * F + f]!;
        if (v - v !== 0) filled++;
        row[f] = (v - v === 0 ? v : 0) - xbar[f]!;
      }
      const y = labels[r]! - ybar;
      for (let a = 0; a < F; a++) {
        const xa = row[a]!;
        rhs[a] = rhs[a]! + xa * y;
        for (let b = a; b < F; b++) gram[a * F + b] = gram[a * F + b]! + xa * row[b]!;
      }
    }
    const system = new Matrix(F, F);
    for (let a = 0; a < F; a++) {
      for (let b = a; b < F; b++) {
        const v = gram[a * F + b]! / n + (a === b ? p.lambda : 0);
        system.set(a, b, v);
        system.set(b, a, v);
      }
    }
    const cholesky = new CholeskyDecomposition(system);
    if (!positiveDefinite(cholesky, system)) {
      throw new FactorkitError(
        'FK_NO_VALUES',
        `model \`ridge\`: X'X/n + λI is singular over ${n} rows with λ = ${p.lambda} (a factor constant over the rows, or collinear factors); use λ > 0`,
      );
    }
    const solution = cholesky.solve(Matrix.columnVector(Array.from(rhs, (v) => v / n)));
    const beta = Float64Array.from({ length: F }, (_, f) => solution.get(f, 0));
    let intercept = 0;
    if (p.intercept) {
      intercept = ybar;
      for (let f = 0; f < F; f++) intercept -= xbar[f]! * beta[f]!;
    }
    const messages = filled > 0 ? [`${filled} missing exposure${filled === 1 ? '' : 's'} of ${n * F} taken as 0`] : [];
    return {
      predict: (x, rows) => linearScores(x, rows, beta, intercept),
      weights: () => factors.map((factor, f) => ({ factor, value: beta[f]!, kind: 'weight' as const })),
      diagnostics: { messages, rows: n, filled, intercept, lambda: p.lambda },
    };
  },
}) satisfies ModelPlugin<typeof params>;

export default ridge;

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
