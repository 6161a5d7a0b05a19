import { describe, expect, it } from 'vitest';
import { fullyInvested, longOnly, maxWeight } from '../src/index.js';
import { INF, arr, buildProblem, residual, rowsOf, smallContext, thrown } from './helpers.js';

const ctx = smallContext();

describe('fullyInvested', () => {
  it('adds one all-ones row Σw = 1 labelled `budget`', () => {
    const problem = buildProblem(ctx, [fullyInvested.with()]);
    expect(rowsOf(problem)).toEqual([{ index: [0, 1, 2, 3, 4, 5], value: [1, 1, 1, 1, 1, 1], lower: 1, upper: 1, label: 'budget' }]);
    expect(problem.groups).toEqual([{ name: 'fully-invested', priority: 100, rowStart: 0, rowCount: 1 }]);
    expect(problem.numVariables).toBe(6);
  });

  it('a cash allowance widens the row to [1 − cash, 1]', () => {
    const problem = buildProblem(ctx, [fullyInvested.with({ cash: 0.05 })]);
    expect(rowsOf(problem)[0]).toMatchObject({ lower: 0.95, upper: 1 });
  });

  it('residuals: the benchmark is feasible; 90% invested is 0.1 short at `budget`', () => {
    const problem = buildProblem(ctx, [fullyInvested.with()]);
    expect(residual(problem, ctx.benchmark, 'fully-invested').maxViolation).toBeLessThan(1e-15);
    const short = residual(problem, [0.3, 0.25, 0.2, 0.15, 0, 0], 'fully-invested');
    expect(short.maxViolation).toBeCloseTo(0.1, 15);
    expect(short.worst).toBe('budget');
    // 95% invested is fine with a 5% cash allowance.
    const withCash = buildProblem(ctx, [fullyInvested.with({ cash: 0.05 })]);
    expect(residual(withCash, [0.3, 0.25, 0.2, 0.15, 0.05, 0], 'fully-invested').maxViolation).toBeLessThan(1e-15);
  });

  it('rejects a cash allowance outside [0, 1)', () => {
    const error = thrown(() => fullyInvested.with({ cash: -0.1 }));
    expect(error.code).toBe('FK_INVALID_PARAMS');
    expect(error.message).toContain('params.cash: expected a number ≥ 0 and < 1, got `-0.1`');
    expect(thrown(() => fullyInvested.with({ cash: 1 })).message).toContain('params.cash');
    expect(thrown(() => fullyInvested.with({ cahs: 0.1 } as never)).message).toContain('params.cahs: unknown parameter');
  });
});

describe('longOnly', () => {
  it('sets lower bounds 0 owned by its group, and no rows', () => {
    const problem = buildProblem(ctx, [fullyInvested.with(), longOnly.with()]);
    expect(problem.A.rows).toBe(1);
    expect(arr(problem.lower)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(arr(problem.lowerOwner)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(arr(problem.upper)).toEqual([INF, INF, INF, INF, INF, INF]);
    expect(problem.groups[1]).toEqual({ name: 'long-only', priority: 100, rowStart: 1, rowCount: 0 });
  });

  it('residuals: a short position is reported as a bound of this group', () => {
    const problem = buildProblem(ctx, [longOnly.with()]);
    expect(residual(problem, ctx.benchmark, 'long-only').maxViolation).toBe(0);
    const short = residual(problem, [0.3, 0.25, -0.02, 0.15, 0.1, 0.22], 'long-only');
    expect(short.maxViolation).toBeCloseTo(0.02, 15);
    expect(short.worst).toBe('bound on variable 2');
  });

  it('takes no parameters', () => {
    expect(thrown(() => longOnly.with({ x: 1 })).message).toContain('params.x: unknown parameter (this plugin takes none)');
  });
});

describe('maxWeight', () => {
  it('sets upper bounds `cap` owned by its group (default 10%)', () => {
    expect(arr(buildProblem(ctx, [maxWeight.with()]).upper)).toEqual([0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);
    const problem = buildProblem(ctx, [longOnly.with(), maxWeight.with({ cap: 0.26 })]);
    expect(arr(problem.upper)).toEqual([0.26, 0.26, 0.26, 0.26, 0.26, 0.26]);
    expect(arr(problem.upperOwner)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(arr(problem.lower)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(problem.A.rows).toBe(0);
  });

  it('residuals: a 30% weight under a 26% cap is 0.04 over at variable 0', () => {
    const problem = buildProblem(ctx, [maxWeight.with({ cap: 0.26 })]);
    expect(residual(problem, [0.26, 0.25, 0.2, 0.15, 0.1, 0.04], 'max-weight').maxViolation).toBe(0);
    const over = residual(problem, ctx.benchmark, 'max-weight');
    expect(over.maxViolation).toBeCloseTo(0.04, 15);
    expect(over.worst).toBe('bound on variable 0');
  });

  it('rejects a cap outside (0, 1]', () => {
    expect(thrown(() => maxWeight.with({ cap: 0 })).message).toContain('params.cap: expected a number > 0 and ≤ 1, got `0`');
    expect(thrown(() => maxWeight.with({ cap: 1.5 })).code).toBe('FK_INVALID_PARAMS');
  });
});
