/**
 * Point-in-time data: fundamentals by report period ({@link pointInTime}), announcement-dated
 * values ({@link pitAsOf}), interval tables ({@link intervalValues}) and their batch panels.
 */
export { periodIndex, periodEndDate, periodQuarter } from './period.js';
export {
  type PeriodLookup,
  type PitDerivation,
  type PitDerivationFn,
  type PitDerivationName,
  PIT_DERIVATIONS,
  ttmAt,
  singleQuarterAt,
  yoyGrowthRate,
} from './derivations.js';
export { type ReportRows, type PitOptions, type YoyOptions, pointInTime, pitLatest, pitTtm, pitSingleQuarter, pitYoyGrowth } from './fundamentals.js';
export {
  type DatedRows,
  type AsOfOptions,
  type IntervalRows,
  type IntervalValueRows,
  type IntervalOptions,
  pitAsOf,
  intervalValues,
  intervalMask,
} from './asof.js';
export {
  type AssetGroups,
  type ReportDateColumns,
  type PanelOptions,
  groupRowsByAsset,
  assetIndexOfCodes,
  groupTableByAsset,
  finaReportColumns,
  pitPanel,
  asOfPanel,
  intervalPanel,
  membershipPanel,
  pitPanelFromTable,
} from './panel.js';
