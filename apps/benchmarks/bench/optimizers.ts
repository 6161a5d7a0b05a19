/**
 * The optimizers side by side (issue: "Performance (benchmarks, side by side in one run)"):
 *
 * 1. The MFE LP — maximise a factor's exposure, fully invested, long only, ±1 % per-stock
 *    deviation from the benchmark, 30 industries neutral, 10 style exposures within ±0.1 σ of
 *    the benchmark's, one-way turnover ≤ 30 % against drifted holdings — at n = 300, 1,000 and
 *    5,000, built the way users build it (`@factorkit/constraints` plugins + `@factorkit/portfolio`
 *    `maxExposure`), solved by `@factorkit/optimizer-highs` (wasm), `@factorkit/optimizer-admm`
 *    (cold, and warm-started on the next week's problem), and by native HiGHS through
 *    `scipy.optimize.linprog(method="highs")` on the identical matrices, in the same run.
 * 2. The tracking-error QP (expected return − λ·risk with a 40-factor risk model, factor
 *    structure through auxiliary exposures, never a dense n × n matrix) at n = 1,000 and 5,000:
 *    ADMM cold and warm on consecutive weeks, and HiGHS's QP (with a time limit).
 *
 * Run: `pnpm bench:optimizers` (needs python3 with numpy and scipy for the native reference).
 */
import { type ConstraintContext, type OptimizerInstance, type Problem, type Solution } from '@factorkit/core';
import { fullyInvested, industryNeutral, longOnly, stockDeviation, styleExposure, turnoverLimit } from '@factorkit/constraints';
import admmOptimizer from '@factorkit/optimizer-admm';
import highsOptimizer from '@factorkit/optimizer-highs';
import { buildPortfolioProblem, maxExposure } from '@factorkit/portfolio';
import { type GeneratedProblem, generateMfeProblem, generateTrackingErrorProblem, nextWeekProblem } from '@factorkit/synth';
import { formatMs, scipyLinprog } from '@factorkit/tooling/bench';

const REPEATS = 5;
const STYLES = Array.from({ length: 10 }, (_, s) => `style${s}`);

/** The constraint context of a generated MFE problem's inputs, with drifted holdings as the turnover reference. */
function contextOf(generated: GeneratedProblem, previous: Float64Array): ConstraintContext {
  const { inputs } = generated;
  const n = inputs.assets;
  const exposures: Record<string, Float64Array> = { signal: inputs.signal };
  STYLES.forEach((name, s) => {
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) column[i] = inputs.exposures[i * inputs.exposureCount + s]!;
    exposures[name] = column;
  });
  return {
    date: '2024-01-05',
    assets: Array.from({ length: n }, (_, i) => `S${String(i).padStart(5, '0')}`),
    benchmark: inputs.benchmark,
    previous,
    exposures,
    categories: { industry: { codes: inputs.industry, levels: Array.from({ length: inputs.industries }, (_, j) => `I${j}`) } },
  };
}

function mfeProblem(generated: GeneratedProblem, previous: Float64Array): Problem {
  return buildPortfolioProblem({
    context: contextOf(generated, previous),
    objective: maxExposure('signal'),
    constraints: [
      fullyInvested.with(),
      longOnly.with(),
      stockDeviation.with({ limit: 0.01 }),
      industryNeutral.with(),
      styleExposure.with({ styles: STYLES, band: 0.1 }),
      turnoverLimit.with({ limit: 0.3 }),
    ],
  });
}

/** Holdings that drifted away from the benchmark (last rebalance plus a week of prices). */
function drifted(b: Float64Array, seed: number): Float64Array {
  let s = seed;
  const u = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const w = b.map((x) => x * Math.exp(0.2 * (u() - 0.5)));
  const sum = w.reduce((a, x) => a + x, 0);
  return w.map((x) => x / sum);
}

