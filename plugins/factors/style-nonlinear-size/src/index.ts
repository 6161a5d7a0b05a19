/**
 * `@factorkit/factor-style-nonlinear-size`: the Barra style factor NLSIZE (非线性规模) as a
 * factorkit plugin.
 *
 * Value at date `t`: the cube of standardised log market cap, orthogonalised against
 * standardised log market cap by a per-date cross-sectional regression, then standardised.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, type ParamsOf, defineFactor, param } from '@factorkit/core';
import { mapRows, zscoreInPlace } from '@factorkit/ops';

const ID = 'nonlinear_size';

const params = {
  regressionWeights: param.enum(['sqrt-cap', 'equal'], {
    default: 'sqrt-cap',
    description: "Weights of the per-date regression of size³ on size: 'sqrt-cap' (√ market cap, as Barra CNE5) or 'equal' (plain OLS).",
  }),
};

/** The validated parameters of {@link nonlinearSize}: `{ regressionWeights }`. */
export type NonlinearSizeParams = ParamsOf<typeof params>;

/**
 * Barra NLSIZE (非线性规模): on each date, over every asset with a positive market cap,
 * `z = standardise(ln cap)`, then the residual of `z³` regressed (with an intercept, weights
 * √cap by default) on `z`, standardised again. It captures the mid-cap effect: large positive
 * and negative values at both ends of the size spectrum are removed by the linear part, leaving
 * mid caps below and extremes above.
 *
 * Standardisation is Barra's: mean weighted by market cap, equal-weighted sample standard
 * deviation. The cross-section is every asset of the data with a value that day, so the
 * values depend on the asset set (a CSI 300 dataset gives different exposures than the whole
 * market). Missing data: no or non-positive market cap gives `NaN`; a date with fewer than
 * three such assets, or no spread in size, is all `NaN`.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { nonlinearSize } from '@factorkit/factor-style-nonlinear-size';
 * const { values } = computeFactor(nonlinearSize, data, { start: '2024-01-02' });
 */
export const nonlinearSize = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '非线性规模 (Barra NLSIZE, non-linear size)',
    description:
      'Per date over all assets with a market cap: z = standardised ln(cap) (cap-weighted mean, equal-weighted sd); ' +
      'residual of z³ on z (intercept, weights √cap by default), standardised the same way. NaN without a positive cap.',
    category: 'style',
    inputs: [
      {
        field: FIELD.marketCap,
        kind: 'market',
        lag: 0,
        description: 'Total market capitalisation, CNY, at the close of the date: size, regression weights and standardisation weights.',
      },
    ],
    lookback: 0,
    direction: -1,
    params,
    references: [
      'MSCI Barra (2012). China Equity Model (CNE5), model description: NLSIZE = cube of the standardised size exposure, orthogonalised to size by a regression weighted by the square root of market cap, winsorised and standardised.',
      'Orr, D. J., Mashtaler, I. & Nagy, A. (2012). The Barra China Equity Model (CNE5), Empirical Notes. MSCI.',
    ],
  },
  compute(ctx) {
    const cap = ctx.input(FIELD.marketCap);
    const sqrt = ctx.params.regressionWeights === 'sqrt-cap';
    const n = cap.assets;
    const z = new Float64Array(n);
    const cube = new Float64Array(n);
    const w = new Float64Array(n);
    const scratch = new Float64Array(n);
    // One pass over the dates: standardised log size, its cube, the weighted regression of the
    // cube on it, and the standardised residual, each date's cross-section read and written once.
    const [out] = mapRows({ panels: [cap] }, (_t, [capRow], [outRow]) => {
      for (let a = 0; a < n; a++) {
        const c = capRow![a]!;
        z[a] = c > 0 && c < Number.POSITIVE_INFINITY ? Math.log(c) : Number.NaN;
      }
      zscoreInPlace(z, { weights: capRow!, scratch });
      for (let a = 0; a < n; a++) {
        const v = z[a]!;
        cube[a] = v * v * v;
        w[a] = sqrt ? Math.sqrt(capRow![a]!) : 1;
      }
      residualRow(cube, z, w, outRow!);
      zscoreInPlace(outRow!, { weights: capRow!, scratch });
    });
    return out!;
  },
}) satisfies FactorPlugin<typeof params>;

export default nonlinearSize;

/**
 * One date: residuals of the weighted least squares of `y` on `x` with an intercept, over the
 * assets where both are finite and the weight is finite and positive (`@factorkit/ops`'
 * `neutralize` has no regression weights). `NaN` elsewhere, and everywhere with fewer than three
 * such assets, no spread in `x`, or an exact fit.
 */
function residualRow(y: Float64Array, x: Float64Array, w: Float64Array, out: Float64Array): void {
  let n = 0;
  let sw = 0;
  let swx = 0;
  let swy = 0;
  const ok = (a: number) => Number.isFinite(y[a]!) && Number.isFinite(x[a]!) && w[a]! > 0 && w[a]! < Number.POSITIVE_INFINITY;
  for (let a = 0; a < y.length; a++) {
    if (!ok(a)) continue;
    n++;
    sw += w[a]!;
    swx += w[a]! * x[a]!;
    swy += w[a]! * y[a]!;
  }
  const mx = swx / sw;
  const my = swy / sw;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let a = 0; a < y.length; a++) {
    if (!ok(a)) continue;
    const dx = x[a]! - mx;
    const dy = y[a]! - my;
    sxx += w[a]! * dx * dx;
    sxy += w[a]! * dx * dy;
    syy += w[a]! * dy * dy;
  }
  const beta = sxy / sxx;
  // Two points (or collinear ones) are fitted exactly: the residuals are rounding noise, and
  // standardising them would blow noise up into exposures. No residual → no value.
  const ssr = syy - beta * sxy;
  const fitted = n >= 3 && sxx > 0 && ssr > 1e-12 * syy;
  for (let a = 0; a < y.length; a++) {
    const r = y[a]! - my - beta * (x[a]! - mx);
    out[a] = fitted && ok(a) && Number.isFinite(r) ? r : Number.NaN;
  }
}
