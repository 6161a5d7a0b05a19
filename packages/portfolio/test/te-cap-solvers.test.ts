// The tracking-error cap end to end at a realistic shape (industries, deviation bounds, a
// 40-factor risk model) with both optimizers: the QP-capable ADMM solver and HiGHS must agree,
// and the cap must hold when recomputed from the weights through the factor model.
import { fullyInvested, industryNeutral, longOnly, maxWeight, stockDeviation, trackingErrorCap } from '@factorkit/constraints';
import type { ConstraintContext } from '@factorkit/core';
import { admmOptimizer } from '@factorkit/optimizer-admm';
import { generateTrackingErrorProblem } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import { maxExposure, solvePortfolio } from '../src/index.js';
import { testHighsOptimizer } from './helpers/highs.js';

function market(n: number, seed: number): { context: ConstraintContext; te: (w: Float64Array) => number } {
  const { inputs } = generateTrackingErrorProblem({ assets: n, factors: 40, seed });
  const k = inputs.exposureCount;
  const risk = { factors: Array.from({ length: k }, (_, f) => `f${f}`), exposures: inputs.exposures, covariance: inputs.factorCovariance, specificVariance: inputs.specificVariance };
  const context: ConstraintContext = {
    date: '2024-01-05',
    assets: Array.from({ length: n }, (_, i) => `S${i}`),
    benchmark: inputs.benchmark,
    exposures: { alpha: inputs.signal },
    categories: { industry: { codes: inputs.industry, levels: Array.from({ length: inputs.industries }, (_, j) => `I${j}`) } },
    risk,
  };
  // (w − b)ᵀ(XFXᵀ + D)(w − b), straight from the definitions.
  const te = (w: Float64Array) => {
    const u = w.map((x, i) => x - inputs.benchmark[i]!);
    const y = new Float64Array(k);
    let specific = 0;
    for (let i = 0; i < n; i++) {
      for (let f = 0; f < k; f++) y[f]! += inputs.exposures[i * k + f]! * u[i]!;
      specific += inputs.specificVariance[i]! * u[i]! * u[i]!;
    }
    let factor = 0;
    for (let f = 0; f < k; f++) for (let g = 0; g < k; g++) factor += y[f]! * inputs.factorCovariance[f * k + g]! * y[g]!;
    return Math.sqrt(factor + specific);
  };
  return { context, te };
}

describe('maxExposure under a tracking-error cap with the ADMM solver', () => {
  // HiGHS's QP solver cycles on some of the Lagrangian subproblems of this shape (it stops at its
  // time limit, and solvePortfolio falls back to cuts: slow), so the QP-capable ADMM solver is the
  // one to use; HiGHS solves the uncapped LP, which bounds the capped optimum from above.
  it('n = 120, 40 factors, industries, ±2% deviation: optimal, the cap holds and binds, tighter caps cost exposure', async () => {
    const { context, te } = market(120, 33);
    const constraints = [fullyInvested.with(), longOnly.with(), stockDeviation.with({ limit: 0.02 }), industryNeutral.with({ band: 0.01 })];
    const admm = await admmOptimizer.create(admmOptimizer.with().params);
    const highs = testHighsOptimizer();
    const uncapped = await solvePortfolio({ context, objective: maxExposure('alpha'), constraints }, { optimizer: highs });
    await highs.dispose?.();
    expect(uncapped.status).toBe('optimal');
    expect(te(uncapped.weights)).toBeGreaterThan(0.012);
    let previous = uncapped.objective;
    for (const cap of [0.012, 0.01, 0.008]) {
      const s = await solvePortfolio({ context, objective: maxExposure('alpha'), constraints: [...constraints, trackingErrorCap.with({ cap })] }, { optimizer: admm });
      expect(s.status).toBe('optimal');
      expect(s.quadraticMethod).toBe('lagrangian');
      expect(s.primalResidual).toBeLessThanOrEqual(1e-7);
      expect(te(s.weights)).toBeLessThanOrEqual(cap * (1 + 1e-7));
      expect(te(s.weights)).toBeGreaterThan(cap * (1 - 1e-4)); // binds: the uncapped optimum is riskier
      expect(s.objective).toBeLessThan(previous);
      previous = s.objective;
    }
  }, 120_000);
});

describe('an infeasible problem with a tracking-error cap whose linear rows already conflict', () => {
  it('is explained from the linear rows (LP solves only), with the same conflict as the LP alone', async () => {
    const { context } = market(60, 7);
    // 60 stocks of at most 1% each cannot hold 100%.
    const conflicting = [fullyInvested.with(), longOnly.with(), stockDeviation.with({ limit: 0.02 }), maxWeight.with({ cap: 0.01 }, { group: 'one-percent-cap' })];
    const highs = testHighsOptimizer();
    let quadraticSolves = 0;
    let solves = 0;
    const counting = {
      ...highs,
      solve: (problem: Parameters<typeof highs.solve>[0], options?: Parameters<typeof highs.solve>[1]) => {
        solves++;
        if (problem.quadraticConstraints && problem.quadraticConstraints.length > 0) quadraticSolves++;
        return highs.solve(problem, options);
      },
    };
    const capped = await solvePortfolio({ context, objective: maxExposure('alpha'), constraints: [...conflicting, trackingErrorCap.with({ cap: 0.01 })] }, { optimizer: counting, diagnose: { elastic: false, maxConflicts: 1 } });
    const cappedQuadratic = quadraticSolves;
    const linear = await solvePortfolio({ context, objective: maxExposure('alpha'), constraints: conflicting }, { optimizer: highs, diagnose: { elastic: false, maxConflicts: 1 } });
    await highs.dispose?.();
    expect(capped.status).toBe('infeasible');
    expect(linear.status).toBe('infeasible');
    if (capped.status !== 'infeasible' || linear.status !== 'infeasible') return;
    // The quadratic row is tried once (the first solve); the explanation's checks are LPs.
    expect(cappedQuadratic).toBeLessThanOrEqual(1);
    expect(solves).toBeGreaterThan(1);
    expect(capped.infeasibility.messages).toEqual(linear.infeasibility.messages);
    expect(capped.infeasibility.messages.join(' ')).toContain('one-percent-cap');
  });
});
