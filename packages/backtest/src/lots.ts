import type { Board } from '@factorkit/data';

/**
 * Order sizes allowed by board (shares, per order):
 *
 * | board | buy | sell |
 * | --- | --- | --- |
 * | main (SSE, SZSE), ChiNext | multiples of 100 | multiples of 100; an odd lot (< 100) only as a whole |
 * | STAR (688/689) | at least 200, then 1-share steps | the same; a balance below 200 only as a whole |
 * | BSE | at least 100, then 1-share steps | the same; a balance below 100 only as a whole |
 *
 * Sources: SSE STAR trading rules as restated by 233.com (2019-04-14) and fx123.com: "单笔申报数量
 * 应当不小于200股，超过200股的部分，可以以1股为单位递增 … 余额不足200股时，应当一次性申报卖出";
 * csai.cn (2024-09-23): main board and ChiNext "申报数量应当为100股或其整数倍 … 不足100股时应该一次性
 * 卖出", BSE "100股起购，以1股为单位递增 … 余额不足100股时应当一次性申报卖出".
 *
 * A sell that empties the position may be any size (the odd lot and, in this simulation, the
 * fraction of a share that reinvested dividends leave: see the README).
 */
export interface LotRule {
  /** The smallest order. */
  readonly min: number;
  /** Orders grow in steps of this many shares (from 0 for the main board, from `min` elsewhere). */
  readonly step: number;
}

const ROUND_LOT: LotRule = Object.freeze({ min: 100, step: 100 });
const STAR_LOT: LotRule = Object.freeze({ min: 200, step: 1 });
const BSE_LOT: LotRule = Object.freeze({ min: 100, step: 1 });

/** The lot rule of a board (see the module docs). */
export function lotRule(board: Board): LotRule {
  return board === 'star' ? STAR_LOT : board === 'bse' ? BSE_LOT : ROUND_LOT;
}

/** Share counts within this of a whole number count as whole (they come from products of floats). */
const SHARE_EPSILON = 1e-6;

/**
 * The largest order of at most `shares` that the lot rule allows; 0 when even the smallest order
 * is larger. A position's exit is not sized here (see {@link roundSell}).
 */
export function roundOrder(shares: number, rule: LotRule): number {
  if (!(shares > 0)) return 0;
  const lots = Math.floor(shares / rule.step + SHARE_EPSILON);
  const rounded = lots * rule.step;
  return rounded >= rule.min ? rounded : 0;
}

/**
 * The sell of at most `shares` out of a position of `held` shares: all of it (odd lot and
 * fraction included) when `shares` reaches the position, otherwise {@link roundOrder}.
 */
export function roundSell(shares: number, held: number, rule: LotRule): number {
  if (!(shares > 0) || !(held > 0)) return 0;
  if (shares >= held - SHARE_EPSILON) return held;
  return Math.min(roundOrder(shares, rule), held);
}
