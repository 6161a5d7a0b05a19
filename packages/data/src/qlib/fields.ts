/**
 * Which qlib fields a daily-like factorkit table (`daily` for stocks, `index_daily` for indices)
 * gives, and how: the columns written as they are, and qlib's fields that must be derived.
 *
 * qlib's conventions, as its own data follows them:
 *
 * - `factor = adjusted price / raw price` (docs/component/data.rst, "factor"; `$close / $factor`
 *   is the original close). qlib's Yahoo collector sets `factor = adjclose / close` and multiplies
 *   prices by it (scripts/data_collector/yahoo/collector.py, `YahooNormalize1d.adjusted_price`).
 *   Our `adj_factor` is the same ratio (schema: raw price = adjusted / adj_factor).
 * - `volume` is divided by the factor (same function: `volume / factor`), so that adjusted price ×
 *   adjusted volume is still the value traded, and `volume × factor` is shares again.
 * - `vwap` is on the adjusted price scale, like open/high/low/close: Alpha158's `VWAP0` is
 *   `$vwap / $close` and Alpha360 divides `Ref($vwap, d)` by `$close`
 *   (qlib/contrib/data/loader.py). With the conventions above, `vwap = amount / volume_qlib =
 *   amount / shares × factor` (the raw VWAP times the factor).
 * - The backtest needs `$factor` on every row that has a `$close`: one NaN factor switches the
 *   whole exchange to "adjusted_price" mode, which warns and drops the 100-share trade unit
 *   (qlib/backtest/exchange.py, `Exchange.get_quote_from_qlib`; lots are rounded as
 *   `deal_amount × factor` in `round_amount_by_trade_unit`).
 * - `change` is a fraction (0.1 = +10 %): the backtest's price-limit check is
 *   `$change ≥ limit_threshold` (buy blocked) and `$change ≤ −limit_threshold` (sell blocked),
 *   with `limit_threshold: 0.095` in qlib's own configs (`Exchange._update_limit`). Without
 *   `$change` those checks see NaN and never block. qlib's collectors compute it as close /
 *   previous close − 1 on the forward-filled close, so across a suspension the previous close is
 *   the last *trading* close (scripts/data_collector/yahoo/collector.py, `calc_change`), and a
 *   suspended day's change is NaN.
 * - A suspended day is a NaN `$close` (see `suspended.ts`).
 */
import type { Table } from '../table.js';
import { SUSPENDED_NAN_FIELDS, type Suspension } from './suspended.js';

/** How one qlib field was written for one table, or why it was not. */
export interface QlibFieldReport {
  /** `daily` (stock symbols) or `index_daily` (index symbols). */
  readonly table: string;
  /** The qlib field, lower case (`factor`). */
  readonly field: string;
  readonly written: boolean;
  /** When written: the column or formula it comes from (`adj_factor`, `amount / volume × factor`). */
  readonly source?: string;
  /** When written: true when computed from other columns (`vwap`, `change` without `pct_chg`), false when copied or rescaled from one. */
  readonly derived?: boolean;
  /** When not written: why. */
  readonly reason?: string;
  /** Rows written for this table's symbols on which the field is `NaN` (all of them when not written). */
  readonly rowsWithoutValue: number;
  /** Anything else a qlib user must know about the field (what qlib does with the missing rows, …). */
  readonly note?: string;
}

type Getter = (row: number) => number;

/** How one of qlib's standard fields is written (its source, and whether it is computed), or why not. */
export type QlibFieldSource = { readonly source: string; readonly derived: boolean } | { readonly reason: string };

