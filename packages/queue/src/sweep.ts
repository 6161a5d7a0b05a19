import { FactorkitError, type PluginRegistry, isFactorkitError, show } from '@factorkit/core';
import { type RunSweepOptions, type Sweep, type SweepResult, type VariantExecutor, type VariantResult, type VariantRunner, type VariantTask, createStrategy, runSweep, runVariant } from '@factorkit/strategy';
import { type QueueConnection, checkQueueServer, persistenceWarning } from './connection.js';
import { type MutableCounts, type QueueRunCounts, type QueueRunEvent, openJobRun } from './jobs.js';
import { type QueueNames, queueNames } from './names.js';
import { type VariantJobResult, decodeVariant } from './result.js';
import { VARIANT_JOB_FORMAT, VARIANT_JOB_FORMAT_VERSION, type VariantJobSpec, canonicalJson, sweepJobId, variantJobId } from './spec.js';
import { strategyPluginRefs } from './variant.js';

/** Where and how a sweep's variants are queued: what {@link variantQueueExecutor} and {@link runSweepOnQueue} take. */
export interface QueueSweepOptions {
  readonly connection: QueueConnection;
  readonly queue?: QueueNames;
  /** `datasetFingerprint` of the folders the workers must have: every job carries it, and a worker with other data refuses the job. */
  readonly dataFingerprint: string;
  /** The registry the variants' plugins come from: each job names every plugin with its package and version. */
  readonly registry: PluginRegistry;
  /** The caller's code version (part of each variant's job id: other code computes again). Default `''`. */
  readonly codeVersion?: string;
  /** Attempts per variant job before the sweep stops with its error (≥ 1). Default 3. */
  readonly attempts?: number;
  /** First retry delay in milliseconds, doubled at each attempt. Default 1,000. */
  readonly backoffMs?: number;
  /** Variant jobs handed over and waited on at once (the executor's concurrency). Default 256. */
  readonly inFlight?: number;
  /** How often the jobs waited on are read, besides the queue's events, in milliseconds. Default 1,000. */
  readonly pollMs?: number;
  /** What happens on the queue: the server, jobs added or reused, started by a worker, retried. */
  readonly onQueueEvent?: (event: QueueRunEvent) => void;
}

/** A variant executor on the queue, with what it did. */
export interface QueueVariantExecutor extends VariantExecutor {
  /** The counts of the last sweep it opened (zeros before). */
  counts(): QueueRunCounts;
}

/**
 * A {@link VariantExecutor} whose variants are computed by `factorkit worker` processes on any
 * number of machines through a BullMQ queue on Redis: give it to `runSweep` of
 * `@factorkit/strategy` (or call {@link runSweepOnQueue}). A worker runs `runVariant` — what a
 * local sweep runs — so the results are the same, `ms` aside.
 *
 * - **A job per variant** (format `factorkit-queue-variant`): the variant (plain JSON: checked
 *   with `canonicalJson`), every plugin its strategy uses with package and version (resolved
 *   here with `createStrategy` on `registry`), the dataset's fingerprint and the code version.
 *   Its id is `v-` + the SHA-256 of that data: a rerun reuses every finished variant.
 * - **One parent job per sweep**, its id from the variants' job ids and the fingerprint.
 * - **Strict on faults**: a variant that throws a factorkit error comes back `failed` (a result,
 *   not retried); a job that failed on every attempt (a crash, a refusal) rejects with
 *   `FK_WORKER_FAILED` naming the variant, and the sweep stops with it.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` (options; on `open`: the server, a variant that
 *   is not plain JSON).
 */
