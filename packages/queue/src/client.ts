import { FactorkitError, type PluginKind, type PluginRegistry, show } from '@factorkit/core';
import type { SeriesContext, SeriesExecutor, SeriesRunner, SeriesTask, TrackingFactorInfo, TrackingOptions, TrackingResult, TrackingSeries } from '@factorkit/evaluate';
import { TRACKING_DEFAULTS, runTracking } from '@factorkit/evaluate';
import { FlowProducer, type Job, Queue, QueueEvents } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { type QueueConnection, checkQueueServer, connectRedis, maskQueueUrl } from './connection.js';
import { type QueueNames, queueNames } from './names.js';
import { type SeriesJobResult, decodeSeries } from './result.js';
import { JOB_FORMAT, JOB_FORMAT_VERSION, type PluginRef, type RunSpec, type SeriesJobSpec, canonicalJson, runJobId, seriesJobId } from './spec.js';

/** What {@link runTrackingOnQueue} takes: a tracking run's options, and where and how to queue its series. */
export interface QueueTrackingOptions extends Omit<TrackingOptions, 'executor' | 'previous' | 'previousRun' | 'onProblem'> {
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
  /** Series jobs waited on at once (the run hands over at most this many). Default 256. */
  readonly inFlight?: number;
  /** How often the state of the jobs waited on is read, besides the queue's events, in milliseconds. Default 1,000. */
  readonly pollMs?: number;
  /** What happens on the queue: jobs added or reused, started by a worker, retried, failed. */
  readonly onQueueEvent?: (event: QueueRunEvent) => void;
}

/** What a queued run reports besides the tracking events. */
export type QueueRunEvent =
  | { readonly kind: 'run'; readonly run: string; readonly server: string; readonly parent: 'new' | 'joined' | 'finished' }
  | { readonly kind: 'job'; readonly series: string; readonly job: string; readonly status: 'enqueued' | 'reused' | 'retried' | 'waiting' }
  | { readonly kind: 'active'; readonly series: string; readonly job: string; readonly worker: string; readonly attempt: number }
  | { readonly kind: 'retry'; readonly series: string; readonly job: string; readonly attempt: number; readonly attempts: number; readonly error: string }
  /** A connection error (the client reconnects by itself: a restarted Redis resumes the run), masked. */
  | { readonly kind: 'error'; readonly error: string };

/** Counts of a queued run. */
export interface QueueRunCounts {
  /** The run's parent job id. */
  readonly run: string;
  /** Series jobs of this run. */
  readonly jobs: number;
  /** Added to the queue by this call. */
  readonly enqueued: number;
  /** Finished by an earlier call and reused as they were. */
  readonly reused: number;
  /** Failed earlier and put back in the queue. */
  readonly retried: number;
  /** Already waiting or running (an earlier call's) and waited on. */
  readonly joined: number;
}

/** The tracking result, and what the queue did. */
export interface QueueTrackingResult {
  readonly result: TrackingResult;
  readonly queue: QueueRunCounts;
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
 * Continued runs (`previous`, `previousRun`) and `onProblem` are not supported on the queue.
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
  await checkQueueServer(options.connection);

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
  const executor = queueExecutor({ ...options, names, attempts, inFlight, run, runId, infos, counts });
  const result = await runTracking({
    ...options,
    executor,
    onEvent: (event) => {
      if (event.kind === 'factor') infos.set(event.factor.name, event.factor);
      options.onEvent?.(event);
    },
  });
  return { result, queue: { ...counts } };
}

interface ExecutorSetup {
  readonly connection: QueueConnection;
  readonly names: ReturnType<typeof queueNames>;
  readonly attempts: number;
  readonly backoffMs?: number;
  readonly inFlight: number;
  readonly pollMs?: number;
  readonly run: RunSpec;
  readonly runId: string;
  readonly infos: ReadonlyMap<string, TrackingFactorInfo>;
  readonly counts: { jobs: number; enqueued: number; reused: number; retried: number; joined: number };
  readonly onQueueEvent?: (event: QueueRunEvent) => void;
}

