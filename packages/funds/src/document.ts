import type { Block, ReportDocument, Section, TableColumn, TableRow } from '@factorkit/report';
import type { FundAnalytics } from './analytics.js';
import { indexFamilyName } from './families.js';
import { heavyHoldingsSection } from './holdings.js';
import { EXCLUSION_REASONS, type ExclusionReason, type FundNewHigh } from './types.js';
import type { WindowName } from './windows.js';

/** Options of {@link fundReport}. */
export interface FundReportOptions {
  /** When the analysis was made, shown as given (the page never reads the clock). */
  readonly generatedAt: string;
  readonly title?: string;
  /** What the data was (folder names), shown under the title. */
  readonly data?: string;
}

const WINDOW_LABELS: Readonly<Record<WindowName, string>> = { week: 'Week (本周)', month: 'Month (本月)', quarter: 'Quarter (本季)', ytd: 'Year to date (今年以来)' };

const REASON_LABELS: Readonly<Record<ExclusionReason, string>> = {
  nav_problem: 'faulty NAV rows',
  no_nav: 'no NAV up to the as-of date',
  not_in_funds: 'NAVs of a fund the funds table does not list',
  no_benchmark: 'no benchmark text',
  invalid_benchmark: 'benchmark text not readable',
  no_index_in_benchmark: 'benchmark without an index',
  missing_index: 'benchmark index without levels in the data',
  no_window_start: 'the calendar begins inside the window',
  too_young: 'no NAV at the window start (too young)',
  no_nav_at_end: 'no NAV at the window end',
  benchmark_gap: 'benchmark index level missing in the window',
};

/** Rows of the left-out list shown on the page; all of them are in `excluded.csv`. */
const SHOWN_EXCLUSIONS = 300;

const pct = (id: string, label: string, extra: Partial<TableColumn> = {}): TableColumn => ({ id, label, format: 'pct', ...extra });

/**
 * The fund analysis as a `@factorkit/report` document (render it with `renderHtml`): the run
 * (dates of each window, definitions, settings), the excess-return distribution per index family
 * and window, per family the funds sorted by excess in each window, the new-high rates, the
 * heavy-holdings index rebuilds, and everything left out with why. Every number on the page is in
 * the CSV files (each table names its file). Every text from the data (fund names, benchmark
 * texts) is escaped by the renderer: a name like `<script>` shows as text. Pure.
 */
export function fundReport(result: FundAnalytics, options: FundReportOptions): ReportDocument {
  const families = [...new Set(result.distribution.map((d) => d.benchmarkIndex))];
  return {
    title: options.title ?? `Public funds — as of ${result.lastDate}`,
    subtitle: `Excess returns of ${typesLabel(result.fundTypes)} against their composite benchmarks, new-high rates and the fund heavy-holdings index`,
    generatedAt: options.generatedAt,
    meta: [
      ...(options.data ? ([['Data', options.data]] as const) : []),
      ['As of', result.asOf === result.lastDate ? result.asOf : `${result.asOf} (last trading day ${result.lastDate})`],
      ['Excess', result.excessForm === 'difference' ? 'fund return − benchmark return' : '(1 + fund return) / (1 + benchmark return) − 1'],
      ['NAV', result.navColumn === 'nav' ? 'nav (adjusted unit NAV, dividends reinvested)' : result.navColumn],
    ],
    sections: [runSection(result), distributionSection(result), ...families.map((f) => familySection(result, f)), newHighSection(result), ...(result.heavyHoldings ? [heavyHoldingsSection(result.heavyHoldings)] : []), excludedSection(result)],
  };
}

function typesLabel(types: FundAnalytics['fundTypes']): string {
  if (types === 'all') return 'all funds';
  if (types.length === 1 && types[0] === 'index_enhanced') return 'index-enhanced funds';
  return `funds of type ${types.join(', ')}`;
}

