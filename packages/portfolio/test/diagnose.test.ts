import { FactorkitError, type OptimizerInstance, type Problem, ProblemBuilder, type Solution } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { type BoundsReason, type InfeasibilityReport, type PortfolioInfeasible, type PortfolioResult, type RangeReason, requireOptimal, solvePortfolio } from '../src/index.js';
import { testHighsOptimizer } from './helpers/highs.js';

const assets = ['600000.SH', '600036.SH', '601318.SH', '601628.SH'];

/** An industry (银行 = first two stocks, benchmark 60%) whose members' caps (25% each) allow only 50%. */
function industryProblem(): Problem {
  const p = new ProblemBuilder({ assets }, 'maximize');
  p.addLinearObjective([0.1, 0.2, 0.3, 0.4]);
  p.group('budget', 100).addWeightRow([1, 1, 1, 1], 1, 1, 'budget');
  const longOnly = p.group('long-only', 100);
  const caps = p.group('stock-bounds', 50);
  for (let i = 0; i < 4; i++) {
    longOnly.bound(i, 0, Infinity);
    caps.bound(i, -Infinity, 0.25);
  }
  const ind = p.group('industry', 10);
  ind.addWeightRow([1, 1, 0, 0], 0.6, 0.6, 'industry:银行');
  ind.addWeightRow([0, 0, 1, 1], 0.4, 0.4, 'industry:非银金融');
  return p.build();
}

/** Holding only 银行 (previous weights), neutrality needs 50% in 非银金融: two-way turnover ≥ 100% > cap 60%. */
function turnoverProblem(cap = 0.6): Problem {
  const previous = [0.5, 0.5, 0, 0];
  const p = new ProblemBuilder({ assets }, 'maximize');
  p.addLinearObjective([0.4, 0.3, 0.2, 0.1]);
  p.group('budget', 100).addWeightRow([1, 1, 1, 1], 1, 1, 'budget');
  const longOnly = p.group('long-only', 100);
  for (let i = 0; i < 4; i++) longOnly.bound(i, 0, 1);
  const ind = p.group('industry', 10);
  ind.addWeightRow([0, 0, 1, 1], 0.5, 0.5, 'industry:非银金融');
  const t = p.addVariables('turnover', 4, { lower: 0 });
  const to = p.group('turnover', 5);
  to.addRow({ index: [4, 5, 6, 7], value: [1, 1, 1, 1], upper: cap, label: 'turnover ≤ cap' });
  for (let i = 0; i < 4; i++) {
    to.addRow({ index: [i, t.start + i], value: [1, -1], upper: previous[i]!, label: `turnover+ ${assets[i]}` });
    to.addRow({ index: [i, t.start + i], value: [-1, -1], upper: -previous[i]!, label: `turnover- ${assets[i]}` });
  }
  return p.build();
}

/** Size band [0.5, 1] while no long-only fully-invested portfolio reaches more than 0.3. */
function styleProblem(): Problem {
  const p = new ProblemBuilder({ assets }, 'maximize');
  p.addLinearObjective([1, 1, 1, 1]);
  p.group('budget', 100).addWeightRow([1, 1, 1, 1], 1, 1, 'budget');
  const longOnly = p.group('long-only', 100);
  for (let i = 0; i < 4; i++) longOnly.bound(i, 0, 1);
  p.group('style', 10).addWeightRow([0.3, 0.1, -0.2, -0.4], 0.5, 1, 'style:size');
  return p.build();
}

async function infeasibility(problem: Problem, options: { diagnose?: { maxSolves?: number; elastic?: boolean } } = {}): Promise<{ result: PortfolioInfeasible; report: InfeasibilityReport }> {
  const result = await solvePortfolio(problem, { optimizer: testHighsOptimizer(), ...options });
  expect(result.status).toBe('infeasible');
  if (result.status !== 'infeasible') throw new Error('expected an infeasible result');
  return { result, report: result.infeasibility };
}

