// @ts-check
/**
 * The benchmark harness behind `pnpm bench`. Benchmarks print figures and compare against a
 * reference measured in the same process (a naive implementation, another backend); they
 * never fail because something was slow. Set `BENCH_JSON=path` to also write the results.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Time `fn` (sync or async): `warmup` untimed runs, then `iterations` timed ones.
 * Memory is the process's peak resident set size after the runs (`maxRSS`), which includes
 * everything allocated before: benchmarks that report memory run their big case first or alone.
 *
 * @template T
 * @param {string} name
 * @param {() => T | Promise<T>} fn
 * @param {{ iterations?: number, warmup?: number }} [options]
 * @returns {Promise<import('./bench.d.ts').BenchResult>}
 */
export async function measure(name, fn, options = {}) {
  const iterations = options.iterations ?? 5;
  const warmup = options.warmup ?? 1;
  for (let i = 0; i < warmup; i++) await fn();
  /** @type {number[]} */
  const runs = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    await fn();
    runs.push(performance.now() - start);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return {
    name,
    iterations,
    medianMs: median,
    minMs: sorted[0],
    maxMs: sorted[sorted.length - 1],
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

/** @param {number} ms */
export function formatMs(ms) {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(3)} ms`;
}

/**
 * Print a titled table of results; `reference` (a result name) adds a ratio column,
 * each median divided by the reference's median.
 *
 * @param {string} title
 * @param {import('./bench.d.ts').BenchResult[]} results
 * @param {{ reference?: string, notes?: string[] }} [options]
 */
export function report(title, results, options = {}) {
  const ref = options.reference ? results.find((r) => r.name === options.reference) : undefined;
  const rows = results.map((r) => [
    r.name,
    formatMs(r.medianMs),
    formatMs(r.minMs),
    `${r.peakRssMiB.toFixed(0)} MiB`,
    ref ? `${(r.medianMs / ref.medianMs).toFixed(2)}×` : '',
  ]);
  const header = ['case', 'median', 'min', 'peak RSS', ref ? `vs ${ref.name}` : ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (/** @type {string[]} */ cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  console.log(`\n## ${title}`);
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  for (const note of options.notes ?? []) console.log(note);
  if (process.env.BENCH_JSON) {
    appendFileSync(process.env.BENCH_JSON, `${JSON.stringify({ title, results, reference: options.reference ?? null })}\n`);
  }
}

const LINPROG = fileURLToPath(new URL('./linprog.py', import.meta.url));

export function scipyLinprog(problem, repeats) {
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-linprog-'));
  try {
    const raw = (name, a) => writeFileSync(join(dir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    raw('c.f64', problem.c);
    raw('lower.f64', problem.lower);
    raw('upper.f64', problem.upper);
    raw('rowLower.f64', problem.rowLower);
    raw('rowUpper.f64', problem.rowUpper);
    raw('A_start.i32', problem.A.start);
    raw('A_index.i32', problem.A.index);
    raw('A_value.f64', problem.A.value);
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ numVariables: problem.numVariables, rows: problem.A.rows, sense: problem.sense, offset: problem.offset }));
    return JSON.parse(execFileSync('python3', [LINPROG, dir, String(repeats)], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (error) {
    return `unavailable (${String(error).split('\n')[0]})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
