import { FactorkitError, type PluginKind, type PluginRegistry, show } from '@factorkit/core';
import type { SeriesContext, SeriesExecutor, SeriesRunner, SeriesTask, TrackingFactorInfo, TrackingOptions, TrackingResult, TrackingSeries } from '@factorkit/evaluate';
import { TRACKING_DEFAULTS, runTracking } from '@factorkit/evaluate';
import { type QueueConnection, checkQueueServer, persistenceWarning } from './connection.js';
import { type MutableCounts, type QueueRunCounts, type QueueRunEvent, openJobRun } from './jobs.js';
import { type QueueNames, type ResolvedQueueNames, queueNames } from './names.js';
import { type SeriesJobResult, decodeSeries } from './result.js';
import { JOB_FORMAT, JOB_FORMAT_VERSION, type PluginRef, type RunSpec, type SeriesJobSpec, canonicalJson, runJobId, seriesJobId } from './spec.js';

/** What {@link runTrackingOnQueue} takes: a tracking run's options, and where and how to queue its series. */
export interface QueueTrackingOptions extends Omit<TrackingOptions, 'executor' | 'onProblem'> {
  readonly connection: QueueConnection;
  readonly queue?: QueueNames;
  /** `datasetFingerprint` of the folders `data` was loaded from: every job carries it, and a worker with other data refuses the job. */
  readonly dataFingerprint: string;
  /** The optimizer the workers make: its plugin id and parameters (the same as `optimizer`, the run's own instance). */
  readonly optimizerSpec: { readonly id: string; readonly params?: Readonly<Record<string, unknown>> };
  /** The registry the run's plugins come from: each job names every plugin with its package and version. */
  readonly registry: PluginRegistry;
  /** Attempts per series job before it is reported as failed (≥ 1). Default 3. */
  readonly attempts?: number;
  /** First retry delay in milliseconds, doubled at each attempt. Default 1,000. */
  readonly backoffMs?: number;
  /** Series jobs waited on at once (the run hands over at most half this many). Default 256. */
  readonly inFlight?: number;
  /** How often the state of the jobs waited on is read, besides the queue's events, in milliseconds. Default 1,000. */
  readonly pollMs?: number;
  /** What happens on the queue: jobs added or reused, started by a worker, retried, failed. */
  readonly onQueueEvent?: (event: QueueRunEvent) => void;
}

/** The tracking result, and what the queue did. */
export interface QueueTrackingResult {
  readonly result: TrackingResult;
  readonly queue: QueueRunCounts;
  /**
   * Series a previous run's state would have continued (`previous`) that went to the workers
   * and were computed there from the start: a worker gets no state. Their results are the same
   * (a continued series equals one computed from the start); their `reuse` says so. A continued
   * run with few new rebalance dates per series runs them in this thread instead (`runTracking`
   * decides, and notes it), and none goes to the queue.
   */
  readonly fromStart: number;
}

/**
 * A tracking run whose (universe, factor) series are computed by `factorkit worker` processes
 * on any number of machines, through a BullMQ queue on Redis. The result is `runTracking`'s —
 * the same value, and the same output files, as a local run: this is `runTracking` with a
 * third executor, whose series are computed by workers calling `runTracking` on one universe
 * and one factor (see `computeSeriesJob`).
 *
 * - **Jobs are data**: each names the run's settings, its universe, its factor, every plugin by
 *   id, package and version, and the dataset's fingerprint; never code.
 * - **Deterministic ids**: a job's id is a hash of its data, so a rerun of the same run reuses
 *   every finished series (none is enqueued again), joins those still running, and puts failed
 *   ones back in the queue.
 * - **One parent job per run** (a BullMQ flow): the run's series are its children; it is
 *   released once they are all done.
 * - **Failures are reported**: a series that fails on its last attempt stops the run with its
 *   error (`FK_WORKER_FAILED`, the worker's message); none is dropped.
 * - Credentials never appear: messages and labels show the masked URL.
 *
 * Continued runs (`previous`, `previousRun`): `runTracking` runs a continued run's series in
 * this thread when each has few new rebalance dates; otherwise they go to the workers, which
 * compute them from the start (the same result; counted in `fromStart`). `onProblem` is not
 * supported on the queue (the problems are built on the workers).
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` (server, options, a config that is not plain
 *   JSON), `FK_WORKER_FAILED` (a series failed on every attempt); what `runTracking` throws.
 */
