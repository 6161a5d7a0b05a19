import type { Block, ReportDocument, Section } from '@factorkit/report';
import { curvesSection, periodsSection, summarySection } from './performance.js';
import { attributionSection, contributionSection, exposuresSection, factorWeightsSection, hitRateSection } from './portfolio.js';
import { flattenDefinition } from './series.js';
import { rebalancesSection, tradesSection, tradingSection } from './trading.js';
import type { StrategyReportInput, StrategyReportOptions } from './types.js';

/**
 * A strategy run as a `@factorkit/report` document (render it with `renderHtml`, write it with
 * `writeReport`): headline metrics; NAV against the benchmark, the excess curve and both
 * drawdowns; year, quarter, month and last-week tables; exposures; the model's factor weights
 * over time; turnover and costs; the excess attribution (when the run has one); the stocks that
 * added and took away most; the stock-level hit rate; the rebalances and what became of the
 * orders; notes; and the settings. Every text from the run (names, codes, messages) is escaped by
 * the renderer: a name like `<script>` shows as text.
 *
 * Day-by-day lines hold every close; ECharts draws at most one point per pixel column (LTTB), so
 * a 10-year daily run gives a page of a few hundred kB. Pure: the clock is never read.
 */
export function strategyReport(result: StrategyReportInput, options: StrategyReportOptions): ReportDocument {
  const m = result.backtest.metrics;
  const description = (result.definition as { description?: unknown }).description;
  return {
    title: options.title ?? `Strategy ${result.name}: ${m.start} → ${m.end}`,
    subtitle: typeof description === 'string' && description !== '' ? description : `Enhanced-index backtest against ${result.benchmark}`,
    generatedAt: options.generatedAt,
    meta: [
      ...(options.data !== undefined ? ([['Data', options.data]] as const) : []),
      ['Strategy', result.name],
      ['Benchmark', result.benchmark],
      ['Period', `${m.start} → ${m.end} (${m.days.toLocaleString('en-US')} trading days)`],
      ['Capital', `${result.backtest.capital.toLocaleString('en-US')} CNY`],
    ],
    sections: [
      summarySection(result),
      curvesSection(result),
      periodsSection(result),
      exposuresSection(result),
      factorWeightsSection(result),
      tradingSection(result),
      ...(result.attribution ? [attributionSection(result.attribution)] : []),
      contributionSection(result),
      hitRateSection(result),
      rebalancesSection(result),
      tradesSection(result),
      notesSection(result),
      settingsSection(result),
    ],
  };
}

/** The run's notes and the backtest's, in words. */
function notesSection(result: StrategyReportInput): Section {
  const blocks: Block[] = [];
  if (result.notes.length > 0) blocks.push({ kind: 'note', text: result.notes.map((n) => `• ${n}`).join('\n'), tone: 'warning' });
  if (result.backtest.notes.length > 0) blocks.push({ kind: 'note', text: result.backtest.notes.map((n) => `• ${n}`).join('\n'), tone: 'info' });
  if (blocks.length === 0) blocks.push({ kind: 'note', text: 'Nothing was rejected, approximated or relaxed.', tone: 'info' });
  return { title: 'Notes', intro: 'Everything the run rejected, approximated or relaxed, then how the backtest read the data.', blocks };
}

/** The strategy as run (defaults filled), the backtest settings and the time each stage took. */
function settingsSection(result: StrategyReportInput): Section {
  const timings = Object.entries(result.timings);
  return {
    title: 'Settings',
    blocks: [
      { kind: 'kv', title: 'Strategy', items: flattenDefinition(result.definition) },
      { kind: 'kv', title: 'Backtest', items: flattenDefinition(result.backtest.settings) },
      ...(timings.length > 0 ? [{ kind: 'kv' as const, title: 'Time per stage (ms)', items: timings.map(([stage, ms]): [string, string] => [stage, Math.round(ms).toLocaleString('en-US')]) }] : []),
    ],
  };
}
