import { describe, expect, it } from 'vitest';
import { constituentShare } from '../src/index.js';
import { INF, buildProblem, residual, rowsOf, smallContext, thrown } from './helpers.js';

const ctx = smallContext(); // constituents A–E (b > 0), F is not one

describe('constituentShare', () => {
  it('one row Σ_{b > 0} w ≥ 80% over the constituents, labelled `constituent-share`', () => {
    expect(rowsOf(buildProblem(ctx, [constituentShare.with()]))).toEqual([
      { index: [0, 1, 2, 3, 4], value: [1, 1, 1, 1, 1], lower: 0.8, upper: INF, label: 'constituent-share' },
    ]);
    expect(rowsOf(buildProblem(ctx, [constituentShare.with({ min: 0.9 })]))[0]!.lower).toBe(0.9);
  });

  it('ignores context.members: membership is b > 0', () => {
    const withMembers = smallContext({ members: Uint8Array.from([1, 1, 1, 1, 1, 1]) });
    expect(rowsOf(buildProblem(withMembers, [constituentShare.with()]))[0]!.index).toEqual([0, 1, 2, 3, 4]);
  });

  it('residuals: 80% in constituents is feasible; 75% is 0.05 short', () => {
    const problem = buildProblem(ctx, [constituentShare.with()]);
    expect(residual(problem, [0.25, 0.2, 0.15, 0.1, 0.1, 0.2], 'constituent-share').maxViolation).toBeLessThan(1e-15);
    const short = residual(problem, [0.2, 0.2, 0.15, 0.1, 0.1, 0.25], 'constituent-share');
    expect(short.maxViolation).toBeCloseTo(0.05, 15);
    expect(short.worst).toBe('constituent-share');
  });

  it('errors when no asset is a constituent', () => {
    const empty = smallContext({ benchmark: new Float64Array(6) });
    expect(thrown(() => buildProblem(empty, [constituentShare.with()])).message).toBe(
      'constraint `constituent-share`: no asset has a positive benchmark weight, so no weight can count toward `min` 0.8',
    );
  });

  it('validates min ∈ [0, 1]', () => {
    expect(thrown(() => constituentShare.with({ min: 80 })).message).toContain('params.min: expected a number ≥ 0 and ≤ 1, got `80`');
  });
});
