import type { PluginModule } from '@factorkit/core/node';
import type { DatasetLocation } from '@factorkit/data';
import type { VariantResult, VariantTask } from './types.js';

/** What a sweep worker thread is started with: where the data is and which plugin modules to import. */
export interface SweepWorkerSetup {
  readonly data: DatasetLocation;
  readonly plugins: readonly PluginModule[];
  readonly benchmarkData?: DatasetLocation;
}

/** An error as plain data (a worker posts it; the run's thread rebuilds a FactorkitError from it). */
export interface PostedError {
  readonly code?: string;
  readonly message: string;
  readonly stack?: string;
}

/** From the run's thread to a worker. */
export type SweepMainMessage = { readonly type: 'task'; readonly id: number; readonly task: VariantTask };

/** From a worker to the run's thread. */
export type SweepWorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly error: PostedError }
  | { readonly type: 'result'; readonly id: number; readonly result: VariantResult }
  | { readonly type: 'error'; readonly id: number; readonly error: PostedError };

/** `error` as plain data. */
export function postedError(error: unknown): PostedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { ...(typeof code === 'string' ? { code } : {}), message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  }
  return { message: String(error) };
}
