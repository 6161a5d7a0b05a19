import { FactorkitError, dateToInt, show } from '@factorkit/core';

/**
 * A-share trading costs by date: stamp duty (印花税) and transfer fee (过户费), as schedules of
 * rates in force from a date on; commission and slippage are flat settings of the run.
 *
 * Stamp duty (a fraction of the traded amount):
 *
 * | from | buy | sell | source |
 * | --- | --- | --- | --- |
 * | 2007-05-30 | 0.3 % | 0.3 % | Ministry of Finance, 2007-05-30 (China Daily, china.org.cn, same day) |
 * | 2008-04-24 | 0.1 % | 0.1 % | cut by two thirds in April 2008 (china-briefing.com, 2008-09-19) |
 * | 2008-09-19 | 0 | 0.1 % | 财税明电〔2008〕2号: levied on the transferor only (china-briefing.com, 2008-09-19) |
 * | 2023-08-28 | 0 | 0.05 % | Ministry of Finance and State Taxation Administration, halved from 2023-08-28 (Xinhua, 2023-08-28) |
 *
 * Transfer fee (China Securities Depository and Clearing, 中国结算), both sides:
 *
 * | exchange | until | rate | source |
 * | --- | --- | --- | --- |
 * | SSE (`.SH`) | 2015-07-31 | 0.3‰ of the face value (taken as 1 CNY a share: 0.0003 CNY a share) | 中国结算 notice, 2015-07 |
 * | SZSE (`.SZ`) | 2015-07-31 | 0.0255‰ of the amount | same notice |
 * | SSE, SZSE | 2015-08-01 … 2022-04-28 | 0.02‰ of the amount | same notice ("统一调整为按照成交金额0.02‰向买卖双方投资者分别收取") |
 * | BSE (`.BJ`) | 2022-04-28 | 0.025‰ of the amount | 中国结算, 2022-04-28 (Xinhua) |
 * | all three | from 2022-04-29 | 0.01‰ of the amount | same announcement ("统一下调为按照成交金额0.01‰双向收取") |
 *
 * The first row of each exchange is applied to every earlier date (the 2012 cuts and older rules
 * are not modelled; the bundled data starts in 2013). Shares with a face value other than 1 CNY
 * pay a different SSE fee before 2015-08-01: not modelled.
 */

/** Stamp duty rates in force from `from` (`YYYY-MM-DD`) until the next entry, as fractions of the amount. */
export interface StampDutyRate {
  readonly from: string;
  readonly buy: number;
  readonly sell: number;
}

/** An exchange, by the suffix of its codes. */
export type Exchange = 'SH' | 'SZ' | 'BJ';

/** Transfer fee of one exchange from `from` on: `rate × amount + perShare × shares`, each side. */
export interface TransferFeeRate {
  readonly from: string;
  readonly exchange: Exchange;
  /** Fraction of the traded amount. */
  readonly rate: number;
  /** CNY per share traded (the SSE's fee on face value before 2015-08-01). */
  readonly perShare: number;
}

/** The stamp duty history (see the module docs). */
export const STAMP_DUTY_SCHEDULE: readonly StampDutyRate[] = Object.freeze([
  { from: '2007-05-30', buy: 0.003, sell: 0.003 },
  { from: '2008-04-24', buy: 0.001, sell: 0.001 },
  { from: '2008-09-19', buy: 0, sell: 0.001 },
  { from: '2023-08-28', buy: 0, sell: 0.0005 },
]);