/** What {@link planQlibFields} decided for one table. */
export interface QlibFieldPlan {
  /** qlib field (lower case) → its value on a row of the table; standard fields first. */
  readonly getters: Map<string, Getter>;
  /** For each of qlib's standard fields (`QLIB_STANDARD_FIELDS`): the source when written, else the reason. */
  readonly standard: Map<string, QlibFieldSource>;
  /** qlib field → the one column it is written from (copied or rescaled): what the way back restores. */
  readonly columnOf: Map<string, string>;
  /** Fields written for qlib that the table has no column for, so the way back does not make one: field → why. */
  readonly notRestored: Map<string, string>;
  /** Columns not written, with the reason. */
  readonly droppedColumns: { readonly table: string; readonly column: string; readonly reason: string }[];
  /** The factor of a row (`NaN` when there is none); `undefined` when the table gives no factor at all. */
  readonly factor: Getter | undefined;
}

/** Options of {@link planQlibFields}. */
export interface QlibFieldPlanOptions {
  /** Divide volume by the factor where there is one (qlib's convention). */
  readonly rawVolume: boolean;
  /** The factor of rows with no other: 1 for index levels, which are not adjusted. */
  readonly defaultFactor?: number;
  /** Suspended rows (stocks): {@link SUSPENDED_NAN_FIELDS} are `NaN` there, and `is_trading` is written. */
  readonly suspension?: Suspension;
  /** Per row, the close of the symbol's previous trading row (`NaN` for none): `change` is derived from it without `pct_chg`. */
  readonly previousClose?: Float64Array;
}

const positive = (x: number): boolean => x > 0 && Number.isFinite(x);

/**
 * Ways to get the factor (adjusted / raw price) of a row, best first. The market values are
 * raw close × shares (tushare's `total_mv` and `circ_mv`), so raw close = market value / shares.
 */
function factorSources(numbers: ReadonlyMap<string, Float64Array>): { source: string; get: Getter }[] {
  const out: { source: string; get: Getter }[] = [];
  const adj = numbers.get('adj_factor');
  if (adj) out.push({ source: 'adj_factor', get: (row) => adj[row]! });
  const close = numbers.get('close');
  for (const [value, shares] of [
    ['total_mv', 'total_share'],
    ['circ_mv', 'float_share'],
  ] as const) {
    const mv = numbers.get(value);
    const n = numbers.get(shares);
    if (close && mv && n) out.push({ source: `close × ${shares} / ${value}`, get: (row) => (close[row]! * n[row]!) / mv[row]! });
  }
  return out;
}

/**
 * Decide how each numeric column of a daily-like table becomes a qlib field, and derive qlib's
 * `factor` and `vwap` where the table allows it:
 *
 * - `factor`: `adj_factor` where it is a positive number, else `close × total_share / total_mv`,
 *   else `close × float_share / circ_mv` (raw close from a market value), else
 *   `options.defaultFactor` (1 for indices), else `NaN`;
 * - `volume`: `volume / factor` (shares where a row has no factor), or `volume` as it is when
 *   `rawVolume` is false;
 * - `vwap`: a `vwap` column as given (it must then be on qlib's adjusted scale), else
 *   `amount / volume × factor` where volume > 0;
 * - `change`: `pct_chg / 100`; without `pct_chg`, `close / previous trading close − 1`
 *   (`options.previousClose`), as qlib's collectors compute it from adjusted closes;
 * - on suspended rows (`options.suspension`): {@link SUSPENDED_NAN_FIELDS} are `NaN` (qlib's
 *   suspended day) and `is_trading` is 1 / 0 (derived when the table has no such column);
 * - open, high, low, close, amount and every other numeric column under its own name, lower
 *   case. String and date columns cannot be written.
 */
