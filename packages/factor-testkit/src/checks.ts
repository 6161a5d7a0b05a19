import {
  type AssetId,
  type ComputeRange,
  type DateString,
  type FactorPlugin,
  FactorkitError,
  type MarketData,
  Panel,
  type ParamSchema,
  type ParamsInput,
  ValidationError,
  checkApiCompatibility,
  checkFactor,
  computeFactor,
  missingInputs,
  resolvePluginParams,
  show,
} from '@factorkit/core';
import { type CheckName, type CheckResult, Collector } from './result.js';
import { type Tolerance, errorText, factorLabel, isClose, num, resolveTolerance } from './compare.js';
import { GARBAGE_KINDS, type GarbageKind, type InputSnapshot, blankAsset, freshAssetIds, garble, toMarketData } from './snapshot.js';
import { createRandom } from './random.js';
import { type PropertyCheckOptions, Subject } from './subject.js';

// ---------------------------------------------------------------------------------------------
// metadata
// ---------------------------------------------------------------------------------------------

/** A dataset the metadata check makes sure has every declared input. */
export interface NamedData {
  /** How messages name it, e.g. `golden data \`hand panel\``. */
  readonly name: string;
  readonly data: MarketData;
}

/** Options of {@link checkMetadata}. */
export interface MetadataOptions<S extends ParamSchema = ParamSchema> {
  /** Parameter sets that must validate (and give a valid lookback); default `[{}]`, the defaults. */
  readonly params?: readonly ParamsInput<S>[];
  /** Datasets that must hold every declared, non-optional input (the golden data, the sample data). */
  readonly data?: readonly NamedData[];
}

/**
 * The plugin object passes core's `checkFactor`; its `apiVersion` is compatible with the running
 * core (`CORE_API_VERSION`); every parameter set validates (specs and `meta.validate`) and gives
 * a lookback that is a non-negative integer; every dataset holds every declared non-optional
 * input, as categorical exactly when declared `kind: 'categorical'`.
 */
export function checkMetadata<S extends ParamSchema>(plugin: FactorPlugin<S>, options: MetadataOptions<S> = {}): CheckResult {
  const id = typeof plugin === 'object' && plugin !== null && typeof plugin.id === 'string' ? plugin.id : String((plugin as { id?: unknown } | null)?.id);
  const c = new Collector('metadata', id);
  const owner = `factor \`${id}\``;
  const issues = checkFactor(plugin);
  for (const issue of issues) c.add({ message: `metadata: ${owner}: ${issue.path ? `${issue.path}: ` : ''}${issue.message}` });
  if (issues.some((i) => i.path === '' || i.path === 'meta' || i.path === 'meta.inputs' || i.path === 'meta.params')) return c.result('metadata');
  const api = checkApiCompatibility(plugin.apiVersion);
  if (!api.compatible) c.add({ message: `metadata: ${owner} ${api.reason}` });
  for (const input of options.params ?? [{}]) {
    const label = factorLabel(id, input);
    let params: unknown;
    try {
      params = resolvePluginParams(plugin.meta, input, owner);
    } catch (error) {
      const detail = error instanceof ValidationError ? error.issues.map((i) => `${i.path}: ${i.message}`).join('; ') : errorText(error);
      c.add({ message: `metadata: ${label}: invalid parameters: ${detail}`, cause: error });
      continue;
    }
    const { lookback } = plugin.meta;
    try {
      const value = typeof lookback === 'function' ? (lookback as (p: unknown) => unknown)(params) : lookback;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        c.add({ message: `metadata: ${label}: meta.lookback gives ${show(value)} for these parameters, expected a non-negative integer` });
      }
    } catch (error) {
      c.add({ message: `metadata: ${label}: meta.lookback threw: ${errorText(error)}`, cause: error });
    }
  }
  for (const { name, data } of options.data ?? []) {
    const available = data.fieldInfo().map((f) => f.name);
    for (const field of missingInputs(plugin, data)) {
      c.add({ message: `metadata: ${owner} declares input \`${field}\`, which the ${name} does not have (it has: ${available.join(', ') || 'no fields'})` });
    }
    const kinds = new Map(data.fieldInfo().map((f) => [f.name, f.kind]));
    for (const input of plugin.meta.inputs) {
      const kind = kinds.get(input.field);
      if (kind === undefined || input.kind === undefined) continue;
      if ((kind === 'categorical') !== (input.kind === 'categorical')) {
        c.add({
          message: `metadata: ${owner} declares input \`${input.field}\` as ${input.kind}, but in the ${name} it is ${kind === 'categorical' ? 'categorical' : `numeric (${kind})`}`,
        });
      }
    }
  }
  return c.result('metadata');
}

