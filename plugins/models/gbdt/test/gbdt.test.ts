import { type TrainingSet, checkModel, createRegistry, isFactorkitError, trainModel } from '@factorkit/core';
import { GBDT_PARAMS, trainGbdt } from '@factorkit/gbdt';
import { describe, expect, it } from 'vitest';
import * as module from '../src/index.js';
import gbdtDefault, { gbdt } from '../src/index.js';

/** `dates` dates × `assets` rows; label = x0² + 0.5·x1 + noise (x2 is noise), 3 % of x1 missing. */
function panel(dates: number, assets: number, seed: number): TrainingSet {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const normal = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  const rows = dates * assets;
  const features = new Float64Array(rows * 3);
  const labels = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const x = [normal(), normal(), normal()];
    labels[r] = x[0]! ** 2 + 0.5 * x[1]! + 0.5 * normal();
    if (next() < 0.03) x[1] = Number.NaN;
    features.set(x, r * 3);
  }
  return { factors: ['quad', 'lin', 'noise'], rows, features, labels, dateIndex: Int32Array.from({ length: rows }, (_, r) => Math.floor(r / assets)) };
}

/** Spearman correlation (no ties in continuous scores). */
function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const rank = (x: ArrayLike<number>) => {
    const order = Array.from(x, (_, i) => i).sort((i, j) => x[i]! - x[j]!);
    const r = new Float64Array(x.length);
    order.forEach((i, k) => (r[i] = k));
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const n = a.length;
  let d2 = 0;
  for (let i = 0; i < n; i++) d2 += (ra[i]! - rb[i]!) ** 2;
  return 1 - (6 * d2) / (n * (n * n - 1));
}

describe('gbdt model', () => {
  it('is a well-formed model plugin for core API 1.1 (default export), with the gbdt hyperparameters', () => {
    expect(gbdtDefault).toBe(gbdt);
    expect(checkModel(gbdt)).toEqual([]);
    expect(gbdt).toMatchObject({ kind: 'model', id: 'gbdt', apiVersion: '1.1', meta: { weightKind: 'importance' } });
    const defaults = gbdt.with().params;
    expect(defaults).toMatchObject({ numRounds: 100, learningRate: 0.1, numLeaves: 31, validationShare: 0, validationGap: 0, importance: 'gain' });
    expect(Object.keys(defaults)).toEqual([...Object.keys(GBDT_PARAMS), 'validationShare', 'validationGap', 'importance']);
    expect(() => gbdt.with({ numLeaves: 1, validationShare: 0.9 })).toThrow(/params.numLeaves[\s\S]*params.validationShare/);
    const registry = createRegistry();
    registry.registerModule(module);
    expect(registry.get('model', 'gbdt')).toBeDefined();
  });

  it('scores with the trees trainGbdt grows on the same rows, and reports gain shares as importances', () => {
    const data = panel(20, 200, 1);
    const options = { numRounds: 40, learningRate: 0.1, numLeaves: 15 };
    const model = trainModel(gbdt.with(options), data);
    const direct = trainGbdt(data.features, data.rows, 3, data.labels, options);
    expect(Array.from(model.predict(data.features, data.rows))).toEqual(Array.from(direct.predict(data.features, data.rows)));
    const weights = model.weights();
    expect(weights.map((w) => w.factor)).toEqual(['quad', 'lin', 'noise']);
    expect(weights.every((w) => w.kind === 'importance')).toBe(true);
    const gain = direct.importance('gain');
    const total = gain[0]! + gain[1]! + gain[2]!;
    weights.forEach((w, f) => expect(w.value).toBeCloseTo(gain[f]! / total, 12));
    expect(weights[0]!.value).toBeGreaterThan(weights[1]!.value);
    expect(weights[2]!.value).toBeLessThan(0.1);
    const split = trainModel(gbdt.with({ ...options, importance: 'split' }), data).weights();
    const counts = direct.importance('split');
    split.forEach((w, f) => expect(w.value).toBeCloseTo(counts[f]! / (counts[0]! + counts[1]! + counts[2]!), 12));
  });

  it('ranks new dates: positive out-of-sample rank IC on a nonlinear signal a linear model misses', () => {
    const data = panel(30, 300, 2);
    const test = panel(5, 300, 3);
    const model = trainModel(gbdt.with({ numRounds: 100, learningRate: 0.1, minDataInLeaf: 50 }), data);
    const scores = model.predict(test.features, test.rows);
    for (let d = 0; d < 5; d++) {
      const ic = spearman(scores.subarray(d * 300, (d + 1) * 300), test.labels.subarray(d * 300, (d + 1) * 300));
      expect(ic).toBeGreaterThan(0.3);
    }
  });

  it('holds out the last dates for early stopping, with a gap, and keeps the best round', () => {
    const data = panel(10, 200, 4);
    const model = trainModel(
      gbdt.with({ numRounds: 400, learningRate: 0.3, minDataInLeaf: 5, validationShare: 0.2, validationGap: 2, earlyStoppingRounds: 10 }),
      data,
    );
    const d = model.diagnostics!;
    // 10 dates: 2 validation dates (the last), 2 left out, 6 to train on.
    expect(d.trainRows).toBe(6 * 200);
    expect(d.validationRows).toBe(2 * 200);
    expect(d.stopReason).toBe('early-stopping');
    expect(d.trees).toBe(d.bestIteration);
    expect(d.roundsTrained).toBe((d.bestIteration as number) + 10);
    expect(d.messages).toEqual([
      'trained on the first 6 dates (1200 rows), validated on the last 2 (400 rows), 2 dates left out between',
      `stopped early at round ${d.roundsTrained as number} of 400: kept the best round, ${d.bestIteration as number}`,
    ]);
    // The same as trainGbdt on those row ranges.
    const direct = trainGbdt(data.features.subarray(0, 1200 * 3), 1200, 3, data.labels.subarray(0, 1200), {
      numRounds: 400,
      learningRate: 0.3,
      minDataInLeaf: 5,
      earlyStoppingRounds: 10,
      validation: { features: data.features.subarray(1600 * 3), rows: 400, labels: data.labels.subarray(1600) },
    });
    expect(Array.from(model.predict(data.features, data.rows))).toEqual(Array.from(direct.predict(data.features, data.rows)));
  });

  it('refuses early stopping without a validation share, and a window too short for its split', () => {
    const data = panel(4, 50, 5);
    let error: unknown;
    try {
      trainModel(gbdt.with({ earlyStoppingRounds: 10 }), data);
    } catch (e) {
      error = e;
    }
    expect(isFactorkitError(error) && error.code).toBe('FK_INVALID_PARAMS');
    expect((error as Error).message).toContain('params.earlyStoppingRounds');
    expect(() => trainModel(gbdt.with({ validationShare: 0.5, validationGap: 2 }), data)).toThrow(/4 dates; 2 validation dates and a gap of 2 leave none/);
  });
});
