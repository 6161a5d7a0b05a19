/**
 * What `fn` throws, for asserting on an error's code and message in any test framework:
 *
 * ```ts
 * const error = catchError(() => computeFactor(myFactor, dataWithoutInputs));
 * expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
 * ```
 *
 * @throws Error when `fn` returns instead of throwing, so the assertion cannot pass vacuously.
 */
export function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('catchError: expected the function to throw, but it returned');
}
