/**
 * @factorkit/risk: a Barra-style factor risk model for A-shares.
 *
 * - {@link estimateRiskModel}: daily cross-sectional WLS (country + industries + styles) of
 *   day-`t` returns on exposures known at `t − 1`, giving factor returns, residuals and R²;
 * - `modelAt(date)`: EWMA / Newey–West factor covariance and shrunk EWMA specific variances as
 *   of a date, as a {@link RiskModel} satisfying core's `RiskModelView` (never an n × n matrix);
 * - {@link trackingError}, {@link portfolioRisk}, {@link riskContributions};
 * - {@link biasStatistic} and {@link backtestRiskForecasts} to check the forecasts.
 *
 * @packageDocumentation
 */
export {
  type ExposureSnapshot,
  type FactorKind,
  type RegressionWeights,
  type RiskEstimate,
  type RiskEstimationOptions,
  type RiskEstimationReport,
  type RiskPanels,
  estimateRiskPanels,
} from './estimate.js';
export { type RiskModel, type RiskModelOptions, checkRiskModelOptions, forEachRiskModel, riskModelsAt } from './model.js';
export { type HorizonOptions, type PortfolioRisk, portfolioRisk, riskContributions, trackingError } from './portfolio.js';
export { type BiasStatistic, type ForecastSeries, type TestPortfolio, backtestRiskForecasts, biasStatistic } from './bias.js';
export {
  type DatasetRiskInput,
  type EstimateRiskModelInput,
  type RiskModelEstimate,
  type StyleInput,
  estimateRiskModel,
  riskPanelsFromDataset,
} from './risk.js';
