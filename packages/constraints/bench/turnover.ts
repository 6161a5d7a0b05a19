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
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConstraintContext, type Problem, ProblemBuilder, applyConstraints } from '@factorkit/core';
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

const PYTHON = String.raw`
import json, sys, time
import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix, vstack
d, names, repeats = sys.argv[1], sys.argv[2].split(','), int(sys.argv[3])
out = {}
for name in names:
    f = lambda part, dt=np.float64: np.fromfile(f"{d}/{name}_{part}.bin", dtype=dt)
    meta = json.load(open(f"{d}/{name}_meta.json"))
    c, lo, up, rlo, rup = f('c'), f('lower'), f('upper'), f('rowLower'), f('rowUpper')
    A = csr_matrix((f('value'), f('index', np.int32), f('start', np.int32)), shape=(meta['rows'], meta['cols']))
    eq = rlo == rup
    ub = ~eq & np.isfinite(rup)
    lb = ~eq & np.isfinite(rlo)
    A_ub = vstack([A[ub], -A[lb]]).tocsr()
    b_ub = np.concatenate([rup[ub], -rlo[lb]])
    sign = -1.0 if meta['sense'] == 'maximize' else 1.0
    bounds = np.column_stack([np.where(np.isfinite(lo), lo, None), np.where(np.isfinite(up), up, None)])
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        r = linprog(sign * c, A_ub=A_ub, b_ub=b_ub, A_eq=A[eq], b_eq=rlo[eq], bounds=bounds, method='highs')
        times.append((time.perf_counter() - t) * 1000)
    out[name] = {'median': float(np.median(times)), 'min': float(min(times)), 'objective': float(sign * r.fun) if r.status == 0 else None}
print(json.dumps(out))
`;

function exportProblem(dir: string, name: string, p: Problem): void {
  const put = (part: string, a: Float64Array | Int32Array): void => writeFileSync(join(dir, `${name}_${part}.bin`), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  put('c', p.c);
  put('lower', p.lower);
  put('upper', p.upper);
  put('rowLower', p.rowLower);
  put('rowUpper', p.rowUpper);
  put('start', p.A.start);
  put('index', p.A.index.subarray(0, p.A.start[p.A.rows]));
  put('value', p.A.value.subarray(0, p.A.start[p.A.rows]));
  writeFileSync(join(dir, `${name}_meta.json`), JSON.stringify({ rows: p.A.rows, cols: p.numVariables, sense: p.sense }));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const solver = await highsOptimizer.create(highsOptimizer.with().params);
const dir = mkdtempSync(join(tmpdir(), 'fk-turnover-'));
try {
  for (const n of SIZES) {
    const cases: [string, Problem][] = [
      ['none', build(n, undefined)],
      ['abs', build(n, turnoverLimit.with({ limit: 0.1, formulation: 'abs' }))],
      ['split', build(n, turnoverLimit.with({ limit: 0.1, formulation: 'split' }))],
    ];
    let native: Record<string, { median: number; min: number; objective: number | null }> = {};
    try {
      for (const [name, p] of cases) exportProblem(dir, `${n}_${name}`, p);
      native = JSON.parse(execFileSync('python3', ['-c', PYTHON, dir, cases.map(([name]) => `${n}_${name}`).join(','), String(REPEATS)], { encoding: 'utf8' })) as typeof native;
    } catch (error) {
      console.log(`native HiGHS skipped: ${(error as Error).message.split('\n')[0]}`);
    }
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
      const nat = native[`${n}_${name}`];
      console.log(
        `n = ${n} turnover ${name.padEnd(5)} (${p.numVariables} vars, ${p.A.rows} rows): highs-wasm median ${median(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}), ${status}, objective ${objective.toFixed(9)}` +
          (nat ? `; scipy native median ${nat.median.toFixed(1)} ms (min ${nat.min.toFixed(1)}), objective ${nat.objective?.toFixed(9)}` : ''),
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
