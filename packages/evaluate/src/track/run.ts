import {
  FIELD,
  FactorkitError,
  type MarketData,
  Panel,
  type UniverseInstance,
  type UniversePlugin,
  ValidationError,
  isFactorkitError,
  show,
  missingInputs,
  parseDate,
  resolvePluginParams,
  upperBound,
} from '@factorkit/core';
import { type ComputedFactor, type FactorInput, type FactorReport, streamFactors } from '@factorkit/pipeline';
import { evaluationWindow } from '../analytics/continue.js';
import type { FactorEvaluation } from '../analytics/types.js';
import { forwardReturnsByDate } from '../analytics/forward.js';
import { checkMfeResume } from '../mfe/run.js';
import { benchmarkReturns } from '../mfe/benchmark.js';
import { resolveMfeOptions } from '../mfe/options.js';
import { Fingerprint } from '../mfe/fingerprint.js';
import { periodEnds } from '../mfe/schedule.js';
import { TRACKING_DEFAULTS, type TrackingConfig, parseTrackingConfig } from './config.js';
import { TRACKING_FORMAT, TRACKING_FORMAT_VERSION } from './summary.js';
import { type SeriesTask, inProcessExecutor, seriesInput } from './executor.js';
import { seriesMfeOptions } from './series.js';
import type {
  ResolvedTrackingConfig,
  SkippedFactor,
  TrackingFactorInfo,
  TrackingFrequency,
  TrackingOptions,
  TrackingResult,
  TrackingSeries,
  TrackingSeriesState,
  TrackingUniverseInfo,
} from './types.js';

type Names = Required<NonNullable<TrackingOptions['optionNames']>>;

/** A benchmark resolved against the run's data view. */
interface Benchmark {
  readonly info: TrackingUniverseInfo;
  readonly instance: UniverseInstance;
  readonly returns: Float64Array;
}

/**
 * The weekly factor-tracking run, as sell-side quant teams publish it: for every factor and
 * every benchmark, the maximum-factor-exposure (MFE) portfolio test under real constraints
 * (`runMfe`) with its tracking aggregates — last week, last month, year to date, annualised
 * excess, per year, excess volatility, IR, drawdown, win rate (`mfeAggregates`) — next to the
 * classic IC and quantile analytics (`evaluateFactor`) of the raw and the preprocessed factor.
 *
 * - **No look-ahead by construction**: the data is cut at the last trading day on or before
 *   `asOf` (`data.window`) before anything else reads it, so the result is the same as a run
 *   on data that ends there.
 * - **Everything checked before the first factor is computed**, each problem naming the option
 *   (or the caller's flag, `optionNames`): the dates (`start` after `asOf`, `asOf` before the
 *   data, a range without a trading day or a rebalance date), the configuration (every problem
 *   with its dot-path, the MFE settings against the data), every universe (unknown indices,
 *   weights refused), every factor (unknown parameters, missing inputs — or, with
 *   `missingInputs: 'skip'`, left out and named).
 * - **Every drop reported**: per factor the pipeline's coverage report (raw and processed), per
 *   universe where its benchmark weights came from (published, or the proxy used and on how many
 *   dates), per series the MFE's counts — infeasible dates with `@factorkit/portfolio`'s
 *   explanation, skipped dates with the reason — and the analytics' coverage. An infeasible date
 *   never stops the run.
 * - Factors are computed once each (raw over the whole market, preprocessed over the investable
 *   universe) and released after their series; each series is {@link trackSeries}.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` (dates, universes, frequency), ValidationError
 *   `FK_INVALID_PARAMS` (configuration, factor parameters), `FK_MISSING_INPUT` (a factor's
 *   inputs, with `missingInputs: 'error'`); what the factor pipeline throws (`FK_PLUGIN_FAILED`).
 * @example
 * const result = await runTracking({ data, asOf: '2024-06-28', universes: ['csi300', 'csi500'],
 *   benchmark: indexUniverse, investable: marketUniverse, factors, optimizer: highs });
 */
export async function runTracking(options: TrackingOptions): Promise<TrackingResult> {
  if (options.previousRun === undefined) return run(options);
  try {
    return await run(options);
  } catch (error) {
    if (!(error instanceof NoContinuation)) throw error;
    // Something did not fit the window: the whole run again, series states still resumed where they fit.
    const result = await run({ ...options, previousRun: undefined });
    return { ...result, notes: [`the previous run could not be continued over the last weeks only (${error.message}): every factor was computed in full`, ...result.notes] };
  }
}

/** Thrown inside a continued run when its window cannot be used (the message says why): the run starts again in full. */
class NoContinuation extends Error {}

/** The run-level state of a tracking run (`TrackingResult.runState`). */
interface RunState {
  readonly format: 'factorkit-tracking-run';
  readonly version: 1;
  readonly lastDate: string;
  /** Hash of the preprocessing's inputs (industry, market cap, investable members) up to `lastDate`. */
  readonly inputs: string;
  /** Per factor, its identity and processed report (continued by the next run's window). */
  readonly factors: readonly { readonly name: string; readonly id: string; readonly params: unknown; readonly package: string | null; readonly version: string | null; readonly processed: FactorReport | null }[];
}

const RUN_STATE_FORMAT = 'factorkit-tracking-run';

