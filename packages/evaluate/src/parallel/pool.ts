import { FactorkitError, type Panel, show } from '@factorkit/core';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SeriesContext, SeriesExecutor, SeriesRunner, SeriesTask } from '../track/executor.js';
import type { TrackingSeries } from '../track/types.js';
import { type MainMessage, type SharedPanel, type WorkerMessage, type WorkerOptimizerSpec, type WorkerSetup, reviveError, serializeError, shareConfig, sharePanel, sharedFloat64 } from './protocol.js';
import { DataServer } from './server.js';

/** What {@link workerExecutor} takes. */
export interface WorkerExecutorOptions {
  /** Worker threads (≥ 1). Default: one per core (`os.availableParallelism()`). */
  readonly workers?: number;
  /**
   * How each worker makes its optimizer — the same kind the run was given: the module that
   * exports the optimizer plugin (a package name resolvable from `@factorkit/evaluate`, or a
   * `file:` URL: the CLI passes the resolved entry of the plugin's package), its id, its parameters.
   */
  readonly optimizer: WorkerOptimizerSpec;
  /**
   * The worker script and Node flags; default the built `worker.js` beside this module. Tests
   * running the TypeScript sources pass `{ url: new URL('../src/parallel/worker.ts', import.meta.url), execArgv: ['--import', 'tsx'] }`.
   */
  readonly worker?: { readonly url: URL; readonly execArgv?: readonly string[] };
}

interface Slot {
  readonly worker: Worker;
  readonly index: number;
  busy: { readonly id: number; readonly resolve: (series: TrackingSeries) => void; readonly reject: (error: Error) => void } | undefined;
}

/**
 * A {@link SeriesExecutor} on worker threads: the (universe, factor) series of a tracking run
 * run in parallel, one per worker, with the same result as in-process (`trackSeries` is what
 * each worker calls).
 *
 * - **Shared, not copied.** Each factor's panels are put in shared memory once, whatever the
 *   number of universes and workers. The data (fields, universe members, benchmark weights,
 *   tradability) stays in the run's thread: a worker asks for what it reads, synchronously, and
 *   the answer — computed once, kept in shared memory — serves every worker.
 * - **Each worker has its own optimizer**, made from {@link WorkerExecutorOptions.optimizer}.
 * - **Failures are clear**: a worker that cannot start (its optimizer module cannot be imported)
 *   fails `open`; a series that throws rejects with its error (code and message kept); a worker
 *   that dies rejects its series with `FK_WORKER_FAILED`, and the run stops.
 * - `onProblem` runs in the run's thread; each worker waits for it before solving (back-pressure).
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` for a worker count that is not a positive integer.
 * @example
 * const executor = workerExecutor({ workers: 4, optimizer: { module: '@factorkit/optimizer-highs', id: 'highs', params: { presolve: false } } });
 * const result = await runTracking({ ...options, executor });
 */
export function workerExecutor(options: WorkerExecutorOptions): SeriesExecutor {
  const count = options.workers ?? availableParallelism();
  if (!Number.isInteger(count) || count < 1) throw new FactorkitError('FK_INVALID_ARGUMENT', `workers: expected a positive integer, got ${show(options.workers)}`);
  const spec = options.optimizer;
  if (typeof spec?.module !== 'string' || typeof spec.id !== 'string') {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `optimizer: expected \`{ module, id, params? }\` naming the module that exports the optimizer plugin, got ${show(spec)}`);
  }
  return {
    concurrency: count,
    label: `${count} worker thread${count === 1 ? '' : 's'}`,
    open: (context) => openPool(context, count, options),
  };
}

