// The explanation of an infeasible problem must not depend on the optimizer: the same problems
// are solved with HiGHS and with ADMM, and both must name the same groups with the same numbers,
// numbers checked here against sums done by hand from the constraint parameters.
import { constituentShare, fullyInvested, industryNeutral, longOnly, maxWeight, stockDeviation, tradability, turnoverLimit } from '@factorkit/constraints';
import { type ConstraintContext, type ConstraintSpec, type OptimizerInstance, ProblemBuilder, type Problem } from '@factorkit/core';
import { admmOptimizer } from '@factorkit/optimizer-admm';
import { afterAll, describe, expect, it } from 'vitest';
import { type BoundsReason, type InfeasibilityReport, type RangeReason, buildPortfolioProblem, diagnoseInfeasibility, maxExposure, solvePortfolio } from '../src/index.js';
import { testHighsOptimizer } from './helpers/highs.js';

const highs = testHighsOptimizer();
const admm = await admmOptimizer.create(admmOptimizer.with().params);
const solvers: [string, OptimizerInstance][] = [
  ['highs', highs],
  ['admm', admm],
];
afterAll(async () => {
  await highs.dispose?.();
  await admm.dispose?.();
});

/** The report of `problem` from each solver, after checking both call it infeasible. */
async function reports(input: Problem | { context: ConstraintContext; constraints: ConstraintSpec<any>[] }): Promise<InfeasibilityReport[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const problem = 'numVariables' in input ? input : buildPortfolioProblem({ ...input, objective: maxExposure('alpha') });
  const out: InfeasibilityReport[] = [];
  for (const [name, optimizer] of solvers) {
    const result = await solvePortfolio(problem, { optimizer });
    expect(result.status, name).toBe('infeasible');
    if (result.status !== 'infeasible') throw new Error('unreachable');
    out.push(result.infeasibility);
  }
  // Same groups, same reasons, same words and numbers, whichever optimizer answered.
  expect(out[1]!.messages).toEqual(out[0]!.messages);
  expect(out[1]!.minimalConflicts.map((c) => c.groups)).toEqual(out[0]!.minimalConflicts.map((c) => c.groups));
  return out;
}

const five: ConstraintContext = {
  date: '2024-01-05',
  assets: ['600000.SH', '600036.SH', '601318.SH', '600519.SH', '000001.SZ'],
  benchmark: Float64Array.from([0.2, 0.2, 0.2, 0.2, 0.2]),
  exposures: { alpha: Float64Array.from([1, 2, 3, 4, 5]) },
  categories: {},
};

const bankMarket: ConstraintContext = {
  date: '2023-06-30',
  assets: ['601398.SH', '601939.SH', '601288.SH', '601318.SH', '600030.SH', '601628.SH'],
  // 银行 3.10% of the benchmark (three banks), 非银金融 96.90%.
  benchmark: Float64Array.from([0.012, 0.01, 0.009, 0.4, 0.35, 0.219]),
  previous: Float64Array.from([0.008, 0.008, 0.008, 0.4, 0.35, 0.216]),
  exposures: { alpha: Float64Array.from([0.5, 0.4, 0.3, 0.2, 0.1, 0]) },
  categories: { industry: { codes: Int32Array.from([0, 0, 0, 1, 1, 1]), levels: ['银行', '非银金融'] } },
  // The banks are limit-up: they can be sold, not bought.
  tradability: { canBuy: Uint8Array.from([0, 0, 0, 1, 1, 1]), canSell: Uint8Array.from([1, 1, 1, 1, 1, 1]) },
};

