/**
 * Solve time of MFE-shaped LPs with the two turnover formulations of `turnoverLimit`
 * (`split`: w − p + m = w0, p, m ≥ 0; `abs`: t ≥ |w − w0|) and without a turnover limit, by
 * HiGHS WebAssembly (`@factorkit/optimizer-highs`) and, in the same run, by native HiGHS through
 * `scipy.optimize.linprog(method="highs")` (python times only the `linprog` call). Problems:
 * n assets, 31 industries (neutral), 10 styles within ±0.05 of the benchmark, ±1% per-stock
 * deviation, long only, fully invested, one-way turnover ≤ 10% against held weights that are
 * the benchmark with noise. Prints figures; asserts nothing.
 *
 * Run: pnpm exec tsx bench/turnover.ts [sizes, default 1000,5000] (needs python3 + scipy for the native column)
 */
import { type ConstraintContext, type Problem, ProblemBuilder, applyConstraints } from '@factorkit/core';
import { scipyLinprog } from '@factorkit/tooling/bench';
import { highsOptimizer } from '@factorkit/optimizer-highs';
import { fullyInvested, industryNeutral, longOnly, stockDeviation, styleExposure, turnoverLimit } from '../src/index.js';

const SIZES = (process.argv[2] ?? '1000,5000').split(',').map(Number);
const REPEATS = 7;
const STYLES = 10;

function market(n: number): { context: ConstraintContext; alpha: Float64Array } {
  let s = 20240105;
  const rand = (): number => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
  const normal = (): number => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
  const raw = Float64Array.from({ length: n }, () => Math.exp(1.1 * normal()));
  const total = raw.reduce((a, v) => a + v, 0);
  const benchmark = raw.map((v) => v / total);
  // Held weights: the benchmark with 20% relative noise (one-way distance ≈ 8%, under the 10% limit, so feasible).
  const previous = benchmark.map((v) => Math.max(0, v * (1 + 0.2 * normal())));
  const held = previous.reduce((a, v) => a + v, 0);
  for (let i = 0; i < n; i++) previous[i]! /= held;
  const exposures: Record<string, Float64Array> = {};
  for (let f = 0; f < STYLES; f++) exposures[`s${f}`] = Float64Array.from({ length: n }, normal);
  const alpha = Float64Array.from({ length: n }, (_, i) => 0.8 * normal() + 0.4 * exposures.s0![i]!);
  return {
    context: {
      date: '2024-01-05',
      assets: Array.from({ length: n }, (_, i) => `S${i}`),
      benchmark,
      previous,
      exposures,
      categories: { industry: { codes: Int32Array.from({ length: n }, (_, i) => i % 31), levels: Array.from({ length: 31 }, (_, j) => `I${j}`) } },
    },
    alpha,
  };
}

function build(n: number, turnover: ReturnType<typeof turnoverLimit.with> | undefined): Problem {
  const { context, alpha } = market(n);
  const builder = new ProblemBuilder({ assets: context.assets }, 'maximize');
  builder.addLinearObjective(alpha);
  const styles = Object.keys(context.exposures);
  applyConstraints(builder, context, [
    fullyInvested.with(),
    longOnly.with(),
    stockDeviation.with({ limit: 0.01 }),
    industryNeutral.with(),
    styleExposure.with({ styles, bands: Object.fromEntries(styles.map((k) => [k, 0.05])) }),
    ...(turnover ? [turnover] : []),
  ]);
  return builder.build();
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const solver = await highsOptimizer.create(highsOptimizer.with().params);
for (const n of SIZES) {
  const cases: [string, Problem][] = [
    ['none', build(n, undefined)],
    ['abs', build(n, turnoverLimit.with({ limit: 0.1, formulation: 'abs' }))],
    ['split', build(n, turnoverLimit.with({ limit: 0.1, formulation: 'split' }))],
  ];
  for (const [name, p] of cases) {
    await solver.solve(p); // warm-up
    const times: number[] = [];
    let objective = Number.NaN;
    let status = '';
    for (let r = 0; r < REPEATS; r++) {
      const t = performance.now();
      const sol = await solver.solve(p);
      times.push(performance.now() - t);
      objective = sol.objective;
      status = sol.status;
    }
    const scipy = scipyLinprog(p, REPEATS);
    if (typeof scipy === 'string') console.log(`native HiGHS skipped: ${scipy}`);
    const nat = typeof scipy === 'string' ? undefined : { median: median([...scipy.ms]), min: Math.min(...scipy.ms), objective: scipy.objective };
    console.log(
      `n = ${n} turnover ${name.padEnd(5)} (${p.numVariables} vars, ${p.A.rows} rows): highs-wasm median ${median(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}), ${status}, objective ${objective.toFixed(9)}` +
        (nat ? `; scipy native median ${nat.median.toFixed(1)} ms (min ${nat.min.toFixed(1)}), objective ${nat.objective?.toFixed(9)}` : ''),
    );
  }
}
