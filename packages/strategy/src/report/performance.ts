/** The strategy page's performance sections: headline metrics, NAV, excess and drawdown curves, period tables. */
import type { PeriodRow } from '@factorkit/backtest';
import type { Block, Section, TableColumn, TableRow } from '@factorkit/report';
import { date, fixed, int, pct, percent, text } from './format.js';
import { drawdownSeries, ratioSeries } from './series.js';
import type { StrategyReportInput } from './types.js';

/** Weeks shown in the "last weeks" table; every week is in periods.csv. */
export const LAST_WEEKS = 12;

/** The headline figures: returns in both excess forms, then risk, trading and consistency. */
export function summarySection(result: StrategyReportInput): Section {
  const m = result.backtest.metrics;
  const returns: Block = {
    kind: 'table',
    title: 'Returns',
    note: 'Geometric over the actual calendar (calendar days / 365). Excess as the difference of the returns and as the ratio (1 + strategy) / (1 + benchmark) − 1, the growth of the excess curve nav / benchmark_nav.',
    columns: [text('metric', 'Metric'), pct('strategy', 'Strategy'), pct('benchmark', 'Benchmark'), pct('excess', 'Excess (difference)', { plusSign: true }), pct('excess_ratio', 'Excess (ratio)', { plusSign: true })],
    rows: [
      { metric: 'Annual return', strategy: m.annualReturn, benchmark: m.benchmarkAnnualReturn, excess: m.annualExcess, excess_ratio: m.annualExcessRatio },
      { metric: 'Total return', strategy: m.totalReturn, benchmark: m.benchmarkTotalReturn, excess: m.totalExcess, excess_ratio: m.totalExcessRatio },
    ],
    source: 'metrics.json',
  };
  const risk: Block = {
    kind: 'kv',
    title: 'Risk, trading and consistency',
    items: [
      ['Tracking error (annualised)', percent(m.trackingError)],
      ['Information ratio', fixed(m.informationRatio)],
      ['Annual volatility', percent(m.annualVolatility)],
      ['Max drawdown of the NAV', percent(m.maxDrawdown)],
      ['Max drawdown of the excess curve', percent(m.excessMaxDrawdown)],
      ['Turnover (one-way, a year)', `${fixed(m.turnover)}×`],
      ['Cost drag (a year)', percent(m.costDrag)],
      ['Weekly win rate', percent(m.weeklyWinRate, 1)],
      ['Monthly win rate', percent(m.monthlyWinRate, 1)],
      ['New-high rate of the NAV', percent(m.newHighRate, 1)],
      ['New-high rate of the excess curve', percent(m.excessNewHighRate, 1)],
      ['Trading days', m.days],
      ['Years', fixed(m.years)],
    ],
  };
  return {
    title: 'Summary',
    intro: `${result.name} against ${result.benchmark}, ${m.start} → ${m.end}. Win rates: the share of calendar weeks (ISO) and months whose return beat the benchmark’s. New-high rate: the share of days closing above every earlier close.`,
    blocks: [returns, risk],
  };
}

/** NAV against the benchmark, the excess curve and the drawdowns of both, day by day. */
export function curvesSection(result: StrategyReportInput): Section {
  const bt = result.backtest;
  const x = [...bt.dates];
  const excess = ratioSeries(bt.nav, bt.benchmarkNav);
  const strategyName = result.name;
  const benchmarkName = result.benchmark === strategyName ? `${result.benchmark} (benchmark)` : result.benchmark;
  return {
    title: 'NAV and excess',
    intro: `Day by day from the start (all cash, NAV 1). ${x.length.toLocaleString('en-US')} closes; the charts draw at most one point per pixel column (ECharts’ LTTB sampling keeps the peaks and troughs), every close is in nav.csv.`,
    blocks: [
      { kind: 'lineChart', title: 'NAV and benchmark', x, series: [{ name: strategyName, values: bt.nav }, { name: benchmarkName, values: bt.benchmarkNav }], yFormat: 'number', digits: 4, source: 'nav.csv' },
      { kind: 'lineChart', title: 'Excess curve (nav / benchmark_nav)', x, series: [{ name: 'Excess curve', values: excess }], yFormat: 'number', digits: 4, source: 'nav.csv' },
      {
        kind: 'lineChart',
        title: 'Drawdowns',
        note: 'The fall from the running peak: value / peak − 1.',
        x,
        series: [
          { name: 'NAV', values: drawdownSeries(bt.nav) },
          { name: 'Excess curve', values: drawdownSeries(excess) },
        ],
        yFormat: 'pct',
        source: 'nav.csv',
      },
    ],
  };
}

const periodColumns = (label: string): TableColumn[] => [
  text('period', label),
  date('start', 'From close'),
  date('end', 'To close'),
  int('days', 'Days'),
  pct('return', 'Return'),
  pct('benchmark_return', 'Benchmark'),
  pct('excess', 'Excess', { plusSign: true }),
  pct('excess_ratio', 'Excess (ratio)', { plusSign: true }),
];

const periodRow = (p: PeriodRow): TableRow => ({ period: p.period, start: p.start, end: p.end, days: p.days, return: p.return, benchmark_return: p.benchmarkReturn, excess: p.excess, excess_ratio: p.excessRatio });

const MONTHS = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'] as const;
const MONTH_LABELS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** Monthly excess returns as a year × month grid, with the year's excess beside. */
function monthGrid(month: readonly PeriodRow[], year: readonly PeriodRow[]): Block {
  const byYear = new Map<string, TableRow & Record<string, number | string>>();
  for (const y of year) byYear.set(y.period, { year: y.period, total: y.excess });
  for (const p of month) {
    const [y, mm] = p.period.split('-') as [string, string];
    const row = byYear.get(y) ?? { year: y };
    row[`m${mm}`] = p.excess;
    byYear.set(y, row);
  }
  return {
    kind: 'table',
    title: 'Monthly excess return',
    note: 'Excess as the difference: month return − benchmark month return; the year’s excess at the right. Each month’s returns are in periods.csv (frequency month).',
    columns: [text('year', 'Year'), ...MONTHS.map((mm, i) => pct(`m${mm}`, MONTH_LABELS[i]!, { digits: 1 })), pct('total', 'Year', { digits: 1 })],
    rows: [...byYear.values()].sort((a, b) => String(a.year).localeCompare(String(b.year))),
    source: 'periods.csv',
  };
}

/** Year, quarter and month tables and the last weeks, each with excess in both forms. */
export function periodsSection(result: StrategyReportInput): Section {
  const periods = result.backtest.periods;
  const weeks = periods.week.slice(-LAST_WEEKS);
  return {
    title: 'Periods',
    intro: 'Returns per calendar period: each from the last close before the period to its last close in the run (the first from the start).',
    blocks: [
      { kind: 'table', title: 'Years', columns: periodColumns('Year'), rows: periods.year.map(periodRow), source: 'periods.csv' },
      { kind: 'table', title: 'Quarters', columns: periodColumns('Quarter'), rows: periods.quarter.map(periodRow), source: 'periods.csv' },
      monthGrid(periods.month, periods.year),
      {
        kind: 'table',
        title: `Last ${weeks.length === 1 ? 'week' : `${weeks.length} weeks`}`,
        note: 'ISO weeks, newest last; every week is in periods.csv.',
        columns: periodColumns('Week'),
        rows: weeks.map(periodRow),
        source: 'periods.csv',
      },
    ],
  };
}
