/** The strategy page's portfolio sections: exposures, factor weights, attribution, per-stock contribution, hit rate. */
import type { Block, ChartSeries, Section, TableRow } from '@factorkit/report';
import { distinct, finiteMean, fixed, int, num, pct, percent, share, text } from './format.js';
import { cumulativeSum } from './series.js';
import type { ReportAttribution, ReportAttributionPeriod, ReportContribution, ReportExposure, ReportFactorWeight, StrategyReportInput } from './types.js';

/** Stocks in each of the top and bottom contribution tables. */
export const CONTRIBUTION_ROWS = 15;

/** One series per name over the distinct dates, `NaN` where a name has no record that day. */
function pivot<R extends { readonly date: string }>(records: readonly R[], nameOf: (r: R) => string, valueOf: (r: R) => number): { x: string[]; series: ChartSeries[] } {
  const x = distinct(records.map((r) => r.date)).sort();
  const column = new Map(x.map((d, i) => [d, i]));
  const byName = new Map<string, Float64Array>();
  for (const r of records) {
    const name = nameOf(r);
    let values = byName.get(name);
    if (!values) {
      values = new Float64Array(x.length).fill(Number.NaN);
      byName.set(name, values);
    }
    values[column.get(r.date)!] = valueOf(r);
  }
  return { x, series: [...byName].map(([name, values]) => ({ name, values })) };
}

/**
 * Active exposures and weights below this size are the optimizer's rounding, not a position (HiGHS
 * holds rows to 1e-7): shown as 0, so a neutralised exposure draws a flat line at 0 instead of its
 * noise blown up to the chart's height (ticks reading `-0`).
 */
export const ACTIVE_NOISE = 1e-7;

const denoise = (v: number): number => (Math.abs(v) < ACTIVE_NOISE ? 0 : v);

/** Active style exposures over time, the latest style table and the latest industry active weights. */
export function exposuresSection(result: StrategyReportInput): Section {
  const style = result.exposures.filter((e) => e.kind === 'style');
  const industry = result.exposures.filter((e) => e.kind === 'industry');
  const blocks: Block[] = [];
  if (style.length > 0) {
    const { x, series } = pivot(style, (e) => e.name, (e) => denoise(e.active));
    blocks.push({ kind: 'lineChart', title: 'Active style exposures', note: `Portfolio − benchmark exposure, in the risk model’s standardised units, at each rebalance (|active| < ${ACTIVE_NOISE}, the solver's rounding, shown as 0).`, x, series, yFormat: 'number', digits: 3 });
    const last = x[x.length - 1]!;
    blocks.push({
      kind: 'table',
      title: `Style exposures on ${last}`,
      columns: [text('name', 'Style'), num('portfolio', 'Portfolio', 3), num('benchmark', 'Benchmark', 3), num('active', 'Active', 3, { colorBySign: true, plusSign: true })],
      rows: style.filter((e) => e.date === last).map(exposureRow),
    });
  }
  if (industry.length > 0) {
    const last = industry.reduce((d, e) => (e.date > d ? e.date : d), '');
    const latest = industry.filter((e) => e.date === last).sort((a, b) => b.active - a.active || a.name.localeCompare(b.name));
    blocks.push({
      kind: 'barChart',
      title: `Industry active weights on ${last}`,
      note: `Portfolio weight − benchmark weight per industry (|active| < ${ACTIVE_NOISE}, the solver's rounding, shown as 0).`,
      categories: latest.map((e) => e.name),
      series: [{ name: 'Active weight', values: latest.map((e) => denoise(e.active)) }],
      yFormat: 'pct',
      horizontal: true,
      colorBySign: true,
      height: Math.min(4000, Math.max(200, 60 + latest.length * 22)),
    });
    blocks.push({
      kind: 'table',
      title: `Industry weights on ${last}`,
      columns: [text('name', 'Industry'), pct('portfolio', 'Portfolio', { colorBySign: false }), pct('benchmark', 'Benchmark', { colorBySign: false }), pct('active', 'Active', { plusSign: true })],
      rows: latest.map(exposureRow),
    });
  }
  if (blocks.length === 0) blocks.push({ kind: 'note', text: 'The run recorded no exposures (no risk model or industry field was configured).', tone: 'info' });
  return { title: 'Exposures', blocks };
}

const exposureRow = (e: ReportExposure): TableRow => ({ name: e.name, portfolio: e.portfolio, benchmark: e.benchmark, active: e.active });

