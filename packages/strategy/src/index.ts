/**
 * `@factorkit/strategy`: strategies of factorkit. For now the walk-forward discipline of
 * combination models — {@link walkForward} trains a model plugin on a rolling window of labels
 * that are known at each retrain date, and scores the dates until the next retrain.
 *
 * @packageDocumentation
 */
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