// ---------------------------------------------------------------------------------------------
// golden values
// ---------------------------------------------------------------------------------------------

/** One expected value: `null` or `NaN` = the factor must give `NaN` there. */
export interface GoldenValue {
  readonly date: DateString;
  readonly asset: AssetId;
  readonly value: number | null;
}

/**
 * Expected values: a {@link Panel} or rows (`rows[t][a]`, `null` = `NaN`) covering every date of
 * the range × every asset of the data; or a list of single cells.
 */
export type GoldenExpected = Panel | readonly (readonly (number | null)[])[] | readonly GoldenValue[];

/** Known values of a factor on a small hand-made dataset. */
export interface GoldenCase<S extends ParamSchema = ParamSchema> {
  /** Shown in test names and messages; default `case 1`, `case 2`, … */
  readonly name?: string;
  /** Parameters; default `{}`. */
  readonly params?: ParamsInput<S>;
  /** The dataset, usually made with `createMemoryData`. */
  readonly data: MarketData;
  /** Dates to compute (default: the whole calendar); `expected` rows follow this range. */
  readonly range?: ComputeRange;
  /**
   * The values, computed by hand or by an independent method — never by the factor under test.
   */
  readonly expected: GoldenExpected;
  /** How close is equal; default `{ abs: 1e-12, rel: 1e-9 }`. */
  readonly tolerance?: Tolerance;
}

/**
 * The factor's values on `golden.data` equal `golden.expected` within the tolerance, `NaN` where
 * and only where `NaN` is expected.
 */
export function checkGolden<S extends ParamSchema>(plugin: FactorPlugin<S>, golden: GoldenCase<S>, options: { readonly tolerance?: Tolerance; readonly index?: number } = {}): CheckResult {
  const name = golden.name ?? `case ${(options.index ?? 0) + 1}`;
  const prefix = `golden (${name})`;
  const c = new Collector('golden', plugin.id);
  const label = factorLabel(plugin.id, golden.params);
  const tolerance = resolveTolerance(golden.tolerance ?? options.tolerance);
  const missing = missingInputs(plugin, golden.data);
  if (missing.length > 0) {
    const available = golden.data.fieldInfo().map((f) => f.name);
    c.add({
      message: `${prefix}: ${label} declares ${missing.map((f) => `input \`${f}\``).join(', ')}, which the golden data does not have (it has: ${available.join(', ') || 'no fields'})`,
    });
    return c.result(`golden: ${name}`, golden.params);
  }
  let values: Panel;
  let dates: readonly DateString[];
  try {
    const params = resolvePluginParams(plugin.meta, golden.params ?? {}, `factor \`${plugin.id}\``);
    const result = computeFactor({ plugin, params }, golden.data, golden.range ?? {});
    values = result.values;
    dates = result.dates;
  } catch (error) {
    c.add({ message: `${prefix}: ${label}: computing on the golden data threw: ${errorText(error)}`, cause: error });
    return c.result(`golden: ${name}`, golden.params);
  }
  const assets = golden.data.assets;
  const compare = (t: number, a: number, expected: number) => {
    c.cells++;
    const actual = values.get(t, a);
    if (isClose(actual, expected, tolerance)) return;
    const both = Number.isFinite(actual) && Number.isFinite(expected);
    const allowed = tolerance.abs + tolerance.rel * Math.abs(expected);
    c.add({
      date: dates[t]!,
      asset: assets[a]!,
      expected,
      actual,
      message: `${prefix}: ${label} value on ${dates[t]!} for asset \`${assets[a]!}\` is ${num(actual)}, expected ${num(expected)}${both ? ` (difference ${num(Math.abs(actual - expected))} > tolerance ${num(allowed)})` : ''}`,
    });
  };
  const expected = golden.expected;
  const shapeProblem = (rows: number, columns: number) =>
    c.add({
      message: `${prefix}: expected values are ${rows} dates × ${columns} assets, but the range has ${dates.length} dates (${dates[0] ?? '-'} … ${dates[dates.length - 1] ?? '-'}) × ${assets.length} assets`,
    });
  if (isPanel(expected)) {
    if (expected.dates !== dates.length || expected.assets !== assets.length) shapeProblem(expected.dates, expected.assets);
    else for (let a = 0; a < assets.length; a++) for (let t = 0; t < dates.length; t++) compare(t, a, expected.get(t, a));
  } else if (expected.length > 0 && Array.isArray(expected[0])) {
    const rows = expected as readonly (readonly (number | null)[])[];
    const ragged = rows.findIndex((row) => row.length !== assets.length);
    if (rows.length !== dates.length || ragged >= 0) shapeProblem(rows.length, ragged >= 0 ? rows[ragged]!.length : assets.length);
    else rows.forEach((row, t) => row.forEach((value, a) => compare(t, a, value ?? Number.NaN)));
  } else {
    const dateIndex = new Map(dates.map((d, t) => [d, t]));
    const assetIndex = new Map(assets.map((id, a) => [id, a]));
    for (const cell of expected as readonly GoldenValue[]) {
      const t = dateIndex.get(cell.date);
      const a = assetIndex.get(cell.asset);
      if (t === undefined || a === undefined) {
        c.add({
          message: `${prefix}: expected a value on ${show(cell.date)} for asset ${show(cell.asset)}, but ${t === undefined ? `that date is not in the computed range (${dates[0] ?? '-'} … ${dates[dates.length - 1] ?? '-'})` : 'the golden data has no such asset'}`,
        });
        continue;
      }
      compare(t, a, cell.value ?? Number.NaN);
    }
  }
  if (c.cells === 0 && c.count === 0) c.add({ message: `${prefix}: no expected values given` });
  return c.result(`golden: ${name}`, golden.params);
}

