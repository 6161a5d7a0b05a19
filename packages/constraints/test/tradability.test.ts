import { describe, expect, it } from 'vitest';
import { longOnly, tradability } from '../src/index.js';
import { INF, arr, buildProblem, residual, smallContext, thrown } from './helpers.js';

// w0 = [0.28, 0.27, 0.20, 0.15, 0.10, 0]. B limit-up (no buy), C limit-down (no sell), D suspended, F limit-up.
const flags = { canBuy: Uint8Array.from([1, 0, 1, 0, 1, 0]), canSell: Uint8Array.from([1, 1, 0, 0, 1, 1]) };
const ctx = smallContext({ tradability: flags });

describe('tradability', () => {
  it('limit-up → w ≤ w0, limit-down → w ≥ w0, suspended → w = w0, as bounds', () => {
    const problem = buildProblem(ctx, [tradability.with()]);
    expect(problem.A.rows).toBe(0);
    expect(arr(problem.lower)).toEqual([-INF, -INF, 0.2, 0.15, -INF, -INF]);
    expect(arr(problem.upper)).toEqual([INF, 0.27, INF, 0.15, INF, 0]);
    expect(arr(problem.lowerOwner)).toEqual([-1, -1, 0, 0, -1, -1]);
    expect(arr(problem.upperOwner)).toEqual([-1, 0, -1, 0, -1, 0]);
  });

  it('intersects with long only: the tradability bound owns the tighter lower end', () => {
    const problem = buildProblem(ctx, [longOnly.with(), tradability.with()]);
    expect(arr(problem.lower)).toEqual([0, 0, 0.2, 0.15, 0, 0]);
    expect(arr(problem.lowerOwner)).toEqual([0, 0, 1, 1, 0, 0]);
  });

  it('residuals: keeping w0 is feasible; buying B and selling C are reported', () => {
    const problem = buildProblem(ctx, [tradability.with()]);
    expect(residual(problem, ctx.previous!, 'tradability').maxViolation).toBe(0);
    // Selling the limit-up B and buying the limit-down C are allowed.
    expect(residual(problem, [0.3, 0.2, 0.25, 0.15, 0.1, 0], 'tradability').maxViolation).toBe(0);
    const buyB = residual(problem, [0.28, 0.3, 0.2, 0.15, 0.07, 0], 'tradability');
    expect(buyB.maxViolation).toBeCloseTo(0.03, 15);
    expect(buyB.worst).toBe('bound on variable 1');
    const sellD = residual(problem, [0.28, 0.27, 0.2, 0.11, 0.14, 0], 'tradability');
    expect(sellD.maxViolation).toBeCloseTo(0.04, 15);
    expect(sellD.worst).toBe('bound on variable 3');
  });

  it('missing inputs: tradability, previous weights, wrong lengths', () => {
    const noFlags = thrown(() => buildProblem(smallContext(), [tradability.with()]));
    expect(noFlags.code).toBe('FK_MISSING_INPUT');
    expect(noFlags.message).toBe('constraint `tradability` needs `context.tradability` (canBuy / canSell per asset), but the context has none');
    const { previous: _, ...rest } = ctx;
    expect(thrown(() => buildProblem(rest, [tradability.with()])).message).toMatch(/^constraint `tradability` needs the previous weights/);
    const short = smallContext({ tradability: { canBuy: Uint8Array.from([1]), canSell: flags.canSell } });
    expect(thrown(() => buildProblem(short, [tradability.with()])).message).toBe(
      'constraint `tradability`: tradability.canBuy has 1 entries, expected one per asset (6)',
    );
  });

  it('takes no parameters', () => {
    const error = thrown(() => tradability.with({ allowLimitUp: true }));
    expect(error.code).toBe('FK_INVALID_PARAMS');
    expect(error.message).toContain('params.allowLimitUp: unknown parameter (this plugin takes none)');
  });
});
