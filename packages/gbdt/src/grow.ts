import { SLOTS_PER_FEATURE } from './bins.js';
import { HISTOGRAM_LENGTH_PER_FEATURE, buildHistogram, subtractHistogram } from './histogram.js';
import { type SplitRules, SplitTable, findBestSplit } from './split.js';

/** What the grower needs to know besides the rows: their shape and the rules. */
export interface GrowerInput extends SplitRules {
  readonly cols: number;
  /** Bytes per binned row: `cols` rounded up to a multiple of 4 (rows move as 32-bit words). */
  readonly stride: number;
  /** Value bins per feature (the NaN bin is the next index). */
  readonly valueBins: Int32Array;
  readonly numLeaves: number;
  /** ≤ 0: no limit. */
  readonly maxDepth: number;
  readonly learningRate: number;
  /** Rows a tree may be grown on at most. */
  readonly maxRows: number;
}

/**
 * Rows being grown on, in the grower's own order: each row's bins (`stride` bytes), gradient and
 * row number in the caller's data.
 */
export interface RowStore {
  readonly bytes: Uint8Array;
  readonly words: Uint32Array;
  readonly grad: Float64Array;
  readonly id: Int32Array;
}

function rowStore(rows: number, stride: number): RowStore {
  const words = new Uint32Array((rows * stride) / 4);
  return { bytes: new Uint8Array(words.buffer), words, grad: new Float64Array(rows), id: new Int32Array(rows) };
}

/**
 * The histogram of a tree's root carried from one tree to the next. With the L2 loss a tree adds
 * the same value `v` to the gradient of every row of a leaf, so the next root's gradient sum in a
 * bin is this root's plus `Σ_leaf v_leaf × (rows of the leaf in that bin)`, which the leaves'
 * histograms hold: the next root costs `leaves × bins` operations instead of a pass over every
 * row. Valid only when every tree sees the same rows and every feature.
 */
export interface CarriedRoot {
  readonly hist: Float64Array;
  sumGrad: number;
  /** False until a root has been built. */
  valid: boolean;
}

/**
 * Grows one tree at a time, leaf-wise: the open leaf whose best split gains most is split next,
 * until `numLeaves` leaves or no leaf has a split that gains. Every buffer — rows, histograms,
 * split tables, nodes — is allocated once and reused by every tree.
 *
 * The rows of each leaf are kept contiguous — bins, gradient and row number side by side — in
 * `[leafBegin, leafBegin + leafCount)` of {@link rows}: a histogram is one sequential pass over a
 * leaf's rows, with no gathering of scattered rows. Splitting a leaf swaps the rows that sit on
 * the wrong side of its range in pairs (the order inside a leaf does not matter), so a split that
 * cuts off a few rows moves few rows. Only the child with fewer rows has its histogram built; the
 * other's is parent − child.
 */
export class TreeGrower {
  /** The rows, leaf by leaf. */
  readonly rows: RowStore;
  readonly leafBegin: Int32Array;
  readonly leafCount: Int32Array;
  readonly leafGrad: Float64Array;
  /** Leaf values of the last tree, shrinkage included: `−learningRate · G / (H + lambdaL2)`. */
  readonly leafValue: Float64Array;
  private readonly leafDepth: Int32Array;
  private readonly leafSlot: Int32Array;
  private readonly leafParent: Int32Array;
  private readonly leafIsLeft: Uint8Array;
  private readonly splits: SplitTable;
  private readonly pool: Float64Array[] = [];
  private readonly free: number[] = [];
  private readonly slotsUsed: Int32Array;
  /** Internal nodes of the last tree, in the order they were split. Children: ≥ 0 a node, < 0 the leaf `~child`. */
  readonly nodeFeature: Int32Array;
  readonly nodeBin: Int32Array;
  readonly nodeDefaultLeft: Uint8Array;
  readonly nodeLeft: Int32Array;
  readonly nodeRight: Int32Array;
  readonly nodeGain: Float64Array;

  constructor(private readonly input: GrowerInput) {
    const L = input.numLeaves;
    this.rows = rowStore(input.maxRows, input.stride);
    this.leafBegin = new Int32Array(L);
    this.leafCount = new Int32Array(L);
    this.leafGrad = new Float64Array(L);
    this.leafValue = new Float64Array(L);
    this.leafDepth = new Int32Array(L);
    this.leafSlot = new Int32Array(L).fill(-1);
    this.leafParent = new Int32Array(L);
    this.leafIsLeft = new Uint8Array(L);
    this.splits = new SplitTable(L);
    this.nodeFeature = new Int32Array(L - 1);
    this.nodeBin = new Int32Array(L - 1);
    this.nodeDefaultLeft = new Uint8Array(L - 1);
    this.nodeLeft = new Int32Array(L - 1);
    this.nodeRight = new Int32Array(L - 1);
    this.nodeGain = new Float64Array(L - 1);
    this.slotsUsed = input.valueBins.map((b) => b + 1);
  }

