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
 */
import type { Table } from '../table.js';

/** How one qlib field was written for one table, or why it was not. */
export interface QlibFieldReport {
  /** `daily` (stock symbols) or `index_daily` (index symbols). */
  readonly table: string;
  /** The qlib field, lower case (`factor`). */
  readonly field: string;
  readonly written: boolean;
  /** When written: the column or formula it comes from (`adj_factor`, `amount / volume × factor`). */
  readonly source?: string;
  /** When not written: why. */
  readonly reason?: string;
  /** Rows written for this table's symbols on which the field is `NaN` (all of them when not written). */
  readonly rowsWithoutValue: number;
  /** Anything else a qlib user must know about the field (what qlib does with the missing rows, …). */
  readonly note?: string;
}

type Getter = (row: number) => number;

/** What {@link planQlibFields} decided for one table. */
export interface QlibFieldPlan {
  /** qlib field (lower case) → its value on a row of the table; standard fields first. */
  readonly getters: Map<string, Getter>;
  /** For each of qlib's standard fields (`QLIB_STANDARD_FIELDS`): the source when written, else the reason. */
  readonly standard: Map<string, { readonly source: string } | { readonly reason: string }>;
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
 * - `change`: `pct_chg / 100`; open, high, low, close, amount and every other numeric column
 *   under its own name, lower case. String and date columns cannot be written.
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
  const standard = new Map<string, { source: string } | { reason: string }>();
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
    standard.set('factor', { source: described.join(', else ') });
    if (numbers.has('adj_factor')) used.add('adj_factor');
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
      standard.set(field, { source: field });
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
      });
    } else {
      getters.set('volume', (row) => volume[row]!);
      standard.set('volume', { source: options.rawVolume ? 'volume (shares: there is no factor to divide by)' : 'volume (shares, as asked: rawVolume false)' });
    }
  } else standard.set('volume', noColumn('volume'));

  // amount
  const amount = numbers.get('amount');
  if (amount) {
    getters.set('amount', (row) => amount[row]!);
    standard.set('amount', { source: 'amount' });
    used.add('amount');
  } else standard.set('amount', noColumn('amount'));

  // vwap
  const ownVwap = numbers.get('vwap');
  if (ownVwap) {
    getters.set('vwap', (row) => ownVwap[row]!);
    standard.set('vwap', { source: 'vwap (as given; qlib expects the adjusted price scale)' });
    used.add('vwap');
  } else if (amount && volume && factor) {
    const f = factor;
    getters.set('vwap', (row) => {
      const v = volume[row]!;
      const a = amount[row]!;
      return v > 0 && a >= 0 ? (a / v) * f(row) : Number.NaN;
    });
    standard.set('vwap', { source: 'amount / volume × factor' });
  } else {
    const missing = [amount ? undefined : '`amount`', volume ? undefined : '`volume`', factor ? undefined : 'a factor (see factor)'].filter((x) => x !== undefined);
    standard.set('vwap', { reason: `${t.name} has no ${missing.join(' and no ')}: qlib’s vwap is amount / volume × factor, on the adjusted price scale` });
  }

  // change
  const pct = numbers.get('pct_chg');
  if (pct) {
    getters.set('change', (row) => pct[row]! / 100);
    standard.set('change', { source: 'pct_chg / 100' });
    used.add('pct_chg');
  } else standard.set('change', noColumn('pct_chg'));

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
    if (standard.has(field) && !('source' in standard.get(field)!)) standard.set(field, { source: `${name} (as given)` });
  }
  return { getters, standard, droppedColumns, factor };
}

function describe(entry: { source: string } | { reason: string } | undefined): string | undefined {
  return entry && 'source' in entry ? `\`${entry.source}\`` : undefined;
}
