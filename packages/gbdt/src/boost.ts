import { type FeatureBins, binStride } from './bins.js';
import { type CarriedRoot, TreeGrower } from './grow.js';
import { HISTOGRAM_LENGTH_PER_FEATURE } from './histogram.js';
import type { GbdtRound, GbdtStopReason, GbdtTree } from './model.js';
import type { GbdtParams } from './options.js';
import { sampleInOrder } from './random.js';

/** What the boosting rounds work on: the binned rows and how to grow trees on them. */
export interface BoostInput {
  /** Row-major, {@link binStride} bytes a row. */
  readonly binned: Uint8Array;
  readonly cols: number;
  readonly labels: Float64Array;
  /** The rows to train on (labelled), ascending. */
  readonly active: Int32Array;
  readonly bins: readonly FeatureBins[];
  readonly params: GbdtParams;
  readonly random: () => number;
  readonly validation?: {
    readonly binned: Uint8Array;
    readonly rows: number;
    readonly labels: Float64Array;
    /** The validation rows with a label. */
    readonly labelled: Int32Array;
  };
}

/** The kept trees, the starting score and the round-by-round log. */
export interface BoostResult {
  readonly trees: GbdtTree[];
  readonly initScore: number;
  readonly log: { readonly rounds: GbdtRound[]; readonly bestIteration: number; readonly stopReason: GbdtStopReason };
}

/**
 * The boosting rounds: per round a bag and a feature draw when asked for, a tree, the gradients
 * and scores it changes, the losses, and early stopping.
 */
export function boost(input: BoostInput): BoostResult {
  const { binned, cols, labels, active, bins, params, random, validation } = input;
  const valueBins = Int32Array.from(bins, (b) => b.upper.length);
  const rows = labels.length;
  const n = active.length;
  const stride = binStride(cols);
  let initScore = 0;
  for (let i = 0; i < n; i++) initScore += labels[active[i]!]!;
  initScore /= n;
  // Training keeps the gradients `score − label` only: a tree adds its leaf value to both.
  const grad = new Float64Array(rows);
  for (let i = 0; i < n; i++) grad[active[i]!] = initScore - labels[active[i]!]!;
  const validScore = validation ? new Float64Array(validation.rows).fill(initScore) : undefined;

  const grower = new TreeGrower({ ...params, cols, stride, valueBins, maxRows: n });
  const bagging = params.baggingFraction < 1;
  const bagSize = bagging ? Math.max(1, Math.round(n * params.baggingFraction)) : n;
  const bag = bagging ? new Int32Array(bagSize) : active;
  const outOfBag = bagging ? new Int32Array(n - bagSize) : undefined;
  const nf = Math.max(1, Math.round(cols * params.featureFraction));
  const feats = Int32Array.from({ length: cols }, (_, f) => f);
  const order = Int32Array.from({ length: cols }, (_, f) => f);
  // Same rows and every feature in every tree: the root's histogram is carried, not rebuilt.
  const root: CarriedRoot | undefined = !bagging && nf === cols ? { hist: new Float64Array(cols * HISTOGRAM_LENGTH_PER_FEATURE), sumGrad: 0, valid: false } : undefined;
  // Without bagging the grower's rows are loaded once and their gradients live there.
  if (!bagging) grower.load(binned, active, n, grad);

  const trees: GbdtTree[] = [];
  const rounds: GbdtRound[] = [];
  let stopReason: GbdtStopReason = 'rounds';
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestRound = 0;
  for (let round = 1; round <= params.numRounds; round++) {
    if (bagging) {
      sampleInOrder(active, n, bagSize, random, bag, outOfBag);
      grower.load(binned, bag, bagSize, grad);
    }
    if (nf < cols) pickFeatures(order, nf, random, feats);
    const leaves = grower.grow(bagSize, feats, nf, root);
    if (leaves <= 1) {
      stopReason = 'no-split';
      break;
    }
    trees.push(treeOf(grower, leaves, bins));
    // Without bagging the gradients live in the grower's rows; with it, in `grad` by row.
    let squares = bagging ? addLeafValuesByRow(grower, leaves, grad) : addLeafValues(grower, leaves);
    if (outOfBag) {
      addBinnedTree(grower, binned, stride, valueBins, grad, outOfBag, outOfBag.length);
      for (let i = 0; i < outOfBag.length; i++) squares += grad[outOfBag[i]!]! ** 2;
    }
    const trainLoss = squares / n;
    let validLoss = Number.NaN;
    if (validation && validScore) {
      addBinnedTree(grower, validation.binned, stride, valueBins, validScore, undefined, validation.rows);
      validLoss = validation.labelled.length > 0 ? meanSquaredError(validScore, validation.labels, validation.labelled) : Number.NaN;
    }
    rounds.push({ round, trainLoss, validLoss, leaves });
    if (params.earlyStoppingRounds > 0) {
      if (validLoss < bestLoss) {
        bestLoss = validLoss;
        bestRound = round;
      } else if (round - bestRound >= params.earlyStoppingRounds) {
        stopReason = 'early-stopping';
        break;
      }
    }
  }
  // Under early stopping the best round is kept even when every round was trained (as LightGBM).
  const bestIteration = params.earlyStoppingRounds > 0 && bestRound > 0 ? bestRound : trees.length;
  return { trees: trees.slice(0, bestIteration), initScore, log: { rounds, bestIteration, stopReason } };
}

