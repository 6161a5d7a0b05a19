import { FactorkitError, type Problem, ProblemBuilder, assertSolved, checkOptimizer } from '@factorkit/core';
import { generateMfeProblem } from '@factorkit/synth';
import { beforeAll, describe, expect, it } from 'vitest';
import { type HighsParams, highsOptimizer, mapModelStatus } from '../src/index.js';

let params: HighsParams;
const solve = async (problem: Problem, overrides: Partial<HighsParams> = {}, options = {}) => {
  const instance = await highsOptimizer.create({ ...params, ...overrides });
  return instance.solve(problem, options);
};

beforeAll(() => {
  params = highsOptimizer.with().params;
});

/**
 * maximise 3x + 2y   s.t.  budget: x + y ≤ 4,  cap: x + 3y ≤ 7,  box: x ≤ 3,  x, y ≥ 0.
 * By hand: vertices (3, 1) → 11 and (2.5, 1.5) → 10.5, so (3, 1) with objective 11; raising
 * the budget bound by δ moves y to 1 + δ: ∂objective/∂budget = 2; cap is slack: dual 0.
 */
function productionLp(sense: 'maximize' | 'minimize'): Problem {
  const s = sense === 'maximize' ? 1 : -1;
  const b = new ProblemBuilder({ numWeights: 2 }, sense);
  b.addLinearObjective([3 * s, 2 * s]);
  b.group('budget').addRow({ index: [0, 1], value: [1, 1], upper: 4, label: 'budget' });
  b.group('cap').addRow({ index: [0, 1], value: [1, 3], upper: 7, label: 'cap' });
  const box = b.group('box');
  box.bound(0, 0, 3);
  box.bound(1, 0, Number.POSITIVE_INFINITY);
  return b.build();
}

/**
 * minimise 2x + 3y + 10   s.t.  floor: x + y ≥ 2,  link: x − y = 1,  x, y ≥ 0.
 * By hand: x = (b + 1)/2, y = (b − 1)/2 on the active floor b, so x = 1.5, y = 0.5 and the
 * objective is 2.5b − 0.5 + 10 = 14.5; ∂/∂floor = 2.5. With link rhs e: x = (2 + e)/2,
 * y = (2 − e)/2, objective 5 − 0.5e + 10: ∂/∂link = −0.5.
 */
function floorLp(sense: 'maximize' | 'minimize'): Problem {
  const s = sense === 'minimize' ? 1 : -1;
  const b = new ProblemBuilder({ numWeights: 2 }, sense);
  b.addLinearObjective([2 * s, 3 * s]);
  b.addObjectiveOffset(10 * s);
  b.group('floor').addRow({ index: [0, 1], value: [1, 1], lower: 2, label: 'floor' });
  b.group('link').addRow({ index: [0, 1], value: [1, -1], lower: 1, upper: 1, label: 'link' });
  const pos = b.group('long-only');
  pos.bound(0, 0, Number.POSITIVE_INFINITY);
  pos.bound(1, 0, Number.POSITIVE_INFINITY);
  return b.build();
}

describe('highsOptimizer plugin', () => {
  it('is a well-formed optimizer plugin for core API 1.0', () => {
    expect(checkOptimizer(highsOptimizer)).toEqual([]);
    expect(highsOptimizer.id).toBe('highs');
    expect(highsOptimizer.apiVersion).toBe('1.0');
    expect(highsOptimizer.meta.capabilities).toEqual({ linear: true, quadratic: true, duals: true, warmStart: true });
  });

  it('rejects bad parameters with a dot-path', () => {
    expect(() => highsOptimizer.with({ timeLimitMs: -1 })).toThrow(/timeLimitMs/);
    expect(() => highsOptimizer.with({ solver: 'pdlp' as 'ipm' })).toThrow(/solver/);
  });
});

