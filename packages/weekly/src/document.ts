import { trackingTables } from '@factorkit/evaluate';
import type { TrackingResult } from '@factorkit/evaluate';
import { type FundAnalytics, indexFamilyName } from '@factorkit/funds';
import type { Block, ColumnMarks, ReportDocument, Section, TableColumn, TableRow } from '@factorkit/report';
import type { AbsentSection, WeeklyResult, WeeklySectionName, WeeklyStrategies, WeeklyStrategy } from './types.js';
import { STRATEGY_WINDOWS } from './windows.js';

/** Options of {@link weeklyReport}. */
export interface WeeklyReportOptions {
  /** When the report was made, shown as given (the page never reads the clock). */
  readonly generatedAt: string;
  readonly title?: string;
  /** What the data was (folder names), shown under the title. */
  readonly data?: string;
}

const SECTION_TITLES: Readonly<Record<WeeklySectionName, string>> = {
  strategies: 'Enhanced strategies',
  tracking: 'MFE factor tables',
  funds: 'Public funds: excess distribution',
};

const WINDOW_LABELS: Readonly<Record<string, string>> = { week: 'Week (本周)', month: 'Month (本月)', quarter: 'Quarter (本季)', ytd: 'Year to date (今年以来)' };

const marks = (better: 'higher' | 'lower', marked: number): ColumnMarks => ({ better, best: marked, worst: marked });
const pct = (id: string, label: string, extra: Partial<TableColumn> = {}): TableColumn => ({ id, label, format: 'pct', ...extra });

/** How many best and worst rows each column marks: 3 of 12 or more, fewer in a short list, none below 4. */
function markedCount(rows: number): number {
  return Math.min(3, Math.floor(rows / 4));
}

/**
 * The weekly report as a `@factorkit/report` document (render it with `renderHtml`), one page:
 * the week (dates of each window, what each section holds or why it is absent); the enhanced
 * strategies' excess last week, this month and year to date (difference and ratio form) with
 * their annualised excess, tracking error, IR and maximum excess drawdown, and their excess
 * curves this year; per universe, the MFE factor table (week, month, YTD, annualised excess,
 * best and worst factors marked); and the fund excess distribution per benchmark index and
 * window. An absent section is shown with its reason. Every number on the page is in the CSV
 * files or `weekly.json` (each table names its file). Pure: the same result and options give
 * the same document.
 */
export function weeklyReport(result: WeeklyResult, options: WeeklyReportOptions): ReportDocument {
  return {
    title: options.title ?? `Weekly report — week ending ${result.lastDate}`,
    subtitle: 'Enhanced strategies against their composite benchmarks, the MFE factor tables per universe, and the excess distribution of index-enhanced funds',
    generatedAt: options.generatedAt,
    meta: [
      ...(options.data ? ([['Data', options.data]] as const) : []),
      ['As of', result.asOf === result.lastDate ? result.asOf : `${result.asOf} (last trading day ${result.lastDate})`],
      ['Week', windowText(result, 'week')],
      ['Year to date', windowText(result, 'ytd')],
    ],
    sections: [
      weekSection(result),
      ...(result.strategies.status === 'ok' ? [strategiesSection(result, result.strategies.value.strategies)] : [absentSection('strategies', result.strategies)]),
      ...(result.tracking.status === 'ok' ? trackingSections(result.tracking.value) : [absentSection('tracking', result.tracking)]),
      result.funds.status === 'ok' ? fundsSection(result.funds.value) : absentSection('funds', result.funds),
    ],
  };
}

function windowText(result: WeeklyResult, name: string): string {
  const w = result.windows.find((x) => x.name === name);
  return w ? `${w.start ?? '–'} → ${w.end} (${w.tradingDays} trading days)` : '–';
}

function absentSection(name: WeeklySectionName, section: AbsentSection): Section {
  const label = section.why === 'failed' ? 'Failed' : section.why === 'missing_data' ? 'Not in the data' : 'Not requested';
  return { title: SECTION_TITLES[name], blocks: [{ kind: 'note', text: `Absent — ${label}: ${section.reason}`, tone: 'warning' }] };
}

