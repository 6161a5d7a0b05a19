import type { AssetId, DateString } from '@factorkit/core';

/**
 * The checks of the kit. Each is one `it` in the test-framework adapters and one
 * `check*()` function here.
 *
 * - `metadata`: the plugin object, its API version, its parameters and its declared inputs;
 * - `lookback`: the declared lookback is enough history;
 * - `golden`: values on user-supplied data equal user-supplied expected values;
 * - `missing-data`: an asset whose inputs are all missing gets `NaN`;
 * - `short-history`: every value is finite or `NaN`, however little history there is;
 * - `cross-asset`: one asset's missing inputs never turn another asset's value into `NaN`;
 * - `look-ahead`: garbage in the inputs after `t` leaves the values up to `t` bit-identical;
 * - `determinism`: repeated runs are bit-identical, and a later start gives the same values.
 */
export type CheckName = 'metadata' | 'lookback' | 'golden' | 'missing-data' | 'short-history' | 'cross-asset' | 'look-ahead' | 'determinism';

/** Every check, in the order the adapters run them. */
export const CHECK_NAMES: readonly CheckName[] = ['metadata', 'golden', 'lookback', 'missing-data', 'short-history', 'cross-asset', 'look-ahead', 'determinism'];

/** One problem a check found: a cell (date × asset) where it can, else the whole factor. */
export interface Failure {
  readonly check: CheckName;
  /** The factor id. */
  readonly factor: string;
  /** The date of the offending value, when the failure is about one value. */
  readonly date?: DateString;
  /** The asset of the offending value, when the failure is about one value. */
  readonly asset?: AssetId;
  /** What the value should have been (for `missing-data`: `NaN`). */
  readonly expected?: number;
  /** What the factor gave. */
  readonly actual?: number;
  /** A complete sentence that starts with the check name, e.g. `look-ahead: factor …`. */
  readonly message: string;
  /** The error thrown, when the failure is that something threw. */
  readonly cause?: unknown;
}

/** The outcome of one check on one factor (and one parameter set, or one golden case). */
export interface CheckResult {
  readonly check: CheckName;
  readonly factor: string;
  /** What was checked, e.g. `look-ahead` or `golden: hand panel`. */
  readonly name: string;
  /** The parameters as given to the kit (`{}` = defaults); absent for `metadata`. */
  readonly params?: Readonly<Record<string, unknown>>;
  readonly ok: boolean;
  /** The first failures found (at most 50), in the order found. */
  readonly failures: readonly Failure[];
  /** How many failures there were in all (cells, for cell-by-cell comparisons). */
  readonly failureCount: number;
  /** How many values were compared or inspected (0 for checks that compare none). */
  readonly cells: number;
}

/**
 * A failed check, as thrown by the adapters' tests and by {@link assertCheck}. `check`, `date`,
 * `asset`, `expected` and `actual` describe the first failure; `failures` lists the first ones
 * found and `failureCount` counts them all. `code` is always `FK_CHECK_FAILED`.
 */
export class FactorTestError extends Error {
  override readonly name: string = 'FactorTestError';
  readonly code = 'FK_CHECK_FAILED' as const;
  readonly check: CheckName;
  readonly factor: string;
  readonly date: DateString | undefined;
  readonly asset: AssetId | undefined;
  readonly expected: number | undefined;
  readonly actual: number | undefined;
  readonly failures: readonly Failure[];
  readonly failureCount: number;

  constructor(result: CheckResult) {
    const first = result.failures[0];
    if (!first) throw new TypeError('FactorTestError: the check passed; there is nothing to report');
    super(formatResult(result), first.cause === undefined ? undefined : { cause: first.cause });
    this.check = result.check;
    this.factor = result.factor;
    this.date = first.date;
    this.asset = first.asset;
    this.expected = first.expected;
    this.actual = first.actual;
    this.failures = result.failures;
    this.failureCount = result.failureCount;
  }
}

/** Throw a {@link FactorTestError} when `result` failed; return it otherwise. */
export function assertCheck(result: CheckResult): CheckResult {
  if (!result.ok) throw new FactorTestError(result);
  return result;
}

const SHOWN = 5;

/** The first failure's message, then up to four more and how many were left out. */
export function formatResult(result: CheckResult): string {
  const [first, ...rest] = result.failures;
  if (!first) return `${result.name}: passed`;
  const lines = [first.message];
  const more = rest.slice(0, SHOWN - 1);
  const unlisted = result.failureCount - 1 - more.length;
  if (more.length > 0 || unlisted > 0) {
    lines.push(`${result.failureCount - 1} more ${result.failureCount - 1 === 1 ? 'failure' : 'failures'} in this check${more.length > 0 ? ', starting with:' : '.'}`);
    for (const failure of more) lines.push(`  - ${failure.message}`);
    if (unlisted > 0 && more.length > 0) lines.push(`  - … and ${unlisted} more`);
  }
  return lines.join('\n');
}

/** Collects the failures of one check, keeping the first {@link LIMIT} and counting all. */
export class Collector {
  static readonly LIMIT = 50;
  readonly failures: Failure[] = [];
  count = 0;
  cells = 0;

  constructor(
    readonly check: CheckName,
    readonly factor: string,
  ) {}

  add(failure: Omit<Failure, 'check' | 'factor'>): void {
    this.count++;
    if (this.failures.length < Collector.LIMIT) this.failures.push({ check: this.check, factor: this.factor, ...failure });
  }

  result(name: string, params?: Readonly<Record<string, unknown>>): CheckResult {
    return {
      check: this.check,
      factor: this.factor,
      name,
      ...(params === undefined ? {} : { params }),
      ok: this.count === 0,
      failures: this.failures,
      failureCount: this.count,
      cells: this.cells,
    };
  }
}

/**
 * Whether `value` is a {@link FactorTestError}. Works across copies of this package (no
 * `instanceof`): the `./vitest` entry point bundles its own copy of the kit.
 */
export function isFactorTestError(value: unknown): value is FactorTestError {
  return value instanceof Error && (value as Partial<FactorTestError>).code === 'FK_CHECK_FAILED' && typeof (value as Partial<FactorTestError>).check === 'string';
}
