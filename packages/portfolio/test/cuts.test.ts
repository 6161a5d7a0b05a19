import { ProblemBuilder, quadraticRowValue } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { solvePortfolio, solveWithCuts } from '../src/index.js';
import { D, F, X, alpha, assets, benchmark } from './fixture.js';
import { denseCovariance, dot, matVec, quadForm, solveDense } from './helpers/dense.js';
import { testHighsOptimizer } from './helpers/highs.js';

const n = 5;
const Sigma = denseCovariance(X, F, D);
const te = 0.02; // 2% tracking error
const u = te * te;

/**
 * Closed form of max αᵀw s.t. Σw = 1, (w − b)ᵀΣ(w − b) ≤ u (no other binding constraint):
 * w = b + √u · Σ⁻¹ᾱ / √(ᾱᵀΣ⁻¹ᾱ) with ᾱ = α − μ1, μ = 1ᵀΣ⁻¹α / 1ᵀΣ⁻¹1.
 */
function closedForm(): { w: number[]; objective: number } {
  const Sa = solveDense(Sigma, alpha);
  const S1 = solveDense(Sigma, new Array<number>(n).fill(1));
  const mu = Sa.reduce((s, v) => s + v, 0) / S1.reduce((s, v) => s + v, 0);
  const abar = alpha.map((a) => a - mu);
  const Sab = solveDense(Sigma, abar);
  const scale = Math.sqrt(u / dot(abar, Sab));
  const w = benchmark.map((b, i) => b + scale * Sab[i]!);
  return { w, objective: dot(alpha, w) };
}

/** The TE cap as one dense quadratic row over w: ½wᵀ(2Σ)w − 2(Σb)ᵀw ≤ u − bᵀΣb. */
function denseProblem() {
  const p = new ProblemBuilder({ assets }, 'maximize');
  p.addLinearObjective(alpha);
  p.group('budget', 100).addWeightRow([1, 1, 1, 1, 1], 1, 1, 'budget');
  const box = p.group('box', 50);
  for (let i = 0; i < n; i++) box.bound(i, -1, 2);
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      rows.push(i);
      cols.push(j);
      values.push(2 * Sigma[i]![j]!);
    }
  }
  const Sb = matVec(Sigma, benchmark);
  p.group('tracking-error', 20).addQuadraticConstraint({
    rows,
    cols,
    values,
    linear: { index: [0, 1, 2, 3, 4], value: Sb.map((v) => -2 * v) },
    upper: u - dot(benchmark, Sb),
    label: 'TE² ≤ cap',
  });
  return p.build();
}

/** The same cap in factor form: y = Xᵀ(w − b); ½[wᵀ(2D)w + yᵀ(2F)y] − 2(Db)ᵀw ≤ u − bᵀDb. */
function factorProblem() {
  const p = new ProblemBuilder({ assets }, 'maximize');
  p.addLinearObjective(alpha);
  p.group('budget', 100).addWeightRow([1, 1, 1, 1, 1], 1, 1, 'budget');
  const box = p.group('box', 50);
  for (let i = 0; i < n; i++) box.bound(i, -1, 2);
  const y = p.addVariables('y', 2);
  const def = p.group('factor-exposure', Number.POSITIVE_INFINITY);
  for (let f = 0; f < 2; f++) {
    def.addRow({ index: [y.start + f, 0, 1, 2, 3, 4], value: [1, ...X.map((r) => -r[f]!)], lower: -dot(X.map((r) => r[f]!), benchmark), upper: -dot(X.map((r) => r[f]!), benchmark), label: `y${f}` });
  }
  p.group('tracking-error', 20).addQuadraticConstraint({
    rows: [0, 1, 2, 3, 4, 5, 5, 6],
    cols: [0, 1, 2, 3, 4, 5, 6, 6],
    values: [...D.map((d) => 2 * d), 2 * F[0]![0]!, 2 * F[0]![1]!, 2 * F[1]![1]!],
    linear: { index: [0, 1, 2, 3, 4], value: D.map((d, i) => -2 * d * benchmark[i]!) },
    upper: u - D.reduce((s, d, i) => s + d * benchmark[i]! * benchmark[i]!, 0),
    label: 'TE² ≤ cap',
  });
  return p.build();
}

