/**
 * End to end: an MFE (maximum factor exposure) problem on 50 assets with every linear
 * constraint of this package, solved by HiGHS; each constraint is then re-checked from the
 * weights alone (not through the problem's rows).
 */
import { type ConstraintContext, ProblemBuilder, applyConstraints, assertSolved } from '@factorkit/core';
import { highsOptimizer } from '@factorkit/optimizer-highs';
import { describe, expect, it } from 'vitest';
import {
  constituentShare,
  fullyInvested,
  industryNeutral,
  longOnly,
  maxWeight,
  stockDeviation,
  styleExposure,
  tradability,
  turnoverLimit,
} from '../src/index.js';

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const N = 50;
const MEMBERS = 40; // assets 0–39 are constituents, 40–49 are not
const INDUSTRIES = ['银行', '电子', '医药', '食品饮料', '电力设备', '计算机'];
const TOL = 1e-7;

function market(): { context: ConstraintContext; alpha: Float64Array; suspended: number; limitUp: number; limitDown: number } {
  const rand = mulberry32(20240105);
  const normal = (): number => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
  const raw = Array.from({ length: N }, (_, i) => (i < MEMBERS ? Math.exp(0.6 * normal()) : 0));
  const total = raw.reduce((a, v) => a + v, 0);
  const benchmark = Float64Array.from(raw, (v) => v / total);
  const codes = Int32Array.from({ length: N }, (_, i) => i % INDUSTRIES.length);
  const size = Float64Array.from({ length: N }, () => normal());
  const beta = Float64Array.from({ length: N }, () => 1 + 0.3 * normal());
  const alpha = Float64Array.from({ length: N }, () => normal());
  // Held weights: the benchmark with ±0.4% noise on constituents 5–39, renormalised; assets 0–4 held at b.
  const previous = Float64Array.from(benchmark);
  for (let i = 5; i < MEMBERS; i++) previous[i] = Math.max(0, previous[i]! + 0.004 * (rand() - 0.5) * 2);
  const rest = previous.slice(5).reduce((a, v) => a + v, 0);
  const target = 1 - previous.slice(0, 5).reduce((a, v) => a + v, 0);
  for (let i = 5; i < N; i++) previous[i] = (previous[i]! * target) / rest;
  // Asset 0 suspended, 1 limit-up (cannot buy), 2 limit-down (cannot sell).
  const canBuy = new Uint8Array(N).fill(1);
  const canSell = new Uint8Array(N).fill(1);
  canBuy[0] = 0;
  canSell[0] = 0;
  canBuy[1] = 0;
  canSell[2] = 0;
  return {
    context: {
      date: '2024-01-05',
      assets: Array.from({ length: N }, (_, i) => `S${String(i).padStart(2, '0')}`),
      benchmark,
      previous,
      exposures: { size, beta },
      categories: { industry: { codes, levels: INDUSTRIES } },
      tradability: { canBuy, canSell },
    },
    alpha,
    suspended: 0,
    limitUp: 1,
    limitDown: 2,
  };
}

