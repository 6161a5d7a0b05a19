/**
 * @factorkit/gbdt: gradient-boosted decision trees on typed arrays, by LightGBM's histogram method
 * (features binned once into ≤ 255 quantile bins, gradient histograms per leaf with the
 * subtraction trick, leaf-wise growth, NaN bins with learned directions, early stopping on a
 * validation set). {@link trainGbdt} trains, {@link GbdtModel} predicts and reports importances.
 *
 * @packageDocumentation
 */
export { GBDT_PARAMS, type GbdtOptions, type GbdtParams, type GbdtValidation } from './options.js';
export { trainGbdt } from './train.js';
export {
  GbdtModel,
  type GbdtModelJSON,
  type GbdtRound,
  type GbdtRowReport,
  type GbdtStopReason,
  type GbdtTrainingLog,
  type GbdtTree,
  gbdtModelFromJSON,
} from './model.js';
