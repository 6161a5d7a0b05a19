import { FactorkitError, show } from '@factorkit/core';
import { type Job, Worker } from 'bullmq';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type QueueConnection, checkQueueServer, connectRedis, connectionErrorReporter, maskQueueUrl, persistenceWarning } from './connection.js';
import { type DatasetLocation, datasetFingerprint } from '@factorkit/data';
import { type QueueNames, queueNames } from './names.js';
import { PROCESSOR_ENV, type PluginModule, type ProcessorSettings } from './settings.js';

/** What {@link startTrackingWorker} takes. */
export interface TrackingWorkerOptions {
  readonly connection: QueueConnection;
  readonly queue?: QueueNames;
  /** The dataset this worker computes on: its fingerprint must equal each job's. */
  readonly data: DatasetLocation;
  /** The plugin modules installed on this machine (the only plugins a job may name). */
  readonly plugins: readonly PluginModule[];
  /** Jobs at once, each in its own sandboxed process (each loads the dataset once). Default 1. */
  readonly concurrency?: number;
  /**
   * Milliseconds a job's lock lasts without renewal (BullMQ's `lockDuration`; default 30,000):
   * a worker that dies leaves its job locked this long before another worker takes it over.
   */
  readonly lockDuration?: number;
  /** The processor file and Node flags; default the built `processor.js` beside this module (tests pass the TypeScript source with `--import tsx`). */
  readonly processor?: { readonly file: string | URL; readonly execArgv?: readonly string[] };
  /** What the worker reports: jobs started, finished, failed, and errors (every text masked). */
  readonly onEvent?: (event: WorkerEvent) => void;
  /** This worker's name in the jobs it processes. Default `host:pid`. */
  readonly name?: string;
}

/** What a worker reports. */
export type WorkerEvent =
  /** Working; `warning` when the server has no append-only file (a restart of it loses the queued runs). */
  | { readonly kind: 'ready'; readonly fingerprint: string; readonly queue: string; readonly server: string; readonly warning?: string }
  /** `label`: the series (`csi300 × momentum_1y`) or the variant (`variant csi300-te-003`) of the job. */
  | { readonly kind: 'active'; readonly job: string; readonly label: string; readonly attempt: number }
  | { readonly kind: 'completed'; readonly job: string; readonly label: string; readonly seconds: number }
  | { readonly kind: 'failed'; readonly job: string; readonly label: string; readonly attempt: number; readonly attempts: number; readonly error: string }
  | { readonly kind: 'error'; readonly error: string };

/** A running worker. */
export interface TrackingWorker {
  /** The fingerprint of this worker's dataset. */
  readonly fingerprint: string;
  /** Jobs this worker is computing now. */
  running(): number;
  /**
   * Stop taking jobs, wait for the running ones to finish here (their results are stored as
   * usual: nothing is retried), close the child processes and the connections. Idempotent.
   */
  close(): Promise<void>;
}

/** Default processor: the built `processor.js` beside this module. */
const defaultProcessor = (): string => fileURLToPath(new URL('./processor.js', import.meta.url));

/** What a job is called in progress lines: its series or its variant, else its id. */
const jobLabel = (job: Job | undefined): string => {
  const data = job?.data as { universe?: unknown; factor?: { name?: unknown }; task?: { name?: unknown } } | undefined;
  if (typeof data?.universe === 'string' && typeof data.factor?.name === 'string') return `${data.universe} × ${data.factor.name}`;
  if (typeof data?.task?.name === 'string') return `variant ${data.task.name}`;
  return String(job?.id ?? '?');
};

/**
 * A worker of tracking runs and sweeps on any machine that sees the queue's Redis server: pulls
 * jobs from `<name>-jobs`, computes each in a sandboxed child process (`processor.js`, which
 * calls `computeSeriesJob` — `runTracking` on the job's universe and factor — or
 * `computeVariantJob` — `runVariant` of `@factorkit/strategy` — by the job's format), and stores
 * the series or the variant's result as the job's result. One pool of child processes serves
 * both kinds; each child loads the dataset once. It also completes each run's or sweep's parent
 * job once its jobs are done.
 *
 * - **Only its own data and plugins**: the dataset's fingerprint is computed once here, and a
 *   job naming another dataset, or a plugin (or version) not installed here, is refused at once
 *   with the reason (`FK_INVALID_DATA`, `FK_UNKNOWN_PLUGIN`); other errors are retried up to the
 *   job's attempts.
 * - **Graceful close**: `close()` stops taking jobs and lets the running ones finish here.
 * - **Crash-safe**: a worker that dies mid-job loses its lock after `lockDuration`; another
 *   worker takes the job over (BullMQ's stalled-job check), up to the job's attempts.
 * - The server is checked first (Redis ≥ 6.2, `maxmemory-policy noeviction`).
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` (server, concurrency), I/O errors reading the dataset.
 */
