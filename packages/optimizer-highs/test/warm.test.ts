import { FactorkitError, type Problem, ProblemBuilder, type Solution } from '@factorkit/core';
import { type GeneratedProblem, generateMfeProblem, nextWeekProblem } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import { highsOptimizer, loadHighsRuntime } from '../src/index.js';
import { solveWithGlpk } from './glpk.js';

const params = highsOptimizer.with().params;
const create = (overrides = {}) => highsOptimizer.create({ ...params, ...overrides });

/** maximise 3x + 2y   s.t.  budget: x + y ≤ 4,  cap: x + 3y ≤ 7,  0 ≤ x ≤ 3,  y ≥ 0: optimum (3, 1), 11. */
function productionLp(): Problem {
  const b = new ProblemBuilder({ numWeights: 2 }, 'maximize');
  b.addLinearObjective([3, 2]);
  b.group('budget').addRow({ index: [0, 1], value: [1, 1], upper: 4, label: 'budget' });
  b.group('cap').addRow({ index: [0, 1], value: [1, 3], upper: 7, label: 'cap' });
  const box = b.group('box');
  box.bound(0, 0, 3);
  box.bound(1, 0, Number.POSITIVE_INFINITY);
  return b.build();
}

/** `count` consecutive weeks, each with the previous week's optimum (drifted) as the turnover reference. */
async function rebalances(assets: number, count: number, seed: number): Promise<{ problems: Problem[]; cold: Solution[] }> {
  const solver = await create();
  let g: GeneratedProblem = generateMfeProblem({ assets, industries: 30, styles: 10, deviation: 0.01, industryBand: 0.005, seed });
  let held = g.inputs.benchmark;
  const problems: Problem[] = [];
  const cold: Solution[] = [];
  for (let k = 0; k < count; k++) {
    g = nextWeekProblem(g, { seed: seed * 100 + k, previous: held, turnoverLimit: 0.3 });
    const solution = await solver.solve(g.problem);
    expect(solution.status).toBe('optimal');
    held = Float64Array.from(solution.weights);
    problems.push(g.problem);
    cold.push(solution);
  }
  await solver.dispose?.();
  return { problems, cold };
}