describe('infeasibility diagnostics', () => {
  it('industry needing more than its members’ caps allow: reports the industry rows with hand-computed numbers', async () => {
    const { result, report } = await infeasibility(industryProblem());
    // Lowest priority (industry, 10) gives way. 银行 can reach at most 2 × 25% = 50% < 60%;
    // then the budget forces 非银金融 to 100% − 50% = 50% > 40%.
    const violated = report.conflicts.filter((c) => c.violated);
    expect(violated.map((c) => c.group)).toEqual(['industry']);
    const rows = violated[0]!.rows;
    expect(rows).toHaveLength(2);
    const bank = rows.find((r) => r.label === 'industry:银行')!;
    expect(bank.side).toBe('lower');
    expect(bank.bound).toBeCloseTo(0.6, 9);
    expect(bank.achievable).toBeCloseTo(0.5, 7);
    expect(bank.slack).toBeCloseTo(0.1, 7);
    const other = rows.find((r) => r.label === 'industry:非银金融')!;
    expect(other.side).toBe('upper');
    expect(other.achievable).toBeCloseTo(0.5, 7);
    // Dropping the caps makes it feasible; dropping the budget only halves the slack; long-only is irrelevant.
    const conflicting = report.conflicts.filter((c) => !c.violated);
    expect(conflicting.map((c) => c.group).sort()).toEqual(['budget', 'stock-bounds']);
    expect(conflicting.find((c) => c.group === 'stock-bounds')!.resolves).toBe(true);
    expect(conflicting.find((c) => c.group === 'budget')!.resolves).toBe(false);
    // The explanation: the 银行 row against the caps alone (the budget is not needed for that).
    expect(report.minimalConflicts.map((c) => c.groups)).toEqual([['industry', 'stock-bounds']]);
    const reason = report.minimalConflicts[0]!.reasons[0] as BoundsReason;
    expect(reason).toMatchObject({ kind: 'bounds', row: 'industry:银行', side: 'lower', required: 0.6, reachable: 0.5 });
    expect(report.messages).toEqual([
      'infeasible: `industry` × `stock-bounds` cannot both hold; relax `industry` (priority 10, the lowest) first',
      '2 assets × max 25.00% (`stock-bounds`) = 50.00% < 60.00% required by `industry` (row `industry:银行`)',
    ]);
    // Callers that need weights get the same lines as an error.
    const error = (() => {
      try {
        requireOptimal(result);
      } catch (e) {
        return e as FactorkitError;
      }
      throw new Error('requireOptimal returned');
    })();
    expect(error).toBeInstanceOf(FactorkitError);
    expect(error.code).toBe('FK_INFEASIBLE');
    expect(error.message).toBe(report.messages.join('\n'));
    expect(report.complete).toBe(true);
  });

  it('turnover limit too tight for the neutrality change: the cap row is the one to relax, by 40%', async () => {
    const { report } = await infeasibility(turnoverProblem());
    const violated = report.conflicts.filter((c) => c.violated);
    expect(violated.map((c) => c.group)).toEqual(['turnover']);
    expect(violated[0]!.rows).toHaveLength(1);
    const row = violated[0]!.rows[0]!;
    expect(row.label).toBe('turnover ≤ cap');
    expect(row.side).toBe('upper');
    expect(row.bound).toBeCloseTo(0.6, 12);
    // Moving 50% out of 银行 into 非银金融: |Δw| sums to 100%.
    expect(row.achievable).toBeCloseTo(1.0, 7);
    expect(row.slack).toBeCloseTo(0.4, 7);
    // Without the neutrality row nothing needs to move; without the budget, buying 50% of
    // 非银金融 on top of the old holdings costs only 50% turnover. Either drop alone resolves it.
    const others = Object.fromEntries(report.conflicts.filter((c) => !c.violated).map((c) => [c.group, c.resolves]));
    expect(others).toEqual({ budget: true, industry: true });
    // Long-only takes no part: turnover is Σ|Δw| ≥ |Δ(w₀ + w₁)| + |Δ(w₂ + w₃)| = 50% + 50% whatever the signs.
    expect(report.minimalConflicts.map((c) => c.groups)).toEqual([['turnover', 'industry', 'budget']]);
    const reason = report.minimalConflicts[0]!.reasons[0] as RangeReason;
    expect(reason).toMatchObject({ kind: 'range', row: 'turnover ≤ cap', side: 'upper', required: 0.6, by: ['industry', 'budget'] });
    expect(reason.reachable).toBeCloseTo(1.0, 7);
    expect(report.messages[1]).toBe('row `turnover ≤ cap` (`turnover`) needs ≤ 60.00%, but `industry`, `budget` and the other rows of `turnover` force at least 100.00%');
  });

  it('contradictory style band: size needs ≥ 0.5, long-only fully invested reaches 0.3', async () => {
    const { report } = await infeasibility(styleProblem());
    const violated = report.conflicts.filter((c) => c.violated);
    expect(violated.map((c) => c.group)).toEqual(['style']);
    const row = violated[0]!.rows[0]!;
    expect(row.percent).toBe(false);
    expect(row.bound).toBe(0.5);
    expect(row.achievable).toBeCloseTo(0.3, 7);
    expect(row.slack).toBeCloseTo(0.2, 7);
    // Without long-only, shorting the −0.4 stock reaches any exposure; without the budget, 0.3 + 0.1 = 0.4.
    const others = Object.fromEntries(report.conflicts.filter((c) => !c.violated).map((c) => [c.group, c.resolves]));
    expect(others).toEqual({ 'long-only': true, budget: false });
    // The explanation needs only long-only: 0.3·1 + 0.1·1 − 0.2·0 − 0.4·0 = 0.4 < 0.5, budget or not.
    expect(report.minimalConflicts.map((c) => c.groups)).toEqual([['style', 'long-only']]);
    const reason = report.minimalConflicts[0]!.reasons[0] as BoundsReason;
    expect(reason.reachable).toBeCloseTo(0.4, 12);
    expect(reason.percent).toBe(false);
    expect(report.messages[1]).toBe('row `style:size` (`style`) needs ≥ 0.5, but within the bounds of `long-only` it reaches at most 0.4 (Σ coefficient × bound over 4 variables)');
  });

  it('bounds are relaxed per side when their group has the lowest priority', async () => {
    const p = new ProblemBuilder({ assets }, 'maximize');
    p.addLinearObjective([1, 0, 0, 0]);
    p.group('budget', 100).addWeightRow([1, 1, 1, 1], 1, 1, 'budget');
    const caps = p.group('stock-bounds', 1);
    for (let i = 0; i < 4; i++) caps.bound(i, 0, 0.2);
    const { report } = await infeasibility(p.build());
    const violated = report.conflicts.filter((c) => c.violated);
    expect(violated.map((c) => c.group)).toEqual(['stock-bounds']);
    // 4 × 20% = 80%: 20% must go over the caps somewhere.
    const total = violated[0]!.rows.reduce((s, r) => s + r.slack, 0);
    expect(total).toBeCloseTo(0.2, 7);
    expect(violated[0]!.rows.every((r) => r.kind === 'bound' && r.side === 'upper' && r.label.startsWith('bound on weight of `60'))).toBe(true);
    expect(report.messages[1]).toBe('4 assets × max 20.00% (`stock-bounds`) = 80.00% < 100.00% required by `budget` (row `budget`)');
  });

  it('limits the drop-one search by maxSolves and says so', async () => {
    const { report } = await infeasibility(industryProblem(), { diagnose: { maxSolves: 1 } });
    expect(report.complete).toBe(false);
    expect(report.messages.at(-1)).toContain('drop-one search stopped after 1 groups');
  });

  it('without the elastic view: the same explanation, no elastic conflicts, fewer solves', async () => {
    for (const make of [industryProblem, turnoverProblem, styleProblem]) {
      const full = (await infeasibility(make())).report;
      const { report } = await infeasibility(make(), { diagnose: { elastic: false } });
      expect(report.minimalConflicts).toEqual(full.minimalConflicts);
      expect(report.messages).toEqual(full.messages.filter((m) => !m.startsWith('drop-one search stopped')));
      expect(full.conflicts.length).toBeGreaterThan(0);
      expect(report.conflicts).toEqual([]);
      expect(report.elasticObjective).toBeNaN();
      expect(report.solves).toBeLessThan(full.solves);
      expect(report.complete).toBe(true);
    }
  });
});

