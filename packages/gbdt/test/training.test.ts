import { isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { GbdtModel, gbdtModelFromJSON, trainGbdt } from '../src/index.js';
import { mse, normal, regressionData, rng, thrown } from './helpers.js';

describe('training loss', () => {
  it('decreases every round (L2, shrinkage ≤ 1: each tree lowers the squared error of every leaf)', () => {
    const { features, labels } = regressionData(2000, 5, 7);
    for (const options of [{}, { lambdaL2: 5 }, { learningRate: 1, numLeaves: 8 }]) {
      const model = trainGbdt(features, 2000, 5, labels, { numRounds: 60, ...options });
      const losses = model.log!.rounds.map((r) => r.trainLoss);
      expect(losses).toHaveLength(60);
      for (let i = 1; i < losses.length; i++) expect(losses[i]).toBeLessThan(losses[i - 1]!);
    }
  });

  it('logs the loss of what predict returns, and the variance before the first tree', () => {
    const { features, labels } = regressionData(1500, 4, 8);
    const model = trainGbdt(features, 1500, 4, labels, { numRounds: 25 });
    // predict walks raw thresholds, training walks bins: the two must agree on every row.
    expect(mse(model.predict(features, 1500), labels)).toBeCloseTo(model.log!.rounds.at(-1)!.trainLoss, 12);
    expect(mse(model.predict(features, 1500, { iterations: 10 }), labels)).toBeCloseTo(model.log!.rounds[9]!.trainLoss, 12);
    const mean = labels.reduce((a, b) => a + b, 0) / labels.length;
    expect(model.initScore).toBeCloseTo(mean, 14);
    expect(Array.from(model.predict(features.subarray(0, 12), 3, { iterations: 0 }))).toEqual([model.initScore, model.initScore, model.initScore]);
  });

  it('learns the signal: out-of-sample error well below the label variance', () => {
    const train = regressionData(5000, 6, 21, 0.3);
    const test = regressionData(2000, 6, 22, 0.3);
    const model = trainGbdt(train.features, 5000, 6, train.labels, { numRounds: 200, learningRate: 0.1 });
    const mean = test.labels.reduce((a, b) => a + b, 0) / 2000;
    const variance = mse(test.labels, new Float64Array(2000).fill(mean));
    expect(mse(model.predict(test.features, 2000), test.labels)).toBeLessThan(0.3 * variance);
  });
});

describe('early stopping', () => {
  it('stops once the validation loss has not improved for earlyStoppingRounds and keeps the best round', () => {
    const { features, labels } = regressionData(1000, 4, 31, 2);
    const valid = regressionData(500, 4, 32, 2);
    const model = trainGbdt(features, 1000, 4, labels, {
      numRounds: 500,
      learningRate: 0.3,
      numLeaves: 31,
      minDataInLeaf: 5,
      earlyStoppingRounds: 10,
      validation: { features: valid.features, rows: 500, labels: valid.labels },
    });
    const log = model.log!;
    expect(log.stopReason).toBe('early-stopping');
    const losses = log.rounds.map((r) => r.validLoss);
    const best = losses.indexOf(Math.min(...losses)) + 1;
    expect(log.bestIteration).toBe(best);
    expect(log.rounds).toHaveLength(best + 10);
    expect(model.trees).toHaveLength(best);
    // The kept model's validation loss is the logged best one.
    expect(mse(model.predict(valid.features, 500), valid.labels)).toBeCloseTo(losses[best - 1]!, 12);
  });

  it('without early stopping logs the validation loss and keeps every tree', () => {
    const { features, labels } = regressionData(500, 3, 33);
    const valid = regressionData(200, 3, 34);
    const model = trainGbdt(features, 500, 3, labels, { numRounds: 12, validation: { features: valid.features, rows: 200, labels: valid.labels } });
    expect(model.trees).toHaveLength(12);
    expect(model.log!.bestIteration).toBe(12);
    expect(model.log!.rounds.every((r) => Number.isFinite(r.validLoss))).toBe(true);
    expect(mse(model.predict(valid.features, 200), valid.labels)).toBeCloseTo(model.log!.rounds[11]!.validLoss, 12);
  });
});

describe('seeds', () => {
  const { features, labels } = regressionData(3000, 8, 41);
  const options = { numRounds: 30, baggingFraction: 0.7, featureFraction: 0.5, binSampleSize: 1000 };

  it('the same seed gives the same model; another seed another', () => {
    const a = trainGbdt(features, 3000, 8, labels, { ...options, seed: 5 });
    const b = trainGbdt(features, 3000, 8, labels, { ...options, seed: 5 });
    const c = trainGbdt(features, 3000, 8, labels, { ...options, seed: 6 });
    expect(a.toJSON()).toEqual(b.toJSON());
    expect(Array.from(a.predict(features, 3000))).toEqual(Array.from(b.predict(features, 3000)));
    expect(a.toJSON()).not.toEqual(c.toJSON());
  });

  it('featureFraction: each tree splits on at most round(cols × fraction) features', () => {
    const model = trainGbdt(features, 3000, 8, labels, { ...options, featureFraction: 0.25, seed: 1 });
    for (const tree of model.trees) expect(new Set(tree.feature).size).toBeLessThanOrEqual(2);
    // …drawn anew per tree: over 30 trees more than two features are used.
    expect(new Set(model.trees.flatMap((t) => Array.from(t.feature))).size).toBeGreaterThan(2);
  });

  it('baggingFraction: each tree is grown on round(rows × fraction) rows', () => {
    const model = trainGbdt(features, 3000, 8, labels, { ...options, seed: 2 });
    for (const tree of model.trees) expect(tree.leafCount.reduce((a, b) => a + b, 0)).toBe(2100);
    // Out-of-bag rows are scored too: the logged loss is that of predict on all rows.
    expect(mse(model.predict(features, 3000), labels)).toBeCloseTo(model.log!.rounds.at(-1)!.trainLoss, 12);
  });
});

describe('missing values', () => {
  it('sends NaN rows to the side that fits them, learned from the data', () => {
    // x is NaN exactly where y is high (3), else uniform on [0, 1] with y = 0 or 1 by x > 0.5.
    const rand = rng(51);
    const n = 900;
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      if (r % 3 === 0) {
        x[r] = Number.NaN;
        y[r] = 3;
      } else {
        x[r] = rand();
        y[r] = x[r]! > 0.5 ? 1 : 0;
      }
    }
    const model = trainGbdt(x, n, 1, y, { numRounds: 100, learningRate: 0.3, minDataInLeaf: 5 });
    const p = model.predict(Float64Array.of(Number.NaN, 0.2, 0.8), 3);
    expect(p[0]).toBeCloseTo(3, 2);
    expect(p[1]).toBeCloseTo(0, 2);
    expect(p[2]).toBeCloseTo(1, 2);
    expect(mse(model.predict(x, n), y)).toBeCloseTo(model.log!.rounds.at(-1)!.trainLoss, 12);
  });

  it('a NaN in a feature that had none in training follows the child with more training rows', () => {
    // 30 rows left of the cut, 10 right: a NaN goes left.
    const x = Float64Array.from({ length: 40 }, (_, i) => i);
    const y = x.map((v) => (v < 30 ? 0 : 1));
    const model = trainGbdt(x, 40, 1, y, { numRounds: 1, learningRate: 1, numLeaves: 2, minDataInLeaf: 1 });
    expect(model.trees[0]!.defaultLeft[0]).toBe(1);
    expect(model.predict(Float64Array.of(Number.NaN), 1)[0]).toBeCloseTo(0, 14);
    const flipped = trainGbdt(x, 40, 1, y.map((v) => 1 - v).reverse(), { numRounds: 1, learningRate: 1, numLeaves: 2, minDataInLeaf: 1 });
    // Now 10 rows (label 0) left of the cut, 30 (label 1) right: a NaN goes right.
    expect(flipped.trees[0]!.defaultLeft[0]).toBe(0);
    expect(flipped.predict(Float64Array.of(Number.NaN), 1)[0]).toBeCloseTo(1, 14);
  });

  it('leaves out rows whose label is NaN, and counts them', () => {
    const { features, labels } = regressionData(600, 3, 61);
    const holed = labels.slice();
    for (let r = 0; r < 600; r += 4) holed[r] = Number.NaN;
    const model = trainGbdt(features, 600, 3, holed, { numRounds: 10 });
    expect(model.log!.train).toEqual({ rows: 600, used: 450, nanLabel: 150 });
    // The same as training on the 450 labelled rows alone.
    const keep = [...Array(600).keys()].filter((r) => r % 4 !== 0);
    const only = trainGbdt(Float64Array.from(keep.flatMap((r) => Array.from(features.subarray(r * 3, r * 3 + 3)))), 450, 3, Float64Array.from(keep, (r) => labels[r]!), { numRounds: 10 });
    expect(Array.from(model.predict(features, 600))).toEqual(Array.from(only.predict(features, 600)));
  });

  it('treats ±Infinity features as extreme values', () => {
    const x = Float64Array.of(Number.NEGATIVE_INFINITY, -1, 0, 1, 2, Number.POSITIVE_INFINITY);
    const y = Float64Array.of(0, 0, 0, 1, 1, 1);
    const model = trainGbdt(x, 6, 1, y, { numRounds: 1, learningRate: 1, numLeaves: 2, minDataInLeaf: 1 });
    expect(Array.from(model.predict(x, 6))).toEqual([0, 0, 0, 1, 1, 1]);
  });
});

