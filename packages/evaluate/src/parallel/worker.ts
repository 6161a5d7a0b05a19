/**
 * The worker thread of `workerExecutor`: makes its own optimizer, reads the run's data and
 * universes through the synchronous data link, and runs the series tasks it is posted, one at a
 * time, with `trackSeries` — the very function the in-process executor calls.
 */
import { FactorkitError, type OptimizerInstance, type OptimizerPlugin, TradingCalendar, pluginsFromModule, resolvePluginParams } from '@factorkit/core';
import { parentPort, workerData } from 'node:worker_threads';
import { seriesInput } from '../track/executor.js';
import { trackSeries } from '../track/series.js';
import type { TrackingProblemEntry } from '../track/types.js';
import { type MainMessage, type WorkerMessage, type WorkerSetup, type WorkerTask, panelOf, reviveConfig, reviveError, serializeError } from './protocol.js';
import { DataLink, RemoteMarketData, remoteUniverse } from './remote.js';

const port = parentPort;
if (!port) throw new Error('the factorkit tracking worker must run in a worker thread');
const setup = workerData as WorkerSetup;
const post = (message: WorkerMessage): void => port.postMessage(message);

const acks = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
let nextAck = 0;
let queue = Promise.resolve();

async function makeOptimizer(): Promise<OptimizerInstance> {
  const spec = setup.optimizer;
  let module: unknown;
  try {
    module = await import(spec.module);
  } catch (cause) {
    throw new FactorkitError('FK_WORKER_FAILED', `worker: importing the optimizer module \`${spec.module}\` failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
  const plugin = pluginsFromModule(module).find((p): p is OptimizerPlugin => (p as OptimizerPlugin).kind === 'optimizer' && (p as OptimizerPlugin).id === spec.id);
  if (!plugin) throw new FactorkitError('FK_WORKER_FAILED', `worker: module \`${spec.module}\` exports no optimizer plugin \`${spec.id}\``);
  return plugin.create(resolvePluginParams(plugin.meta, spec.params ?? {}, `optimizer \`${spec.id}\``));
}

async function main(): Promise<void> {
  const optimizer = await makeOptimizer();
  const link = new DataLink(setup.port, setup.signal);
  const calendar = new TradingCalendar(setup.calendar);
  const data = new RemoteMarketData(link, calendar, setup.assets, setup.fields);
  const N = setup.assets.length;
  const universes = setup.universes.map((u, index) => ({
    name: u.name,
    instance: remoteUniverse(link, index, u, calendar.length, N),
    ...(u.benchmarkReturns ? { benchmarkReturns: u.benchmarkReturns } : {}),
  }));
  const investable = setup.investable ? remoteUniverse(link, -1, { id: setup.investable.id, weights: false, tradability: false }, calendar.length, N) : undefined;
  const config = reviveConfig(setup.config);
  // The run's thread acknowledges each problem once its `onProblem` is done: back-pressure for `--save-problems`.
  const onProblem = setup.problems
    ? (task: number) =>
        (entry: TrackingProblemEntry): Promise<void> =>
          new Promise((resolve, reject) => {
            const ack = nextAck++;
            acks.set(ack, { resolve, reject });
            post({ type: 'problem', id: task, ack, entry });
          })
    : undefined;
  const context = { data, asOf: setup.asOf, frequency: setup.frequency, universes, ...(investable ? { investable } : {}), config, ...(setup.forward ? { forward: setup.forward } : {}) };

  const run = async (task: WorkerTask): Promise<void> => {
    try {
      const factor = {
        name: task.factor.name,
        direction: task.factor.direction,
        raw: panelOf(task.factor.raw),
        ...(task.factor.processed ? { processed: panelOf(task.factor.processed) } : {}),
        dates: task.factor.dates,
      };
      const input = seriesInput(
        { ...context, ...(onProblem ? { onProblem: onProblem(task.id) } : {}) },
        { universe: task.universe, factor, ...(task.resume ? { resume: task.resume } : {}), ...(task.resumeRefused ? { resumeRefused: task.resumeRefused } : {}), ...(task.continued ? { continued: task.continued } : {}) },
        optimizer,
      );
      const series = await trackSeries(input);
      post({ type: 'result', id: task.id, series });
    } catch (error) {
      post({ type: 'error', id: task.id, error: serializeError(error) });
    }
  };

  port!.on('message', (message: MainMessage) => {
    if (message.type === 'ack') {
      const waiting = acks.get(message.ack);
      acks.delete(message.ack);
      if (message.error) waiting?.reject(reviveError(message.error));
      else waiting?.resolve();
      return;
    }
    // One task at a time, in the order posted (the pool posts one per idle worker anyway).
    queue = queue.then(() => run(message));
  });
  post({ type: 'ready' });
}

main().catch((error: unknown) => post({ type: 'failed', error: serializeError(error) }));
