/**
 * Suspended stock days in a qlib folder, both ways.
 *
 * qlib knows a suspended day by one thing: a NaN `$close` (qlib/backtest/exchange.py:
 * `suspended = quote_df["$close"].isna()`, and `check_stock_suspended` reads `$close` only). Its
 * collectors write a suspended day that way: every field NaN where volume is ≤ 0 or empty, with
 * `change` NaN too, and only `factor` carried forward (scripts/data_collector/yahoo/collector.py,
 * `YahooNormalize.normalize_yahoo` and `adjusted_price`). A factorkit suspended row carries the
 * last close and volume 0; written as it is, qlib's backtest would fill orders there at the stale
 * close. So `tablesToQlib` writes NaN for {@link SUSPENDED_NAN_FIELDS} on those rows, keeps the
 * factor and every other field, and writes `is_trading` (0 on them) so the rows can be found again.
 *
 * The way back (`qlibToTables` on factorkit's own export) gives such a row open = high = low =
 * close = the close of the symbol's previous row (as the data itself has it: a suspended day's
 * bar is the last close), and every other blanked column the value most suspended rows had (0 or
 * empty). Values that rule would not give back are kept in the marker as exceptions, so the row
 * returns to float32 precision. This module holds the rule, used by the writer (to find the
 * exceptions) and the reader (to apply it).
 */
import type { Table } from '../table.js';

/** qlib fields written as `NaN` on a suspended stock row (qlib's collectors blank them on such a day). */
export const SUSPENDED_NAN_FIELDS = ['open', 'high', 'low', 'close', 'vwap', 'volume', 'amount', 'change'] as const;

/** `daily` columns a suspended row gets back as the carried close. */
export const CARRIED_PRICE_COLUMNS: ReadonlySet<string> = new Set(['open', 'high', 'low', 'close']);

/** Which rows of a `daily`-like table are suspended, and by which rule. */
export interface Suspension {
  /** 1 on a suspended row. */
  readonly mask: Uint8Array;
  readonly count: number;
  /** The rule, in words. */
  readonly rule: string;
  /** Whether the table has an `is_trading` column (else it is derived from volume for qlib). */
  readonly isTradingGiven: boolean;
}

/**
 * The data layer's rule for a suspended row (store/build.ts, store/market.ts): `is_trading` ≠ 1
 * when the table has that column, else volume not > 0 (0 or empty) when it has `volume`.
 * `undefined` when it has neither: every row is a trading row.
 */
export function findSuspension(t: Table): Suspension | undefined {
  const isTrading = t.columns.get('is_trading');
  const volume = t.columns.get('volume');
  const mask = new Uint8Array(t.rowCount);
  let suspended: (row: number) => boolean;
  let rule: string;
  if (isTrading?.type === 'number') {
    rule = '`is_trading` ≠ 1';
    suspended = (row) => isTrading.values[row] !== 1;
  } else if (volume?.type === 'number') {
    rule = 'no `is_trading` column: `volume` 0 or empty';
    suspended = (row) => !(volume.values[row]! > 0);
  } else return undefined;
  let count = 0;
  for (let row = 0; row < t.rowCount; row++) {
    if (!suspended(row)) continue;
    mask[row] = 1;
    count++;
  }
  return { mask, count, rule, isTradingGiven: isTrading?.type === 'number' };
}

/** Equal as stored values: NaN equals NaN. */
export const sameValue = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));

/**
 * What the way back gives a suspended row's `column` before exceptions: the carried close for
 * open/high/low/close, else the recorded value (`null` = empty).
 */
export function ruleValue(column: string, carriedClose: number, values: Readonly<Record<string, number | null>>): number {
  if (CARRIED_PRICE_COLUMNS.has(column)) return carriedClose;
  const value = values[column];
  return value === undefined || value === null ? Number.NaN : value;
}

/** The most frequent value (first seen on a tie), `NaN` for none. */
export function mostFrequent(values: Iterable<number>): number {
  const counts = new Map<number, number>();
  let best = Number.NaN;
  let bestCount = 0;
  for (const value of values) {
    const n = (counts.get(value) ?? 0) + 1;
    counts.set(value, n);
    if (n > bestCount) {
      best = value;
      bestCount = n;
    }
  }
  return best;
}

/** A value for JSON: `null` for NaN (JSON has no NaN). */
export const jsonNumber = (x: number): number | null => (Number.isNaN(x) ? null : x);