export function planQlibFields(t: Table, key: string, options: QlibFieldPlanOptions): QlibFieldPlan {
  const droppedColumns: { table: string; column: string; reason: string }[] = [];
  const numbers = new Map<string, Float64Array>();
  for (const [name, column] of t.columns) {
    if (name === key || name === 'trade_date') continue;
    if (column.type !== 'number') {
      droppedColumns.push({ table: t.name, column: name, reason: `a ${column.type} column; qlib stores numbers only` });
      continue;
    }
    numbers.set(name, column.values);
  }

  const getters = new Map<string, Getter>();
  const standard = new Map<string, QlibFieldSource>();
  const columnOf = new Map<string, string>();
  const notRestored = new Map<string, string>();
  const used = new Set<string>();
  const noColumn = (column: string): { reason: string } => ({ reason: `${t.name} has no \`${column}\` column` });

  // factor
  const sources = factorSources(numbers);
  const fallback = options.defaultFactor;
  let factor: Getter | undefined;
  if (sources.length > 0 || fallback !== undefined) {
    factor = (row) => {
      for (const s of sources) {
        const value = s.get(row);
        if (positive(value)) return value;
      }
      return fallback ?? Number.NaN;
    };
    const described = sources.map((s) => s.source);
    if (fallback !== undefined) described.push(`${fallback} (${t.name === 'index_daily' ? 'index levels are not adjusted' : 'default'})`);
    getters.set('factor', factor);
    const copied = sources.length === 1 && sources[0]!.source === 'adj_factor' && fallback === undefined;
    standard.set('factor', { source: described.join(', else '), derived: !copied });
    if (numbers.has('adj_factor')) used.add('adj_factor');
    if (copied) columnOf.set('factor', 'adj_factor');
  } else {
    standard.set('factor', {
      reason:
        `${t.name} has no \`adj_factor\`, and no \`total_mv\` + \`total_share\` or \`circ_mv\` + \`float_share\` to derive the raw price from ` +
        '(qlib: factor = adjusted price / raw price); without it qlib’s backtest trades in adjusted_price mode, without 100-share lots',
    });
  }

  // price fields
  for (const field of ['open', 'high', 'low', 'close'] as const) {
    const values = numbers.get(field);
    if (values) {
      getters.set(field, (row) => values[row]!);
      standard.set(field, { source: field, derived: false });
      columnOf.set(field, field);
      used.add(field);
    } else standard.set(field, noColumn(field));
  }

  // volume
  const volume = numbers.get('volume');
  if (volume) {
    used.add('volume');
    if (options.rawVolume && factor) {
      const f = factor;
      getters.set('volume', (row) => {
        const x = f(row);
        return positive(x) ? volume[row]! / x : volume[row]!;
      });
      standard.set('volume', {
        source: sources.length === 0 && fallback === 1 ? 'volume (the factor is 1)' : `volume / factor${fallback === undefined ? ' (shares on rows without a factor)' : ''}`,
        derived: false,
      });
    } else {
      getters.set('volume', (row) => volume[row]!);
      standard.set('volume', { source: options.rawVolume ? 'volume (shares: there is no factor to divide by)' : 'volume (shares, as asked: rawVolume false)', derived: false });
    }
    columnOf.set('volume', 'volume');
  } else standard.set('volume', noColumn('volume'));

  // amount
  const amount = numbers.get('amount');
  if (amount) {
    getters.set('amount', (row) => amount[row]!);
    standard.set('amount', { source: 'amount', derived: false });
    columnOf.set('amount', 'amount');
    used.add('amount');
  } else standard.set('amount', noColumn('amount'));

  // vwap
  const ownVwap = numbers.get('vwap');
  if (ownVwap) {
    getters.set('vwap', (row) => ownVwap[row]!);
    standard.set('vwap', { source: 'vwap (as given; qlib expects the adjusted price scale)', derived: false });
    columnOf.set('vwap', 'vwap');
    used.add('vwap');
  } else if (amount && volume && factor) {
    const f = factor;
    getters.set('vwap', (row) => {
      const v = volume[row]!;
      const a = amount[row]!;
      return v > 0 && a >= 0 ? (a / v) * f(row) : Number.NaN;
    });
    standard.set('vwap', { source: 'amount / volume × factor', derived: true });
  } else {
    const missing = [amount ? undefined : '`amount`', volume ? undefined : '`volume`', factor ? undefined : 'a factor (see factor)'].filter((x) => x !== undefined);
    standard.set('vwap', { reason: `${t.name} has no ${missing.join(' and no ')}: qlib’s vwap is amount / volume × factor, on the adjusted price scale` });
  }

  // change: a fraction, as qlib's limit check reads it (0.1 = +10 %).
  const pct = numbers.get('pct_chg');
  const close = numbers.get('close');
  const previous = options.previousClose;
  if (pct) {
    getters.set('change', (row) => pct[row]! / 100);
    standard.set('change', { source: 'pct_chg / 100', derived: false });
    columnOf.set('change', 'pct_chg');
    used.add('pct_chg');
  } else if (close && previous && !numbers.has('change')) {
    getters.set('change', (row) => {
      const c = close[row]!;
      const p = previous[row]!;
      return p > 0 && c >= 0 ? c / p - 1 : Number.NaN;
    });
    const trading = options.suspension ? 'trading ' : '';
    const closes = options.defaultFactor === undefined ? 'adjusted closes' : 'closes';
    standard.set('change', { source: `close / previous ${trading}close − 1 (${t.name} has no pct_chg; from ${closes}, as qlib’s collectors compute it)`, derived: true });
    notRestored.set('change', `derived by factorkit for qlib from adjusted closes (${t.name} had no \`pct_chg\`, which means a change from unadjusted prices): nothing is lost`);
  } else standard.set('change', { reason: `${t.name} has no \`pct_chg\`${close ? '' : ' and no `close`'}: qlib’s backtest then makes no price-limit checks` });

  // Every other numeric column under its own name.
  for (const [name, values] of numbers) {
    if (used.has(name)) continue;
    const field = name.toLowerCase();
    if (!/^[a-z_][a-z0-9_]*$/.test(field)) {
      droppedColumns.push({ table: t.name, column: name, reason: 'its name cannot be a qlib field name' });
      continue;
    }
    if (getters.has(field)) {
      droppedColumns.push({ table: t.name, column: name, reason: `qlib field \`${field}\` is already written from ${describe(standard.get(field)) ?? 'another column'}` });
      continue;
    }
    getters.set(field, (row) => values[row]!);
    // A column that happens to carry a standard name (`factor` without `adj_factor`): say so.
    if (standard.has(field) && !('source' in standard.get(field)!)) {
      standard.set(field, { source: `${name} (as given)`, derived: false });
      columnOf.set(field, name);
    }
  }

  // Suspended rows: NaN where qlib's data has NaN, and `is_trading` to find them again.
  const suspension = options.suspension;
  if (suspension) {
    const mask = suspension.mask;
    for (const field of SUSPENDED_NAN_FIELDS) {
      const get = getters.get(field);
      if (get) getters.set(field, (row) => (mask[row] === 1 ? Number.NaN : get(row)));
    }
    getters.set('is_trading', (row) => (mask[row] === 1 ? 0 : 1));
    if (!suspension.isTradingGiven) {
      notRestored.set('is_trading', `derived by factorkit (${suspension.rule}) to mark suspended rows; ${t.name} had no \`is_trading\` column: nothing is lost`);
    }
  }
  return { getters, standard, columnOf, notRestored, droppedColumns, factor };
}

/**
 * For each row of a daily-like table, the close of the same symbol's previous trading row
 * (`NaN` when there is none): rows not in `suspended` with a number for close. `groups` are the
 * rows of each symbol in date order.
 */
export function previousTradingClose(close: Float64Array, rowCount: number, groups: Iterable<readonly number[]>, suspended?: Uint8Array): Float64Array {
  const out = new Float64Array(rowCount).fill(Number.NaN);
  for (const rows of groups) {
    let last = Number.NaN;
    for (const row of rows) {
      out[row] = last;
      if (suspended?.[row] !== 1 && !Number.isNaN(close[row]!)) last = close[row]!;
    }
  }
  return out;
}

function describe(entry: QlibFieldSource | undefined): string | undefined {
  return entry && 'source' in entry ? `\`${entry.source}\`` : undefined;
}
