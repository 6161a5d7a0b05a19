import { type FactorPlugin, FactorkitError, type MarketData, type ParamSchema, type ParamsInput } from '@factorkit/core';
import {
  type GoldenCase,
  type NamedData,
  checkGolden,
  checkMetadata,
  crossAssetCheck,
  determinismCheck,
  lookAheadCheck,
  lookbackCheck,
  missingDataCheck,
  shortHistoryCheck,
} from './checks.js';
import type { Tolerance } from './compare.js';
import { type CheckName, type CheckResult, FactorTestError } from './result.js';
import type { GarbageKind } from './snapshot.js';
import { type SampleData, Subject } from './subject.js';

/** Everything {@link planFactorTests} (and so every adapter) takes. */
export interface FactorTestOptions<S extends ParamSchema = ParamSchema> {
  /**
   * Parameter sets to run the property checks with (lookback, missing data, short history,
   * cross-asset, look-ahead, determinism); default `[{}]`, the defaults. Each must validate.
   */
  readonly params?: readonly ParamsInput<S>[];
  /** Known values on small hand-made datasets (see {@link GoldenCase}). */
  readonly golden?: readonly GoldenCase<S>[];
  /** Data for the property checks; default: seeded random data for the declared inputs. */
  readonly data?: SampleData<S>;
  /** Seed of the random sample data and of the look-ahead garbage; default `1`. */
  readonly seed?: number;
  /** Default tolerance of golden, lookback and later-start comparisons; default `{ abs: 1e-12, rel: 1e-9 }`. */
  readonly tolerance?: Tolerance;
  /** Look-ahead settings: cut dates, garbage kinds, fresh asset ids (see `checkLookAhead`). */
  readonly lookAhead?: {
    readonly cuts?: readonly (string | number)[];
    readonly garbage?: readonly GarbageKind[];
    readonly renameAssets?: boolean;
  };
  /** Checks not to run, each with a reason in your test file (a factor that imputes missing data skips `missing-data`). */
  readonly skip?: readonly CheckName[];
}

/** One test: a check on one parameter set (or one golden case). `run()` never throws for a failed check. */
export interface FactorTestCase {
  readonly check: CheckName;
  /** The parameter set it belongs to, e.g. `params {"window":20}`; absent for metadata, golden cases and a lone `{}` set. */
  readonly group: string | undefined;
  /** The test's name, starting with the check name. */
  readonly name: string;
  run(): CheckResult;
}

const NAMES: Record<Exclude<CheckName, 'metadata' | 'golden'>, string> = {
  lookback: 'lookback: values from exactly the declared lookback equal values from more history',
  'missing-data': 'missing-data: an asset whose inputs are all missing gets NaN',
  'short-history': 'short-history: every value is finite or NaN, however short the history',
  'cross-asset': "cross-asset: one asset's missing inputs never make another asset's value NaN",
  'look-ahead': 'look-ahead: garbage in the inputs after t leaves every value up to t unchanged',
  determinism: 'determinism: repeated runs and later starts give the same values',
};

function isMarketData(value: unknown): value is MarketData {
  return typeof value === 'object' && value !== null && typeof (value as MarketData).field === 'function';
}

/**
 * The tests the kit runs on `plugin`, in order: `metadata`; one `golden` test per case; then,
 * for each parameter set, `lookback`, `missing-data`, `short-history`, `cross-asset`,
 * `look-ahead` and `determinism`. Nothing runs until a case's `run()` is called; the cases of
 * one parameter set share their sample data and baseline values.
 */