describe('minimal conflicts: the same explanation from HiGHS and ADMM', () => {
  it('max-weight × fully-invested: 5 assets capped at 10% cannot hold 100%', async () => {
    const all = await reports({ context: five, constraints: [fullyInvested.with(), longOnly.with(), maxWeight.with({ cap: 0.1 })] });
    for (const report of all) {
      expect(report.minimalConflicts).toHaveLength(1);
      const conflict = report.minimalConflicts[0]!;
      // Long-only plays no part: without it the caps still allow 50% at most.
      expect(conflict.groups).toEqual(['max-weight', 'fully-invested']);
      expect(conflict.relax).toEqual(['max-weight']);
      expect(conflict.reasons).toHaveLength(1);
      const reason = conflict.reasons[0] as BoundsReason;
      expect(reason).toMatchObject({ kind: 'bounds', row: 'budget', group: 'fully-invested', side: 'lower', required: 1, by: ['max-weight'], percent: true });
      expect(reason.reachable).toBeCloseTo(5 * 0.1, 12);
      expect(reason.terms).toEqual([{ group: 'max-weight', bound: 'upper', coefficient: 1, count: 5, weights: true, sum: reason.reachable, each: 0.1 }]);
      expect(report.messages).toEqual([
        'infeasible: `max-weight` × `fully-invested` cannot both hold; relax `max-weight` (priority 50, the lowest) first',
        '5 assets × max 10.00% (`max-weight`) = 50.00% < 100.00% required by `fully-invested` (row `budget`)',
      ]);
    }
  });

  it('industry-neutral × tradability: limit-up banks held at 0.8% each cannot reach their 3.1%', async () => {
    const all = await reports({ context: bankMarket, constraints: [fullyInvested.with(), longOnly.with(), tradability.with(), industryNeutral.with()] });
    for (const report of all) {
      const conflict = report.minimalConflicts[0]!;
      // The budget is not needed: the bank row alone cannot be met under the "cannot buy" caps.
      expect(conflict.groups).toEqual(['industry-neutral', 'tradability']);
      const reason = conflict.reasons[0] as BoundsReason;
      expect(reason.row).toBe('industry:银行');
      expect(reason.required).toBeCloseTo(0.012 + 0.01 + 0.009, 12);
      expect(reason.reachable).toBeCloseTo(3 * 0.008, 12);
      expect(report.messages[1]).toBe('3 assets × max 0.80% (`tradability`) = 2.40% < 3.10% required by `industry-neutral` (row `industry:银行`)');
    }
  });

  it('stock-deviation × constituent-share: members within ±2% of a benchmark share of 80% cannot make 90%', async () => {
    // Three benchmark members in the universe (30%, 30%, 20%: the other 20% of the index is not
    // investable), two non-members capped at 10% each by `nonMemberMax`.
    const context: ConstraintContext = {
      ...five,
      benchmark: Float64Array.from([0.3, 0.3, 0.2, 0, 0]),
    };
    const all = await reports({ context, constraints: [fullyInvested.with(), stockDeviation.with({ limit: 0.02, nonMemberMax: 0.1 }), constituentShare.with({ min: 0.9 })] });
    for (const report of all) {
      expect(report.minimalConflicts).toHaveLength(1);
      const conflict = report.minimalConflicts[0]!;
      // Fully invested is fine on its own: 32% + 32% + 22% + 10% + 10% = 106% ≥ 100%.
      expect(conflict.groups).toEqual(['stock-deviation', 'constituent-share']);
      const reason = conflict.reasons[0] as BoundsReason;
      expect(reason.reachable).toBeCloseTo(0.32 + 0.32 + 0.22, 12);
      expect(reason.required).toBe(0.9);
      expect(report.messages[1]).toBe('3 assets with caps summing to 86.00% (`stock-deviation`) < 90.00% required by `constituent-share` (row `constituent-share`)');
    }
  });

  for (const formulation of ['split', 'abs'] as const) {
    it(`turnover-limit × industry-neutral (${formulation}): the least turnover neutrality needs, from one LP`, async () => {
      const context: ConstraintContext = { ...bankMarket, tradability: { canBuy: new Uint8Array(6).fill(1), canSell: new Uint8Array(6).fill(1) }, previous: Float64Array.from([0.3, 0.3, 0.3, 0.1, 0, 0]) };
      const all = await reports({ context, constraints: [fullyInvested.with(), longOnly.with(), industryNeutral.with(), turnoverLimit.with({ limit: 0.5, side: 'two-way', formulation })] });
      for (const report of all) {
        const conflict = report.minimalConflicts[0]!;
        expect(conflict.groups).toEqual(['turnover-limit', 'industry-neutral']);
        const reason = conflict.reasons[0] as RangeReason;
        expect(reason).toMatchObject({ kind: 'range', row: 'turnover', group: 'turnover-limit', side: 'upper', required: 0.5, by: ['industry-neutral'] });
        // 银行 must fall from 90% to 3.1% and 非银金融 rise from 10% to 96.9%: Σ|Δw| ≥ 86.9% + 86.9%.
        expect(reason.reachable).toBeCloseTo(2 * (0.9 - 0.031), 6);
        // The trade rows that define the buys and sells belong to the turnover group and take part.
        expect(reason.ownRows).toBe(true);
        expect(report.messages[1]).toBe('row `turnover` (`turnover-limit`) needs ≤ 50.00%, but `industry-neutral` and the other rows of `turnover-limit` force at least 173.80%');
      }
    });
  }

  it('crossed bounds: a stock that cannot be sold below 15% under a 10% cap', async () => {
    const context: ConstraintContext = {
      ...five,
      previous: Float64Array.from([0.15, 0.25, 0.2, 0.2, 0.2]),
      tradability: { canBuy: new Uint8Array(5).fill(1), canSell: Uint8Array.from([0, 1, 1, 1, 1]) },
    };
    const all = await reports({ context, constraints: [longOnly.with(), tradability.with(), maxWeight.with({ cap: 0.1 })] });
    for (const report of all) {
      const conflict = report.minimalConflicts[0]!;
      expect(conflict.groups).toEqual(['max-weight', 'tradability']);
      expect(conflict.reasons).toEqual([{ kind: 'crossed-bounds', variable: 'weight of `600000.SH`', lower: 0.15, lowerGroup: 'tradability', upper: 0.1, upperGroup: 'max-weight', percent: true }]);
      expect(report.messages[1]).toBe('weight of `600000.SH` needs ≥ 15.00% (`tradability`) and ≤ 10.00% (`max-weight`)');
    }
  });

  it('finds independent conflicts one after another', async () => {
    // Assets 0–1 must hold 100% under 30% caps; assets 2–3 must hold 80% under 20% caps.
    const p = new ProblemBuilder({ assets: ['A', 'B', 'C', 'D'] }, 'maximize');
    p.addLinearObjective([1, 1, 1, 1]);
    p.group('budget-ab', 100).addWeightRow([1, 1, 0, 0], 1, 1, 'A + B');
    p.group('floor-cd', 60).addWeightRow([0, 0, 1, 1], 0.8, Infinity, 'C + D');
    const capsAB = p.group('caps-ab', 30);
    const capsCD = p.group('caps-cd', 20);
    for (const i of [0, 1]) capsAB.bound(i, 0, 0.3);
    for (const i of [2, 3]) capsCD.bound(i, 0, 0.2);
    const all = await reports(p.build());
    for (const report of all) {
      expect(report.minimalConflicts.map((c) => c.groups)).toEqual([
        ['caps-cd', 'floor-cd'],
        ['caps-ab', 'budget-ab'],
      ]);
      expect(report.messages).toEqual([
        'infeasible: `caps-cd` × `floor-cd` cannot both hold; relax `caps-cd` (priority 20, the lowest) first',
        '2 assets × max 20.00% (`caps-cd`) = 40.00% < 80.00% required by `floor-cd` (row `C + D`)',
        'also infeasible: `caps-ab` × `budget-ab` cannot both hold; relax `caps-ab` (priority 30, the lowest) first',
        '2 assets × max 30.00% (`caps-ab`) = 60.00% < 100.00% required by `budget-ab` (row `A + B`)',
      ]);
    }
  });

  it('diagnoseInfeasibility alone gives the same explanation, and every number comes from the rows', async () => {
    const problem = buildPortfolioProblem({ context: five, objective: maxExposure('alpha'), constraints: [fullyInvested.with(), maxWeight.with({ cap: 0.15 })] });
    const report = await diagnoseInfeasibility(problem, highs);
    // 5 × 15% = 75%: short of 100% by 25%.
    expect(report.messages[1]).toBe('5 assets × max 15.00% (`max-weight`) = 75.00% < 100.00% required by `fully-invested` (row `budget`)');
  });
});
