import { objectiveValue, problemResiduals } from '@factorkit/core';
import { highsOptimizer } from '@factorkit/optimizer-highs';
import { generateMfeProblem, generateTrackingErrorProblem, nextWeekProblem } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import { admmOptimizer, solveProblem } from '../src/index.js';
import { kktViolations } from './kkt-check.js';

const defaults = admmOptimizer.with({}).params;

describe('generated test problems (@factorkit/synth)', () => {
  it('are feasible at the benchmark, deterministic, with named groups', () => {
    const mfe = generateMfeProblem({ assets: 300, seed: 3 });
    expect(mfe.problem.groups.map((g) => g.name)).toEqual(['budget', 'long-only', 'deviation', 'industry', 'style']);
    expect(mfe.problem.sense).toBe('maximize');
    expect(problemResiduals(mfe.problem, mfe.inputs.benchmark).maxViolation).toBeLessThan(1e-12);
    expect(generateMfeProblem({ assets: 300, seed: 3 }).problem.c).toEqual(mfe.problem.c);
    const te = generateTrackingErrorProblem({ assets: 300, factors: 20, seed: 3 });
    expect(te.problem.blocks.map((b) => b.name)).toEqual(['w', 'y']);
    expect(te.problem.groups.map((g) => g.name)).toEqual(['budget', 'long-only', 'deviation', 'industry', 'factor-exposure']);
    // At w = b the active exposures y = Xᵀ(w − b) are zero and every row holds.
    const x = new Float64Array(te.problem.numVariables);
    x.set(te.inputs.benchmark);
    expect(problemResiduals(te.problem, x).maxViolation).toBeLessThan(1e-12);
    // The objective there is −αᵀb (no active risk).
    let ab = 0;
    for (let i = 0; i < 300; i++) ab += te.inputs.signal[i]! * te.inputs.benchmark[i]!;
    expect(objectiveValue(te.problem, x)).toBeCloseTo(-ab, 12);
  });
});

describe('ADMM on generated problems', () => {
  it('tracking-error QP: polished to 1e-7 and satisfies the KKT conditions', () => {
    const { problem } = generateTrackingErrorProblem({ assets: 300, seed: 11 });
    const s = solveProblem(problem, defaults);
    expect(s.status).toBe('optimal');
    expect(s.diagnostics.polished).toBe(true);
    expect(s.primalResidual).toBeLessThanOrEqual(1e-7);
    const kkt = kktViolations(problem, s, 1e-9);
    expect(kkt.primal).toBeLessThanOrEqual(1e-7);
    expect(kkt.complementarity).toBeLessThan(1e-7);
    expect(kkt.stationarity).toBeLessThan(1e-7);
    expect(s.dualResidual).toBeLessThan(1e-7);
  });

  it('MFE LP: polished to 1e-7 and satisfies the KKT conditions', () => {
    const { problem } = generateMfeProblem({ assets: 200, seed: 1 });
    const s = solveProblem(problem, defaults);
    expect(s.status).toBe('optimal');
    expect(s.diagnostics.polished).toBe(true);
    expect(s.primalResidual).toBeLessThanOrEqual(1e-7);
    const kkt = kktViolations(problem, s, 1e-9);
    expect(kkt.complementarity).toBeLessThan(1e-7);
    expect(kkt.stationarity).toBeLessThan(1e-7);
  });

  it('warm start on next week’s problem needs far fewer iterations than a cold start', async () => {
    const solver = await admmOptimizer.create(defaults);
    const week1 = generateTrackingErrorProblem({ assets: 500, seed: 21 });
    const first = await solver.solve(week1.problem);
    expect(first.status).toBe('optimal');
    const week2 = nextWeekProblem(week1, { seed: 22, previous: first.weights });
    const cold = solveProblem(week2.problem, defaults);
    const warm = await solver.solve(week2.problem, { warmStart: { x: first.x, y: first.rowDuals! } });
    expect(cold.status).toBe('optimal');
    expect(warm.status).toBe('optimal');
    expect(warm.diagnostics['reusedStructure']).toBe(true);
    expect(warm.diagnostics.iterations!).toBeLessThan(cold.diagnostics.iterations! / 2);
    expect(Math.abs(warm.objective - cold.objective)).toBeLessThan(1e-8 * Math.max(1, Math.abs(cold.objective)) + 1e-9);
  });

  it('stops at the time limit with status time_limit', () => {
    const { problem } = generateMfeProblem({ assets: 200, seed: 2 });
    const s = solveProblem(problem, { ...defaults, polish: false }, { timeLimitMs: 1e-6 });
    expect(s.status).toBe('time_limit');
    expect(s.diagnostics.iterations).toBe(defaults.checkEvery);
    expect(s.diagnostics.messages[0]).toMatch(/time limit/);
  });

  it('MFE LP with a turnover limit keeps Σ|w − previous| within the limit', () => {
    const previous = generateMfeProblem({ assets: 150, seed: 5 }).inputs.benchmark;
    const { problem } = generateMfeProblem({ assets: 150, seed: 5, turnover: { previous, limit: 0.3 } });
    const s = solveProblem(problem, defaults);
    expect(s.status).toBe('optimal');
    let turnover = 0;
    for (let i = 0; i < 150; i++) turnover += Math.abs(s.weights[i]! - previous[i]!);
    expect(turnover).toBeLessThanOrEqual(0.3 + 1e-6);
  });
});

describe('agreement with HiGHS (@factorkit/optimizer-highs)', () => {
  const cases = [
    ['MFE LP n = 300', () => generateMfeProblem({ assets: 300, seed: 31 }).problem],
    ['MFE LP n = 200, industry bands', () => generateMfeProblem({ assets: 200, seed: 32, industryBand: 0.01 }).problem],
    ['TE QP n = 300', () => generateTrackingErrorProblem({ assets: 300, seed: 33 }).problem],
    ['TE QP n = 500', () => generateTrackingErrorProblem({ assets: 500, seed: 36 }).problem],
  ] as const;
  for (const [name, make] of cases) {
    it(`${name}: objectives agree to 1e-6 relative`, async () => {
      const problem = make();
      const highs = await highsOptimizer.create(highsOptimizer.with({}).params);
      const reference = await highs.solve(problem);
      await highs.dispose?.();
      expect(reference.status).toBe('optimal');
      const s = solveProblem(problem, defaults);
      expect(s.status).toBe('optimal');
      expect(Math.abs(s.objective - reference.objective)).toBeLessThanOrEqual(1e-6 * Math.max(1e-3, Math.abs(reference.objective)));
      expect(s.primalResidual).toBeLessThanOrEqual(1e-7);
    });
  }
});
