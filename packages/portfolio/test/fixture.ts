import type { ConstraintContext, RiskModelView } from '@factorkit/core';

// A 5-stock, 2-factor market small enough to check densely by hand-written algebra.
export const X = [
  [1.2, -0.3],
  [0.8, 0.5],
  [1.0, 0.0],
  [0.6, -0.9],
  [1.4, 0.7],
];
export const F = [
  [0.04, 0.006],
  [0.006, 0.01],
];
export const D = [0.02, 0.03, 0.015, 0.05, 0.025];
export const benchmark = [0.3, 0.25, 0.2, 0.15, 0.1];
export const alpha = [0.02, -0.01, 0.015, 0.03, -0.005];
export const assets = ['000001.SZ', '000002.SZ', '600000.SH', '600036.SH', '601318.SH'];

export const risk: RiskModelView = {
  factors: ['beta', 'size'],
  exposures: Float64Array.from(X.flat()),
  covariance: Float64Array.from(F.flat()),
  specificVariance: Float64Array.from(D),
};

export const context: ConstraintContext = {
  date: '2023-06-30',
  assets,
  benchmark: Float64Array.from(benchmark),
  exposures: { alpha: Float64Array.from(alpha) },
  categories: {},
  risk,
};