  /**
   * Load the rows `list[0..n)` of `binsByRow` (row-major, `stride` bytes a row) with their
   * gradients `grad[row]` as the next tree's root.
   */
  load(binsByRow: Uint8Array, list: Int32Array, n: number, grad: Float64Array): void {
    const { words, grad: g, id } = this.rows;
    const source = new Uint32Array(binsByRow.buffer, binsByRow.byteOffset, binsByRow.byteLength / 4);
    const w = this.input.stride >> 2;
    for (let i = 0; i < n; i++) {
      const r = list[i]!;
      const from = r * w;
      const to = i * w;
      for (let k = 0; k < w; k++) words[to + k] = source[from + k]!;
      g[i] = grad[r]!;
      id[i] = r;
    }
  }

  private take(): number {
    const slot = this.free.pop();
    if (slot !== undefined) return slot;
    this.pool.push(new Float64Array(this.input.cols * HISTOGRAM_LENGTH_PER_FEATURE));
    return this.pool.length - 1;
  }

  private release(leaf: number): void {
    const slot = this.leafSlot[leaf]!;
    if (slot >= 0) this.free.push(slot);
    this.leafSlot[leaf] = -1;
  }

  private canSplit(leaf: number): boolean {
    const { minDataInLeaf, minSumHessian, maxDepth } = this.input;
    const n = this.leafCount[leaf]!;
    return n >= 2 * minDataInLeaf && n >= 2 * minSumHessian && (maxDepth <= 0 || this.leafDepth[leaf]! < maxDepth);
  }

  private build(leaf: number, feats: Int32Array, nf: number): Float64Array {
    const slot = this.take();
    this.leafSlot[leaf] = slot;
    const hist = this.pool[slot]!;
    const begin = this.leafBegin[leaf]!;
    buildHistogram(hist, this.rows.bytes, this.input.stride, this.input.cols, this.rows.grad, begin, begin + this.leafCount[leaf]!, feats, nf);
    return hist;
  }

  /**
   * Grow a tree on the rows `[0, count)` of {@link rows} (after {@link load}, or as the last tree left them),
   * splitting only on the features `feats[0..nf)` (ascending). Returns the number of leaves; the
   * nodes, the leaves' rows, gradient sums and values stay in this object until the next call.
   *
   * With `root` (only when every tree sees the same rows and every feature), the root's
   * histogram is taken from it when valid (built and stored otherwise), and advanced to the next
   * tree's root at the end.
   */
  grow(count: number, feats: Int32Array, nf: number, root?: CarriedRoot): number {
    const { valueBins } = this.input;
    const { splits } = this;
    this.leafBegin[0] = 0;
    this.leafCount[0] = count;
    this.leafDepth[0] = 0;
    this.leafParent[0] = -1;
    splits.gain[0] = Number.NEGATIVE_INFINITY;
    let leaves = 1;
    const splittable = this.canSplit(0);
    if (root?.valid) {
      const slot = this.take();
      this.leafSlot[0] = slot;
      this.pool[slot]!.set(root.hist);
      this.leafGrad[0] = root.sumGrad;
    } else {
      const grad = this.rows.grad;
      let sum = 0;
      for (let i = 0; i < count; i++) sum += grad[i]!;
      this.leafGrad[0] = sum;
      if (splittable || root) {
        const hist = this.build(0, feats, nf);
        if (root) {
          root.hist.set(hist);
          root.sumGrad = sum;
          root.valid = true;
        }
      }
    }
    if (splittable) findBestSplit(this.pool[this.leafSlot[0]!]!, feats, nf, valueBins, this.leafGrad[0], count, this.input, splits, 0);
    while (leaves < this.input.numLeaves) {
      let leaf = -1;
      let gain = 0;
      for (let l = 0; l < leaves; l++) {
        if (splits.gain[l]! > gain) {
          gain = splits.gain[l]!;
          leaf = l;
        }
      }
      if (leaf < 0) break;
      const node = leaves - 1;
      const right = leaves++;
      this.splitLeaf(leaf, right, node);
      this.childHistograms(leaf, right, feats, nf, leaves < this.input.numLeaves, root !== undefined);
    }
    const { lambdaL2, learningRate } = this.input;
    for (let l = 0; l < leaves; l++) this.leafValue[l] = (-learningRate * this.leafGrad[l]!) / (this.leafCount[l]! + lambdaL2);
    if (root) this.advanceRoot(root, leaves);
    for (let l = 0; l < leaves; l++) this.release(l);
    return leaves;
  }

  /** The next tree's root from this tree's leaves (see {@link CarriedRoot}); counts do not change. */
  private advanceRoot(root: CarriedRoot, leaves: number): void {
    const { cols } = this.input;
    const { hist } = root;
    for (let l = 0; l < leaves; l++) {
      const v = this.leafValue[l]!;
      const leafHist = this.pool[this.leafSlot[l]!]!;
      for (let f = 0; f < cols; f++) {
        const base = f * HISTOGRAM_LENGTH_PER_FEATURE;
        const end = base + 2 * this.slotsUsed[f]!;
        for (let k = base; k < end; k += 2) hist[k]! += v * leafHist[k + 1]!;
      }
      root.sumGrad += v * this.leafCount[l]!;
    }
  }

