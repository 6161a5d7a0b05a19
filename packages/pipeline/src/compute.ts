import {
  type CategoricalPanel,
  type DateString,
  FIELD,
  FactorkitError,
  type FactorPlugin,
  type Issue,
  type MarketData,
  Panel,
  type PluginSource,
  type UniverseInstance,
  ValidationError,
  computeFactor,
  isFactorkitError,
  missingInputs,
  resolvePluginParams,
  resolveRange,
  show,
} from '@factorkit/core';
import { type Mask, type PreprocessConfig, type PreprocessParams, type PreprocessReport, checkPreprocessConfig, preprocess } from '@factorkit/ops';
import type { ComputedFactor, FactorCoverage, FactorStage, FactorOutcome, FactorPreprocessReport, FactorReport, LookbackReport, Regressor, StageCount } from './report.js';
import { SPANNED_R2, chooseRegressors } from './spanned.js';
import { factorNames } from './specs.js';

/** A factor to compute: a plugin with parameters (a `FactorSpec`, or a `resolveFactorSpecs` entry). */
export interface FactorInput {
  readonly plugin: FactorPlugin<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Parameters; validated by the plugin's schema, defaults filled in. Default `{}`. */
  readonly params?: unknown;
  /** The name its values go under; default: the id (see `factorNames` for repeated ids). */
  readonly name?: string;
  /** Where it came from (a registry entry's source): named in errors and reports. */
  readonly source?: PluginSource;
}

/**
 * The stocks eligible on each date: a function of the date's index in `data.calendar` returning
 * one 0/1 entry per asset (a `Mask` over the whole calendar), or a resolved universe (its
 * `members` is exactly that).
 */
export type UniverseInput = Mask | Pick<UniverseInstance, 'members'>;

/** Options of {@link computeFactors} and {@link streamFactors}. */
export interface ComputeFactorsOptions {
  readonly data: MarketData;
  readonly factors: readonly FactorInput[];
  /** Keep only these stocks on each date; default: every stock. */
  readonly universe?: UniverseInput;
  /** Dates to compute (`YYYY-MM-DD`, inclusive, snapped to trading days); default: the whole calendar. */
  readonly range?: { readonly start?: DateString; readonly end?: DateString };
  /**
   * Preprocess each factor per date within the universe (`@factorkit/ops` `preprocess`):
   * `true` for the usual pipeline (MAD ×5 → industry + size → z-score), a config, or
   * `false`/omitted for raw values. Regressors the dataset lacks are skipped and reported; a
   * regressor that spans the factor (size for the size factor) is skipped and reported.
   */
  readonly preprocess?: boolean | PreprocessConfig | PreprocessParams;
  /**
   * Also give each factor's values as a call without `universe` and `preprocess` would
   * (`ComputedFactor.raw`, with its own report), from the same computation: the plugin's
   * `compute` runs once for both.
   */
  readonly keepRaw?: boolean;
  /**
   * Continue the factors of an earlier call whose range ended earlier (a weekly rerun): the
   * plugin still computes the whole range (its values are exactly those of a call without
   * `window`), but the universe and preprocessing stages run only on the dates from
   * `window.from` on — the panel's rows (and `dates`) start there — and each factor's report is the
   * earlier report (`window.previous[i]`, by factor order) with the counts of the dates after
   * its last date added: equal to the report of a call without `window`. With `keepRaw`, the
   * raw values and report are complete. `from` must not be after the day following the earlier
   * reports' last date; every earlier report must have this call's factor, name and first date.
   */
  readonly window?: { readonly from: DateString; readonly previous: readonly FactorReport[] };
}

/** Every factor computed, with reports: what {@link computeFactors} returns. */
export interface ComputeFactorsResult {
  /** The stock codes of every panel's columns. */
  readonly assets: readonly string[];
  /** The dates of the range: the rows of every panel. */
  readonly dates: readonly DateString[];
  readonly factors: readonly ComputedFactor[];
  /** The factors' reports, in order (the same objects as `factors[i].report`). */
  readonly reports: readonly FactorReport[];
}

/**
 * Factors computed one at a time as they are iterated: see {@link streamFactors}. Everything
 * that can be checked without computing was checked when it was made.
 */
export interface FactorStream extends Iterable<ComputedFactor> {
  readonly assets: readonly string[];
  readonly dates: readonly DateString[];
  /** The names the factors will come under, in order. */
  readonly names: readonly string[];
}

