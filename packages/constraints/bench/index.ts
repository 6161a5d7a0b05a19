/**
 * Build time of the constraint set on a full-market-sized context (no solve): the MFE linear
 * set, and the tracking-error cap with a 40-factor risk model. Prints figures; asserts nothing.
 * Run: pnpm bench
 */
import { type ConstraintContext, ProblemBuilder, applyConstraints } from '@factorkit/core';
import {
  constituentShare,
  fullyInvested,
  industryNeutral,
  longOnly,
  stockDeviation,
  styleExposure,
  trackingErrorCap,
  tradability,
  turnoverLimit,
} from '../src/index.js';

function context(n: number, k: number): ConstraintContext {
  let s = 12345;
  const rand = (): number => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
  const members = Math.floor(n * 0.8);
  const raw = Float64Array.from({ length: n }, (_, i) => (i < members ? rand() : 0));
  const total = raw.reduce((a, v) => a + v, 0);
  const F = new Float64Array(k * k);
  for (let f = 0; f < k; f++) F[f * k + f] = 0.01 + 0.01 * rand();
  return {
    date: '2024-01-05',
    assets: Array.from({ length: n }, (_, i) => `S${i}`),
    benchmark: raw.map((v) => v / total),
    previous: raw.map((v) => v / total),
    exposures: { size: Float64Array.from({ length: n }, () => rand() - 0.5), beta: Float64Array.from({ length: n }, () => rand()) },
    categories: { industry: { codes: Int32Array.from({ length: n }, (_, i) => i % 31), levels: Array.from({ length: 31 }, (_, j) => `I${j}`) } },
    tradability: { canBuy: new Uint8Array(n).fill(1), canSell: new Uint8Array(n).fill(1) },
    risk: {
      factors: Array.from({ length: k }, (_, f) => `f${f}`),
      exposures: Float64Array.from({ length: n * k }, () => rand() - 0.5),
      covariance: F,
      specificVariance: Float64Array.from({ length: n }, () => 0.02 + 0.05 * rand()),
    },
  };
}

function time(label: string, fn: () => void, repeats = 5): void {
  fn();
  const start = performance.now();
  for (let r = 0; r < repeats; r++) fn();
  console.log(`${label}: ${((performance.now() - start) / repeats).toFixed(1)} ms`);
}

for (const n of [1000, 5000]) {
  const ctx = context(n, 40);
  time(`n = ${n}: MFE linear set (7 constraints) build + Problem`, () => {
    const builder = new ProblemBuilder({ assets: ctx.assets });
    applyConstraints(builder, ctx, [
      fullyInvested.with(),
      longOnly.with(),
      stockDeviation.with(),
      industryNeutral.with(),
      styleExposure.with({ styles: ['size', 'beta'] }),
      constituentShare.with(),
      turnoverLimit.with(),
      tradability.with(),
    ]);
    builder.build();
  });
  time(`n = ${n}: tracking-error cap, k = 40, build + Problem`, () => {
    const builder = new ProblemBuilder({ assets: ctx.assets });
    applyConstraints(builder, ctx, [trackingErrorCap.with()]);
    builder.build();
  });
}
