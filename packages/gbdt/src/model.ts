import { FactorkitError, show } from '@factorkit/core';

/**
 * One regression tree. Internal node `i` sends a row left when its value of feature `feature[i]` is
 * `≤ threshold[i]`, and a `NaN` left when `defaultLeft[i]` is 1. A child `c ≥ 0` is a node; `c < 0`
 * is the leaf `~c` (`-c - 1`). A tree of one leaf has no nodes.
 */
export interface GbdtTree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly defaultLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Loss reduction of each split (before shrinkage), for the gain importance. */
  readonly gain: Float64Array;
  /** Leaf values, shrinkage included: what the tree adds to a row's score. */
  readonly leafValue: Float64Array;
  /** Training rows (of the round's bag) that reached each leaf. */
  readonly leafCount: Int32Array;
}

/** One boosting round of the training log. */
export interface GbdtRound {
  /** 1-based. */
  readonly round: number;
  /** Mean squared error over the training rows after this round. */
  readonly trainLoss: number;
  /** Mean squared error over the validation rows after this round; `NaN` without a validation set. */
  readonly validLoss: number;
  /** Leaves of this round's tree. */
  readonly leaves: number;
}

/** Why training ended. */
export type GbdtStopReason =
  /** `numRounds` rounds were trained. */
  | 'rounds'
  /** The validation loss did not improve for `earlyStoppingRounds` rounds. */
  | 'early-stopping'
  /** A round's tree found no split that gains (LightGBM stops there too); that tree is not kept. */
  | 'no-split';

/** Row counts of a data set handed to {@link trainGbdt}: every row left out is counted with its reason. */
export interface GbdtRowReport {
  readonly rows: number;
  /** Rows trained on (or scored, for validation). */
  readonly used: number;
  /** Rows left out because their label is `NaN`. */
  readonly nanLabel: number;
}

/** What training did, round by round. */
export interface GbdtTrainingLog {
  readonly rounds: readonly GbdtRound[];
  /** Trees the model keeps: the round with the lowest validation loss under early stopping, else every round trained. */
  readonly bestIteration: number;
  readonly stopReason: GbdtStopReason;
  readonly train: GbdtRowReport;
  readonly validation: GbdtRowReport | undefined;
  /** Value bins found per feature (a NaN bin comes on top). */
  readonly bins: readonly number[];
  /** Wall time of finding bins and binning the rows, and of the boosting rounds, ms. */
  readonly timings: { readonly binningMs: number; readonly boostingMs: number };
}

/** A model as plain JSON-safe data ({@link GbdtModel.toJSON}, {@link gbdtModelFromJSON}). */
export interface GbdtModelJSON {
  readonly format: 'factorkit-gbdt';
  readonly version: 1;
  readonly featureNames: readonly string[];
  readonly initScore: number;
  readonly trees: readonly {
    readonly feature: number[];
    readonly threshold: (number | string)[];
    readonly defaultLeft: number[];
    readonly left: number[];
    readonly right: number[];
    readonly gain: number[];
    readonly leafValue: number[];
    readonly leafCount: number[];
  }[];
}

/** Infinite thresholds as strings in JSON (`JSON.stringify(Infinity)` is `null`). */
const toJsonNumber = (x: number): number | string => (Number.isFinite(x) ? x : String(x));

/**
 * A trained gradient-boosted tree ensemble: `score = initScore + Σ tree(x)`. Made by
 * {@link trainGbdt} or {@link gbdtModelFromJSON}.
 */
export class GbdtModel {
  /** Columns the model was trained on. */
  readonly cols: number;

  /**
   * @param featureNames a name per column
   * @param initScore the score every row starts from (the training labels' mean)
   * @param trees the kept trees, in boosting order
   * @param log the training log (`undefined` for a model read from JSON)
   */
  constructor(
    readonly featureNames: readonly string[],
    readonly initScore: number,
    readonly trees: readonly GbdtTree[],
    readonly log: GbdtTrainingLog | undefined,
  ) {
    this.cols = featureNames.length;
  }

  /**
   * Scores of `rows` rows of row-major `features` (`rows × cols`, `NaN` = missing), using the first
   * `iterations` trees (default all).
   */
  predict(features: Float64Array, rows: number, options: { readonly iterations?: number } = {}): Float64Array {
    const { cols } = this;
    if (!Number.isInteger(rows) || rows < 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `predict: rows must be a non-negative integer, got ${show(rows)}`);
    if (features.length !== rows * cols) {
      throw new FactorkitError('FK_INVALID_DATA', `predict: features hold ${features.length} values for ${rows} rows × ${cols} columns (expected ${rows * cols})`);
    }
    const count = options.iterations ?? this.trees.length;
    if (!Number.isInteger(count) || count < 0 || count > this.trees.length) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `predict: iterations must be an integer in [0, ${this.trees.length}], got ${show(options.iterations)}`);
    }
    const out = new Float64Array(rows).fill(this.initScore);
    for (let t = 0; t < count; t++) addTree(this.trees[t]!, features, rows, cols, out);
    return out;
  }

  /**
   * Feature importances over the kept trees, one per column: `'gain'` sums the loss reduction of
   * the splits on each feature, `'split'` counts them (LightGBM's two importance types).
   */
  importance(type: 'gain' | 'split' = 'gain'): Float64Array {
    if (type !== 'gain' && type !== 'split') throw new FactorkitError('FK_INVALID_ARGUMENT', `importance: type must be \`gain\` or \`split\`, got ${show(type)}`);
    const out = new Float64Array(this.cols);
    for (const tree of this.trees) {
      for (let i = 0; i < tree.feature.length; i++) out[tree.feature[i]!]! += type === 'gain' ? tree.gain[i]! : 1;
    }
    return out;
  }

  /** The model as JSON-safe data, for saving; {@link gbdtModelFromJSON} reads it back. */
  toJSON(): GbdtModelJSON {
    return {
      format: 'factorkit-gbdt',
      version: 1,
      featureNames: [...this.featureNames],
      initScore: this.initScore,
      trees: this.trees.map((t) => ({
        feature: Array.from(t.feature),
        threshold: Array.from(t.threshold, toJsonNumber),
        defaultLeft: Array.from(t.defaultLeft),
        left: Array.from(t.left),
        right: Array.from(t.right),
        gain: Array.from(t.gain),
        leafValue: Array.from(t.leafValue),
        leafCount: Array.from(t.leafCount),
      })),
    };
  }
}