/** The combination model's factor weights (or a tree model's importances) at each retrain. */
export function factorWeightsSection(result: StrategyReportInput): Section {
  const blocks: Block[] = [];
  for (const kind of ['weight', 'importance'] as const) {
    const records = result.factorWeights.filter((w) => w.kind === kind);
    if (records.length === 0) continue;
    const { x, series } = pivot(records, (w) => w.factor, (w) => w.value);
    const what = kind === 'weight' ? 'Factor weights' : 'Factor importance';
    blocks.push({
      kind: 'lineChart',
      title: `${what} at each retrain`,
      ...(kind === 'importance' ? { note: 'A tree model’s importance of each factor (its share of the split gain), not a signed weight.' } : {}),
      x,
      series,
      yFormat: 'number',
      digits: 3,
      source: 'factor_weights.csv',
    });
    blocks.push({
      kind: 'table',
      title: `${what}: summary over ${x.length} retrain${x.length === 1 ? '' : 's'}`,
      columns: [text('factor', 'Factor'), num('latest', `Latest (${x[x.length - 1]})`, 3, { colorBySign: true }), num('mean', 'Mean', 3, { colorBySign: true }), num('min', 'Min', 3), num('max', 'Max', 3), int('retrains', 'Retrains')],
      rows: series.map((s) => weightRow(s.name, records)),
      source: 'factor_weights.csv',
    });
  }
  if (blocks.length === 0) blocks.push({ kind: 'note', text: 'The model reported no factor weights.', tone: 'info' });
  return { title: 'Factor weights', intro: 'What the combination model learnt at each retrain date of the walk-forward.', blocks };
}

function weightRow(factor: string, records: readonly ReportFactorWeight[]): TableRow {
  const of = records.filter((w) => w.factor === factor).sort((a, b) => a.date.localeCompare(b.date));
  const values = of.map((w) => w.value).filter(Number.isFinite);
  return {
    factor,
    latest: of[of.length - 1]?.value ?? Number.NaN,
    mean: finiteMean(values),
    min: values.length > 0 ? Math.min(...values) : Number.NaN,
    max: values.length > 0 ? Math.max(...values) : Number.NaN,
    retrains: of.length,
  };
}

const PARTS = ['country', 'industry', 'style', 'specific', 'active'] as const;
const PART_LABELS = { country: 'Country', industry: 'Industry', style: 'Style', specific: 'Specific', active: 'Active' } as const;

/** Excess attribution through the risk model: cumulative parts over time, per year and month, per factor. */
export function attributionSection(attribution: ReportAttribution): Section {
  const columns = [text('period', 'Period'), int('days', 'Days'), ...PARTS.map((p) => pct(p, PART_LABELS[p], { plusSign: true }))];
  const rows = (periods: readonly ReportAttributionPeriod[]): TableRow[] => periods.map((p) => ({ period: p.period, days: p.days, country: p.country, industry: p.industry, style: p.style, specific: p.specific, active: p.active }));
  const t = attribution.total;
  const factors = [...attribution.byFactor].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.name.localeCompare(b.name));
  const blocks: Block[] = [
    {
      kind: 'lineChart',
      title: 'Cumulative attribution',
      x: [...attribution.dates],
      series: PARTS.map((p) => ({ name: PART_LABELS[p], values: cumulativeSum(attribution.daily[p]) })),
      yFormat: 'pct',
    },
    {
      kind: 'table',
      title: 'By year',
      columns,
      rows: [...rows(attribution.periods.year), { period: 'Whole run', days: attribution.dates.length, country: t.country, industry: t.industry, style: t.style, specific: t.specific, active: t.active }],
      rowMarks: [{ row: attribution.periods.year.length, style: 'emphasis' }],
    },
    { kind: 'table', title: 'By month', columns, rows: rows(attribution.periods.month) },
  ];
  if (factors.length > 0) {
    blocks.push({
      kind: 'table',
      title: 'By factor',
      note: 'Each factor’s active exposure at the previous close × its return, summed over the run; largest in size first.',
      columns: [text('name', 'Factor'), text('group', 'Group'), pct('contribution', 'Contribution', { digits: 3, plusSign: true }), num('mean_exposure', 'Mean active exposure', 3, { colorBySign: true })],
      rows: factors.map((f) => ({ name: f.name, group: f.group, contribution: f.contribution, mean_exposure: f.meanExposure })),
    });
  }
  if (attribution.notes.length > 0) blocks.push({ kind: 'note', text: attribution.notes.join('\n'), tone: 'info' });
  return {
    title: 'Attribution',
    intro: 'The active return split by the risk model: country, industry and style exposures (active, at the previous close) × factor returns, and the specific rest (stock selection). Daily parts are summed, not compounded; the lines are their running sums.',
    blocks,
  };
}

