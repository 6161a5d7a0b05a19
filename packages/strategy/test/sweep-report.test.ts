/**
 * `sweepReport` on a hand-made sweep result (sweep-fixture.ts): the ranking by information ratio,
 * the excess curves (best first, the base-like variant marked), one sensitivity chart per swept
 * path with each variant's values, the information-ratio grid over two paths, the failed and
 * stopped variants, and hostile text escaped by the renderer.
 */
import { type BarChartBlock, type LineChartBlock, type TableBlock, renderHtml, validateDocument } from '@factorkit/report';
import { describe, expect, it } from 'vitest';
import { type SweepResult, type VariantResult, sweepReport } from '../src/index.js';
import { EVIL, EVIL_MESSAGE, GRID_IR, sweepFixture } from './sweep-fixture.js';

const OPTIONS = { generatedAt: '2026-12-06T12:00:00Z', data: 'hand-made' };
const blocks = (doc: ReturnType<typeof sweepReport>) => doc.sections.flatMap((s) => s.blocks);

describe('sweepReport', () => {
  const result = sweepFixture();
  const doc = sweepReport(result, OPTIONS);

  it('is a valid document with its sections', () => {
    expect(validateDocument(doc)).toEqual([]);
    expect(doc.sections.map((s) => s.title)).toEqual(['Ranking', 'Excess curves', 'Sensitivity', 'Failed and stopped variants', 'Base strategy']);
    expect(doc.meta).toContainEqual(['Variants', '6 ran, 1 stopped, 1 failed']);
  });

  it('ranks the variants by information ratio, the ones without one last', () => {
    const table = doc.sections[0]!.blocks[0] as TableBlock;
    // GRID_IR = [0.8, 1.4, 1.1, -0.3, 2.2, 0.5] for grid-0 … grid-5.
    expect(table.rows.map((r) => r.name)).toEqual(['grid-4', 'grid-1', 'grid-2', 'grid-0', 'grid-5', 'grid-3', 'stopped-one', 'failed-one']);
    expect(table.rows.map((r) => r.information_ratio)).toEqual([2.2, 1.4, 1.1, 0.8, 0.5, -0.3, null, null]);
    expect(table.rows[0]).toMatchObject({ rank: 1, p0: '0.05', p1: 'icir', status: 'ok' });
    // grid-4 keeps both of the base's values (0.05, icir): emphasised; the stopped and failed rows: warnings.
    expect(table.rowMarks).toEqual([{ row: 0, style: 'emphasis' }, { row: 6, style: 'warning', unranked: false }, { row: 7, style: 'warning', unranked: true }]);
    expect(table.columns.slice(3, 5).map((c) => c.label)).toEqual(['objective.trackingError', 'model.id']);
  });

  it('draws the excess curves of the best variants, saying which is base-like', () => {
    const chart = blocks(doc).find((b) => b.kind === 'lineChart') as LineChartBlock;
    expect(chart.series.map((s) => s.name)).toEqual(['grid-4 (base-like)', 'grid-1', 'grid-2', 'grid-0', 'grid-5', 'grid-3']);
    const v = result.variants[1]!;
    const values = chart.series[1]!.values;
    for (let t = 0; t < v.daily.dates.length; t++) expect(values[t]).toBeCloseTo(v.daily.nav[t]! / v.daily.benchmark[t]! - 1, 14);
    expect(chart.note).toContain('closest to the base are marked (base-like)');
  });

  it('plots each variant against each swept value, and the IR over both paths', () => {
    const charts = blocks(doc).filter((b): b is BarChartBlock => b.kind === 'barChart');
    expect(charts.map((c) => c.title)).toEqual(['Sensitivity to objective.trackingError', 'Sensitivity to model.id']);
    const [te, model] = charts;
    expect(te!.categories).toEqual(['0.03 · grid-0', '0.03 · grid-1', '0.04 · grid-2', '0.04 · grid-3', '0.05 · grid-4', '0.05 · grid-5']);
    expect(Array.from(te!.series[0]!.values)).toEqual(GRID_IR);
    const excess = [0.03, 0.03, 0.04, 0.04, 0.05, 0.05].map((cap, k) => GRID_IR[k]! * cap * 100);
    Array.from(te!.series[1]!.values).forEach((value, k) => expect(value).toBeCloseTo(excess[k]!, 12));
    expect(model!.categories).toEqual(['icir · grid-0', 'icir · grid-2', 'icir · grid-4', 'equal · grid-1', 'equal · grid-3', 'equal · grid-5']);
    expect(Array.from(model!.series[0]!.values)).toEqual([0.8, 1.1, 2.2, 1.4, -0.3, 0.5]);

    const grid = blocks(doc).find((b) => b.kind === 'table' && b.title?.startsWith('Information ratio by')) as TableBlock;
    expect(grid.columns.map((c) => c.label)).toEqual(['objective.trackingError \\ model.id', 'icir', 'equal']);
    expect(grid.rows).toEqual([
      { value: '0.03', c0: 0.8, c1: 1.4 },
      { value: '0.04', c0: 1.1, c1: -0.3 },
      { value: '0.05', c0: 2.2, c1: 0.5 },
      { value: '0.06', c0: null, c1: null },
      { value: '0.07', c0: null, c1: null },
    ]);
  });

  it('lists the failed and stopped variants with their errors', () => {
    const table = doc.sections[3]!.blocks[0] as TableBlock;
    expect(table.rows.map((r) => [r.name, r.status, r.code, r.parameters])).toEqual([
      ['stopped-one', 'stopped', 'FK_INFEASIBLE', 'objective.trackingError = 0.06; model.id = icir'],
      ['failed-one', 'failed', 'FK_MISSING_INPUT', 'objective.trackingError = 0.07; model.id = icir'],
    ]);
  });

  it('summarises each value (best, mean, worst) above 300 variants', () => {
    const values = [1, 2, 3, 4];
    const variants: VariantResult[] = Array.from({ length: 400 }, (_, k) => {
      const base = result.variants[0]!;
      const ir = ((k * 37) % 101) / 50 - 1;
      return { ...base, index: k, name: `v-${k}`, parameters: { 'model.horizon': values[k % 4] }, metrics: { ...base.metrics!, informationRatio: ir, annualExcess: ir / 20 } };
    });
    const big: SweepResult = { ...result, axes: [{ path: 'model.horizon', values }], variants };
    const chart = blocks(sweepReport(big, OPTIONS)).find((b) => b.kind === 'barChart') as BarChartBlock;
    expect(chart.categories).toEqual(['1', '2', '3', '4']);
    expect(chart.series.map((s) => s.name)).toEqual(['best IR', 'mean IR', 'worst IR', 'mean annual excess (%)']);
    for (const [k, value] of values.entries()) {
      const irs = variants.filter((v) => v.parameters['model.horizon'] === value).map((v) => v.metrics!.informationRatio);
      expect(chart.series[0]!.values[k]).toBe(Math.max(...irs));
      expect(chart.series[1]!.values[k]).toBeCloseTo(irs.reduce((a, b) => a + b, 0) / irs.length, 12);
      expect(chart.series[2]!.values[k]).toBe(Math.min(...irs));
      expect(chart.series[3]!.values[k]).toBeCloseTo((irs.reduce((a, b) => a + b, 0) / irs.length / 20) * 100, 12);
    }
    // No IR grid without exactly two paths; the ranking shows the 500 best at most.
    expect(blocks(sweepReport(big, OPTIONS)).some((b) => b.kind === 'table' && b.title?.startsWith('Information ratio by'))).toBe(false);
  });

  it('shows hostile names, values and messages as text', () => {
    const hostile = sweepFixture({ hostile: true });
    const html = renderHtml(sweepReport(hostile, OPTIONS));
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain(EVIL_MESSAGE);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).not.toMatch(/<script/i);
  });
});
