import type { Block, ColumnMarks, ReportDocument, Section, TableColumn, TableRow } from '@factorkit/report';
import { cumulative, trackingRow, trackingYears } from './tables.js';
import type { TrackingAnalytics, TrackingResult, TrackingSeries } from './types.js';

/** Options of {@link trackingReport}. */
export interface TrackingReportOptions {
  /** When the run was made, shown as given (the page never reads the clock). */
  readonly generatedAt: string;
  readonly title?: string;
  /** What the data was (a folder name), shown under the title. */
  readonly data?: string;
}

const pct = (id: string, label: string, better?: 'higher' | 'lower', marked = 1, extra: Partial<TableColumn> = {}): TableColumn => ({
  id,
  label,
  format: 'pct',
  ...(better ? { marks: marks(better, marked) } : {}),
  ...extra,
});

function marks(better: 'higher' | 'lower', marked: number): ColumnMarks {
  return { better, best: marked, worst: marked };
}

/** How many best and worst factors each column marks: 3 of 12 or more, fewer in a short list. */
function markedCount(factors: number): number {
  return Math.max(1, Math.min(3, Math.floor(factors / 4)));
}

const percent = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : '–');

/**
 * The tracking report as a `@factorkit/report` document (render it with `renderHtml`): a run
 * section (dates, settings, the factors and what the pipeline kept of them, everything left out)
 * and per universe, sell-side style, the MFE excess-return table with the best and worst
 * factors of each column marked, the cumulative excess curve of every factor, the excess per
 * calendar year, the IC summary, and notes on unsolved rebalance dates and proxy benchmarks.
 * Every number on the page is in the CSV files or `summary.json` (each table names its file).
 * Pure: the same result and options give the same document.
 */
export function trackingReport(result: TrackingResult, options: TrackingReportOptions): ReportDocument {
  const universes = result.universes.map((u) => u.name);
  return {
    title: options.title ?? `Factor tracking — as of ${result.lastDate}`,
    subtitle: `MFE portfolios of ${result.factors.length} factor${result.factors.length === 1 ? '' : 's'} against ${universes.join(', ')}, ${result.config.frequency} rebalancing, ${result.start} … ${result.lastDate}`,
    generatedAt: options.generatedAt,
    meta: [
      ...(options.data ? ([['Data', options.data]] as const) : []),
      ['As of', result.asOf === result.lastDate ? result.asOf : `${result.asOf} (last trading day ${result.lastDate})`],
      ['Rebalance', result.config.frequency],
      ['Optimizer', result.optimizer],
    ],
    sections: [runSection(result), ...result.universes.map((u) => universeSection(result, u.name))],
  };
}

function runSection(result: TrackingResult): Section {
  const c = result.config.mfe.constraints;
  const blocks: Block[] = [
    {
      kind: 'kv',
      title: 'Settings',
      items: [
        ['Period', `${result.start} … ${result.lastDate} (history from ${result.dataStart})`],
        ['Industry neutral', c.industry ? `${c.industry.field} ±${percent(c.industry.band)}` : 'no'],
        ['Style neutral', c.styles ? `${c.styles.names.join(', ')} ±${c.styles.band} sd` : 'no'],
        ['Stock deviation', `±${percent(c.deviation)}`],
        ['Constituent share', c.constituentShare === false ? 'none' : `≥ ${percent(c.constituentShare)}`],
        ['Turnover limit', c.turnover === false ? 'none' : `≤ ${percent(c.turnover)} one-way`],
        ['Tradability', c.tradability ? 'suspended / limit-up / limit-down respected' : 'ignored'],
        ['Execution', `next day's ${result.config.mfe.price}, ${percent(result.config.mfe.costRoundTrip)} per round trip`],
        ['Preprocessing', result.config.preprocess === false ? 'none' : result.config.preprocess === true ? 'MAD ×5, industry + size neutral, z-score' : JSON.stringify(result.config.preprocess)],
        ['IC horizons', `${result.config.horizons.join(', ')} trading days, ${result.config.groups} groups`],
      ],
    },
    {
      kind: 'table',
      title: 'Factors',
      note: 'Values: stock-days with a value after the pipeline (preprocessed, in the investable universe, when there is preprocessing). Every stage and reason is in summary.json.',
      columns: [
        { id: 'factor', label: 'Factor', format: 'text' },
        { id: 'id', label: 'Plugin', format: 'text' },
        { id: 'direction', label: 'Direction', format: 'int', plusSign: true },
        { id: 'values', label: 'Values', format: 'int' },
        { id: 'first', label: 'First value', format: 'date' },
        { id: 'status', label: 'Status', format: 'text' },
      ],
      rows: result.factors.map((f) => {
        const report = f.processed ?? f.raw;
        return { factor: f.name, id: f.id, direction: f.direction, values: report.coverage.values, first: report.coverage.firstValue, status: f.outcome.status === 'ok' ? 'ok' : f.outcome.message };
      }),
      rowMarks: result.factors.flatMap((f, row) => (f.outcome.status === 'empty' ? [{ row, style: 'warning' as const }] : [])),
      source: 'summary.json',
    },
  ];
  const notes = [...result.notes, ...result.factors.flatMap((f) => [...(f.processed ?? f.raw).notes])];
  if (notes.length > 0) blocks.push({ kind: 'note', text: notes.join('\n'), tone: 'info' });
  return { title: 'Run', blocks };
}