export function planFactorTests<S extends ParamSchema>(plugin: FactorPlugin<S>, options: FactorTestOptions<S> = {}): FactorTestCase[] {
  const skip = new Set(options.skip ?? []);
  const paramSets = options.params ?? [{}];
  if (paramSets.length === 0) throw new FactorkitError('FK_INVALID_ARGUMENT', 'factor test kit: `params` is empty; leave it out to test the default parameters');
  const cases: FactorTestCase[] = [];
  if (!skip.has('metadata')) {
    const data: NamedData[] = (options.golden ?? []).map((g, i) => ({ name: `golden data \`${g.name ?? `case ${i + 1}`}\``, data: g.data }));
    if (isMarketData(options.data)) data.push({ name: 'sample data', data: options.data });
    cases.push({
      check: 'metadata',
      group: undefined,
      name: 'metadata: the plugin, its API version, parameters and declared inputs are valid',
      run: () => checkMetadata(plugin, { params: paramSets, data }),
    });
  }
  if (!skip.has('golden')) {
    (options.golden ?? []).forEach((golden, index) => {
      cases.push({
        check: 'golden',
        group: undefined,
        name: `golden: ${golden.name ?? `case ${index + 1}`}`,
        run: () => checkGolden(plugin, golden, { index, ...(options.tolerance ? { tolerance: options.tolerance } : {}) }),
      });
    });
  }
  const lone = paramSets.length === 1 && Object.keys(paramSets[0]!).length === 0;
  for (const params of paramSets) {
    const subject = new Subject(plugin, {
      params,
      ...(options.data === undefined ? {} : { data: options.data }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
    }) as unknown as Subject<ParamSchema>;
    const group = lone ? undefined : Object.keys(params).length === 0 ? 'default params' : `params ${JSON.stringify(params)}`;
    const tolerance = options.tolerance ? { tolerance: options.tolerance } : {};
    const rename = options.lookAhead?.renameAssets === undefined ? {} : { renameAssets: options.lookAhead.renameAssets };
    const runs: Record<keyof typeof NAMES, () => CheckResult> = {
      lookback: () => lookbackCheck(subject, options.tolerance),
      'missing-data': () => missingDataCheck(subject),
      'short-history': () => shortHistoryCheck(subject),
      'cross-asset': () => crossAssetCheck(subject),
      'look-ahead': () => lookAheadCheck(subject, { ...options.lookAhead, ...rename }),
      determinism: () => determinismCheck(subject, { ...tolerance, ...rename }),
    };
    for (const check of Object.keys(NAMES) as (keyof typeof NAMES)[]) {
      if (!skip.has(check)) cases.push({ check, group, name: NAMES[check], run: runs[check] });
    }
  }
  return cases;
}

/** The outcome of every check on one factor. */
export interface FactorReport {
  readonly factor: string;
  readonly ok: boolean;
  readonly results: readonly CheckResult[];
}

/** Run every check of {@link planFactorTests} and return the results, without a test framework. */
export function verifyFactor<S extends ParamSchema>(plugin: FactorPlugin<S>, options: FactorTestOptions<S> = {}): FactorReport {
  const results = planFactorTests(plugin, options).map((c) => c.run());
  return { factor: plugin.id, ok: results.every((r) => r.ok), results };
}

/**
 * {@link verifyFactor}, throwing a {@link FactorTestError} for the first failed check.
 * @throws FactorTestError
 */
export function assertFactor<S extends ParamSchema>(plugin: FactorPlugin<S>, options: FactorTestOptions<S> = {}): FactorReport {
  const report = verifyFactor(plugin, options);
  const failed = report.results.find((r) => !r.ok);
  if (failed) throw new FactorTestError(failed);
  return report;
}

/** The two functions of a test framework the kit declares tests with (vitest, jest, mocha, `node:test`). */
export interface TestFramework {
  readonly describe: (name: string, fn: () => void) => unknown;
  readonly it: (name: string, fn: () => void) => unknown;
}

/** Declares a factor's tests in a test framework. */
export interface FactorTester {
  /**
   * `describe(plugin.id)` with one `it` per test of {@link planFactorTests} (nested in a
   * `describe` per parameter set when there are several); a failed check throws a
   * {@link FactorTestError}.
   */
  run<S extends ParamSchema>(plugin: FactorPlugin<S>, options?: FactorTestOptions<S>): void;
}

/**
 * A {@link FactorTester} over the given `describe` and `it`, or — when they are left out — the
 * global ones (vitest with `globals: true`, jest, mocha), looked up when `run` is called.
 * `defaults` are merged under each run's options.
 */
export function createFactorTester(options: Partial<TestFramework> & { readonly defaults?: FactorTestOptions } = {}): FactorTester {
  return {
    run(plugin, runOptions = {}) {
      const globals = globalThis as unknown as Partial<TestFramework>;
      const describe = options.describe ?? globals.describe;
      const it = options.it ?? globals.it;
      if (typeof describe !== 'function' || typeof it !== 'function') {
        throw new FactorkitError(
          'FK_INVALID_ARGUMENT',
          "factor test kit: no test framework: pass `describe` and `it` to createFactorTester({ describe, it }), or use runFactorTests from '@factorkit/factor-testkit/vitest'",
        );
      }
      const cases = planFactorTests(plugin as unknown as FactorPlugin, { ...options.defaults, ...runOptions } as FactorTestOptions<ParamSchema>);
      const test = (c: FactorTestCase) =>
        it(c.name, () => {
          const result = c.run();
          if (!result.ok) throw new FactorTestError(result);
        });
      describe(plugin.id, () => {
        const groups = new Map<string, FactorTestCase[]>();
        for (const c of cases) {
          if (c.group === undefined) test(c);
          else groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
        }
        for (const [group, members] of groups) describe(group, () => members.forEach(test));
      });
    },
  };
}
