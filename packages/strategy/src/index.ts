/**
 * `@factorkit/strategy`: enhanced-index strategies of factorkit.
 *
 * - `parseStrategy` / `createStrategy`: a strategy file (YAML, JSON) or code, checked and its
 *   plugins resolved;
 * - {@link runStrategy}: a resolved strategy end to end — factors → combination model →
 *   portfolio → A-share backtest — with every rebalance, the model's factor weights, exposures,
 *   the diagnostics of `@factorkit/backtest` and notes of everything approximated;
 * - {@link walkForward}: the walk-forward discipline of combination models — it trains a model
 *   plugin on a rolling window of labels that are known at each retrain date, and scores the
 *   dates until the next retrain;
 * - `strategyReport`: a run as a `@factorkit/report` document (one self-contained HTML page);
 * - sweeps: `parseSweep` / `createSweep` make every variant of a parameter grid and check them
 *   all, `runVariant` runs one, `runSweep` runs them on an executor, `sweepReport` ranks them.
 *
 * @packageDocumentation
 */
export * from './run/index.js';
export * from './spec/index.js';
export * from './report/index.js';
export * from './sweep/index.js';
export { walkForward } from './walk-forward/run.js';
export type {
  DateAssetValues,
  LabelTransform,
  TrainingDrops,
  WalkForwardFactor,
  WalkForwardInput,
  WalkForwardOptions,
  WalkForwardResult,
  WalkForwardTraining,
} from './walk-forward/types.js';
