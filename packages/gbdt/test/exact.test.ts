import { describe, expect, it } from 'vitest';
import { trainGbdt } from '../src/index.js';
import { bruteForceSplit, regressionData, rng } from './helpers.js';

const one = { numRounds: 1, learningRate: 1, numLeaves: 2, minDataInLeaf: 1 } as const;

describe('a single split, by hand', () => {
  // x = 1, 2, 3, 4 and y = 0, 0, 1, 1: the score starts at mean(y) = 0.5, gradients are
  // 0.5 − y = (0.5, 0.5, −0.5, −0.5). The cut between 2 and 3 gains
  // G_L²/n_L + G_R²/n_R − G²/n = 1²/2 + (−1)²/2 − 0 = 1, the leaves are −G/n = −0.5 and +0.5.
  const x = Float64Array.of(1, 2, 3, 4);
  const y = Float64Array.of(0, 0, 1, 1);

  it('finds the cut, its gain and the leaf values', () => {
    const model = trainGbdt(x, 4, 1, y, one);
    expect(model.initScore).toBe(0.5);
    expect(model.trees).toHaveLength(1);
    const tree = model.trees[0]!;
    expect(Array.from(tree.feature)).toEqual([0]);
    expect(tree.threshold[0]).toBe(2.5);
    expect(tree.gain[0]).toBeCloseTo(1, 14);
    expect(Array.from(tree.leafValue)).toEqual([-0.5, 0.5]);
    expect(Array.from(tree.leafCount)).toEqual([2, 2]);
    expect(Array.from(model.predict(x, 4))).toEqual([0, 0, 1, 1]);
    expect(model.log!.rounds[0]!.trainLoss).toBe(0);
  });

  it('applies lambdaL2 and the learning rate', () => {
    // λ = 1: gain = 1/3 + 1/3 − 0 = 2/3, leaves −lr · G / (n + λ) = ∓0.1 · 1/3.
    const model = trainGbdt(x, 4, 1, y, { ...one, lambdaL2: 1, learningRate: 0.1 });
    const tree = model.trees[0]!;
    expect(tree.gain[0]).toBeCloseTo(2 / 3, 14);
    expect(tree.leafValue[0]).toBeCloseTo(-0.1 / 3, 15);
    expect(tree.leafValue[1]).toBeCloseTo(0.1 / 3, 15);
  });

  it('refuses a split that leaves fewer than minDataInLeaf rows on a side, and stops when nothing splits', () => {
    // With 3 rows a side at least, 4 rows cannot split: training ends at round 1 with no tree.
    const model = trainGbdt(x, 4, 1, y, { ...one, minDataInLeaf: 3 });
    expect(model.trees).toHaveLength(0);
    expect(model.log!.stopReason).toBe('no-split');
    expect(Array.from(model.predict(x, 4))).toEqual([0.5, 0.5, 0.5, 0.5]);
  });
});

describe('splits agree with an exhaustive search', () => {
  it('the root split of random data: feature, cut, gain and leaf values', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { features, labels } = regressionData(200, 4, seed);
      const lambda = seed - 1;
      const model = trainGbdt(features, 200, 4, labels, { ...one, lambdaL2: lambda, minDataInLeaf: 5 });
      const mean = labels.reduce((a, b) => a + b, 0) / 200;
      const g = labels.map((v) => mean - v);
      const best = bruteForceSplit(features, 4, [...Array(200).keys()], g, lambda, 5)!;
      const tree = model.trees[0]!;
      expect(tree.feature[0]).toBe(best.feature);
      // Fewer than 255 distinct values: one bin per value, the cut halfway between neighbours.
      expect(tree.threshold[0]).toBe((best.leftMax + best.rightMin) / 2);
      expect(tree.gain[0]).toBeCloseTo(best.gain, 9);
      expect(tree.leafValue[0]).toBeCloseTo(-best.leftSum / (best.leftCount + lambda), 12);
      expect(tree.leafValue[1]).toBeCloseTo(-best.rightSum / (best.rightCount + lambda), 12);
    }
  });

  it('grows leaf-wise: each next split is the best split of any leaf so far', () => {
    const { features, labels } = regressionData(300, 3, 11);
    const cols = 3;
    const model = trainGbdt(features, 300, cols, labels, { numRounds: 1, learningRate: 1, numLeaves: 6, minDataInLeaf: 10 });
    const tree = model.trees[0]!;
    const mean = labels.reduce((a, b) => a + b, 0) / 300;
    const g = labels.map((v) => mean - v);
    // Replay growth independently: leaves as row lists, always split the best of them.
    let leaves: number[][] = [[...Array(300).keys()]];
    for (let node = 0; node < tree.feature.length; node++) {
      const candidates = leaves.map((rows) => bruteForceSplit(features, cols, rows, g, 0, 10));
      let pick = -1;
      candidates.forEach((c, i) => {
        if (c && (pick < 0 || c.gain > candidates[pick]!.gain)) pick = i;
      });
      const best = candidates[pick]!;
      expect(tree.feature[node]).toBe(best.feature);
      // Bins empty in this leaf give equal gains; as in LightGBM the highest cut wins: halfway
      // below the leaf's first right value, from the value under it in the whole column.
      const column = [...new Set(Array.from({ length: 300 }, (_, r) => features[r * cols + best.feature]!))].sort((a, b) => a - b);
      const below = column[column.indexOf(best.rightMin) - 1]!;
      expect(tree.threshold[node]).toBe((below + best.rightMin) / 2);
      expect(tree.gain[node]).toBeCloseTo(best.gain, 9);
      const rows = leaves[pick]!;
      const left = rows.filter((r) => features[r * cols + best.feature]! <= best.leftMax);
      const right = rows.filter((r) => features[r * cols + best.feature]! > best.leftMax);
      leaves = [...leaves.slice(0, pick), left, ...leaves.slice(pick + 1), right];
    }
    expect(leaves).toHaveLength(6);
    // Every row's prediction is the mean label of its replayed leaf (learning rate 1, λ = 0).
    const predicted = model.predict(features, 300);
    for (const rows of leaves) {
      const m = rows.reduce((a, r) => a + labels[r]!, 0) / rows.length;
      for (const r of rows) expect(predicted[r]).toBeCloseTo(m, 12);
    }
  });

  it('bins a feature with many distinct values into at most maxBins quantile bins', () => {
    const rand = rng(3);
    const n = 5000;
    const x = Float64Array.from({ length: n }, () => rand());
    const y = x.map((v) => (v > 0.3 ? 1 : 0));
    const model = trainGbdt(x, n, 1, y, { numRounds: 1, learningRate: 1, numLeaves: 2, maxBins: 16 });
    expect(model.log!.bins).toEqual([16]);
    // The cut lies at a bin bound near 0.3 (bins of ≈ 1/16 of the rows), not at 0.3 itself.
    const cut = model.trees[0]!.threshold[0]!;
    expect(Math.abs(cut - 0.3)).toBeLessThan(1 / 16 + 0.02);
  });
});