function weekSection(result: WeeklyResult): Section {
  const status = (name: WeeklySectionName): TableRow => {
    const section = result[name];
    if (section.status === 'absent') return { section: SECTION_TITLES[name], status: 'absent', detail: section.reason };
    return { section: SECTION_TITLES[name], status: 'shown', detail: presentDetail(result, name) };
  };
  const blocks: Block[] = [
    {
      kind: 'table',
      title: 'Windows',
      note: 'Each window runs from the last close before its period (the ISO week Monday–Sunday, the month, quarter or year that holds the end day) to the close of the end day, the last trading day on or before the as-of date.',
      columns: [
        { id: 'window', label: 'Window', format: 'text' },
        { id: 'period', label: 'Period from', format: 'date' },
        { id: 'start', label: 'Start close', format: 'date' },
        { id: 'end', label: 'End close', format: 'date' },
        { id: 'days', label: 'Trading days', format: 'int' },
      ],
      rows: result.windows.map((w) => ({ window: WINDOW_LABELS[w.name] ?? w.name, period: w.periodStart, start: w.start, end: w.end, days: w.tradingDays })),
      source: 'weekly.json',
    },
    {
      kind: 'table',
      title: 'Contents',
      columns: [
        { id: 'section', label: 'Section', format: 'text' },
        { id: 'status', label: 'Status', format: 'text' },
        { id: 'detail', label: 'Detail', format: 'text' },
      ],
      rows: (['strategies', 'tracking', 'funds'] as const).map(status),
      rowMarks: (['strategies', 'tracking', 'funds'] as const).flatMap((name, row) => (result[name].status === 'absent' ? [{ row, style: 'warning' as const }] : [])),
      source: 'weekly.json',
    },
  ];
  const notes = [...result.notes];
  if (result.problems.length > 0) blocks.push({ kind: 'note', text: result.problems.map((p) => `${SECTION_TITLES[p.section]} [${p.code}]: ${p.message}`).join('\n'), tone: 'warning' });
  if (notes.length > 0) blocks.push({ kind: 'note', text: notes.join('\n'), tone: 'info' });
  return { title: 'This week', blocks };
}

function presentDetail(result: WeeklyResult, name: WeeklySectionName): string {
  if (name === 'strategies' && result.strategies.status === 'ok') {
    const list = result.strategies.value.strategies;
    const failed = list.filter((s) => s.status === 'failed').length;
    return `${list.length} strateg${list.length === 1 ? 'y' : 'ies'}${failed > 0 ? `, ${failed} failed` : ''}`;
  }
  if (name === 'tracking' && result.tracking.status === 'ok') {
    const t = result.tracking.value;
    const resumed = t.series.filter((s) => s.reuse.status === 'resumed').length;
    return `${t.factors.length} factors × ${t.universes.length} universes (${t.universes.map((u) => u.name).join(', ')}), ${t.config.frequency} rebalancing from ${t.start}${resumed > 0 ? `; ${resumed} of ${t.series.length} series went on from the previous run` : ''}${t.skippedFactors.length > 0 ? `; left out: ${t.skippedFactors.map((f) => f.name).join(', ')}` : ''}`;
  }
  if (name === 'funds' && result.funds.status === 'ok') {
    const f = result.funds.value;
    return `${f.funds.length} funds in ${new Set(f.distribution.map((d) => d.benchmarkIndex)).size} index families; ${f.excluded.length} left out (fund or window)`;
  }
  return '';
}

