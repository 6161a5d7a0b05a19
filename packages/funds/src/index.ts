/**
 * @factorkit/funds — public-fund analytics: the excess returns of index-enhanced funds over
 * their composite benchmarks in the windows the sell side publishes (week, month, quarter, year to
 * date), their distribution per benchmark index, the new-high rate of any NAV series, and the fund
 * heavy-holdings index rebuilds; as result objects, CSV tables and a report document. Files are
 * written by `@factorkit/funds/node`.
 *
 * @packageDocumentation
 */
export { type FundAnalytics, type FundAnalyticsOptions, type RejectedRows, fundAnalytics } from './analytics.js';
export { type ReturnWindow, WINDOWS, type WindowName, periodStart, returnWindows } from './windows.js';
export { type NewHighRate, newHighRate } from './new-high.js';
export { type Distribution, distribution, quantileSorted } from './stats.js';
export { excessReturn } from './excess.js';
export { INDEX_FAMILY_NAMES, compareFamilies, indexFamilyName } from './families.js';
export { type FundNavs, type NavProblem, type NavProblemKind, type NavSeries, readFundNavs } from './nav.js';
export { type ColumnNeeds, type FundDataset, requireFundTable } from './tables.js';
export { type FundHeavyHoldings, type HeavyHoldingsSettings, fundHeavyHoldings, heavyHoldingsSection } from './holdings.js';
export { FUND_FILES, type FundTable, fundTables } from './outputs.js';
export { type FundReportOptions, fundReport } from './document.js';
export { formatFundExclusions, formatFundSummary } from './format.js';
export {
  EXCLUSION_REASONS,
  type ExcessDistribution,
  type ExcessForm,
  type ExclusionReason,
  type FundExcess,
  type FundExclusion,
  type FundInfo,
  type FundNewHigh,
} from './types.js';