export async function runTrackingOnQueue(options: QueueTrackingOptions): Promise<QueueTrackingResult> {
  const attempts = options.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100) throw new FactorkitError('FK_INVALID_ARGUMENT', `attempts: expected a whole number from 1 to 100, got ${show(options.attempts)}`);
  const inFlight = options.inFlight ?? 256;
  if (!Number.isInteger(inFlight) || inFlight < 2) throw new FactorkitError('FK_INVALID_ARGUMENT', `inFlight: expected a whole number ≥ 2, got ${show(options.inFlight)}`);
  const names = queueNames(options.queue);
  const server = await checkQueueServer(options.connection);
  const warning = persistenceWarning(server, options.connection);
  options.onQueueEvent?.({ kind: 'server', server: options.connection.masked, version: server.version, ...(warning ? { warning } : {}) });

  const ref = (kind: PluginKind, plugin: { readonly id: string }): PluginRef => {
    const entries = options.registry.list(kind);
    const entry = entries.find((e) => e.plugin === plugin) ?? entries.find((e) => e.plugin.id === plugin.id);
    return { kind, id: plugin.id, package: entry?.source.package ?? null, version: entry?.source.version ?? null };
  };
  const solver = options.registry.has('optimizer', options.optimizerSpec.id) ? options.registry.get('optimizer', options.optimizerSpec.id) : { id: options.optimizerSpec.id };
  const run: RunSpec = {
    asOf: options.asOf,
    ...(options.start === undefined ? {} : { start: options.start }),
    frequency: options.frequency ?? TRACKING_DEFAULTS.frequency,
    ...(options.config === undefined ? {} : { config: options.config }),
    benchmark: ref('universe', options.benchmark),
    namedBenchmarks: Object.fromEntries(Object.entries(options.namedBenchmarks ?? {}).map(([name, plugin]) => [name, ref('universe', plugin)])),
    investable: options.investable ? ref('universe', options.investable) : null,
    optimizer: { ...ref('optimizer', solver), params: { ...options.optimizerSpec.params } },
    missingInputs: options.missingInputs ?? 'error',
    codeVersion: options.codeVersion ?? '',
    data: options.dataFingerprint,
  };
  // Checked now: a job carries plain JSON, and the config must be sent as it is.
  canonicalJson(run, 'run');
  const runId = runJobId(
    run,
    options.universes,
    options.factors.map((f) => ({ id: f.plugin.id, name: f.name ?? null, params: f.params ?? {} })),
  );
  const counts = { run: runId, jobs: 0, enqueued: 0, reused: 0, retried: 0, joined: 0 };
  const infos = new Map<string, TrackingFactorInfo>();
  const restarted = { count: 0 };
  const executor = queueExecutor({ ...options, names, attempts, inFlight, run, runId, infos, counts, restarted });
  const result = await runTracking({
    ...options,
    executor,
    onEvent: (event) => {
      if (event.kind === 'factor') infos.set(event.factor.name, event.factor);
      options.onEvent?.(event);
    },
  });
  return { result, queue: { ...counts }, fromStart: restarted.count };
}

interface ExecutorSetup {
  readonly connection: QueueConnection;
  readonly names: ResolvedQueueNames;
  readonly attempts: number;
  readonly backoffMs?: number;
  readonly inFlight: number;
  readonly pollMs?: number;
  readonly run: RunSpec;
  readonly runId: string;
  readonly infos: ReadonlyMap<string, TrackingFactorInfo>;
  readonly counts: MutableCounts;
  /** Continued series (a task with a previous state) computed from the start on the workers. */
  readonly restarted: { count: number };
  readonly onQueueEvent?: (event: QueueRunEvent) => void;
}

function queueExecutor(setup: ExecutorSetup): SeriesExecutor {
  return {
    concurrency: Math.floor(setup.inFlight / 2),
    label: `queue ${setup.connection.masked}`,
    open: (context) => openRunner(setup, context),
  };
}

async function openRunner(setup: ExecutorSetup, context: SeriesContext): Promise<SeriesRunner> {
  const jobs = await openJobRun({
    connection: setup.connection,
    names: setup.names,
    attempts: setup.attempts,
    ...(setup.backoffMs === undefined ? {} : { backoffMs: setup.backoffMs }),
    ...(setup.pollMs === undefined ? {} : { pollMs: setup.pollMs }),
    parent: { id: setup.runId, data: { format: JOB_FORMAT, version: JOB_FORMAT_VERSION, asOf: setup.run.asOf, frequency: setup.run.frequency, data: setup.run.data } },
    counts: setup.counts,
    ...(setup.onQueueEvent ? { onQueueEvent: setup.onQueueEvent } : {}),
  });

  const runTask = async (task: SeriesTask): Promise<TrackingSeries> => {
    const universe = context.universes[task.universe]?.name;
    const info = setup.infos.get(task.factor.name);
    if (universe === undefined || !info) throw new FactorkitError('FK_INVALID_ARGUMENT', `series task: universe #${task.universe} or factor \`${task.factor.name}\` is not one of the run's`);
    const spec: SeriesJobSpec = {
      format: JOB_FORMAT,
      version: JOB_FORMAT_VERSION,
      run: setup.run,
      universe,
      factor: { kind: 'factor', id: info.id, package: info.package ?? null, version: info.version ?? null, name: info.name, params: info.params, direction: info.direction },
    };
    const label = `${universe} × ${info.name}`;
    const result = (await jobs.submit({ id: seriesJobId(spec), name: 'series', data: spec, label })) as SeriesJobResult;
    if (result.kind !== 'series') {
      throw new FactorkitError('FK_WORKER_FAILED', `series ${label}: the worker computed no series (${result.message}) where this run did: are the worker's plugins and data the run's?`);
    }
    const series = decodeSeries(result.series);
    // A worker gets no previous state: a series this run would have continued was computed from
    // the start there (the same values; a continued series equals one computed from the start).
    if (task.resumeRefused) return { ...series, reuse: { status: 'recomputed', reason: task.resumeRefused.reason, message: task.resumeRefused.message } };
    if (task.resume || task.continued) {
      setup.restarted.count++;
      return { ...series, reuse: { status: 'recomputed', reason: 'queue', message: 'computed from the start on a queue worker (workers are sent no previous state)' } };
    }
    return series;
  };

  return { run: runTask, close: () => jobs.close() };
}