describe('hand-solved LPs', () => {
  it('maximise: optimal x, objective, duals as ∂objective/∂row bound', async () => {
    const sol = await solve(productionLp('maximize'));
    expect(sol.status).toBe('optimal');
    expect([...sol.x]).toEqual([expect.closeTo(3, 9), expect.closeTo(1, 9)]);
    expect([...sol.weights]).toEqual([...sol.x]);
    expect(sol.objective).toBeCloseTo(11, 9);
    expect(sol.rowDuals![0]).toBeCloseTo(2, 9);
    expect(sol.rowDuals![1]).toBeCloseTo(0, 9);
    expect(sol.groups.map((g) => g.name)).toEqual(['budget', 'cap', 'box']);
    expect(sol.groups[0]!.duals![0]).toBeCloseTo(2, 9);
    expect(sol.groups[2]!.duals).toHaveLength(0);
    expect(sol.primalResidual).toBeLessThan(1e-9);
    expect(sol.diagnostics.solver).toBe('highs');
    expect(sol.diagnostics.timeMs).toBeGreaterThanOrEqual(0);
    expect(sol.diagnostics.messages).toContain('HiGHS model status: optimal');
    expect(() => assertSolved(sol)).not.toThrow();
  });

  it('minimise the negated objective: same x, negated objective and duals', async () => {
    const sol = await solve(productionLp('minimize'));
    expect(sol.status).toBe('optimal');
    expect(sol.x[0]).toBeCloseTo(3, 9);
    expect(sol.x[1]).toBeCloseTo(1, 9);
    expect(sol.objective).toBeCloseTo(-11, 9);
    expect(sol.rowDuals![0]).toBeCloseTo(-2, 9);
  });

  for (const presolve of [true, false]) {
    it(`equality row and lower-bound row, min and max, offset (presolve ${presolve ? 'on' : 'off'})`, async () => {
      const min = await solve(floorLp('minimize'), { presolve });
      expect(min.status).toBe('optimal');
      expect(min.x[0]).toBeCloseTo(1.5, 9);
      expect(min.x[1]).toBeCloseTo(0.5, 9);
      expect(min.objective).toBeCloseTo(14.5, 9);
      expect(min.groups[0]!.duals![0]).toBeCloseTo(2.5, 8);
      expect(min.groups[1]!.duals![0]).toBeCloseTo(-0.5, 8);
      const max = await solve(floorLp('maximize'), { presolve });
      expect(max.status).toBe('optimal');
      expect(max.objective).toBeCloseTo(-14.5, 9);
      expect(max.groups[0]!.duals![0]).toBeCloseTo(-2.5, 8);
      expect(max.groups[1]!.duals![0]).toBeCloseTo(0.5, 8);
    });
  }

  it('the duals predict the objective change of a perturbed bound (finite difference)', async () => {
    const base = await solve(floorLp('minimize'));
    const p = floorLp('minimize');
    const rowLower = Float64Array.from(p.rowLower);
    rowLower[0] = 2.01;
    const bumped = await solve({ ...p, rowLower });
    expect((bumped.objective - base.objective) / 0.01).toBeCloseTo(base.rowDuals![0]!, 6);
  });

  it('free variables take negative values', async () => {
    // minimise x + y, x + y ≥ −3, x − y = 1, both free → x = −1, y = −2, objective −3.
    const b = new ProblemBuilder({ numWeights: 2 }, 'minimize');
    b.addLinearObjective([1, 1]);
    b.group('floor').addRow({ index: [0, 1], value: [1, 1], lower: -3 });
    b.group('link').addRow({ index: [0, 1], value: [1, -1], lower: 1, upper: 1 });
    const sol = await solve(b.build());
    expect(sol.status).toBe('optimal');
    expect(sol.x[0]).toBeCloseTo(-1, 9);
    expect(sol.x[1]).toBeCloseTo(-2, 9);
    expect(sol.objective).toBeCloseTo(-3, 9);
  });

  it('auxiliary blocks: |x − 3| through t ≥ ±(x − 3), weights are the first block only', async () => {
    // minimise t, t ≥ |x − 3|, x + y = 5, y ≥ 4, x free → x = 1, y = 4, t = 2.
    const b = new ProblemBuilder({ numWeights: 2 }, 'minimize');
    const t = b.addVariables('t', 1);
    b.addLinearObjective([1], t.start);
    const abs = b.group('abs');
    abs.addRow({ index: [t.start, 0], value: [1, -1], lower: -3 });
    abs.addRow({ index: [t.start, 0], value: [1, 1], lower: 3 });
    b.group('sum').addRow({ index: [0, 1], value: [1, 1], lower: 5, upper: 5 });
    b.group('floor').bound(1, 4, Number.POSITIVE_INFINITY);
    const sol = await solve(b.build());
    expect(sol.status).toBe('optimal');
    expect([...sol.x].map((v) => Number(v.toFixed(9)))).toEqual([1, 4, 2]);
    expect(sol.weights).toHaveLength(2);
    expect(sol.objective).toBeCloseTo(2, 9);
  });
});

