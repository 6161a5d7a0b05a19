import { execFileSync } from 'node:child_process';
import { type TrainingSet, checkModel, trainModel } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import ridgeDefault, { ridge } from '../src/index.js';

function python(script: string, input: unknown): unknown {
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', timeout: 60_000 }));
}

/** A seeded regression: y = 0.1 + X·beta + noise, exposures correlated, some missing. */
function regression(seed: number, rows: number, beta: readonly number[], missing: number): TrainingSet {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const normal = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  const F = beta.length;
  const features = new Float64Array(rows * F);
  const labels = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const common = normal();
    let y = 0.1 + 0.5 * normal();
    for (let f = 0; f < F; f++) {
      const x = 0.6 * common + normal() + 0.2 * f;
      y += beta[f]! * x;
      features[r * F + f] = next() < missing ? Number.NaN : x;
    }
    labels[r] = y;
  }
  return { factors: beta.map((_, f) => `f${f}`), rows, features, labels, dateIndex: Int32Array.from({ length: rows }, (_, r) => Math.floor(r / 25)) };
}

/**
 * numpy, by another method than the code's centred normal equations: least squares on the
 * augmented system [X 1; √(nλ) I 0] [β; b] = [y; 0] (missing exposures as 0), which minimises
 * ‖y − b − Xβ‖² + nλ‖β‖², i.e. the mean squared error + λ‖β‖².
 */
const PY_RIDGE = `
import json, sys, numpy as np
d = json.load(sys.stdin)
F = d["F"]
X = np.array([0.0 if v is None else v for v in d["features"]]).reshape(-1, F)
y = np.array(d["labels"]); n = len(y); lam = d["lambda"]
if d["intercept"]:
    A = np.vstack([np.hstack([X, np.ones((n, 1))]), np.hstack([np.sqrt(n * lam) * np.eye(F), np.zeros((F, 1))])])
else:
    A = np.vstack([X, np.sqrt(n * lam) * np.eye(F)])
sol, *_ = np.linalg.lstsq(A, np.concatenate([y, np.zeros(F)]), rcond=None)
beta = sol[:F]; b = float(sol[F]) if d["intercept"] else 0.0
Xt = np.array(d["test"]).reshape(-1, F)
print(json.dumps({"beta": beta.tolist(), "intercept": b, "scores": (b + Xt @ beta).tolist()}))
`;

describe('ridge model', () => {
  it('is a well-formed model plugin for core API 1.1 (default export)', () => {
    expect(ridgeDefault).toBe(ridge);
    expect(checkModel(ridge)).toEqual([]);
    expect(ridge).toMatchObject({ kind: 'model', id: 'ridge', apiVersion: '1.1' });
    expect(ridge.with().params).toEqual({ lambda: 0.01, intercept: true });
    expect(() => ridge.with({ lambda: -1 })).toThrow(/params.lambda/);
  });

  const set = regression(7, 400, [0.4, -0.3, 0.1, 0], 0.05);
  const test = Float64Array.from([1, 0, -1, 2, 0.5, 0.5, 0.5, 0.5, -2, 1, 0, 3]);

  it.each([
    [0, true],
    [0.01, true],
    [0.5, true],
    [0.2, false],
  ])('λ = %s, intercept %s: coefficients, intercept and scores as numpy’s least squares on the augmented system', (lambda, intercept) => {
    const want = python(PY_RIDGE, {
      F: 4,
      features: Array.from(set.features, (v) => (Number.isNaN(v) ? null : v)),
      labels: Array.from(set.labels),
      lambda,
      intercept,
      test: Array.from(test),
    }) as { beta: number[]; intercept: number; scores: number[] };
    const model = trainModel(ridge.with({ lambda, intercept }), set);
    model.weights().forEach((w, f) => expect(Math.abs(w.value - want.beta[f]!), w.factor).toBeLessThan(1e-10));
    expect(model.diagnostics?.intercept).toBeCloseTo(want.intercept, 10);
    Array.from(model.predict(test, 3)).forEach((v, i) => expect(Math.abs(v - want.scores[i]!)).toBeLessThan(1e-10));
    expect(model.diagnostics?.filled).toBe(Array.from(set.features).filter(Number.isNaN).length);
  });

  it('shrinks toward 0 as λ grows', () => {
    const norm = (lambda: number) => Math.hypot(...trainModel(ridge.with({ lambda }), set).weights().map((w) => w.value));
    expect(norm(0)).toBeGreaterThan(norm(1));
    expect(norm(1)).toBeGreaterThan(norm(100));
    expect(norm(1e6)).toBeLessThan(1e-5);
  });

  it('one factor, no intercept, by hand: β = Σxy / (Σx² + nλ)', () => {
    const one: TrainingSet = { factors: ['f'], rows: 3, features: Float64Array.from([1, 2, 3]), labels: Float64Array.from([1, 3, 2]), dateIndex: Int32Array.from([0, 0, 0]) };
    // Σxy = 1 + 6 + 6 = 13, Σx² = 14, n λ = 3 × 0.5.
    expect(trainModel(ridge.with({ lambda: 0.5, intercept: false }), one).weights()[0]!.value).toBeCloseTo(13 / 15.5, 14);
  });

  it('refuses a singular system with λ = 0 (a constant factor, collinear factors), not with λ > 0', () => {
    const constant: TrainingSet = { ...set, features: set.features.map((v, i) => (i % 4 === 3 ? 1 : Number.isNaN(v) ? 0 : v)) };
    expect(() => trainModel(ridge.with({ lambda: 0 }), constant)).toThrow(/singular over 400 rows with λ = 0/);
    expect(trainModel(ridge.with({ lambda: 0.01 }), constant).weights()[3]!.value).toBeCloseTo(0, 12);
    // f3 = 2 f0 − f1: the Gram matrix has rank 3 in floating point too (tiny pivot).
    const collinear: TrainingSet = {
      ...set,
      features: set.features.map((v, i) => {
        const r = Math.floor(i / 4);
        const x = (f: number) => (Number.isNaN(set.features[r * 4 + f]!) ? 0 : set.features[r * 4 + f]!);
        return i % 4 === 3 ? 2 * x(0) - x(1) : Number.isNaN(v) ? 0 : v;
      }),
    };
    expect(() => trainModel(ridge.with({ lambda: 0 }), collinear)).toThrow(/singular/);
    // With λ > 0 the penalty picks the smallest-norm split of the shared signal: finite weights.
    expect(trainModel(ridge.with({ lambda: 0.01 }), collinear).weights().every((w) => Number.isFinite(w.value))).toBe(true);
  });
});
