import {
  type BenchmarkWeights,
  type DateString,
  FIELD,
  FactorkitError,
  type Issue,
  type MarketData,
  Panel,
  ValidationError,
  missingField,
  show,
} from '@factorkit/core';
import type { Mask } from '@factorkit/ops';
import { DEFAULT_HORIZONS, type ForwardReturnOptions, type ForwardReturnsByDate, checkHorizons } from './forward.js';
import type { FactorEvaluation } from './types.js';

/**
 * The universe: a mask over the data's calendar indices (`(t) => Uint8Array`, 1 = member), or a
 * resolved universe (`UniverseInstance` of `@factorkit/core`), whose benchmark weights are then
 * used unless `weights` is given.
 */
export type UniverseInput = Mask | { members(t: number): Uint8Array; weights?(t: number): BenchmarkWeights | undefined };

/** Benchmark weights on calendar index `t`: one per asset (0 or missing = not held); `undefined` when there are none that day. */
export type WeightsInput = (t: number) => BenchmarkWeights | ArrayLike<number> | undefined;

/** Options of {@link evaluateFactor}. */
export interface EvaluateFactorOptions extends ForwardReturnOptions {
  readonly data: MarketData;
  /**
   * The factor values (already preprocessed as wanted, e.g. by `computeFactors` of
   * `@factorkit/pipeline`), `NaN` = no value; columns are `data.assets`. Higher values are
   * expected to earn more: apply a negative factor's direction before.
   */
  readonly values: Panel;
  /**
   * The dates of the rows of `values`: consecutive trading days of `data.calendar` (as
   * `computeFactors` returns them). Default: the whole calendar. Forward returns still use the
   * data after the last of them.
   */
  readonly dates?: readonly DateString[];
  /** Every asset when omitted. */
  readonly universe?: UniverseInput;
  /** Benchmark weights; default the universe's, else the equal-weighted universe. */
  readonly weights?: WeightsInput;
  /** Number of quantile groups, 2 … 1000. Default 10. */
  readonly groups?: number;
  /** IC decay lags `1 … decayLags`, 0 … 250 (0 = none). Default 20. */
  readonly decayLags?: number;
  /** Fewest stocks a correlation is computed on (else `NaN`), ≥ 2. Default 3. */
  readonly minAssets?: number;
  /** Trading status field: 1 trading, 0 suspended, `NaN` no row. Default `is_trading`. */
  readonly tradingField?: string;
  /** Cap for the cap-weighted group means. Default `float_market_cap`. */
  readonly capField?: string;
  /**
   * Forward returns computed beforehand by `forwardReturnsByDate(data, { horizons,
   * returnField?, priceField? })` — once per run, shared by every factor and universe evaluated
   * on the same data (a structured clone of it, or its arrays over a `SharedArrayBuffer`, will
   * do) — used instead of computing them again; the result is identical. It must have been
   * computed on this data, with every horizon of this call (more are fine) and the same
   * `returnField` / `priceField`, else FactorkitError `FK_INVALID_ARGUMENT` naming `forward`.
   * With `decayLags > 0` its 1-day returns are used when it has them. Computed `from` a date
   * (`forwardReturnsByDate(data, { from })`), it must cover every row the call reads: from
   * the first of `dates` on, or from `redoFrom` with `previous`.
   */
  readonly forward?: ForwardReturnsByDate;
  /**
   * Continue an evaluation: the result of an earlier call for the same factor, universe,
   * weights and settings (horizons, groups, forward definition, decay lags, minimum assets,
   * trading and cap fields) when the data ended at its last date `P`. `values` / `dates` then
   * cover only a window of consecutive trading days that starts at or before `windowStart`
   * and ends on or after `P` (`evaluationWindow(previous, data.calendar)` says which); the
   * rows of `previous` before `redoFrom` are taken as they are, the later ones computed again
   * (their forward returns were cut off at `P`), every summary recomputed. The result equals,
   * bit for bit, a call over every date from the first of `previous` to the last of `dates` —
   * provided the data and values up to `P` are those `previous` was computed on, which is the
   * caller's to check. Refused with FactorkitError `FK_INVALID_ARGUMENT` naming `previous` when
   * it does not fit the call.
   */
  readonly previous?: FactorEvaluation;
}

/** The options checked and resolved against the data. */
export interface Resolved {
  readonly data: MarketData;
  readonly values: Panel;
  /** Calendar index of the first row of `values`. */
  readonly first: number;
  readonly dates: readonly DateString[];
  readonly horizons: readonly number[];
  readonly groups: number;
  readonly decayLags: number;
  readonly minAssets: number;
  readonly members: (t: number) => Uint8Array;
  readonly weights: WeightsInput | undefined;
  readonly trading: Panel | undefined;
  readonly cap: Panel | undefined;
  /** The trading and cap fields read (`undefined`: the data has none). */
  readonly tradingField: string | undefined;
  readonly capField: string | undefined;
  readonly forward: ForwardReturnOptions;
  /** How forward returns are defined. */
  readonly definition: { readonly source: 'returns' | 'prices'; readonly field: string };
  /** The `forward` option, not yet checked against the rows the call reads. */
  readonly given: ForwardReturnsByDate | undefined;
  readonly notes: string[];
}

function integerIn(issues: Issue[], path: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    issues.push({ path, message: `expected an integer in ${min} … ${max}, got ${show(value)}` });
  }
}

/**
 * Check every option, all problems at once, and read the fields.
 * @throws ValidationError `FK_INVALID_PARAMS` listing every bad option; FactorkitError
 *   `FK_MISSING_INPUT` for a return, price, trading or cap field asked for by name that the
 *   data lacks.
 */
