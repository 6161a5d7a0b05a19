/**
 * HiGHS-WebAssembly solve time on MFE-shaped LPs from `@factorkit/synth` (n = 300, 1,000, 5,000
 * weights; 30 industries ±0.5 %, 10 style bands, ±1 % deviation from benchmark weights, long
 * only, fully invested, a 30 % turnover limit against drifted holdings through buy/sell
 * variables), against the same problem solved by native HiGHS through
 * `scipy.optimize.linprog(method="highs")` in the same run. The matrices go to python as raw
 * float64/int32 files; python times only the `linprog` call. Objectives are compared too.
 *
 * Run: `pnpm bench` (needs python3 with numpy and scipy; without them only the wasm figures print).
 */
import { generateMfeProblem, nextWeekProblem } from '@factorkit/synth';
import { type BenchResult, type LinprogResult, measure, report, scipyLinprog } from '@factorkit/tooling/bench';
import { highsOptimizer } from '../src/index.js';

const SIZES = [300, 1_000, 5_000];
const ITERATIONS = 9;

function summarise(name: string, times: number[], rss: number): BenchResult {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { name, iterations: times.length, medianMs: median, minMs: sorted[0]!, maxMs: sorted[sorted.length - 1]!, peakRssMiB: rss };
}

{
  const problems = new Map(
    SIZES.map((n) => {
      const base = generateMfeProblem({ assets: n, industries: 30, styles: 10, deviation: 0.01, industryBand: 0.005, seed: n });
      return [n, nextWeekProblem(base, { seed: n, turnoverLimit: 0.3 }).problem];
    }),
  );
  const runPython = (n: number): { result?: LinprogResult | undefined } => {
    const out = scipyLinprog(problems.get(n)!, ITERATIONS);
    if (typeof out === 'string') {
      console.log(`python3/scipy reference ${out}`);
      return {};
    }
    return { result: out };
  };

  const instance = await highsOptimizer.create(highsOptimizer.with().params);
  for (const [n, problem] of problems) {
    // Python right before wasm for each size, so both see similar machine load.
    const { result: ref } = runPython(n);
    let objective = Number.NaN;
    let status = '';
    let runMs: number[] = [];
    const wasm = await measure(
      `highs-wasm n=${n}`,
      async () => {
        const sol = await instance.solve(problem);
        objective = sol.objective;
        status = sol.status;
        runMs.push(sol.diagnostics.highsRunMs as number);
      },
      { iterations: ITERATIONS, warmup: 1 },
    );
    runMs = runMs.slice(1); // drop the warm-up
    const results = [wasm, summarise(`  of which HiGHS run n=${n}`, runMs, wasm.peakRssMiB)];
    const notes = [`variables ${problem.numVariables}, rows ${problem.A.rows}, nonzeros ${problem.A.start[problem.A.rows]}; wasm status ${status}, objective ${objective}`];
    if (ref) {
      results.push(summarise(`scipy-linprog-highs n=${n}`, [...ref.ms], ref.peakRssMiB));
      const rel = ref.objective === null ? Number.NaN : Math.abs(objective - ref.objective) / Math.max(1, Math.abs(ref.objective));
      notes.push(`scipy status ${ref.status} (${ref.message}), objective ${ref.objective}; relative difference ${rel.toExponential(2)} ${rel < 1e-7 ? '(agree)' : '(DISAGREE)'}`);
      notes.push(`wasm / native = ${(wasm.medianMs / summarise('', [...ref.ms], 0).medianMs).toFixed(2)}×`);
    }
    report(`MFE LP, n = ${n} (median of ${ITERATIONS} solves; wasm time includes model build and dispose)`, results, {
      ...(ref ? { reference: `scipy-linprog-highs n=${n}` } : {}),
      notes,
    });
  }
  await instance.dispose?.();
}