async function run(options: TrackingOptions): Promise<TrackingResult> {
  const started = performance.now();
  const names: Names = { asOf: 'asOf', start: 'start', universes: 'universes', factors: 'factors', config: 'config', ...options.optionNames };
  const notes: string[] = [];
  const frequency = checkFrequency(options.frequency);
  const { view, first, last, schedule } = cutData(options.data, options.asOf, options.start, frequency, names, notes);
  const given: TrackingConfig = options.config === undefined ? {} : parseTrackingConfig(options.config, names.config);

  const benchmarks = resolveBenchmarks(options, view, given, schedule, names);
  const config = resolveConfig(options, view, given, benchmarks[0]!.instance, frequency, names);
  const investable = resolveInvestable(options, view, config, names);

  const { factors, skipped } = usableFactors(options, view, names);
  for (const s of skipped) notes.push(s.message);
  const range = { start: view.calendar.at(first), end: view.calendar.at(last) };
  const processing = config.preprocess === false ? undefined : { preprocess: config.preprocess, ...(investable ? { universe: investable } : {}) };
  // Every factor is checked now (parameters, names, inputs, preprocessing), before the first is computed.
  const planned = streamFactors({ data: view, factors, range, ...processing });
  const named = factors.map((factor, k) => ({ ...factor, name: planned.names[k]! }));

  const total = benchmarks.length * factors.length;
  options.onEvent?.({ kind: 'start', universes: benchmarks.map((b) => b.info), factors: planned.names, skippedFactors: [...skipped], notes: [...notes], total });

  const infos: TrackingFactorInfo[] = [];
  const lastDate = view.calendar.at(last);
  const previous = new Map((options.previous ?? []).map((state) => [stateId(state.universe, state.factor), state]));
  // Each benchmark's return hashes, once per universe and date (shared by its factors).
  const benchmarkHash = benchmarks.map((b) => memo((through: number) => hashPrefix(b.returns, through)));
  // The preprocessing's inputs (industry, market cap, investable members) hashed up to a day: part of every signal hash.
  // Computed for this run's last day and every previous state's last day in one pass, when first asked.
  const inputCuts = [last, ...(options.previous ?? []).map((state) => view.calendar.indexOf(state.lastDate)).filter((t) => t >= 0)];
  let inputHashes: Map<number, string> | undefined;
  const inputsHash = (through: number): string => {
    inputHashes ??= hashInputs(view, investable, inputCuts);
    return inputHashes.get(through) ?? hashInputs(view, investable, [through]).get(through)!;
  };
  const keyOf = (factor: KeyedFactor, b: Benchmark): string =>
    seriesKey({ codeVersion: options.codeVersion ?? '', factor, universe: b.info, frequency, start: range.start, config, optimizer: options.optimizer.id });
  // A continued run: the factors processed and the series evaluated over the window only.
  const window = options.previousRun === undefined ? undefined : continuation(options.previousRun, named, benchmarks, previous, view, first, processing !== undefined, inputsHash, keyOf, config);
  // Slots in run order: series finish in any order on a parallel executor.
  const slots: (TrackingSeries | undefined)[][] = benchmarks.map(() => []);
  // A continued run with a few new rebalance dates per series runs them in this thread: starting worker threads
  // (each reading the data it needs through the link) would cost more than the series.
  const fresh = window ? schedule.filter((t) => t > window.previousLast).length : 0;
  const inThread = window !== undefined && fresh <= CONTINUED_IN_THREAD && options.executor !== undefined && options.executor !== inProcessExecutor;
  if (inThread) notes.push(`a continued run with ${fresh} new rebalance date${fresh === 1 ? '' : 's'} per series: its series ran in this thread instead of on ${options.executor.label}`);
  const executor = inThread ? inProcessExecutor : (options.executor ?? inProcessExecutor);
  const context = {
    data: view,
    asOf: view.calendar.at(last),
    frequency,
    universes: benchmarks.map((b) => ({ name: b.info.name, instance: b.instance, benchmarkReturns: b.returns })),
    ...(investable ? { investable } : {}),
    config,
    // Forward returns depend on the data and the horizons only: once for every series (a continued run needs the window's).
    forward: forwardReturnsByDate(view, { horizons: config.horizons, ...(window ? { from: window.redoFrom } : {}) }),
    optimizer: options.optimizer,
    ...(options.onProblem ? { onProblem: options.onProblem } : {}),
  };
  const runner = await executor.open(context);
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let done = 0;
  // A series is handed over as soon as its factor is computed; at most this many wait or run at once.
  const inFlightLimit = Math.max(1, executor.concurrency === 1 ? 1 : 2 * executor.concurrency);
  const submit = (u: number, k: number, task: Omit<SeriesTask, 'universe'>, state: NonNullable<TrackingSeries['state']>): void => {
    const job = runner.run({ universe: u, ...task }).then(
      (result) => {
        const series: TrackingSeries = { ...result, state: result.evaluations ? { ...state, analytics: result.evaluations } : state };
        slots[u]![k] = series;
        options.onEvent?.({ kind: 'series', done: ++done, total, series });
      },
      (error: unknown) => {
        failure ??= { error };
      },
    );
    inFlight.add(job);
    void job.finally(() => inFlight.delete(job));
  };
  try {
    for (let k = 0; k < named.length && !failure; k++) {
      const factor = named[k]!;
      let r: ComputedFactor;
      let p: ComputedFactor | undefined;
      try {
        // One factor at a time, computed once: the raw values (whole market) and the processed ones
        // (investable universe, preprocessed) from one call of the plugin; let go after its series.
        const continued = window ? { window: { from: window.from, previous: [window.reports[k]!] } } : {};
        if (processing) {
          p = only(streamFactors({ data: view, factors: [factor], range, ...processing, keepRaw: true, ...continued }));
          r = p.raw!;
        } else r = only(streamFactors({ data: view, factors: [factor], range }));
      } catch (error) {
        // A plugin may find out only when computing that the data lacks what it needs (inputs that are each optional, one of them required).
        if (options.missingInputs !== 'skip' || !isFactorkitError(error) || error.code !== 'FK_MISSING_INPUT') throw error;
        const missing = Array.isArray(error.details.missing) ? (error.details.missing as string[]) : [];
        const left: SkippedFactor = { name: factor.name, id: factor.plugin.id, missing, message: `factor \`${factor.name}\` left out: ${error.message}` };
        skipped.push(left);
        notes.push(left.message);
        options.onEvent?.({ kind: 'skipped', factor: left });
        done += benchmarks.length;
        continue;
      }
      const info = factorInfo(factor, r, p);
      infos.push(info);
      options.onEvent?.({ kind: 'factor', index: k + 1, count: factors.length, factor: info });
      if (info.outcome.status === 'empty') {
        done += benchmarks.length;
        continue;
      }
      const task: SeriesTask['factor'] = { name: info.name, direction: info.direction, raw: r.values, ...(p ? { processed: p.values } : {}), dates: r.dates };
      // The signal's hashes, once per factor and date (every universe's series reads the same signal): the raw values
      // (computed over the whole range in every run) and the preprocessing's inputs.
      const rawHashes = hashRows(task.raw, task.dates, [lastDate, ...benchmarks.flatMap((b) => previous.get(stateId(b.info.name, info.name))?.lastDate ?? [])]);
      const signalHash = memo((through: string) => `${rawHashes.get(through) ?? hashRows(task.raw, task.dates, [through]).get(through)!}:${inputsHash(view.calendar.indexOf(through))}`);
      for (let u = 0; u < benchmarks.length && !failure; u++) {
        while (inFlight.size >= inFlightLimit) await Promise.race(inFlight);
        if (failure) break;
        const b = benchmarks[u]!;
        const key = keyOf(info, b);
        const state = { universe: b.info.name, factor: info.name, key, lastDate, data: { signal: signalHash(lastDate), benchmark: benchmarkHash[u]!(last) } };
        const before = previous.get(stateId(b.info.name, info.name));
        const reuse = previousState(before, state, signalHash, benchmarkHash[u]!, view);
        let continued: SeriesTask['continued'];
        if (window) {
          const analytics = before!.analytics!;
          continued = { from: view.calendar.indexOf(window.from) - first, raw: analytics.raw, ...(analytics.processed ? { processed: analytics.processed } : {}) };
          // Every series must go on from its state, or the rows before the window would be missing.
          const why = reuse.resumeRefused?.message ?? mfeRefusal(reuse.resume, { universe: u, factor: task, continued }, context, options.optimizer);
          if (why !== undefined) throw new NoContinuation(`${b.info.name} × ${info.name}: ${why}`);
        }
        submit(u, k, { factor: task, ...reuse, ...(continued ? { continued } : {}) }, state);
      }
    }
    while (inFlight.size > 0) await Promise.race(inFlight);
  } finally {
    // After a failure: what is still running finishes (its result unused) before the runner closes.
    if (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    await runner.close();
  }
  if (failure) throw failure.error;
  const byUniverse = slots.map((row) => row.filter((s): s is TrackingSeries => s !== undefined));
  const unchangedBefore = firstChangedDate(byUniverse.flat(), previous, view, config.horizons);

  return {
    asOf: parseDate(options.asOf, names.asOf),
    lastDate: view.calendar.at(last),
    start: view.calendar.at(first),
    dataStart: view.calendar.at(0),
    config,
    optimizer: options.optimizer.id,
    executor: executor.label,
    universes: benchmarks.map((b) => b.info),
    factors: infos,
    skippedFactors: skipped,
    series: byUniverse.flat(),
    notes,
    seconds: (performance.now() - started) / 1000,
    ...(unchangedBefore ? { unchangedBefore } : {}),
    ...(window ? { continuedFrom: window.from } : {}),
    runState: {
      format: RUN_STATE_FORMAT,
      version: 1,
      lastDate,
      inputs: inputsHash(last),
      factors: infos.map((f) => ({ name: f.name, id: f.id, params: f.params, package: f.package ?? null, version: f.version ?? null, processed: f.processed ?? null })),
    } satisfies RunState,
  };
}

/** At most this many new rebalance dates per series, a continued run's series run in the run's thread. */
const CONTINUED_IN_THREAD = 8;

/** What a continued run needs: the window's first day, the day forward returns are needed from, the earlier processed reports by factor. */
interface Continuation {
  /** Calendar index of the previous run's last day. */
  readonly previousLast: number;
  readonly from: string;
  readonly redoFrom: string;
  readonly reports: readonly FactorReport[];
}

/**
 * Whether this run can continue the previous one over a window, and the window: the previous
 * run-level state is well formed, of the same factors (id, parameters, package, version) with
 * their processed reports, made on the same preprocessing inputs up to its last day `P`; every
 * series has a state of `P` with the key of this run and its evaluations. The window starts at
 * the earliest of the evaluations' `windowStart` and the series' last rebalance on or before
 * `P`. Anything else: `undefined` (a run in full), never an error.
 */
function continuation(
  given: unknown,
  factors: readonly (FactorInput & { name: string })[],
  benchmarks: readonly Benchmark[],
  previous: ReadonlyMap<string, TrackingSeriesState>,
  view: MarketData,
  first: number,
  processed: boolean,
  inputsHash: (through: number) => string,
  keyOf: (factor: KeyedFactor, b: Benchmark) => string,
  analytics: { readonly horizons: readonly number[]; readonly groups: number },
): Continuation | undefined {
  if (typeof given !== 'object' || given === null) return undefined;
  const state = given as Partial<RunState>;
  if (state.format !== RUN_STATE_FORMAT || state.version !== 1 || typeof state.lastDate !== 'string' || !Array.isArray(state.factors)) return undefined;
  const p = view.calendar.indexOf(state.lastDate);
  if (p < first || state.inputs !== inputsHash(p) || state.factors.length !== factors.length) return undefined;
  let from = p + 1;
  let redoFrom: string | undefined;
  const reports: FactorReport[] = [];
  const entries = state.factors as readonly unknown[];
  for (const [k, factor] of factors.entries()) {
    const entry = entries[k] as RunState['factors'][number] | null;
    if (typeof entry !== 'object' || entry === null || (entry.processed !== null && !wellFormedReport(entry.processed))) return undefined;
    const params = resolvePluginParams(factor.plugin.meta, factor.params ?? {}, `factor \`${factor.plugin.id}\``);
    const info = { name: factor.name, id: factor.plugin.id, params, package: factor.source?.package ?? null, version: factor.source?.version ?? null };
    if (entry.name !== info.name || entry.id !== info.id || entry.package !== info.package || entry.version !== info.version || JSON.stringify(entry.params) !== JSON.stringify(info.params)) return undefined;
    if (processed !== (entry.processed !== null)) return undefined;
    if (entry.processed) reports.push(entry.processed);
    const asInfo: KeyedFactor = { id: info.id, params, direction: factor.plugin.meta.direction, ...(info.package ? { package: info.package } : {}), ...(info.version ? { version: info.version } : {}) };
    for (const b of benchmarks) {
      const s = previous.get(stateId(b.info.name, factor.name));
      if (!s?.analytics || s.lastDate !== state.lastDate || s.key !== keyOf(asInfo, b)) return undefined;
      const records = s.checkpoint.result.rebalances;
      const open = records[records.length - 1];
      if (!open) return undefined;
      if (processed !== (s.analytics.processed !== undefined)) return undefined;
      // The evaluations were made with these horizons and groups (they are not part of the key: the MFE does not read them).
      const same = (e: FactorEvaluation) => JSON.stringify(e.horizons) === JSON.stringify(analytics.horizons) && e.groups === analytics.groups;
      if (!same(s.analytics.raw) || (s.analytics.processed && !same(s.analytics.processed))) return undefined;
      let needed: { windowStart: string; redoFrom: string };
      try {
        needed = evaluationWindow(s.analytics.raw, view.calendar);
        if (s.analytics.processed) evaluationWindow(s.analytics.processed, view.calendar);
      } catch {
        return undefined;
      }
      from = Math.min(from, open.index, view.calendar.indexOf(needed.windowStart));
      if (redoFrom === undefined || needed.redoFrom < redoFrom) redoFrom = needed.redoFrom;
    }
  }
  if (from < first || redoFrom === undefined) return undefined;
  return { previousLast: p, from: view.calendar.at(from), redoFrom, reports: processed ? reports : [] };
}

/** Whether a factor report read back from a state has what continuing it reads (a damaged file is a run in full, not a crash). */
function wellFormedReport(report: unknown): boolean {
  const r = report as Partial<FactorReport> | undefined;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.name === 'string' &&
    typeof r.id === 'string' &&
    typeof r.range?.first === 'string' &&
    typeof r.range.last === 'string' &&
    typeof r.lookback === 'object' &&
    r.lookback !== null &&
    typeof r.coverage === 'object' &&
    r.coverage !== null &&
    Array.isArray(r.coverage.stages) &&
    (r.preprocess === undefined || (typeof r.preprocess === 'object' && r.preprocess !== null && Array.isArray(r.preprocess.stages?.stages)))
  );
}

