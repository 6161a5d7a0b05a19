import { describe, expect, it } from 'vitest';
import { MISSING_INDUSTRY, industryNeutral } from '../src/index.js';
import { arr, buildProblem, residual, rowsOf, smallContext, thrown } from './helpers.js';

const ctx = smallContext(); // 银行 {A 30%, B 25%}, 电子 {C 20%, D 15%}, 医药 {E 10%}, 计算机 {}, F unclassified

describe('industryNeutral', () => {
  it('one row per non-empty industry, exact by default; unclassified assets grouped as `(missing)`', () => {
    const problem = buildProblem(ctx, [industryNeutral.with()]);
    expect(rowsOf(problem)).toEqual([
      { index: [0, 1], value: [1, 1], lower: 0.55, upper: 0.55, label: 'industry:银行' },
      { index: [2, 3], value: [1, 1], lower: 0.35, upper: 0.35, label: 'industry:电子' },
      { index: [4], value: [1], lower: 0.1, upper: 0.1, label: 'industry:医药' },
      { index: [5], value: [1], lower: 0, upper: 0, label: `industry:${MISSING_INDUSTRY}` },
    ]);
    expect(MISSING_INDUSTRY).toBe('(missing)');
    expect(problem.groups).toEqual([{ name: 'industry-neutral', priority: 40, rowStart: 0, rowCount: 4 }]);
  });

  it('a band widens every row to [Σb − band, Σb + band]', () => {
    const rows = rowsOf(buildProblem(ctx, [industryNeutral.with({ band: 0.02 })]));
    expect(rows.map((r) => [r.lower, r.upper])).toEqual([
      [0.55 - 0.02, 0.55 + 0.02],
      [0.35 - 0.02, 0.35 + 0.02],
      [0.1 - 0.02, 0.1 + 0.02],
      [-0.02, 0.02],
    ]);
  });

  it("missing: 'zero' bounds unclassified assets to 0 instead of adding a row", () => {
    const problem = buildProblem(ctx, [industryNeutral.with({ missing: 'zero' })]);
    expect(rowsOf(problem).map((r) => r.label)).toEqual(['industry:银行', 'industry:电子', 'industry:医药']);
    expect(arr(problem.upper)).toEqual([Infinity, Infinity, Infinity, Infinity, Infinity, 0]);
    expect(arr(problem.lower)).toEqual([-Infinity, -Infinity, -Infinity, -Infinity, -Infinity, 0]);
    expect(problem.upperOwner[5]).toBe(0);
  });

  it("missing: 'error' names the unclassified assets", () => {
    const error = thrown(() => buildProblem(ctx, [industryNeutral.with({ missing: 'error' })]));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toBe(
      "constraint `industry-neutral`: 1 asset has no `industry` code (`F`); set `missing: 'group'` or `'zero'` to handle them",
    );
  });

  it('reads another classification and labels rows with its name', () => {
    const other = smallContext({
      categories: { citic1: { codes: Int32Array.from([1, 1, 1, 0, 0, 0]), levels: ['消费', '金融'] } },
    });
    expect(rowsOf(buildProblem(other, [industryNeutral.with({ classification: 'citic1' })]))).toEqual([
      { index: [3, 4, 5], value: [1, 1, 1], lower: 0.25, upper: 0.25, label: 'citic1:消费' },
      { index: [0, 1, 2], value: [1, 1, 1], lower: 0.75, upper: 0.75, label: 'citic1:金融' },
    ]);
  });

  it('residuals: w = b is feasible; an extra 3% in A breaks `industry:银行` alone', () => {
    const problem = buildProblem(ctx, [industryNeutral.with()]);
    expect(residual(problem, ctx.benchmark, 'industry-neutral').maxViolation).toBe(0);
    // Shifting weight within an industry keeps it neutral.
    expect(residual(problem, [0.2, 0.35, 0.05, 0.3, 0.1, 0], 'industry-neutral').maxViolation).toBeLessThan(1e-15);
    const over = residual(problem, [0.33, 0.25, 0.2, 0.15, 0.1, 0], 'industry-neutral');
    expect(over.maxViolation).toBeCloseTo(0.03, 15);
    expect(over.worst).toBe('industry:银行');
    const unclassified = residual(problem, [0.3, 0.25, 0.2, 0.15, 0.08, 0.02], 'industry-neutral');
    expect(unclassified.maxViolation).toBeCloseTo(0.02, 15);
  });

  it('without the categories it names the ones the context has', () => {
    const error = thrown(() => buildProblem(ctx, [industryNeutral.with({ classification: 'sw1' })]));
    expect(error.code).toBe('FK_MISSING_INPUT');
    expect(error.message).toBe('constraint `industry-neutral` needs categories `sw1` (param `classification`); the context has `industry`');
    const none = thrown(() => buildProblem(smallContext({ categories: {} }), [industryNeutral.with()]));
    expect(none.message).toBe('constraint `industry-neutral` needs categories `industry` (param `classification`); the context has none');
  });

  it('rejects codes outside the levels and codes of the wrong length', () => {
    const bad = smallContext({ categories: { industry: { codes: Int32Array.from([0, 0, 1, 1, 7, -1]), levels: ['银行', '电子'] } } });
    expect(thrown(() => buildProblem(bad, [industryNeutral.with()])).message).toBe(
      'constraint `industry-neutral`: categories `industry` gives asset `E` code 7, but there are 2 levels (−1 = missing)',
    );
    const short = smallContext({ categories: { industry: { codes: Int32Array.from([0, 0]), levels: ['银行'] } } });
    expect(thrown(() => buildProblem(short, [industryNeutral.with()])).code).toBe('FK_INVALID_DATA');
  });

  it('names its group in errors when used under another group name', () => {
    const error = thrown(() => buildProblem(ctx, [industryNeutral.with({ classification: 'sw1' }, { group: 'sw-neutral' })]));
    expect(error.message).toMatch(/^constraint `industry-neutral` \(group `sw-neutral`\) needs categories `sw1`/);
  });

  it('validates its parameters', () => {
    const error = thrown(() => industryNeutral.with({ band: -0.01, missing: 'drop' as never, classification: '' }));
    expect(error.message).toContain('params.band: expected a number ≥ 0 and ≤ 1, got `-0.01`');
    expect(error.message).toContain('params.missing: expected one of `group`, `zero`, `error`, got `"drop"`');
    expect(error.message).toContain('params.classification: expected a string of at least 1 characters, got `""`');
  });
});
