/**
 * @factorkit/evaluate: factor evaluation as sell-side quants publish it — classic analytics
 * (forward returns, IC/RankIC, quantiles, coverage) and the maximum-factor-exposure portfolio
 * test with its tracking aggregates. Works on any `MarketData` and any optimizer passed in; it
 * reads no files.
 *
 * @packageDocumentation
 */
export * from './analytics/index.js';
export * from './mfe/index.js';
export * from './track/index.js';
