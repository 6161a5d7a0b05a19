import { FactorkitError, show } from '@factorkit/core';
import { type Job, Worker } from 'bullmq';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type QueueConnection, checkQueueServer, connectRedis, maskQueueUrl } from './connection.js';
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
  | { readonly kind: 'ready'; readonly fingerprint: string; readonly queue: string; readonly server: string }
  | { readonly kind: 'active'; readonly job: string; readonly series: string; readonly attempt: number }
  | { readonly kind: 'completed'; readonly job: string; readonly series: string; readonly seconds: number }
  | { readonly kind: 'failed'; readonly job: string; readonly series: string; readonly attempt: number; readonly attempts: number; readonly error: string }
  | { readonly kind: 'error'; readonly error: string };

/** A running worker. */
export interface TrackingWorker {
  /** The fingerprint of this worker's dataset. */
  readonly fingerprint: string;
  /** Stop taking jobs, wait for the running ones, close the connections. */
  close(): Promise<void>;
}

/** Default processor: the built `processor.js` beside this module. */
const defaultProcessor = (): string => fileURLToPath(new URL('./processor.js', import.meta.url));

const seriesLabel = (job: Job | undefined): string => {
  const data = job?.data as { universe?: unknown; factor?: { name?: unknown } } | undefined;
  return typeof data?.universe === 'string' && typeof data.factor?.name === 'string' ? `${data.universe} × ${data.factor.name}` : String(job?.id ?? '?');
};

/**
 * A worker of tracking runs on any machine that sees the queue's Redis server: pulls series jobs,
 * computes each in a sandboxed child process (`processor.js`, which calls `computeSeriesJob`:
 * `runTracking` on the job's universe and factor), and stores the series as the job's result.
 * It also completes each run's parent job once its series are done.
 *
 * - **Only its own data and plugins**: the dataset's fingerprint is computed once here, and a
 *   job naming another dataset, or a plugin (or version) not installed here, is refused at once
 *   with the reason (`FK_INVALID_DATA`, `FK_UNKNOWN_PLUGIN`); other errors are retried up to the
 *   job's attempts.
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
  await checkQueueServer(options.connection);
  const fingerprint = await datasetFingerprint(options.data);
  const settings: ProcessorSettings = { data: options.data, fingerprint, plugins: options.plugins };
  const emit = (event: WorkerEvent): void => options.onEvent?.(event);
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const processor = options.processor?.file ?? defaultProcessor();
  const common = { prefix: names.prefix, name, autorun: false } as const;

  const seriesConnection = connectRedis(options.connection);
  const runsConnection = connectRedis(options.connection);
  const series = new Worker(names.series, processor instanceof URL ? fileURLToPath(processor) : processor, {
    ...common,
    connection: seriesConnection,
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
  // A run's parent job: released when its series are done; its result counts them.
  const runs = new Worker(
    names.runs,
    async (job: Job) => {
      const counts = await job.getDependenciesCount();
      return { series: counts.processed ?? 0 };
    },
    { ...common, connection: runsConnection, concurrency: 1 },
  );
  const started = new Map<string, number>();
  series.on('active', (job) => {
    started.set(String(job.id), performance.now());
    emit({ kind: 'active', job: String(job.id), series: seriesLabel(job), attempt: job.attemptsMade + 1 });
  });
  series.on('completed', (job) => {
    const t = started.get(String(job.id));
    started.delete(String(job.id));
    emit({ kind: 'completed', job: String(job.id), series: seriesLabel(job), seconds: t === undefined ? 0 : (performance.now() - t) / 1000 });
  });
  series.on('failed', (job, error) => {
    emit({ kind: 'failed', job: String(job?.id ?? '?'), series: seriesLabel(job), attempt: job?.attemptsMade ?? 0, attempts: job?.opts.attempts ?? 1, error: maskQueueUrl(error.message) });
  });
  for (const w of [series, runs]) w.on('error', (error) => emit({ kind: 'error', error: maskQueueUrl(error.message) }));
  void series.run();
  void runs.run();
  await Promise.all([series.waitUntilReady(), runs.waitUntilReady()]);
  emit({ kind: 'ready', fingerprint, queue: `${names.prefix}:${names.series}`, server: options.connection.masked });
  let closing: Promise<void> | undefined;
  return {
    fingerprint,
    close: () =>
      (closing ??= (async () => {
        await Promise.all([series.close(), runs.close()]);
        seriesConnection.disconnect();
        runsConnection.disconnect();
      })()),
  };
}