export function resolveOptions(options: EvaluateFactorOptions): Resolved {
  const { data, values } = options;
  const issues: Issue[] = [];
  const horizons = options.horizons ?? DEFAULT_HORIZONS;
  checkHorizons(horizons, 'horizons', issues);
  const groups = options.groups ?? 10;
  integerIn(issues, 'groups', groups, 2, 1000);
  const decayLags = options.decayLags ?? 20;
  integerIn(issues, 'decayLags', decayLags, 0, 250);
  const minAssets = options.minAssets ?? 3;
  integerIn(issues, 'minAssets', minAssets, 2, Number.MAX_SAFE_INTEGER);
  if (options.priceField !== undefined && options.returnField !== undefined) {
    issues.push({ path: 'priceField', message: `give \`returnField\` (compounded returns) or \`priceField\` (a price ratio), not both` });
  }
  const T = data.calendar.length;
  const N = data.assets.length;
  let first = 0;
  let dates: readonly DateString[] = data.calendar.dates;
  if (!(values instanceof Panel) && !(values && (values as Panel).values instanceof Float64Array)) {
    issues.push({ path: 'values', message: `expected a Panel, got ${show(values)}` });
  } else {
    if (values.assets !== N) issues.push({ path: 'values', message: `has ${values.assets} assets, the data has ${N}` });
    if (options.dates === undefined) {
      if (values.dates !== T) {
        issues.push({ path: 'dates', message: `values has ${values.dates} rows but the calendar ${T} dates: give the dates of its rows` });
      }
    } else {
      dates = options.dates;
      first = dates.length > 0 ? data.calendar.indexOf(dates[0]!) : -1;
      if (dates.length === 0) issues.push({ path: 'dates', message: 'is empty' });
      else if (dates.length !== values.dates) issues.push({ path: 'dates', message: `has ${dates.length} dates, values has ${values.dates} rows` });
      else if (first < 0) issues.push({ path: 'dates[0]', message: `${show(dates[0])} is not a trading day of the data` });
      else {
        const wrong = dates.findIndex((d, i) => data.calendar.dates[first + i] !== d);
        if (wrong >= 0) {
          issues.push({ path: `dates[${wrong}]`, message: `expected ${show(data.calendar.dates[first + wrong])} (consecutive trading days), got ${show(dates[wrong])}` });
        }
      }
    }
  }
  if (options.universe !== undefined && typeof options.universe !== 'function' && typeof options.universe?.members !== 'function') {
    issues.push({ path: 'universe', message: `expected a mask \`(t) => Uint8Array\` or a resolved universe, got ${show(options.universe)}` });
  }
  if (options.weights !== undefined && typeof options.weights !== 'function') {
    issues.push({ path: 'weights', message: `expected a function \`(t) => weights\`, got ${show(options.weights)}` });
  }
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PARAMS', 'evaluateFactor: invalid options', issues);

  const notes: string[] = [];
  const tradingField = options.tradingField ?? FIELD.isTrading;
  const capField = options.capField ?? FIELD.floatMarketCap;
  const trading = optionalField(data, options.tradingField, FIELD.isTrading, notes, 'no stock is treated as suspended or without a row');
  const cap = optionalField(data, options.capField, FIELD.floatMarketCap, notes, 'cap-weighted group means are `NaN`');
  const forwardField = options.priceField ?? options.returnField ?? FIELD.ret;
  if (!data.hasField(forwardField)) missingField(forwardField, data);
  return {
    data,
    values,
    first,
    dates,
    horizons: [...horizons],
    groups,
    decayLags,
    minAssets,
    members: membersOf(options.universe, data),
    weights: options.weights ?? weightsOf(options.universe),
    trading,
    cap,
    tradingField: trading === undefined ? undefined : tradingField,
    capField: cap === undefined ? undefined : capField,
    forward: {
      horizons,
      ...(options.returnField === undefined ? {} : { returnField: options.returnField }),
      ...(options.priceField === undefined ? {} : { priceField: options.priceField }),
    },
    definition: { source: options.priceField === undefined ? 'returns' : 'prices', field: forwardField },
    given: options.forward,
    notes,
  };
}

/** A field asked for by name must exist; the default may be absent, with a note. */
function optionalField(data: MarketData, asked: string | undefined, fallback: string, notes: string[], consequence: string): Panel | undefined {
  if (asked !== undefined) return data.hasField(asked) ? data.field(asked) : missingField(asked, data);
  if (data.hasField(fallback)) return data.field(fallback);
  notes.push(`the data has no \`${fallback}\` field: ${consequence}`);
  return undefined;
}

function membersOf(universe: UniverseInput | undefined, data: MarketData): (t: number) => Uint8Array {
  const assets = data.assets.length;
  const check = (mask: Uint8Array, t: number): Uint8Array => {
    if (mask instanceof Uint8Array && mask.length === assets) return mask;
    const what = mask instanceof Uint8Array ? `has ${mask.length} entries` : `is ${show(mask)}, not a Uint8Array`;
    throw new FactorkitError('FK_INVALID_DATA', `evaluateFactor: the universe's mask on ${data.calendar.dates[t]} ${what}; the data has ${assets} assets`);
  };
  if (universe === undefined) {
    const all = new Uint8Array(assets).fill(1);
    return () => all;
  }
  if (typeof universe === 'function') return (t) => check(universe(t), t);
  return (t) => check(universe.members(t), t);
}

function weightsOf(universe: UniverseInput | undefined): WeightsInput | undefined {
  if (universe === undefined || typeof universe === 'function' || typeof universe.weights !== 'function') return undefined;
  return (t) => universe.weights!(t);
}
