import { FactorkitError, ProblemBuilder, defineConstraint, objectiveValue } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { buildPortfolioProblem, maxExposure, meanVariance, minTrackingError, solvePortfolio } from '../src/index.js';
import { D, F, X, alpha, benchmark, context } from './fixture.js';
import { denseCovariance, dot, quadForm, solveDense } from './helpers/dense.js';
import { testHighsOptimizer } from './helpers/highs.js';

const n = 5;
const Sigma = denseCovariance(X, F, D);

// A fully-invested constraint plugin written here, so these tests do not depend on @factorkit/constraints.
const budget = defineConstraint({
  id: 'budget',
  apiVersion: '1.0',
  meta: { description: 'Σw = 1', params: {} },
  build({ rows, assets }) {
    rows.addWeightRow(new Array<number>(assets.length).fill(1), 1, 1, 'budget');
  },
});

function build(objective: Parameters<typeof buildPortfolioProblem>[0]['objective']) {
  return buildPortfolioProblem({ context, objective, constraints: [budget.with({}, { priority: 100 })] });
}

/** Full variable vector: w, then y = Xᵀ(w − b). */
function withFactors(w: number[]): Float64Array {
  const y = [0, 1].map((f) => w.reduce((s, wi, i) => s + X[i]![f]! * (wi - benchmark[i]!), 0));
  return Float64Array.from([...w, ...y]);
}

describe('meanVariance', () => {
  const lambda = 3;
  const problem = build(meanVariance({ alpha: 'alpha', riskAversion: lambda }));

  it('objective value equals λ(w−b)ᵀΣ(w−b) − αᵀw computed densely, at arbitrary points', () => {
    for (const w of [
      [0.1, 0.2, 0.3, 0.4, 0],
      [0.5, -0.2, 0.1, 0.9, -0.3],
      benchmark,
    ]) {
      const expected = lambda * quadForm(Sigma, w, benchmark) - dot(alpha, w);
      expect(objectiveValue(problem, withFactors(w))).toBeCloseTo(expected, 14);
    }
  });

  it('uses factor structure: P has n + k(k+1)/2 entries, never n×n', () => {
    expect(problem.sense).toBe('minimize');
    expect(problem.blocks.map((b) => [b.name, b.count])).toEqual([
      ['w', 5],
      ['riskFactors', 2],
    ]);
    expect(problem.P!.index.length).toBe(n + 3);
    // P = 2λ diag(D) on w, 2λ F on y (upper triangle).
    for (let i = 0; i < n; i++) expect(problem.P!.value[problem.P!.start[i]!]).toBeCloseTo(2 * lambda * D[i]!, 15);
    const y0 = problem.P!.start[5]!;
    const yEntries = Array.from(problem.P!.value.subarray(y0));
    [2 * lambda * 0.04, 2 * lambda * 0.006, 2 * lambda * 0.01].forEach((v, k) => expect(yEntries[k]).toBeCloseTo(v, 15));
    expect(yEntries).toHaveLength(3);
    const g = problem.groups.find((x) => x.name === 'objective:factor-exposure')!;
    expect(g.priority).toBe(Number.POSITIVE_INFINITY);
    expect(g.rowCount).toBe(2);
  });

  it('solves to the KKT solution of min λdᵀΣd − αᵀw s.t. Σw = 1 (dense reference)', async () => {
    // [2λΣ 1; 1ᵀ 0][w; μ] = [α + 2λΣb; 1]
    const Sb = Sigma.map((row) => dot(row, benchmark));
    const K = [...Sigma.map((row) => [...row.map((v) => 2 * lambda * v), 1]), [...new Array<number>(n).fill(1), 0]];
    const rhs = [...alpha.map((a, i) => a + 2 * lambda * Sb[i]!), 1];
    const ref = solveDense(K, rhs).slice(0, n);
    const result = await solvePortfolio(problem, { optimizer: testHighsOptimizer() });
    expect(result.status).toBe('optimal');
    for (let i = 0; i < n; i++) expect(result.weights[i]).toBeCloseTo(ref[i]!, 6);
    expect(result.objective).toBeCloseTo(lambda * quadForm(Sigma, ref, benchmark) - dot(alpha, ref), 8);
  });

  it('rejects bad inputs naming the parameter', () => {
    expect(() => meanVariance({ alpha: 'alpha', riskAversion: -1 })).toThrow(/riskAversion must be a finite number ≥ 0/);
    const nan = Float64Array.from(alpha);
    nan[3] = Number.NaN;
    expect(() => build(meanVariance({ alpha: nan, riskAversion: 1 }))).toThrow(/alpha\[3\] \(asset `600036.SH`\) is `NaN`/);
    expect(() => build(meanVariance({ alpha: 'missing', riskAversion: 1 }))).toThrow(FactorkitError);
    expect(() => buildPortfolioProblem({ context: { ...context, risk: undefined as never }, objective: meanVariance({ alpha: 'alpha', riskAversion: 1 }), constraints: [] })).toThrow(/needs a risk model/);
  });
});