interface Planned {
  readonly name: string;
  readonly plugin: FactorPlugin;
  readonly params: Record<string, unknown>;
  readonly source: PluginSource | undefined;
}

interface Preprocessing {
  readonly config: PreprocessConfig | PreprocessParams;
  readonly requested: readonly Regressor[];
  readonly available: readonly Regressor[];
  readonly unavailable: readonly { readonly regressor: Regressor; readonly reason: 'unavailable'; readonly message: string }[];
  readonly industry?: CategoricalPanel;
  readonly marketCap?: Panel;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validate the preprocessing option against the dataset; every problem at once. */
function planPreprocessing(option: ComputeFactorsOptions['preprocess'], data: MarketData, first: number, last: number): Preprocessing | undefined {
  if (option === undefined || option === false) return undefined;
  const config: PreprocessConfig | PreprocessParams = option === true ? { winsorize: { method: 'mad', k: 5 }, neutralize: 'both', standardize: { weights: 'equal' }, fill: 'none' } : option;
  const issues = checkPreprocessConfig(config);
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PARAMS', 'invalid preprocessing config', issues);
  const c = config as Record<string, unknown>;
  const n = c.neutralize;
  const requested: Regressor[] = n === 'both' ? ['industry', 'size'] : n === 'industry' ? ['industry'] : n === 'size' ? ['size'] : [];
  const hasIndustry = data.hasField(FIELD.industry);
  const hasCap = data.hasField(FIELD.marketCap);
  const needs: Issue[] = [];
  const s = c.standardize;
  if ((s === 'cap' || (isObject(s) && s.weights === 'cap')) && !hasCap) needs.push({ path: 'preprocess.standardize', message: `cap weights need the field \`${FIELD.marketCap}\`, which the dataset does not have` });
  if (c.fill === 'industry-median' && !hasIndustry) needs.push({ path: 'preprocess.fill', message: `\`industry-median\` needs the field \`${FIELD.industry}\`, which the dataset does not have` });
  if (needs.length > 0) throw new ValidationError('FK_MISSING_INPUT', 'the preprocessing config needs data the dataset lacks', needs);
  const unavailable = requested
    .filter((r) => (r === 'industry' ? !hasIndustry : !hasCap))
    .map((regressor) => ({
      regressor,
      reason: 'unavailable' as const,
      message: `not neutralised against \`${regressor}\`: the dataset has no \`${regressor === 'industry' ? FIELD.industry : FIELD.marketCap}\` field`,
    }));
  const view = data.window(first, last + 1);
  const wantIndustry = hasIndustry && (requested.includes('industry') || c.fill === 'industry-median');
  const wantCap = hasCap && (requested.includes('size') || s === 'cap' || (isObject(s) && s.weights === 'cap'));
  return {
    config,
    requested,
    available: requested.filter((r) => !unavailable.some((u) => u.regressor === r)),
    unavailable,
    ...(wantIndustry ? { industry: view.categorical(FIELD.industry) } : {}),
    ...(wantCap ? { marketCap: view.field(FIELD.marketCap) } : {}),
  };
}

/**
 * Masks of resolved universes already read, by universe object and range: a caller computing
 * its factors one call at a time (a tracking run) reads the universe once. Only for universe
 * objects (resolved universes are fixed once resolved), never for a bare mask function.
 */
const readMasks = new WeakMap<object, { readonly first: number; readonly dates: number; readonly assets: number; readonly rows: Uint8Array }>();

/** The universe over the range as one byte per (date, asset), read once and shared by every factor. */
function universeRows(universe: UniverseInput | undefined, first: number, dates: number, assets: number): Uint8Array | undefined {
  if (universe === undefined) return undefined;
  if (typeof universe === 'object' && universe !== null) {
    const kept = readMasks.get(universe);
    if (kept && kept.first === first && kept.dates === dates && kept.assets === assets) return kept.rows;
    const rows = maskRows(universe, first, dates, assets);
    readMasks.set(universe, { first, dates, assets, rows });
    return rows;
  }
  return maskRows(universe, first, dates, assets);
}

function maskRows(universe: UniverseInput, first: number, dates: number, assets: number): Uint8Array {
  const members = typeof universe === 'function' ? universe : (t: number) => universe.members(t);
  if (typeof members !== 'function') throw new FactorkitError('FK_INVALID_ARGUMENT', `universe: expected a mask function or a resolved universe, got ${show(universe)}`);
  const rows = new Uint8Array(dates * assets);
  for (let t = 0; t < dates; t++) {
    const row = members(first + t);
    if (!row || row.length !== assets) {
      throw new FactorkitError('FK_INVALID_DATA', `universe: members of date index ${first + t} has ${row ? row.length : show(row)} entries, the data ${assets} assets`);
    }
    for (let a = 0; a < assets; a++) rows[t * assets + a] = row[a] ? 1 : 0;
  }
  return rows;
}

/** The first date with any value of each declared input, over the whole data (for the no-values message). */
function inputStarts(plugin: FactorPlugin, data: MarketData): string[] {
  const kinds = new Map(data.fieldInfo().map((f) => [f.name, f.kind]));
  return plugin.meta.inputs
    .filter((input) => data.hasField(input.field))
    .map((input) => {
      const categorical = kinds.get(input.field) === 'categorical';
      const panel = categorical ? data.categorical(input.field) : data.field(input.field);
      const T = panel.dates;
      let firstT = T;
      for (let a = 0; a < panel.assets; a++) {
        for (let t = 0; t < firstT; t++) {
          const has = categorical ? (panel as CategoricalPanel).codes[a * T + t]! >= 0 : Number.isFinite((panel as Panel).values[a * T + t]!);
          if (has) {
            firstT = t;
            break;
          }
        }
      }
      return firstT < T ? `\`${input.field}\` from ${data.calendar.dates[firstT]}` : `\`${input.field}\` never`;
    });
}

const fmt = (n: number) => n.toLocaleString('en-US');

function reasonsText(removed: Readonly<Record<string, number>>): string {
  const parts = Object.entries(removed)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${reason}: ${fmt(n)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** Check everything that can be checked before computing; returns the plan. */
function plan(options: ComputeFactorsOptions) {
  const { data } = options;
  const inputs: readonly FactorInput[] = options.factors;
  if (!Array.isArray(options.factors) || inputs.length === 0) throw new FactorkitError('FK_INVALID_ARGUMENT', 'computeFactors: `factors` is empty; give at least one factor');
  // Parameters of every factor, every problem at once.
  const issues: Issue[] = [];
  const planned: Planned[] = [];
  inputs.forEach((input, i) => {
    const plugin = input.plugin as FactorPlugin;
    try {
      const params = resolvePluginParams(plugin.meta, input.params ?? {}, `factor \`${plugin.id}\``) as Record<string, unknown>;
      planned.push({ name: input.name ?? '', plugin, params, source: input.source });
    } catch (error) {
      if (!isFactorkitError(error) || !('issues' in error)) throw error;
      for (const issue of (error as ValidationError).issues) issues.push({ path: `factors[${i}] ${plugin.id}${issue.path ? `.${issue.path}` : ''}`, message: issue.message });
    }
  });
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PARAMS', 'computeFactors: invalid factor parameters', issues);
  // Names: given, or derived; unique either way.
  const derived = factorNames(planned.map((p) => ({ id: p.plugin.id, params: p.params })));
  const names = planned.map((p, i) => inputs[i]!.name ?? derived[i]!);
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new FactorkitError('FK_INVALID_ARGUMENT', `computeFactors: two factors are named \`${name}\`; give each a distinct \`name\``);
    seen.add(name);
  }
  // Every missing input of every factor at once, before any work.
  const missing = planned.flatMap((p) => missingInputs(p.plugin, data).map((field) => `factor \`${p.plugin.id}\` needs \`${field}\``));
  if (missing.length > 0) {
    throw new FactorkitError('FK_MISSING_INPUT', `the dataset lacks inputs:\n  ${missing.join('\n  ')}`, { details: { missing, available: data.fieldInfo().map((f) => f.name) } });
  }
  const { first, last } = resolveRange(data.calendar, options.range ?? {}, 'range');
  const dates = data.calendar.dates.slice(first, last + 1);
  const assets = data.assets.length;
  const prep = planPreprocessing(options.preprocess, data, first, last);
  const universe = universeRows(options.universe, first, dates.length, assets);
  const window = options.window === undefined ? undefined : planWindow(options.window, names, planned, dates);
  return { planned: planned.map((p, i) => ({ ...p, name: names[i]! })), names, first, last, dates, universe, prep, window };
}

/** Rows of the range where a windowed factor is processed (`from`) and counted (`count`), with the earlier report. */
interface Window {
  readonly from: number;
  readonly count: number;
  readonly previous: FactorReport;
}

/** `options.window` checked against the plan: one earlier report per factor, of the same factor and range start. */
function planWindow(window: NonNullable<ComputeFactorsOptions['window']>, names: readonly string[], planned: readonly Planned[], dates: readonly DateString[]): Window[] {
  const problems: string[] = [];
  const from = dates.indexOf(window.from);
  if (from < 0) problems.push(`window.from: ${show(window.from)} is not a trading day of the range ${dates[0]} … ${dates[dates.length - 1]}`);
  if (!Array.isArray(window.previous) || window.previous.length !== names.length) {
    problems.push(`window.previous: expected ${names.length} earlier report${names.length === 1 ? '' : 's'}, one per factor, got ${Array.isArray(window.previous) ? window.previous.length : show(window.previous)}`);
  }
  const out: Window[] = [];
  if (problems.length === 0) {
    names.forEach((name, k) => {
      const r = window.previous[k]!;
      const count = r.range.last === undefined ? -1 : dates.indexOf(r.range.last) + 1;
      if (r.name !== name || r.id !== planned[k]!.plugin.id) problems.push(`window.previous[${k}]: is the report of \`${r.name}\` (${r.id}), not of \`${name}\` (${planned[k]!.plugin.id})`);
      else if (r.range.first !== dates[0]) problems.push(`window.previous[${k}]: its range starts ${r.range.first}, this one ${dates[0]}`);
      else if (count <= 0 || count > dates.length) problems.push(`window.previous[${k}]: its range ends ${r.range.last}, not a day of this range`);
      else if (from > count) problems.push(`window.from: ${window.from} is after ${dates[count] ?? r.range.last}, the first day after the earlier report of \`${name}\``);
      else out.push({ from, count, previous: r });
    });
  }
  if (problems.length > 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `computeFactors: ${problems.join('; ')}`);
  return out;
}

/**
 * Compute factors one at a time, as the result is iterated: each comes with its values and its
 * {@link FactorReport}. Everything that can be checked without computing is checked now, before
 * the first factor is computed: parameters (all problems at once), names, every missing input of
 * every factor, the range, the universe and the preprocessing config.
 *
 * Use it instead of {@link computeFactors} when the panels need not stay in memory together —
 * writing a long table of a full-market run, for instance: append each factor to a
 * `FactorTableBuilder` (`@factorkit/data`) and let its panel go.
 *
 * @throws as {@link computeFactors}; the errors of computing are thrown while iterating.
 */
export function streamFactors(options: ComputeFactorsOptions): FactorStream {
  const { data } = options;
  const p = plan(options);
  return {
    assets: data.assets,
    dates: p.dates,
    names: p.names,
    *[Symbol.iterator]() {
      for (const [k, factor] of p.planned.entries()) {
        yield computeOne(factor, data, p.first, p.dates, p.universe, p.prep, options.keepRaw === true, p.window?.[k]);
      }
    },
  };
}

/**
 * Compute factors over a date range within a universe, optionally preprocessed, and report what
 * happened to every value: per factor the values panel, its dates and a {@link FactorReport} —
 * coverage stage by stage (computed, in the universe, after each preprocessing stage, with the
 * reasons), how much history the factor needs and where the data starts, what preprocessing did
 * (and which regressors it skipped), and a typed outcome: `empty` names the stage that removed
 * the last value. An empty factor is not thrown: see {@link noValuesError}.
 *
 * All panels stay in memory; {@link streamFactors} computes one at a time.
 *
 * @throws ValidationError `FK_INVALID_PARAMS` (every bad parameter of every factor);
 *   FactorkitError `FK_MISSING_INPUT` (every missing input of every factor), `FK_INVALID_ARGUMENT`
 *   (an empty list, repeated names, a range outside the calendar or without a trading day),
 *   `FK_INVALID_DATA` (a universe of the wrong shape), `FK_PLUGIN_FAILED` (a factor's `compute`
 *   threw; the message names the factor and its package), `FK_INVALID_OUTPUT`.
 */
export function computeFactors(options: ComputeFactorsOptions): ComputeFactorsResult {
  const stream = streamFactors(options);
  const factors = [...stream];
  return { assets: stream.assets, dates: stream.dates, factors, reports: factors.map((f) => f.report) };
}

/**
 * The error for factors that ended with no values (`outcome.status === 'empty'`), naming each
 * and the stage that removed its values; `undefined` when every factor has values.
 * `FK_NO_VALUES`: a data problem (the CLI exits with 3).
 */
export function noValuesError(reports: readonly FactorReport[]): FactorkitError | undefined {
  const empty = reports.filter((r) => r.outcome.status === 'empty');
  if (empty.length === 0) return undefined;
  const messages = empty.map((r) => (r.outcome.status === 'empty' ? r.outcome.message : ''));
  const text = empty.length === 1 ? messages[0]! : `${empty.length} factors have no values:\n${messages.map((m) => `  - ${m}`).join('\n')}`;
  return new FactorkitError('FK_NO_VALUES', text, {
    details: { factors: empty.map((r) => ({ name: r.name, stage: r.outcome.status === 'empty' ? r.outcome.stage : undefined })) },
  });
}

function computeOne(
  factor: Planned,
  data: MarketData,
  first: number,
  dates: readonly DateString[],
  universe: Uint8Array | undefined,
  prep: Preprocessing | undefined,
  keepRaw: boolean,
  window?: Window,
): ComputedFactor {
  const started = performance.now();
  const { plugin, params, source } = factor;
  const computed = computeFactor({ plugin, params }, data, { start: first, end: first + dates.length - 1 }, source ? { source } : {});
  const result = finish(factor, data, first, dates, computed, universe, prep, started, window);
  if (!keepRaw) return result;
  // The values as a call without universe and preprocessing gives them, from the same computation.
  return { ...result, raw: universe === undefined && prep === undefined ? result : finish(factor, data, first, dates, computed, undefined, undefined, performance.now()) };
}

/** The stages after the plugin's compute — universe, preprocessing — with their report. */
function finish(
  factor: Planned,
  data: MarketData,
  first: number,
  dates: readonly DateString[],
  computed: ReturnType<typeof computeFactor>,
  universe: Uint8Array | undefined,
  prep: Preprocessing | undefined,
  started: number,
  window?: Window,
): ComputedFactor {
  const { plugin, params, name, source } = factor;
  const raw = computed.values;
  const T = raw.dates;
  const A = raw.assets;
  const cells = raw.values;
  const notes: string[] = [];
  // Rows processed (from `from`) and counted (from `count`; the earlier report holds the rest).
  const from = window?.from ?? 0;
  const count = window?.count ?? 0;
  const before = window?.previous;
  const stageOf = (stage: FactorStage) => before?.coverage.stages.find((x) => x.stage === stage);

  // Stage 1, compute: finite values, infinities (treated as missing), the first date with a value.
  let finite = stageOf('compute')?.output ?? 0;
  let infinite = stageOf('compute')?.removed.infinite ?? 0;
  let firstComputedT = before?.lookback.firstComputed === undefined ? T : dates.indexOf(before.lookback.firstComputed);
  for (let a = 0; a < A; a++) {
    const base = a * T;
    for (let t = count; t < T; t++) {
      const v = cells[base + t]!;
      if (v - v === 0) {
        finite++;
        if (t < firstComputedT) firstComputedT = t;
      } else if (v === v) infinite++;
    }
  }
  if (infinite > 0) notes.push(`\`${name}\`: compute returned ${fmt(infinite)} infinite value${infinite === 1 ? '' : 's'}, treated as missing`);
  const stages: StageCount[] = [{ stage: 'compute', input: T * A, output: finite, removed: { noValue: T * A - finite - infinite, infinite } }];

  // Stage 2, universe.
  let eligible = T * A;
  let inUniverse = finite;
  if (universe) {
    eligible = before?.coverage.eligible ?? 0;
    inUniverse = stageOf('universe')?.output ?? 0;
    for (let t = count; t < T; t++) {
      const row = t * A;
      for (let a = 0; a < A; a++) {
        if (universe[row + a] === 0) continue;
        eligible++;
        const v = cells[a * T + t]!;
        if (v - v === 0) inUniverse++;
      }
    }
    stages.push({ stage: 'universe', input: finite, output: inUniverse, removed: { outsideUniverse: finite - inUniverse } });
  }
  const maskFrom = (offset: number): Mask | undefined => (universe ? (t) => universe.subarray((offset + t) * A, (offset + t + 1) * A) : undefined);
  const mask = maskFrom(0);

  // Stage 3, preprocessing; or the raw values, cut to the universe.
  let values: Panel;
  let preprocessReport: FactorPreprocessReport | undefined;
  if (prep) {
    // Chosen on the whole range, as a call without a window chooses.
    const { used, spanned } = chooseRegressors(raw, prep.available, { ...(prep.industry ? { industry: prep.industry } : {}), ...(prep.marketCap ? { marketCap: prep.marketCap } : {}) }, (t) => mask?.(t));
    const skipped = [
      ...prep.unavailable,
      ...spanned.map(({ regressor, test }) => ({
        regressor,
        reason: 'spanned' as const,
        message: `not neutralised against \`${regressor}\`: ${regressor === 'size' ? 'log market cap' : 'industry'}${used.length === 0 && prep.available.length > 1 ? ' (with the other regressors)' : ''} explains the factor entirely (R² ≥ ${SPANNED_R2} on all ${test.dates} dates tested), so the residuals would be rounding noise`,
      })),
    ];
    for (const x of skipped) notes.push(`\`${name}\`: ${x.message}`);
    const mode = used.length === 2 ? 'both' : used.length === 1 ? used[0]! : false;
    const config = { ...prep.config, neutralize: mode } as PreprocessConfig;
    // Per date, so rows may be processed in pieces: the rows before `count` (values only) and the counted ones.
    const rows = (a: number, b: number) => {
      const whole = a === 0 && b === T;
      const context = whole ? prep : contextRows(prep, data, first + a, first + b);
      return preprocess(whole ? raw : raw.sliceDates(a, b), config, {
        ...(universe ? { mask: maskFrom(a)! } : {}),
        ...(context.industry ? { industry: context.industry } : {}),
        ...(context.marketCap ? { marketCap: context.marketCap } : {}),
      });
    };
    const counted = rows(count, T);
    const report = before?.preprocess ? mergeCounts(before.preprocess.stages, counted.report) : counted.report;
    if (from === 0 && count === 0) values = counted.values;
    else {
      // The window's rows: those before `count` (values only), then the counted ones.
      const W = T - from;
      const out = new Float64Array(W * A);
      const head = from < count ? rows(from, count).values : undefined;
      for (let a = 0; a < A; a++) {
        if (head) out.set(head.values.subarray(a * (count - from), (a + 1) * (count - from)), a * W);
        out.set(counted.values.values.subarray(a * (T - count), (a + 1) * (T - count)), a * W + count - from);
      }
      values = new Panel(W, A, out);
    }
    preprocessReport = { neutralize: { requested: prep.requested, used, skipped }, stages: report };
    for (const stage of report.stages) {
      stages.push({ stage: stage.stage, input: stage.input, output: stage.output, removed: { ...stage.dropped } });
    }
  } else if (universe || infinite > 0 || from > 0) {
    const W = T - from;
    const out = new Float64Array(W * A).fill(Number.NaN);
    for (let a = 0; a < A; a++) {
      for (let t = from; t < T; t++) {
        const v = cells[a * T + t]!;
        if (v - v === 0 && (!universe || universe[t * A + a] !== 0)) out[a * W + t - from] = v;
      }
    }
    values = new Panel(W, A, out);
  } else values = raw;

  // The result: values and their span, counted on the panel returned (the earlier rows from the earlier report).
  let kept = before?.coverage.values ?? 0;
  let firstT = before?.coverage.firstValue === undefined ? T : dates.indexOf(before.coverage.firstValue);
  let lastT = before?.coverage.lastValue === undefined ? -1 : dates.indexOf(before.coverage.lastValue);
  const W = values.dates;
  for (let a = 0; a < A; a++) {
    const base = a * W - from;
    for (let t = count; t < T; t++) {
      if (values.values[base + t]! === values.values[base + t]!) {
        kept++;
        if (t < firstT) firstT = t;
        if (t > lastT) lastT = t;
      }
    }
  }
  const coverage: FactorCoverage = {
    dates: T,
    assets: A,
    eligible,
    stages,
    values: kept,
    ...(kept > 0 ? { firstValue: dates[firstT]!, lastValue: dates[lastT]! } : {}),
  };

  const calendar = data.calendar;
  const needed = computed.lookback;
  const shortDates = Math.max(0, Math.min(T, needed - first));
  const lookback: LookbackReport = {
    needed,
    history: computed.history,
    dataStart: calendar.dates[0]!,
    ...(needed < calendar.length ? { fullHistoryFrom: calendar.dates[needed]! } : {}),
    shortDates,
    ...(firstComputedT < T ? { firstComputed: dates[firstComputedT]! } : {}),
  };
  const historyText = () =>
    `it needs ${fmt(needed)} trading day${needed === 1 ? '' : 's'} of history and the data starts ${lookback.dataStart}` +
    (lookback.fullHistoryFrom ? ` (the first date with full history is ${lookback.fullHistoryFrom})` : ` (the data has only ${fmt(calendar.length)} trading days)`);
  if (shortDates > 0 && finite > 0) {
    notes.push(
      `\`${name}\`: the first ${fmt(shortDates)} of ${fmt(T)} dates (${dates[0]} .. ${dates[shortDates - 1]}) have less history than it needs: ${historyText()}; its first value is on ${lookback.firstComputed}`,
    );
  }

  const span = `from ${dates[0]} to ${dates[T - 1]}`;
  let outcome: FactorOutcome = { status: 'ok' };
  if (kept === 0) {
    const at = stages.find((s) => s.output === 0) ?? stages[0]!;
    let message: string;
    if (at.stage === 'compute') {
      const why = shortDates > 0 ? historyText() : 'compute returned no finite value';
      message = `factor \`${name}\` has no values ${span}: ${why}; its inputs have values: ${inputStarts(plugin, data).join(', ')}`;
    } else if (at.stage === 'universe') {
      message =
        eligible === 0
          ? `factor \`${name}\` has no values ${span}: the universe has no member on any of these dates`
          : `factor \`${name}\` has no values ${span} in the universe: all ${fmt(finite)} computed values are of stocks outside it (the universe has ${fmt(eligible)} stock-days)`;
    } else {
      message = `factor \`${name}\` has no values ${span} after preprocessing: the \`${at.stage}\` stage removed all ${fmt(at.input)}${reasonsText(at.removed)}`;
    }
    outcome = { status: 'empty', stage: at.stage, message };
  }

  const report: FactorReport = {
    name,
    id: plugin.id,
    params,
    ...(source?.package ? { package: source.package } : {}),
    ...(source?.version ? { version: source.version } : {}),
    range: { first: dates[0]!, last: dates[T - 1]!, dates: T },
    lookback,
    coverage,
    ...(preprocessReport ? { preprocess: preprocessReport } : {}),
    notes,
    outcome,
    seconds: (performance.now() - started) / 1000,
  };
  return { name, id: plugin.id, params, ...(source ? { source } : {}), dates: from === 0 ? dates : dates.slice(from), values, report };
}

/** The preprocessing context (industry, market cap) of calendar rows `[start, end)`. */
function contextRows(prep: Preprocessing, data: MarketData, start: number, end: number): Pick<Preprocessing, 'industry' | 'marketCap'> {
  const view = data.window(start, end);
  return {
    ...(prep.industry ? { industry: view.categorical(FIELD.industry) } : {}),
    ...(prep.marketCap ? { marketCap: view.field(FIELD.marketCap) } : {}),
  };
}

/** Settings of a preprocessing report, the same in both parts (not counts). */
const NOT_COUNTS = new Set(['assets', 'k', 'method', 'weights', 'regressors', 'stage']);

/**
 * Two preprocessing reports of consecutive date ranges as one: every count added (dates, cells,
 * each stage's values and reasons), the settings kept. Without per-date arrays.
 */
function mergeCounts(a: PreprocessReport, b: PreprocessReport): PreprocessReport {
  const add = (x: unknown, y: unknown, key: string): unknown => {
    if (NOT_COUNTS.has(key)) return x;
    if (typeof x === 'number' && typeof y === 'number') return x + y;
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) throw new FactorkitError('FK_INVALID_ARGUMENT', 'computeFactors: window.previous has other preprocessing stages than this call');
      return x.map((v, i) => add(v, y[i], String(i)));
    }
    if (isObject(x) && isObject(y)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(x)) if (k !== 'perDate') out[k] = add(x[k], y[k], k);
      return out;
    }
    return x;
  };
  return add(a, b, '') as PreprocessReport;
}
