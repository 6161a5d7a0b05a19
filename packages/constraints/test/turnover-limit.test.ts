import { describe, expect, it } from 'vitest';
import { turnoverLimit } from '../src/index.js';
import { INF, arr, buildProblem, residual, rowsOf, smallContext, thrown } from './helpers.js';

const ctx = smallContext(); // w0 = [0.28, 0.27, 0.20, 0.15, 0.10, 0]
const w0 = [0.28, 0.27, 0.2, 0.15, 0.1, 0];

describe('turnoverLimit', () => {
  it('default `split`: blocks p, m ≥ 0, rows w − p + m = w0 and Σ(p + m) ≤ 2·limit (one-way)', () => {
    const problem = buildProblem(ctx, [turnoverLimit.with({ limit: 0.1 })]);
    expect(problem.blocks).toEqual([
      { name: 'w', start: 0, count: 6 },
      { name: 'turnover-limit:buy', start: 6, count: 6 },
      { name: 'turnover-limit:sell', start: 12, count: 6 },
    ]);
    expect(problem.numVariables).toBe(18);
    expect(arr(problem.lower.subarray(6))).toEqual(new Array(12).fill(0));
    expect(arr(problem.upper.subarray(6))).toEqual(new Array(12).fill(INF));
    const rows = rowsOf(problem);
    expect(rows).toHaveLength(7);
    const assets = ['A', 'B', 'C', 'D', 'E', 'F'];
    for (let i = 0; i < 6; i++) {
      expect(rows[i]).toEqual({ index: [i, 6 + i, 12 + i], value: [1, -1, 1], lower: w0[i]!, upper: w0[i]!, label: `turnover:trade:${assets[i]}` });
    }
    expect(rows[6]).toEqual({ index: [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17], value: new Array(12).fill(1), lower: -INF, upper: 0.2, label: 'turnover' });
  });

  it('two-way: Σ(p + m) ≤ limit', () => {
    expect(rowsOf(buildProblem(ctx, [turnoverLimit.with({ limit: 0.1, side: 'two-way' })]))[6]!.upper).toBe(0.1);
  });

  it('split residuals: trades p − m = w − w0 within the limit are feasible; over the limit breaks `turnover`', () => {
    // w = b: w − w0 = [+0.02, −0.02, 0, 0, 0, 0] → p = [0.02, 0, …], m = [0, 0.02, 0, …]; two-way 4%, one-way 2%.
    const x = [0.3, 0.25, 0.2, 0.15, 0.1, 0, 0.02, 0, 0, 0, 0, 0, 0, 0.02, 0, 0, 0, 0];
    expect(residual(buildProblem(ctx, [turnoverLimit.with({ limit: 0.02 })]), x, 'turnover-limit').maxViolation).toBeLessThan(1e-15);
    const over = residual(buildProblem(ctx, [turnoverLimit.with({ limit: 0.01 })]), x, 'turnover-limit');
    expect(over.maxViolation).toBeCloseTo(0.02, 15); // Σ(p + m) = 0.04 against 2 × 0.01
    expect(over.worst).toBe('turnover');
    const twoWay = residual(buildProblem(ctx, [turnoverLimit.with({ limit: 0.03, side: 'two-way' })]), x, 'turnover-limit');
    expect(twoWay.maxViolation).toBeCloseTo(0.01, 15);
    // A bought 2% (0.28 → 0.30) with no buy recorded: `turnover:trade:A` off by 0.02.
    const unrecorded = [0.3, 0.25, 0.2, 0.15, 0.1, 0, 0, 0, 0, 0, 0, 0, 0, 0.02, 0, 0, 0, 0];
    const r = residual(buildProblem(ctx, [turnoverLimit.with({ limit: 0.2 })]), unrecorded, 'turnover-limit');
    expect(r.maxViolation).toBeCloseTo(0.02, 15);
    expect(r.worst).toBe('turnover:trade:A');
  });

  it('`abs`: a block t ≥ 0 and rows t − w ≥ −w0, t + w ≥ w0, Σt ≤ 2·limit (one-way)', () => {
    const problem = buildProblem(ctx, [turnoverLimit.with({ limit: 0.1, formulation: 'abs' })]);
    expect(problem.blocks).toEqual([
      { name: 'w', start: 0, count: 6 },
      { name: 'turnover-limit:t', start: 6, count: 6 },
    ]);
    expect(problem.numVariables).toBe(12);
    expect(arr(problem.lower.subarray(6))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(arr(problem.upper.subarray(6))).toEqual([INF, INF, INF, INF, INF, INF]);
    const rows = rowsOf(problem);
    expect(rows).toHaveLength(13);
    const assets = ['A', 'B', 'C', 'D', 'E', 'F'];
    for (let i = 0; i < 6; i++) {
      expect(rows[2 * i]).toEqual({ index: [i, 6 + i], value: [-1, 1], lower: -w0[i]!, upper: INF, label: `turnover:buy:${assets[i]}` });
      expect(rows[2 * i + 1]).toEqual({ index: [i, 6 + i], value: [1, 1], lower: w0[i]!, upper: INF, label: `turnover:sell:${assets[i]}` });
    }
    expect(rows[12]).toEqual({ index: [6, 7, 8, 9, 10, 11], value: [1, 1, 1, 1, 1, 1], lower: -INF, upper: 0.2, label: 'turnover' });
    expect(rowsOf(buildProblem(ctx, [turnoverLimit.with({ limit: 0.1, side: 'two-way', formulation: 'abs' })]))[12]!.upper).toBe(0.1);
  });

  it('`abs` residuals: t = |w − w0| within the limit is feasible; t below |w − w0| breaks the row of that asset', () => {
    const abs = (limit: number) => buildProblem(ctx, [turnoverLimit.with({ limit, formulation: 'abs' })]);
    const x = [0.3, 0.25, 0.2, 0.15, 0.1, 0, 0.02, 0.02, 0, 0, 0, 0];
    expect(residual(abs(0.02), x, 'turnover-limit').maxViolation).toBeLessThan(1e-15);
    const over = residual(abs(0.01), x, 'turnover-limit');
    expect(over.maxViolation).toBeCloseTo(0.02, 15);
    expect(over.worst).toBe('turnover');
    // A bought 2% (0.28 → 0.30) but t_A = 0: `turnover:buy:A` short by 0.02.
    const r = residual(abs(0.2), [0.3, 0.25, 0.2, 0.15, 0.1, 0, 0, 0.02, 0, 0, 0, 0], 'turnover-limit');
    expect(r.maxViolation).toBeCloseTo(0.02, 15);
    expect(r.worst).toBe('turnover:buy:A');
    // B sold 2% (0.27 → 0.25) with t_B = 0.
    expect(residual(abs(0.2), [0.3, 0.25, 0.2, 0.15, 0.1, 0, 0.02, 0, 0, 0, 0, 0], 'turnover-limit').worst).toBe('turnover:sell:B');
  });

  it('`held`: buy/sell only for the assets held, the others bounded ≥ 0 and counted by their weight', () => {
    const problem = buildProblem(ctx, [turnoverLimit.with({ limit: 0.1, formulation: 'held' })]);
    // A–E are held, F (w0 = 0) is not.
    expect(problem.blocks).toEqual([
      { name: 'w', start: 0, count: 6 },
      { name: 'turnover-limit:buy', start: 6, count: 5 },
      { name: 'turnover-limit:sell', start: 11, count: 5 },
    ]);
    expect(arr(problem.lower)).toEqual([-INF, -INF, -INF, -INF, -INF, 0, ...new Array(10).fill(0)]);
    expect(arr(problem.lowerOwner.subarray(0, 6))).toEqual([-1, -1, -1, -1, -1, 0]);
    const rows = rowsOf(problem);
    expect(rows).toHaveLength(6);
    const assets = ['A', 'B', 'C', 'D', 'E'];
    for (let k = 0; k < 5; k++) {
      expect(rows[k]).toEqual({ index: [k, 6 + k, 11 + k], value: [1, -1, 1], lower: w0[k]!, upper: w0[k]!, label: `turnover:trade:${assets[k]}` });
    }
    expect(rows[5]).toEqual({ index: [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], value: new Array(11).fill(1), lower: -INF, upper: 0.2, label: 'turnover' });
    // From cash nothing is held: no auxiliary variable, the row is Σw ≤ 2·limit.
    const fromCash = buildProblem(smallContext({ previous: new Float64Array(6) }), [turnoverLimit.with({ limit: 0.6, formulation: 'held' })]);
    expect(fromCash.numVariables).toBe(6);
    expect(rowsOf(fromCash)).toEqual([{ index: [0, 1, 2, 3, 4, 5], value: new Array(6).fill(1), lower: -INF, upper: 1.2, label: 'turnover' }]);
  });

  it('`held` residuals: buying an asset not held counts its weight; it cannot be shorted', () => {
    const held = (limit: number) => buildProblem(ctx, [turnoverLimit.with({ limit, formulation: 'held' })]);
    // w = [0.28, 0.25, 0.2, 0.15, 0.1, 0.02]: sell 2% of B, buy 2% of F; one-way 2%.
    const x = [0.28, 0.25, 0.2, 0.15, 0.1, 0.02, 0, 0, 0, 0, 0, 0, 0.02, 0, 0, 0];
    expect(residual(held(0.02), x, 'turnover-limit').maxViolation).toBeLessThan(1e-15);
    const over = residual(held(0.015), x, 'turnover-limit');
    expect(over.maxViolation).toBeCloseTo(0.01, 15); // Σ = 0.04 against 2 × 0.015
    expect(over.worst).toBe('turnover');
    const short = [0.28, 0.27, 0.2, 0.15, 0.12, -0.02, 0, 0, 0, 0, 0.02, 0, 0, 0, 0, 0];
    expect(residual(held(0.2), short, 'turnover-limit').maxViolation).toBeCloseTo(0.02, 15);
  });

  it('two turnover groups get their own auxiliary blocks', () => {
    const problem = buildProblem(ctx, [turnoverLimit.with({ limit: 0.1 }), turnoverLimit.with({ limit: 0.3, side: 'two-way' }, { group: 'turnover-2' })]);
    expect(problem.blocks.map((b) => b.name)).toEqual(['w', 'turnover-limit:buy', 'turnover-limit:sell', 'turnover-2:buy', 'turnover-2:sell']);
    expect(problem.numVariables).toBe(30);
  });

  it('without previous weights: a clear error', () => {
    const { previous: _, ...rest } = smallContext();
    const error = thrown(() => buildProblem(rest, [turnoverLimit.with()]));
    expect(error.code).toBe('FK_MISSING_INPUT');
    expect(error.message).toBe(
      'constraint `turnover-limit` needs the previous weights (`context.previous`), but the context has none; pass zeros for a portfolio built from cash',
    );
    const nan = smallContext({ previous: Float64Array.from([0.3, 0.2, Number.NaN, 0.2, 0.1, 0]) });
    expect(thrown(() => buildProblem(nan, [turnoverLimit.with()])).message).toBe(
      'constraint `turnover-limit`: previous weights must be finite; 1 entry is not (`C` = NaN)',
    );
  });

  it('validates its parameters', () => {
    const error = thrown(() => turnoverLimit.with({ limit: -1, side: 'both' as never, formulation: 'l1' as never }));
    expect(error.message).toContain('params.limit: expected a number ≥ 0, got `-1`');
    expect(error.message).toContain('params.side: expected one of `one-way`, `two-way`, got `"both"`');
    expect(error.message).toContain('params.formulation: expected one of `split`, `abs`, `held`, got `"l1"`');
  });
});
