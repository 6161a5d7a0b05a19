import type { DateString } from './calendar.js';
import type { FieldRequest, MarketData } from './data.js';
import { FactorkitError, type Issue, ValidationError, isFactorkitError, show } from './errors.js';
import type { CategoricalPanel } from './panel.js';
import { Panel } from './panel.js';
import type { ParamSchema, ParamsInput, ParamsOf } from './params.js';
import { type InputSpec, type MetaBase, type PluginBase, type PluginSource, checkFunction, checkInputs, checkPluginBase, resolvePluginParams } from './plugin.js';

/** Broad families of factors, as reports group them. */
export type FactorCategory =
  | 'value'
  | 'growth'
  | 'quality'
  | 'momentum'
  | 'reversal'
  | 'volatility'
  | 'liquidity'
  | 'size'
  | 'analyst'
  | 'governance'
  | 'sentiment'
  | 'style'
  | 'other';

export const FACTOR_CATEGORIES: readonly FactorCategory[] = [
  'value',
  'growth',
  'quality',
  'momentum',
  'reversal',
  'volatility',
  'liquidity',
  'size',
  'analyst',
  'governance',
  'sentiment',
  'style',
  'other',
];

/** What a factor declares about itself. */
export interface FactorMeta<S extends ParamSchema> extends MetaBase<S> {
  readonly category: FactorCategory;
  /** Every field the factor reads, with its point-in-time lag. Reading anything else throws. */
  readonly inputs: readonly InputSpec[];
  /**
   * Trading days of history needed before the first date a value is wanted (for example 250
   * for a one-year window). May depend on the parameters.
   */
  readonly lookback: number | ((params: ParamsOf<S>) => number);
  /** +1 when higher values are expected to earn more, −1 when lower values are. */
  readonly direction: 1 | -1;
  /** Papers or reports the definition follows. */
  readonly references?: readonly string[];
}

/** What `compute` receives. */
export interface FactorComputeContext<P> {
  readonly params: P;
  /**
   * The data, cut to end at the last date a value is wanted: nothing after it is visible.
   * It starts `lookback` trading days before the first wanted date where history allows.
   * Only declared fields can be read from it, with at least their declared lag.
   */
  readonly data: MarketData;
  /** Index in `data.calendar` of the first wanted date; rows before it are warm-up. */
  readonly start: number;
  /**
   * A declared numeric input, with its declared lag applied. **Read-only**: it may be the data
   * store's cached panel (not copied when no cut or lag is needed), so write results into new
   * arrays; the factor test kit's determinism check fails a factor that modifies its inputs.
   */
  input(field: string): Panel;
  /** A declared categorical input (industry, board), with its declared lag applied. Read-only, like {@link input}. */
  categorical(field: string): CategoricalPanel;
  /** Whether an optional input is present in the dataset. */
  has(field: string): boolean;
}

/** What a plugin author passes to {@link defineFactor}. */
export interface FactorDefinition<S extends ParamSchema> {
  readonly id: string;
  readonly apiVersion: PluginBase<'factor'>['apiVersion'];
  readonly meta: FactorMeta<S>;
  /**
   * Exposures for every date of `ctx.data` × every asset, as a panel of
   * `ctx.data.calendar.length` rows and `ctx.data.assets.length` columns; `NaN` where the
   * factor is undefined (too little history, missing inputs). Rows before `ctx.start` are
   * discarded. Must be deterministic and read no data but `ctx`.
   */
  compute(this: void, ctx: FactorComputeContext<ParamsOf<S>>): Panel;
}

/** A factor plugin: plain typed data made by {@link defineFactor}. */
export interface FactorPlugin<S extends ParamSchema = ParamSchema> extends FactorDefinition<S>, PluginBase<'factor'> {
  readonly kind: 'factor';
  /** This factor with parameters (validated now; defaults filled in). */
  with(params?: ParamsInput<S>): FactorSpec<S>;
}

