import { type Problem, ProblemBuilder } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { highsOptimizer, lowerTriangleHessian } from '../src/index.js';

const solve = async (problem: Problem) => (await highsOptimizer.create(highsOptimizer.with().params)).solve(problem);

/**
 * minimise (x − 1)² + (y − 2)² = ½ xᵀ(2I)x − 2x − 4y + 5   s.t.  x + 2y ≤ 4.
 * By hand: projection of (1, 2) on x + 2y = 4 is (1, 2) − (1/5)(1, 2) = (0.8, 1.6), objective
 * 0.04 + 0.16 = 0.2. With bound b: the point is (1, 2) − ((5 − b)/5)(1, 2), objective
 * (5 − b)²/5, so ∂/∂b = −2(5 − b)/5 = −0.4 at b = 4.
 */
function projectionQp(sense: 'minimize' | 'maximize'): Problem {
  const s = sense === 'minimize' ? 1 : -1;
  const b = new ProblemBuilder({ numWeights: 2 }, sense);
  b.addLinearObjective([-2 * s, -4 * s]);
  b.addObjectiveOffset(5 * s);
  b.addQuadratic(0, 0, 2 * s);
  b.addQuadratic(1, 1, 2 * s);
  b.group('cap').addRow({ index: [0, 1], value: [1, 2], upper: 4, label: 'cap' });
  return b.build();
}

describe('quadratic objectives', () => {
  it('minimise a convex QP: solution, objective and row dual by hand', async () => {
    const sol = await solve(projectionQp('minimize'));
    expect(sol.status).toBe('optimal');
    expect(sol.x[0]).toBeCloseTo(0.8, 6);
    expect(sol.x[1]).toBeCloseTo(1.6, 6);
    expect(sol.objective).toBeCloseTo(0.2, 8);
    expect(sol.rowDuals![0]).toBeCloseTo(-0.4, 6);
    expect(sol.diagnostics.iterations).toBeGreaterThan(0);
  });

  it('maximise a concave QP (P negative semidefinite): same point, negated objective and dual', async () => {
    const sol = await solve(projectionQp('maximize'));
    expect(sol.status).toBe('optimal');
    expect(sol.x[0]).toBeCloseTo(0.8, 6);
    expect(sol.x[1]).toBeCloseTo(1.6, 6);
    expect(sol.objective).toBeCloseTo(-0.2, 8);
    expect(sol.rowDuals![0]).toBeCloseTo(0.4, 6);
  });

  it('off-diagonal terms: an unsymmetric-looking P = [[2, 1], [1, 4]] is read in the right orientation', async () => {
    // minimise ½xᵀPx − x₀ with both variables free: P x = (1, 0) → x = (4/7, −1/7),
    // objective −½·4/7 = −2/7. Dropping or mirroring the off-diagonal term would give (0.5, 0).
    const b = new ProblemBuilder({ numWeights: 2 }, 'minimize');
    b.addLinearObjective([-1, 0]);
    b.addQuadratic(0, 0, 2);
    b.addQuadratic(1, 0, 1);
    b.addQuadratic(1, 1, 4);
    const sol = await solve(b.build());
    expect(sol.status).toBe('optimal');
    expect(sol.x[0]).toBeCloseTo(4 / 7, 7);
    expect(sol.x[1]).toBeCloseTo(-1 / 7, 7);
    expect(sol.objective).toBeCloseTo(-2 / 7, 9);
  });

  it('equality-constrained QP: x² + xy + y² − 3x − 3y on x + y = 1', async () => {
    // By symmetry x = y = b/2 on x + y = b: objective 3b²/4 − 3b → −2.25 at b = 1, ∂/∂b = −1.5.
    const b = new ProblemBuilder({ numWeights: 2 }, 'minimize');
    b.addLinearObjective([-3, -3]);
    b.addQuadratic(0, 0, 2);
    b.addQuadratic(0, 1, 1);
    b.addQuadratic(1, 1, 2);
    b.group('budget').addRow({ index: [0, 1], value: [1, 1], lower: 1, upper: 1 });
    const sol = await solve(b.build());
    expect(sol.status).toBe('optimal');
    expect(sol.x[0]).toBeCloseTo(0.5, 7);
    expect(sol.x[1]).toBeCloseTo(0.5, 7);
    expect(sol.objective).toBeCloseTo(-2.25, 8);
    expect(sol.groups[0]!.duals![0]).toBeCloseTo(-1.5, 6);
  });

  it('a maximised convex quadratic (HiGHS throws HighsError) becomes a short, clean error', async () => {
    // maximise (x − 1)² + (y − 2)² is not concave: HiGHS refuses it by throwing.
    const p = projectionQp('minimize');
    const sol = await solve({ ...p, sense: 'maximize' });
    expect(sol.status).toBe('error');
    expect([...sol.x].every(Number.isNaN)).toBe(true);
    const text = sol.diagnostics.messages.join('\n');
    expect(text).toMatch(/HiGHS failed: HighsError/);
    expect(text).toMatch(/negative semidefinite/);
    for (const m of sol.diagnostics.messages) expect(m.length).toBeLessThanOrEqual(240);
    expect(text).not.toMatch(/function\(|=>|Module\[/);
  });

  it('lowerTriangleHessian transposes the upper triangle column by column', () => {
    // P = [[1, 2, 0], [2, 3, 4], [0, 4, 5]] upper CSC: col0 {0:1}, col1 {0:2, 1:3}, col2 {1:4, 2:5}
    const h = lowerTriangleHessian(
      { rows: 3, cols: 3, start: Int32Array.from([0, 1, 3, 5]), index: Int32Array.from([0, 0, 1, 1, 2]), value: Float64Array.from([1, 2, 3, 4, 5]) },
      3,
    );
    // lower CSC: col0 {0:1, 1:2}, col1 {1:3, 2:4}, col2 {2:5}
    expect([...h.starts]).toEqual([0, 2, 4, 5]);
    expect([...h.indices]).toEqual([0, 1, 1, 2, 2]);
    expect([...h.values]).toEqual([1, 2, 3, 4, 5]);
    expect(h.format).toBe('triangular');
  });
});