function isPanel(value: unknown): value is Panel {
  return value instanceof Panel || (typeof value === 'object' && value !== null && (value as Panel).values instanceof Float64Array && typeof (value as Panel).dates === 'number');
}

// ---------------------------------------------------------------------------------------------
// property checks on sample data
// ---------------------------------------------------------------------------------------------

/** Run `body`; a throw while preparing (params, sample data, baseline) becomes one failure. */
function guarded(check: CheckName, subject: Subject<ParamSchema>, body: (c: Collector) => void): CheckResult {
  const c = new Collector(check, subject.id);
  try {
    body(c);
  } catch (error) {
    c.add({ message: `${check}: ${subject.label}: could not run on the sample data: ${errorText(error)}`, cause: error });
  }
  return c.result(check, subject.input);
}

function vacuous(c: Collector, subject: Subject<ParamSchema>, what: string): void {
  c.add({
    message: `${c.check}: ${subject.label} gives no finite value ${what}, so this check would prove nothing; pass \`data\` (or params) the factor can compute values on`,
  });
}

function finiteCount(panel: Panel, a: number): number {
  let count = 0;
  for (let t = 0; t < panel.dates; t++) if (Number.isFinite(panel.get(t, a))) count++;
  return count;
}

/** Asset indices, those with the most finite values first (ties: lower index first). */
function assetsByCoverage(panel: Panel): number[] {
  const counts = Array.from({ length: panel.assets }, (_, a) => finiteCount(panel, a));
  return counts.map((_, a) => a).sort((x, y) => counts[y]! - counts[x]! || x - y);
}

const spread = (lo: number, hi: number, fractions: readonly number[]) => [...new Set(fractions.map((f) => Math.round(lo + (hi - lo) * f)))];

/** Options of {@link checkLookback} and {@link checkDeterminism}. */
export interface ToleranceOptions<S extends ParamSchema = ParamSchema> extends PropertyCheckOptions<S> {
  /** How close is equal when rounding may differ (more history, later start); default `{ abs: 1e-12, rel: 1e-9 }`. */
  readonly tolerance?: Tolerance;
}

/**
 * With lookback `L` for the parameters, the value on date `t` computed from exactly `L` days of
 * history (`computeFactor(…, { start: t, end: t })`) equals the value computed from all the
 * history in the data (`{ start: 0, end: t }`), within the tolerance, for every asset and four
 * dates spread over `[L + 1, last]`. Needs at least `L + 2` dates.
 */