async function openPool(context: SeriesContext, count: number, options: WorkerExecutorOptions): Promise<SeriesRunner> {
  const server = new DataServer(
    context.data,
    context.universes.map((u) => u.instance),
    context.investable,
  );
  const url = options.worker?.url ?? new URL('./worker.js', import.meta.url);
  const execArgv = [...(options.worker?.execArgv ?? [])];
  const config = shareConfig(context.config);
  // Only the rows computed are copied (a continued run's forward returns start near its end; shared memory starts zeroed).
  const fromRow = context.forward?.from === undefined ? 0 : Math.max(0, context.data.calendar.indexOf(context.forward.from));
  const shareRows = (r: Float64Array): Float64Array => {
    if (r.buffer instanceof SharedArrayBuffer) return r;
    if (fromRow === 0) return sharedFloat64(r);
    const out = new Float64Array(new SharedArrayBuffer(r.byteLength));
    const start = fromRow * context.forward!.assets;
    out.set(r.subarray(start), start);
    return out;
  };
  const forward = context.forward ? { ...context.forward, returns: context.forward.returns.map(shareRows) } : undefined;
  const shared = new WeakMap<Panel, SharedPanel>();
  const share = (panel: Panel): SharedPanel => {
    let s = shared.get(panel);
    if (!s) shared.set(panel, (s = sharePanel(panel)));
    return s;
  };
  const slots: Slot[] = [];
  const waiting: { task: SeriesTask; id: number; resolve: (series: TrackingSeries) => void; reject: (error: Error) => void }[] = [];
  let broken: Error | undefined;
  let closing = false;
  let nextId = 0;

  const fail = (error: Error): void => {
    broken ??= error;
    for (const slot of slots) {
      slot.busy?.reject(error);
      slot.busy = undefined;
    }
    for (const w of waiting.splice(0)) w.reject(error);
  };

  const dispatch = (): void => {
    for (const slot of slots) {
      if (slot.busy || waiting.length === 0) continue;
      const next = waiting.shift()!;
      slot.busy = { id: next.id, resolve: next.resolve, reject: next.reject };
      const f = next.task.factor;
      const message: MainMessage = {
        type: 'task',
        id: next.id,
        universe: next.task.universe,
        factor: { name: f.name, direction: f.direction, raw: share(f.raw), ...(f.processed ? { processed: share(f.processed) } : {}), dates: f.dates },
        ...(next.task.resume ? { resume: next.task.resume } : {}),
        ...(next.task.resumeRefused ? { resumeRefused: next.task.resumeRefused } : {}),
        ...(next.task.continued ? { continued: next.task.continued } : {}),
      };
      slot.worker.postMessage(message);
    }
  };

  const started = Array.from({ length: count }, (_, index) => {
    const link = server.connect();
    const setup: WorkerSetup = {
      calendar: context.data.calendar.dates,
      assets: context.data.assets,
      fields: context.data.fieldInfo(),
      universes: context.universes.map((u) => ({
        name: u.name,
        id: u.instance.id,
        weights: typeof u.instance.weights === 'function',
        tradability: typeof u.instance.tradability === 'function',
        ...(u.benchmarkReturns ? { benchmarkReturns: u.benchmarkReturns } : {}),
      })),
      ...(context.investable ? { investable: { id: context.investable.id } } : {}),
      asOf: context.asOf,
      frequency: context.frequency,
      config,
      ...(forward ? { forward } : {}),
      optimizer: options.optimizer,
      problems: context.onProblem !== undefined,
      signal: link.signal,
      port: link.port,
    };
    const worker = new Worker(url, { workerData: setup, transferList: [link.port], execArgv });
    const slot: Slot = { worker, index, busy: undefined };
    slots.push(slot);
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'ready':
            ready = true;
            resolve();
            return;
          case 'failed':
            reject(reviveError(message.error, `worker thread ${index + 1} could not start`));
            return;
          case 'result':
          case 'error': {
            const busy = slot.busy;
            if (!busy || busy.id !== message.id) return;
            slot.busy = undefined;
            if (message.type === 'result') busy.resolve(message.series as TrackingSeries);
            else busy.reject(reviveError(message.error));
            dispatch();
            return;
          }
          case 'problem': {
            const reply = (error?: unknown): void => worker.postMessage({ type: 'ack', ack: message.ack, ...(error === undefined ? {} : { error: serializeError(error) }) } satisfies MainMessage);
            Promise.resolve()
              .then(() => context.onProblem!(message.entry as Parameters<NonNullable<SeriesContext['onProblem']>>[0]))
              .then(() => reply(), reply);
            return;
          }
        }
      });
      worker.on('error', (error) => {
        const failure = new FactorkitError('FK_WORKER_FAILED', `worker thread ${index + 1} failed: ${error.message}`, { cause: error });
        if (!ready) reject(failure);
        else fail(failure);
      });
      worker.on('exit', (code) => {
        if (closing) return;
        const failure = new FactorkitError('FK_WORKER_FAILED', `worker thread ${index + 1} stopped unexpectedly (exit code ${code})`);
        if (!ready) reject(failure);
        else fail(failure);
      });
    });
  });

  const close = async (): Promise<void> => {
    closing = true;
    await Promise.allSettled(slots.map((s) => s.worker.terminate()));
    server.close();
  };
  try {
    await Promise.all(started);
  } catch (error) {
    await close();
    throw error;
  }

  return {
    run: (task) =>
      new Promise<TrackingSeries>((resolve, reject) => {
        if (broken) return reject(broken);
        waiting.push({ task, id: nextId++, resolve, reject });
        dispatch();
      }),
    close,
  };
}
