import { objectiveValue, problemResiduals } from '@factorkit/core';
import { Rng, generateMfeProblem, nextWeekProblem } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import { highsOptimizer } from '../src/index.js';
import { solveWithGlpk } from './glpk.js';

describe('cross-check against GLPK on MFE-shaped LPs', () => {
  it('20 random index-enhancement LPs (n ≈ 300, 30 industries, style bands, turnover): objectives agree to 1e-7', async () => {
    const instance = await highsOptimizer.create(highsOptimizer.with().params);
    const pick = new Rng(2024, 1);
    for (let seed = 1; seed <= 20; seed++) {
      const base = generateMfeProblem({
        assets: 280 + pick.int(41),
        styles: 3 + pick.int(5),
        deviation: 0.005 + 0.005 * pick.float(),
        industryBand: 0.005,
        seed,
      });
      // Three in four with a turnover limit against the drifted holdings of a week later.
      const { problem } = seed % 4 !== 0 ? nextWeekProblem(base, { seed, turnoverLimit: 0.3 }) : base;
      const highs = await instance.solve(problem);
      const glpk = await solveWithGlpk(problem);
      expect(glpk.optimal, `seed ${seed}: glpk`).toBe(true);
      expect(highs.status, `seed ${seed}: highs`).toBe('optimal');
      // GLPK's point must be feasible too, or the comparison would prove nothing.
      expect(problemResiduals(problem, glpk.x).maxViolation).toBeLessThan(1e-8);
      expect(objectiveValue(problem, glpk.x)).toBeCloseTo(glpk.objective, 9);
      expect(highs.primalResidual, `seed ${seed}`).toBeLessThan(1e-7);
      const rel = Math.abs(highs.objective - glpk.objective) / Math.max(1, Math.abs(glpk.objective));
      expect(rel, `seed ${seed}: highs ${highs.objective} vs glpk ${glpk.objective}`).toBeLessThan(1e-7);
      // Row duals must have the documented sign: in a maximisation, ∂objective/∂bound > 0 only
      // at an active upper bound (relaxing it can only help), < 0 only at an active lower bound.
      const duals = highs.rowDuals!;
      const { A } = problem;
      let checked = 0;
      for (let r = 0; r < A.rows; r++) {
        let ax = 0;
        for (let k = A.start[r]!; k < A.start[r + 1]!; k++) ax += A.value[k]! * highs.x[A.index[k]!]!;
        if (duals[r]! > 1e-9) expect(Math.abs(ax - problem.rowUpper[r]!), `seed ${seed} row ${r}`).toBeLessThan(1e-7);
        if (duals[r]! < -1e-9) expect(Math.abs(ax - problem.rowLower[r]!), `seed ${seed} row ${r}`).toBeLessThan(1e-7);
        if (Math.abs(duals[r]!) > 1e-9) checked++;
      }
      expect(checked).toBeGreaterThan(0);
    }
  });
});