export function checkLookback<S extends ParamSchema>(plugin: FactorPlugin<S>, options: ToleranceOptions<S> = {}): CheckResult {
  return lookbackCheck(new Subject(plugin, options) as Subject<ParamSchema>, options.tolerance);
}

/** {@link checkLookback} on a prepared subject (shared sample and baseline). */
export function lookbackCheck(subject: Subject<ParamSchema>, tolerance?: Tolerance): CheckResult {
  const tol = resolveTolerance(tolerance);
  return guarded('lookback', subject, (c) => {
    const { lookback } = subject.resolved();
    const snapshot = subject.snapshot();
    const n = snapshot.dates.length;
    if (n < lookback + 2) {
      c.add({ message: `lookback: ${subject.label}: the sample data has ${n} dates; checking a lookback of ${lookback} needs at least ${lookback + 2}` });
      return;
    }
    const data = toMarketData(snapshot);
    let finite = 0;
    for (const t of spread(lookback + 1, n - 1, [0.25, 0.5, 0.75, 1])) {
      const exact = subject.run(data, { start: t, end: t });
      const more = subject.run(data, { start: 0, end: t });
      const date = snapshot.dates[t]!;
      for (let a = 0; a < snapshot.assets.length; a++) {
        const actual = exact.get(0, a);
        const expected = more.get(t, a);
        c.cells++;
        if (Number.isFinite(expected)) finite++;
        if (isClose(actual, expected, tol)) continue;
        const asset = snapshot.assets[a]!;
        c.add({
          date,
          asset,
          expected,
          actual,
          message: `lookback: ${subject.label} declared ${lookback} but values change with more history: on ${date} for asset \`${asset}\` the value is ${num(actual)} with ${lookback} days of history and ${num(expected)} with ${t}`,
        });
      }
    }
    if (finite === 0) vacuous(c, subject, 'on the dates the lookback check compares');
  });
}

/**
 * With every input of one asset missing on every date (`NaN`; categorical `-1`), every value of
 * that asset is `NaN`. The asset is the one with the most finite values on the sample data.
 * (A factor that deliberately gives values without data — a count that defaults to 0 — should
 * skip this check.)
 */
export function checkMissingData<S extends ParamSchema>(plugin: FactorPlugin<S>, options: PropertyCheckOptions<S> = {}): CheckResult {
  return missingDataCheck(new Subject(plugin, options) as Subject<ParamSchema>);
}

/** {@link checkMissingData} on a prepared subject. */
export function missingDataCheck(subject: Subject<ParamSchema>): CheckResult {
  return guarded('missing-data', subject, (c) => {
    const snapshot = subject.snapshot();
    const baseline = subject.baseline();
    const n = snapshot.dates.length;
    const a = assetsByCoverage(baseline)[0];
    if (a === undefined || finiteCount(baseline, a) === 0) return vacuous(c, subject, 'on the sample data');
    const asset = snapshot.assets[a]!;
    const values = subject.run(blankAsset(snapshot, a, 0, n));
    for (let t = 0; t < n; t++) {
      c.cells++;
      const actual = values.get(t, a);
      if (Number.isNaN(actual)) continue;
      const date = snapshot.dates[t]!;
      c.add({
        date,
        asset,
        expected: Number.NaN,
        actual,
        message: `missing-data: ${subject.label} value on ${date} for asset \`${asset}\` is ${num(actual)}, expected NaN: every input of \`${asset}\` was missing on every date`,
      });
    }
  });
}

/**
 * Every value is finite or `NaN` — never `±Infinity` — on the whole sample (whose first `L`
 * dates have less history than the lookback, and which holds a late listing) and on the sample
 * cut to its first 1, 2, ⌈L/2⌉, `L` and `L + 1` dates; and computing on those short datasets
 * does not throw.
 */
export function checkShortHistory<S extends ParamSchema>(plugin: FactorPlugin<S>, options: PropertyCheckOptions<S> = {}): CheckResult {
  return shortHistoryCheck(new Subject(plugin, options) as Subject<ParamSchema>);
}