function universeSection(result: TrackingResult, name: string): Section {
  const info = result.universes.find((u) => u.name === name)!;
  const series = result.series.filter((s) => s.universe === name);
  const marked = markedCount(series.length);
  const weights =
    info.weights === 'published'
      ? 'published index weights'
      : info.weights === 'proxy'
        ? 'a proxy (no published weights in the data)'
        : info.weights === 'mixed'
          ? `published weights, a proxy on ${info.approximateDates} of ${info.rebalanceDates} rebalance dates`
          : 'none';
  const blocks: Block[] = [];
  if (info.notes.length > 0) blocks.push({ kind: 'note', text: info.notes.join('\n'), tone: 'warning' });
  if (series.length === 0) {
    blocks.push({ kind: 'note', text: 'No factor has a series in this universe.', tone: 'warning' });
    return { title: `${name} (${info.id})`, intro: `Benchmark weights: ${weights}.`, blocks };
  }
  blocks.push(excessTable(series, marked), curveChart(series), yearTable(result, series, marked), icTable(result, series, marked));
  const unsolved = unsolvedNote(series);
  if (unsolved) blocks.push(unsolved);
  return { title: `${name} (${info.id})`, intro: `Benchmark weights: ${weights}. Returns are geometric excess returns of the MFE portfolio over the benchmark, after costs.`, blocks };
}

function excessTable(series: readonly TrackingSeries[], marked: number): Block {
  const rows: TableRow[] = series.map((s) => {
    const row = trackingRow(s, []);
    const c = s.mfe.counts;
    return { ...row, rebalances: c.rebalances, infeasible: c.infeasible + c.failed, skipped: c.skipped };
  });
  return {
    kind: 'table',
    title: 'MFE excess return by factor',
    note: 'Week: since the end of the previous ISO week; month: since the previous month end; YTD: this calendar year; annualised over the whole history. Max DD: the largest fall of the excess curve. Win rate: share of weeks with a positive excess.',
    columns: [
      { id: 'factor', label: 'Factor', format: 'text' },
      { id: 'direction', label: 'Dir', format: 'int', plusSign: true },
      pct('week', 'Week', 'higher', marked, { colorBySign: true }),
      pct('month', 'Month', 'higher', marked, { colorBySign: true }),
      pct('ytd', 'YTD', 'higher', marked, { colorBySign: true }),
      pct('annualised', 'Annualised', 'higher', marked, { colorBySign: true }),
      pct('excess_vol', 'Excess vol', 'lower', marked),
      { id: 'ir', label: 'IR', format: 'number', marks: marks('higher', marked), colorBySign: true },
      pct('max_drawdown', 'Max DD', 'lower', marked),
      pct('win_rate', 'Win rate', 'higher', marked, { digits: 1 }),
      { id: 'rebalances', label: 'Rebalances', format: 'int' },
      { id: 'infeasible', label: 'Unsolved', format: 'int', description: 'infeasible or not solved (details in summary.json)' },
      { id: 'skipped', label: 'Skipped', format: 'int', description: 'no factor value or no benchmark weights on the date' },
    ],
    rows,
    rowMarks: series.flatMap((s, row) => (s.outcome === 'empty' ? [{ row, style: 'warning' as const, unranked: true }] : [])),
    source: 'tracking.csv',
  };
}

