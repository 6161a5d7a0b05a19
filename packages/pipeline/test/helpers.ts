/** Helpers of the pipeline tests. */
import { type FactorkitError, isFactorkitError } from '@factorkit/core';

/** What `fn` throws, as a factorkit error (anything else is rethrown; no throw fails the test). */
export function thrown(fn: () => unknown): FactorkitError {
  try {
    fn();
  } catch (error) {
    if (isFactorkitError(error)) return error;
    throw error;
  }
  throw new Error('expected a throw');
}