function strategiesSection(result: WeeklyResult, list: WeeklyStrategies['strategies']): Section {
  const ok = list.filter((s): s is WeeklyStrategy => s.status === 'ok');
  const marked = markedCount(ok.length);
  const mark = (better: 'higher' | 'lower'): Partial<TableColumn> => (marked > 0 ? { marks: marks(better, marked) } : {});
  const blocks: Block[] = [];
  if (ok.length > 0) {
    const row = (s: WeeklyStrategy, ratio: boolean): TableRow => {
      const out: Record<string, string | number | undefined> = { strategy: s.name, benchmark: s.benchmark, start: s.start };
      for (const name of STRATEGY_WINDOWS) {
        const w = s.windows.find((x) => x.name === name);
        out[name] = ratio ? w?.excessRatio : w?.excess;
      }
      out['annual'] = ratio ? s.annualExcessRatio : s.annualExcess;
      out['te'] = s.trackingError;
      out['ir'] = s.informationRatio;
      out['mdd'] = s.excessMaxDrawdown;
      return out;
    };
    blocks.push({
      kind: 'table',
      title: 'Excess return (difference: strategy − benchmark)',
      note: 'Week, month and YTD windows as above, from each backtest’s daily NAV and its composite benchmark’s; a window of a strategy that started inside it starts at its first close. Annualised, tracking error, IR and max excess drawdown over the whole backtest.',
      columns: [
        { id: 'strategy', label: 'Strategy', format: 'text' },
        { id: 'benchmark', label: 'Benchmark', format: 'text' },
        pct('week', 'Week', { colorBySign: true, plusSign: true, ...mark('higher') }),
        pct('month', 'Month', { colorBySign: true, plusSign: true, ...mark('higher') }),
        pct('ytd', 'YTD', { colorBySign: true, plusSign: true, ...mark('higher') }),
        pct('annual', 'Annualised', { colorBySign: true, ...mark('higher') }),
        pct('te', 'TE', { description: 'tracking error: annualised standard deviation of the daily excess', ...mark('lower') }),
        { id: 'ir', label: 'IR', format: 'number', description: 'information ratio: annualised excess / tracking error', colorBySign: true, ...mark('higher') },
        pct('mdd', 'Excess DD', { description: 'the largest fall of the excess curve (NAV / benchmark NAV)', ...mark('lower') }),
        { id: 'start', label: 'Since', format: 'date' },
      ],
      rows: ok.map((s) => row(s, false)),
      source: 'strategies.csv',
    });
    blocks.push({
      kind: 'table',
      title: 'Excess return (ratio: (1 + strategy) / (1 + benchmark) − 1)',
      columns: [
        { id: 'strategy', label: 'Strategy', format: 'text' },
        pct('week', 'Week', { colorBySign: true, plusSign: true }),
        pct('month', 'Month', { colorBySign: true, plusSign: true }),
        pct('ytd', 'YTD', { colorBySign: true, plusSign: true }),
        pct('annual', 'Annualised', { colorBySign: true }),
      ],
      rows: ok.map((s) => row(s, true)),
      source: 'strategies.csv',
    });
    const curve = ytdCurves(result, ok);
    if (curve) blocks.push(curve);
  }
  const failed = list.filter((s) => s.status === 'failed');
  if (failed.length > 0) blocks.push({ kind: 'note', text: failed.map((s) => `${s.name} did not run [${s.code}]: ${s.message}`).join('\n'), tone: 'warning' });
  const warnings = ok.flatMap((s) => s.warnings.map((n) => `${s.name}: ${n}`));
  if (warnings.length > 0) blocks.push({ kind: 'note', text: warnings.join('\n'), tone: 'warning' });
  const notes = ok.flatMap((s) => s.notes.map((n) => `${s.name}: ${n}`));
  if (notes.length > 0) blocks.push({ kind: 'note', text: notes.join('\n'), tone: 'info' });
  return { title: SECTION_TITLES.strategies, intro: 'Each strategy backtested up to the report’s last trading day under A-share rules, after costs, against its composite benchmark.', blocks };
}

/** The excess curve (ratio form) of each strategy since the YTD start close. */
function ytdCurves(result: WeeklyResult, ok: readonly WeeklyStrategy[]): Block | undefined {
  const ytd = result.windows.find((w) => w.name === 'ytd');
  const from = ytd?.start ?? ok.map((s) => s.start).sort()[0]!;
  const dates = [...new Set(ok.flatMap((s) => s.result.backtest.dates.filter((d) => d >= from)))].sort();
  if (dates.length < 2) return undefined;
  const at = new Map(dates.map((d, i) => [d, i]));
  return {
    kind: 'lineChart',
    title: 'Excess this year (ratio form, cumulative)',
    x: dates,
    series: ok.map((s) => {
      const b = s.result.backtest;
      const values = new Float64Array(dates.length).fill(Number.NaN);
      let base = -1;
      for (let k = 0; k < b.dates.length; k++) {
        if (b.dates[k]! < from) continue;
        if (base < 0) base = k;
        values[at.get(b.dates[k]!)!] = b.nav[k]! / b.benchmarkNav[k]! / (b.nav[base]! / b.benchmarkNav[base]!) - 1;
      }
      return { name: s.name, values };
    }),
    yFormat: 'pct',
    source: 'strategy_nav.csv',
  };
}

