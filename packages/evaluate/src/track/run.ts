import {
  FactorkitError,
  type MarketData,
  Panel,
  type UniverseInstance,
  ValidationError,
  isFactorkitError,
  show,
  missingInputs,
  parseDate,
  resolvePluginParams,
  upperBound,
} from '@factorkit/core';
import { type ComputedFactor, type FactorInput, streamFactors } from '@factorkit/pipeline';
import { forwardReturnsByDate } from '../analytics/forward.js';
import { benchmarkReturns } from '../mfe/benchmark.js';
import { resolveMfeOptions } from '../mfe/options.js';
import { Fingerprint } from '../mfe/fingerprint.js';
import { periodEnds } from '../mfe/schedule.js';
import { TRACKING_DEFAULTS, type TrackingConfig, parseTrackingConfig } from './config.js';
import { TRACKING_FORMAT, TRACKING_FORMAT_VERSION } from './summary.js';
import { type SeriesTask, inProcessExecutor } from './executor.js';
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
  // Slots in run order: series finish in any order on a parallel executor.
  const slots: (TrackingSeries | undefined)[][] = benchmarks.map(() => []);
  const executor = options.executor ?? inProcessExecutor;
  const runner = await executor.open({
    data: view,
    asOf: view.calendar.at(last),
    frequency,
    universes: benchmarks.map((b) => ({ name: b.info.name, instance: b.instance, benchmarkReturns: b.returns })),
    ...(investable ? { investable } : {}),
    config,
    // Forward returns depend on the data and the horizons only: once for every series.
    forward: forwardReturnsByDate(view, { horizons: config.horizons }),
    optimizer: options.optimizer,
    ...(options.onProblem ? { onProblem: options.onProblem } : {}),
  });
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let done = 0;
  // A series is handed over as soon as its factor is computed; at most this many wait or run at once.
  const window = Math.max(1, executor.concurrency === 1 ? 1 : 2 * executor.concurrency);
  const submit = (u: number, k: number, task: Omit<SeriesTask, 'universe'>, state: NonNullable<TrackingSeries['state']>): void => {
    const job = runner.run({ universe: u, ...task }).then(
      (result) => {
        const series: TrackingSeries = { ...result, state };
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
        if (processing) {
          p = only(streamFactors({ data: view, factors: [factor], range, ...processing, keepRaw: true }));
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
      // The signal's hashes, once per factor and date (every universe's series reads the same signal).
      const signalHash = memo((through: string) => hashRows(task.processed ?? task.raw, task.dates, through));
      for (let u = 0; u < benchmarks.length && !failure; u++) {
        while (inFlight.size >= window) await Promise.race(inFlight);
        if (failure) break;
        const b = benchmarks[u]!;
        const key = seriesKey({ codeVersion: options.codeVersion ?? '', factor: info, universe: b.info, frequency, start: range.start, config, optimizer: options.optimizer.id });
        const state = { universe: b.info.name, factor: info.name, key, lastDate, data: { signal: signalHash(lastDate), benchmark: benchmarkHash[u]!(last) } };
        submit(u, k, { factor: task, ...previousState(previous.get(stateId(b.info.name, info.name)), state, signalHash, benchmarkHash[u]!, view) }, state);
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
  };
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
  const plugin = options.benchmark;
  const problems: string[] = [];
  const resolved: { name: string; instance: UniverseInstance; params: Record<string, unknown> }[] = [];
  const seen = new Map<string, string>();
  for (const name of list) {
    if (seen.has(name)) {
      problems.push(`\`${name}\` is listed twice`);
      continue;
    }
    const params = pluginParams(plugin.meta, { ...config.universe, index: name }, `universe \`${plugin.id}\``, names, 'universe');
    try {
      const instance = memoUniverse(plugin.resolve({ data: view, params }));
      if (typeof instance.weights !== 'function') {
        problems.push(`\`${name}\`: universe \`${instance.id}\` gives no benchmark weights, so it cannot be a benchmark of the MFE test`);
        continue;
      }
      const twin = [...seen.entries()].find(([, id]) => id === instance.id);
      if (twin) problems.push(`\`${name}\` is \`${twin[0]}\` again (${instance.id})`);
      seen.set(name, instance.id);
      resolved.push({ name, instance, params });
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
  return resolved.map(({ name, instance, params }) => {
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

/**
 * Everything that decides a series besides the data, as canonical JSON: the key a previous
 * series state must match. Wall-clock limits (`timeLimitMs`) and the analytics' settings
 * (`horizons`, `groups`: recomputed every run) are left out.
 */
function seriesKey(parts: {
  codeVersion: string;
  factor: TrackingFactorInfo;
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

/** Hash of a factor panel's rows dated on or before `through` (every asset). */
function hashRows(panel: Panel, dates: readonly string[], through: string): string {
  const rows = upperBound(dates, through);
  const hash = new Fingerprint();
  hash.word(rows);
  for (let a = 0; a < panel.assets; a++) for (let t = 0; t < rows; t++) hash.number(panel.values[a * panel.dates + t]!);
  return hash.digest();
}

/** Hash of `series[0 … last]`. */
function hashPrefix(series: Float64Array, last: number): string {
  const hash = new Fingerprint();
  hash.word(last + 1);
  for (let t = 0; t <= last; t++) hash.number(series[t]!);
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
