/**
 * HiGHS on the weekly workload's small LPs: 200 consecutive MFE LPs (n = 300 and 800 weights;
 * `@factorkit/synth`'s `generateMfeProblem`, then `nextWeekProblem` week after week: 30 industries
 * ±0.5 %, 10 style bands, ±1 % per-stock deviation, long only, fully invested, turnover ≤ 30 %
 * against last week's optimal weights drifted by a week of prices), each solved in the same run by:
 *
 * - `fresh instance`: `highsOptimizer.create` + `solve` + `dispose` per LP (nothing shared);
 * - `one instance, cold`: one optimizer instance for the 200 LPs, default settings;
 * - `one instance, cold, presolve off`: the same with `presolve: false`;
 * - `one instance, warm start`: the same instance fed the previous LP's solution
 *   (`warmStart: { x, y }`), as consecutive rebalances can (HiGHS restarts from its own basis);
 * - native HiGHS through `scipy.optimize.linprog(method="highs")`, with `@factorkit/tooling`'s
 *   `linprog.py` (only the `linprog` call timed; cold, scipy cannot warm start).
 *
 * The wasm times are the whole `solve` call (validation, model, run, solution, residuals, duals).
 * Runs alternate in chunks of 50 LPs (python, then the wasm variants LP by LP in rotating order)
 * so that all of them see the same machine load. The sequence itself is made first by a cold
 * solve of each week (that pass is also the wasm warm-up; the process's first solve is reported).
 *
 * Run: `pnpm bench:highs-small` (needs python3 with numpy and scipy for the native column).
 * `HIGHS_SMALL_COUNT=50` shortens the sequence.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OptimizerInstance, Problem, SolveOptions, Solution } from '@factorkit/core';
import highsOptimizer from '@factorkit/optimizer-highs';
import { type GeneratedProblem, generateMfeProblem, nextWeekProblem } from '@factorkit/synth';
import { formatMs } from '@factorkit/tooling/bench';

const SIZES = [300, 800];
const COUNT = Number(process.env.HIGHS_SMALL_COUNT ?? 200);
const CHUNK = 50;
const LINPROG = join(dirname(createRequire(import.meta.url).resolve('@factorkit/tooling/package.json')), 'src', 'linprog.py');
const MANY = fileURLToPath(new URL('./linprog_many.py', import.meta.url));

interface Variant {
  readonly name: string;
  solve(problem: Problem, previous: Solution | undefined): Promise<Solution>;
}

interface Tally {
  readonly ms: number[];
  /** Time of the call outside HiGHS's `run` (validation, model, options, solution, residuals, duals). */
  readonly outside: number[];
  readonly iterations: number[];
  readonly objectives: number[];
  readonly xs: Float64Array[];
}

/** The raw files `linprog.py` reads (its documented format), one folder per problem. */
function writeLinprogInput(dir: string, problem: Problem): void {
  mkdirSync(dir, { recursive: true });
  const nnz = problem.A.start[problem.A.rows]!;
  const raw = (name: string, a: Float64Array | Int32Array) => writeFileSync(join(dir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  raw('c.f64', problem.c);
  raw('lower.f64', problem.lower);
  raw('upper.f64', problem.upper);
  raw('rowLower.f64', problem.rowLower);
  raw('rowUpper.f64', problem.rowUpper);
  raw('A_start.i32', problem.A.start);
  raw('A_index.i32', problem.A.index.subarray(0, nnz));
  raw('A_value.f64', problem.A.value.subarray(0, nnz));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ numVariables: problem.numVariables, rows: problem.A.rows, sense: problem.sense, offset: problem.offset }));
}

interface NativeResult {
  readonly ms: readonly number[];
  readonly objective: number | null;
  readonly scipy: string;
}