/** The transfer fee history (see the module docs). */
export const TRANSFER_FEE_SCHEDULE: readonly TransferFeeRate[] = Object.freeze([
  { from: '1990-01-01', exchange: 'SH', rate: 0, perShare: 0.0003 },
  { from: '1990-01-01', exchange: 'SZ', rate: 0.0000255, perShare: 0 },
  { from: '1990-01-01', exchange: 'BJ', rate: 0.000025, perShare: 0 },
  { from: '2015-08-01', exchange: 'SH', rate: 0.00002, perShare: 0 },
  { from: '2015-08-01', exchange: 'SZ', rate: 0.00002, perShare: 0 },
  { from: '2022-04-29', exchange: 'SH', rate: 0.00001, perShare: 0 },
  { from: '2022-04-29', exchange: 'SZ', rate: 0.00001, perShare: 0 },
  { from: '2022-04-29', exchange: 'BJ', rate: 0.00001, perShare: 0 },
] satisfies TransferFeeRate[]);

/** The exchange of a tushare-style code (`600519.SH` → `SH`). @throws FK_INVALID_ARGUMENT for another suffix. */
export function exchangeOf(code: string): Exchange {
  const suffix = code.slice(code.lastIndexOf('.') + 1).toUpperCase();
  if (suffix === 'SH' || suffix === 'SZ' || suffix === 'BJ') return suffix;
  throw new FactorkitError('FK_INVALID_ARGUMENT', `asset ${show(code)}: expected a code ending in \`.SH\`, \`.SZ\` or \`.BJ\` (the exchange decides the transfer fee)`, {
    details: { code },
  });
}

/** The entry in force on `date` (a `yyyymmdd` integer) of a schedule sorted by `from`; `undefined` before the first. */
function inForce<E extends { readonly from: string }>(entries: readonly E[], starts: Int32Array, date: number): E | undefined {
  let found: E | undefined;
  for (let i = 0; i < entries.length && starts[i]! <= date; i++) found = entries[i];
  return found;
}

/** Rates of one run, looked up by date: a schedule resolved once. */
export class CostSchedule {
  readonly #stamp: readonly StampDutyRate[];
  readonly #stampStarts: Int32Array;
  readonly #transfer: ReadonlyMap<Exchange, { entries: readonly TransferFeeRate[]; starts: Int32Array }>;

  /**
   * @param stampDuty sorted by `from`, strictly.
   * @param transferFee sorted by `from` within each exchange, strictly.
   */
  constructor(stampDuty: readonly StampDutyRate[], transferFee: readonly TransferFeeRate[]) {
    this.#stamp = stampDuty;
    this.#stampStarts = Int32Array.from(stampDuty, (e) => dateToInt(e.from));
    const byExchange = new Map<Exchange, TransferFeeRate[]>();
    for (const entry of transferFee) {
      const list = byExchange.get(entry.exchange) ?? [];
      list.push(entry);
      byExchange.set(entry.exchange, list);
    }
    this.#transfer = new Map([...byExchange].map(([exchange, entries]) => [exchange, { entries, starts: Int32Array.from(entries, (e) => dateToInt(e.from)) }]));
  }

  /**
   * The stamp duty rate of a `side` trade on `date` (`yyyymmdd`).
   * @throws FactorkitError `FK_INVALID_ARGUMENT` before the schedule's first date.
   */
  stampDuty(date: number, side: 'buy' | 'sell'): number {
    const entry = inForce(this.#stamp, this.#stampStarts, date);
    if (!entry) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `costs.stampDuty: no rate for ${show(date)}: the schedule starts on ${show(this.#stamp[0]?.from)}; give an earlier entry`, {
        details: { date },
      });
    }
    return entry[side];
  }

  /**
   * The transfer fee rates of `exchange` on `date` (`yyyymmdd`); the first entry also before its date.
   * @throws FactorkitError `FK_INVALID_ARGUMENT` when the schedule has no entry for the exchange.
   */
  transferFee(date: number, exchange: Exchange): { readonly rate: number; readonly perShare: number } {
    const found = this.#transfer.get(exchange);
    if (!found || found.entries.length === 0) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `costs.transferFee: no entry for exchange \`${exchange}\``, { details: { exchange } });
    }
    return inForce(found.entries, found.starts, date) ?? found.entries[0]!;
  }
}