/** Why `runMfe` would refuse to go on from `checkpoint` for this task (checked in the run's thread), or `undefined`. */
function mfeRefusal(checkpoint: TrackingSeriesState['checkpoint'] | undefined, task: Pick<SeriesTask, 'universe' | 'factor' | 'continued'>, context: SeriesContextLike, optimizer: TrackingOptions['optimizer']): string | undefined {
  if (!checkpoint) return 'no state';
  const check = checkMfeResume(seriesMfeOptions(seriesInput(context, task, optimizer)), checkpoint);
  return check.ok ? undefined : check.message;
}

type SeriesContextLike = Parameters<typeof seriesInput>[0];

/**
 * Hashes of the preprocessing's inputs up to each calendar index of `cuts`, in one pass: industry
 * codes, market cap and the investable universe's members (as {@link hashRows}: each column's
 * digest taken at each cut).
 */
function hashInputs(view: MarketData, investable: UniverseInstance | undefined, cuts: readonly number[]): Map<number, string> {
  const sorted = [...new Set(cuts)].sort((x, y) => x - y);
  const totals = sorted.map((through) => {
    const hash = new Fingerprint();
    hash.word(through + 1);
    return hash;
  });
  const column = (feed: (hash: Fingerprint, from: number, to: number) => void): void => {
    const hash = new Fingerprint();
    let done = 0;
    for (const [k, through] of sorted.entries()) {
      feed(hash, done, through + 1);
      done = through + 1;
      totals[k]!.string(hash.digest());
    }
  };
  if (view.hasField(FIELD.industry)) {
    const industry = view.categorical(FIELD.industry);
    const T = industry.dates;
    for (const total of totals) total.string(industry.levels.join('\u0000'));
    for (let a = 0; a < industry.assets; a++) {
      column((hash, from, to) => {
        for (let t = from; t < to; t++) hash.word(industry.codes[a * T + t]!);
      });
    }
  }
  if (view.hasField(FIELD.marketCap)) {
    const cap = view.field(FIELD.marketCap);
    for (let a = 0; a < cap.assets; a++) column((hash, from, to) => hash.float64s(cap.values, a * cap.dates + from, a * cap.dates + to));
  }
  if (investable) {
    column((hash, from, to) => {
      for (let t = from; t < to; t++) {
        const row = investable.members(t);
        // Four members to a word.
        let w = 0;
        for (let a = 0; a < row.length; a++) {
          w = (w << 8) | row[a]!;
          if ((a & 3) === 3) hash.word(w);
        }
        hash.word(w);
        hash.word(row.length);
      }
    });
  }
  return new Map(sorted.map((through, k) => [through, totals[k]!.digest()]));
}