/** Native HiGHS on `problems`, one python process; a string says why it is unavailable. */
function native(problems: readonly Problem[]): NativeResult[] | string {
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-highs-small-'));
  try {
    problems.forEach((p, k) => writeLinprogInput(join(dir, String(k)), p));
    const out = execFileSync('python3', [MANY, LINPROG, dir, String(problems.length), '1'], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
    return JSON.parse(out) as NativeResult[];
  } catch (error) {
    return `unavailable (${String(error).split('\n')[0]})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
const quantile = (xs: readonly number[], q: number) => sorted(xs)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

/** `count` consecutive weeks, each with last week's cold optimum as the turnover reference. */
async function weeks(n: number, count: number, solver: OptimizerInstance): Promise<{ problems: Problem[]; firstMs: number[] }> {
  let generated: GeneratedProblem = generateMfeProblem({ assets: n, industries: 30, styles: 10, deviation: 0.01, industryBand: 0.005, seed: n });
  let held = generated.inputs.benchmark;
  const problems: Problem[] = [];
  const firstMs: number[] = [];
  for (let k = 0; k < count; k++) {
    generated = nextWeekProblem(generated, { seed: n * 1000 + k, previous: held, turnoverLimit: 0.3 });
    const t0 = performance.now();
    const solution = await solver.solve(generated.problem);
    if (k < 5) firstMs.push(performance.now() - t0);
    if (solution.status === 'optimal') held = Float64Array.from(solution.weights);
    problems.push(generated.problem);
  }
  return { problems, firstMs };
}

const params = highsOptimizer.with().params;
const noPresolve = highsOptimizer.with({ presolve: false }).params;
const warmOf = (previous: Solution | undefined): SolveOptions =>
  previous?.status === 'optimal' ? { warmStart: { x: previous.x, ...(previous.rowDuals ? { y: previous.rowDuals } : {}) } } : {};

console.log(`# HiGHS on ${COUNT} consecutive MFE LPs per size (one process, ${new Date().toISOString().slice(0, 10)})`);
const prep = await highsOptimizer.create(params);
for (const n of SIZES) {
  const { problems, firstMs } = await weeks(n, COUNT, prep);
  const p0 = problems[0]!;
  const cold = await highsOptimizer.create(params);
  const coldNoPresolve = await highsOptimizer.create(noPresolve);
  const warm = await highsOptimizer.create(params);
  const variants: Variant[] = [
    {
      name: 'fresh instance per LP',
      solve: async (p) => {
        const instance = await highsOptimizer.create(params);
        try {
          return await instance.solve(p);
        } finally {
          await instance.dispose?.();
        }
      },
    },
    { name: 'one instance, cold', solve: (p) => cold.solve(p) },
    { name: 'one instance, cold, presolve off', solve: (p) => coldNoPresolve.solve(p) },
    { name: 'one instance, warm start', solve: (p, previous) => warm.solve(p, warmOf(previous)) },
  ];
  const tallies = new Map<string, Tally>(variants.map((v) => [v.name, { ms: [], outside: [], iterations: [], objectives: [], xs: [] }]));
  const last = new Map<string, Solution | undefined>();
  const nativeMs: number[] = [];
  const nativeObjectives: (number | null)[] = [];
  let nativeNote = '';
  for (let start = 0; start < problems.length; start += CHUNK) {
    const chunk = problems.slice(start, start + CHUNK);
    const ref = native(chunk);
    if (typeof ref === 'string') nativeNote = ref;
    else
      for (const r of ref) {
        nativeMs.push(r.ms[0]!);
        nativeObjectives.push(r.objective);
        nativeNote = `scipy ${r.scipy}`;
      }
    for (const [offset, problem] of chunk.entries()) {
      const k = start + offset;
      for (let i = 0; i < variants.length; i++) {
        const variant = variants[(i + k) % variants.length]!;
        const t0 = performance.now();
        const solution = await variant.solve(problem, last.get(variant.name));
        const ms = performance.now() - t0;
        const tally = tallies.get(variant.name)!;
        tally.ms.push(ms);
        tally.outside.push(ms - Number(solution.diagnostics.highsRunMs ?? Number.NaN));
        tally.iterations.push(solution.diagnostics.iterations ?? Number.NaN);
        tally.objectives.push(solution.objective);
        tally.xs.push(solution.x);
        last.set(variant.name, solution);
      }
    }
  }

  const rows: string[][] = [
    ['solver', 'mean / LP', 'median', 'p90', `total (${problems.length})`, 'outside run (median)', 'iterations (median)', 'vs native (mean, median)', 'objective vs native (max rel.)'],
  ];
  const nativeMean = nativeMs.length ? mean(nativeMs) : Number.NaN;
  const nativeMedian = nativeMs.length ? quantile(nativeMs, 0.5) : Number.NaN;
  const coldX = tallies.get('one instance, cold')!.xs;
  const notes: string[] = [];
  for (const [name, t] of tallies) {
    let worst = 0;
    t.objectives.forEach((o, k) => {
      const r = nativeObjectives[k];
      if (r !== null && r !== undefined) worst = Math.max(worst, relDiff(o, r));
      else if (nativeObjectives.length) worst = Number.NaN;
    });
    rows.push([
      name,
      formatMs(mean(t.ms)),
      formatMs(quantile(t.ms, 0.5)),
      formatMs(quantile(t.ms, 0.9)),
      formatMs(t.ms.reduce((a, b) => a + b, 0)),
      formatMs(quantile(t.outside, 0.5)),
      String(quantile(t.iterations, 0.5)),
      nativeMs.length ? `${(mean(t.ms) / nativeMean).toFixed(2)}×, ${(quantile(t.ms, 0.5) / nativeMedian).toFixed(2)}×` : '',
      nativeObjectives.length ? worst.toExponential(1) : '',
    ]);
    let dx = 0;
    t.xs.forEach((x, k) => {
      for (let j = 0; j < x.length; j++) dx = Math.max(dx, Math.abs(x[j]! - coldX[k]![j]!));
    });
    if (name !== 'one instance, cold') notes.push(`${name}: max |x − x(one instance, cold)| = ${dx.toExponential(1)}`);
  }
  if (nativeMs.length) {
    rows.push([`native HiGHS (${nativeNote} linprog, cold)`, formatMs(nativeMean), formatMs(nativeMedian), formatMs(quantile(nativeMs, 0.9)), formatMs(nativeMs.reduce((a, b) => a + b, 0)), '', '', '1.00×', '—']);
  } else {
    notes.push(`native reference ${nativeNote}`);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(`\n## n = ${n}: ${p0.numVariables} variables, ${p0.A.rows} rows, ${p0.A.start[p0.A.rows]} nonzeros`);
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
  if (n === SIZES[0]) {
    // V8 runs new WebAssembly in its baseline compiler until the optimised code is ready: the first solves of a process are slow.
    console.log(`first 5 HiGHS solves of the process (before V8 has optimised the WebAssembly): ${firstMs.map(formatMs).join(', ')}; median ${formatMs(quantile(firstMs, 0.5))}`);
  }
  for (const note of notes) console.log(note);
  await Promise.all([cold.dispose?.(), coldNoPresolve.dispose?.(), warm.dispose?.()]);
}
await prep.dispose?.();
