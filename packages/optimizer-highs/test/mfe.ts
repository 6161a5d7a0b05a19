/**
 * A small generator of MFE-shaped (maximum factor exposure) LPs for tests and the benchmark:
 *
 *   maximise   αᵀw
 *   subject to Σ w = 1                                  (budget, equality)
 *              |Σ_{i∈I} (w_i − b_i)| ≤ industryBand      (one row per industry)
 *              |X_sᵀ(w − b)| ≤ styleBand                 (one row per style)
 *              t_i ≥ |w_i − w0_i|, Σ t ≤ turnover          (L1 turnover via auxiliaries t)
 *              max(0, b_i − dev) ≤ w_i ≤ b_i + dev         (deviation bounds, long only)
 *
 * The benchmark weights b satisfy every row, so every generated problem is feasible.
 * Independent of the solver under test; `packages/synth` has the project's own generators.
 */
import { type Problem, ProblemBuilder } from '@factorkit/core';

export interface MfeOptions {
  readonly n: number;
  readonly industries?: number;
  readonly styles?: number;
  readonly deviation?: number;
  readonly industryBand?: number;
  readonly styleBand?: number;
  /** Include the L1 turnover limit (auxiliary variables t). Default true. */
  readonly turnover?: boolean;
  readonly seed?: number;
}

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export function mfeProblem(options: MfeOptions): Problem {
  const { n } = options;
  const industries = options.industries ?? 30;
  const styles = options.styles ?? 10;
  const dev = options.deviation ?? 0.01;
  const industryBand = options.industryBand ?? 0.005;
  const styleBand = options.styleBand ?? 0.05;
  const rand = rng(options.seed ?? 1);

  const raw = Float64Array.from({ length: n }, () => Math.exp(1.2 * normal(rand)));
  const total = raw.reduce((a, v) => a + v, 0);
  const b = raw.map((v) => v / total);
  const industry = Int32Array.from({ length: n }, (_, i) => (i < industries ? i : Math.floor(rand() * industries)));
  const alpha = Float64Array.from({ length: n }, () => normal(rand));

  const builder = new ProblemBuilder({ numWeights: n }, 'maximize');
  builder.addLinearObjective(alpha);

  const budget = builder.group('budget', 100);
  budget.addWeightRow(new Float64Array(n).fill(1), 1, 1, 'budget');

  const dev_ = builder.group('deviation', 50);
  for (let i = 0; i < n; i++) dev_.bound(i, Math.max(0, b[i]! - dev), b[i]! + dev);

  const ind = builder.group('industry', 40);
  for (let k = 0; k < industries; k++) {
    const row = new Float64Array(n);
    let bk = 0;
    for (let i = 0; i < n; i++) {
      if (industry[i] === k) {
        row[i] = 1;
        bk += b[i]!;
      }
    }
    ind.addWeightRow(row, bk - industryBand, bk + industryBand, `industry:${k}`);
  }

  const sty = builder.group('style', 30);
  for (let s = 0; s < styles; s++) {
    const x = Float64Array.from({ length: n }, () => normal(rand));
    let xb = 0;
    for (let i = 0; i < n; i++) xb += x[i]! * b[i]!;
    sty.addWeightRow(x, xb - styleBand, xb + styleBand, `style:${s}`);
  }

  if (options.turnover ?? true) {
    // Previous weights: the benchmark, perturbed and renormalised.
    const w0raw = b.map((v) => v * (1 + 0.6 * (rand() - 0.5)));
    const s0 = w0raw.reduce((a, v) => a + v, 0);
    const w0 = w0raw.map((v) => v / s0);
    let distance = 0;
    for (let i = 0; i < n; i++) distance += Math.abs(b[i]! - w0[i]!);
    const limit = Math.max(1.5 * distance, 0.2);
    const t = builder.addVariables('t', n, { lower: 0 });
    const to = builder.group('turnover', 20);
    for (let i = 0; i < n; i++) {
      // t_i − w_i ≥ −w0_i and t_i + w_i ≥ w0_i
      to.addRow({ index: [t.start + i, i], value: [1, -1], lower: -w0[i]!, label: `turnover:${i}-` });
      to.addRow({ index: [t.start + i, i], value: [1, 1], lower: w0[i]!, label: `turnover:${i}+` });
    }
    to.addRow({ index: Array.from({ length: n }, (_, i) => t.start + i), value: new Float64Array(n).fill(1), upper: limit, label: 'turnover:total' });
  }
  return builder.build();
}