/** `problem` with one more row, x₀ ∈ [−1, 1] (it changes the shape, not the optimum). */
function withExtraRow(problem: Problem): Problem {
  const { A } = problem;
  const nnz = A.start[A.rows]!;
  return {
    ...problem,
    A: {
      ...A,
      rows: A.rows + 1,
      start: Int32Array.from([...A.start, nnz + 1]),
      index: Int32Array.from([...A.index.subarray(0, nnz), 0]),
      value: Float64Array.from([...A.value.subarray(0, nnz), 1]),
    },
    rowLower: Float64Array.from([...problem.rowLower, -1]),
    rowUpper: Float64Array.from([...problem.rowUpper, 1]),
    rowLabels: [...problem.rowLabels, 'extra'],
  };
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

describe('warm starts', () => {
  it('declares the capability', () => {
    expect(highsOptimizer.meta.capabilities.warmStart).toBe(true);
  });

  it("consecutive rebalances warm-started from the previous solution: HiGHS's own basis, the same optimum as GLPK, fewer iterations", async () => {
    const { problems, cold } = await rebalances(300, 6, 17);
    const warm = await create();
    let previous: Solution | undefined;
    let warmIterations = 0;
    let coldIterations = 0;
    for (const [k, problem] of problems.entries()) {
      const solution = await warm.solve(problem, previous ? { warmStart: { x: previous.x, y: previous.rowDuals! } } : {});
      expect(solution.status).toBe('optimal');
      expect(solution.primalResidual).toBeLessThan(1e-7);
      const glpk = await solveWithGlpk(problem);
      expect(glpk.optimal).toBe(true);
      expect(relative(solution.objective, glpk.objective), `week ${k}`).toBeLessThan(1e-7);
      if (k > 0) {
        expect(solution.diagnostics.warmStart).toBe('previous basis');
        expect(solution.diagnostics.messages.join('\n')).toMatch(/basis of this instance's solve/);
        warmIterations += solution.diagnostics.iterations!;
        coldIterations += cold[k]!.diagnostics.iterations!;
      }
      previous = solution;
    }
    expect(warmIterations).toBeLessThan(0.9 * coldIterations);
    await warm.dispose?.();
  });

  it("a copy of the instance's last solution is recognised; any other point, or another shape, is not used and the solve is the cold one", async () => {
    const { problems, cold } = await rebalances(200, 3, 29);
    const [p1, p2, p3] = problems as [Problem, Problem, Problem];
    const solver = await create();
    const first = await solver.solve(p1);
    const copy = await solver.solve(p2, { warmStart: { x: Float64Array.from(first.x) } });
    expect(copy.diagnostics.warmStart).toBe('previous basis');
    expect(relative(copy.objective, (await solveWithGlpk(p2)).objective)).toBeLessThan(1e-7);

    // Not this instance's last solution (the cold solve of another instance for week 3, moved a
    // little): ignored, with a message, and the result is exactly the cold solve's.
    const other = Float64Array.from(cold[2]!.x, (v, j) => (j === 0 ? v + 1e-6 : v));
    const ignored = await solver.solve(p3, { warmStart: { x: other } });
    expect(ignored.diagnostics.warmStart).toBeUndefined();
    expect(ignored.diagnostics.messages.join('\n')).toMatch(/warm start ignored: .*not the solution of this instance's last LP/);
    expect(ignored.diagnostics.iterations).toBe(cold[2]!.diagnostics.iterations);
    expect(ignored.objective).toBe(cold[2]!.objective);
    for (let j = 0; j < p3.numVariables; j++) expect(ignored.x[j]).toBe(cold[2]!.x[j]);

    // The last solution, but for a problem of another shape (a row more): ignored too.
    const wider = withExtraRow(p3);
    const reshaped = await solver.solve(wider, { warmStart: { x: ignored.x } });
    expect(reshaped.status).toBe('optimal');
    expect(reshaped.diagnostics.warmStart).toBeUndefined();
    expect(reshaped.diagnostics.messages.join('\n')).toMatch(/warm start ignored/);
    await solver.dispose?.();
  });

  it('a basis HiGHS refuses is reported and the LP is solved from scratch', async () => {
    const highs = await loadHighsRuntime();
    const original = highs.createModel.bind(highs);
    const descriptor = Object.getOwnPropertyDescriptor(highs, 'createModel');
    (highs as unknown as { createModel: typeof original }).createModel = (source?: Parameters<typeof original>[0]) => {
      const model = original(source);
      Object.defineProperty(model, 'setBasis', {
        value: () => {
          throw new Error('setBasis: the basis is not valid');
        },
      });
      return model;
    };
    try {
      const solver = await create();
      const first = await solver.solve(productionLp());
      const solution = await solver.solve(productionLp(), { warmStart: { x: first.x } });
      expect(solution.status).toBe('optimal');
      expect(solution.objective).toBeCloseTo(11, 9);
      expect(solution.diagnostics.warmStart).toBeUndefined();
      expect(solution.diagnostics.messages.join('\n')).toMatch(/warm start not used: HiGHS refused the basis.*not valid/);
      await solver.dispose?.();
    } finally {
      if (descriptor) Object.defineProperty(highs, 'createModel', descriptor);
      else delete (highs as unknown as { createModel?: unknown }).createModel;
    }
  });

  it('is ignored, with a message, for a quadratic objective and for the interior-point solver', async () => {
    const b = new ProblemBuilder({ numWeights: 2 }, 'minimize');
    b.addLinearObjective([-2, -4]);
    b.addQuadratic(0, 0, 2);
    b.addQuadratic(1, 1, 2);
    b.group('cap').addRow({ index: [0, 1], value: [1, 2], upper: 4, label: 'cap' });
    const qp = await (await create()).solve(b.build(), { warmStart: { x: Float64Array.from([0.8, 1.6]) } });
    expect(qp.status).toBe('optimal');
    expect(qp.diagnostics.messages.join('\n')).toMatch(/warm start ignored: HiGHS starts a quadratic objective from scratch/);
    const ipm = await (await create({ solver: 'ipm' })).solve(productionLp(), { warmStart: { x: Float64Array.from([3, 1]) } });
    expect(ipm.status).toBe('optimal');
    expect(ipm.objective).toBeCloseTo(11, 8);
    expect(ipm.diagnostics.messages.join('\n')).toMatch(/warm start ignored: .*`solver: ipm`/);
  });

  it('a warm start that does not fit the problem is misuse', async () => {
    const solver = await create();
    const fails = async (warmStart: { x: Float64Array; y?: Float64Array }, pattern: RegExp) => {
      const error = await solver.solve(productionLp(), { warmStart }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FactorkitError);
      expect((error as FactorkitError).code).toBe('FK_INVALID_ARGUMENT');
      expect((error as Error).message).toMatch(pattern);
    };
    await fails({ x: new Float64Array(3) }, /warmStart\.x has `3` entries for 2 variables/);
    await fails({ x: Float64Array.from([1, Number.NaN]) }, /warmStart\.x\[1\] is `NaN`/);
    await fails({ x: new Float64Array(2), y: new Float64Array(1) }, /warmStart\.y has `1` entries for 2 rows/);
    await fails({ x: new Float64Array(2), y: Float64Array.from([0, Number.POSITIVE_INFINITY]) }, /warmStart\.y\[1\] is `Infinity`/);
    expect((await solver.solve(productionLp())).status).toBe('optimal');
  });
});
