import { FactorkitError, show } from '@factorkit/core';
import type { RunSweepOptions, SweepResult, VariantEnvironment, VariantExecutor, VariantResult } from './types.js';
import { runVariant } from './variant.js';

/**
 * The executor that runs variants one at a time in this thread with {@link runVariant} on
 * `environment` (what {@link runSweep} uses when given no executor).
 */
export function inThreadExecutor(environment: VariantEnvironment): VariantExecutor {
  return {
    concurrency: 1,
    label: 'this thread',
    open: () => Promise.resolve({ run: (task) => runVariant(task, environment), close: () => Promise.resolve() }),
  };
}

/**
 * Run every variant of a checked sweep (`createSweep`) on an executor — in this thread by
 * default ({@link inThreadExecutor} on `options.environment`), or on worker threads or a queue's
 * workers — `executor.concurrency` at once. The result lists every variant in the sweep's order
 * whatever order they finished in, failed and stopped ones included (a variant that throws a
 * factorkit error is a `failed` result, not the sweep's failure). `onEvent` hears `start`, then
 * one `variant` event per variant as it finishes.
 *
 * A run the executor rejects (a worker died, the queue gave up) stops the sweep: no more
 * variants start, the runner is closed (ending the runs in flight) and the promise rejects with
 * that error. The runner is closed after a complete sweep too.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` without an executor nor an environment, or for an
 *   executor whose concurrency is not a positive integer; the executor's own failure.
 */
export async function runSweep(options: RunSweepOptions): Promise<SweepResult> {
  const began = performance.now();
  const { sweep } = options;
  if (!options.executor && !options.environment) throw new FactorkitError('FK_INVALID_ARGUMENT', 'runSweep: give an executor, or the environment (data, registry) to run the variants in this thread');
  const executor = options.executor ?? inThreadExecutor(options.environment!);
  const concurrency = executor.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new FactorkitError('FK_INVALID_ARGUMENT', `runSweep: executor \`${executor.label}\`: concurrency: expected a positive integer, got ${show(concurrency)}`);
  const tasks = sweep.variants;
  options.onEvent?.({ kind: 'start', variants: tasks.length, executor: executor.label });

  const runner = await executor.open(sweep);
  const results = new Array<VariantResult | undefined>(tasks.length);
  let next = 0;
  let done = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (!failure && next < tasks.length) {
      const k = next++;
      try {
        const result = await runner.run(tasks[k]!);
        if (failure) return;
        results[k] = result;
        done++;
        options.onEvent?.({ kind: 'variant', result, done, total: tasks.length });
      } catch (error) {
        failure ??= { error };
        return;
      }
    }
  };
  // The first lane to fail settles the race; the others end with their variant or at the runner's close.
  const lanes = Array.from({ length: Math.min(concurrency, tasks.length) }, lane);
  let stopped: { error: unknown } | undefined;
  try {
    await new Promise<void>((resolve) => {
      let running = lanes.length;
      if (running === 0) resolve();
      for (const l of lanes) {
        void l.then(() => {
          running--;
          if (failure || running === 0) resolve();
        });
      }
    });
    stopped = failure;
  } finally {
    await runner.close();
  }
  if (stopped) throw stopped.error;
  return {
    name: sweep.name,
    description: sweep.description,
    base: sweep.base,
    axes: sweep.axes,
    variants: results as VariantResult[],
    executor: executor.label,
    ms: performance.now() - began,
  };
}
