/**
 * optimizer-admm benchmarks (`pnpm bench`):
 *
 * - tracking-error QP (k = 40 factors) at n = 1,000 and 5,000: cold start, and warm start on
 *   the next week's problem from the same instance (structure and factorisation cached);
 * - MFE LP at n = 1,000 and 5,000, cold and warm, with HiGHS (`@factorkit/optimizer-highs`)
 *   on the same LP as the reference in the same run.
 *
 * Each case runs `REPEATS` times on a fresh solver instance; the table shows the median time and
 * the iterations, ρ updates and whether polishing was accepted. Nothing fails on speed.
 */
import type { Problem, Solution } from '@factorkit/core';
import { highsOptimizer } from '@factorkit/optimizer-highs';
import { type GeneratedProblem, generateMfeProblem, generateTrackingErrorProblem, nextWeekProblem } from '@factorkit/synth';
import { formatMs } from '@factorkit/tooling/bench';
import { admmOptimizer } from '../src/index.js';

const REPEATS = Number(process.env['BENCH_REPEATS'] ?? 3);
const params = admmOptimizer.with({}).params;

interface Row {
  name: string;
  ms: number;
  iterations: string;
  rhoUpdates: string;
  polished: string;
  objective: number;
  residual: number;
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function row(name: string, times: number[], sols: Solution[]): Row {
  const d = sols.map((s) => s.diagnostics);
  const uniq = (v: unknown[]): string => [...new Set(v.map(String))].join('/');
  return {
    name,
    ms: median(times),
    iterations: uniq(d.map((x) => x.iterations)),
    rhoUpdates: uniq(d.map((x) => x['rhoUpdates'])),
    polished: uniq(d.map((x) => x['polished'])),
    objective: sols[0]!.objective,
    residual: Math.max(...sols.map((s) => s.primalResidual)),
  };
}

async function coldAndWarm(label: string, week1: GeneratedProblem): Promise<Row[]> {
  const week2 = nextWeekProblem(week1, { seed: week1.inputs.seed + 1 });
  const cold: number[] = [];
  const coldSols: Solution[] = [];
  const warm: number[] = [];
  const warmSols: Solution[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const fresh = await admmOptimizer.create(params);
    let t = performance.now();
    const c = await fresh.solve(week2.problem);
    cold.push(performance.now() - t);
    coldSols.push(c);
    // A rebalancing process: last week solved on this instance, this week warm-started.
    const solver = await admmOptimizer.create(params);
    const first = await solver.solve(week1.problem);
    t = performance.now();
    const w = await solver.solve(week2.problem, { warmStart: { x: first.x, ...(first.rowDuals ? { y: first.rowDuals } : {}) } });
    warm.push(performance.now() - t);
    warmSols.push(w);
  }
  return [row(`${label} cold`, cold, coldSols), row(`${label} warm (next week)`, warm, warmSols)];
}

async function highsRow(label: string, problem: Problem): Promise<Row> {
  const highs = await highsOptimizer.create(highsOptimizer.with({}).params);
  const times: number[] = [];
  const sols: Solution[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t = performance.now();
    sols.push(await highs.solve(problem));
    times.push(performance.now() - t);
  }
  await highs.dispose?.();
  return { ...row(label, times, sols), iterations: '–', rhoUpdates: '–', polished: '–' };
}

function print(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  console.log(['case'.padEnd(34), 'median'.padStart(10), 'iterations'.padStart(12), 'ρ updates'.padStart(10), 'polished'.padStart(9), 'objective'.padStart(16), 'max viol.'.padStart(10)].join(' '));
  for (const r of rows) {
    console.log(
      [r.name.padEnd(34), formatMs(r.ms).padStart(10), r.iterations.padStart(12), r.rhoUpdates.padStart(10), r.polished.padStart(9), r.objective.toPrecision(10).padStart(16), r.residual.toExponential(1).padStart(10)].join(' '),
    );
  }
}

console.log(`optimizer-admm bench: ${REPEATS} runs per case (median), Node ${process.version}`);
for (const n of [1_000, 5_000]) {
  let t = performance.now();
  const te = generateTrackingErrorProblem({ assets: n, seed: 7 });
  const buildMs = performance.now() - t;
  print(`Tracking-error QP, n = ${n}, k = 40 (problem build ${formatMs(buildMs)})`, await coldAndWarm(`TE QP n=${n}`, te));
  t = performance.now();
  const mfe = generateMfeProblem({ assets: n, seed: 7 });
  const mfeBuild = performance.now() - t;
  const rows = await coldAndWarm(`MFE LP n=${n}`, mfe);
  rows.push(await highsRow(`MFE LP n=${n} HiGHS (reference)`, nextWeekProblem(mfe, { seed: 8 }).problem));
  print(`MFE LP, n = ${n}, 30 industries, 10 styles (problem build ${formatMs(mfeBuild)})`, rows);
}
