// End-to-end with the real constraint plugins of @factorkit/constraints (a dev dependency).
import { fullyInvested, industryNeutral, longOnly, tradability, trackingErrorCap, turnoverLimit } from '@factorkit/constraints';
import { type ConstraintContext, ProblemBuilder } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { buildPortfolioProblem, maxExposure, solvePortfolio } from '../src/index.js';
import { D, F, X, alpha, assets, benchmark, context } from './fixture.js';
import { denseCovariance, dot, matVec, quadForm } from './helpers/dense.js';
import { testHighsOptimizer } from './helpers/highs.js';

const bankMarket: ConstraintContext = {
  date: '2023-06-30',
  assets: ['601398.SH', '601939.SH', '601288.SH', '601318.SH', '600030.SH', '601628.SH'],
  // 银行 3.10% of the benchmark, 非银金融 96.90%.
  benchmark: Float64Array.from([0.012, 0.01, 0.009, 0.4, 0.35, 0.219]),
  previous: Float64Array.from([0.008, 0.008, 0.008, 0.4, 0.35, 0.216]),
  exposures: { alpha: Float64Array.from([0.5, 0.4, 0.3, 0.2, 0.1, 0]) },
  categories: { industry: { codes: Int32Array.from([0, 0, 0, 1, 1, 1]), levels: ['银行', '非银金融'] } },
  // The banks are limit-up: they can be sold, not bought.
  tradability: { canBuy: Uint8Array.from([0, 0, 0, 1, 1, 1]), canSell: Uint8Array.from([1, 1, 1, 1, 1, 1]) },
};

describe('with @factorkit/constraints', () => {
  it('limit-up banks: "industry:银行 needs ≥ 3.10% but … allow at most 2.40%"', async () => {
    const input = { context: bankMarket, objective: maxExposure('alpha'), constraints: [fullyInvested.with(), longOnly.with(), tradability.with(), industryNeutral.with()] };
    const result = await solvePortfolio(input, { optimizer: testHighsOptimizer() });
    expect(result.status).toBe('infeasible');
    const report = result.infeasibility!;
    const violated = report.conflicts.filter((c) => c.violated);
    expect(violated.map((c) => c.group)).toEqual(['industry-neutral']);
    // Banks held at 0.8% each cannot be bought: 3 × 0.8% = 2.4% < 3.1%; the budget then pushes
    // 非银金融 to 100% − 2.4% = 97.6% > 96.9%.
    const bank = violated[0]!.rows.find((r) => r.label === 'industry:银行')!;
    expect(bank.achievable).toBeCloseTo(0.024, 8);
    expect(bank.slack).toBeCloseTo(0.007, 8);
    const other = violated[0]!.rows.find((r) => r.label === 'industry:非银金融')!;
    expect(other.achievable).toBeCloseTo(0.976, 8);
    expect(Object.fromEntries(report.conflicts.filter((c) => !c.violated).map((c) => [c.group, c.resolves]))).toEqual({ 'fully-invested': false, tradability: true });
    // The explanation: the bank row against the "cannot buy" caps, no budget needed.
    expect(report.messages).toEqual([
      'infeasible: `industry-neutral` × `tradability` cannot both hold; relax `industry-neutral` (priority 40, the lowest) first',
      '3 assets × max 0.80% (`tradability`) = 2.40% < 3.10% required by `industry-neutral` (row `industry:银行`)',
    ]);
  });

  for (const formulation of ['split', 'abs'] as const)
  it(`turnover plugin (${formulation}): the \`turnover\` sum row is blamed, not its defining rows`, async () => {
    const ctx: ConstraintContext = { ...bankMarket, tradability: { canBuy: new Uint8Array(6).fill(1), canSell: new Uint8Array(6).fill(1) }, previous: Float64Array.from([0.3, 0.3, 0.3, 0.1, 0, 0]) };
    const input = { context: ctx, objective: maxExposure('alpha'), constraints: [fullyInvested.with(), longOnly.with(), industryNeutral.with(), turnoverLimit.with({ limit: 0.5, side: 'two-way', formulation })] };
    const result = await solvePortfolio(input, { optimizer: testHighsOptimizer() });
    expect(result.status).toBe('infeasible');
    const report = result.infeasibility!;
    const violated = report.conflicts.filter((c) => c.violated);
    expect(violated.map((c) => c.group)).toEqual(['turnover-limit']);
    expect(violated[0]!.rows.map((r) => r.label)).toEqual(['turnover']);
    // 银行 must fall from 90% to 3.1% and 非银金融 rise from 10% to 96.9%: Σ|Δw| ≥ 2 × 86.9%.
    expect(violated[0]!.rows[0]!.achievable).toBeCloseTo(1.738, 7);
    // Declared relaxation: widen the `turnover` row only, by 0.5 then 1.5.
    const relaxed = await solvePortfolio(input, { optimizer: testHighsOptimizer(), relaxation: [{ group: 'turnover-limit', steps: [0.5, 1.5], rows: ['turnover'] }] });
    expect(relaxed.status).toBe('optimal');
    expect(relaxed.relaxations.map((r) => [r.step, r.to.upper])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('maxExposure under a tracking-error cap (plugin, factor form) matches the same cap stated with a dense Σ', async () => {
    const cap = 0.03;
    const input = { context, objective: maxExposure('alpha'), constraints: [fullyInvested.with(), longOnly.with(), trackingErrorCap.with({ cap })] };
    const viaPlugin = await solvePortfolio(input, { optimizer: testHighsOptimizer() });
    expect(viaPlugin.status).toBe('optimal');
    expect(viaPlugin.quadraticMethod).toBe('lagrangian');
    const Sigma = denseCovariance(X, F, D);
    expect(quadForm(Sigma, viaPlugin.weights, benchmark)).toBeLessThanOrEqual(cap * cap * (1 + 1e-8));
    expect(Math.sqrt(quadForm(Sigma, viaPlugin.weights, benchmark))).toBeCloseTo(cap, 6); // the cap binds

    // The same problem, written independently: dense ½wᵀ(2Σ)w − 2(Σb)ᵀw ≤ cap² − bᵀΣb.
    const p = new ProblemBuilder({ assets }, 'maximize');
    p.addLinearObjective(alpha);
    p.group('budget').addWeightRow([1, 1, 1, 1, 1], 1, 1);
    const lo = p.group('long');
    for (let i = 0; i < 5; i++) lo.bound(i, 0, Infinity);
    const rows: number[] = [];
    const cols: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < 5; i++) {
      for (let j = i; j < 5; j++) {
        rows.push(i);
        cols.push(j);
        values.push(2 * Sigma[i]![j]!);
      }
    }
    const Sb = matVec(Sigma, benchmark);
    p.group('te').addQuadraticConstraint({ rows, cols, values, linear: { index: [0, 1, 2, 3, 4], value: Sb.map((v) => -2 * v) }, upper: cap * cap - dot(benchmark, Sb) });
    const dense = await solvePortfolio(p.build(), { optimizer: testHighsOptimizer() });
    expect(viaPlugin.objective).toBeCloseTo(dense.objective, 8);
    expect(buildPortfolioProblem(input).quadraticConstraints).toHaveLength(1);
  });
});