export function variantQueueExecutor(options: QueueSweepOptions): QueueVariantExecutor {
  const attempts = options.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 100) throw new FactorkitError('FK_INVALID_ARGUMENT', `attempts: expected a whole number from 1 to 100, got ${show(options.attempts)}`);
  const inFlight = options.inFlight ?? 256;
  if (!Number.isInteger(inFlight) || inFlight < 1) throw new FactorkitError('FK_INVALID_ARGUMENT', `inFlight: expected a whole number ≥ 1, got ${show(options.inFlight)}`);
  const names = queueNames(options.queue);
  let counts: MutableCounts = { run: '', jobs: 0, enqueued: 0, reused: 0, retried: 0, joined: 0 };
  return {
    concurrency: inFlight,
    label: `queue ${options.connection.masked}`,
    counts: () => ({ ...counts }),
    open: async (sweep: Sweep): Promise<VariantRunner> => {
      const server = await checkQueueServer(options.connection);
      const warning = persistenceWarning(server, options.connection);
      options.onQueueEvent?.({ kind: 'server', server: options.connection.masked, version: server.version, ...(warning ? { warning } : {}) });
      // Every job made (and checked) before anything is queued: the parent's id needs them all.
      const jobs = new Map<number, { readonly id: string; readonly spec: VariantJobSpec } | { readonly error: unknown }>();
      for (const task of sweep.variants) jobs.set(task.index, variantJob(sweep, task, options));
      const ids = sweep.variants.map((task) => {
        const job = jobs.get(task.index)!;
        return 'id' in job ? job.id : null;
      });
      const runId = sweepJobId(sweep.name, ids.filter((id): id is string => id !== null), options.dataFingerprint);
      counts = { run: runId, jobs: 0, enqueued: 0, reused: 0, retried: 0, joined: 0 };
      const run = await openJobRun({
        connection: options.connection,
        names,
        attempts,
        ...(options.backoffMs === undefined ? {} : { backoffMs: options.backoffMs }),
        ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
        parent: { id: runId, data: { format: VARIANT_JOB_FORMAT, version: VARIANT_JOB_FORMAT_VERSION, sweep: sweep.name, variants: sweep.variants.length, data: options.dataFingerprint } },
        counts,
        ...(options.onQueueEvent ? { onQueueEvent: options.onQueueEvent } : {}),
      });
      return {
        run: async (task: VariantTask): Promise<VariantResult> => {
          const job = jobs.get(task.index) ?? variantJob(sweep, task, options);
          if ('error' in job) {
            // Its strategy does not resolve here: a deterministic outcome, `failed` as in a local sweep (runVariant fails before it reads any data).
            return runVariant(task, { data: undefined as never, registry: options.registry });
          }
          const result = (await run.submit({ id: job.id, name: 'variant', data: job.spec, label: task.name })) as VariantJobResult;
          if (result?.kind !== 'variant') throw new FactorkitError('FK_WORKER_FAILED', `variant ${task.name}: the worker returned no variant result: are the workers running the same @factorkit/queue version?`);
          return decodeVariant(result.result);
        },
        close: () => run.close(),
      };
    },
  };
}

/** A variant's job (data and id), or the error its strategy gives here. */
function variantJob(sweep: Sweep, task: VariantTask, options: QueueSweepOptions): { readonly id: string; readonly spec: VariantJobSpec } | { readonly error: unknown } {
  let plugins;
  try {
    plugins = strategyPluginRefs(createStrategy(task.definition, { registry: options.registry }), options.registry);
  } catch (error) {
    if (isFactorkitError(error)) return { error };
    throw error;
  }
  const spec: VariantJobSpec = {
    format: VARIANT_JOB_FORMAT,
    version: VARIANT_JOB_FORMAT_VERSION,
    sweep: sweep.name,
    task: { index: task.index, name: task.name, parameters: task.parameters, definition: task.definition },
    plugins,
    data: options.dataFingerprint,
    codeVersion: options.codeVersion ?? '',
  };
  // A job carries plain JSON only, sent as it is.
  canonicalJson(spec.task, `variant ${task.name}`);
  return { id: variantJobId(spec), spec };
}

/** What {@link runSweepOnQueue} takes: `runSweep`'s sweep and events, and where and how to queue the variants. */
export interface RunSweepOnQueueOptions extends QueueSweepOptions, Omit<RunSweepOptions, 'executor' | 'environment'> {}

/** A sweep's result, and what the queue did. */
export interface QueueSweepResult {
  readonly result: SweepResult;
  readonly queue: QueueRunCounts;
}

/**
 * `runSweep` of `@factorkit/strategy` with its variants on the queue ({@link variantQueueExecutor}):
 * the same `SweepResult` as a local sweep (`ms` aside, `executor` the queue's masked URL), and
 * the counts of jobs enqueued, reused, retried and joined.
 *
 * @throws what {@link variantQueueExecutor} and `runSweep` throw; `FK_WORKER_FAILED` when a
 *   variant's job failed on every attempt.
 */
export async function runSweepOnQueue(options: RunSweepOnQueueOptions): Promise<QueueSweepResult> {
  const executor = variantQueueExecutor(options);
  const result = await runSweep({ sweep: options.sweep, executor, ...(options.onEvent ? { onEvent: options.onEvent } : {}) });
  return { result, queue: executor.counts() };
}
