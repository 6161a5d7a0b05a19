/**
 * The sandboxed processor of `startTrackingWorker`: BullMQ runs it in a child process of the
 * worker, so that a long solve keeps this process busy while the worker's own process renews
 * the job's lock. The worker hands its settings over in the environment
 * ({@link PROCESSOR_ENV}): the dataset folders and their fingerprint, and the plugin modules
 * installed on its machine. Each child loads the data and imports the plugins once, on its
 * first job, and computes every job it is given by the job's format: a tracking series with
 * `computeSeriesJob`, a sweep's variant with `computeVariantJob`.
 */
import { type MarketData, isFactorkitError } from '@factorkit/core';
import { registryFromModules } from '@factorkit/core/node';
import { loadDatasetAt } from '@factorkit/data';
import { type WorkerEnvironment, computeSeriesJob } from './compute.js';
import type { SeriesJobResult, VariantJobResult } from './result.js';
import { PROCESSOR_ENV, type ProcessorSettings } from './settings.js';
import { JOB_FORMAT, VARIANT_JOB_FORMAT } from './spec.js';
import { computeVariantJob, unknownJob } from './variant.js';

let environment: Promise<WorkerEnvironment> | undefined;

/** The settings, the plugins imported; the data loaded when a job first needs it (a refused job does not load it). */
async function loadEnvironment(): Promise<WorkerEnvironment> {
  const text = process.env[PROCESSOR_ENV];
  if (!text) throw new Error(`the factorkit queue processor runs inside \`factorkit worker\` (${PROCESSOR_ENV} is not set)`);
  const settings = JSON.parse(text) as ProcessorSettings;
  const registry = await registryFromModules(settings.plugins);
  let data: Promise<MarketData> | undefined;
  const load = (): Promise<MarketData> => (data ??= loadDatasetAt(settings.data).then((loaded) => loaded.dataset));
  return { data: load, fingerprint: settings.fingerprint, registry };
}

/** One job, in the child process, by its format. Refusals fail at once (no retry on this worker); other errors are retried. */
export default async function processJob(job: { data: unknown }): Promise<SeriesJobResult | VariantJobResult> {
  try {
    environment ??= loadEnvironment();
    const format = (job.data as { format?: unknown } | null)?.format;
    if (format === JOB_FORMAT) return await computeSeriesJob(job.data, await environment);
    if (format === VARIANT_JOB_FORMAT) return await computeVariantJob(job.data, await environment);
    throw unknownJob(job.data);
  } catch (error) {
    const out = new Error(isFactorkitError(error) ? `[${error.code}] ${error.message}` : error instanceof Error ? error.message : String(error));
    // BullMQ reads the name: an unrecoverable error is not retried.
    if (error instanceof Error && error.name === 'JobRefusedError') out.name = 'UnrecoverableError';
    if (error instanceof Error && error.stack) out.stack = `${out.name}: ${out.message}\n${error.stack.split('\n').slice(1).join('\n')}`;
    throw out;
  }
}