describe('MFE on 50 assets, solved by HiGHS', () => {
  it('every constraint holds at the optimum, re-checked from the weights', async () => {
    const { context, alpha, suspended, limitUp, limitDown } = market();
    const b = context.benchmark;
    const w0 = context.previous!;
    const builder = new ProblemBuilder({ assets: context.assets }, 'maximize');
    builder.addLinearObjective(alpha);
    applyConstraints(builder, context, [
      fullyInvested.with(),
      longOnly.with(),
      stockDeviation.with({ limit: 0.01, nonMemberMax: 0.03 }),
      maxWeight.with({ cap: 0.08 }),
      industryNeutral.with(),
      styleExposure.with({ styles: ['size', 'beta'], bands: { beta: 0.05 } }),
      constituentShare.with({ min: 0.8 }),
      turnoverLimit.with({ limit: 0.15 }),
      tradability.with(),
    ]);
    const problem = builder.build();
    const solver = await highsOptimizer.create(highsOptimizer.with().params);
    const solution = await solver.solve(problem);
    await solver.dispose?.();
    assertSolved(solution);
    const w = Array.from(solution.weights);
    const sum = (f: (i: number) => number): number => {
      let s = 0;
      for (let i = 0; i < N; i++) s += f(i);
      return s;
    };

    // fully invested, long only, cap
    expect(Math.abs(sum((i) => w[i]!) - 1)).toBeLessThan(TOL);
    for (let i = 0; i < N; i++) {
      expect(w[i]).toBeGreaterThanOrEqual(-TOL);
      expect(w[i]).toBeLessThanOrEqual(0.08 + TOL);
      // per-stock deviation ±1% for constituents, ≤ 3% for the others
      if (b[i]! > 0) expect(Math.abs(w[i]! - b[i]!)).toBeLessThanOrEqual(0.01 + TOL);
      else expect(w[i]).toBeLessThanOrEqual(0.03 + TOL);
    }
    // industry neutral, exactly
    for (let j = 0; j < INDUSTRIES.length; j++) {
      const active = sum((i) => (context.categories.industry!.codes[i] === j ? w[i]! - b[i]! : 0));
      expect(Math.abs(active)).toBeLessThan(TOL);
    }
    // size neutral, beta within ±0.05
    const { size, beta } = context.exposures;
    expect(Math.abs(sum((i) => (w[i]! - b[i]!) * size![i]!))).toBeLessThan(TOL);
    expect(Math.abs(sum((i) => (w[i]! - b[i]!) * beta![i]!))).toBeLessThanOrEqual(0.05 + TOL);
    // constituent share ≥ 80%
    expect(sum((i) => (b[i]! > 0 ? w[i]! : 0))).toBeGreaterThanOrEqual(0.8 - TOL);
    // one-way turnover ≤ 15%
    const oneWay = 0.5 * sum((i) => Math.abs(w[i]! - w0[i]!));
    expect(oneWay).toBeLessThanOrEqual(0.15 + TOL);
    // tradability
    expect(Math.abs(w[suspended]! - w0[suspended]!)).toBeLessThan(TOL);
    expect(w[limitUp]).toBeLessThanOrEqual(w0[limitUp]! + TOL);
    expect(w[limitDown]).toBeGreaterThanOrEqual(w0[limitDown]! - TOL);

    // The optimum beats holding the benchmark, and the turnover limit is what stops it
    // (without binding constraints the test would check little).
    expect(sum((i) => alpha[i]! * w[i]!)).toBeGreaterThan(sum((i) => alpha[i]! * b[i]!));
    expect(oneWay).toBeGreaterThan(0.15 - 1e-6);
    expect(solution.primalResidual).toBeLessThan(TOL);
  });

  it('the `split`, `abs` and `held` turnover formulations reach the same optimum', async () => {
    const { context, alpha } = market();
    // Assets 40–49 (not constituents) are not held: `held` counts their weight instead of splitting it.
    expect(Array.from(context.previous!.subarray(40)).every((v) => v === 0)).toBe(true);
    const solveWith = async (formulation: 'split' | 'abs' | 'held') => {
      const builder = new ProblemBuilder({ assets: context.assets }, 'maximize');
      builder.addLinearObjective(alpha);
      applyConstraints(builder, context, [fullyInvested.with(), longOnly.with(), stockDeviation.with({ limit: 0.01 }), turnoverLimit.with({ limit: 0.05, formulation })]);
      const solver = await highsOptimizer.create(highsOptimizer.with().params);
      const solution = await solver.solve(builder.build());
      assertSolved(solution);
      return solution;
    };
    const split = await solveWith('split');
    const abs = await solveWith('abs');
    const held = await solveWith('held');
    expect(split.objective).toBeCloseTo(abs.objective, 9);
    expect(held.objective).toBeCloseTo(split.objective, 9);
    expect(held.x.length).toBe(N + 2 * 40);
    // The optimum buys some of the assets not held, so `held`'s weight terms are exercised.
    expect(Math.max(...held.weights.subarray(40))).toBeGreaterThan(1e-4);
    // The limit binds in all three: one-way turnover of the weights is exactly 5%.
    for (const s of [split, abs, held]) {
      let twoWay = 0;
      for (let i = 0; i < N; i++) twoWay += Math.abs(s.weights[i]! - context.previous![i]!);
      expect(twoWay / 2).toBeCloseTo(0.05, 7);
    }
  });
});
