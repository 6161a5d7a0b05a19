import type { PluginModule } from '@factorkit/core/node';
import type { DatasetLocation } from '@factorkit/data';

/** The environment variable through which a worker passes {@link ProcessorSettings} to its sandboxed processes. */
export const PROCESSOR_ENV = 'FACTORKIT_QUEUE_PROCESSOR';

export type { PluginModule };

/** What a sandboxed processor is told by its worker (no credentials: the processor never talks to Redis). */
export interface ProcessorSettings {
  readonly data: DatasetLocation;
  readonly fingerprint: string;
  readonly plugins: readonly PluginModule[];
}