describe('importance', () => {
  it('split counts the nodes per feature; gain sums their gains; a noise feature gets little', () => {
    const gauss = normal(rng(71));
    const n = 4000;
    const features = new Float64Array(n * 3);
    const labels = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      features[r * 3] = gauss();
      features[r * 3 + 1] = gauss();
      features[r * 3 + 2] = gauss();
      labels[r] = 2 * features[r * 3]! + features[r * 3 + 1]! ** 2 + 0.1 * gauss();
    }
    const model = trainGbdt(features, n, 3, labels, { numRounds: 40, featureNames: ['a', 'b', 'noise'] });
    const split = model.importance('split');
    const gain = model.importance('gain');
    const nodes = [0, 0, 0];
    const gains = [0, 0, 0];
    for (const t of model.trees) {
      for (let i = 0; i < t.feature.length; i++) {
        nodes[t.feature[i]!]! += 1;
        gains[t.feature[i]!]! += t.gain[i]!;
      }
    }
    expect(Array.from(split)).toEqual(nodes);
    expect(gain[0]).toBeCloseTo(gains[0]!, 6);
    expect(gain[2]! / (gain[0]! + gain[1]! + gain[2]!)).toBeLessThan(0.02);
    expect(gain[0]).toBeGreaterThan(gain[1]!);
    expect(model.featureNames).toEqual(['a', 'b', 'noise']);
  });
});