/** A factor together with validated parameters: what strategies and `computeFactor` take. */
export interface FactorSpec<S extends ParamSchema = ParamSchema> {
  readonly plugin: FactorPlugin<S>;
  readonly params: ParamsOf<S>;
}

/** Shape problems of a factor plugin object (used by `defineFactor` and the registry). */
export function checkFactor(value: unknown): Issue[] {
  const issues = checkPluginBase(value, 'factor');
  if (issues.some((i) => i.path === '' || i.path === 'meta')) return issues;
  const plugin = value as Record<string, unknown> & { meta: Record<string, unknown> };
  const { meta } = plugin;
  if (typeof meta.category !== 'string' || !FACTOR_CATEGORIES.includes(meta.category as FactorCategory)) {
    issues.push({ path: 'meta.category', message: `expected one of ${FACTOR_CATEGORIES.join(', ')}, got ${show(meta.category)}` });
  }
  issues.push(...checkInputs(meta.inputs));
  if (meta.direction !== 1 && meta.direction !== -1) {
    issues.push({ path: 'meta.direction', message: `expected 1 or -1, got ${show(meta.direction)}` });
  }
  if (typeof meta.lookback !== 'function' && !(Number.isInteger(meta.lookback) && (meta.lookback as number) >= 0)) {
    issues.push({ path: 'meta.lookback', message: `expected a non-negative integer or a function of the params, got ${show(meta.lookback)}` });
  }
  issues.push(...checkFunction(plugin.compute, 'compute'));
  return issues;
}

/**
 * Define a factor plugin. The definition is checked now (a malformed one throws
 * `FK_INVALID_PLUGIN` listing every problem); compatibility with the running core is checked
 * when the plugin is registered.
 *
 * @example
 * export const momentum = defineFactor({
 *   id: 'momentum_1y',
 *   apiVersion: '1.0',
 *   meta: { description: '…', category: 'momentum', inputs: [{ field: 'ret' }], lookback: 250,
 *           direction: 1, params: { window: param.integer({ default: 250, min: 20 }) } },
 *   compute: (ctx) => { … },
 * }) satisfies FactorPlugin;
 */
export function defineFactor<const S extends ParamSchema>(definition: FactorDefinition<S>): FactorPlugin<S> {
  const plugin: FactorPlugin<S> = {
    kind: 'factor',
    id: definition.id,
    apiVersion: definition.apiVersion,
    meta: definition.meta,
    compute: definition.compute,
    with(params) {
      return { plugin, params: resolvePluginParams(definition.meta, params, `factor \`${definition.id}\``) };
    },
  };
  const issues = checkFactor(plugin);
  if (issues.length > 0) {
    throw new ValidationError('FK_INVALID_PLUGIN', `factor ${show(definition.id)} is malformed`, issues);
  }
  return Object.freeze(plugin);
}

/** The lookback of a factor for given parameters. */
export function factorLookback<S extends ParamSchema>(plugin: FactorPlugin<S>, params: ParamsOf<S>): number {
  const { lookback } = plugin.meta;
  const value = typeof lookback === 'function' ? lookback(params) : lookback;
  if (!Number.isInteger(value) || value < 0) {
    throw new FactorkitError('FK_INVALID_OUTPUT', `factor \`${plugin.id}\`: lookback for these params is ${show(value)}, expected a non-negative integer`);
  }
  return value;
}

/**
 * The declared, non-optional inputs of `plugin` that `data` lacks (empty when all present).
 */
export function missingInputs(plugin: { meta: { inputs: readonly InputSpec[] } }, data: MarketData): string[] {
  return plugin.meta.inputs.filter((input) => !input.optional && !data.hasField(input.field)).map((input) => input.field);
}

