import type { PluginSource } from '@factorkit/core';
import type { DatasetLocation } from './fingerprint.js';

/** The environment variable through which a worker passes {@link ProcessorSettings} to its sandboxed processes. */
export const PROCESSOR_ENV = 'FACTORKIT_QUEUE_PROCESSOR';

/** A module of plugins installed on the worker's machine: a `file:` URL to import, and where it came from. */
export interface PluginModule {
  readonly url: string;
  readonly type: PluginSource['type'];
  readonly package?: string;
  readonly version?: string;
}

/** What a sandboxed processor is told by its worker (no credentials: the processor never talks to Redis). */
export interface ProcessorSettings {
  readonly data: DatasetLocation;
  readonly fingerprint: string;
  readonly plugins: readonly PluginModule[];
}
