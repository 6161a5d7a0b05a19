import { HISTOGRAM_LENGTH_PER_FEATURE } from './histogram.js';

/** The constraints a split must meet (from the hyperparameters). */
export interface SplitRules {
  readonly minDataInLeaf: number;
  readonly minSumHessian: number;
  readonly lambdaL2: number;
  readonly minGainToSplit: number;
}

/**
 * The best split of each open leaf, by leaf index, in typed arrays. `gain` is the loss reduction
 * `G_L² / (H_L + λ) + G_R² / (H_R + λ) − G² / (H + λ)`; `−Infinity` when the leaf has no valid split.
 * A row goes left when its bin is ≤ `bin`; a NaN goes left when `defaultLeft` is 1.
 */
export class SplitTable {
  readonly gain: Float64Array;
  readonly feature: Int32Array;
  readonly bin: Int32Array;
  readonly defaultLeft: Uint8Array;
  readonly leftGrad: Float64Array;
  readonly leftCount: Float64Array;

  constructor(leaves: number) {
    this.gain = new Float64Array(leaves);
    this.feature = new Int32Array(leaves);
    this.bin = new Int32Array(leaves);
    this.defaultLeft = new Uint8Array(leaves);
    this.leftGrad = new Float64Array(leaves);
    this.leftCount = new Float64Array(leaves);
  }
}

/**
 * Find the best split of a leaf with gradient sum `sumGrad` over `count` rows from its histogram,
 * over the features `feats[0..nf)` (ascending), and store it at `leaf` in `out`.
 *
 * As in LightGBM, thresholds are scanned from the highest bin down (so of splits with equal gain,
 * which happens across bins empty in this leaf, the highest threshold wins) and, of features with
 * equal gain, the lowest index wins. When the leaf has NaN rows in a feature, both directions are
 * tried for them (NaN left in the downward scan, NaN right in an upward scan that also tries
 * "every value left, NaN right"); when it has none, a later NaN follows the child with more rows.
 */
export function findBestSplit(
  hist: Float64Array,
  feats: Int32Array,
  nf: number,
  valueBins: Int32Array,
  sumGrad: number,
  count: number,
  rules: SplitRules,
  out: SplitTable,
  leaf: number,
): void {
  const { minSumHessian, lambdaL2: lambda } = rules;
  // L2: the hessian of a row is 1, so a side's hessian sum is its row count.
  const minCount = Math.max(rules.minDataInLeaf, minSumHessian);
  const parentScore = (sumGrad * sumGrad) / (count + lambda);
  let best = parentScore + rules.minGainToSplit;
  let bestFeature = -1;
  let bestBin = 0;
  let bestDefaultLeft = 0;
  let bestLeftGrad = 0;
  let bestLeftCount = 0;
  for (let j = 0; j < nf; j++) {
    const f = feats[j]!;
    const b = valueBins[f]!;
    const base = f * HISTOGRAM_LENGTH_PER_FEATURE;
    const nanCount = hist[base + 2 * b + 1]!;
    // Downward: the right side gathers bins k … b − 1; NaN rows stay left.
    let rightGrad = 0;
    let rightCount = 0;
    for (let k = b - 1; k >= 1; k--) {
      rightGrad += hist[base + 2 * k]!;
      rightCount += hist[base + 2 * k + 1]!;
      if (rightCount < minCount) continue;
      const leftCount = count - rightCount;
      if (leftCount < minCount) break;
      const leftGrad = sumGrad - rightGrad;
      const score = (leftGrad * leftGrad) / (leftCount + lambda) + (rightGrad * rightGrad) / (rightCount + lambda);
      if (score > best) {
        best = score;
        bestFeature = f;
        bestBin = k - 1;
        bestLeftGrad = leftGrad;
        bestLeftCount = leftCount;
        // Without NaN rows here, a NaN met later follows the larger child.
        bestDefaultLeft = nanCount > 0 || leftCount >= rightCount ? 1 : 0;
      }
    }
    if (nanCount === 0) continue;
    // Upward: the left side gathers bins 0 … k; NaN rows go right.
    let leftGrad = 0;
    let leftCount = 0;
    for (let k = 0; k < b; k++) {
      leftGrad += hist[base + 2 * k]!;
      leftCount += hist[base + 2 * k + 1]!;
      if (leftCount < minCount) continue;
      const rightCount = count - leftCount;
      if (rightCount < minCount) break;
      const rightGrad = sumGrad - leftGrad;
      const score = (leftGrad * leftGrad) / (leftCount + lambda) + (rightGrad * rightGrad) / (rightCount + lambda);
      if (score > best) {
        best = score;
        bestFeature = f;
        bestBin = k;
        bestLeftGrad = leftGrad;
        bestLeftCount = leftCount;
        bestDefaultLeft = 0;
      }
    }
  }
  out.gain[leaf] = bestFeature < 0 ? Number.NEGATIVE_INFINITY : best - parentScore;
  out.feature[leaf] = bestFeature;
  out.bin[leaf] = bestBin;
  out.defaultLeft[leaf] = bestDefaultLeft;
  out.leftGrad[leaf] = bestLeftGrad;
  out.leftCount[leaf] = bestLeftCount;
}
