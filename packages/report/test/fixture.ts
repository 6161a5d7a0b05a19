/** A report document shaped like the weekly tracking report, from a seeded generator. */
import type { LineChartBlock, ReportDocument, TableBlock, TableRow } from '../src/index.js';

/** A small deterministic generator (mulberry32): the same numbers on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FACTORS = ['ep_ttm', 'bp', 'roe_q', 'momentum_1y', 'reversal_3m', 'turnover_1m', 'volatility_3m', 'size', 'expected_ep', 'sue', 'profit_yoy', 'illiquidity', 'beta', 'dividend_yield', 'analyst_revision'];

/** Weekday dates from `start`, `count` of them. */
export function weekdays(start: string, count: number): string[] {
  const out: string[] = [];
  const day = new Date(`${start}T00:00:00Z`);
  while (out.length < count) {
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6) out.push(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return out;
}

export function trackingTable(random: () => number, factors: readonly string[] = FACTORS): TableBlock {
  const rows: TableRow[] = factors.map((factor) => ({
    factor,
    direction: random() < 0.8 ? 1 : -1,
    week: (random() - 0.45) * 0.02,
    month: (random() - 0.45) * 0.05,
    ytd: (random() - 0.4) * 0.12,
    annualised: (random() - 0.3) * 0.15,
    ir: (random() - 0.3) * 2.5,
    max_drawdown: -random() * 0.2,
    win_rate: 0.4 + random() * 0.25,
  }));
  rows.push({ factor: 'benchmark (000905.SH)', direction: null, week: 0.0042, month: -0.0123, ytd: 0.031, annualised: 0.052, ir: Number.NaN, max_drawdown: -0.35, win_rate: null });
  const marks = { better: 'higher' } as const;
  return {
    kind: 'table',
    title: 'MFE excess return by factor',
    note: 'Excess over the benchmark, compounded on trading days; weekly rebalance.',
    columns: [
      { id: 'factor', label: 'Factor', format: 'text' },
      { id: 'direction', label: 'Dir.', format: 'int', description: '+1: higher is better; -1: lower is better' },
      { id: 'week', label: 'Last week', format: 'pct', colorBySign: true, marks },
      { id: 'month', label: 'Last month', format: 'pct', colorBySign: true, marks },
      { id: 'ytd', label: 'YTD', format: 'pct', colorBySign: true, marks },
      { id: 'annualised', label: 'Annualised', format: 'pct', colorBySign: true, marks },
      { id: 'ir', label: 'IR', format: 'number', marks },
      { id: 'max_drawdown', label: 'Max DD', format: 'pct', marks: { better: 'higher', best: 2, worst: 2 } },
      { id: 'win_rate', label: 'Win rate', format: 'pct', digits: 1 },
    ],
    rows,
    rowMarks: [{ row: rows.length - 1, style: 'emphasis', unranked: true }],
    source: 'tracking.csv',
  };
}

export function excessChart(random: () => number, dates: readonly string[], factors: readonly string[] = FACTORS): LineChartBlock {
  return {
    kind: 'lineChart',
    title: 'Cumulative excess return',
    x: dates,
    yFormat: 'pct',
    series: factors.map((name, f) => {
      const drift = (f % 5) * 0.0002 - 0.0002;
      let level = 1;
      const values = dates.map((_, i) => {
        if (f === 3 && i > 40 && i < 60) return Number.NaN; // a gap: no holdings those weeks
        level *= 1 + drift + (random() - 0.5) * 0.006;
        return level - 1;
      });
      return { name, values };
    }),
    source: 'mfe.csv',
  };
}

/** Two tables, three charts (two line, one bar), a note and a key/value list. */
export function sampleDocument(): ReportDocument {
  const random = seeded(20240628);
  const dates = weekdays('2023-01-02', 370);
  const icYears = ['2019', '2020', '2021', '2022', '2023'];
  return {
    title: 'Factor tracking — week of 2024-06-28',
    subtitle: 'Maximum-factor-exposure portfolios against their benchmarks · 中证500 / 沪深300',
    generatedAt: '2024-06-29T08:00:00Z',
    meta: [
      ['Data', 'cn-csi300 (2014-01-02 → 2024-06-28)'],
      ['As of', '2024-06-28'],
      ['Universes', 'csi300, csi500'],
      ['Rebalance', 'weekly'],
      ['Code', 'factorkit 0.4.0'],
    ],
    sections: [
      {
        title: 'CSI 500 (000905.SH)',
        intro: 'Benchmark 95% 000905.SH + 5% deposit. Industry and size neutral, ±1% per stock.',
        blocks: [
          trackingTable(random),
          excessChart(random, dates),
          { kind: 'note', text: '2 rebalance dates were infeasible (turnover limit too tight); those weeks kept the previous holdings.', tone: 'warning' },
        ],
      },
      {
        title: 'CSI 300 (000300.SH) — IC',
        blocks: [
          {
            kind: 'table',
            title: 'IC summary',
            columns: [
              { id: 'factor', label: 'Factor', format: 'text' },
              { id: 'start', label: 'From', format: 'date' },
              { id: 'n', label: 'Dates', format: 'int' },
              { id: 'ic', label: 'IC mean', format: 'number', digits: 4, colorBySign: true, marks: { better: 'higher', best: 2, worst: 2 } },
              { id: 'icir', label: 'ICIR', format: 'number', colorBySign: true, marks: { better: 'higher', best: 2, worst: 2 } },
              { id: 'positive', label: 'IC > 0', format: 'pct', digits: 1 },
            ],
            rows: FACTORS.slice(0, 6).map((factor) => ({ factor, start: '2014-01-02', n: 2_450, ic: (random() - 0.4) * 0.08, icir: (random() - 0.4) * 1.2, positive: 0.45 + random() * 0.2 })),
            source: 'ic.csv',
          },
          {
            kind: 'barChart',
            title: 'Rank IC by year (ep_ttm)',
            categories: icYears,
            series: [{ name: 'ep_ttm', values: icYears.map(() => (random() - 0.4) * 0.1) }],
            yFormat: 'number',
            digits: 3,
            colorBySign: true,
            height: 260,
          },
          {
            kind: 'lineChart',
            title: 'IC decay',
            x: Array.from({ length: 20 }, (_, i) => String(i + 1)),
            series: FACTORS.slice(0, 4).map((name) => ({ name, values: Array.from({ length: 20 }, (_, i) => (0.05 - 0.002 * i) * (random() + 0.5)) })),
            yFormat: 'number',
            digits: 3,
            height: 260,
            lastValueInLegend: false,
          },
          { kind: 'kv', title: 'Parameters', items: [['Horizon', '5 trading days'], ['Groups', 10], ['Preprocessing', 'winsorise (MAD 5), neutralise (industry, size), standardise']] },
        ],
      },
    ],
  };
}
