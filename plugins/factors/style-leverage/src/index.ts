/**
 * `@factorkit/factor-style-leverage`: the Barra CNE5-style LEVERAGE risk factor (杠杆) as a
 * factorkit plugin.
 *
 * Value at date `t`: `0.38·z(MLEV) + 0.35·z(DTOA) + 0.27·z(BLEV)`, market leverage,
 * debt-to-assets and book leverage, each standardised across assets on the date.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, Panel, type ParamsOf, defineFactor, param } from '@factorkit/core';
import { combineZscores } from '@factorkit/ops';

const ID = 'leverage';
const TOTAL_LIAB = 'total_liab';
const TOTAL_ASSETS = 'total_assets';
const EQUITY = 'equity';

/** CNE5 descriptor weights of MLEV, DTOA and BLEV. */
export const LEVERAGE_WEIGHTS = Object.freeze({ mlev: 0.38, dtoa: 0.35, blev: 0.27 });

const params = {
  winsorizeK: param.number({
    default: 5,
    min: 0,
    description: 'Each descriptor is clipped per date to median ± k · 1.4826 · MAD before the z-score (BLEV explodes as equity → 0); 0 = no clipping.',
  }),
};

/** The validated parameters of {@link leverage}: `{ winsorizeK }`. */
export type LeverageParams = ParamsOf<typeof params>;

/**
 * LEVERAGE (杠杆), the Barra CNE5 style factor, with total liabilities as the debt `LD`:
 * `MLEV = (ME + LD) / ME`, `DTOA = LD / TA`, `BLEV = (BE + LD) / BE` (ME market cap, TA total
 * assets, BE equity). Each is MAD-winsorised and z-scored across all assets with a value
 * (equal-weighted mean, sample std) and the value is `Σ w_k z_k / Σ w_k` over the descriptors
 * present, weights 0.38, 0.35, 0.27; `NaN` when none is.
 *
 * Missing data: a descriptor is `NaN` when an input is missing, a denominator is ≤ 0
 * (negative book equity, no market cap) or the debt is negative.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { leverage } from '@factorkit/factor-style-leverage';
 * const { values } = computeFactor(leverage, data, { start: '2024-01-02' });
 */
export const leverage = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '杠杆 LEVERAGE (Barra CNE5 style leverage)',
    description:
      '0.38·z(MLEV) + 0.35·z(DTOA) + 0.27·z(BLEV) with MLEV = (ME + LD)/ME, DTOA = LD/TA, BLEV = (BE + LD)/BE ' +
      'and LD = total liabilities; each MAD-winsorised and z-scored across assets per date, weights renormalised ' +
      'over the descriptors present.',
    category: 'style',
    inputs: [
      {
        field: TOTAL_LIAB,
        kind: 'fundamental',
        lag: 0,
        description: 'Total liabilities, CNY, of the latest report announced by the date (the store applies ann_date): the debt proxy LD.',
      },
      {
        field: TOTAL_ASSETS,
        kind: 'fundamental',
        lag: 0,
        description: 'Total assets, CNY, of the latest report announced by the date.',
      },
      {
        field: EQUITY,
        kind: 'fundamental',
        lag: 0,
        description: 'Shareholders’ equity (book value), CNY, of the latest report announced by the date.',
      },
      {
        field: FIELD.marketCap,
        kind: 'market',
        lag: 0,
        description: 'Total market cap, CNY, at the close.',
      },
    ],
    lookback: 0,
    direction: -1,
    params,
    references: [
      'Orr, D. J., Mashtaler, I. & Nagy, A. (2012). The Barra China Equity Model (CNE5). MSCI Model Insight: LEVERAGE = 0.38·MLEV + 0.35·DTOA + 0.27·BLEV.',
      '中信建投证券 / 国泰君安证券 金融工程, Barra CNE5 风险模型复现 style-factor reports (杠杆因子).',
    ],
  },
  compute(ctx) {
    const { winsorizeK } = ctx.params;
    const ld = ctx.input(TOTAL_LIAB);
    const ta = ctx.input(TOTAL_ASSETS);
    const be = ctx.input(EQUITY);
    const me = ctx.input(FIELD.marketCap);
    const n = ld.values.length;
    const mlev = new Panel(ld.dates, ld.assets, new Float64Array(n));
    const dtoa = new Panel(ld.dates, ld.assets, new Float64Array(n));
    const blev = new Panel(ld.dates, ld.assets, new Float64Array(n));
    for (let i = 0; i < ld.values.length; i++) {
      const debt = ld.values[i]!;
      const ok = debt >= 0 && debt < Infinity;
      mlev.values[i] = ratio(ok, me.values[i]! + debt, me.values[i]!);
      dtoa.values[i] = ratio(ok, debt, ta.values[i]!);
      blev.values[i] = ratio(ok, be.values[i]! + debt, be.values[i]!);
    }
    return combineZscores([mlev, dtoa, blev], [LEVERAGE_WEIGHTS.mlev, LEVERAGE_WEIGHTS.dtoa, LEVERAGE_WEIGHTS.blev], {
      ...(winsorizeK > 0 ? { winsorize: { method: 'mad', k: winsorizeK } } : {}),
    });
  },
}) satisfies FactorPlugin<typeof params>;

export default leverage;

/** `num / den` for a valid debt and a positive, finite denominator; else `NaN`. */
function ratio(ok: boolean, num: number, den: number): number {
  if (!ok || !(den > 0 && den < Infinity)) return Number.NaN;
  const v = num / den;
  return Number.isFinite(v) ? v : Number.NaN;
}

