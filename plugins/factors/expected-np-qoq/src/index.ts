/**
 * `@factorkit/factor-expected-np-qoq`: expected net-profit change (预期净利润环比) as a
 * factorkit plugin.
 *
 * Value at date `t`: `(C_t − B) / |B|`, `C_t` the consensus net profit for the current fiscal
 * year (FY1) on `t` and `B` the consensus for the same fiscal year `window` trading days
 * earlier (FY1 then, or FY2 then when a new year began in between).
 *
 * @packageDocumentation
 */
import { type FactorPlugin, Panel, type ParamsOf, defineFactor, param } from '@factorkit/core';

const ID = 'expected_np_qoq';

/** Consensus net profit for the fiscal year of the date (FY1). */
export const FY1_FIELD = 'consensus_net_profit_fy1';
/** Consensus net profit for the next fiscal year (FY2); optional, used across a year boundary. */
export const FY2_FIELD = 'consensus_net_profit_fy2';

const params = {
  window: param.integer({
    default: 60,
    min: 1,
    max: 250,
    description: 'Trading days between the two consensus values (≈ three months at 60). At most 250, so the base lies at most one fiscal year back.',
  }),
};

/** The validated parameters of {@link expectedNpQoq}: `{ window }`. */
export type ExpectedNpQoqParams = ParamsOf<typeof params>;

/**
 * Expected net-profit change (预期净利润环比): how much the consensus net profit for the current
 * fiscal year moved over the last `window` trading days, relative to its earlier level.
 *
 * FY1 in the data store is the consensus for the calendar year of the date, so it switches
 * fiscal year on the first trading day of a year. To compare like with like, when the base date
 * `t − window` lies in the previous calendar year the base is that date's **FY2** (the forecast
 * for the year that is FY1 on `t`). Without an FY2 field those values are `NaN`. Missing data:
 * `NaN` when either value is missing or the base is 0, and before `window` rows of history.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { expectedNpQoq } from '@factorkit/factor-expected-np-qoq';
 * const { values } = computeFactor(expectedNpQoq.with({ window: 20 }), data);
 */
export const expectedNpQoq = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '预期净利润环比 (expected net-profit change)',
    description:
      'Change of the consensus net profit for the current fiscal year over `window` trading days (default 60 ≈ three months): ' +
      '(C_t − B) / |B|, C_t = FY1 on t, B = FY1 on t − window, or FY2 on t − window when t − window lies in the previous calendar year ' +
      '(same fiscal year). NaN when either is missing, the base is 0, or the year changed and there is no FY2 field.',
    category: 'analyst',
    inputs: [
      {
        field: FY1_FIELD,
        kind: 'fundamental',
        lag: 0,
        description: 'Consensus net profit (CNY) for the fiscal year of the date, as known on the date (the store is point in time by consensus date).',
      },
      {
        field: FY2_FIELD,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'Consensus net profit (CNY) for the next fiscal year, as known on the date: the base when a new year began within the window.',
      },
    ],
    lookback: (p) => p.window,
    direction: 1,
    params,
    references: [
      '国信证券 (Guosen Securities) 金融工程, 《多因子选股周报》 (weekly multi-factor report), factor 预期净利润环比 (three-month change of the consensus net profit).',
      '朝阳永续 (Go-Goal) consensus data documentation: 一致预期净利润 FY1 and its change over three months.',
    ],
  },
  compute(ctx) {
    const { window } = ctx.params;
    const fy1 = ctx.input(FY1_FIELD);
    const fy2 = ctx.has(FY2_FIELD) ? ctx.input(FY2_FIELD) : undefined;
    const dates = ctx.data.calendar.dates;
    const year = dates.map((d) => Number(d.slice(0, 4)));
    const out = new Panel(fy1.dates, fy1.assets, new Float64Array(fy1.values.length));
    for (let a = 0; a < fy1.assets; a++) {
      const now = fy1.column(a);
      const next = fy2?.column(a);
      const dst = out.column(a);
      for (let t = 0; t < fy1.dates; t++) {
        if (t < window) {
          dst[t] = Number.NaN;
          continue;
        }
        // FY1 switches fiscal year with the calendar year: compare the same fiscal year, i.e.
        // FY1 `window` days ago, or FY2 then when the calendar year has turned since.
        const gap = year[t]! - year[t - window]!;
        const base = gap === 0 ? now[t - window]! : gap === 1 && next ? next[t - window]! : Number.NaN;
        const c = now[t]!;
        const change = (c - base) / Math.abs(base);
        dst[t] = Number.isFinite(change) ? change : Number.NaN;
      }
    }
    return out;
  },
}) satisfies FactorPlugin<typeof params>;

export default expectedNpQoq;