describe('minTrackingError', () => {
  it('solves to the KKT solution of min dᵀΣd s.t. Σw = 1, αᵀw = t (dense reference)', async () => {
    const target = 0.02;
    const problem = build(minTrackingError({ exposure: { alpha, target, equal: true } }));
    // At w = b: TE = 0 and objective = 0 (offset makes it exact).
    expect(objectiveValue(problem, withFactors(benchmark))).toBeCloseTo(0, 15);
    const Sb = Sigma.map((row) => dot(row, benchmark));
    const K = [...Sigma.map((row, i) => [...row.map((v) => 2 * v), 1, alpha[i]!]), [...new Array<number>(n).fill(1), 0, 0], [...alpha, 0, 0]];
    const ref = solveDense(K, [...Sb.map((v) => 2 * v), 1, target]).slice(0, n);
    const result = await solvePortfolio(problem, { optimizer: testHighsOptimizer() });
    expect(result.status).toBe('optimal');
    for (let i = 0; i < n; i++) expect(result.weights[i]).toBeCloseTo(ref[i]!, 6);
    expect(result.objective).toBeCloseTo(quadForm(Sigma, ref, benchmark), 9);
    expect(dot(alpha, result.weights)).toBeCloseTo(target, 8);
  });

  it('puts the exposure row in its own relaxable group', () => {
    const problem = build(minTrackingError({ exposure: { alpha: 'alpha', target: 0.01 }, priority: 7 }));
    const g = problem.groups.find((x) => x.name === 'exposure-target')!;
    expect(g.priority).toBe(7);
    expect(problem.rowLabels[g.rowStart]).toBe('exposure ≥ target');
    expect(problem.rowLower[g.rowStart]).toBe(0.01);
  });
});

describe('maxExposure', () => {
  it('maximises Σw·alpha: with caps of 30% the three best stocks get 30% and the next 10%', async () => {
    const caps = defineConstraint({
      id: 'caps',
      apiVersion: '1.0',
      meta: { description: '0 ≤ w ≤ 0.3', params: {} },
      build({ rows, assets }) {
        for (let i = 0; i < assets.length; i++) rows.bound(i, 0, 0.3);
      },
    });
    const problem = buildPortfolioProblem({ context, objective: maxExposure('alpha'), constraints: [budget.with(), caps.with()] });
    expect(problem.sense).toBe('maximize');
    expect(problem.P).toBeUndefined();
    const result = await solvePortfolio(problem, { optimizer: testHighsOptimizer() });
    // alpha ranks: 600036 (3%), 000001 (2%), 600000 (1.5%), 601318 (−0.5%), 000002 (−1%).
    expect(Array.from(result.weights, (v) => Number(v.toFixed(9)))).toEqual([0.3, 0, 0.3, 0.3, 0.1]);
    expect(result.objective).toBeCloseTo(0.3 * 0.02 + 0.3 * 0.015 + 0.3 * 0.03 + 0.1 * -0.005, 12);
  });

  it('accepts a vector and checks its length', () => {
    const b = new ProblemBuilder({ assets: context.assets });
    expect(() => maxExposure([1, 2]).build(b, context)).toThrow(/alpha has 2 entries, the context 5 assets/);
  });
});