async function timed(optimizer: OptimizerInstance, problem: Problem, warm?: Solution): Promise<{ ms: number; solution: Solution }> {
  const t0 = performance.now();
  const solution = await optimizer.solve(problem, warm ? { warmStart: { x: warm.x, ...(warm.rowDuals ? { y: warm.rowDuals } : {}) } } : {});
  return { ms: performance.now() - t0, solution };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function scipy(problem: Problem): { ms: number; objective: number | null; version: string } | string {
  const out = scipyLinprog(problem, REPEATS);
  return typeof out === 'string' ? out : { ms: median([...out.ms]), objective: out.objective, version: out.scipy };
}

const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
const rows: string[][] = [['problem', 'solver', 'time', 'iterations', 'status', 'max violation', 'objective vs HiGHS']];
const notes: string[] = [];
const highs = await highsOptimizer.create(highsOptimizer.with({ timeLimitMs: 60_000 }).params);

console.log('# optimizers side by side (one process, 2-core VM)');
for (const n of [300, 1000, 5000]) {
  const week1 = generateMfeProblem({ assets: n, industries: 30, styles: 10, deviation: 0.01, seed: 11 });
  const week2 = nextWeekProblem(week1, { seed: 12 });
  const held = drifted(week1.inputs.benchmark, n);
  const p1 = mfeProblem(week1, held);
  const label = `MFE LP n=${n} (${p1.numVariables} vars, ${p1.A.rows} rows)`;
  // HiGHS wasm: median of REPEATS solves of the same problem.
  const runs: { ms: number; solution: Solution }[] = [];
  for (let r = 0; r < REPEATS; r++) runs.push(await timed(highs, p1));
  const ref = runs[0]!.solution;
  const highsMs = median(runs.map((r) => r.ms));
  rows.push([label, 'highs (wasm)', formatMs(highsMs), String(ref.diagnostics.iterations ?? ''), ref.status, ref.primalResidual.toExponential(1), '—']);
  const native = scipy(p1);
  if (typeof native === 'string') notes.push(`scipy reference for n=${n}: ${native}`);
  else {
    rows.push([label, `scipy ${native.version} linprog(highs) (native)`, formatMs(native.ms), '', native.objective === null ? 'failed' : 'optimal', '', native.objective === null ? '' : relDiff(native.objective, ref.objective).toExponential(1)]);
    notes.push(`n=${n}: HiGHS wasm / native = ${(highsMs / native.ms).toFixed(2)}× (target ≤ 1.5× at n = 1,000)`);
  }
  // ADMM: a cold solve on a fresh instance, then the next week's problem cold and warm.
  const cold = await admmOptimizer.create(admmOptimizer.with().params);
  const c1 = await timed(cold, p1);
  rows.push([label, 'admm cold', formatMs(c1.ms), String(c1.solution.diagnostics.iterations ?? ''), c1.solution.status, c1.solution.primalResidual.toExponential(1), relDiff(c1.solution.objective, ref.objective).toExponential(1)]);
  const p2 = mfeProblem(week2, drifted(c1.solution.status === 'optimal' ? c1.solution.weights : week2.inputs.benchmark, n + 1));
  const ref2 = (await timed(highs, p2)).solution;
  const fresh = await admmOptimizer.create(admmOptimizer.with().params);
  const c2 = await timed(fresh, p2);
  const w2 = await timed(cold, p2, c1.solution);
  rows.push([`${label}, next week`, 'admm cold', formatMs(c2.ms), String(c2.solution.diagnostics.iterations ?? ''), c2.solution.status, c2.solution.primalResidual.toExponential(1), relDiff(c2.solution.objective, ref2.objective).toExponential(1)]);
  rows.push([`${label}, next week`, 'admm warm', formatMs(w2.ms), String(w2.solution.diagnostics.iterations ?? ''), w2.solution.status, w2.solution.primalResidual.toExponential(1), relDiff(w2.solution.objective, ref2.objective).toExponential(1)]);
}

for (const n of [1000, 5000]) {
  const week1 = generateTrackingErrorProblem({ assets: n, factors: 40, seed: 21 });
  const week2 = nextWeekProblem(week1, { seed: 22 });
  const label = `TE QP n=${n} (${week1.problem.numVariables} vars, k=40)`;
  const admm = await admmOptimizer.create(admmOptimizer.with().params);
  const c1 = await timed(admm, week1.problem);
  const fresh = await admmOptimizer.create(admmOptimizer.with().params);
  const c2 = await timed(fresh, week2.problem);
  const w2 = await timed(admm, week2.problem, c1.solution);
  const h = await timed(highs, week2.problem);
  const ok = h.solution.status === 'optimal';
  rows.push([label, 'admm cold', formatMs(c1.ms), String(c1.solution.diagnostics.iterations ?? ''), c1.solution.status, c1.solution.primalResidual.toExponential(1), '']);
  rows.push([`${label}, next week`, 'admm cold', formatMs(c2.ms), String(c2.solution.diagnostics.iterations ?? ''), c2.solution.status, c2.solution.primalResidual.toExponential(1), ok ? relDiff(c2.solution.objective, h.solution.objective).toExponential(1) : '']);
  rows.push([`${label}, next week`, 'admm warm', formatMs(w2.ms), String(w2.solution.diagnostics.iterations ?? ''), w2.solution.status, w2.solution.primalResidual.toExponential(1), ok ? relDiff(w2.solution.objective, h.solution.objective).toExponential(1) : '']);
  rows.push([`${label}, next week`, 'highs QP (wasm)', formatMs(h.ms), String(h.solution.diagnostics.iterations ?? ''), h.solution.status, Number.isFinite(h.solution.primalResidual) ? h.solution.primalResidual.toExponential(1) : '', ok ? '—' : h.solution.diagnostics.messages.join('; ').slice(0, 80)]);
}
await highs.dispose?.();

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
for (const note of notes) console.log(note);
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
