/**
 * Native HiGHS beside HiGHS wasm on a sample of the very LPs a benchmark solved: each saved as a
 * `factorkit-problem` JSON file and read back (as `--save-problems` files are), solved by
 * `scipy.optimize.linprog(method="highs")`, the mean extrapolated to every LP of the run.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Problem, Solution } from '@factorkit/core';
import { problemFromJSON, problemToJSON } from '@factorkit/portfolio';
import { formatMs, scipyLinprog } from '@factorkit/tooling/bench';

/** How HiGHS wasm did on one LP. */
export interface WasmSolve {
  readonly ms: number;
  readonly status: Solution['status'];
  readonly objective: number;
}

export interface NativeReport {
  readonly sample: number;
  readonly scipy: string;
  readonly wasmMeanMs: number;
  readonly nativeMeanMs: number;
  readonly extrapolatedMs: number;
  readonly maxObjectiveGap: number;
  readonly statusMismatches: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Native HiGHS on `sample`; `wasm(problem, reread)` gives HiGHS wasm's solve of the same LP.
 * Returns why not (python or scipy missing) as a string.
 */
export async function nativeReference(sample: readonly Problem[], total: number, wasm: (problem: Problem, reread: Problem) => WasmSolve | Promise<WasmSolve>): Promise<NativeReport | string> {
  const dir = join(tmpdir(), `factorkit-bench-native-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    const wasmMs: number[] = [];
    const nativeMs: number[] = [];
    let scipy = '';
    let gap = 0;
    let mismatches = 0;
    for (const [k, problem] of sample.entries()) {
      const file = join(dir, `${k}.json`);
      writeFileSync(file, JSON.stringify(problemToJSON(problem)));
      const reread = problemFromJSON(JSON.parse(readFileSync(file, 'utf8')), file);
      const own = await wasm(problem, reread);
      const result = scipyLinprog(reread, 1);
      if (typeof result === 'string') return result;
      scipy = result.scipy;
      wasmMs.push(own.ms);
      nativeMs.push(result.ms[0]!);
      const nativeOptimal = result.objective !== null;
      if (nativeOptimal !== (own.status === 'optimal')) mismatches++;
      else if (nativeOptimal) gap = Math.max(gap, Math.abs(own.objective - result.objective!) / Math.max(1, Math.abs(result.objective!)));
    }
    return { sample: sample.length, scipy, wasmMeanMs: mean(wasmMs), nativeMeanMs: mean(nativeMs), extrapolatedMs: mean(nativeMs) * total, maxObjectiveGap: gap, statusMismatches: mismatches };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The report's lines: per-LP times and their ratio, the extrapolation against `runMs`, the objective gap. */
export function nativeLines(n: NativeReport, runMs: number, what: string): [string, string][] {
  return [
    [`native HiGHS, sample of ${n.sample} LPs (scipy ${n.scipy} linprog)`, `${formatMs(n.nativeMeanMs)} per LP; HiGHS wasm on the same LPs ${formatMs(n.wasmMeanMs)} per LP (${(n.wasmMeanMs / n.nativeMeanMs).toFixed(2)}×)`],
    ['native HiGHS extrapolated to all LPs, one core', `${(n.extrapolatedMs / 1000).toFixed(1)} s (solves only); ${what} / native = ${(runMs / n.extrapolatedMs).toFixed(2)}×`],
    ['objectives, wasm vs native (max rel. gap)', `${n.maxObjectiveGap.toExponential(1)}${n.statusMismatches ? `; ${n.statusMismatches} status mismatches` : ''}`],
  ];
}
