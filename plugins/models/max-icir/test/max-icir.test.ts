import { type TrainingSet, checkModel, trainModel } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import maxIcirDefault, { maxIcirWeight } from '../src/index.js';
import { PYTHON_IC_TABLE, pythonJson, syntheticTrainingSet, trainingSetJson } from '@factorkit/factor-testkit/models';

/**
 * numpy, written from the formulas in the README: complete dates, sample covariance, the
 * Schäfer–Strimmer target-D intensity (Ledoit–Wolf for the diagonal target), w = Σ̂⁻¹μ by
 * numpy.linalg.solve, Σ|w| = 1.
 */
const PY_MAX_ICIR = `${PYTHON_IC_TABLE}
d = json.load(sys.stdin)
ic = ic_table(d, d["method"], d["minAssets"])
ic = ic[~np.isnan(ic).any(axis=1)]
n, k = ic.shape
mu = ic.mean(axis=0)
S = np.cov(ic, rowvar=False, ddof=1)
x = ic - mu
lam = d["intensity"]
if lam is None:
    num = 0.0; den = 0.0
    for i in range(k):
        for j in range(k):
            if i == j: continue
            w = x[:, i] * x[:, j]
            num += n / (n - 1) ** 3 * ((w - w.mean()) ** 2).sum()
            den += S[i, j] ** 2
    lam = min(1.0, max(0.0, num / den))
Sh = S * (1 - lam); np.fill_diagonal(Sh, np.diag(S))
w = np.linalg.solve(Sh, mu)
print(json.dumps({"weights": (w / np.abs(w).sum()).tolist(), "lam": lam, "n": int(n)}))
`;

describe('maximum-ICIR model', () => {
  it('is a well-formed model plugin for core API 1.1 (default export)', () => {
    expect(maxIcirDefault).toBe(maxIcirWeight);
    expect(checkModel(maxIcirWeight)).toEqual([]);
    expect(maxIcirWeight).toMatchObject({ kind: 'model', id: 'max_icir', apiVersion: '1.1' });
    expect(maxIcirWeight.with().params).toEqual({ method: 'spearman', minAssets: 10, shrinkage: 'ledoit-wolf', intensity: 0.5 });
  });

  const set = syntheticTrainingSet({ seed: 13, dates: 30, perDate: 40, loadings: [0.25, -0.15, 0.1, 0.05], missing: 0.08 });

  it.each([
    ['ledoit-wolf', 'spearman', null],
    ['ledoit-wolf', 'pearson', null],
    ['fixed', 'spearman', 0],
    ['fixed', 'spearman', 0.3],
    ['fixed', 'pearson', 1],
  ] as const)('shrinkage %s (%s, intensity %s): weights as numpy computes them', (shrinkage, method, intensity) => {
    const want = pythonJson(PY_MAX_ICIR, { ...(trainingSetJson(set) as object), method, minAssets: 10, intensity }) as { weights: number[]; lam: number; n: number };
    const model = trainModel(maxIcirWeight.with({ shrinkage, method, ...(intensity === null ? {} : { intensity }) }), set);
    model.weights().forEach((w, f) => expect(Math.abs(w.value - want.weights[f]!), w.factor).toBeLessThan(1e-10));
    expect(model.diagnostics?.shrinkage).toBeCloseTo(want.lam, 12);
    expect(model.diagnostics?.completeDates).toBe(want.n);
    if (intensity === null) {
      // The estimate is a proper intensity, neither clipped end here.
      expect(want.lam).toBeGreaterThan(0);
      expect(want.lam).toBeLessThan(1);
    }
  });

  it('with intensity 1 the covariance is diagonal: w ∝ μ / σ², by hand', () => {
    // Pearson ICs of two factors on three dates, labels (−1, 0, 1) each date.
    const rows: number[][] = [
      [-1, -1, 0, 0, 1, 1], // date 0: f0 = f1 = labels → ICs 1, 1
      [-1, 1, 0, 0, 1, -1], // date 1: f0 IC 1, f1 IC −1
      [0, -1, -1, 0, 1, 1], // date 2: f0 = (0, −1, 1), f1 = labels
    ];
    const set3: TrainingSet = {
      factors: ['f0', 'f1'],
      rows: 9,
      features: Float64Array.from(rows.flat()),
      labels: Float64Array.from([-1, 0, 1, -1, 0, 1, -1, 0, 1]),
      dateIndex: Int32Array.from([0, 0, 0, 1, 1, 1, 2, 2, 2]),
    };
    // f0 on date 2: x = (0, −1, 1), y = (−1, 0, 1): Σdxdy = 1, Σdx² = 2, Σdy² = 2 → IC 0.5.
    const ic0 = [1, 1, 0.5];
    const ic1 = [1, -1, 1];
    const stats = (v: number[]) => {
      const m = v.reduce((a, b) => a + b) / v.length;
      return { m, var: v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1) };
    };
    const [a, b] = [stats(ic0), stats(ic1)];
    const raw = [a.m / a.var, b.m / b.var];
    const total = Math.abs(raw[0]!) + Math.abs(raw[1]!);
    const weights = trainModel(maxIcirWeight.with({ method: 'pearson', minAssets: 3, shrinkage: 'fixed', intensity: 1 }), set3).weights();
    expect(weights[0]!.value).toBeCloseTo(raw[0]! / total, 12);
    expect(weights[1]!.value).toBeCloseTo(raw[1]! / total, 12);
  });

  it('leaves out factors without enough ICs and dates where a factor has none, and says so', () => {
    const patchy: TrainingSet = { ...set, features: set.features.slice() };
    // f3 missing on the first 29 dates: one date with an IC.
    for (let r = 0; r < 29 * 40; r++) patchy.features[r * 4 + 3] = Number.NaN;
    // f2 missing on date 0.
    for (let r = 0; r < 40; r++) patchy.features[r * 4 + 2] = Number.NaN;
    const model = trainModel(maxIcirWeight, patchy);
    expect(model.weights()[3]!.value).toBe(0);
    expect(model.diagnostics?.messages).toEqual(['factor `f3`: 1 date with an IC (2 needed); weight 0', '1 of 30 training dates left out: some factor has no IC on them']);
    expect(model.diagnostics?.completeDates).toBe(29);
  });

  it('refuses a singular covariance without shrinkage (FK_NO_VALUES)', () => {
    // Two dates, three factors: the 3 × 3 sample covariance has rank 1.
    const small = syntheticTrainingSet({ seed: 2, dates: 2, perDate: 30, loadings: [0.3, 0.2, 0.1] });
    expect(() => trainModel(maxIcirWeight.with({ shrinkage: 'fixed', intensity: 0 }), small)).toThrow(/singular with shrinkage intensity 0/);
    expect(() => trainModel(maxIcirWeight.with({ shrinkage: 'fixed', intensity: 0.5 }), small)).not.toThrow();
  });
});