/**
 * The first day whose rows of the date-ordered outputs may differ from the previous run's, when
 * every series went on from a previous state of the same last day `P` (else `undefined`: the
 * outputs are written in full). A series' rows from its last rebalance on or before `P` change
 * (that holding period goes on, its trade may fall after `P`); an analytics row of day `t`
 * changes while `t + h` is after `P` for some horizon `h` (its forward return was cut off by the
 * end of the data). One more day of margin on the analytics side.
 */
function firstChangedDate(
  series: readonly TrackingSeries[],
  previous: ReadonlyMap<string, TrackingSeriesState>,
  view: MarketData,
  horizons: readonly number[],
): string | undefined {
  if (series.length === 0 || previous.size !== series.length) return undefined;
  let lastDay: string | undefined;
  let first: string | undefined;
  for (const s of series) {
    if (s.reuse.status !== 'resumed') return undefined;
    const state = previous.get(stateId(s.universe, s.factor));
    if (!state) return undefined;
    if (lastDay !== undefined && state.lastDate !== lastDay) return undefined;
    lastDay = state.lastDate;
    const records = state.checkpoint.result.rebalances;
    const open = records[records.length - 1];
    if (!open) return undefined;
    if (first === undefined || open.date < first) first = open.date;
  }
  const p = view.calendar.indexOf(lastDay!);
  if (p < 0) return undefined;
  const analytics = view.calendar.at(Math.max(0, p - Math.max(...horizons)));
  return analytics < first! ? analytics : first;
}