/** Throw `FK_MISSING_INPUT` naming the plugin and every missing field, if any are missing. */
export function assertInputs(owner: string, plugin: { meta: { inputs: readonly InputSpec[] } }, data: MarketData): void {
  const missing = missingInputs(plugin, data);
  if (missing.length > 0) {
    throw new FactorkitError(
      'FK_MISSING_INPUT',
      `${owner} needs ${missing.length === 1 ? 'field' : 'fields'} ${missing.map((f) => `\`${f}\``).join(', ')}, which the dataset does not have`,
      { details: { owner, missing, available: data.fieldInfo().map((f) => f.name) } },
    );
  }
}

/** A factor's values over the wanted dates. */
export interface FactorValues {
  readonly factor: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly dates: readonly DateString[];
  readonly assets: readonly string[];
  /** `dates.length` rows × `assets.length` columns; `NaN` = undefined. */
  readonly values: Panel;
  /** Trading days of history the factor asked for before the first date (its `meta.lookback` for these params). */
  readonly lookback: number;
  /**
   * Trading days of history it got: `lookback`, or fewer when the range starts less than
   * `lookback` days after the start of the data (then its first values are typically `NaN`).
   */
  readonly history: number;
}

/** Which dates {@link computeFactor} returns values for. */
export interface ComputeRange {
  /** First wanted date (a date or a calendar index); default: the first date of the calendar. */
  readonly start?: DateString | number;
  /** Last wanted date, inclusive; default: the last date of the calendar. */
  readonly end?: DateString | number;
}

/** Options of {@link computeFactor}. */
export interface ComputeFactorOptions {
  /**
   * Where the plugin came from (a registry entry's `source`): named, with the factor id, when
   * the plugin's own code throws.
   */
  readonly source?: PluginSource;
}

/**
 * The calendar indices `[first, last]` (inclusive) a {@link ComputeRange} covers: `start` snaps
 * forward and `end` back to a trading day. `owner` prefixes the message of an empty range.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` for a date or index outside the calendar, or a
 *   range without a trading day.
 */
export function resolveRange(calendar: MarketData['calendar'], range: ComputeRange = {}, owner = 'range'): { first: number; last: number } {
  const first = resolveIndex(range.start ?? 0, calendar, 'start', 'ceil');
  const last = resolveIndex(range.end ?? calendar.length - 1, calendar, 'end', 'floor');
  if (first > last) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${owner}: no trading day between start ${show(range.start)} and end ${show(range.end)}`);
  }
  return { first, last };
}

/** `factor \`id\`` plus, when known, ` from package \`name@version\``, for messages. */
export function describeFactorSource(id: string, source?: PluginSource): string {
  const from = source?.package ? ` from package \`${source.package}${source.version ? `@${source.version}` : ''}\`` : '';
  return `factor \`${id}\`${from}`;
}

/**
 * Compute a factor over a date range: validates parameters, checks inputs, cuts the data so
 * nothing after `end` is visible, runs `compute`, checks the output shape and drops warm-up rows.
 *
 * A factorkit error thrown by `compute` (a plugin refusing on purpose, with its own code) passes
 * through unchanged; anything else it throws (a bug: `TypeError`, …) becomes `FK_PLUGIN_FAILED`
 * naming the factor and, when `options.source` says, its package, with the original as `cause`.
 *
 * @throws ValidationError `FK_INVALID_PARAMS`; FactorkitError `FK_MISSING_INPUT`,
 *   `FK_INVALID_ARGUMENT` (dates outside the calendar), `FK_INVALID_OUTPUT`, `FK_PLUGIN_FAILED`.
 */
export function computeFactor(
  factor: FactorPlugin<any> | FactorSpec<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  data: MarketData,
  range: ComputeRange = {},
  options: ComputeFactorOptions = {},
): FactorValues {
  const plugin = ('plugin' in factor ? factor.plugin : factor) as FactorPlugin;
  const owner = `factor \`${plugin.id}\``;
  // Validated here, not only in `with()`: a spec may be written by hand or read from a config
  // file, and a plugin registered as a plain object has no `with()`. Valid params pass unchanged.
  const params = resolvePluginParams(plugin.meta, 'plugin' in factor ? factor.params : {}, owner);
  assertInputs(owner, plugin, data);
  const { calendar } = data;
  const { first, last } = resolveRange(calendar, range, owner);
  const lookback = factorLookback(plugin, params);
  const from = Math.max(0, first - lookback);
  const view = data.window(from, last + 1);
  const declared = new Map(plugin.meta.inputs.map((input) => [input.field, input]));
  const requireDeclared = (field: string) => {
    const input = declared.get(field);
    if (!input) {
      throw new FactorkitError('FK_INVALID_PLUGIN', `${owner} read field \`${field}\`, which it does not declare in meta.inputs`);
    }
    return input.lag ?? 0;
  };
  let output: Panel;
  try {
    output = plugin.compute({
      params,
      data: declaredOnly(view, requireDeclared),
      start: first - from,
      input: (field) => view.field(field, { lag: requireDeclared(field) }),
      categorical: (field) => view.categorical(field, { lag: requireDeclared(field) }),
      has: (field) => declared.has(field) && view.hasField(field),
    });
  } catch (error) {
    // A coded error is a deliberate refusal (its message names the problem); anything else is a
    // bug in the plugin, which the user can only report: say whose, keep the original.
    if (isFactorkitError(error)) throw error;
    const who = describeFactorSource(plugin.id, options.source);
    const what = error instanceof Error ? `${error.name}: ${error.message}` : show(error);
    throw new FactorkitError('FK_PLUGIN_FAILED', `${who} failed in compute: ${what}`, {
      cause: error,
      details: { factor: plugin.id, ...(options.source?.package ? { package: options.source.package } : {}), ...(options.source?.version ? { version: options.source.version } : {}) },
    });
  }
  const rows = view.calendar.length;
  if (
    !output ||
    typeof output !== 'object' ||
    output.dates !== rows ||
    output.assets !== data.assets.length ||
    !(output.values instanceof Float64Array) ||
    output.values.length !== rows * data.assets.length
  ) {
    throw new FactorkitError(
      'FK_INVALID_OUTPUT',
      `${owner}: compute must return a panel of ${rows} dates × ${data.assets.length} assets, got ${output && typeof output === 'object' ? `${String(output.dates)} × ${String(output.assets)}` : show(output)}`,
    );
  }
  // Warm-up rows are cut off; when there are none the plugin's array is the result as is.
  const panel = new Panel(output.dates, output.assets, output.values);
  const values = first === from ? panel : panel.sliceDates(first - from);
  return {
    factor: plugin.id,
    params,
    dates: calendar.dates.slice(first, last + 1),
    assets: data.assets,
    values,
    lookback,
    history: first - from,
  };
}

/**
 * `data` as a factor may read it: only declared fields, and never with less than the declared
 * lag (reading through `ctx.data` must not get round `meta.inputs`).
 */
function declaredOnly(data: MarketData, declaredLag: (field: string) => number): MarketData {
  const lag = (field: string, request: FieldRequest) => Math.max(declaredLag(field), request.lag ?? 0);
  return {
    calendar: data.calendar,
    assets: data.assets,
    fieldInfo: () => data.fieldInfo(),
    hasField: (name) => data.hasField(name),
    field: (name, request = {}) => data.field(name, { lag: lag(name, request) }),
    categorical: (name, request = {}) => data.categorical(name, { lag: lag(name, request) }),
    window: (start, end) => declaredOnly(data.window(start, end), declaredLag),
  };
}

function resolveIndex(value: DateString | number, calendar: MarketData['calendar'], name: string, mode: 'ceil' | 'floor'): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0 || value >= calendar.length) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `${name}: index ${value} is outside the calendar (0..${calendar.length - 1})`);
    }
    return value;
  }
  const index = mode === 'ceil' ? calendar.ceil(value) : calendar.floor(value);
  if (index < 0 || index >= calendar.length) {
    throw new FactorkitError(
      'FK_INVALID_ARGUMENT',
      `${name}: ${show(value)} is outside the calendar (${calendar.dates[0] ?? '-'} .. ${calendar.dates[calendar.length - 1] ?? '-'})`,
    );
  }
  return index;
}