function runSection(result: FundAnalytics): Section {
  const blocks: Block[] = [
    {
      kind: 'table',
      title: 'Windows',
      note: 'Each window runs from the last close before its period (the calendar week Monday–Sunday, month, quarter or year that holds the end day) to the close of the end day, the last trading day on or before the as-of date. Its trading days are those after the start close.',
      columns: [
        { id: 'window', label: 'Window', format: 'text' },
        { id: 'period', label: 'Period from', format: 'date' },
        { id: 'start', label: 'Start close', format: 'date' },
        { id: 'end', label: 'End close', format: 'date' },
        { id: 'days', label: 'Trading days', format: 'int' },
      ],
      rows: result.windows.map((w) => ({ window: WINDOW_LABELS[w.name], period: w.periodStart, start: w.start, end: w.end, days: w.tradingDays })),
    },
    {
      kind: 'kv',
      title: 'Definitions and settings',
      items: [
        ['Fund return', `NAV_end / NAV_start − 1 on \`${result.navColumn}\`${result.navColumn === 'nav' ? ' (the adjusted unit NAV, dividends reinvested)' : ''}`],
        ['Benchmark return', 'the composite benchmark (funds.benchmark), rebalanced daily, compounded over the window’s trading days'],
        ['Deposit rate', `${(result.depositRate * 100).toFixed(4)}% a year, after tax`],
        ['Excess', result.excessForm === 'difference' ? 'difference: fund return − benchmark return (the ratio form is in the library result)' : 'ratio: (1 + fund return) / (1 + benchmark return) − 1'],
        ['Index family', 'the main index of the benchmark: its index term with the largest weight'],
        ['Quartiles', 'linear interpolation between ranks (numpy’s default, type 7)'],
        ['New-high rate', `share of the window’s trading days on which \`${result.newHighColumn}\` closed strictly above every earlier value since the fund’s first NAV`],
        ['Fund types', result.fundTypes === 'all' ? 'all' : result.fundTypes.join(', ')],
        ['Funds analysed', result.funds.length],
      ],
    },
  ];
  const other = Object.entries(result.otherTypes);
  const notes = [...result.notes, ...(other.length > 0 ? [`Funds of other types, not analysed: ${other.map(([t, n]) => `${n} ${t || '(no type)'}`).join(', ')}.`] : [])];
  if (notes.length > 0) blocks.push({ kind: 'note', text: notes.join('\n'), tone: 'info' });
  return { title: 'Run', blocks };
}

function distributionSection(result: FundAnalytics): Section {
  const blocks: Block[] = [];
  if (result.distribution.length === 0) {
    blocks.push({ kind: 'note', text: 'No fund has a usable benchmark: there is no distribution. See “Left out”.', tone: 'warning' });
    return { title: 'Excess return distribution', blocks };
  }
  const families = [...new Set(result.distribution.map((d) => d.benchmarkIndex))];
  for (const w of result.windows) {
    const rows = result.distribution.filter((d) => d.window === w.name);
    blocks.push({
      kind: 'table',
      title: `${WINDOW_LABELS[w.name]}: ${w.start ?? '–'} → ${w.end}`,
      columns: [
        { id: 'index', label: 'Benchmark index', format: 'text' },
        { id: 'code', label: 'Code', format: 'text' },
        { id: 'funds', label: 'Funds', format: 'int' },
        pct('max', 'Max', { colorBySign: true }),
        pct('q75', 'Q75', { colorBySign: true }),
        pct('median', 'Median', { colorBySign: true, marks: { better: 'higher', best: 1, worst: 1 } }),
        pct('q25', 'Q25', { colorBySign: true }),
        pct('min', 'Min', { colorBySign: true }),
      ],
      rows: rows.map((d) => ({ index: d.indexName, code: d.benchmarkIndex, funds: d.funds, max: d.max, q75: d.q75, median: d.median, q25: d.q25, min: d.min })),
      source: 'excess_distribution.csv',
    });
  }
  blocks.push({
    kind: 'barChart',
    title: 'Median excess return by benchmark index',
    categories: families.map(indexFamilyName),
    series: result.windows.map((w) => ({ name: w.name, values: families.map((f) => result.distribution.find((d) => d.benchmarkIndex === f && d.window === w.name)?.median ?? Number.NaN) })),
    yFormat: 'pct',
    source: 'excess_distribution.csv',
  });
  return {
    title: 'Excess return distribution',
    intro: `Per benchmark index (the main index of each fund’s composite benchmark) and window: the funds with an excess return, and its maximum, quartiles, median and minimum (${result.excessForm}).`,
    blocks,
  };
}

function familySection(result: FundAnalytics, family: string): Section {
  const blocks: Block[] = result.windows.map((w) => {
    const rows: TableRow[] = result.excess
      .filter((e) => e.benchmarkIndex === family && e.window === w.name)
      .map((e) => ({ rank: e.rank, fund: e.fund, name: e.name, benchmark: e.benchmark, fund_return: e.fundReturn, benchmark_return: e.benchmarkReturn, excess: e.excess }));
    return {
      kind: 'table',
      title: `${WINDOW_LABELS[w.name]}: ${w.start ?? '–'} → ${w.end}`,
      columns: [
        { id: 'rank', label: '#', format: 'int' },
        { id: 'fund', label: 'Fund', format: 'text' },
        { id: 'name', label: 'Name', format: 'text' },
        { id: 'benchmark', label: 'Benchmark', format: 'text' },
        pct('fund_return', 'Fund return', { colorBySign: true }),
        pct('benchmark_return', 'Benchmark return', { colorBySign: true }),
        pct('excess', 'Excess', { colorBySign: true, plusSign: true, marks: { better: 'higher', best: 3, worst: 3 } }),
      ],
      rows,
      ...(rows.length === 0 ? { note: 'No fund of this index has an excess return over this window (see “Left out”).' } : {}),
      source: 'fund_excess.csv',
    };
  });
  return { title: `${indexFamilyName(family)}${indexFamilyName(family) === family ? '' : ` (${family})`}`, intro: 'The funds sorted by excess return in each window.', blocks };
}

