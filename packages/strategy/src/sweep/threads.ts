import { FactorkitError, show } from '@factorkit/core';
import type { PluginModule } from '@factorkit/core/node';
import type { DatasetLocation } from '@factorkit/data';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PostedError, SweepMainMessage, SweepWorkerMessage, SweepWorkerSetup } from './protocol.js';
import type { VariantExecutor, VariantResult, VariantRunner, VariantTask } from './types.js';

/** Options of {@link variantThreadExecutor}. */
export interface VariantThreadOptions {
  /** Worker threads (≥ 1); default one per core (`os.availableParallelism()`). */
  readonly workers?: number;
  /** Where the dataset is: each worker loads it once (`loadDatasetAt` of `@factorkit/data`). */
  readonly data: DatasetLocation;
  /** The plugin modules each worker imports (`registryFromModules` of `@factorkit/core/node`; the CLI's `pluginModules`). */
  readonly plugins: readonly PluginModule[];
  /** Supplementary index levels for composite benchmarks (`runStrategy`'s `benchmarkData`), loaded by each worker. */
  readonly benchmarkData?: DatasetLocation;
  /**
   * The worker script and Node flags; default the built `sweep-worker.js` beside this module.
   * Tests running the TypeScript sources pass `{ url: new URL('../src/sweep/worker.ts', import.meta.url), execArgv: ['--import', 'tsx'] }`.
   */
  readonly worker?: { readonly url: URL; readonly execArgv?: readonly string[] };
}

interface Pending {
  readonly id: number;
  readonly task: VariantTask;
  readonly resolve: (result: VariantResult) => void;
  readonly reject: (error: Error) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly number: number;
  busy: Pending | undefined;
}

/** A worker's error rebuilt in the run's thread, its code and message kept. */
function workerFailure(message: string, posted: PostedError | undefined, details: Record<string, unknown> = {}): FactorkitError {
  const error = new FactorkitError('FK_WORKER_FAILED', message, { details: { ...details, ...(posted?.code ? { code: posted.code } : {}) } });
  if (posted?.stack) error.stack = `${error.stack ?? ''}\nin the worker: ${posted.stack}`;
  return error;
}

/**
 * A {@link VariantExecutor} on worker threads: each worker loads the dataset once
 * (`loadDatasetAt`) and imports the plugin modules (`registryFromModules`), then runs one
 * variant at a time with `runVariant` — the function the in-thread executor calls, so the
 * results are the same (the daily series come back as `Float64Array`s through the structured
 * clone). Each worker holds its own copy of the data: memory grows with `workers` (a sweep of
 * fewer variants starts only as many threads as it has variants).
 *
 * `open` waits until every worker has loaded; one that cannot (a missing folder, a plugin that
 * does not import) fails `open` with `FK_WORKER_FAILED` naming the worker and the reason (its
 * error's code in `details.code`), after stopping the others. A worker that dies while running a
 * variant, or whose variant throws something other than a factorkit error (which `runVariant`
 * returns as a `failed` result), rejects that variant's run with `FK_WORKER_FAILED` naming the
 * variant, and every run after it: the sweep stops.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` for a worker count that is not a positive integer
 *   or a missing `data`.
 */
export function variantThreadExecutor(options: VariantThreadOptions): VariantExecutor {
  const count = options.workers ?? availableParallelism();
  if (!Number.isInteger(count) || count < 1) throw new FactorkitError('FK_INVALID_ARGUMENT', `workers: expected a positive integer, got ${show(options.workers)}`);
  if (typeof options.data?.data !== 'string') throw new FactorkitError('FK_INVALID_ARGUMENT', `data: expected a dataset location (\`{ data: folder, with?, encoding? }\`), got ${show(options.data)}`);
  if (!Array.isArray(options.plugins)) throw new FactorkitError('FK_INVALID_ARGUMENT', `plugins: expected a list of plugin modules, got ${show(options.plugins)}`);
  return {
    concurrency: count,
    label: `${count} worker thread${count === 1 ? '' : 's'}`,
    // No more threads than variants: each one loads the whole dataset.
    open: (sweep) => openThreads(Math.max(1, Math.min(count, sweep.variants.length)), options),
  };
}

async function openThreads(count: number, options: VariantThreadOptions): Promise<VariantRunner> {
  const url = options.worker?.url ?? new URL('./sweep-worker.js', import.meta.url);
  const execArgv = [...(options.worker?.execArgv ?? [])];
  const setup: SweepWorkerSetup = { data: options.data, plugins: options.plugins, ...(options.benchmarkData ? { benchmarkData: options.benchmarkData } : {}) };
  const slots: Slot[] = [];
  const waiting: Pending[] = [];
  let broken: Error | undefined;
  let closing = false;
  let nextId = 0;

  const fail = (error: Error): void => {
    broken ??= error;
    for (const slot of slots) {
      slot.busy?.reject(broken);
      slot.busy = undefined;
    }
    for (const pending of waiting.splice(0)) pending.reject(broken);
  };

  const dispatch = (): void => {
    for (const slot of slots) {
      if (slot.busy || waiting.length === 0) continue;
      const next = waiting.shift()!;
      slot.busy = next;
      slot.worker.postMessage({ type: 'task', id: next.id, task: next.task } satisfies SweepMainMessage);
    }
  };

  const started = Array.from({ length: count }, (_, k) => {
    const number = k + 1;
    const worker = new Worker(url, { workerData: setup, execArgv });
    const slot: Slot = { worker, number, busy: undefined };
    slots.push(slot);
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const lost = (why: string, posted?: PostedError): void => {
        if (closing) return;
        if (!ready) return reject(workerFailure(`worker thread ${number} of ${count} could not start: ${why}`, posted));
        const variant = slot.busy?.task;
        fail(workerFailure(`worker thread ${number} ${why}${variant ? ` while running variant \`${variant.name}\` (index ${variant.index})` : ''}; the sweep stops`, posted, variant ? { variant: variant.name } : {}));
      };
      worker.on('message', (message: SweepWorkerMessage) => {
        switch (message.type) {
          case 'ready':
            ready = true;
            resolve();
            return;
          case 'failed':
            lost(message.error.code ? `[${message.error.code}] ${message.error.message}` : message.error.message, message.error);
            return;
          case 'result':
          case 'error': {
            const busy = slot.busy;
            if (!busy || busy.id !== message.id) return;
            slot.busy = undefined;
            if (message.type === 'result') {
              busy.resolve(message.result);
              dispatch();
            } else {
              const { task } = busy;
              fail(workerFailure(`variant \`${task.name}\` (index ${task.index}) threw in worker thread ${number}: ${message.error.message}`, message.error, { variant: task.name }));
            }
            return;
          }
        }
      });
      worker.on('error', (error) => lost(`failed: ${error.message}`));
      worker.on('exit', (code) => lost(`stopped unexpectedly (exit code ${code})`));
    });
  });

  const close = async (): Promise<void> => {
    closing = true;
    fail(new FactorkitError('FK_WORKER_FAILED', 'the worker threads were closed'));
    await Promise.allSettled(slots.map((s) => s.worker.terminate()));
  };
  try {
    await Promise.all(started);
  } catch (error) {
    await close();
    throw error;
  }

  return {
    run: (task) =>
      new Promise<VariantResult>((resolve, reject) => {
        if (broken) return reject(broken);
        waiting.push({ id: nextId++, task, resolve, reject });
        dispatch();
      }),
    close,
  };
}
