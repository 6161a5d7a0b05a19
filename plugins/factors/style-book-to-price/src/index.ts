/**
 * `@factorkit/factor-style-book-to-price`: the Barra style factor BTOP (账面市值比) as a
 * factorkit plugin.
 *
 * Value at date `t`: `equity / market_cap`, falling back to `1 / pb_mrq` where that cannot be
 * computed.
 *
 * @packageDocumentation
 */
import { FIELD, FactorkitError, type FactorPlugin, Panel, defineFactor } from '@factorkit/core';

const ID = 'book_to_price';

/** Book equity of the latest report (CNY). */
export const EQUITY_FIELD = 'equity';
/** Price-to-book on the most recent quarter's book value, from the daily valuation data. */
export const PB_FIELD = 'pb_mrq';

const params = {};

/**
 * Barra BTOP (账面市值比): book value of equity over market capitalisation.
 *
 * Per cell: `equity / market_cap` when the dataset has both fields and both values are there
 * (cap > 0); otherwise `1 / pb_mrq` when the dataset has `pb_mrq` and the ratio is finite and
 * non-zero. Negative book equity gives a negative value (kept: it is information, not an error).
 * A dataset with neither `equity` + `market_cap` nor `pb_mrq` throws `FK_MISSING_INPUT`.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { bookToPrice } from '@factorkit/factor-style-book-to-price';
 * const { values } = computeFactor(bookToPrice, data, { start: '2024-01-02' });
 */
export const bookToPrice = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '账面市值比 (Barra BTOP, book-to-price)',
    description:
      'Book equity of the latest report over total market cap (equity / market_cap); where that is unavailable, 1 / pb_mrq. ' +
      'Raw, not standardised. NaN when neither can be computed.',
    category: 'style',
    inputs: [
      {
        field: EQUITY_FIELD,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'Book equity (CNY) of the latest report; the store makes it visible from its announcement date, so no extra lag.',
      },
      {
        field: FIELD.marketCap,
        kind: 'market',
        lag: 0,
        optional: true,
        description: 'Total market capitalisation (CNY) at the close of the date.',
      },
      {
        field: PB_FIELD,
        kind: 'market',
        lag: 0,
        optional: true,
        description: 'Price / book (most recent quarter) at the close of the date, from the daily valuation data: the fallback.',
      },
    ],
    lookback: 0,
    direction: 1,
    params,
    references: [
      'MSCI Barra (2012). China Equity Model (CNE5), model description: BTOP = last reported book value of common equity / current market capitalisation.',
      'Fama, E. F. & French, K. R. (1992). The Cross-Section of Expected Stock Returns. Journal of Finance 47(2), 427–465.',
    ],
  },
  compute(ctx) {
    const hasBook = ctx.has(EQUITY_FIELD) && ctx.has(FIELD.marketCap);
    const hasPb = ctx.has(PB_FIELD);
    if (!hasBook && !hasPb) {
      throw new FactorkitError(
        'FK_MISSING_INPUT',
        `factor \`${ID}\` needs fields \`${EQUITY_FIELD}\` and \`${FIELD.marketCap}\`, or \`${PB_FIELD}\`; the dataset has neither`,
        { details: { owner: `factor \`${ID}\``, missing: [EQUITY_FIELD, FIELD.marketCap, PB_FIELD].filter((f) => !ctx.has(f)) } },
      );
    }
    const equity = hasBook ? ctx.input(EQUITY_FIELD).values : undefined;
    const cap = hasBook ? ctx.input(FIELD.marketCap).values : undefined;
    const pb = hasPb ? ctx.input(PB_FIELD).values : undefined;
    const out = new Panel(ctx.data.calendar.length, ctx.data.assets.length);
    const dst = out.values;
    for (let i = 0; i < dst.length; i++) {
      let v = Number.NaN;
      if (equity && cap && cap[i]! > 0) v = equity[i]! / cap[i]!;
      if (!Number.isFinite(v) && pb) {
        const p = pb[i]!;
        // A PB of 0 or ±∞ is bad data, not a book-to-price of ∞ or 0.
        if (Number.isFinite(p) && p !== 0) v = 1 / p;
      }
      dst[i] = Number.isFinite(v) ? v : Number.NaN;
    }
    return out;
  },
}) satisfies FactorPlugin<typeof params>;

export default bookToPrice;
