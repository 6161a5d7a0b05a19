/**
 * The strategy page: {@link strategyReport} maps a strategy run into a `@factorkit/report`
 * document. Re-exported from the package entry.
 */
export { strategyReport } from './document.js';
export type {
  ReportAttribution,
  ReportAttributionParts,
  ReportAttributionPeriod,
  ReportContribution,
  ReportExposure,
  ReportFactorAttribution,
  ReportFactorWeight,
  ReportHitRate,
  ReportHitRatePeriod,
  ReportRebalance,
  ReportRebalanceStatus,
  StrategyReportInput,
  StrategyReportOptions,
} from './types.js';
