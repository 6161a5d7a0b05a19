/**
 * `@factorkit/synth`: a seeded generator of a realistic A-share-like market in factorkit's
 * dataset format, with documented planted factor premia — the framework's embedded demo,
 * test and benchmark data.
 *
 * @packageDocumentation
 */
export {
  type MarketOptions,
  type ResolvedMarketOptions,
  type MarketTruth,
  type FundTruth,
  type SyntheticMarket,
  DEFAULT_MARKET_OPTIONS,
  generateMarket,
  resolveMarketOptions,
} from './generate.js';
export { type WriteMarketOptions, writeSyntheticMarket } from './write.js';
export { type PlantedFactor, type FactorId, FACTOR_IDS, PLANTED_FACTORS, STANDARDISATION } from './model.js';
export { type IndexSpec, INDEX_SPECS, freeFloatBand } from './indexes.js';
export { type HsiSeries, HSI_SPEC, HSI_BETA, HSI_VOL, HSI_DRIFT, buildHsi } from './hsi.js';
export { type FundType } from './funds.js';
export { type IndustrySpec, INDUSTRIES, INSTITUTIONS } from './reference.js';
export { type SimStats } from './simulate.js';
export { tradingDays, holidays, springFestival, dragonBoat, midAutumn } from './calendar.js';
export { Rng, STREAM } from './rng.js';
export { type GeneratedProblem, type MfeProblemOptions, type NextWeekOptions, type ProblemInputs, type TrackingErrorProblemOptions, type TurnoverOptions, buildProblem, generateMfeProblem, generateTrackingErrorProblem, nextWeekProblem } from './problems.js';