/** {@link checkShortHistory} on a prepared subject. */
export function shortHistoryCheck(subject: Subject<ParamSchema>): CheckResult {
  return guarded('short-history', subject, (c) => {
    const { lookback } = subject.resolved();
    const snapshot = subject.snapshot();
    const n = snapshot.dates.length;
    const data = toMarketData(snapshot);
    const lengths = [...new Set([1, 2, Math.ceil(lookback / 2), lookback, lookback + 1])].filter((m) => m >= 1 && m < n).sort((x, y) => x - y);
    const runs: { what: string; data: MarketData }[] = [
      { what: 'on the sample data', data },
      ...lengths.map((m) => ({ what: `with only ${m} ${m === 1 ? 'date' : 'dates'} of data`, data: data.window(0, m) })),
    ];
    for (const run of runs) {
      let values: Panel;
      try {
        values = subject.run(run.data);
      } catch (error) {
        c.add({ message: `short-history: ${subject.label} threw ${run.what}: ${errorText(error)}`, cause: error });
        continue;
      }
      for (let a = 0; a < values.assets; a++) {
        for (let t = 0; t < values.dates; t++) {
          c.cells++;
          const actual = values.get(t, a);
          if (Number.isFinite(actual) || Number.isNaN(actual)) continue;
          const date = snapshot.dates[t]!;
          const asset = snapshot.assets[a]!;
          c.add({ date, asset, actual, message: `short-history: ${subject.label} value on ${date} for asset \`${asset}\` is ${num(actual)} ${run.what}; values must be finite or NaN` });
        }
      }
    }
  });
}

/**
 * One asset's missing inputs do not poison other assets: with every input of one asset missing
 * (a) on every date and (b) on the middle third of the dates (a different asset), every value of
 * every other asset that is finite on the unmodified sample stays finite. Values may change —
 * a cross-sectional normalisation legitimately sees one asset fewer — but must not become `NaN`
 * or `±Infinity`. Needs at least 2 assets.
 */
export function checkCrossAsset<S extends ParamSchema>(plugin: FactorPlugin<S>, options: PropertyCheckOptions<S> = {}): CheckResult {
  return crossAssetCheck(new Subject(plugin, options) as Subject<ParamSchema>);
}

/** {@link checkCrossAsset} on a prepared subject. */
export function crossAssetCheck(subject: Subject<ParamSchema>): CheckResult {
  return guarded('cross-asset', subject, (c) => {
    const snapshot = subject.snapshot();
    const baseline = subject.baseline();
    const n = snapshot.dates.length;
    const N = snapshot.assets.length;
    if (N < 2) {
      c.add({ message: `cross-asset: ${subject.label}: the sample data has ${N} asset; the check needs at least 2` });
      return;
    }
    const [first, second] = assetsByCoverage(baseline) as [number, number];
    const from = Math.floor(n / 3);
    const to = Math.max(from + 1, Math.floor((2 * n) / 3));
    const scenarios = [
      { a: first, from: 0, to: n, what: 'every input missing on every date' },
      { a: second, from, to, what: `every input missing from ${snapshot.dates[from]!} to ${snapshot.dates[to - 1]!}` },
    ];
    for (const scenario of scenarios) {
      const holed = snapshot.assets[scenario.a]!;
      const values = subject.run(blankAsset(snapshot, scenario.a, scenario.from, scenario.to));
      for (let b = 0; b < N; b++) {
        if (b === scenario.a) continue;
        for (let t = 0; t < n; t++) {
          const expected = baseline.get(t, b);
          if (!Number.isFinite(expected)) continue;
          c.cells++;
          const actual = values.get(t, b);
          if (Number.isFinite(actual)) continue;
          const date = snapshot.dates[t]!;
          const asset = snapshot.assets[b]!;
          c.add({
            date,
            asset,
            expected,
            actual,
            message: `cross-asset: ${subject.label} value on ${date} for asset \`${asset}\` became ${num(actual)} (was ${num(expected)}) when asset \`${holed}\` had ${scenario.what}`,
          });
        }
      }
    }
    if (c.cells === 0) vacuous(c, subject, 'on the sample data');
  });
}

/** Options of {@link checkLookAhead}. */
export interface LookAheadOptions<S extends ParamSchema = ParamSchema> extends PropertyCheckOptions<S> {
  /**
   * Cut dates (dates or calendar indices, each before the last date); default: three, at a
   * quarter, half and three quarters of the sample.
   */
  readonly cuts?: readonly (DateString | number)[];
  /** Garbage kinds to try at every cut; default all of {@link GARBAGE_KINDS}. */
  readonly garbage?: readonly GarbageKind[];
  /**
   * Run the garbled data under fresh asset ids (same form and order), so a cache the factor
   * keeps between calls cannot hand it clean values; default `true`. Turn off only for a factor
   * that depends on the exact ids.
   */
  readonly renameAssets?: boolean;
}

