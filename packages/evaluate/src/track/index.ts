/**
 * The weekly factor-tracking run: {@link runTracking} runs the MFE test and the classic
 * analytics for every factor × universe ({@link trackSeries} is one of them), and turns the
 * result into CSV tables ({@link trackingTables}), a report document ({@link trackingReport}) and
 * a JSON summary ({@link trackingSummary}). Writing them to disk is `@factorkit/evaluate/node`.
 */
export { runTracking } from './run.js';
export { trackSeries } from './series.js';
export { type SeriesContext, type SeriesExecutor, type SeriesRunner, type SeriesTask, inProcessExecutor, seriesInput } from './executor.js';
export { TRACKING_DEFAULTS, type TrackingConfig, parseTrackingConfig } from './config.js';
export { defaultTrackingFactors } from './factors.js';
export { type TrackingTable, analyticsStages, cumulative, trackingTables, trackingYears } from './tables.js';
export { type TrackingReportOptions, trackingReport } from './document.js';
export { TRACKING_FILES, TRACKING_FORMAT, TRACKING_FORMAT_VERSION, trackingSummary } from './summary.js';
export { formatSeries, formatTrackingEvent, formatTrackingSummary } from './format.js';
export { trackingDataError } from './problems.js';
export type {
  ResolvedTrackingConfig,
  SeriesReuse,
  SkippedFactor,
  TrackSeriesInput,
  TrackingAnalytics,
  TrackingEvent,
  TrackingFactorInfo,
  TrackingFrequency,
  TrackingOptions,
  TrackingProblemEntry,
  TrackingResult,
  TrackingSeries,
  TrackingSeriesState,
  TrackingUniverseInfo,
} from './types.js';
