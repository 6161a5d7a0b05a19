import { FactorkitError, parseParams, show } from '@factorkit/core';
import { type FeatureBins, binRows, findBins } from './bins.js';
import { boost } from './boost.js';
import { GbdtModel } from './model.js';
import { GBDT_PARAMS, type GbdtOptions, type GbdtParams } from './options.js';
import { createRandom, sampleInOrder } from './random.js';

const invalidData = (message: string) => new FactorkitError('FK_INVALID_DATA', `trainGbdt: ${message}`);
const invalidArgument = (message: string) => new FactorkitError('FK_INVALID_ARGUMENT', `trainGbdt: ${message}`);

/** Rows whose label is not NaN; a label of ±Infinity is refused. */
function labelledRows(labels: Float64Array, rows: number, what: string): Int32Array {
  const out = new Int32Array(rows);
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const y = labels[r]!;
    if (y !== y) continue;
    if (y === Number.POSITIVE_INFINITY || y === Number.NEGATIVE_INFINITY) throw invalidData(`${what} label of row ${r} is ${show(y)}: labels must be finite or NaN (left out)`);
    out[n++] = r;
  }
  return out.slice(0, n);
}

function checkShape(features: Float64Array, rows: number, cols: number, labels: Float64Array, what: string): void {
  if (!(features instanceof Float64Array)) throw invalidArgument(`${what} features must be a Float64Array, got ${show(features)}`);
  if (!(labels instanceof Float64Array)) throw invalidArgument(`${what} labels must be a Float64Array, got ${show(labels)}`);
  if (!Number.isInteger(rows) || rows < 1) throw invalidArgument(`${what} rows must be a positive integer, got ${show(rows)}`);
  if (features.length !== rows * cols) throw invalidData(`${what} features hold ${features.length} values for ${rows} rows × ${cols} columns (expected ${rows * cols})`);
  if (labels.length !== rows) throw invalidData(`${what} labels hold ${labels.length} values for ${rows} rows`);
}

/**
 * Train a gradient-boosted tree ensemble for regression with the L2 loss, by LightGBM's
 * histogram method:
 *
 * - **bins, once**: each feature's bounds come from a seeded sample of `binSampleSize` rows (≤ 255
 *   quantile bins, halfway between distinct values); every row is then binned into one byte per
 *   feature. `NaN` falls in a bin of its own; ±Infinity are ordinary extreme values.
 * - **rounds**: gradients `score − label` (hessians 1); a tree grown leaf-wise, best gain first, up
 *   to `numLeaves` leaves, each leaf's split found by scanning its gradient histogram; the smaller
 *   child's histogram is built from its rows, the larger's is parent − smaller. Leaf values are
 *   `−learningRate · G / (H + lambdaL2)`.
 * - **missing values**: where a leaf has `NaN` rows in a feature, the split sends them to the side
 *   that gains more; where it has none, a later `NaN` follows the child with more training rows.
 * - **validation**: with `options.validation`, the loss of the held-out rows is logged each round;
 *   with `earlyStoppingRounds` too, training stops once it has not improved for that many rounds,
 *   and the model keeps the trees up to its best round.
 *
 * Scores start from the mean training label (LightGBM's `boost_from_average`). Rows whose label is
 * `NaN` are left out and counted in `log.train.nanLabel`.
 *
 * @param features row-major, `rows × cols`; `NaN` is a missing value
 * @param labels one per row (cross-sectionally normalised forward returns, for factor models)
 * @throws FactorkitError `FK_INVALID_PARAMS` (every bad option, with its path), `FK_INVALID_DATA`
 *   (shapes, infinite labels, no labelled row), `FK_INVALID_ARGUMENT` (rows, names, early stopping
 *   without a validation set)
 */
export function trainGbdt(features: Float64Array, rows: number, cols: number, labels: Float64Array, options: GbdtOptions = {}): GbdtModel {
  const { validation, featureNames, ...input } = options;
  const params: GbdtParams = parseParams(GBDT_PARAMS, input, 'trainGbdt', 'options');
  if (!Number.isInteger(cols) || cols < 1) throw invalidArgument(`cols must be a positive integer, got ${show(cols)}`);
  checkShape(features, rows, cols, labels, 'training');
  if (validation) checkShape(validation.features, validation.rows, cols, validation.labels, 'validation');
  const names = featureNames ? [...featureNames] : Array.from({ length: cols }, (_, f) => `f${f}`);
  if (names.length !== cols) throw invalidArgument(`featureNames has ${names.length} names for ${cols} columns`);
  if (params.earlyStoppingRounds > 0 && !validation) throw invalidArgument(`earlyStoppingRounds ${show(params.earlyStoppingRounds)} needs options.validation`);

  const active = labelledRows(labels, rows, 'training');
  if (active.length === 0) throw invalidData(`no training row has a label (all ${rows} are NaN)`);
  const validRows = validation ? labelledRows(validation.labels, validation.rows, 'validation') : undefined;
  if (validation && params.earlyStoppingRounds > 0 && validRows!.length === 0) {
    throw invalidData(`early stopping needs validation rows with labels (all ${validation.rows} are NaN)`);
  }
  const random = createRandom(params.seed);

  const t0 = performance.now();
  const bins = binFeatures(features, cols, active, params, random);
  const binned = binRows(features, rows, cols, bins);
  const validBinned = validation ? binRows(validation.features, validation.rows, cols, bins) : undefined;
  const t1 = performance.now();

  const { trees, log, initScore } = boost({
    binned,
    cols,
    labels,
    active,
    bins,
    params,
    random,
    ...(validation && validBinned && validRows ? { validation: { binned: validBinned, rows: validation.rows, labels: validation.labels, labelled: validRows } } : {}),
  });
  const t2 = performance.now();
  return new GbdtModel(names, initScore, trees, {
    ...log,
    train: { rows, used: active.length, nanLabel: rows - active.length },
    validation: validation ? { rows: validation.rows, used: validRows!.length, nanLabel: validation.rows - validRows!.length } : undefined,
    bins: bins.map((b) => b.upper.length),
    timings: { binningMs: t1 - t0, boostingMs: t2 - t1 },
  });
}

function binFeatures(features: Float64Array, cols: number, active: Int32Array, params: GbdtParams, random: () => number): FeatureBins[] {
  const n = active.length;
  if (n <= params.binSampleSize) return findBins(features, cols, active, n, params.maxBins);
  const sample = new Int32Array(params.binSampleSize);
  sampleInOrder(active, n, params.binSampleSize, random, sample);
  return findBins(features, cols, sample, sample.length, params.maxBins);
}

