/**
 * The few series the strategy page derives from a backtest (the rest it shows as the backtest
 * computed it). Pure; `NaN` in, `NaN` out.
 */
import type { BacktestResult } from '@factorkit/backtest';

/** `values[i] / values[j]` element by element (the excess curve `nav / benchmark_nav`). */
export function ratioSeries(values: ArrayLike<number>, base: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: values.length }, (_, i) => values[i]! / base[i]!);
}

/**
 * The fall from the running peak at each point, `value / peak − 1` (0 at a new high, negative
 * below); a `NaN` value gives `NaN` there and leaves the peak as it was.
 */
export function drawdownSeries(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) {
      out[i] = Number.NaN;
      continue;
    }
    if (v > peak) peak = v;
    out[i] = v / peak - 1;
  }
  return out;
}

/** One calendar month of trading. */
export interface MonthTrading {
  /** `YYYY-MM`. */
  readonly month: string;
  /** Σ of the days' one-way turnover (the backtest's definition: trades / 2 / value at the previous close). */
  readonly turnover: number;
  /** Σ of the days' costs / value at the previous close (the backtest's cost drag, not annualised). */
  readonly cost: number;
  /** Σ of the days' costs, CNY. */
  readonly costAmount: number;
}

/**
 * Turnover and costs per calendar month, on the same bases as the backtest's annual `turnover`
 * and `costDrag` (the first day has no trades: its entries are skipped).
 */
export function monthlyTrading(backtest: Pick<BacktestResult, 'dates' | 'turnover' | 'cost' | 'value'>): MonthTrading[] {
  const out: { month: string; turnover: number; cost: number; costAmount: number }[] = [];
  for (let k = 1; k < backtest.dates.length; k++) {
    const month = backtest.dates[k]!.slice(0, 7);
    let last = out[out.length - 1];
    if (last?.month !== month) {
      last = { month, turnover: 0, cost: 0, costAmount: 0 };
      out.push(last);
    }
    last.turnover += backtest.turnover[k]!;
    last.cost += backtest.cost[k]! / backtest.value[k - 1]!;
    last.costAmount += backtest.cost[k]!;
  }
  return out;
}

/** Running sums (cumulative attribution of additive daily parts). */
export function cumulativeSum(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) sum += v;
    out[i] = sum;
  }
  return out;
}

/** `value` as one line of text: numbers as they are, strings as they are, the rest as JSON. */
function showValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? typeof value;
}

/** A plain object (not an array, not a class instance such as a Date). */
const isPlain = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

/**
 * A definition as `[path, text]` pairs: nested objects by dot-path (`universe.index`), array
 * items by index (`factors[1]`); an array of numbers or strings on one line; each array item
 * that is an object on its own line as compact JSON (`constraints[2]` → `{"id":"turnover-limit",…}`).
 * `undefined` values are left out; functions and plugin objects (a definition written in code)
 * show by their `id` when they have one.
 */
export function flattenDefinition(definition: object): [string, string][] {
  const out: [string, string][] = [];
  const visit = (value: unknown, path: string): void => {
    if (value === undefined) return;
    if (typeof value === 'function') {
      out.push([path, `(function ${value.name || 'anonymous'})`]);
      return;
    }
    if (Array.isArray(value)) {
      if (value.every((item) => typeof item === 'string' || typeof item === 'number')) out.push([path, value.join(', ')]);
      else value.forEach((item, i) => (isPlain(item) ? out.push([`${path}[${i}]`, compact(item)]) : visit(item, `${path}[${i}]`)));
      return;
    }
    if (isPlain(value)) {
      const entries = Object.entries(value).filter(([, v]) => v !== undefined);
      if (entries.length === 0) out.push([path, '{}']);
      for (const [key, v] of entries) visit(v, path === '' ? key : `${path}.${key}`);
      return;
    }
    if (typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string') {
      out.push([path, `plugin ${(value as { id: string }).id}`]);
      return;
    }
    out.push([path, showValue(value)]);
  };
  visit(definition, '');
  return out;
}

/** An object as one line of JSON; plugin objects inside by their id, functions by name. */
function compact(value: Record<string, unknown>): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'function') return `(function ${(v as { name?: string }).name || 'anonymous'})`;
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && !isPlain(v) && typeof (v as { id?: unknown }).id === 'string') return `plugin ${(v as { id: string }).id}`;
    return v;
  });
}