export async function startTrackingWorker(options: TrackingWorkerOptions): Promise<TrackingWorker> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) throw new FactorkitError('FK_INVALID_ARGUMENT', `concurrency: expected a whole number from 1 to 256, got ${show(options.concurrency)}`);
  const lockDuration = options.lockDuration ?? 30_000;
  if (!Number.isInteger(lockDuration) || lockDuration < 1000) throw new FactorkitError('FK_INVALID_ARGUMENT', `lockDuration: expected whole milliseconds ≥ 1000, got ${show(options.lockDuration)}`);
  const names = queueNames(options.queue);
  const server = await checkQueueServer(options.connection);
  const warning = persistenceWarning(server, options.connection);
  const fingerprint = await datasetFingerprint(options.data);
  const settings: ProcessorSettings = { data: options.data, fingerprint, plugins: options.plugins };
  const emit = (event: WorkerEvent): void => options.onEvent?.(event);
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const processor = options.processor?.file ?? defaultProcessor();
  const common = { prefix: names.prefix, name, autorun: false } as const;

  const report = connectionErrorReporter((error) => emit({ kind: 'error', error }));
  const jobsConnection = connectRedis(options.connection);
  const runsConnection = connectRedis(options.connection);
  for (const client of [jobsConnection, runsConnection]) {
    client.on('error', report.error);
    client.on('ready', report.ready);
  }
  const jobs = new Worker(names.jobs, processor instanceof URL ? fileURLToPath(processor) : processor, {
    ...common,
    connection: jobsConnection,
    concurrency,
    lockDuration,
    stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
    // A job whose worker died is taken over as often as it may be attempted (the job's `attempts` bound the rest).
    maxStalledCount: 3,
    useWorkerThreads: false,
    workerForkOptions: {
      env: { ...process.env, [PROCESSOR_ENV]: JSON.stringify(settings) },
      ...(options.processor?.execArgv ? { execArgv: [...options.processor.execArgv] } : {}),
    },
  });
  // A run's parent job: released when its jobs are done; its result counts them.
  const runs = new Worker(
    names.runs,
    async (job: Job) => {
      const counts = await job.getDependenciesCount();
      return { jobs: counts.processed ?? 0 };
    },
    { ...common, connection: runsConnection, concurrency: 1 },
  );
  const started = new Map<string, number>();
  jobs.on('active', (job) => {
    started.set(String(job.id), performance.now());
    emit({ kind: 'active', job: String(job.id), label: jobLabel(job), attempt: job.attemptsMade + 1 });
  });
  jobs.on('completed', (job) => {
    const t = started.get(String(job.id));
    started.delete(String(job.id));
    emit({ kind: 'completed', job: String(job.id), label: jobLabel(job), seconds: t === undefined ? 0 : (performance.now() - t) / 1000 });
  });
  jobs.on('failed', (job, error) => {
    if (job) started.delete(String(job.id));
    emit({ kind: 'failed', job: String(job?.id ?? '?'), label: jobLabel(job), attempt: job?.attemptsMade ?? 0, attempts: job?.opts.attempts ?? 1, error: maskQueueUrl(error.message) });
  });
  for (const w of [jobs, runs]) w.on('error', report.error);
  void jobs.run();
  void runs.run();
  await Promise.all([jobs.waitUntilReady(), runs.waitUntilReady()]);
  emit({ kind: 'ready', fingerprint, queue: `${names.prefix}:${names.jobs}`, server: options.connection.masked, ...(warning ? { warning } : {}) });
  let closing: Promise<void> | undefined;
  return {
    fingerprint,
    running: () => started.size,
    close: () =>
      (closing ??= (async () => {
        // Not forced: BullMQ stops fetching, keeps renewing the locks of the running jobs and waits for them.
        await Promise.all([jobs.close(), runs.close()]);
        jobsConnection.disconnect();
        runsConnection.disconnect();
      })()),
  };
}