/** A seeded draw of `nf` of the features (partial Fisher–Yates over `order`), ascending in `out`. */
function pickFeatures(order: Int32Array, nf: number, random: () => number, out: Int32Array): void {
  const cols = order.length;
  for (let i = 0; i < nf; i++) {
    const j = i + Math.floor(random() * (cols - i));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  out.set(order.subarray(0, nf));
  out.subarray(0, nf).sort();
}

/** The grower's last tree as a {@link GbdtTree}, thresholds as values. */
function treeOf(grower: TreeGrower, leaves: number, bins: readonly FeatureBins[]): GbdtTree {
  const nodes = leaves - 1;
  const feature = grower.nodeFeature.slice(0, nodes);
  const threshold = new Float64Array(nodes);
  for (let i = 0; i < nodes; i++) threshold[i] = bins[feature[i]!]!.upper[grower.nodeBin[i]!]!;
  return {
    feature,
    threshold,
    defaultLeft: grower.nodeDefaultLeft.slice(0, nodes),
    left: grower.nodeLeft.slice(0, nodes),
    right: grower.nodeRight.slice(0, nodes),
    gain: grower.nodeGain.slice(0, nodes),
    leafValue: grower.leafValue.slice(0, leaves),
    leafCount: grower.leafCount.slice(0, leaves),
  };
}

/** Each leaf's value added to the gradients of its rows, held by the grower; returns Σ g². */
function addLeafValues(grower: TreeGrower, leaves: number): number {
  const g = grower.rows.grad;
  let squares = 0;
  for (let l = 0; l < leaves; l++) {
    const begin = grower.leafBegin[l]!;
    const end = begin + grower.leafCount[l]!;
    const v = grower.leafValue[l]!;
    for (let i = begin; i < end; i++) {
      const x = g[i]! + v;
      g[i] = x;
      squares += x * x;
    }
  }
  return squares;
}

/** Each leaf's value added to `grad` of its rows' row numbers; returns Σ g² over them. */
function addLeafValuesByRow(grower: TreeGrower, leaves: number, grad: Float64Array): number {
  const { id } = grower.rows;
  let squares = 0;
  for (let l = 0; l < leaves; l++) {
    const begin = grower.leafBegin[l]!;
    const end = begin + grower.leafCount[l]!;
    const v = grower.leafValue[l]!;
    for (let i = begin; i < end; i++) {
      const r = id[i]!;
      const x = grad[r]! + v;
      grad[r] = x;
      squares += x * x;
    }
  }
  return squares;
}

/** The last tree's values added to `score` of the rows `list[0..n)` (or every row), walking its binned nodes. */
function addBinnedTree(grower: TreeGrower, bins: Uint8Array, stride: number, valueBins: Int32Array, score: Float64Array, list: Int32Array | undefined, n: number): void {
  const { nodeFeature, nodeBin, nodeDefaultLeft, nodeLeft, nodeRight, leafValue: values } = grower;
  for (let i = 0; i < n; i++) {
    const r = list ? list[i]! : i;
    const o = r * stride;
    let node = 0;
    while (node >= 0) {
      const f = nodeFeature[node]!;
      const b = bins[o + f]!;
      const goLeft = b <= nodeBin[node]! || (nodeDefaultLeft[node] === 1 && b === valueBins[f]);
      node = goLeft ? nodeLeft[node]! : nodeRight[node]!;
    }
    score[r]! += values[~node]!;
  }
}

/** Mean squared error of `score` over the rows in `list`. */
function meanSquaredError(score: Float64Array, labels: Float64Array, list: Int32Array): number {
  let sum = 0;
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!;
    const d = score[r]! - labels[r]!;
    sum += d * d;
  }
  return sum / list.length;
}
