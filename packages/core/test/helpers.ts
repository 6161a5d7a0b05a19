import { FactorkitError } from '../src/index.js';

/** The FactorkitError `fn` throws; fails the test when it throws nothing or something else. */
export function thrown(fn: () => unknown): FactorkitError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FactorkitError) return error;
    throw new Error(`expected a FactorkitError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the function to throw');
}

/** The FactorkitError `promise` rejects with. */
export async function rejected(promise: Promise<unknown>): Promise<FactorkitError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FactorkitError) return error;
    throw new Error(`expected a FactorkitError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the promise to reject');
}

/** Float64Array → plain array, so that `toEqual` shows readable diffs (NaN compares equal). */
export const arr = (values: ArrayLike<number>): number[] => Array.from(values);
