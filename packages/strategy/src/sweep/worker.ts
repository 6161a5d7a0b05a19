/**
 * The worker thread of `variantThreadExecutor`: loads the dataset once (`loadDatasetAt`) and
 * imports the plugin modules it was given (`registryFromModules`), then runs each variant it is
 * posted with `runVariant` — the function every executor calls — and posts the result back.
 */
import { registryFromModules } from '@factorkit/core/node';
import { loadDatasetAt } from '@factorkit/data';
import { parentPort, workerData } from 'node:worker_threads';
import { type SweepMainMessage, type SweepWorkerMessage, type SweepWorkerSetup, postedError } from './protocol.js';
import type { VariantEnvironment } from './types.js';
import { runVariant } from './variant.js';

const port = parentPort;
if (!port) throw new Error('the factorkit sweep worker must run in a worker thread');
const setup = workerData as SweepWorkerSetup;
const post = (message: SweepWorkerMessage): void => port.postMessage(message);

async function environment(): Promise<VariantEnvironment> {
  const [data, registry, benchmarkData] = await Promise.all([
    loadDatasetAt(setup.data),
    registryFromModules(setup.plugins),
    setup.benchmarkData ? loadDatasetAt(setup.benchmarkData) : undefined,
  ]);
  return { data: data.dataset, registry, ...(benchmarkData ? { benchmarkData: benchmarkData.dataset } : {}) };
}

environment().then(
  (env) => {
    // One variant at a time: the run's thread sends the next when this one is answered.
    port.on('message', (message: SweepMainMessage) => {
      runVariant(message.task, env).then(
        (result) => post({ type: 'result', id: message.id, result }),
        (error: unknown) => post({ type: 'error', id: message.id, error: postedError(error) }),
      );
    });
    post({ type: 'ready' });
  },
  (error: unknown) => post({ type: 'failed', error: postedError(error) }),
);