/** The one factor of a single-factor stream. */
function only(stream: Iterable<ComputedFactor>): ComputedFactor {
  for (const factor of stream) return factor;
  throw new FactorkitError('FK_INVALID_OUTPUT', 'streamFactors: a stream of one factor yielded none');
}

/**
 * The universe with each date's members, benchmark weights and tradability read once and kept:
 * every factor's MFE test and analytics read the same rows (the `index` plugin drifts published
 * weights to the date on every call, ~1 ms each). What it returns is shared: read-only.
 */
function memoUniverse(universe: UniverseInstance): UniverseInstance {
  return {
    id: universe.id,
    members: memo((t) => universe.members(t)),
    ...(universe.weights ? { weights: memo((t) => universe.weights!(t)) } : {}),
    ...(universe.tradability ? { tradability: memo((t) => universe.tradability!(t)) } : {}),
  };
}

function checkFrequency(frequency: unknown): TrackingFrequency {
  if (frequency === undefined) return TRACKING_DEFAULTS.frequency;
  if (frequency === 'weekly' || frequency === 'monthly') return frequency;
  throw new FactorkitError('FK_INVALID_ARGUMENT', `frequency: expected \`weekly\` or \`monthly\`, got ${show(frequency)}`);
}

/** The dates checked and the data cut at the last trading day on or before `asOf`: nothing after it is visible from here on. */
function cutData(data: MarketData, asOfText: string, startText: string | undefined, frequency: TrackingFrequency, names: Names, notes: string[]) {
  const asOf = parseDate(asOfText, names.asOf);
  const start = startText === undefined ? undefined : parseDate(startText, names.start);
  if (start !== undefined && start > asOf) throw new FactorkitError('FK_INVALID_ARGUMENT', `${names.start} \`${start}\` is after ${names.asOf} \`${asOf}\``);
  const calendar = data.calendar;
  if (calendar.length === 0) throw new FactorkitError('FK_INVALID_DATA', 'the dataset has no trading day');
  const covers = `the data covers ${calendar.at(0)} … ${calendar.at(calendar.length - 1)}`;
  const last = calendar.floor(asOf);
  if (last < 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `${names.asOf} \`${asOf}\` is before the data's first trading day (${covers})`);
  const first = start === undefined ? 0 : calendar.ceil(start);
  if (first > last) throw new FactorkitError('FK_INVALID_ARGUMENT', `no trading day of the data lies between ${names.start} \`${start}\` and ${names.asOf} \`${asOf}\` (${covers})`);
  if (last === calendar.length - 1 && asOf > calendar.at(last)) notes.push(`${names.asOf} ${asOf} is after the data's last trading day: the run ends on ${calendar.at(last)}`);
  const view = data.window(0, last + 1);
  const schedule = periodEnds(view.calendar, frequency === 'weekly' ? 'week' : 'month', first, last);
  if (schedule.length === 0) {
    throw new FactorkitError(
      'FK_INVALID_ARGUMENT',
      `no ${frequency} rebalance date between ${view.calendar.at(first)} and ${view.calendar.at(last)}: it is the last trading day of each ${frequency === 'weekly' ? 'ISO week' : 'calendar month'}; move ${names.start} earlier or ${names.asOf} later`,
    );
  }
  return { view, first, last, schedule };
}

