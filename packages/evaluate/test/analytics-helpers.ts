/**
 * Helpers of the analytics tests: comparing numbers with a reference, CSV panels for the numpy
 * reference script, direct loops.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isFactorkitError } from '@factorkit/core';
import { expect } from 'vitest';

/** The numpy/scipy reference script beside this file. */
export const REFERENCE_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'analytics_reference.py');

/** Run the reference script on `dir` and read what it wrote. */
export function runReference(dir: string): unknown {
  execFileSync('python3', [REFERENCE_SCRIPT, dir], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 });
  return JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8'));
}

/**
 * Expect `actual` to equal `expected` (null = NaN) within `tol`, naming the first mismatch;
 * returns how many finite values were compared (so a test can insist it compared something).
 */
export function expectSeries(actual: ArrayLike<number>, expected: readonly (number | null)[], tol: number, label: string): number {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let compared = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i] ?? Number.NaN;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      expect(Number.isNaN(a) && Number.isNaN(e), `${label}[${i}]: got ${a}, expected ${e}`).toBe(true);
      continue;
    }
    if (Math.abs(a - e) > tol) expect.fail(`${label}[${i}]: got ${a}, expected ${e} (difference ${Math.abs(a - e)} > ${tol})`);
    compared++;
  }
  return compared;
}

/** A date × asset CSV for the reference script: a header of asset codes, empty cells for `NaN`. */
export function writePanelCsv(path: string, assets: readonly string[], rows: number, value: (row: number, asset: number) => number): void {
  const lines = [assets.join(',')];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let a = 0; a < assets.length; a++) {
      const v = value(r, a);
      cells.push(Number.isNaN(v) ? '' : String(v));
    }
    lines.push(cells.join(','));
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

/** Pearson correlation by the textbook formula, over the pairs given. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Average-tie ranks (1-based) by counting, O(n²). */
export function averageRanks(v: readonly number[]): number[] {
  return v.map((x) => v.filter((y) => y < x).length + (v.filter((y) => y === x).length + 1) / 2);
}

/** `days` consecutive calendar days from `start` (default 2021-12-27: the year turns on day 5). */
export function calendar(days: number, start = Date.UTC(2021, 11, 27)): string[] {
  return Array.from({ length: days }, (_, t) => new Date(start + t * 86_400_000).toISOString().slice(0, 10));
}

/** A seeded linear congruential generator of numbers in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

/** What `fn` throws, as a factorkit error (anything else is rethrown; no throw fails the test). */
export function thrown(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (isFactorkitError(error)) return error;
    throw error;
  }
  throw new Error('expected a throw');
}