describe('tracking-error cap by tangent cuts', () => {
  const reference = closedForm();

  it('the closed form is interior to the box, so the box does not bind (sanity of the reference)', () => {
    for (const w of reference.w) expect(w > -1 && w < 2).toBe(true);
    expect(quadForm(Sigma, reference.w, benchmark)).toBeCloseTo(u, 14);
  });

  for (const [name, make, method] of [
    ['dense Q over w, cuts', denseProblem, 'cuts'],
    ['factor form over (w, y), cuts', factorProblem, 'cuts'],
    ['dense Q over w, Lagrangian', denseProblem, 'lagrangian'],
    ['factor form over (w, y), Lagrangian', factorProblem, 'lagrangian'],
  ] as const) {
    it(`${name}: converges to the closed-form optimum with the cap satisfied to 1e-8 relative`, async () => {
      const problem = make();
      const result = await solvePortfolio(problem, { optimizer: testHighsOptimizer(), cuts: { tolerance: 1e-8, maxIterations: 500, method } });
      expect(result.status).toBe('optimal');
      expect(result.quadraticMethod).toBe(method);
      if (method === 'cuts') expect(result.cuts).toBeGreaterThan(0);
      const qc = problem.quadraticConstraints![0]!;
      expect((quadraticRowValue(qc, result.x) - qc.upper) / Math.abs(qc.upper)).toBeLessThanOrEqual(1e-8);
      // Independent check of the cap on the weights alone, densely.
      expect(quadForm(Sigma, result.weights, benchmark)).toBeLessThanOrEqual(u * (1 + 1e-7));
      expect(result.objective).toBeCloseTo(reference.objective, 8);
      for (let i = 0; i < n; i++) expect(result.weights[i]).toBeCloseTo(reference.w[i]!, 3);
      expect(result.diagnostics.messages.some((m) => m.startsWith(method === 'cuts' ? `cutting planes: ${result.cuts} cut(s)` : 'lagrangian: `TE² ≤ cap` handled with multiplier'))).toBe(true);
    });
  }

  it('reports iteration_limit (and keeps the last point) when the cut budget runs out', async () => {
    const optimizer = testHighsOptimizer();
    const result = await solveWithCuts(denseProblem(), optimizer, { maxIterations: 3, method: 'cuts' });
    expect(result.solution.status).toBe('iteration_limit');
    expect(result.iterations).toBe(3);
    // 3 cut-loop solves + 1 phase-one QP for the interior point (w = b, TE = 0).
    expect(optimizer.calls).toBe(4);
    expect(result.quadraticViolation).toBeGreaterThan(1e-8);
    expect(result.solution.diagnostics.messages.join('\n')).toMatch(/stopped after 3 solves/);
  });

  it('a cap too tight for a required exposure is diagnosed with TE² numbers', async () => {
    const p = new ProblemBuilder({ assets }, 'maximize');
    p.addLinearObjective(alpha);
    p.group('budget', 100).addWeightRow([1, 1, 1, 1, 1], 1, 1, 'budget');
    // Benchmark weight of 000001.SZ is 30%; require ≥ 40% there, with TE² ≤ 0.01·D₀ … impossible:
    // the least specific-only risk of moving 10% into one stock with a fully hedged remainder is > 0.
    p.group('min-holding', 50).addWeightRow([1, 0, 0, 0, 0], 0.4, Infinity, 'hold 000001.SZ');
    // Loose bounds (the cut loop needs the problem without its quadratic rows to be bounded).
    const box = p.group('box', 100);
    for (let i = 0; i < n; i++) box.bound(i, -1, 1);
    const q = p.group('tracking-error', 10);
    q.addQuadraticConstraint({ rows: [0, 1, 2, 3, 4], cols: [0, 1, 2, 3, 4], values: D.map((d) => 2 * d), linear: { index: [0, 1, 2, 3, 4], value: D.map((d, i) => -2 * d * benchmark[i]!) }, upper: 1e-5 - D.reduce((s, d, i) => s + d * benchmark[i]! ** 2, 0), label: 'specific TE² ≤ 1e-5' });
    const result = await solvePortfolio(p.build(), { optimizer: testHighsOptimizer() });
    expect(result.status).toBe('infeasible');
    const report = result.infeasibility!;
    const violated = report.conflicts.filter((c) => c.violated);
    expect(violated.map((c) => c.group)).toEqual(['tracking-error']);
    const row = violated[0]!.rows[0]!;
    expect(row.kind).toBe('quadratic');
    // Minimum of Σ D_i d_i² with d_0 = 0.1, Σ d_i = 0: d_i = −0.1·(1/D_i)/Σ_{j>0}(1/D_j) for i > 0.
    const inv = D.slice(1).map((d) => 1 / d);
    const sumInv = inv.reduce((s, v) => s + v, 0);
    const minTe2 = D[0]! * 0.01 + inv.reduce((s, v) => s + (0.1 * v / sumInv) ** 2 / v, 0);
    const shift = D.reduce((s, d, i) => s + d * benchmark[i]! ** 2, 0);
    expect(row.achievable + shift).toBeCloseTo(minTe2, 7);
    expect(row.bound + shift).toBeCloseTo(1e-5, 12);
    // Dropping the holding requirement resolves it; dropping the budget lowers the minimum
    // (no offsetting trades); the loose box plays no part.
    const others = Object.fromEntries(report.conflicts.filter((c) => !c.violated).map((c) => [c.group, c.resolves]));
    expect(others).toEqual({ budget: false, 'min-holding': true });
    // The explanation needs neither the budget nor the box: holding 40% of 000001.SZ against its
    // 30% benchmark weight costs at least D₀ · 0.1² of specific TE², the rest held at benchmark.
    expect(report.minimalConflicts.map((c) => c.groups)).toEqual([['tracking-error', 'min-holding']]);
    const reason = report.minimalConflicts[0]!.reasons[0]!;
    expect(reason).toMatchObject({ kind: 'range', quadratic: true, row: 'specific TE² ≤ 1e-5', side: 'upper', by: ['min-holding'] });
    if (reason.kind !== 'range') return;
    expect(reason.reachable + shift).toBeCloseTo(D[0]! * 0.1 ** 2, 9);
    expect(reason.required + shift).toBeCloseTo(1e-5, 12);
  });
});
