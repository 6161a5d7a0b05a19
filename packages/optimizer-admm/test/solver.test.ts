import type { FactorkitError} from '@factorkit/core';
import { type Problem, ProblemBuilder, assertSolved, isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { admmOptimizer, solveProblem } from '../src/index.js';
import { kktViolations } from './kkt-check.js';

const defaults = admmOptimizer.with({}).params;
const solve = (problem: Problem, params: Partial<typeof defaults> = {}) => solveProblem(problem, { ...defaults, ...params });

/** min (x1 − 1)² + (x2 − 2)² = ½xᵀ(2I)x − 2x1 − 4x2 + 5  s.t. x1 + x2 ≤ 2. */
function tinyQp(): Problem {
  const b = new ProblemBuilder({ numWeights: 2 }, 'minimize');
  b.addQuadratic(0, 0, 2);
  b.addQuadratic(1, 1, 2);
  b.addLinearObjective([-2, -4]);
  b.addObjectiveOffset(5);
  b.group('cap').addRow({ index: [0, 1], value: [1, 1], upper: 2, label: 'sum' });
  return b.build();
}

/** max x1 + 2x2  s.t. x1 + x2 ≤ 4, x1 + 3x2 ≤ 6, x ≥ 0. */
function tinyLp(): Problem {
  const b = new ProblemBuilder({ numWeights: 2 }, 'maximize');
  b.addLinearObjective([1, 2]);
  const g = b.group('rows');
  g.addRow({ index: [0, 1], value: [1, 1], upper: 4, label: 'a' });
  g.addRow({ index: [0, 1], value: [1, 3], upper: 6, label: 'b' });
  const lo = b.group('long-only');
  lo.bound(0, 0, Infinity);
  lo.bound(1, 0, Infinity);
  return b.build();
}

describe('hand-solved problems', () => {
  it('QP: projection onto a half-plane, with its dual', () => {
    // Stationarity 2(x − t) + λ(1, 1) = 0 with x1 + x2 = 2 gives x = (0.5, 1.5), λ = 1;
    // raising the bound lowers the objective at rate λ, so ∂objective/∂upper = −1.
    const s = solve(tinyQp());
    expect(s.status).toBe('optimal');
    expect(s.x[0]).toBeCloseTo(0.5, 8);
    expect(s.x[1]).toBeCloseTo(1.5, 8);
    expect(s.objective).toBeCloseTo(0.5, 8);
    expect(s.rowDuals![0]).toBeCloseTo(-1, 6);
    expect(s.groups[0]!.duals![0]).toBeCloseTo(-1, 6);
    expect(s.primalResidual).toBeLessThanOrEqual(1e-7);
    expect(s.diagnostics.solver).toBe('admm');
    expect(s.diagnostics.polished).toBe(true);
    expect(s.diagnostics.iterations).toBeGreaterThan(0);
  });

  it('LP: a vertex where both rows bind; duals solve yᵀA = c', () => {
    // Vertices (0,0) 0, (4,0) 4, (3,1) 5, (0,2) 4: the optimum is (3, 1) with value 5.
    // y1 + y2 = 1, y1 + 3y2 = 2 → y = (0.5, 0.5) (maximising: ∂objective/∂upper > 0).
    const s = solve(tinyLp());
    expect(s.status).toBe('optimal');
    expect(s.x[0]).toBeCloseTo(3, 7);
    expect(s.x[1]).toBeCloseTo(1, 7);
    expect(s.objective).toBeCloseTo(5, 7);
    expect(s.rowDuals![0]).toBeCloseTo(0.5, 6);
    expect(s.rowDuals![1]).toBeCloseTo(0.5, 6);
    expect(s.diagnostics.polished).toBe(true);
    expect(s.primalResidual).toBeLessThanOrEqual(1e-7);
  });

  it('QP with an equality and active bounds matches its hand solution', () => {
    // min ½Σ(xᵢ − tᵢ)², t = (1, 0, 0, 0, 0), Σx = 1, 0 ≤ x ≤ 0.6:
    // x1 hits 0.6, the other four share 0.4 → 0.1 each; objective ½(0.16 + 4·0.01) = 0.1.
    const b = new ProblemBuilder({ numWeights: 5 }, 'minimize');
    for (let i = 0; i < 5; i++) b.addQuadratic(i, i, 1);
    b.addLinearObjective([-1, 0, 0, 0, 0]);
    b.addObjectiveOffset(0.5);
    b.group('budget').addWeightRow([1, 1, 1, 1, 1], 1, 1, 'budget');
    const box = b.group('box');
    for (let i = 0; i < 5; i++) box.bound(i, 0, 0.6);
    const problem = b.build();
    const s = solve(problem);
    expect(s.status).toBe('optimal');
    expect(s.x[0]).toBeCloseTo(0.6, 8);
    for (let i = 1; i < 5; i++) expect(s.x[i]).toBeCloseTo(0.1, 8);
    expect(s.objective).toBeCloseTo(0.1, 8);
    const kkt = kktViolations(problem, s);
    expect(kkt.primal).toBeLessThanOrEqual(1e-7);
    expect(kkt.complementarity).toBeLessThan(1e-6);
    expect(kkt.stationarity).toBeLessThan(1e-6);
  });

  it('row duals are ∂objective/∂row bound (checked by re-solving with a moved bound)', () => {
    const h = 1e-4;
    const base = solve(tinyLp());
    const b = new ProblemBuilder({ numWeights: 2 }, 'maximize');
    b.addLinearObjective([1, 2]);
    const g = b.group('rows');
    g.addRow({ index: [0, 1], value: [1, 1], upper: 4 + h });
    g.addRow({ index: [0, 1], value: [1, 3], upper: 6 });
    b.group('long-only').bound(0, 0, Infinity);
    b.group('long-only2').bound(1, 0, Infinity);
    const moved = solve(b.build());
    expect((moved.objective - base.objective) / h).toBeCloseTo(base.rowDuals![0]!, 4);
    const q = solve(tinyQp());
    const b2 = new ProblemBuilder({ numWeights: 2 }, 'minimize');
    b2.addQuadratic(0, 0, 2);
    b2.addQuadratic(1, 1, 2);
    b2.addLinearObjective([-2, -4]);
    b2.addObjectiveOffset(5);
    b2.group('cap').addRow({ index: [0, 1], value: [1, 1], upper: 2 + h });
    const q2 = solve(b2.build());
    expect((q2.objective - q.objective) / h).toBeCloseTo(q.rowDuals![0]!, 3);
  });
});

describe('infeasibility, unboundedness and failures', () => {
  it('detects a primal infeasible problem and names the conflicting groups', () => {
    // x1 + x2 ≥ 3 with both capped at 1.
    const b = new ProblemBuilder({ numWeights: 2 }, 'minimize');
    b.addLinearObjective([1, 1]);
    b.group('floor').addRow({ index: [0, 1], value: [1, 1], lower: 3, label: 'floor' });
    const caps = b.group('caps');
    caps.bound(0, 0, 1);
    caps.bound(1, 0, 1);
    const s = solve(b.build());
    expect(s.status).toBe('infeasible');
    expect(s.weights.every(Number.isNaN)).toBe(true);
    expect(s.diagnostics.messages.join('\n')).toMatch(/`floor`/);
    expect(s.diagnostics.messages.join('\n')).toMatch(/`caps`/);
    expect(() => assertSolved(s)).toThrow(/infeasible/);
  });

  it('crossing bounds are infeasible without iterating, naming the groups', () => {
    const b = new ProblemBuilder({ numWeights: 2 }, 'minimize');
    b.group('floor').bound(0, 0.5, Infinity);
    b.group('cap').bound(0, -Infinity, 0.2);
    const s = solve(b.build());
    expect(s.status).toBe('infeasible');
    expect(s.diagnostics.messages[0]).toMatch(/variable 0.*`floor`.*`cap`/);
  });

  it('detects an unbounded LP', () => {
    // min −x1 s.t. x1 − x2 ≤ 1, x2 free: x1 = x2 + 1 → −∞.
    const b = new ProblemBuilder({ numWeights: 2 }, 'minimize');
    b.addLinearObjective([-1, 0]);
    b.group('row').addRow({ index: [0, 1], value: [1, -1], upper: 1 });
    const s = solve(b.build());
    expect(s.status).toBe('unbounded');
    expect(Number.isNaN(s.objective)).toBe(true);
  });

  it('stops at the iteration limit and says so', () => {
    const s = solve(tinyLp(), { maxIterations: 3, polish: false });
    expect(s.status).toBe('iteration_limit');
    expect(s.diagnostics.iterations).toBe(3);
    expect(s.diagnostics.messages[0]).toMatch(/3 iterations/);
  });

  it('refuses quadratic constraints, pointing at @factorkit/portfolio', () => {
    const problem = { ...tinyQp(), quadraticConstraints: [{ name: 'te' }] } as unknown as Problem;
    const s = solve(problem);
    expect(s.status).toBe('error');
    expect(s.diagnostics.messages[0]).toMatch(/@factorkit\/portfolio/);
  });

  it('rejects a non-convex objective', () => {
    const b = new ProblemBuilder({ numWeights: 1 }, 'maximize');
    b.addQuadratic(0, 0, 1);
    b.group('box').bound(0, 0, 1);
    expect(solve(b.build()).status).toBe('error');
  });

  it('malformed input throws a FactorkitError naming the part', () => {
    const p = tinyQp();
    const lower = { ...p, P: { ...p.P!, index: Int32Array.from([1, 1]), start: Int32Array.from([0, 1, 2]) } } as Problem;
    expect(() => solve(lower)).toThrow(/upper triangle/);
    try {
      solveProblem(p, defaults, { warmStart: { x: new Float64Array(3) } });
      expect.unreachable();
    } catch (error) {
      expect(isFactorkitError(error)).toBe(true);
      expect((error as FactorkitError).message).toMatch(/options\.warmStart\.x/);
    }
    const bad = { ...p, c: Float64Array.from([Number.NaN, 1]) } as Problem;
    expect(() => solve(bad)).toThrow(/problem\.c\[0\]/);
  });
});

describe('the plugin', () => {
  it('is a valid optimizer with the declared capabilities and parameters', async () => {
    expect(admmOptimizer.id).toBe('admm');
    expect(admmOptimizer.meta.capabilities).toEqual({ linear: true, quadratic: true, duals: true, warmStart: true });
    expect(() => admmOptimizer.with({ alpha: 2.5 })).toThrow(/alpha/);
    const solver = await admmOptimizer.create(admmOptimizer.with({ epsAbs: 1e-6 }).params);
    const s = await solver.solve(tinyQp());
    expect(s.status).toBe('optimal');
    // Same sparsity pattern: the symbolic factorisation comes from the instance's cache.
    const again = await solver.solve(tinyQp());
    expect(again.diagnostics['reusedStructure']).toBe(true);
    await solver.dispose?.();
  });
});