interface Waiter {
  readonly series: string;
  readonly resolve: (value: SeriesJobResult) => void;
  readonly reject: (error: Error) => void;
  attemptsSeen: number;
  active: boolean;
}

function queueExecutor(setup: ExecutorSetup): SeriesExecutor {
  return {
    concurrency: Math.floor(setup.inFlight / 2),
    label: `queue ${setup.connection.masked}`,
    open: (context) => openRunner(setup, context),
  };
}

async function openRunner(setup: ExecutorSetup, context: SeriesContext): Promise<SeriesRunner> {
  const { names, connection } = setup;
  const emit = (event: QueueRunEvent): void => setup.onQueueEvent?.(event);
  const connections: Redis[] = [];
  const redis = (): Redis => {
    const client = connectRedis(connection);
    connections.push(client);
    return client;
  };
  const base = { prefix: names.prefix } as const;
  const series = new Queue(names.series, { ...base, connection: redis() });
  const runs = new Queue(names.runs, { ...base, connection: redis() });
  const gates = new Queue(names.gates, { ...base, connection: redis() });
  const flows = new FlowProducer({ ...base, connection: redis() });
  const events = new QueueEvents(names.series, { ...base, connection: redis() });
  const onError = (error: Error): void => emit({ kind: 'error', error: maskQueueUrl(error.message) });
  series.on('error', onError);
  runs.on('error', onError);
  gates.on('error', onError);
  flows.on('error', onError);
  events.on('error', onError);
  const parentQueue = `${names.prefix}:${names.runs}`;

  // The run's parent job, held in waiting-children by a gate child until every series has been handed over.
  const gateId = `${setup.runId}-gate-${randomUUID()}`;
  let parent: { id: string; queue: string } | undefined = { id: setup.runId, queue: parentQueue };
  let gate: Job | undefined;
  const existing = await runs.getJob(setup.runId);
  if (!existing) {
    const flow = await flows.add({
      name: 'run',
      queueName: names.runs,
      data: { format: JOB_FORMAT, version: JOB_FORMAT_VERSION, asOf: setup.run.asOf, frequency: setup.run.frequency, data: setup.run.data },
      opts: { jobId: setup.runId },
      children: [{ name: 'gate', queueName: names.gates, data: {}, opts: { jobId: gateId } }],
    });
    gate = flow.children?.[0]?.job;
    emit({ kind: 'run', run: setup.runId, server: connection.masked, parent: 'new' });
  } else if ((await existing.getState()) === 'waiting-children') {
    gate = await gates.add('gate', {}, { jobId: gateId, parent });
    emit({ kind: 'run', run: setup.runId, server: connection.masked, parent: 'joined' });
  } else {
    // Every series of this run finished before: new jobs (there should be none) go without a parent.
    parent = undefined;
    emit({ kind: 'run', run: setup.runId, server: connection.masked, parent: 'finished' });
  }

  const waiters = new Map<string, Waiter>();
  const check = async (id: string): Promise<void> => {
    const waiter = waiters.get(id);
    if (!waiter) return;
    // The state first, then the job: a job read before its state could be one that finished in between, without its result.
    const state = await series.getJobState(id);
    const job = state === 'unknown' ? undefined : await series.getJob(id);
    if (!job) {
      waiters.delete(id);
      waiter.reject(new FactorkitError('FK_WORKER_FAILED', `series ${waiter.series}: its job \`${id}\` was removed from the queue while the run waited for it`));
      return;
    }
    if (state === 'completed') {
      waiters.delete(id);
      waiter.resolve(job.returnvalue as SeriesJobResult);
      return;
    }
    if (state === 'failed') {
      waiters.delete(id);
      waiter.reject(
        new FactorkitError('FK_WORKER_FAILED', `series ${waiter.series} failed on the queue after ${job.attemptsMade} attempt${job.attemptsMade === 1 ? '' : 's'}: ${maskQueueUrl(job.failedReason ?? 'no reason given')}`, {
          details: { job: id, attempts: job.attemptsMade, reason: maskQueueUrl(job.failedReason ?? '') },
        }),
      );
      return;
    }
    if (job.attemptsMade > waiter.attemptsSeen) {
      waiter.attemptsSeen = job.attemptsMade;
      emit({ kind: 'retry', series: waiter.series, job: id, attempt: job.attemptsMade, attempts: job.opts.attempts ?? 1, error: maskQueueUrl(job.failedReason ?? '') });
    }
    if (state === 'active' && !waiter.active) {
      waiter.active = true;
      emit({ kind: 'active', series: waiter.series, job: id, worker: job.processedBy ?? '?', attempt: job.attemptsMade + 1 });
    } else if (state !== 'active') waiter.active = false;
  };
  const checkSoon = (id: string): void => void check(id).catch((error: unknown) => emit({ kind: 'error', error: maskQueueUrl(error instanceof Error ? error.message : String(error)) }));
  events.on('completed', ({ jobId }) => checkSoon(jobId));
  events.on('failed', ({ jobId }) => checkSoon(jobId));
  events.on('active', ({ jobId }) => checkSoon(jobId));
  await events.waitUntilReady();
  const timer = setInterval(() => {
    for (const id of waiters.keys()) checkSoon(id);
  }, setup.pollMs ?? 1000);

  const runTask = async (task: SeriesTask): Promise<TrackingSeries> => {
    if (task.resume || task.resumeRefused || task.continued) throw new FactorkitError('FK_INVALID_ARGUMENT', 'a tracking run on the queue computes every series from the start (previous states are not sent to workers)');
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
    const id = seriesJobId(spec);
    const label = `${universe} × ${info.name}`;
    setup.counts.jobs++;
    const job = await series.getJob(id);
    const state = job ? await job.getState() : undefined;
    if (!job) {
      await series.add('series', spec, {
        jobId: id,
        attempts: setup.attempts,
        backoff: { type: 'exponential', delay: setup.backoffMs ?? 1000 },
        removeOnComplete: false,
        removeOnFail: false,
        ...(parent ? { parent } : {}),
      });
      setup.counts.enqueued++;
      emit({ kind: 'job', series: label, job: id, status: 'enqueued' });
    } else if (state === 'completed') {
      setup.counts.reused++;
      emit({ kind: 'job', series: label, job: id, status: 'reused' });
    } else if (state === 'failed') {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      setup.counts.retried++;
      emit({ kind: 'job', series: label, job: id, status: 'retried' });
    } else {
      setup.counts.joined++;
      emit({ kind: 'job', series: label, job: id, status: 'waiting' });
    }
    // Waited on from now: the queue's events and the poll look at it (a result that came meanwhile is read by this first check).
    const done = new Promise<SeriesJobResult>((resolve, reject) => waiters.set(id, { series: label, resolve, reject, attemptsSeen: state === 'failed' ? 0 : (job?.attemptsMade ?? 0), active: false }));
    checkSoon(id);
    const result = await done;
    if (result.kind !== 'series') {
      throw new FactorkitError('FK_WORKER_FAILED', `series ${label}: the worker computed no series (${result.message}) where this run did: are the worker's plugins and data the run's?`);
    }
    return decodeSeries(result.series);
  };

  return {
    run: runTask,
    close: async () => {
      clearInterval(timer);
      try {
        // Every series is handed over: the gate goes, and the parent is released once its series are done.
        if (gate) {
          await gate.removeChildDependency().catch(() => false);
          await gate.remove().catch(() => undefined);
        }
      } finally {
        for (const waiter of waiters.values()) waiter.reject(new FactorkitError('FK_WORKER_FAILED', `series ${waiter.series}: the run stopped waiting`));
        waiters.clear();
        await Promise.allSettled([events.close(), flows.close(), gates.close(), runs.close(), series.close()]);
        for (const client of connections) client.disconnect();
      }
    },
  };
}