function configError(names: Names, issues: readonly { path: string; message: string }[], prefix = ''): ValidationError {
  return new ValidationError(
    'FK_INVALID_PARAMS',
    `${names.config}: invalid tracking config`,
    issues.map((i) => ({ path: prefix && i.path ? `${prefix}.${i.path}` : prefix || i.path, message: i.message })),
  );
}

/** Plugin parameters checked by the plugin's schema; problems become config problems under `prefix`. */
function pluginParams(meta: Parameters<typeof resolvePluginParams>[0], input: Record<string, unknown>, owner: string, names: Names, prefix: string): Record<string, unknown> {
  try {
    return resolvePluginParams(meta, input, owner) as Record<string, unknown>;
  } catch (error) {
    if (isFactorkitError(error) && error.code === 'FK_INVALID_PARAMS' && 'issues' in error) {
      // The schema's paths start at `params`; in the config they sit under `prefix`.
      throw configError(names, (error as ValidationError).issues.map((i) => ({ path: i.path.replace(/^params\.?/, ''), message: i.message })), prefix);
    }
    throw error;
  }
}

/** Every universe resolved against the view, all problems at once; where each one's weights come from. */
function resolveBenchmarks(options: TrackingOptions, view: MarketData, config: TrackingConfig, schedule: readonly number[], names: Names): Benchmark[] {
  const list: readonly string[] = options.universes;
  if (list.length === 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `${names.universes}: give at least one universe (an index code or alias: csi300, csi500, csi1000, csia500…)`);
  const problems: string[] = [];
  const resolved: { name: string; plugin: UniversePlugin<any>; instance: UniverseInstance; params: Record<string, unknown> }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  const seen = new Map<string, string>();
  for (const name of list) {
    if (seen.has(name)) {
      problems.push(`\`${name}\` is listed twice`);
      continue;
    }
    // A name of `namedBenchmarks` is its own plugin's, given the settings of `config.universe` it declares.
    const named = options.namedBenchmarks !== undefined && Object.hasOwn(options.namedBenchmarks, name) ? options.namedBenchmarks[name] : undefined;
    const plugin = named ?? options.benchmark;
    const declared = (named?.meta.params ?? {}) as object;
    const given = named ? Object.fromEntries(Object.entries(config.universe ?? {}).filter(([key]) => Object.hasOwn(declared, key))) : { ...config.universe, index: name };
    const params = pluginParams(plugin.meta, given, `universe \`${plugin.id}\``, names, 'universe');
    try {
      const instance = memoUniverse(plugin.resolve({ data: view, params }));
      if (typeof instance.weights !== 'function') {
        problems.push(`\`${name}\`: universe \`${instance.id}\` gives no benchmark weights, so it cannot be a benchmark of the MFE test`);
        continue;
      }
      const twin = [...seen.entries()].find(([, id]) => id === instance.id);
      if (twin) problems.push(`\`${name}\` is \`${twin[0]}\` again (${instance.id})`);
      seen.set(name, instance.id);
      resolved.push({ name, plugin, instance, params });
    } catch (error) {
      if (!isFactorkitError(error)) throw error;
      problems.push(`\`${name}\`: ${error.message}`);
    }
  }
  if (problems.length > 0) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${names.universes}: ${problems.length === 1 ? 'a universe cannot' : `${problems.length} universes cannot`} be used:\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
      details: { universes: list },
    });
  }
  return resolved.map(({ name, plugin, instance, params }) => {
    let approximate = 0;
    let missing = 0;
    for (const t of schedule) {
      const w = instance.weights!(t);
      if (!w) missing++;
      else if (w.approximate) approximate++;
    }
    const withWeights = schedule.length - missing;
    const weights: TrackingUniverseInfo['weights'] = withWeights === 0 ? 'none' : approximate === 0 ? 'published' : approximate === withWeights ? 'proxy' : 'mixed';
    const infoNotes: string[] = [];
    const label = `universe \`${name}\` (${instance.id})`;
    if (approximate > 0) {
      const proxy = plugin.id === 'index' ? 'float-market-cap weights of its members (the `index` universe with `weights: auto`; set `universe.weights` to `published` in the config to refuse instead)' : `the approximate weights universe \`${instance.id}\` gives`;
      infoNotes.push(`${label}: the dataset has no published benchmark weights for it on ${approximate} of ${schedule.length} rebalance dates; the benchmark there is a proxy: ${proxy}`);
    }
    if (missing > 0) infoNotes.push(`${label}: no benchmark weights on ${missing} of ${schedule.length} rebalance dates (before its first weights); every factor skips those dates`);
    const series = benchmarkReturns(view, instance, { from: schedule[0]! + 1 });
    return {
      info: { name, id: instance.id, params, weights, rebalanceDates: schedule.length, approximateDates: approximate, missingDates: missing, missingReturns: series.missingReturns, notes: infoNotes },
      instance,
      returns: series.returns,
    };
  });
}

