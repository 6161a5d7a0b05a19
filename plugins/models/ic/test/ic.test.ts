import { type TrainingSet, checkModel, trainModel } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import icDefault, { icWeight } from '../src/index.js';
import { PYTHON_IC_TABLE, pythonJson, syntheticTrainingSet, trainingSetJson } from '@factorkit/factor-testkit/models';

describe('IC-weighted model', () => {
  it('is a well-formed model plugin for core API 1.1 (default export)', () => {
    expect(icDefault).toBe(icWeight);
    expect(checkModel(icWeight)).toEqual([]);
    expect(icWeight).toMatchObject({ kind: 'model', id: 'ic', apiVersion: '1.1' });
    expect(icWeight.with().params).toEqual({ method: 'spearman', minAssets: 10 });
  });

  it.each(['spearman', 'pearson'] as const)('weights = mean %s IC / Σ|mean IC|, as numpy/scipy compute them', (method) => {
    const set = syntheticTrainingSet({ seed: 5, dates: 12, perDate: 40, loadings: [0.3, -0.2, 0.05], missing: 0.1 });
    const want = pythonJson(
      `${PYTHON_IC_TABLE}
d = json.load(sys.stdin)
ic = ic_table(d, "${method}", 10)
mean = np.nanmean(ic, axis=0)
print(json.dumps((mean / np.abs(mean).sum()).tolist()))`,
      trainingSetJson(set),
    ) as number[];
    const weights = trainModel(icWeight.with({ method }), set).weights();
    expect(weights.map((w) => w.factor)).toEqual(['f0', 'f1', 'f2']);
    weights.forEach((w, f) => expect(Math.abs(w.value - want[f]!), w.factor).toBeLessThan(1e-12));
    // The planted signs come through.
    expect(weights[0]!.value).toBeGreaterThan(0);
    expect(weights[1]!.value).toBeLessThan(0);
  });

  it('scores Σ w·x with missing exposures at 0, by hand', () => {
    // One date, four rows: f0 ranks the labels perfectly (IC 1), f1 inversely (IC −1), f2 is missing.
    const set: TrainingSet = {
      factors: ['f0', 'f1', 'f2'],
      rows: 4,
      features: Float64Array.from([1, 4, Number.NaN, 2, 3, Number.NaN, 3, 2, Number.NaN, 4, 1, Number.NaN]),
      labels: Float64Array.from([-2, -1, 1, 2]),
      dateIndex: Int32Array.from([0, 0, 0, 0]),
    };
    const model = trainModel(icWeight.with({ minAssets: 3 }), set);
    expect(model.weights().map((w) => w.value)).toEqual([0.5, -0.5, 0]);
    expect(model.diagnostics?.messages).toEqual(['factor `f2`: no date with 3 or more rows and a defined IC; weight 0']);
    expect(Array.from(model.predict(Float64Array.from([2, 1, 9, Number.NaN, 4, Number.NaN]), 2))).toEqual([0.5 * 2 - 0.5 * 1 + 0, -0.5 * 4]);
  });

  it('refuses to train when no factor has an IC (FK_NO_VALUES)', () => {
    const set = syntheticTrainingSet({ seed: 1, dates: 3, perDate: 5, loadings: [0.3, 0.1] });
    expect(() => trainModel(icWeight, set)).toThrow('model `ic`: no factor has a non-zero mean IC over the 3 training dates (at least 10 rows per date)');
  });
});
