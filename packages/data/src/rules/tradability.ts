import { FactorkitError } from '@factorkit/core';
import type { Numbers } from '../pit/internal.js';
import type { LimitFlags } from './limits.js';

/**
 * Tradability masks for an order **executed** on day t, at the open or at the close.
 *
 * Timing: a strategy decides with data up to the close of t − 1 and trades on t. The masks for t
 * read only what is known at the moment of execution on t:
 * - `at: 'open'`: `is_trading[t]` (suspensions are announced before the open) and the open-limit
 *   flags of t (open vs pre_close);
 * - `at: 'close'`: `is_trading[t]` and the close-limit flags of t.
 * Neither reads anything after t, and the open masks read nothing of t after the open, so a
 * backtest that checks `canBuy(…, 'open')[t]` when filling at t's open does not look ahead.
 * (Using a close-time mask to decide an open-time fill would.)
 *
 * A buy is blocked at limit-up and a sell at limit-down: the queue on that side is full and in
 * practice nothing fills. Buying at limit-down or selling at limit-up is allowed.
 */

/** When on day t the order executes. */
export type ExecutionTime = 'open' | 'close';

function mask(where: string, isTrading: Numbers, blocked: Uint8Array, out: Uint8Array | undefined): Uint8Array {
  const T = isTrading.length;
  if (blocked.length !== T) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: the flags have length ${blocked.length}, \`isTrading\` ${T}`);
  const result = out ?? new Uint8Array(T);
  if (result.length !== T) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: \`out\` has length ${result.length}, expected ${T}`);
  for (let t = 0; t < T; t++) result[t] = isTrading[t] === 1 && blocked[t] === 0 ? 1 : 0;
  return result;
}

/**
 * 1 where a buy executed at the open (or close) of day t can fill: the stock trades that day
 * (`is_trading = 1`; no row or suspended = 0) and is not at limit-up at that time.
 */
export function canBuy(isTrading: Numbers, flags: Pick<LimitFlags, 'upAtOpen' | 'upAtClose'>, at: ExecutionTime, out?: Uint8Array): Uint8Array {
  return mask('canBuy', isTrading, at === 'open' ? flags.upAtOpen : flags.upAtClose, out);
}

/**
 * 1 where a sell executed at the open (or close) of day t can fill: the stock trades that day
 * and is not at limit-down at that time.
 */
export function canSell(isTrading: Numbers, flags: Pick<LimitFlags, 'downAtOpen' | 'downAtClose'>, at: ExecutionTime, out?: Uint8Array): Uint8Array {
  return mask('canSell', isTrading, at === 'open' ? flags.downAtOpen : flags.downAtClose, out);
}
