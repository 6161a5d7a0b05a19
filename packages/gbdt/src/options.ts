import { type ParamsInput, type ParamsOf, param } from '@factorkit/core';

/**
 * The hyperparameters of {@link trainGbdt}, as a core parameter schema: validated all at once with
 * dot-paths, defaults filled in. The names follow LightGBM's (`num_leaves` → `numLeaves`) and so
 * do the defaults, except where noted. A model plugin can take this schema as its own `params`.
 */
export const GBDT_PARAMS = {
  numRounds: param.integer({ default: 100, min: 1, description: 'boosting rounds: trees trained at most (LightGBM num_iterations)' }),
  learningRate: param.number({ default: 0.1, min: 0, exclusiveMin: true, max: 1, description: 'shrinkage of every leaf value' }),
  numLeaves: param.integer({ default: 31, min: 2, max: 131_072, description: 'leaves per tree at most (trees grow leaf by leaf, best gain first)' }),
  maxDepth: param.integer({ default: -1, min: -1, description: 'splits from the root to a leaf at most; -1 or 0: no limit' }),
  minDataInLeaf: param.integer({ default: 20, min: 1, description: 'training rows per leaf at least' }),
  minSumHessian: param.number({ default: 1e-3, min: 0, description: 'sum of hessians per leaf at least (L2: the hessian of a row is 1, so a row count)' }),
  lambdaL2: param.number({ default: 0, min: 0, description: 'L2 penalty on leaf values: a leaf is −G / (H + lambdaL2)' }),
  minGainToSplit: param.number({ default: 0, min: 0, description: 'a split must gain more than this' }),
  maxBins: param.integer({ default: 255, min: 2, max: 255, description: 'value bins per feature at most (a NaN bin comes on top)' }),
  binSampleSize: param.integer({ default: 200_000, min: 1, description: 'rows sampled (seeded) to find the bin bounds (LightGBM bin_construct_sample_cnt)' }),
  featureFraction: param.number({ default: 1, min: 0, exclusiveMin: true, max: 1, description: 'share of the features each tree may split on (a seeded draw per tree)' }),
  baggingFraction: param.number({ default: 1, min: 0, exclusiveMin: true, max: 1, description: 'share of the rows each tree is grown on (a seeded draw per round; LightGBM with bagging_freq 1)' }),
  earlyStoppingRounds: param.integer({
    default: 0,
    min: 0,
    description: 'stop when the validation loss has not improved for this many rounds and keep the best round’s trees; 0: off',
  }),
  seed: param.integer({ default: 0, min: 0, max: 4_294_967_295, description: 'seed of the bin sample, the bags and the feature subsets' }),
} as const;

/** Validated hyperparameters: every key present. */
export type GbdtParams = ParamsOf<typeof GBDT_PARAMS>;

/** A validation set for the per-round validation loss and early stopping: rows × the training columns. */
export interface GbdtValidation {
  /** Row-major, `rows × cols` (the training set's columns); `NaN` is a missing value. */
  readonly features: Float64Array;
  readonly rows: number;
  /** One per row; rows whose label is `NaN` are left out of the loss (and counted). */
  readonly labels: Float64Array;
}

/** Options of {@link trainGbdt}: any subset of {@link GBDT_PARAMS}, plus data that is not a parameter. */
export type GbdtOptions = ParamsInput<typeof GBDT_PARAMS> & {
  /** Held-out rows: their loss is logged each round, and `earlyStoppingRounds` watches it. */
  readonly validation?: GbdtValidation;
  /** A name per column, for importances and error messages (default `f0`, `f1`, …). */
  readonly featureNames?: readonly string[];
};
