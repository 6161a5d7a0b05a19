/**
 * strategyReport: a valid document with the page's sections; every number on the page traced back
 * to the run by an independent computation from the NAV, trades and records; hostile text shown as
 * text; and the size of a 10-year daily page.
 */
import { type Block, type KvBlock, type LineChartBlock, type ReportDocument, type Section, type TableBlock, type BarChartBlock, renderHtml, validateDocument } from '@factorkit/report';
import type { AttributionResult, HitRateResult, StockContribution } from '@factorkit/backtest';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { type StrategyReportInput, strategyReport } from '../src/report/index.js';
import { LAST_WEEKS } from '../src/report/performance.js';
import { CONTRIBUTION_ROWS } from '../src/report/portfolio.js';
import { flattenDefinition } from '../src/report/series.js';
import type { StrategyResult } from '../src/run/types.js';
import { STYLES, strategyFixture } from './report-fixture.js';

const GENERATED = '2026-12-06T12:00:00Z';
const fixture = strategyFixture();
const { backtest: bt, result } = fixture;
const doc = strategyReport(result, { generatedAt: GENERATED, data: 'synthetic (seed 5)' });
const html = renderHtml(doc);

const D = bt.dates.length;
const nav = Array.from(bt.nav);
const bnav = Array.from(bt.benchmarkNav);

function section(d: ReportDocument, title: string): Section {
  const found = d.sections.find((s) => s.title === title);
  if (!found) throw new Error(`no section ${title}: ${d.sections.map((s) => s.title).join(', ')}`);
  return found;
}
function block<K extends Block['kind']>(s: Section, kind: K, title: string | RegExp): Extract<Block, { kind: K }> {
  const found = s.blocks.find((b) => b.kind === kind && 'title' in b && b.title !== undefined && (typeof title === 'string' ? b.title === title : title.test(b.title)));
  if (!found) throw new Error(`no ${kind} ${String(title)} in ${s.title}`);
  return found as Extract<Block, { kind: K }>;
}
const kv = (b: KvBlock) => new Map(b.items.map(([k, v]) => [k, String(v)]));
const pctText = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;
const years = (Date.parse(bt.dates[D - 1]!) - Date.parse(bt.dates[0]!)) / 86_400_000 / 365;
const series = (chart: LineChartBlock | BarChartBlock, name: string) => {
  const s = chart.series.find((x) => x.name === name);
  if (!s) throw new Error(`no series ${name} in ${chart.title}: ${chart.series.map((x) => x.name).join(', ')}`);
  return Array.from(s.values, (v) => v ?? Number.NaN);
};