describe('saving', () => {
  it('toJSON → JSON text → gbdtModelFromJSON predicts the same', () => {
    const { features, labels } = regressionData(800, 4, 81);
    features[5] = Number.NaN;
    const model = trainGbdt(features, 800, 4, labels, { numRounds: 15 });
    const back = gbdtModelFromJSON(JSON.parse(JSON.stringify(model)));
    expect(back).toBeInstanceOf(GbdtModel);
    expect(Array.from(back.predict(features, 800))).toEqual(Array.from(model.predict(features, 800)));
    expect(Array.from(back.importance('gain'))).toEqual(Array.from(model.importance('gain')));
  });

  it('refuses malformed JSON with the field named', () => {
    const model = trainGbdt(Float64Array.of(1, 2, 3, 4), 4, 1, Float64Array.of(0, 0, 1, 1), { numRounds: 1, minDataInLeaf: 1 });
    const json = JSON.parse(JSON.stringify(model)) as { trees: { left: number[] }[] };
    json.trees[0]!.left = [0];
    const error = thrown(() => gbdtModelFromJSON(json));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toContain('trees[0]: node 0 has a child out of range');
    expect(thrown(() => gbdtModelFromJSON({ format: 'other' })).message).toContain('factorkit-gbdt');
  });
});

describe('errors', () => {
  const x = Float64Array.of(1, 2, 3, 4);
  const y = Float64Array.of(0, 0, 1, 1);

  it('lists every bad option at once, with its path', () => {
    const error = thrown(() => trainGbdt(x, 4, 1, y, { numLeaves: 1, learningRate: 0, maxBins: 300, bogus: 1 } as never));
    expect(isFactorkitError(error) && error.code).toBe('FK_INVALID_PARAMS');
    for (const path of ['options.numLeaves', 'options.learningRate', 'options.maxBins', 'options.bogus']) expect(error.message).toContain(path);
  });

  it('refuses shapes that do not match, infinite labels, no labelled row, early stopping without validation', () => {
    expect(thrown(() => trainGbdt(x, 3, 1, y)).code).toBe('FK_INVALID_DATA');
    expect(thrown(() => trainGbdt(x, 4, 2, y)).code).toBe('FK_INVALID_DATA');
    const inf = thrown(() => trainGbdt(x, 4, 1, Float64Array.of(0, Infinity, 1, 1)));
    expect(inf.code).toBe('FK_INVALID_DATA');
    expect(inf.message).toContain('row 1');
    expect(thrown(() => trainGbdt(x, 4, 1, new Float64Array(4).fill(Number.NaN))).message).toContain('no training row has a label');
    expect(thrown(() => trainGbdt(x, 4, 1, y, { earlyStoppingRounds: 5 })).code).toBe('FK_INVALID_ARGUMENT');
    expect(thrown(() => trainGbdt(x, 4, 1, y, { featureNames: ['a', 'b'] })).code).toBe('FK_INVALID_ARGUMENT');
    const model = trainGbdt(x, 4, 1, y, { minDataInLeaf: 1 });
    expect(thrown(() => model.predict(x, 5)).code).toBe('FK_INVALID_DATA');
    expect(thrown(() => model.importance('cover' as never)).code).toBe('FK_INVALID_ARGUMENT');
  });
});
