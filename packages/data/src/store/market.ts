import { Panel } from '@factorkit/core';
import { canBuy, canSell } from '../rules/tradability.js';
import { limitFlags, priceBandSeries } from '../rules/limits.js';
import { findListing, listingAge } from '../rules/listing.js';
import { estimateRawPreClose, floatSharesFromTurnover, rawClose, vwap } from '../rules/prices.js';
import { dailyReturns } from '../rules/returns.js';
import type { BuildContext } from './build.js';

/**
 * Fields derived from the daily bars with the A-share rules of `../rules`: returns, raw price
 * level, shares and market caps, listing age, price-limit flags and tradability. Each group is
 * computed for all assets in one pass on first use.
 */
export function marketFields(ctx: BuildContext): void {
  const { fields, master, dates } = ctx;
  const T = dates.length;
  const N = master.ids.length;
  const has = (name: string) => fields.has(name);
  const panel = (name: string) => fields.get(name)!.compute();
  const column = (name: string, a: number) => (has(name) ? panel(name).column(a) : undefined);

  // is_trading: given, or 1 where the stock traded (volume > 0), 0 where it has a row without volume.
  if (!has('is_trading')) {
    ctx.add('is_trading', 'market', '1 = normal trading, 0 = suspended, NaN = no row (derived: volume > 0)', () => {
      const close = panel('close');
      const volume = has('volume') ? panel('volume') : undefined;
      const out = new Panel(T, N);
      for (let i = 0; i < close.values.length; i++) {
        if (!Number.isNaN(close.values[i]!)) out.values[i] = volume ? (volume.values[i]! > 0 ? 1 : 0) : 1;
      }
      return out;
    });
  }

  const listings = once(() => {
    const isTrading = panel('is_trading');
    return Int32Array.from({ length: N }, (_, a) =>
      findListing(isTrading.column(a), master.listDateApproximate[a] ? {} : { listDate: master.listDate[a]!, calendar: dates }),
    );
  });

  ctx.add('ret', 'market', 'daily simple return from adjusted prices: pct_chg / 100, else close / pre_close − 1; 0 when suspended; NaN on the listing day and without a row', () => {
    const out = new Panel(T, N);
    const listing = listings();
    const isTrading = panel('is_trading');
    const close = panel('close');
    const nan = new Float64Array(T).fill(Number.NaN);
    for (let a = 0; a < N; a++) {
      dailyReturns(
        {
          close: close.column(a),
          preClose: column('pre_close', a) ?? shifted(close.column(a)),
          ...(has('pct_chg') ? { pctChg: column('pct_chg', a)! } : { pctChg: nan }),
          isTrading: isTrading.column(a),
        },
        { listing: listing[a]!, out: out.column(a) },
      );
    }
    return out;
  }, 'fraction');

  ctx.add('listed_days', 'reference', 'trading days since listing (0 on the listing day; Infinity when listed before the data; NaN without a row)', () => {
    const out = new Panel(T, N);
    const listing = listings();
    const isTrading = panel('is_trading');
    for (let a = 0; a < N; a++) listingAge(isTrading.column(a), listing[a]!, out.column(a));
    return out;
  }, 'days');

  if (has('amount') && has('volume')) {
    ctx.add('vwap', 'market', 'raw volume-weighted average price: amount / volume', () => {
      const out = new Panel(T, N);
      for (let a = 0; a < N; a++) vwap(column('amount', a)!, column('volume', a)!, out.column(a));
      return out;
    }, 'CNY');
  }

  if (has('turnover_rate')) {
    ctx.add('turnover', 'market', 'turnover as a fraction of float shares (turnover_rate / 100)', () => {
      const source = panel('turnover_rate');
      return new Panel(T, N, source.values.map((v) => v / 100));
    }, 'fraction');
  }

  // Raw close: exact with an adjustment factor, else the VWAP approximation (see rules/prices).
  const raw = once(() => {
    const out = new Panel(T, N);
    const approximated = new Uint8Array(T);
    let approximatedDays = 0;
    for (let a = 0; a < N; a++) {
      rawClose(rawInputs(a), { out: out.column(a), approximated });
      for (const flag of approximated) approximatedDays += flag;
    }
    if (approximatedDays > 0) {
      ctx.notes.push({
        table: 'daily',
        code: 'approximation',
        count: approximatedDays,
        message: `raw_close (and the market caps built on it) is approximated from the VWAP on ${approximatedDays} stock-days: the dataset has no adj_factor there`,
      });
    }
    return out;
  });
  const rawInputs = (a: number) => ({
    close: panel('close').column(a),
    ...(has('high') ? { high: panel('high').column(a) } : {}),
    ...(has('low') ? { low: panel('low').column(a) } : {}),
    ...(has('adj_factor') ? { adjFactor: panel('adj_factor').column(a) } : {}),
    ...(has('amount') ? { amount: panel('amount').column(a) } : {}),
    ...(has('volume') ? { volume: panel('volume').column(a) } : {}),
  });
  if (has('adj_factor') || (has('amount') && has('volume'))) {
    ctx.add('raw_close', 'market', 'unadjusted close: close / adj_factor, or approximated from the VWAP where there is no factor', raw, 'CNY');
  }

  // Shares: `total_share` / `float_share` are daily columns when the bars carry them, else the
  // point-in-time report values (fundamentalFields registers those first).
  ctx.add('float_shares', 'market', 'float shares: float_share (daily, else the latest report), else volume / turnover', () => {
    if (has('float_share')) return panel('float_share');
    const out = new Panel(T, N);
    if (has('volume') && has('turnover_rate')) {
      for (let a = 0; a < N; a++) floatSharesFromTurnover(column('volume', a)!, column('turnover_rate', a)!, out.column(a));
      // Suspended days have no turnover: carry the last known float forward.
      for (let a = 0; a < N; a++) carryForward(out.column(a));
    }
    return out;
  }, 'shares');
  if (has('total_share')) {
    ctx.add('market_cap', 'market', 'total market capitalisation: raw close × total shares', () => multiply(raw(), panel('total_share')), 'CNY');
  }
  ctx.add('float_market_cap', 'market', 'float market capitalisation: raw close × float shares', () => multiply(raw(), panel('float_shares')), 'CNY');

  // Limit flags and tradability, all from one pass.
  const limits = once(() => {
    const names = ['limit_up_open', 'limit_down_open', 'limit_up_close', 'limit_down_close', 'one_price_up', 'one_price_down', 'can_buy_open', 'can_sell_open', 'can_buy_close', 'can_sell_close'] as const;
    const out = Object.fromEntries(names.map((n) => [n, new Panel(T, N)])) as Record<(typeof names)[number], Panel>;
    const listing = listings();
    const isTrading = panel('is_trading');
    const close = panel('close');
    for (let a = 0; a < N; a++) {
      const trading = isTrading.column(a);
      const band = priceBandSeries({ board: master.board[a]!, calendar: dates, isTrading: trading, ...(has('is_st') ? { isSt: column('is_st', a)! } : {}), listing: listing[a]! });
      const preClose = column('pre_close', a) ?? shifted(close.column(a));
      const inputs = { ...rawInputs(a), preClose };
      const flags = limitFlags({
        preClose,
        open: column('open', a) ?? close.column(a),
        close: close.column(a),
        high: column('high', a) ?? close.column(a),
        low: column('low', a) ?? close.column(a),
        band,
        ...(has('adj_factor') ? { adjFactor: column('adj_factor', a)! } : {}),
        ...(has('up_limit') ? { upLimit: column('up_limit', a)! } : {}),
        ...(has('down_limit') ? { downLimit: column('down_limit', a)! } : {}),
        rawPreClose: estimateRawPreClose(inputs, { at: 'open' }),
        rawPreCloseAtClose: estimateRawPreClose(inputs, { at: 'close' }),
      });
      const put = (panelOut: Panel, values: Uint8Array) => {
        const target = panelOut.column(a);
        for (let t = 0; t < T; t++) target[t] = Number.isNaN(trading[t]!) ? Number.NaN : values[t]!;
      };
      put(out.limit_up_open, flags.upAtOpen);
      put(out.limit_down_open, flags.downAtOpen);
      put(out.limit_up_close, flags.upAtClose);
      put(out.limit_down_close, flags.downAtClose);
      put(out.one_price_up, flags.onePriceUp);
      put(out.one_price_down, flags.onePriceDown);
      put(out.can_buy_open, canBuy(trading, flags, 'open'));
      put(out.can_sell_open, canSell(trading, flags, 'open'));
      put(out.can_buy_close, canBuy(trading, flags, 'close'));
      put(out.can_sell_close, canSell(trading, flags, 'close'));
    }
    return out;
  });
  const limitDocs: Record<string, string> = {
    limit_up_open: '1 when the open is at limit-up (known at the open)',
    limit_down_open: '1 when the open is at limit-down (known at the open)',
    limit_up_close: '1 when the close is at limit-up (known only at the close)',
    limit_down_close: '1 when the close is at limit-down (known only at the close)',
    one_price_up: '1 on a one-price day at limit-up (一字涨停)',
    one_price_down: '1 on a one-price day at limit-down (一字跌停)',
    can_buy_open: '1 when a buy at the open can fill: trading and not at limit-up at the open',
    can_sell_open: '1 when a sell at the open can fill: trading and not at limit-down at the open',
    can_buy_close: '1 when a buy at the close can fill: trading and not at limit-up at the close',
    can_sell_close: '1 when a sell at the close can fill: trading and not at limit-down at the close',
  };
  for (const [name, description] of Object.entries(limitDocs)) {
    ctx.add(name, 'market', description, () => limits()[name as keyof ReturnType<typeof limits>]);
  }
}

/** Memoise a computation. */
export function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  let done = false;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value as T;
  };
}

/** The previous row's value (for a missing pre_close). */
function shifted(series: Float64Array): Float64Array {
  const out = new Float64Array(series.length).fill(Number.NaN);
  out.set(series.subarray(0, series.length - 1), 1);
  return out;
}

function carryForward(series: Float64Array): void {
  let last = Number.NaN;
  for (let t = 0; t < series.length; t++) {
    if (Number.isNaN(series[t]!)) series[t] = last;
    else last = series[t]!;
  }
}

function multiply(a: Panel, b: Panel): Panel {
  const out = new Float64Array(a.values.length);
  for (let i = 0; i < out.length; i++) out[i] = a.values[i]! * b.values[i]!;
  return new Panel(a.dates, a.assets, out);
}
