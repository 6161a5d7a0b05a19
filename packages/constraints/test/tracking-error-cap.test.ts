import { type ConstraintContext, type RiskModelView, quadraticRowValue } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { trackingErrorCap } from '../src/index.js';
import { arr, buildProblem, expectClose, residual, rowsOf, thrown } from './helpers.js';

// Five assets, two factors. Σ = X F Xᵀ + D is formed densely below, only in the test.
const X = [
  [1.0, 0.5],
  [0.8, -0.3],
  [1.2, 0.0],
  [0.9, 1.1],
  [1.1, -0.7],
];
const F = [
  [0.04, 0.006],
  [0.006, 0.01],
];
const D = [0.02, 0.03, 0, 0.05, 0.04];
const b = [0.3, 0.25, 0.2, 0.15, 0.1];

const risk: RiskModelView = {
  factors: ['market', 'size'],
  exposures: Float64Array.from(X.flat()),
  covariance: Float64Array.from(F.flat()),
  specificVariance: Float64Array.from(D),
};

function context(overrides: Partial<ConstraintContext> = {}): ConstraintContext {
  return { date: '2024-01-05', assets: ['A', 'B', 'C', 'D', 'E'], benchmark: Float64Array.from(b), exposures: {}, categories: {}, risk, ...overrides };
}

/** (w − b)ᵀ Σ (w − b) with a dense Σ = X F Xᵀ + diag(D). */
function denseActiveVariance(w: readonly number[]): number {
  const n = w.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let sigma = i === j ? D[i]! : 0;
      for (let f = 0; f < 2; f++) for (let g = 0; g < 2; g++) sigma += X[i]![f]! * F[f]![g]! * X[j]![g]!;
      total += (w[i]! - b[i]!) * sigma * (w[j]! - b[j]!);
    }
  }
  return total;
}

/** [w, y] with y = Xᵀ(w − b). */
function withFactors(w: readonly number[]): number[] {
  const y = [0, 1].map((f) => w.reduce((s, wi, i) => s + X[i]![f]! * (wi - b[i]!), 0));
  return [...w, ...y];
}

/** A small deterministic generator (LCG) for random weight vectors. */
function randomWeights(seed: number): number[] {
  let s = seed;
  const next = (): number => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
  const raw = b.map(() => next());
  const sum = raw.reduce((a, v) => a + v, 0);
  return raw.map((v) => v / sum);
}