const contributionColumns = [
  int('rank', '#'),
  text('code', 'Stock'),
  pct('active_contribution', 'Active contribution', { digits: 3, plusSign: true }),
  pct('contribution', 'Contribution', { digits: 3 }),
  int('days_held', 'Days held'),
  pct('mean_weight', 'Mean weight', { colorBySign: false }),
  pct('mean_active_weight', 'Mean active weight', { plusSign: true }),
];

const contributionRow = (c: ReportContribution, rank: number): TableRow => ({
  rank,
  code: c.code,
  active_contribution: c.activeContribution,
  contribution: c.contribution,
  days_held: c.daysHeld,
  mean_weight: c.meanWeight,
  mean_active_weight: c.meanActiveWeight,
});

/** The stocks that added and took away most of the excess return. */
export function contributionSection(result: StrategyReportInput): Section {
  const ranked = result.contributions.filter((c) => Number.isFinite(c.activeContribution)).sort((a, b) => b.activeContribution - a.activeContribution || a.code.localeCompare(b.code));
  if (ranked.length === 0) return { title: 'Stock contribution', blocks: [{ kind: 'note', text: 'No stock contribution was recorded.', tone: 'info' }] };
  const top = ranked.slice(0, CONTRIBUTION_ROWS);
  const bottomCount = Math.min(CONTRIBUTION_ROWS, ranked.length - top.length);
  const bottom = ranked.slice(ranked.length - bottomCount).reverse();
  const shown = [...top, ...[...bottom].reverse()];
  const activeSum = ranked.reduce((s, c) => s + c.activeContribution, 0);
  const sum = ranked.reduce((s, c) => s + c.contribution, 0);
  return {
    title: 'Stock contribution',
    intro: 'Each stock’s contribution to the return, Σ w(t−1)·r(t), and to the excess, Σ (w − b)(t−1)·r(t), summed over the days (weights at the previous close, arithmetic: the sums over all stocks approximate the compounded figures).',
    blocks: [
      {
        kind: 'kv',
        title: 'Totals',
        items: [
          ['Stocks with a contribution', ranked.length],
          ['Σ active contribution', percent(activeSum, 3)],
          ['Σ contribution', percent(sum, 3)],
        ],
      },
      { kind: 'table', title: `Top ${top.length} by active contribution`, columns: contributionColumns, rows: top.map((c, i) => contributionRow(c, i + 1)) },
      ...(bottom.length > 0 ? [{ kind: 'table' as const, title: `Bottom ${bottom.length} by active contribution`, note: 'Worst first.', columns: contributionColumns, rows: bottom.map((c, i) => contributionRow(c, ranked.length - i)) }] : []),
      {
        kind: 'barChart',
        title: 'Active contribution of the stocks above',
        categories: shown.map((c) => c.code),
        series: [{ name: 'Active contribution', values: shown.map((c) => c.activeContribution) }],
        yFormat: 'pct',
        digits: 3,
        horizontal: true,
        colorBySign: true,
        height: Math.max(200, 60 + shown.length * 20),
      },
    ],
  };
}

/** The stock-level hit rate per rebalance period against the 10% of random picks. */
export function hitRateSection(result: StrategyReportInput): Section {
  const hit = result.hitRate;
  const periods = hit.periods;
  if (periods.length === 0) return { title: 'Stock-level hit rate', blocks: [{ kind: 'note', text: 'No rebalance period could be scored.', tone: 'info' }] };
  const chance = periods.map((p) => (p.stocks > 0 ? p.top / p.stocks : Number.NaN));
  const above = periods.filter((p, i) => p.hitRate > chance[i]!).length;
  const scored = periods.filter((p) => Number.isFinite(p.hitRate)).length;
  return {
    title: 'Stock-level hit rate',
    intro: `At each rebalance: the share of the positive active weight held in stocks that ended in the top ${percent(hit.decile, 0)} of the next period’s returns. Random picks hit the top group’s share of the ranked stocks (${percent(hit.decile, 0)}, a little more when returns tie at the edge).`,
    blocks: [
      {
        kind: 'lineChart',
        title: 'Hit rate per period',
        x: periods.map((p) => p.date),
        series: [
          { name: 'Hit rate', values: periods.map((p) => p.hitRate) },
          { name: 'Random picks', values: chance },
        ],
        yFormat: 'pct',
        digits: 1,
      },
      {
        kind: 'kv',
        title: 'Hit rate',
        items: [
          ['Mean hit rate', percent(hit.mean, 1)],
          ['Random picks', percent(hit.random, 1)],
          ['Periods above random', share(above, scored)],
          ['Mean stocks ranked', fixed(finiteMean(periods.map((p) => p.stocks)), 0)],
        ],
      },
    ],
  };
}