describe('failed solves', () => {
  it('infeasible: status, NaN point, never substitute weights', async () => {
    const b = new ProblemBuilder({ numWeights: 2 }, 'minimize');
    b.addLinearObjective([1, 1]);
    b.group('floor').addRow({ index: [0, 1], value: [1, 1], lower: 5, label: 'floor' });
    const caps = b.group('caps');
    caps.bound(0, 0, 1);
    caps.bound(1, 0, 1);
    for (const presolve of [true, false]) {
      const sol = await solve(b.build(), { presolve });
      expect(sol.status).toBe('infeasible');
      expect([...sol.x].every(Number.isNaN)).toBe(true);
      expect([...sol.weights].every(Number.isNaN)).toBe(true);
      expect(sol.objective).toBeNaN();
      expect(sol.rowDuals).toBeUndefined();
      expect(() => assertSolved(sol)).toThrow(/infeasible/);
    }
  });

  it('a lower bound above the upper bound is infeasible, not an error', async () => {
    const b = new ProblemBuilder({ numWeights: 1 }, 'minimize');
    b.group('a').bound(0, 2, 3);
    b.group('b').bound(0, 0, 1);
    expect((await solve(b.build())).status).toBe('infeasible');
  });

  it('unbounded', async () => {
    const b = new ProblemBuilder({ numWeights: 2 }, 'maximize');
    b.addLinearObjective([1, 1]);
    b.group('floor').addRow({ index: [0, 1], value: [1, 1], lower: 1 });
    const pos = b.group('pos');
    pos.bound(0, 0, Number.POSITIVE_INFINITY);
    pos.bound(1, 0, Number.POSITIVE_INFINITY);
    for (const presolve of [true, false]) {
      const sol = await solve(b.build(), { presolve });
      expect(sol.status).toBe('unbounded');
      expect([...sol.x].every(Number.isNaN)).toBe(true);
    }
  });

  it('time limit: status time_limit and no point', async () => {
    const sol = await solve(generateMfeProblem({ assets: 300, seed: 3 }).problem, {}, { timeLimitMs: 1e-9 });
    expect(sol.status).toBe('time_limit');
    expect([...sol.weights].every(Number.isNaN)).toBe(true);
  });

  it('quadratic constraints are refused with a pointer to @factorkit/portfolio', async () => {
    // Built by hand so the test does not depend on the core's builder for this field.
    const base = productionLp('maximize');
    const Q = { rows: 2, cols: 2, start: Int32Array.from([0, 1, 2]), index: Int32Array.from([0, 1]), value: Float64Array.from([1, 1]) };
    const problem = { ...base, quadraticConstraints: [{ group: 1, label: 'risk:te', Q, q: new Float64Array(2), upper: 0.01 }] } as unknown as Problem;
    const sol = await solve(problem);
    expect(sol.status).toBe('error');
    expect(sol.diagnostics.messages.join('\n')).toMatch(/quadratic constraint.*`risk:te`.*@factorkit\/portfolio/);
    expect([...sol.x].every(Number.isNaN)).toBe(true);
    const empty = await solve({ ...base, quadraticConstraints: [] });
    expect(empty.status).toBe('optimal');
  });

  it('maps every HiGHS model status', () => {
    const expected = ['error', 'error', 'error', 'numerical_error', 'numerical_error', 'numerical_error', 'optimal', 'optimal', 'infeasible', 'infeasible',
      'unbounded', 'error', 'error', 'time_limit', 'iteration_limit', 'numerical_error', 'error', 'time_limit'];
    expect(expected.map((_, code) => mapModelStatus(code))).toEqual(expected);
    expect(mapModelStatus(99)).toBe('error');
  });
});

describe('misuse', () => {
  const bad = (patch: (p: Problem) => Problem) => solve(patch(productionLp('maximize')));

  it('names the offending coefficient, row or entry', async () => {
    await expect(bad((p) => ({ ...p, c: Float64Array.from([Number.NaN, 1]) }))).rejects.toThrow(/c\[0\]/);
    await expect(bad((p) => ({ ...p, c: new Float64Array(3) }))).rejects.toThrow(/`c` must have 2 entries/);
    await expect(
      bad((p) => ({ ...p, A: { ...p.A, index: Int32Array.from([0, 0, 0, 1]) } })),
    ).rejects.toThrow(/row 0 \(`budget`\) lists variable 0 twice/);
    await expect(
      bad((p) => ({ ...p, A: { ...p.A, value: Float64Array.from([1, Number.POSITIVE_INFINITY, 1, 3]) } })),
    ).rejects.toThrow(/row 0 \(`budget`\) has coefficient `Infinity` for variable 1/);
    await expect(bad((p) => ({ ...p, lower: Float64Array.from([Number.POSITIVE_INFINITY, 0]) }))).rejects.toThrow(/variable 0 has lower bound `Infinity`/);
    await expect(bad((p) => ({ ...p, rowUpper: Float64Array.from([Number.NaN, 7]) }))).rejects.toThrow(/row 0 \(`budget`\) has upper bound `NaN`/);
    const err = await bad((p) => ({ ...p, c: Float64Array.from([Number.NaN, 1]) })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FactorkitError);
    expect((err as FactorkitError).code).toBe('FK_INVALID_PROBLEM');
  });

  it('rejects a P that is not an upper triangle', async () => {
    const P = { rows: 2, cols: 2, start: Int32Array.from([0, 2, 3]), index: Int32Array.from([0, 1, 1]), value: Float64Array.from([2, 1, 2]) };
    await expect(bad((p) => ({ ...p, P }))).rejects.toThrow(/P column 0 has an entry in row `1`/);
  });
});