/** The configuration with defaults; the MFE settings checked by `runMfe`'s own validation against the data now, before any work. */
function resolveConfig(options: TrackingOptions, view: MarketData, given: TrackingConfig, universe: UniverseInstance, frequency: TrackingFrequency, names: Names): ResolvedTrackingConfig {
  const constraints = given.constraints ?? {};
  const execution = given.execution ?? {};
  let settings;
  try {
    const probe = new Panel(1, view.assets.length);
    settings = resolveMfeOptions({
      data: view,
      factor: { values: probe, dates: [view.calendar.at(view.calendar.length - 1)] },
      universe,
      optimizer: options.optimizer,
      constraints,
      execution,
      ...(given.relaxation ? { relaxation: given.relaxation } : {}),
      ...(given.timeLimitMs === undefined ? {} : { timeLimitMs: given.timeLimitMs }),
    }).settings;
  } catch (error) {
    if (isFactorkitError(error) && error.code === 'FK_INVALID_PARAMS' && 'issues' in error) throw configError(names, (error as ValidationError).issues);
    throw error;
  }
  return {
    frequency,
    constraints,
    execution,
    mfe: { price: settings.requestedPrice, costRoundTrip: settings.costRoundTrip, constraints: settings.constraints },
    preprocess: given.preprocess ?? TRACKING_DEFAULTS.preprocess,
    horizons: given.horizons ?? TRACKING_DEFAULTS.horizons,
    groups: given.groups ?? TRACKING_DEFAULTS.groups,
    universe: given.universe ?? {},
    investable: given.investable ?? {},
    diagnose: { ...TRACKING_DEFAULTS.diagnose, ...given.diagnose },
    relaxation: given.relaxation ?? [],
    ...(given.timeLimitMs === undefined ? {} : { timeLimitMs: given.timeLimitMs }),
  };
}

function resolveInvestable(options: TrackingOptions, view: MarketData, config: ResolvedTrackingConfig, names: Names): UniverseInstance | undefined {
  const plugin = options.investable;
  if (!plugin || config.investable === false) return undefined;
  const params = pluginParams(plugin.meta, { ...config.investable }, `universe \`${plugin.id}\``, names, 'investable');
  return memoUniverse(plugin.resolve({ data: view, params }));
}