/**
 * No look-ahead: for each cut date `t` and garbage kind, every declared input (numeric and
 * categorical) of every asset on every date after `t` is replaced by garbage (see
 * {@link GarbageKind}), and every value on dates ≤ `t` must be bit-identical (`Object.is`) to
 * the value on the unmodified sample. Runs through `computeFactor` on `createMemoryData` with
 * only the declared inputs.
 */
export function checkLookAhead<S extends ParamSchema>(plugin: FactorPlugin<S>, options: LookAheadOptions<S> = {}): CheckResult {
  return lookAheadCheck(new Subject(plugin, options) as Subject<ParamSchema>, options as LookAheadOptions);
}

/** {@link checkLookAhead} on a prepared subject. */
export function lookAheadCheck(subject: Subject<ParamSchema>, options: Omit<LookAheadOptions, keyof PropertyCheckOptions> = {}): CheckResult {
  return guarded('look-ahead', subject, (c) => {
    const snapshot = subject.snapshot();
    const baseline = subject.baseline();
    const n = snapshot.dates.length;
    if (n < 2) {
      c.add({ message: `look-ahead: ${subject.label}: the sample data has ${n} date; the check needs at least 2` });
      return;
    }
    const cuts = options.cuts ? options.cuts.map((cut) => resolveCut(cut, snapshot)) : spread(0, n - 1, [0.25, 0.5, 0.75]).filter((t) => t < n - 1);
    const random = createRandom(subject.seed, 'garbage');
    let finite = 0;
    for (const cut of cuts) {
      const cutDate = snapshot.dates[cut]!;
      for (const kind of options.garbage ?? GARBAGE_KINDS) {
        const garbled = garble(snapshot, cut, kind, random);
        let values: Panel;
        try {
          values = subject.run(toMarketData(garbled, options.renameAssets === false ? snapshot.assets : freshAssetIds(snapshot.assets)));
        } catch (error) {
          c.add({ message: `look-ahead: ${subject.label} threw when inputs after ${cutDate} were replaced by garbage (${kind}): ${errorText(error)}`, cause: error });
          continue;
        }
        for (let a = 0; a < snapshot.assets.length; a++) {
          for (let t = 0; t <= cut; t++) {
            c.cells++;
            const expected = baseline.get(t, a);
            const actual = values.get(t, a);
            if (Number.isFinite(expected)) finite++;
            if (Object.is(expected, actual)) continue;
            const date = snapshot.dates[t]!;
            const asset = snapshot.assets[a]!;
            c.add({
              date,
              asset,
              expected,
              actual,
              message: `look-ahead: ${subject.label} value on ${date} for asset \`${asset}\` changed from ${num(expected)} to ${num(actual)} when inputs after ${cutDate} were replaced by garbage (${kind})`,
            });
          }
        }
      }
    }
    if (finite === 0) vacuous(c, subject, 'on or before the cut dates');
  });
}

function resolveCut(cut: DateString | number, snapshot: InputSnapshot): number {
  const n = snapshot.dates.length;
  const index = typeof cut === 'number' ? cut : snapshot.dates.indexOf(cut);
  if (!Number.isInteger(index) || index < 0 || index >= n - 1) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `cut ${show(cut)} is not a date of the sample before its last (${snapshot.dates[0] ?? '-'} … ${snapshot.dates[n - 2] ?? '-'})`);
  }
  return index;
}

/**
 * Determinism: two more runs on the sample data (under fresh asset ids, see
 * {@link LookAheadOptions.renameAssets}) are bit-identical (`Object.is`) to the first; and runs
 * starting later (`{ start: s }` and `{ start: s, end: e }` with `s > L`, so the data holds the
 * full lookback) give the same values on their dates within the tolerance (rounding may differ
 * when a rolling computation starts elsewhere). Needs at least `L + 2` dates.
 */
export function checkDeterminism<S extends ParamSchema>(plugin: FactorPlugin<S>, options: ToleranceOptions<S> & { readonly renameAssets?: boolean } = {}): CheckResult {
  return determinismCheck(new Subject(plugin, options) as Subject<ParamSchema>, options);
}