describe('strategyReport', () => {
  it('is a valid report document with the sections of the page, in order', () => {
    expect(validateDocument(doc)).toEqual([]);
    expect(doc.sections.map((s) => s.title)).toEqual([
      'Summary',
      'NAV and excess',
      'Periods',
      'Exposures',
      'Factor weights',
      'Turnover and costs',
      'Attribution',
      'Stock contribution',
      'Stock-level hit rate',
      'Rebalances',
      'Trade outcomes',
      'Notes',
      'Settings',
    ]);
    expect(doc.title).toBe(`Strategy momentum-demo: ${bt.dates[0]} → ${bt.dates[D - 1]}`);
    expect(doc.subtitle).toBe('A momentum tilt on a synthetic market');
    expect(doc.meta).toContainEqual(['Data', 'synthetic (seed 5)']);
    expect(doc.meta).toContainEqual(['Benchmark', 'equal weight of the market']);
    expect(doc.generatedAt).toBe(GENERATED);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    // The same input gives the same page (nothing reads the clock).
    expect(renderHtml(strategyReport(result, { generatedAt: GENERATED, data: 'synthetic (seed 5)' }))).toBe(html);
  });

  it('leaves the attribution out when the run has none, and says so where records are empty', () => {
    const { attribution: _attribution, ...rest } = result;
    const bare: StrategyReportInput = { ...rest, exposures: [], factorWeights: [], contributions: [], rebalances: [], notes: [], hitRate: { ...result.hitRate, periods: [] }, backtest: { ...bt, notes: [] } };
    const d = strategyReport(bare, { generatedAt: GENERATED, title: 'Custom title' });
    expect(validateDocument(d)).toEqual([]);
    expect(d.title).toBe('Custom title');
    expect(d.sections.map((s) => s.title)).not.toContain('Attribution');
    for (const title of ['Exposures', 'Factor weights', 'Stock contribution', 'Stock-level hit rate', 'Rebalances', 'Notes']) {
      const blocks = section(d, title).blocks;
      expect(blocks.map((b) => b.kind), title).toEqual(['note']);
    }
    expect(() => renderHtml(d)).not.toThrow();
  });

  it('renders a run without a benchmark (its figures missing) and a run of a few days', () => {
    const alone = strategyFixture({ noBenchmark: true, attribution: false });
    expect(Number.isNaN(alone.backtest.metrics.annualExcess)).toBe(true);
    const d = strategyReport(alone.result, { generatedAt: GENERATED });
    expect(validateDocument(d)).toEqual([]);
    const row = block(section(d, 'Summary'), 'table', 'Returns').rows[0]!;
    expect(row.strategy).toBe(alone.backtest.metrics.annualReturn);
    expect(Number.isNaN(row.excess)).toBe(true);
    expect(kv(block(section(d, 'Summary'), 'kv', 'Risk, trading and consistency')).get('Tracking error (annualised)')).toBe('–');
    expect(() => renderHtml(d)).not.toThrow();

    // Three days: one trade day at most, no rebalance recorded beyond the end, every table still valid.
    const short = strategyFixture({ days: 3, attribution: false });
    expect(short.backtest.dates).toHaveLength(3);
    const s = strategyReport({ ...short.result, rebalances: [], factorWeights: [], exposures: [], hitRate: { ...short.result.hitRate, periods: [] } }, { generatedAt: GENERATED });
    expect(validateDocument(s)).toEqual([]);
    expect(() => renderHtml(s)).not.toThrow();
  });

  it('shows the headline metrics as recomputed from the NAV series', () => {
    const s = section(doc, 'Summary');
    const returns = block(s, 'table', 'Returns');
    const total = nav[D - 1]! / nav[0]! - 1;
    const btotal = bnav[D - 1]! / bnav[0]! - 1;
    const annual = (1 + total) ** (1 / years) - 1;
    const bannual = (1 + btotal) ** (1 / years) - 1;
    const annualRow = returns.rows.find((r) => r.metric === 'Annual return')!;
    expect(annualRow.strategy as number).toBeCloseTo(annual, 12);
    expect(annualRow.benchmark as number).toBeCloseTo(bannual, 12);
    expect(annualRow.excess as number).toBeCloseTo(annual - bannual, 12);
    expect(annualRow.excess_ratio as number).toBeCloseTo((1 + annual) / (1 + bannual) - 1, 12);
    const totalRow = returns.rows.find((r) => r.metric === 'Total return')!;
    expect(totalRow.excess_ratio as number).toBeCloseTo(nav[D - 1]! / bnav[D - 1]! - 1, 12);
    expect(html).toContain(`>${pctText(annual)}<`);

    const items = kv(block(s, 'kv', 'Risk, trading and consistency'));
    const active: number[] = [];
    let turnover = 0;
    let cost = 0;
    for (let k = 1; k < D; k++) {
      active.push(nav[k]! / nav[k - 1]! - bnav[k]! / bnav[k - 1]!);
      turnover += bt.turnover[k]!;
      cost += bt.cost[k]! / bt.value[k - 1]!;
    }
    const mean = active.reduce((a, b) => a + b, 0) / active.length;
    const te = Math.sqrt(active.reduce((a, b) => a + (b - mean) ** 2, 0) / (active.length - 1)) * Math.sqrt(active.length / years);
    expect(items.get('Tracking error (annualised)')).toBe(pctText(te));
    expect(items.get('Information ratio')).toBe(((annual - bannual) / te).toFixed(2));
    const drawdown = (values: number[]) => {
      let peak = -Infinity;
      let worst = 0;
      for (const v of values) {
        peak = Math.max(peak, v);
        worst = Math.max(worst, 1 - v / peak);
      }
      return worst;
    };
    expect(items.get('Max drawdown of the NAV')).toBe(pctText(drawdown(nav)));
    expect(items.get('Max drawdown of the excess curve')).toBe(pctText(drawdown(nav.map((v, k) => v / bnav[k]!))));
    expect(items.get('Turnover (one-way, a year)')).toBe(`${(turnover / years).toFixed(2)}×`);
    expect(items.get('Cost drag (a year)')).toBe(pctText(cost / years));
    // Monthly win rate from the closes at each month end.
    const ends = bt.dates.map((d, k) => (k === D - 1 || bt.dates[k + 1]!.slice(0, 7) !== d.slice(0, 7) ? k : -1)).filter((k) => k >= 0);
    let wins = 0;
    ends.forEach((k, i) => {
      const from = i === 0 ? 0 : ends[i - 1]!;
      if (nav[k]! / nav[from]! > bnav[k]! / bnav[from]!) wins++;
    });
    expect(items.get('Monthly win rate')).toBe(pctText(wins / ends.length, 1));
    let highs = 0;
    for (let k = 1; k < D; k++) if (nav[k]! > Math.max(...nav.slice(0, k))) highs++;
    expect(items.get('New-high rate of the NAV')).toBe(pctText(highs / (D - 1), 1));
    expect(items.get('Trading days')).toBe(String(D - 1));
  });

  it('draws the NAV, the excess curve nav / benchmark_nav and both drawdowns day by day', () => {
    const s = section(doc, 'NAV and excess');
    const navChart = block(s, 'lineChart', 'NAV and benchmark');
    expect(navChart.x).toEqual(bt.dates);
    expect(series(navChart, 'momentum-demo')).toEqual(nav);
    expect(series(navChart, 'equal weight of the market')).toEqual(bnav);
    const excess = series(block(s, 'lineChart', 'Excess curve (nav / benchmark_nav)'), 'Excess curve');
    const drawdowns = block(s, 'lineChart', 'Drawdowns');
    const navDd = series(drawdowns, 'NAV');
    const excessDd = series(drawdowns, 'Excess curve');
    for (const k of [0, 17, Math.floor(D / 2), D - 1]) {
      expect(excess[k]).toBeCloseTo(nav[k]! / bnav[k]!, 14);
      expect(navDd[k]).toBeCloseTo(nav[k]! / Math.max(...nav.slice(0, k + 1)) - 1, 14);
      const curve = nav.slice(0, k + 1).map((v, i) => v / bnav[i]!);
      expect(excessDd[k]).toBeCloseTo(curve[k]! / Math.max(...curve) - 1, 14);
    }
    expect(Math.min(...navDd)).toBeCloseTo(-bt.metrics.maxDrawdown, 14);
  });

  it('tabulates years, quarters, the month grid and the last weeks from the closes', () => {
    const s = section(doc, 'Periods');
    const closeAt = (predicate: (d: string) => boolean) => {
      const ks = bt.dates.map((d, k) => (predicate(d) ? k : -1)).filter((k) => k >= 0);
      return { first: ks[0]!, last: ks[ks.length - 1]! };
    };
    const yearsTable = block(s, 'table', 'Years');
    const yearsSeen = [...new Set(bt.dates.map((d) => d.slice(0, 4)))];
    expect(yearsTable.rows.map((r) => r.period)).toEqual(yearsSeen);
    const y = yearsSeen[yearsSeen.length - 1]!;
    const { first, last } = closeAt((d) => d.startsWith(y));
    const from = first - 1;
    const row = yearsTable.rows.find((r) => r.period === y)!;
    expect(row.return as number).toBeCloseTo(nav[last]! / nav[from]! - 1, 12);
    expect(row.benchmark_return as number).toBeCloseTo(bnav[last]! / bnav[from]! - 1, 12);
    expect(row.excess_ratio as number).toBeCloseTo(nav[last]! / nav[from]! / (bnav[last]! / bnav[from]!) - 1, 12);
    expect(row.start).toBe(bt.dates[from]);
    expect(yearsTable.columns.find((c) => c.id === 'excess')!.colorBySign).toBe(true);

    const quarters = block(s, 'table', 'Quarters');
    expect(quarters.rows[0]!.period).toBe(`${bt.dates[0]!.slice(0, 4)}-Q1`);

    // A month in the middle: the grid cell is its excess as the difference.
    const month = bt.dates[Math.floor(D / 2)]!.slice(0, 7);
    const m = closeAt((d) => d.startsWith(month));
    const grid = block(s, 'table', 'Monthly excess return');
    const cell = grid.rows.find((r) => r.year === month.slice(0, 4))![`m${month.slice(5)}`] as number;
    expect(cell).toBeCloseTo(nav[m.last]! / nav[m.first - 1]! - bnav[m.last]! / bnav[m.first - 1]!, 12);
    expect(grid.rows).toHaveLength(yearsSeen.length);

    const weeks = block(s, 'table', `Last ${LAST_WEEKS} weeks`);
    expect(weeks.rows).toHaveLength(LAST_WEEKS);
    expect(weeks.rows[LAST_WEEKS - 1]!.end).toBe(bt.dates[D - 1]);
  });

  it('shows the active style exposures over time and the latest industry active weights, sorted', () => {
    const s = section(doc, 'Exposures');
    const chart = block(s, 'lineChart', 'Active style exposures');
    const dates = fixture.decisions.map((t) => fixture.data.calendar.dates[t]!);
    expect(chart.x).toEqual(dates);
    expect(chart.series.map((x) => x.name)).toEqual([...STYLES]);
    const i = 7;
    const record = result.exposures.find((e) => e.kind === 'style' && e.name === 'beta' && e.date === dates[i])!;
    expect(series(chart, 'beta')[i]).toBe(record.portfolio - record.benchmark);
    const last = dates[dates.length - 1]!;
    const bars = block(s, 'barChart', `Industry active weights on ${last}`);
    const latest = result.exposures.filter((e) => e.kind === 'industry' && e.date === last);
    const sorted = [...latest].sort((a, b) => b.active - a.active);
    expect(bars.categories).toEqual(sorted.map((e) => e.name));
    expect(series(bars, 'Active weight')).toEqual(sorted.map((e) => e.active));
  });

  it('draws an exposure the optimizer held neutral as 0, not its rounding noise blown up to the chart height', () => {
    const dates = ['2024-01-05', '2024-01-12'];
    const exposures = [
      { date: dates[0]!, kind: 'style' as const, name: 'size', portfolio: 1.5, benchmark: 1.5, active: 3e-11 },
      { date: dates[1]!, kind: 'style' as const, name: 'size', portfolio: 1.52, benchmark: 1.5, active: 0.02 },
      { date: dates[1]!, kind: 'industry' as const, name: '银行', portfolio: 0.2, benchmark: 0.2, active: 4e-12 },
      { date: dates[1]!, kind: 'industry' as const, name: '电子', portfolio: 0.11, benchmark: 0.1, active: 0.01 },
      { date: dates[1]!, kind: 'industry' as const, name: '传媒', portfolio: 0.0499999, benchmark: 0.05, active: -1e-7 },
    ];
    const s = section(strategyReport({ ...result, exposures }, { generatedAt: GENERATED }), 'Exposures');
    expect(series(block(s, 'lineChart', 'Active style exposures'), 'size')).toEqual([0, 0.02]);
    const bars = block(s, 'barChart', `Industry active weights on ${dates[1]}`);
    expect(bars.categories).toEqual(['电子', '银行', '传媒']);
    // 1e-7 is a position (at the tolerance), 4e-12 is noise.
    expect(series(bars, 'Active weight')).toEqual([0.01, 0, -1e-7]);
  });

  it('draws a line per factor at each retrain and summarises the weights; importances under their own title', () => {
    const s = section(doc, 'Factor weights');
    const chart = block(s, 'lineChart', 'Factor weights at each retrain');
    const retrains = [...new Set(result.factorWeights.map((w) => w.date))];
    expect(chart.x).toEqual(retrains);
    const of = result.factorWeights.filter((w) => w.factor === 'ep_ttm');
    expect(series(chart, 'ep_ttm')).toEqual(of.map((w) => w.value));
    const table = block(s, 'table', /^Factor weights: summary/);
    const row = table.rows.find((r) => r.factor === 'ep_ttm')!;
    expect(row.mean as number).toBeCloseTo(of.reduce((a, w) => a + w.value, 0) / of.length, 14);
    expect(row.latest).toBe(of[of.length - 1]!.value);
    expect(row.retrains).toBe(retrains.length);

    const gbdt = strategyFixture({ weightKind: 'importance', attribution: false });
    const d = strategyReport(gbdt.result, { generatedAt: GENERATED });
    expect(validateDocument(d)).toEqual([]);
    const titles = section(d, 'Factor weights').blocks.map((b) => ('title' in b ? b.title : undefined));
    expect(titles).toContain('Factor importance at each retrain');
    expect(titles).not.toContain('Factor weights at each retrain');
  });

  it('sums turnover and costs by month and totals the costs by kind from the trades', () => {
    const s = section(doc, 'Turnover and costs');
    const month = bt.dates[Math.floor(D / 3)]!.slice(0, 7);
    let turnover = 0;
    let cost = 0;
    for (let k = 1; k < D; k++) {
      if (!bt.dates[k]!.startsWith(month)) continue;
      turnover += bt.turnover[k]!;
      cost += bt.cost[k]! / bt.value[k - 1]!;
    }
    const turnoverChart = block(s, 'barChart', 'Turnover by month');
    const at = turnoverChart.categories.indexOf(month);
    expect(series(turnoverChart, 'Turnover')[at]).toBeCloseTo(turnover, 14);
    expect(series(block(s, 'barChart', 'Costs by month'), 'Costs')[at]).toBeCloseTo(cost, 14);

    const table = block(s, 'table', 'Costs over the run');
    const sum = (key: 'commission' | 'stampDuty' | 'transferFee' | 'slippage') => bt.trades.reduce((a, t) => a + t[key], 0);
    const amount = (item: string) => table.rows.find((r) => r.item === item)!.amount as number;
    expect(amount('Commission')).toBeCloseTo(sum('commission'), 6);
    expect(amount('Stamp duty')).toBeCloseTo(sum('stampDuty'), 6);
    expect(amount('Transfer fee')).toBeCloseTo(sum('transferFee'), 6);
    expect(amount('Slippage')).toBeCloseTo(sum('slippage'), 6);
    // The daily cost column holds the same four kinds.
    expect(amount('Total costs')).toBeCloseTo(Array.from(bt.cost).reduce((a, b) => a + b, 0), 4);
    expect(amount('Deposit interest (income)')).toBeCloseTo(Array.from(bt.interest).reduce((a, b) => a + b, 0), 6);
    expect(sum('stampDuty')).toBeGreaterThan(0);
  });

  it('draws the cumulative attribution and sums its days by year and month', () => {
    const attribution = result.attribution!;
    const s = section(doc, 'Attribution');
    const chart = block(s, 'lineChart', 'Cumulative attribution');
    const specific = series(chart, 'Specific');
    expect(specific[specific.length - 1]).toBeCloseTo(Array.from(attribution.daily.specific).reduce((a, b) => a + b, 0), 14);
    const byYear = block(s, 'table', 'By year');
    const year = attribution.dates[0]!.slice(0, 4);
    const inYear = attribution.dates.map((d, i) => (d.startsWith(year) ? i : -1)).filter((i) => i >= 0);
    const row = byYear.rows.find((r) => r.period === year)!;
    expect(row.style as number).toBeCloseTo(inYear.reduce((a, i) => a + attribution.daily.style[i]!, 0), 14);
    expect(row.days).toBe(inYear.length);
    const whole = byYear.rows[byYear.rows.length - 1]!;
    expect(whole.period).toBe('Whole run');
    expect(whole.active as number).toBeCloseTo(Array.from(attribution.daily.active).reduce((a, b) => a + b, 0), 14);
    const factors = block(s, 'table', 'By factor');
    expect(factors.rows[0]!.name).toBe([...attribution.byFactor].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))[0]!.name);
  });

  it('lists the top and bottom stocks by active contribution', () => {
    const s = section(doc, 'Stock contribution');
    const sorted = [...result.contributions].sort((a, b) => b.activeContribution - a.activeContribution);
    const top = block(s, 'table', `Top ${CONTRIBUTION_ROWS} by active contribution`);
    expect(top.rows.map((r) => r.code)).toEqual(sorted.slice(0, CONTRIBUTION_ROWS).map((c) => c.code));
    expect(top.rows[0]!.active_contribution).toBe(sorted[0]!.activeContribution);
    const bottom = block(s, 'table', `Bottom ${CONTRIBUTION_ROWS} by active contribution`);
    expect(bottom.rows.map((r) => r.code)).toEqual(sorted.slice(-CONTRIBUTION_ROWS).reverse().map((c) => c.code));
    expect(bottom.rows[0]!.rank).toBe(sorted.length);
    const totals = kv(block(s, 'kv', 'Totals'));
    expect(totals.get('Σ active contribution')).toBe(pctText(result.contributions.reduce((a, c) => a + c.activeContribution, 0), 3));
    expect(block(s, 'barChart', /^Active contribution/).categories).toHaveLength(2 * CONTRIBUTION_ROWS);

    // Fewer stocks than two tables: no stock is listed twice.
    const few = strategyReport({ ...result, contributions: result.contributions.slice(0, 20) }, { generatedAt: GENERATED });
    const fs = section(few, 'Stock contribution');
    const codes = fs.blocks.filter((b): b is TableBlock => b.kind === 'table').flatMap((b) => b.rows.map((r) => r.code));
    expect(new Set(codes).size).toBe(20);
  });

  it('plots the hit rate per period against random picks and gives the mean', () => {
    const s = section(doc, 'Stock-level hit rate');
    const periods = result.hitRate.periods;
    const chart = block(s, 'lineChart', 'Hit rate per period');
    expect(series(chart, 'Hit rate')).toEqual(periods.map((p) => p.hitRate));
    expect(series(chart, 'Random picks')).toEqual(periods.map((p) => p.top / p.stocks));
    const items = kv(block(s, 'kv', 'Hit rate'));
    const finite = periods.filter((p) => Number.isFinite(p.hitRate));
    expect(items.get('Mean hit rate')).toBe(pctText(finite.reduce((a, p) => a + p.hitRate, 0) / finite.length, 1));
    const above = periods.filter((p) => p.hitRate > p.top / p.stocks).length;
    expect(items.get('Periods above random')).toBe(`${above} of ${finite.length} (${pctText(above / finite.length, 1)})`);
  });

  it('counts rebalances by status and lists those not solved as posed with their messages', () => {
    const s = section(doc, 'Rebalances');
    const status = block(s, 'table', 'By status');
    for (const name of ['optimal', 'relaxed', 'held', 'skipped', 'stopped']) {
      expect(status.rows.find((r) => r.status === name)!.count, name).toBe(result.rebalances.filter((r) => r.status === name).length);
    }
    const unusual = block(s, 'table', 'Rebalances not solved as posed');
    const expected = result.rebalances.filter((r) => r.status !== 'optimal');
    expect(unusual.rows.map((r) => r.date)).toEqual(expected.map((r) => r.date));
    const held = expected.findIndex((r) => r.status === 'held');
    expect(unusual.rows[held]!.messages).toBe(expected[held]!.messages.join(' '));
    expect(unusual.rowMarks).toContainEqual({ row: held, style: 'warning' });
    expect(unusual.rows.find((r) => r.status === 'relaxed')!.relaxations).toBe('turnover-limit: widen by 0.1 (0.3 → 0.4)');
  });

  it('counts the orders by status and reason as the trades list them', () => {
    const s = section(doc, 'Trade outcomes');
    const status = block(s, 'table', 'By status');
    for (const name of ['filled', 'partial', 'refused', 'cancelled'] as const) {
      expect(status.rows.find((r) => r.status === name)!.count, name).toBe(bt.trades.filter((t) => t.status === name).length);
    }
    const reasons = block(s, 'table', 'Not filled in full, by reason');
    const tally = new Map<string, number>();
    for (const t of bt.trades) if (t.status !== 'filled') tally.set(t.reason!, (tally.get(t.reason!) ?? 0) + 1);
    expect(new Map(reasons.rows.map((r) => [r.reason as string, r.count as number]))).toEqual(tally);
    expect(tally.size).toBeGreaterThan(0);
  });

  it('shows the notes and the definition, backtest settings and timings as key/values', () => {
    const notes = section(doc, 'Notes').blocks.map((b) => (b.kind === 'note' ? b.text : ''));
    expect(notes.join('\n')).toContain('3 rebalances were held: the problem had no solution.');
    const s = section(doc, 'Settings');
    const strategy = kv(block(s, 'kv', 'Strategy'));
    expect(strategy.get('universe.index')).toBe('000300.SH');
    expect(strategy.get('factors')).toBe('momentum_1m, ep_ttm, volatility_3m');
    expect(strategy.get('model.params.window')).toBe('12');
    expect(strategy.get('constraints[1]')).toBe('{"id":"stock-deviation","params":{"limit":0.01}}');
    expect(strategy.get('universe.investable')).toBe('{}');
    const backtest = kv(block(s, 'kv', 'Backtest'));
    expect(backtest.get('execution.price')).toBe('open');
    expect(backtest.get('costs.slippageBps')).toBe('5');
    expect(kv(block(s, 'kv', 'Time per stage (ms)')).get('factors')).toBe('1,234');
  });

  it('shows hostile names, codes and messages as text: no element comes from the data', () => {
    const evil = '<script>alert(1)</script>';
    const img = '<img src=x onerror=alert(2)>';
    const hostile = strategyFixture({ name: evil, hostileCode: evil, hostileText: img });
    const d = strategyReport({ ...hostile.result, benchmark: `${img} 100%` }, { generatedAt: GENERATED, data: evil });
    expect(validateDocument(d)).toEqual([]);
    const page = renderHtml(d);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&lt;img src=x onerror=alert(2)&gt;');
    // The code is in a contribution table, the text in a rebalance message, a factor's series and the notes.
    expect(section(d, 'Stock contribution').blocks.some((b) => b.kind === 'table' && b.rows.some((r) => r.code === evil))).toBe(true);
    expect(block(section(d, 'Factor weights'), 'lineChart', 'Factor weights at each retrain').series.map((x) => x.name)).toContain(img);
  });

  it('keeps a 10-year daily page small: the line charts draw about one point per pixel column', () => {
    const long = strategyFixture({ years: 10, stocks: 60, seed: 9 });
    const days = long.backtest.dates.length;
    expect(days).toBeGreaterThan(2400);
    const d = strategyReport(long.result, { generatedAt: GENERATED });
    expect(validateDocument(d)).toEqual([]);
    const page = renderHtml(d);
    expect(page.length).toBeLessThan(900_000);
    // The NAV chart's longest path has fewer vertices than a third of the days.
    const start = page.indexOf('aria-label="NAV and benchmark"');
    const svg = page.slice(start, page.indexOf('</svg>', start));
    const vertices = Math.max(...[...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => (m[1]!.match(/[ML]/g) ?? []).length));
    expect(vertices).toBeGreaterThan(200);
    expect(vertices).toBeLessThan(days / 3);
    // Over three years, months are drawn as a line (bars would crowd the labels).
    expect(section(d, 'Turnover and costs').blocks[0]!.kind).toBe('lineChart');
  }, 60_000);
});