describe('trackingErrorCap', () => {
  it('adds y = Xᵀ(w − b) as a free block with one equality row per factor', () => {
    const problem = buildProblem(context(), [trackingErrorCap.with()]);
    expect(problem.blocks).toEqual([
      { name: 'w', start: 0, count: 5 },
      { name: 'tracking-error-cap:y', start: 5, count: 2 },
    ]);
    expect(arr(problem.lower.subarray(5))).toEqual([-Infinity, -Infinity]);
    const rows = rowsOf(problem);
    // bᵀX[:,market] = 0.3 + 0.2 + 0.24 + 0.135 + 0.11 = 0.985; bᵀX[:,size] = 0.15 − 0.075 + 0 + 0.165 − 0.07 = 0.17 (by hand)
    expect(rows.map((r) => r.label)).toEqual(['te:y:market', 'te:y:size']);
    expect(rows[0]!.index).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rows[0]!.value).toEqual([-1, -0.8, -1.2, -0.9, -1.1, 1]);
    expect(rows[0]!.lower).toBeCloseTo(-0.985, 15);
    expect(rows[0]!.upper).toBe(rows[0]!.lower);
    expect(rows[1]!.index).toEqual([0, 1, 3, 4, 6]); // C has no size exposure
    expect(rows[1]!.value).toEqual([-0.5, 0.3, -1.1, 0.7, 1]);
    expect(rows[1]!.lower).toBeCloseTo(-0.17, 15);
  });

  it('one quadratic row: Q = 2·blockdiag(D, F), q = −2·D·b, u = cap² − bᵀDb (sparse: no n × n block)', () => {
    const problem = buildProblem(context(), [trackingErrorCap.with({ cap: 0.05 })]);
    const rows = problem.quadraticConstraints!;
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.label).toBe('tracking-error');
    expect(row.group).toBe(0);
    // Upper-triangle CSC, 7 × 7: D on the diagonal of w (C's zero dropped), F on the y block.
    expect(arr(row.Q.start)).toEqual([0, 1, 2, 2, 3, 4, 5, 7]);
    expect(arr(row.Q.index)).toEqual([0, 1, 3, 4, 5, 5, 6]);
    expectClose(row.Q.value, [0.04, 0.06, 0.1, 0.08, 0.08, 0.012, 0.02], 15);
    expectClose(row.q, [-0.012, -0.015, 0, -0.015, -0.008, 0, 0], 15);
    // bᵀDb = 0.02·0.09 + 0.03·0.0625 + 0.05·0.0225 + 0.04·0.01 = 0.0052; u = 0.0025 − 0.0052
    expect(row.upper).toBeCloseTo(-0.0027, 15);
  });

  it('algebra: for random w, row value − upper = (w − b)ᵀΣ(w − b) − cap²/periodsPerYear (dense Σ)', () => {
    for (const periodsPerYear of [1, 252]) {
      const cap = 0.04;
      const row = buildProblem(context(), [trackingErrorCap.with({ cap, periodsPerYear })]).quadraticConstraints![0]!;
      for (let seed = 1; seed <= 20; seed++) {
        const w = randomWeights(seed);
        const lhs = quadraticRowValue(row, withFactors(w)) - row.upper;
        const rhs = denseActiveVariance(w) - (cap * cap) / periodsPerYear;
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-14);
      }
      // And the brief's form: row value = TE² − cap² + upper, with cap² per period.
      const w = randomWeights(99);
      expect(quadraticRowValue(row, withFactors(w))).toBeCloseTo(denseActiveVariance(w) - (cap * cap) / periodsPerYear + row.upper, 14);
    }
  });

  it('residuals: a low-TE portfolio is feasible; an all-in-E portfolio violates `tracking-error` by TE² − cap²', () => {
    const problem = buildProblem(context(), [trackingErrorCap.with({ cap: 0.05 })]);
    const near = [0.31, 0.24, 0.2, 0.15, 0.1];
    expect(Math.sqrt(denseActiveVariance(near))).toBeLessThan(0.05);
    expect(residual(problem, withFactors(near), 'tracking-error-cap').maxViolation).toBeLessThan(1e-15);
    const allE = [0, 0, 0, 0, 1];
    const te2 = denseActiveVariance(allE);
    expect(te2).toBeGreaterThan(0.0025);
    const r = residual(problem, withFactors(allE), 'tracking-error-cap');
    expect(r.maxViolation).toBeCloseTo(te2 - 0.0025, 14);
    expect(r.worst).toBe('tracking-error');
    // y inconsistent with w is reported at its defining row.
    const x = withFactors(near);
    x[6] = x[6]! + 0.5;
    const wrongY = residual(problem, x, 'tracking-error-cap');
    expect(wrongY.worst).toBe('te:y:size');
  });

  it('without a risk model: an error naming the constraint', () => {
    const { risk: _, ...rest } = context();
    const error = thrown(() => buildProblem(rest, [trackingErrorCap.with()]));
    expect(error.code).toBe('FK_MISSING_INPUT');
    expect(error.message).toBe(
      'constraint `tracking-error-cap` needs a risk model (`context.risk`: exposures, factor covariance, specific variances), but the context has none',
    );
  });

  it('rejects a malformed risk model', () => {
    const bad = (patch: Partial<RiskModelView>): string =>
      thrown(() => buildProblem(context({ risk: { ...risk, ...patch } }), [trackingErrorCap.with()])).message;
    expect(bad({ exposures: new Float64Array(9) })).toBe(
      'constraint `tracking-error-cap`: risk model exposures have 9 entries, expected assets × factors = 5 × 2',
    );
    expect(bad({ covariance: Float64Array.from([0.04, 0.006, 0.007, 0.01]) })).toBe(
      'constraint `tracking-error-cap`: risk model covariance is not symmetric at (`market`, `size`): 0.006 vs 0.007',
    );
    expect(bad({ specificVariance: Float64Array.from([0.02, -0.01, 0, 0.05, 0.04]) })).toBe(
      'constraint `tracking-error-cap`: risk model specificVariance of asset 1 is -0.01; expected finite and ≥ 0',
    );
    expect(bad({ exposures: Float64Array.from([1, 0.5, 0.8, NaN, 1.2, 0, 0.9, 1.1, 1.1, -0.7]) })).toBe(
      'constraint `tracking-error-cap`: risk model exposure of asset 1 to `size` is NaN',
    );
  });

  it('validates its parameters', () => {
    const error = thrown(() => trackingErrorCap.with({ cap: 0, periodsPerYear: -1 }));
    expect(error.message).toContain('params.cap: expected a number > 0, got `0`');
    expect(error.message).toContain('params.periodsPerYear: expected a number > 0, got `-1`');
  });
});
