import {
  type ConstraintContext,
  type ConstraintSpec,
  type FactorkitError,
  type GroupResidual,
  type Problem,
  ProblemBuilder,
  applyConstraints,
  isFactorkitError,
  problemResiduals,
} from '@factorkit/core';

/**
 * A hand-made six-asset context. Benchmark: A 30%, B 25%, C 20%, D 15%, E 10%, F 0 (not a
 * constituent). Industries: A, B 银行; C, D 电子; E 医药; 计算机 has no asset; F unclassified.
 */
export function smallContext(overrides: Partial<ConstraintContext> = {}): ConstraintContext {
  return {
    date: '2024-01-05',
    assets: ['A', 'B', 'C', 'D', 'E', 'F'],
    benchmark: Float64Array.from([0.3, 0.25, 0.2, 0.15, 0.1, 0]),
    previous: Float64Array.from([0.28, 0.27, 0.2, 0.15, 0.1, 0]),
    exposures: {
      size: Float64Array.from([1.5, 1.0, 0.2, -0.5, -1.0, -2.0]),
      beta: Float64Array.from([1.1, 0.9, 1.3, 1.0, 0.7, Number.NaN]),
    },
    categories: {
      industry: { codes: Int32Array.from([0, 0, 1, 1, 2, -1]), levels: ['银行', '电子', '医药', '计算机'] },
    },
    ...overrides,
  };
}

/** Build a problem from constraint specs on a context. */
export function buildProblem(context: ConstraintContext, specs: readonly ConstraintSpec<any>[]): Problem { // eslint-disable-line @typescript-eslint/no-explicit-any
  const builder = new ProblemBuilder({ assets: context.assets });
  applyConstraints(builder, context, specs);
  return builder.build();
}

/** The residual of one group at `x`. */
export function residual(problem: Problem, x: ArrayLike<number>, group: string): GroupResidual {
  const entry = problemResiduals(problem, x).groups.find((g) => g.name === group);
  if (!entry) throw new Error(`no group ${group}`);
  return entry;
}

/** The rows of a problem as plain objects, for exact comparison. */
export function rowsOf(problem: Problem): { index: number[]; value: number[]; lower: number; upper: number; label: string }[] {
  const { A } = problem;
  return Array.from({ length: A.rows }, (_, r) => ({
    index: Array.from(A.index.subarray(A.start[r], A.start[r + 1])),
    value: Array.from(A.value.subarray(A.start[r], A.start[r + 1])),
    lower: problem.rowLower[r]!,
    upper: problem.rowUpper[r]!,
    label: problem.rowLabels[r]!,
  }));
}

/** The error `fn` throws (fails the test when it throws nothing or a non-factorkit error). */
export function thrown(fn: () => unknown): FactorkitError {
  try {
    fn();
  } catch (error) {
    if (isFactorkitError(error)) return error;
    throw error;
  }
  throw new Error('expected an error');
}

export const arr = (values: ArrayLike<number>): number[] => Array.from(values);

/** Compare numeric arrays entry by entry to 1e-12. */
export function expectClose(actual: ArrayLike<number>, expected: readonly number[], digits = 12): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok = (a === e) || Math.abs(a - e) <= 10 ** -digits;
    if (!ok) throw new Error(`entry ${i}: got ${a}, expected ${e} (actual ${JSON.stringify(Array.from(actual))})`);
  }
}

const INF = Number.POSITIVE_INFINITY;
export { INF };
