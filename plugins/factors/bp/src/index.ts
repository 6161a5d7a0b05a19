/**
 * `@factorkit/factor-bp`: the BP value factor (book-to-price, 市净率倒数) as a factorkit plugin.
 *
 * Value at date `t`: shareholders’ equity of the latest report announced by `t` divided by the
 * total market cap at `t`; on a dataset without `equity`, `1 / pb_mrq` from the daily valuation.
 *
 * @packageDocumentation
 */
import { FIELD, type FactorPlugin, FactorkitError, type Panel, type ParamsOf, defineFactor, param } from '@factorkit/core';
import { mapColumns, ratioToPositive } from '@factorkit/ops';

const ID = 'bp';
const EQUITY = 'equity';
const PB = 'pb_mrq';

const params = {
  source: param.enum(['auto', 'equity', 'pb'], {
    default: 'auto',
    description:
      'Where book value comes from: `equity` = equity / market_cap, `pb` = 1 / pb_mrq, ' +
      '`auto` = equity when the dataset has equity and market_cap, else pb.',
  }),
};

/** The validated parameters of {@link bp}: `{ source }`. */
export type BpParams = ParamsOf<typeof params>;

/**
 * BP (book-to-price): latest reported shareholders’ equity / total market cap, or `1 / pb_mrq`
 * (param `source`). Negative equity gives a negative value, kept. `NaN` when an input is
 * missing, the market cap is ≤ 0, or `pb_mrq` is 0.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { bp } from '@factorkit/factor-bp';
 * const { values } = computeFactor(bp, data, { start: '2023-01-03' });
 */
export const bp = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: 'BP (book-to-price, 市净率倒数)',
    description:
      'Book equity of the latest report / total market cap; on a dataset without `equity`, 1 / pb_mrq (param `source`). ' +
      'NaN when an input is missing, the market cap is ≤ 0 or pb_mrq is 0.',
    category: 'value',
    inputs: [
      {
        field: EQUITY,
        kind: 'fundamental',
        lag: 0,
        optional: true,
        description: 'Shareholders’ equity, CNY, of the latest report announced by the date (the store applies ann_date).',
      },
      { field: FIELD.marketCap, kind: 'market', lag: 0, optional: true, description: 'Total market cap, CNY, at the close (with `equity`).' },
      { field: PB, kind: 'market', lag: 0, optional: true, description: 'Price / book (MRQ) from the daily valuation, used when there is no `equity`.' },
    ],
    lookback: 0,
    direction: 1,
    params,
    references: [
      '国信证券 (Guosen Securities) 金融工程, 《多因子选股周报》 (weekly multi-factor report), 估值因子 BP: 归母净资产 / 总市值.',
      'Fama, E. F. & French, K. R. (1992). The Cross-Section of Expected Stock Returns. Journal of Finance 47(2), 427–465.',
      'MSCI Barra CNE5 China Equity Model: Book-to-Price style factor (BTOP).',
    ],
  },
  compute(ctx) {
    const has = (field: string) => ctx.has(field);
    const source = resolveSource(ctx.params.source, has);
    if (source === 'pb') return inverse(ctx.input(PB));
    return ratioToPositive(ctx.input(EQUITY), ctx.input(FIELD.marketCap));
  },
}) satisfies FactorPlugin<typeof params>;

export default bp;

/** The concrete source for `source`, or `FK_MISSING_INPUT` naming what the dataset lacks. */
function resolveSource(source: BpParams['source'], has: (field: string) => boolean): 'equity' | 'pb' {
  const equityFields = [EQUITY, FIELD.marketCap];
  const equityOk = equityFields.every(has);
  if (source === 'equity' || (source === 'auto' && equityOk)) {
    if (equityOk) return 'equity';
    throw missing(equityFields.filter((f) => !has(f)), source);
  }
  if (has(PB)) return 'pb';
  throw missing(source === 'pb' ? [PB] : [...equityFields.filter((f) => !has(f)), PB], source, source === 'auto');
}

function missing(fields: readonly string[], source: string, either = false): FactorkitError {
  const list = fields.map((f) => `\`${f}\``).join(either ? ' or ' : ', ');
  return new FactorkitError('FK_MISSING_INPUT', `factor \`${ID}\` needs ${list} (source \`${source}\`), which the dataset does not have`, {
    details: { owner: `factor \`${ID}\``, missing: fields },
  });
}

/** `1 / pb` per cell; `NaN` for a missing, zero or infinite pb. */
function inverse(pb: Panel): Panel {
  return mapColumns(pb, (x, out) => {
    for (let t = 0; t < out.length; t++) {
      const v = 1 / x[t]!;
      out[t] = Number.isFinite(v) && v !== 0 ? v : Number.NaN;
    }
  });
}