/** The factors to compute; with `missingInputs: 'skip'`, those whose required inputs the data lacks are left out and named. */
function usableFactors(options: TrackingOptions, view: MarketData, names: Names): { factors: FactorInput[]; skipped: SkippedFactor[] } {
  const all: readonly FactorInput[] = options.factors;
  if (all.length === 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `${names.factors}: give at least one factor`);
  if (options.missingInputs !== 'skip') return { factors: [...all], skipped: [] };
  const factors: FactorInput[] = [];
  const skipped: SkippedFactor[] = [];
  for (const factor of all) {
    const missing = missingInputs(factor.plugin, view);
    if (missing.length === 0) factors.push(factor);
    else {
      const name = factor.name ?? factor.plugin.id;
      skipped.push({ name, id: factor.plugin.id, missing, message: `factor \`${name}\` left out: the dataset has no ${missing.map((f) => `\`${f}\``).join(', ')}` });
    }
  }
  if (factors.length === 0) {
    throw new FactorkitError('FK_MISSING_INPUT', `none of the ${all.length} factors can be computed on this dataset:\n${skipped.map((s) => `  - ${s.message}`).join('\n')}`, {
      details: { skipped },
    });
  }
  return { factors, skipped };
}

function factorInfo(input: FactorInput, raw: ComputedFactor, processed: ComputedFactor | undefined): TrackingFactorInfo {
  const used = (processed ?? raw).report;
  return {
    name: raw.name,
    id: raw.id,
    params: raw.params,
    direction: input.plugin.meta.direction,
    ...(raw.report.package ? { package: raw.report.package } : {}),
    ...(raw.report.version ? { version: raw.report.version } : {}),
    raw: raw.report,
    ...(processed ? { processed: processed.report } : {}),
    outcome: used.outcome.status === 'empty' ? { status: 'empty', message: used.outcome.message } : { status: 'ok' },
  };
}

const stateId = (universe: string, factor: string): string => `${universe}\u0000${factor}`;

/** What a series key reads of its factor. */
type KeyedFactor = Pick<TrackingFactorInfo, 'id' | 'params' | 'package' | 'version' | 'direction'>;

/**
 * Everything that decides a series besides the data, as canonical JSON: the key a previous
 * series state must match. Wall-clock limits (`timeLimitMs`) and the analytics' settings
 * (`horizons`, `groups`: not read by the MFE; a continued run checks them against the saved
 * evaluations) are left out.
 */
function seriesKey(parts: {
  codeVersion: string;
  factor: KeyedFactor;
  universe: TrackingUniverseInfo;
  frequency: TrackingFrequency;
  start: string;
  config: ResolvedTrackingConfig;
  optimizer: string;
}): string {
  const { timeLimitMs: _limit, horizons: _horizons, groups: _groups, ...config } = parts.config;
  return JSON.stringify({
    format: `${TRACKING_FORMAT}@${TRACKING_FORMAT_VERSION}`,
    code: parts.codeVersion,
    factor: { id: parts.factor.id, params: parts.factor.params, package: parts.factor.package ?? null, version: parts.factor.version ?? null, direction: parts.factor.direction },
    universe: { name: parts.universe.name, id: parts.universe.id, params: parts.universe.params },
    frequency: parts.frequency,
    start: parts.start,
    config,
    optimizer: parts.optimizer,
  });
}

/** The fields in which two series keys differ, for the message. */
function keyDifferences(previous: string, current: string): string[] {
  let before: Record<string, unknown>;
  try {
    before = JSON.parse(previous) as Record<string, unknown>;
  } catch {
    return ['key'];
  }
  const now = JSON.parse(current) as Record<string, unknown>;
  return Object.keys({ ...before, ...now }).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(now[k]));
}

/** `fn` with its results kept by argument. */
function memo<A, R>(fn: (arg: A) => R): (arg: A) => R {
  const kept = new Map<A, R>();
  return (arg) => {
    if (!kept.has(arg)) kept.set(arg, fn(arg));
    return kept.get(arg)!;
  };
}

/**
 * Hashes of a factor panel's rows dated on or before each of `throughs` (every asset), in one
 * pass: each asset's column is hashed once, its digest taken at each cut, and the digests of
 * the assets hashed together per cut.
 */
function hashRows(panel: Panel, dates: readonly string[], throughs: readonly string[]): Map<string, string> {
  const cuts = [...new Set(throughs)].map((through) => ({ through, rows: upperBound(dates, through) })).sort((x, y) => x.rows - y.rows);
  const totals = cuts.map((cut) => {
    const hash = new Fingerprint();
    hash.word(cut.rows);
    return hash;
  });
  for (let a = 0; a < panel.assets; a++) {
    const column = new Fingerprint();
    let done = 0;
    for (const [k, cut] of cuts.entries()) {
      column.float64s(panel.values, a * panel.dates + done, a * panel.dates + cut.rows);
      done = cut.rows;
      totals[k]!.string(column.digest());
    }
  }
  return new Map(cuts.map((cut, k) => [cut.through, totals[k]!.digest()]));
}

/** Hash of `series[0 … last]`. */
function hashPrefix(series: Float64Array, last: number): string {
  const hash = new Fingerprint();
  hash.word(last + 1);
  hash.float64s(series, 0, last + 1);
  return hash.digest();
}

/**
 * The previous state of a series, checked against this run: the same key, and the same signal
 * and benchmark returns up to the previous last day. What passes is handed to the series as
 * `resume` (runMfe checks calendar, assets, settings and its own fingerprint again); what does
 * not is `resumeRefused`, and the series starts over.
 */
function previousState(
  state: TrackingSeriesState | undefined,
  current: Omit<TrackingSeriesState, 'checkpoint'>,
  signalHash: (through: string) => string,
  benchmarkHash: (through: number) => string,
  view: MarketData,
): Pick<SeriesTask, 'resume' | 'resumeRefused'> {
  if (!state) return {};
  if (state.key !== current.key) {
    return { resumeRefused: { reason: 'key', message: `the previous run's state was made with another ${keyDifferences(state.key, current.key).join(', ')}` } };
  }
  const index = view.calendar.indexOf(state.lastDate);
  if (index < 0 || index > view.calendar.length - 1) {
    return { resumeRefused: { reason: 'data', message: `the previous run's last day ${state.lastDate} is not a trading day of this data up to ${current.lastDate}` } };
  }
  const changed: string[] = [];
  if (signalHash(state.lastDate) !== state.data.signal) changed.push('the factor values');
  if (benchmarkHash(index) !== state.data.benchmark) changed.push("the benchmark's daily returns");
  if (changed.length > 0) return { resumeRefused: { reason: 'data', message: `${changed.join(' and ')} up to ${state.lastDate} differ from the previous run's (revised data)` } };
  return { resume: state.checkpoint };
}
