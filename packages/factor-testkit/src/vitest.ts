/**
 * `@factorkit/factor-testkit/vitest`: the kit's tests declared with vitest's `describe` and `it`.
 *
 * @example
 * // test/kit.test.ts of a factor plugin
 * import { runFactorTests } from '@factorkit/factor-testkit/vitest';
 * import { myFactor } from '../src/index.js';
 * runFactorTests(myFactor, { golden: [{ name: 'hand panel', data, expected }] });
 *
 * @packageDocumentation
 */
import type { FactorPlugin, ParamSchema } from '@factorkit/core';
import { describe, it } from 'vitest';
import { type FactorTestOptions, type FactorTester, createFactorTester } from './tester.js';

/** A {@link FactorTester} declaring its tests with vitest. */
export const vitestFactorTester: FactorTester = createFactorTester({ describe, it });

/**
 * Declare `describe(plugin.id)` with one vitest `it` per check (see `planFactorTests`); a
 * failed check fails its test with a `FactorTestError` whose message names the check, the date
 * and the asset. Call it at the top level of a test file.
 */
export function runFactorTests<S extends ParamSchema>(plugin: FactorPlugin<S>, options: FactorTestOptions<S> = {}): void {
  vitestFactorTester.run(plugin, options);
}

export type { FactorTestOptions, FactorTester } from './tester.js';