function newHighSection(result: FundAnalytics): Section {
  const byFund = new Map<string, Map<WindowName, FundNewHigh>>();
  for (const h of result.newHigh) {
    const windows = byFund.get(h.fund) ?? new Map<WindowName, FundNewHigh>();
    windows.set(h.window, h);
    byFund.set(h.fund, windows);
  }
  const last = result.windows[result.windows.length - 1]!.name;
  const rows = [...byFund].map(([fund, windows]) => {
    const row: Record<string, string | number | undefined> = { fund, name: [...windows.values()][0]?.name };
    for (const w of result.windows) {
      const h = windows.get(w.name);
      row[w.name] = h?.rate;
      row[`${w.name}_days`] = h ? `${h.newHighs} / ${h.tradingDays}` : undefined;
    }
    return row;
  });
  rows.sort((a, b) => ((b[last] as number | undefined) ?? -1) - ((a[last] as number | undefined) ?? -1) || String(a['fund']).localeCompare(String(b['fund'])));
  const blocks: Block[] = [
    {
      kind: 'table',
      title: 'New-high rate',
      note: `Share of each window’s trading days on which the NAV (\`${result.newHighColumn}\`) closed strictly above every earlier NAV since the fund’s first one; “new highs / days” beside it. Sorted by the ${last} rate.`,
      columns: [
        { id: 'fund', label: 'Fund', format: 'text' },
        { id: 'name', label: 'Name', format: 'text' },
        ...result.windows.flatMap((w): TableColumn[] => [pct(w.name, w.name, { digits: 1, marks: { better: 'higher', best: 3, worst: 0 } }), { id: `${w.name}_days`, label: 'highs / days', format: 'text' }]),
      ],
      rows,
      source: 'new_high.csv',
    },
  ];
  if (rows.length === 0) blocks.push({ kind: 'note', text: 'No fund has a NAV over any window.', tone: 'warning' });
  return { title: 'New-high rate', blocks };
}

function excludedSection(result: FundAnalytics): Section {
  const blocks: Block[] = [];
  if (result.excluded.length === 0) {
    blocks.push({ kind: 'note', text: 'Nothing was left out.', tone: 'info' });
    return { title: 'Left out', blocks };
  }
  const reasons = EXCLUSION_REASONS.filter((r) => result.excluded.some((x) => x.reason === r));
  blocks.push({
    kind: 'table',
    title: 'Counts',
    columns: [
      { id: 'reason', label: 'Reason', format: 'text' },
      { id: 'code', label: 'Code', format: 'text' },
      { id: 'from', label: 'Left out of', format: 'text' },
      { id: 'all', label: 'All windows', format: 'int' },
      ...result.windows.map((w): TableColumn => ({ id: w.name, label: w.name, format: 'int' })),
    ],
    rows: reasons.map((reason) => {
      const of = result.excluded.filter((x) => x.reason === reason);
      const row: Record<string, string | number> = { reason: REASON_LABELS[reason], code: reason, from: of[0]!.from === 'all' ? 'everything' : 'excess return', all: of.filter((x) => x.window === undefined).length };
      for (const w of result.windows) row[w.name] = of.filter((x) => x.window === w.name).length;
      return row;
    }),
    source: 'excluded.csv',
  });
  const shown = result.excluded.slice(0, SHOWN_EXCLUSIONS);
  blocks.push({
    kind: 'table',
    title: 'Funds left out',
    ...(result.excluded.length > shown.length ? { note: `The first ${shown.length} of ${result.excluded.length}; every one is in excluded.csv.` } : {}),
    columns: [
      { id: 'fund', label: 'Fund', format: 'text' },
      { id: 'name', label: 'Name', format: 'text' },
      { id: 'window', label: 'Window', format: 'text' },
      { id: 'reason', label: 'Reason', format: 'text' },
      { id: 'detail', label: 'Detail', format: 'text' },
    ],
    rows: shown.map((x) => ({ fund: x.fund, name: x.name, window: x.window ?? 'all', reason: x.reason, detail: x.detail })),
    source: 'excluded.csv',
  });
  return { title: 'Left out', intro: 'Every fund, or fund in a window, that the tables above do not hold, and why.', blocks };
}