/**
 * Inputs are shared with the data store (read-only by contract): a factor that writes into a
 * panel it got from `ctx.input` corrupts every later computation on the same dataset.
 */
function reportModifiedInputs(c: Collector, subject: Subject<ParamSchema>, snapshot: InputSnapshot, market: MarketData): void {
  const n = snapshot.dates.length;
  for (const [name, field] of snapshot.numeric) {
    const now = market.field(name).values;
    for (let i = 0; i < now.length; i++) {
      if (Object.is(now[i], field.values[i])) continue;
      const t = i % n;
      const a = Math.floor(i / n);
      c.add({
        date: snapshot.dates[t]!,
        asset: snapshot.assets[a]!,
        expected: field.values[i]!,
        actual: now[i]!,
        message: `determinism: ${subject.label} modified its input \`${name}\` in place (${snapshot.dates[t]!}, asset \`${snapshot.assets[a]!}\`: ${num(field.values[i])} became ${num(now[i])}); inputs are the data store's panels and read-only, write results into new arrays`,
      });
      break;
    }
  }
  for (const [name, field] of snapshot.categorical) {
    const now = market.categorical(name).codes;
    const i = now.findIndex((code, k) => code !== field.codes[k]);
    if (i >= 0) c.add({ message: `determinism: ${subject.label} modified its categorical input \`${name}\` in place (row ${i % n}, asset ${Math.floor(i / n)}); inputs are read-only` });
  }
}

/** {@link checkDeterminism} on a prepared subject. */
export function determinismCheck(subject: Subject<ParamSchema>, options: { readonly tolerance?: Tolerance; readonly renameAssets?: boolean } = {}): CheckResult {
  const tol = resolveTolerance(options.tolerance);
  return guarded('determinism', subject, (c) => {
    const { lookback } = subject.resolved();
    const snapshot = subject.snapshot();
    const baseline = subject.baseline();
    const n = snapshot.dates.length;
    const N = snapshot.assets.length;
    let finite = 0;
    for (let a = 0; a < N; a++) finite += finiteCount(baseline, a);
    if (finite === 0) return vacuous(c, subject, 'on the sample data');
    const ids = options.renameAssets === false ? snapshot.assets : freshAssetIds(snapshot.assets);
    let previous = baseline;
    for (let run = 0; run < 2; run++) {
      const market = toMarketData(snapshot, ids);
      const values = subject.run(market);
      if (run === 0) reportModifiedInputs(c, subject, snapshot, market);
      for (let a = 0; a < N; a++) {
        for (let t = 0; t < n; t++) {
          c.cells++;
          const expected = previous.get(t, a);
          const actual = values.get(t, a);
          if (Object.is(expected, actual)) continue;
          const date = snapshot.dates[t]!;
          const asset = snapshot.assets[a]!;
          c.add({ date, asset, expected, actual, message: `determinism: ${subject.label} value on ${date} for asset \`${asset}\` differs between two runs on the same data: ${num(expected)} then ${num(actual)}` });
        }
      }
      previous = values;
    }
    if (n < lookback + 2) {
      c.add({ message: `determinism: ${subject.label}: the sample data has ${n} dates; comparing a later start needs at least ${lookback + 2} (lookback ${lookback})` });
      return;
    }
    const start = lookback + Math.max(1, Math.floor((n - 1 - lookback) / 3));
    const end = start + Math.floor((n - 1 - start) / 2);
    const data = toMarketData(snapshot);
    for (const range of [{ start }, { start, end }]) {
      const values = subject.run(data, range);
      const what = range.end === undefined ? `from ${snapshot.dates[start]!}` : `for ${snapshot.dates[start]!} … ${snapshot.dates[end]!}`;
      for (let a = 0; a < N; a++) {
        for (let t = 0; t < values.dates; t++) {
          c.cells++;
          const expected = baseline.get(start + t, a);
          const actual = values.get(t, a);
          if (isClose(actual, expected, tol)) continue;
          const date = snapshot.dates[start + t]!;
          const asset = snapshot.assets[a]!;
          c.add({
            date,
            asset,
            expected,
            actual,
            message: `determinism: ${subject.label} value on ${date} for asset \`${asset}\` is ${num(actual)} when computed ${what} but ${num(expected)} when computed from ${snapshot.dates[0]!} (same data)`,
          });
        }
      }
    }
  });
}