describe('StrategyReportInput', () => {
  it('is satisfied by the runner’s StrategyResult (checked by the type checker)', () => {
    expectTypeOf<StrategyResult>().toExtend<StrategyReportInput>();
    expectTypeOf<AttributionResult>().toExtend<NonNullable<StrategyReportInput['attribution']>>();
    expectTypeOf<HitRateResult>().toExtend<StrategyReportInput['hitRate']>();
    expectTypeOf<StockContribution>().toExtend<StrategyReportInput['contributions'][number]>();
  });
});

describe('flattenDefinition', () => {
  it('lists nested keys by dot-path, primitive lists on one line, object items as JSON, and drops undefined', () => {
    function scorer() {
      return 1;
    }
    expect(
      flattenDefinition({
        name: 'x',
        universe: { index: '000852.SH', params: {} },
        factors: ['a', 'b'],
        constraints: [{ id: 'long-only' }, { id: 'stock-deviation', params: { limit: 0.01 } }],
        model: { id: 'ridge', params: { lambda: 0.1 }, minDates: undefined },
        rebalance: { every: 5 },
        custom: scorer,
        preprocess: false,
      }),
    ).toEqual([
      ['name', 'x'],
      ['universe.index', '000852.SH'],
      ['universe.params', '{}'],
      ['factors', 'a, b'],
      ['constraints[0]', '{"id":"long-only"}'],
      ['constraints[1]', '{"id":"stock-deviation","params":{"limit":0.01}}'],
      ['model.id', 'ridge'],
      ['model.params.lambda', '0.1'],
      ['rebalance.every', '5'],
      ['custom', '(function scorer)'],
      ['preprocess', 'false'],
    ]);
  });
});
