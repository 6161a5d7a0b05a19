/**
 * @factorkit/weekly — the sell-side weekly report in one page: each enhanced strategy's excess
 * over its composite benchmark last week, this month and year to date, the MFE factor tables per
 * universe, and the excess distribution of index-enhanced funds. {@link runWeekly} computes it
 * (through `@factorkit/strategy`, `@factorkit/evaluate` and `@factorkit/funds`), each section
 * absent with its reason when it cannot be made; {@link weeklyReport} is its page,
 * {@link weeklyTables} and {@link weeklySummary} its CSV and JSON. Files are written by
 * `@factorkit/weekly/node`.
 *
 * @packageDocumentation
 */
export { runWeekly } from './run.js';
export { type NavSeries, STRATEGY_WINDOWS, type StrategyWindow, type StrategyWindowName, strategyWindows } from './windows.js';
export { type WeeklyReportOptions, weeklyReport } from './document.js';
export { TRACKING_DIR, WEEKLY_FILES, WEEKLY_FORMAT, WEEKLY_FORMAT_VERSION, type WeeklyTable, weeklyFiles, weeklySummary, weeklyTables } from './outputs.js';
export { formatWeeklyDetails, formatWeeklySummary } from './format.js';
export {
  type AbsentSection,
  type FailedStrategy,
  type PresentSection,
  WEEKLY_SECTIONS,
  type WeeklyData,
  type WeeklyEvent,
  type WeeklyOptions,
  type WeeklyProblem,
  type WeeklyResult,
  type WeeklySection,
  type WeeklySectionName,
  type WeeklyStrategies,
  type WeeklyStrategy,
} from './types.js';