/** Add one tree's values to `out` for every row. */
function addTree(tree: GbdtTree, features: Float64Array, rows: number, cols: number, out: Float64Array): void {
  const { feature, threshold, defaultLeft, left, right, leafValue } = tree;
  if (feature.length === 0) {
    const v = leafValue[0]!;
    for (let r = 0; r < rows; r++) out[r]! += v;
    return;
  }
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let node = 0;
    while (node >= 0) {
      const x = features[o + feature[node]!]!;
      const goLeft = x === x ? x <= threshold[node]! : defaultLeft[node] === 1;
      node = goLeft ? left[node]! : right[node]!;
    }
    out[r]! += leafValue[~node]!;
  }
}

/** Read a model written by {@link GbdtModel.toJSON} (checked: a malformed one is refused with `FK_INVALID_DATA` naming the field). */
export function gbdtModelFromJSON(json: unknown): GbdtModel {
  const bad = (what: string): never => {
    throw new FactorkitError('FK_INVALID_DATA', `gbdtModelFromJSON: ${what}`);
  };
  const record = (value: unknown, path: string): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : bad(`${path}: expected an object, got ${show(value)}`);
  // Thresholds may be `"Infinity"` / `"-Infinity"` (JSON has no infinities).
  const numbers = (value: unknown, path: string, strings = false): number[] => {
    if (!Array.isArray(value)) return bad(`${path}: expected an array, got ${show(value)}`);
    return value.map((x: unknown, k) => {
      const v = strings && (x === 'Infinity' || x === '-Infinity') ? Number(x) : x;
      return typeof v === 'number' && !Number.isNaN(v) ? v : bad(`${path}[${k}]: expected a number, got ${show(x)}`);
    });
  };
  const j = record(json, 'model');
  if (j.format !== 'factorkit-gbdt' || j.version !== 1) bad(`expected format \`factorkit-gbdt\` version 1, got ${show(j.format)} version ${show(j.version)}`);
  const names = j.featureNames;
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string')) return bad(`featureNames: expected an array of strings, got ${show(names)}`);
  const initScore = j.initScore;
  if (typeof initScore !== 'number' || !Number.isFinite(initScore)) return bad(`initScore: expected a finite number, got ${show(initScore)}`);
  if (!Array.isArray(j.trees)) return bad(`trees: expected an array, got ${show(j.trees)}`);
  const cols = names.length;
  const trees = j.trees.map((value: unknown, i): GbdtTree => {
    const path = `trees[${i}]`;
    const t = record(value, path);
    const feature = numbers(t.feature, `${path}.feature`);
    const threshold = numbers(t.threshold, `${path}.threshold`, true);
    const defaultLeft = numbers(t.defaultLeft, `${path}.defaultLeft`);
    const left = numbers(t.left, `${path}.left`);
    const right = numbers(t.right, `${path}.right`);
    const gain = numbers(t.gain, `${path}.gain`);
    const leafValue = numbers(t.leafValue, `${path}.leafValue`);
    const leafCount = numbers(t.leafCount, `${path}.leafCount`);
    const nodes = feature.length;
    const leaves = leafValue.length;
    if (leaves !== nodes + 1) bad(`${path}: ${nodes} nodes need ${nodes + 1} leaves, got ${leaves}`);
    for (const [name, a, n] of [['threshold', threshold, nodes], ['defaultLeft', defaultLeft, nodes], ['left', left, nodes], ['right', right, nodes], ['gain', gain, nodes], ['leafCount', leafCount, leaves]] as const) {
      if (a.length !== n) bad(`${path}.${name}: expected ${n} entries, got ${a.length}`);
    }
    // Children come after their parent (nodes are numbered in split order), so no path loops.
    const child = (c: number, k: number) => Number.isInteger(c) && (c >= 0 ? c > k && c < nodes : ~c < leaves);
    for (let k = 0; k < nodes; k++) {
      if (!(Number.isInteger(feature[k]) && feature[k]! >= 0 && feature[k]! < cols)) bad(`${path}.feature[${k}]: expected a column in [0, ${cols}), got ${show(feature[k])}`);
      if (!child(left[k]!, k) || !child(right[k]!, k)) bad(`${path}: node ${k} has a child out of range`);
    }
    return {
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      defaultLeft: Uint8Array.from(defaultLeft),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      gain: Float64Array.from(gain),
      leafValue: Float64Array.from(leafValue),
      leafCount: Int32Array.from(leafCount),
    };
  });
  return new GbdtModel(names, initScore, trees, undefined);
}
