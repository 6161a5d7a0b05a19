/**
 * `@factorkit/factor-exec-pay`: executive pay (高管薪酬) as a factorkit plugin.
 *
 * Value at date `t`: `ln(exec_pay)`, the log of the top-three executives' total pay from the
 * latest annual report announced by `t`.
 *
 * @packageDocumentation
 */
import { type FactorPlugin, defineFactor } from '@factorkit/core';
import { logSize } from '@factorkit/ops';

const ID = 'exec_pay';

/** The store field this factor reads: the latest top-three executive pay, CNY. */
export const EXEC_PAY_FIELD = 'exec_pay';

const params = {};

/**
 * Executive pay (高管薪酬): `ln(exec_pay)`, the log of the total pay of the three best-paid
 * executives as disclosed in the latest annual report announced on or before the date.
 *
 * Raw, not size-neutral: pay grows with firm size, so neutralise against log market cap
 * downstream (`@factorkit/ops` `preprocess` with `neutralize: 'size'` or `'both'`).
 * Missing data: a missing, zero or negative pay gives `NaN`.
 *
 * @example
 * import { computeFactor } from '@factorkit/core';
 * import { execPay } from '@factorkit/factor-exec-pay';
 * const { values } = computeFactor(execPay, data, { start: '2024-01-02' });
 */
export const execPay = defineFactor({
  id: ID,
  apiVersion: '1.0',
  meta: {
    title: '高管薪酬 (executive pay)',
    description:
      'Log of the top-three executives’ total pay from the latest annual report announced by the date: ln(exec_pay). ' +
      'Raw (not size-neutralised: do that in preprocessing). NaN when the pay is missing or ≤ 0.',
    category: 'governance',
    inputs: [
      {
        field: EXEC_PAY_FIELD,
        kind: 'fundamental',
        lag: 0,
        description: 'Top-three executive pay, CNY, of the latest report; the store makes it visible from its announcement date, so no extra lag.',
      },
    ],
    lookback: 0,
    direction: 1,
    params,
    references: [
      '国信证券 (Guosen Securities) 金融工程, 《多因子选股周报》 (weekly multi-factor report), factor 高管薪酬 (executive pay).',
      'Jensen, M. C. & Murphy, K. J. (1990). Performance Pay and Top-Management Incentives. Journal of Political Economy 98(2), 225–264.',
    ],
  },
  compute(ctx) {
    // ln(x) for finite x > 0, NaN otherwise: exactly ops' logSize.
    return logSize(ctx.input(EXEC_PAY_FIELD));
  },
}) satisfies FactorPlugin<typeof params>;

export default execPay;
