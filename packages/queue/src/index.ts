export { type QueueConnection, type RedisPersistence, type RedisServerInfo, MIN_REDIS_VERSION, checkQueueServer, checkRedisServer, compareVersions, maskQueueUrl, parseQueueUrl, persistenceWarning } from './connection.js';
export { type DatasetLocation, datasetFingerprint } from '@factorkit/data';
export { type QueueNames, type ResolvedQueueNames, queueNames } from './names.js';
export {
  type PluginRef,
  type RunSpec,
  type SeriesJobSpec,
  type VariantJobSpec,
  JOB_FORMAT,
  JOB_FORMAT_VERSION,
  VARIANT_JOB_FORMAT,
  VARIANT_JOB_FORMAT_VERSION,
  canonicalJson,
  runJobId,
  seriesJobId,
  sweepJobId,
  variantJobId,
} from './spec.js';
export { type SeriesJobResult, type VariantJobResult, decodeSeries, decodeVariant, encodeSeries, encodeVariant } from './result.js';
export { JobRefusedError, type WorkerEnvironment, computeSeriesJob } from './compute.js';
export { computeVariantJob, strategyPluginRefs } from './variant.js';
export { PROCESSOR_ENV, type PluginModule, type ProcessorSettings } from './settings.js';
export { type TrackingWorker, type TrackingWorkerOptions, type WorkerEvent, startTrackingWorker } from './worker.js';
export { type JobRun, type JobRunSetup, type MutableCounts, type QueueRunCounts, type QueueRunEvent, openJobRun } from './jobs.js';
export { type QueueTrackingOptions, type QueueTrackingResult, runTrackingOnQueue } from './client.js';
export { type QueueSweepOptions, type QueueSweepResult, type QueueVariantExecutor, type RunSweepOnQueueOptions, runSweepOnQueue, variantQueueExecutor } from './sweep.js';
