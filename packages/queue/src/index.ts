export { type QueueConnection, type RedisServerInfo, MIN_REDIS_VERSION, checkQueueServer, checkRedisServer, compareVersions, maskQueueUrl, parseQueueUrl } from './connection.js';
export { type DatasetLocation, datasetFingerprint } from '@factorkit/data';
export { type QueueNames, queueNames } from './names.js';
export { type PluginRef, type RunSpec, type SeriesJobSpec, JOB_FORMAT, JOB_FORMAT_VERSION, canonicalJson, runJobId, seriesJobId } from './spec.js';
export { type SeriesJobResult, decodeSeries, encodeSeries } from './result.js';
export { JobRefusedError, type WorkerEnvironment, computeSeriesJob } from './compute.js';
export { PROCESSOR_ENV, type PluginModule, type ProcessorSettings } from './settings.js';
export { type TrackingWorker, type TrackingWorkerOptions, type WorkerEvent, startTrackingWorker } from './worker.js';
export { type QueueRunCounts, type QueueRunEvent, type QueueTrackingOptions, type QueueTrackingResult, runTrackingOnQueue } from './client.js';
