export { type AttributionFactor, type AttributionOptions, type AttributionParts, type AttributionResult, type AttributionRow, type FactorAttribution, type FactorGroup, excessAttribution } from './attribution.js';
export { type ContributionDaily, type ContributionOptions, type ContributionTracker, type StockContribution, contributionTracker } from './contribution.js';
export { type HitRateOptions, type HitRatePeriod, type HitRateResult, stockHitRate } from './hitRate.js';
export { type WeightRecorder, weightRecorder } from './weights.js';
