/**
 * HiGHS-WebAssembly solve time on MFE-shaped LPs (n = 300, 1,000, 5,000 weights; 30 industries,
 * 10 style bands, ±1% deviation from benchmark weights, long only, fully invested, L1 turnover
 * limit via auxiliaries t ≥ |w − w0|), against the same problem solved by native HiGHS through
 * `scipy.optimize.linprog(method="highs")` in the same run. The matrices go to python as raw
 * float64/int32 files; python times only the `linprog` call. Objectives are compared too.
 *
 * Run: `pnpm bench` (needs python3 with numpy and scipy; without them only the wasm figures print).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Problem } from '@factorkit/core';
import { type BenchResult, measure, report } from '@factorkit/tooling/bench';
import { highsOptimizer } from '../src/index.js';
import { mfeProblem } from '../test/mfe.js';

const SIZES = [300, 1_000, 5_000];
const ITERATIONS = 9;

const PYTHON = String.raw`
import json, resource, sys, time
import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, vstack

d, sizes, iterations = sys.argv[1], [int(s) for s in sys.argv[2].split(',')], int(sys.argv[3])
out = {}
for n in sizes:
    f = lambda name, dt=np.float64: np.fromfile(f"{d}/{n}_{name}.bin", dtype=dt)
    meta = json.load(open(f"{d}/{n}_meta.json"))
    c, lo, up, rlo, rup = f('c'), f('lower'), f('upper'), f('rowLower'), f('rowUpper')
    A = csr_matrix((f('value'), f('index', np.int32), f('start', np.int32)), shape=(meta['rows'], meta['cols']))
    eq = rlo == rup
    ub = ~eq & np.isfinite(rup)
    lb = ~eq & np.isfinite(rlo)
    A_ub = vstack([A[ub], -A[lb]]).tocsr()
    b_ub = np.concatenate([rup[ub], -rlo[lb]])
    sign = -1.0 if meta['sense'] == 'maximize' else 1.0
    bounds = np.column_stack([lo, up])
    times, res = [], None
    for i in range(iterations + 1):
        t0 = time.perf_counter()
        res = linprog(sign * c, A_ub=A_ub, b_ub=b_ub, A_eq=A[eq], b_eq=rlo[eq], bounds=bounds, method='highs')
        if i > 0:
            times.append((time.perf_counter() - t0) * 1000)
    out[n] = {'times': times, 'objective': sign * res.fun + meta['offset'], 'status': int(res.status), 'message': res.message}
out['maxrssMiB'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
`;

function writeProblem(dir: string, n: number, p: Problem): void {
  const raw = (name: string, a: Float64Array | Int32Array) => writeFileSync(join(dir, `${n}_${name}.bin`), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  raw('c', p.c);
  raw('lower', p.lower);
  raw('upper', p.upper);
  raw('rowLower', p.rowLower);
  raw('rowUpper', p.rowUpper);
  raw('start', p.A.start);
  raw('index', p.A.index);
  raw('value', p.A.value);
  writeFileSync(join(dir, `${n}_meta.json`), JSON.stringify({ rows: p.A.rows, cols: p.numVariables, sense: p.sense, offset: p.offset }));
}

interface PythonResult {
  times: number[];
  objective: number;
  status: number;
  message: string;
}

function summarise(name: string, times: number[], rss: number): BenchResult {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { name, iterations: times.length, medianMs: median, minMs: sorted[0]!, maxMs: sorted[sorted.length - 1]!, peakRssMiB: rss };
}

const dir = mkdtempSync(join(tmpdir(), 'fk-highs-bench-'));
try {
  const problems = new Map(SIZES.map((n) => [n, mfeProblem({ n, industries: 30, styles: 10, deviation: 0.01, turnover: true, seed: n })]));
  for (const [n, p] of problems) writeProblem(dir, n, p);
  const scriptPath = join(dir, 'linprog.py');
  writeFileSync(scriptPath, PYTHON);

  const runPython = (n: number): { result?: PythonResult | undefined; rss?: number | undefined } => {
    try {
      const out = JSON.parse(execFileSync('python3', [scriptPath, dir, String(n), String(ITERATIONS)], { encoding: 'utf8', maxBuffer: 1 << 24 })) as Record<string, PythonResult> & {
        maxrssMiB: number;
      };
      return { result: out[String(n)], rss: out.maxrssMiB };
    } catch (error) {
      console.log(`python3/scipy reference unavailable: ${String(error).split('\n')[0]}`);
      return {};
    }
  };

  const instance = await highsOptimizer.create(highsOptimizer.with().params);
  for (const [n, problem] of problems) {
    // Python right before wasm for each size, so both see similar machine load.
    const { result: ref, rss } = runPython(n);
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
      results.push(summarise(`scipy-linprog-highs n=${n}`, ref.times, rss ?? Number.NaN));
      const rel = Math.abs(objective - ref.objective) / Math.max(1, Math.abs(ref.objective));
      notes.push(`scipy status ${ref.status} (${ref.message}), objective ${ref.objective}; relative difference ${rel.toExponential(2)} ${rel < 1e-7 ? '(agree)' : '(DISAGREE)'}`);
      notes.push(`wasm / native = ${(wasm.medianMs / summarise('', ref.times, 0).medianMs).toFixed(2)}×`);
    }
    report(`MFE LP, n = ${n} (median of ${ITERATIONS} solves; wasm time includes model build and dispose)`, results, {
      ...(ref ? { reference: `scipy-linprog-highs n=${n}` } : {}),
      notes,
    });
  }
  await instance.dispose?.();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