function trackingSections(tracking: TrackingResult): Section[] {
  const table = trackingTables(tracking).find((t) => t.file === 'tracking.csv')!;
  const rows = [...table.rows()];
  return tracking.universes.map((u) => {
    const mine = rows.filter((r) => r['universe'] === u.name);
    const series = tracking.series.filter((s) => s.universe === u.name);
    const marked = Math.max(1, markedCount(mine.length));
    const blocks: Block[] = [];
    const notes = [...u.notes, ...tracking.skippedFactors.map((f) => `${f.name} left out: ${f.message}`)];
    if (notes.length > 0) blocks.push({ kind: 'note', text: notes.join('\n'), tone: 'warning' });
    if (mine.length === 0) {
      blocks.push({ kind: 'note', text: 'No factor has a series in this universe.', tone: 'warning' });
    } else {
      blocks.push({
        kind: 'table',
        title: 'MFE excess return by factor',
        note: 'The maximum-factor-exposure portfolio of each factor against the universe’s benchmark, after costs. Week: since the end of the previous ISO week; month: since the previous month end; YTD: this calendar year; annualised over the whole history. Max DD: the largest fall of the excess curve. The full tracking output (per-date tables, IC, report) is in tracking/.',
        columns: [
          { id: 'factor', label: 'Factor', format: 'text' },
          { id: 'direction', label: 'Dir', format: 'int', plusSign: true },
          pct('week', 'Week', { colorBySign: true, marks: marks('higher', marked) }),
          pct('month', 'Month', { colorBySign: true, marks: marks('higher', marked) }),
          pct('ytd', 'YTD', { colorBySign: true, marks: marks('higher', marked) }),
          pct('annualised', 'Annualised', { colorBySign: true, marks: marks('higher', marked) }),
          { id: 'ir', label: 'IR', format: 'number', colorBySign: true, marks: marks('higher', marked) },
          pct('max_drawdown', 'Max DD', { marks: marks('lower', marked) }),
          pct('win_rate', 'Win rate', { digits: 1 }),
        ],
        rows: mine,
        rowMarks: series.flatMap((s, row) => (s.outcome === 'empty' ? [{ row, style: 'warning' as const, unranked: true }] : [])),
        source: 'mfe_factors.csv',
      });
      blocks.push({
        kind: 'barChart',
        title: 'MFE excess this week',
        categories: mine.map((r) => String(r['factor'])),
        series: [{ name: 'week', values: mine.map((r) => Number(r['week'])) }],
        yFormat: 'pct',
        colorBySign: true,
        horizontal: true,
        source: 'mfe_factors.csv',
      });
    }
    return { title: `MFE factors — ${u.name} (${u.id})`, intro: `${tracking.config.frequency} rebalancing from ${tracking.start}; benchmark weights: ${u.weights}.`, blocks };
  });
}

function fundsSection(funds: FundAnalytics): Section {
  const blocks: Block[] = [];
  if (funds.distribution.length === 0) {
    blocks.push({ kind: 'note', text: `No fund has a usable benchmark: there is no distribution (${funds.excluded.length} funds or windows left out; \`factorkit funds\` lists them).`, tone: 'warning' });
    return { title: SECTION_TITLES.funds, blocks };
  }
  for (const w of funds.windows) {
    const rows = funds.distribution.filter((d) => d.window === w.name);
    blocks.push({
      kind: 'table',
      title: `${WINDOW_LABELS[w.name] ?? w.name}: ${w.start ?? '–'} → ${w.end}`,
      columns: [
        { id: 'index', label: 'Benchmark index', format: 'text' },
        { id: 'code', label: 'Code', format: 'text' },
        { id: 'funds', label: 'Funds', format: 'int' },
        pct('max', 'Max', { colorBySign: true }),
        pct('q75', 'Q75', { colorBySign: true }),
        pct('median', 'Median', { colorBySign: true }),
        pct('q25', 'Q25', { colorBySign: true }),
        pct('min', 'Min', { colorBySign: true }),
      ],
      rows: rows.map((d) => ({ index: indexFamilyName(d.benchmarkIndex), code: d.benchmarkIndex, funds: d.funds, max: d.max, q75: d.q75, median: d.median, q25: d.q25, min: d.min })),
      source: 'fund_excess_distribution.csv',
    });
  }
  const excluded = funds.excluded.length;
  const types = funds.fundTypes === 'all' ? 'funds of every type' : `${funds.fundTypes.join(', ')} funds`;
  blocks.push({
    kind: 'note',
    text: `${funds.funds.length} ${types}, excess in the ${funds.excessForm} form against each fund’s composite benchmark; ${excluded} fund${excluded === 1 ? '' : 's'} or fund-windows left out (the reasons are in weekly.json; \`factorkit funds\` writes the per-fund tables).`,
    tone: 'info',
  });
  return { title: SECTION_TITLES.funds, intro: 'Per benchmark index (the main index of each fund’s benchmark) and window: the number of funds with an excess return, and its maximum, quartiles, median and minimum.', blocks };
}