function curveChart(series: readonly TrackingSeries[]): Block {
  const dates = [...new Set(series.flatMap((s) => s.mfe.daily.dates))].sort();
  const at = new Map(dates.map((d, i) => [d, i]));
  return {
    kind: 'lineChart',
    title: 'Cumulative excess return',
    x: dates,
    series: series.map((s) => {
      const values = new Float64Array(dates.length).fill(Number.NaN);
      const curve = cumulative(s.mfe.daily.excess);
      s.mfe.daily.dates.forEach((d, k) => (values[at.get(d)!] = curve[k]!));
      return { name: s.factor, values };
    }),
    yFormat: 'pct',
    source: 'daily.csv',
  };
}

function yearTable(result: TrackingResult, series: readonly TrackingSeries[], marked: number): Block {
  const years = trackingYears(result).filter((y) => series.some((s) => s.aggregates.calendarYears.some((c) => c.year === y)));
  return {
    kind: 'table',
    title: 'Excess return by calendar year',
    note: 'The first and last years may be partial.',
    columns: [{ id: 'factor', label: 'Factor', format: 'text' }, ...years.map((y) => pct(String(y), String(y), 'higher', marked, { colorBySign: true }))],
    rows: series.map((s) => trackingRow(s, years)),
    source: 'tracking.csv',
  };
}

function icStage(s: TrackingSeries): TrackingAnalytics {
  return s.analytics.processed ?? s.analytics.raw;
}

function icTable(result: TrackingResult, series: readonly TrackingSeries[], marked: number): Block {
  const horizons = result.config.horizons;
  const main = horizons[horizons.length - 1]!;
  const processed = series.every((s) => s.analytics.processed);
  const better = processed ? ('higher' as const) : undefined;
  return {
    kind: 'table',
    title: `IC summary (${processed ? 'processed values × direction' : 'raw values'})`,
    note: processed
      ? `RankIC: mean daily Spearman correlation of the preprocessed factor (times its direction) with the forward return of each horizon, within the universe's members. ICIR, t and positive share for ${main} days.`
      : `Raw values, direction not applied: a factor of direction −1 works when its IC is negative. ICIR, t and positive share for ${main} days.`,
    columns: [
      { id: 'factor', label: 'Factor', format: 'text' },
      ...horizons.map((h): TableColumn => ({ id: `rank_ic_${h}`, label: `RankIC ${h}d`, format: 'number', digits: 4, colorBySign: true, ...(better ? { marks: marks(better, marked) } : {}) })),
      { id: 'ic', label: `IC ${main}d`, format: 'number', digits: 4, colorBySign: true },
      { id: 'icir', label: `RankICIR ${main}d`, format: 'number', digits: 3, ...(better ? { marks: marks(better, marked) } : {}) },
      { id: 't', label: `t ${main}d`, format: 'number', digits: 2 },
      pct('positive', `IC > 0 ${main}d`, better, marked, { digits: 1 }),
      pct('spread', `Top − bottom ${main}d`, better, marked, { colorBySign: true }),
    ],
    rows: series.map((s) => {
      const stage = icStage(s);
      const row: Record<string, string | number> = { factor: s.factor };
      stage.summary.forEach((summary) => (row[`rank_ic_${summary.horizon}`] = summary.rankIc.mean));
      const last = stage.summary.find((x) => x.horizon === main)!;
      const q = stage.quantiles.find((x) => x.horizon === main)!;
      return { ...row, ic: last.ic.mean, icir: last.rankIc.icir, t: last.rankIc.tStat, positive: last.rankIc.positiveShare, spread: q.spreadEqual.mean };
    }),
    source: 'ic_summary.csv',
  };
}

function unsolvedNote(series: readonly TrackingSeries[]): Block | undefined {
  const lines: string[] = [];
  for (const s of series) {
    const unsolved = s.mfe.rebalances.filter((r) => r.status !== 'optimal' && r.status !== 'skipped');
    const skipped = s.mfe.rebalances.filter((r) => r.status === 'skipped');
    if (unsolved.length > 0) {
      const first = unsolved[0]!;
      lines.push(`${s.factor}: ${unsolved.length} rebalance date${unsolved.length === 1 ? '' : 's'} not solved (${unsolved.map((r) => `${r.date} ${r.status}`).join(', ')}); the previous weights were held. ${first.date}: ${first.messages[0] ?? ''}`);
    }
    if (skipped.length > 0) lines.push(`${s.factor}: ${skipped.length} rebalance date${skipped.length === 1 ? '' : 's'} skipped (${skipped[0]!.date}${skipped.length > 1 ? ` … ${skipped[skipped.length - 1]!.date}` : ''}): ${skipped[0]!.messages[0] ?? ''}`);
  }
  return lines.length > 0 ? { kind: 'note', text: lines.join('\n'), tone: 'warning' } : undefined;
}
