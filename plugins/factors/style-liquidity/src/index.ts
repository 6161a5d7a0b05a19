/**
 * `@factorkit/factor-style-liquidity`: the Barra CNE5-style LIQUIDTY risk factor (流动性) as a
 * factorkit plugin.
 *
 * Value at date `t`: `0.35·z(STOM) + 0.35·z(STOQ) + 0.30·z(STOA)`, the cross-sectionally
 * standardised log share turnover over one, three and twelve months, combined.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, Panel, type ParamsOf, defineFactor, param } from '@factorkit/core';
import { combineZscores, rollingMean } from '@factorkit/ops';

const ID = 'liquidity';

/** CNE5 descriptor weights of STOM, STOQ and STOA. */
export const LIQUIDITY_WEIGHTS = Object.freeze({ stom: 0.35, stoq: 0.35, stoa: 0.3 });

const params = {
  month: param.integer({
    default: 21,
    min: 1,
    max: 63,
    description: 'Trading days in a month. STOM covers 1 month, STOQ 3, STOA 12.',
  }),
  minCoverage: param.number({
    default: 0.8,
    min: 0,
    exclusiveMin: true,
    max: 1,
    description: 'Least fraction of each window’s days that must have a turnover; fewer makes that descriptor NaN.',
  }),
};

/** The validated parameters of {@link liquidity}: `{ month, minCoverage }`. */
export type LiquidityParams = ParamsOf<typeof params>;

/**
 * LIQUIDTY (流动性), the Barra CNE5 style factor. Per stock and date, with `τ` the daily share
 * turnover (a fraction) and `M = month`:
 * `STOM = ln(M · mean τ over M days)`, `STOQ = ln(M · mean τ over 3M days)`,
 * `STOA = ln(M · mean τ over 12M days)` — the log of the monthly turnover, averaged over one,
 * three and twelve months (with every day present, `ln Σ τ` and `ln((1/T) Σ monthly sums)` exactly).
 * Each descriptor is z-scored across all assets with a value that day (equal-weighted mean and
 * sample std), and the value is `Σ w_k z_k / Σ w_k` over the descriptors present, weights 0.35,
 * 0.35, 0.30; `NaN` without STOM.
 *
 * Missing data: a day without a turnover is skipped and the mean rescales to a full month; a
 * descriptor whose window has fewer than `⌈minCoverage × days⌉` turnovers is `NaN`. A window of
 * zero turnover (suspended throughout) has no logarithm: `NaN`.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { liquidity } from '@factorkit/factor-style-liquidity';
 * const { values } = computeFactor(liquidity, data, { start: '2024-01-02' });
 */
export const liquidity = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '流动性 LIQUIDTY (Barra CNE5 style liquidity)',
    description:
      '0.35·z(STOM) + 0.35·z(STOQ) + 0.30·z(STOA) with STOM/STOQ/STOA the log monthly share turnover ' +
      'averaged over 1, 3 and 12 months of `month` (21) trading days, each z-scored across assets per ' +
      'date; weights renormalised over the descriptors present, NaN without STOM.',
    category: 'style',
    inputs: [
      {
        field: FIELD.turnover,
        kind: 'market',
        lag: 0,
        description: 'Daily shares traded / float shares, as a fraction (0.02 = 2 %), known at the close; 0 when suspended, NaN = missing.',
      },
    ],
    lookback: (p) => 12 * p.month,
    direction: -1,
    params,
    references: [
      'Orr, D. J., Mashtaler, I. & Nagy, A. (2012). The Barra China Equity Model (CNE5). MSCI Model Insight: LIQUIDTY = 0.35·STOM + 0.35·STOQ + 0.30·STOA.',
      '中信建投证券 / 国泰君安证券 金融工程, Barra CNE5 风险模型复现 style-factor reports (流动性因子).',
    ],
  },
  compute(ctx) {
    const { month, minCoverage } = ctx.params;
    const turnover = ctx.input(FIELD.turnover);
    const descriptor = (months: number): Panel => {
      const days = months * month;
      // Tolerance so that binary rounding (0.28 × 25 = 7.000000000000001) never asks for one more day.
      const minObs = Math.max(1, Math.ceil(minCoverage * days - 1e-9));
      const out = new Panel(turnover.dates, turnover.assets, new Float64Array(turnover.values.length));
      for (let a = 0; a < turnover.assets; a++) {
        const x = turnover.column(a);
        const col = rollingMean(x, days, { minObs }, out.column(a));
        // A window of zeros has no logarithm. Its running mean may come out as a rounding
        // residue like 1e-19 rather than 0, so count the window's positive turnovers instead.
        let positive = 0;
        for (let t = 0; t < col.length; t++) {
          if (x[t]! > 0) positive++;
          if (t >= days && x[t - days]! > 0) positive--;
          const v = col[t]!;
          col[t] = positive > 0 && v > 0 ? Math.log(month * v) : Number.NaN;
        }
      }
      return out;
    };
    return combineZscores([descriptor(1), descriptor(3), descriptor(12)], [LIQUIDITY_WEIGHTS.stom, LIQUIDITY_WEIGHTS.stoq, LIQUIDITY_WEIGHTS.stoa], {
      require: 'first',
    });
  },
}) satisfies FactorPlugin<typeof params>;

export default liquidity;