describe('declared relaxation order', () => {
  it('loosens turnover step by step until feasible and reports each step', async () => {
    const result = await solvePortfolio(turnoverProblem(), {
      optimizer: testHighsOptimizer(),
      relaxation: [{ group: 'turnover', steps: [0.2, 0.4, 0.6], rows: ['turnover ≤ cap'] }],
    });
    expect(result.status).toBe('optimal');
    // 0.6 + 0.2 = 0.8 is still short of the 1.0 needed; 0.6 + 0.4 = 1.0 is enough.
    expect(result.relaxations.map((r) => [r.group, r.step])).toEqual([
      ['turnover', 1],
      ['turnover', 2],
    ]);
    expect(result.relaxations[0]!.from.upper).toBeCloseTo(0.6, 12);
    expect(result.relaxations[0]!.to.upper).toBeCloseTo(0.8, 12);
    expect(result.relaxations[1]!.from.upper).toBeCloseTo(0.8, 12);
    expect(result.relaxations[1]!.to.upper).toBeCloseTo(1.0, 12);
    expect(result.relaxations[1]!.rows).toHaveLength(1);
    expect(result.diagnostics.messages.some((m) => m.startsWith('relaxed `turnover` (step 2, widen by 0.4)'))).toBe(true);
    expect(result.infeasibility?.conflicts.find((c) => c.violated)?.group).toBe('turnover');
    expect(result.diagnostics['infeasibility']).toBe(result.infeasibility);
    // The weights are the relaxed problem's optimum: 非银金融 at 50%, turnover exactly 100%.
    expect(result.weights[2]! + result.weights[3]!).toBeCloseTo(0.5, 7);
    expect(result.problem.rowUpper[result.problem.groups[3]!.rowStart]).toBeCloseTo(1.0, 12);
  });

  it('follows the declared order across groups: the first group is exhausted before the second is touched', async () => {
    const result = await solvePortfolio(turnoverProblem(), {
      optimizer: testHighsOptimizer(),
      relaxation: [
        { group: 'industry', steps: [0.1] },
        { group: 'turnover', factor: 1.5, rows: ['turnover ≤ cap'] },
      ],
    });
    expect(result.status).toBe('optimal');
    // industry ±0.1 → 非银金融 ≥ 40% needs turnover 80% > 60%: still infeasible. Then turnover 0.6 × 1.5 = 0.9 ≥ 0.8.
    expect(result.relaxations.map((r) => `${r.group}:${r.step}`)).toEqual(['industry:1', 'turnover:1']);
    expect(result.relaxations[0]!.to).toEqual({ lower: 0.4, upper: 0.6 });
    expect(result.relaxations[1]!.to.upper).toBeCloseTo(0.9, 12);
    expect(result.weights[2]! + result.weights[3]!).toBeCloseTo(0.4, 7);
  });

  it('returns an infeasible result with every step listed when the declared steps are not enough', async () => {
    const result = await solvePortfolio(turnoverProblem(), { optimizer: testHighsOptimizer(), relaxation: [{ group: 'turnover', steps: [0.1], rows: ['turnover ≤ cap'] }] });
    expect(result.status).toBe('infeasible');
    if (result.status !== 'infeasible') return;
    expect(result.relaxations).toHaveLength(1);
    expect(result.diagnostics.messages).toContain('still infeasible after every declared relaxation step:');
    // The report is the most relaxed problem's: after the step the cap is 70%, 30% short of 100%.
    expect(result.infeasibility.conflicts[0]!.rows[0]!.slack).toBeCloseTo(0.3, 7);
    expect(result.infeasibility.messages[1]).toBe('row `turnover ≤ cap` (`turnover`) needs ≤ 70.00%, but `industry`, `budget` and the other rows of `turnover` force at least 100.00%');
    expect(Array.from(result.weights).every(Number.isNaN)).toBe(true);
    expect(() => requireOptimal(result)).toThrow(/still infeasible after every declared relaxation step:\ninfeasible: `turnover` × `industry` × `budget`[\s\S]*relaxed `turnover` \(step 1, widen by 0\.1\)/);
  });

  it('rejects unknown groups, rows and bad steps up front, naming the entry', async () => {
    const optimizer = testHighsOptimizer();
    await expect(solvePortfolio(turnoverProblem(), { optimizer, relaxation: [{ group: 'nope', steps: [0.1] }] })).rejects.toThrow(/relaxation\[0\]\.group: no constraint group `"nope"`/);
    await expect(solvePortfolio(turnoverProblem(), { optimizer, relaxation: [{ group: 'turnover', steps: [0.2, 0.1] }] })).rejects.toThrow(/relaxation\[0\]\.steps\[1\]/);
    await expect(solvePortfolio(turnoverProblem(), { optimizer, relaxation: [{ group: 'turnover', factor: 0.5 }] })).rejects.toThrow(/relaxation\[0\]\.factor/);
    await expect(solvePortfolio(turnoverProblem(), { optimizer, relaxation: [{ group: 'turnover', steps: [1], rows: ['cap'] }] })).rejects.toThrow(/relaxation\[0\]\.rows\[0\]: group `turnover` has no row labelled/);
    expect(optimizer.calls).toBe(0);
  });
});

describe('no silent fallback', () => {
  function fake(status: Solution['status']): OptimizerInstance {
    return {
      id: 'fake',
      solve(problem) {
        const x = Float64Array.from({ length: problem.numVariables }, (_, i) => i + 0.5);
        return Promise.resolve({ status, x, weights: x.subarray(0, problem.numWeights), objective: Number.NaN, primalResidual: Number.NaN, groups: [], diagnostics: { solver: 'fake', timeMs: 0, messages: ['fake says so'] } });
      },
    };
  }
  for (const status of ['numerical_error', 'iteration_limit', 'time_limit'] as const) {
    it(`returns status \`${status}\` as it is, with the solver's own x`, async () => {
      const result: PortfolioResult = await solvePortfolio(styleProblem(), { optimizer: fake(status), relaxation: [{ group: 'style', steps: [1] }] });
      expect(result.status).toBe(status);
      expect(Array.from(result.weights)).toEqual([0.5, 1.5, 2.5, 3.5]);
      expect(result.relaxations).toEqual([]);
      expect(result.diagnostics.messages).toContain('fake says so');
      expect(() => requireOptimal(result)).toThrow(expect.objectContaining({ code: 'FK_NOT_SOLVED' }));
    });
  }
});