  /** Record the node, move the rows to the other store (left child first), and set up both children (the left keeps the leaf's index). */
  private splitLeaf(leaf: number, right: number, node: number): void {
    const { splits } = this;
    const { valueBins } = this.input;
    const f = splits.feature[leaf]!;
    const thr = splits.bin[leaf]!;
    const defaultLeft = splits.defaultLeft[leaf]!;
    this.nodeFeature[node] = f;
    this.nodeBin[node] = thr;
    this.nodeDefaultLeft[node] = defaultLeft;
    this.nodeGain[node] = splits.gain[leaf]!;
    this.nodeLeft[node] = ~leaf;
    this.nodeRight[node] = ~right;
    const parent = this.leafParent[leaf]!;
    if (parent >= 0) {
      if (this.leafIsLeft[leaf]) this.nodeLeft[parent] = node;
      else this.nodeRight[parent] = node;
    }
    const begin = this.leafBegin[leaf]!;
    const end = begin + this.leafCount[leaf]!;
    const leftCount = splits.leftCount[leaf]!;
    this.partition(begin, begin + leftCount, end, f, thr, defaultLeft ? valueBins[f]! : SLOTS_PER_FEATURE);
    const depth = this.leafDepth[leaf]! + 1;
    this.leafCount[leaf] = leftCount;
    this.leafCount[right] = end - begin - leftCount;
    this.leafBegin[right] = begin + leftCount;
    this.leafGrad[right] = this.leafGrad[leaf]! - splits.leftGrad[leaf]!;
    this.leafGrad[leaf] = splits.leftGrad[leaf]!;
    this.leafDepth[leaf] = depth;
    this.leafDepth[right] = depth;
    this.leafParent[leaf] = node;
    this.leafParent[right] = node;
    this.leafIsLeft[leaf] = 1;
    this.leafIsLeft[right] = 0;
    this.leafSlot[right] = -1;
    splits.gain[leaf] = Number.NEGATIVE_INFINITY;
    splits.gain[right] = Number.NEGATIVE_INFINITY;
  }

  /**
   * Put the rows of `[begin, end)` that go left (bin ≤ `thr`, or bin = `nanBin`) in
   * `[begin, mid)` and the others in `[mid, end)`, by swapping each right row found before `mid`
   * with a left row found after it. `mid − begin` must be the number of left rows (the split's
   * histogram counted them).
   */
  private partition(begin: number, mid: number, end: number, f: number, thr: number, nanBin: number): void {
    const { bytes, words, grad, id } = this.rows;
    const { stride } = this.input;
    const w = stride >> 2;
    let i = begin;
    let j = mid;
    for (;;) {
      while (i < mid) {
        const b = bytes[i * stride + f]!;
        if (b > thr && b !== nanBin) break;
        i++;
      }
      while (j < end) {
        const b = bytes[j * stride + f]!;
        if (b <= thr || b === nanBin) break;
        j++;
      }
      if (i === mid || j === end) break;
      const a = i * w;
      const c = j * w;
      for (let k = 0; k < w; k++) {
        const t = words[a + k]!;
        words[a + k] = words[c + k]!;
        words[c + k] = t;
      }
      const g = grad[i]!;
      grad[i] = grad[j]!;
      grad[j] = g;
      const r = id[i]!;
      id[i] = id[j]!;
      id[j] = r;
      i++;
      j++;
    }
    if (i !== mid || j !== end) throw new Error(`gbdt: a split's histogram and its rows disagree on the left count ${mid - begin} (internal error)`);
  }

  /**
   * Histograms of both children — the smaller built, the larger by subtraction — when a child may
   * still be split (`search`) or every leaf's histogram is wanted (`keepAll`), then the best split
   * of each child that may be split.
   */
  private childHistograms(left: number, right: number, feats: Int32Array, nf: number, search: boolean, keepAll: boolean): void {
    const canLeft = search && this.canSplit(left);
    const canRight = search && this.canSplit(right);
    if (!canLeft && !canRight && !keepAll) {
      this.release(left);
      return;
    }
    const leftSmaller = this.leafCount[left]! <= this.leafCount[right]!;
    const small = leftSmaller ? left : right;
    const large = leftSmaller ? right : left;
    // The larger child inherits the parent's histogram (held by `left`, the parent's index).
    const parentSlot = this.leafSlot[left]!;
    this.leafSlot[left] = -1;
    const smallHist = this.build(small, feats, nf);
    this.leafSlot[large] = parentSlot;
    subtractHistogram(this.pool[parentSlot]!, smallHist, feats, nf, this.slotsUsed);
    const { valueBins } = this.input;
    for (const child of [left, right]) {
      if (child === left ? canLeft : canRight) {
        findBestSplit(this.pool[this.leafSlot[child]!]!, feats, nf, valueBins, this.leafGrad[child]!, this.leafCount[child]!, this.input, this.splits, child);
      } else if (!keepAll) {
        this.release(child);
      }
    }
  }
}
