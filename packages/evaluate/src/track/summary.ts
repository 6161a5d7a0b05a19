import type { TrackingAnalytics, TrackingResult } from './types.js';

/** The `format` tag of `summary.json`, by which a tracking output folder is recognised. */
export const TRACKING_FORMAT = 'factorkit-tracking';
/** The version of the `summary.json` layout. */
export const TRACKING_FORMAT_VERSION = 1;

/** The output files of a tracking run, in the order they are written. */
export const TRACKING_FILES: readonly string[] = Object.freeze([
  'mfe.csv',
  'weights.csv',
  'daily.csv',
  'tracking.csv',
  'ic.csv',
  'ic_summary.csv',
  'quantiles.csv',
  'summary.json',
  'report.html',
]);

function analyticsSummary(a: TrackingAnalytics) {
  return {
    stage: a.stage,
    horizons: a.horizons,
    groups: a.groups,
    summary: a.summary,
    quantiles: a.quantiles.map((q) => ({ ...q, meanEqual: Array.from(q.meanEqual), meanCap: Array.from(q.meanCap) })),
    coverage: a.coverage,
    benchmark: a.benchmark,
    notes: a.notes,
  };
}

/**
 * Everything a tracking run did except the per-date tables, as plain JSON-ready data (written as
 * `summary.json`): the dates and settings used (defaults filled in), each universe's benchmark
 * weights (published or the proxy used), each factor's pipeline reports (coverage by stage with
 * the reasons), the factors left out, and per series its MFE counts, every rebalance that was not
 * optimal with its messages (the infeasibility explanations), its notes, aggregates (windows,
 * years, drawdown dates) and the analytics' summaries and coverage. `NaN` becomes `null` in JSON.
 */
export function trackingSummary(result: TrackingResult) {
  return {
    format: TRACKING_FORMAT,
    version: TRACKING_FORMAT_VERSION,
    asOf: result.asOf,
    lastDate: result.lastDate,
    start: result.start,
    dataStart: result.dataStart,
    optimizer: result.optimizer,
    executor: result.executor,
    config: result.config,
    universes: result.universes,
    factors: result.factors,
    skippedFactors: result.skippedFactors,
    series: result.series.map((s) => ({
      universe: s.universe,
      factor: s.factor,
      direction: s.direction,
      outcome: s.outcome,
      reuse: s.reuse,
      counts: s.mfe.counts,
      settings: s.mfe.settings,
      notes: s.mfe.notes,
      unsolved: s.mfe.rebalances
        .filter((r) => r.status !== 'optimal')
        .map((r) => ({ date: r.date, status: r.status, messages: r.messages, ...(r.infeasibility ? { conflicts: r.infeasibility.minimalConflicts.map((c) => c.groups) } : {}) })),
      aggregates: s.aggregates,
      analytics: { raw: analyticsSummary(s.analytics.raw), ...(s.analytics.processed ? { processed: analyticsSummary(s.analytics.processed) } : {}) },
      seconds: s.seconds,
    })),
    notes: result.notes,
    files: TRACKING_FILES,
    seconds: result.seconds,
  };
}
