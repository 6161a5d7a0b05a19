import { type TrainingSet, checkModel, trainModel } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import icirDefault, { icirWeight } from '../src/index.js';
import { PYTHON_IC_TABLE, pythonJson, syntheticTrainingSet, trainingSetJson } from '@factorkit/factor-testkit/models';

describe('ICIR-weighted model', () => {
  it('is a well-formed model plugin for core API 1.1 (default export)', () => {
    expect(icirDefault).toBe(icirWeight);
    expect(checkModel(icirWeight)).toEqual([]);
    expect(icirWeight).toMatchObject({ kind: 'model', id: 'icir', apiVersion: '1.1' });
  });

  it.each(['spearman', 'pearson'] as const)('weights ∝ mean/std of the %s IC (ddof 1), as numpy/scipy compute them', (method) => {
    const set = syntheticTrainingSet({ seed: 9, dates: 15, perDate: 50, loadings: [0.3, -0.2, 0.05, 0.1], missing: 0.05 });
    const want = pythonJson(
      `${PYTHON_IC_TABLE}
d = json.load(sys.stdin)
ic = ic_table(d, "${method}", 10)
ir = np.nanmean(ic, axis=0) / np.nanstd(ic, axis=0, ddof=1)
print(json.dumps((ir / np.abs(ir).sum()).tolist()))`,
      trainingSetJson(set),
    ) as number[];
    const model = trainModel(icirWeight.with({ method }), set);
    model.weights().forEach((w, f) => expect(Math.abs(w.value - want[f]!), w.factor).toBeLessThan(1e-12));
    expect(model.diagnostics?.messages).toEqual([]);
  });

  it('two dates by hand (Pearson): a steady IC outweighs a larger but volatile one', () => {
    // Labels (−1, 0, 1) on both dates. Date 0: both factors equal the labels (IC 1). Date 1:
    // f0 = (−1, 0.5, 1), IC ≈ 0.96; f1 = (0, 1, −0.2), IC ≈ −0.10.
    const set: TrainingSet = {
      factors: ['f0', 'f1'],
      rows: 6,
      features: Float64Array.from([-1, -1, 0, 0, 1, 1, -1, 0, 0.5, 1, 1, -0.2]),
      labels: Float64Array.from([-1, 0, 1, -1, 0, 1]),
      dateIndex: Int32Array.from([0, 0, 0, 1, 1, 1]),
    };
    const r = (x: number[], y: number[]) => {
      const mx = x.reduce((a, b) => a + b) / x.length;
      const my = y.reduce((a, b) => a + b) / y.length;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      x.forEach((v, i) => {
        sxy += (v - mx) * (y[i]! - my);
        sxx += (v - mx) ** 2;
        syy += (y[i]! - my) ** 2;
      });
      return sxy / Math.sqrt(sxx * syy);
    };
    const ic0 = [1, r([-1, 0.5, 1], [-1, 0, 1])];
    const ic1 = [1, r([0, 1, -0.2], [-1, 0, 1])];
    const ir = (v: number[]) => (v[0]! + v[1]!) / 2 / (Math.abs(v[0]! - v[1]!) / Math.SQRT2);
    const total = Math.abs(ir(ic0)) + Math.abs(ir(ic1));
    const weights = trainModel(icirWeight.with({ method: 'pearson', minAssets: 3 }), set).weights();
    expect(weights[0]!.value).toBeCloseTo(ir(ic0) / total, 12);
    expect(weights[1]!.value).toBeCloseTo(ir(ic1) / total, 12);
  });

  it('gives weight 0 to a factor with an IC on one date only, and says so', () => {
    const set: TrainingSet = {
      factors: ['f0', 'f1'],
      rows: 6,
      features: Float64Array.from([1, 1, 2, 2, 3, 3, 1, Number.NaN, 3, Number.NaN, 2, Number.NaN]),
      labels: Float64Array.from([1, 2, 3, 1, 2, 3]),
      dateIndex: Int32Array.from([0, 0, 0, 1, 1, 1]),
    };
    const model = trainModel(icirWeight.with({ minAssets: 3 }), set);
    expect(model.weights().map((w) => w.value)).toEqual([1, 0]);
    expect(model.diagnostics?.messages).toEqual(['factor `f1`: 1 date with an IC (2 needed); weight 0']);
  });
});
