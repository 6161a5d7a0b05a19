/**
 * `@factorkit/factor-testkit`: the one harness every factorkit factor plugin runs through, ours
 * and third parties' (like typescript-eslint's `RuleTester`).
 *
 * - checks as functions returning a {@link CheckResult}: {@link checkMetadata},
 *   {@link checkGolden}, {@link checkLookback}, {@link checkMissingData},
 *   {@link checkShortHistory}, {@link checkCrossAsset}, {@link checkLookAhead},
 *   {@link checkDeterminism}; {@link assertCheck} throws a {@link FactorTestError} for a failure;
 * - all of them at once: {@link planFactorTests}, {@link verifyFactor}, {@link assertFactor},
 *   and {@link createFactorTester} for any test framework with `describe` / `it`
 *   (`@factorkit/factor-testkit/vitest` has `runFactorTests` for vitest);
 * - seeded sample data for any declared inputs: {@link randomMarketData}, {@link sampleDataFor}.
 *
 * @packageDocumentation
 */
export {
  CHECK_NAMES,
  type CheckName,
  type CheckResult,
  type Failure,
  FactorTestError,
  assertCheck,
  formatResult,
  isFactorTestError,
} from './result.js';
export { catchError } from './catch.js';
export { DEFAULT_TOLERANCE, type Tolerance, isClose, rankCorrelation } from './compare.js';
export {
  type GoldenCase,
  type GoldenExpected,
  type GoldenValue,
  type LookAheadOptions,
  type MetadataOptions,
  type NamedData,
  type ToleranceOptions,
  checkCrossAsset,
  checkDeterminism,
  checkGolden,
  checkLookAhead,
  checkLookback,
  checkMetadata,
  checkMissingData,
  checkShortHistory,
} from './checks.js';
export { type PropertyCheckOptions, type SampleData } from './subject.js';
export { GARBAGE_KINDS, type GarbageKind } from './snapshot.js';
export {
  type Random,
  type RandomDataOptions,
  SAMPLE_ASSETS,
  SAMPLE_ROLES,
  type SampleDataOptions,
  createRandom,
  randomMarketData,
  sampleDataFor,
  sampleLength,
} from './random.js';
export {
  type FactorReport,
  type FactorTestCase,
  type FactorTestOptions,
  type FactorTester,
  type TestFramework,
  assertFactor,
  createFactorTester,
  planFactorTests,
  verifyFactor,
} from './tester.js';
