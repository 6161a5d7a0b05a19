/**
 * The strategy targets of issue 13, end to end as a user runs them (the built CLI in a child
 * process, wall time from spawn to exit: start-up, plugin discovery, loading, factors, model,
 * risk model, every rebalance's solve, the simulation, diagnostics and writing the 15 output
 * files with report.html):
 *
 * - `csi300`: `factorkit backtest --config apps/strategies/csi300-enhanced.yaml --data
 *   ../shared/data/cn-csi300 --start 2013-07-01` — ten years of weekly rebalances (512) on the
 *   real data under a 4% ex-ante tracking-error cap. Target ≤ 30 s.
 * - `demo`: `factorkit demo` (CSI 1000 enhanced on the synthetic market, 15 sell-side factors,
 *   ML weighting) with an empty cache (the market is generated: what `npm start` does on a fresh
 *   machine after install and build) and again with the cache warm. Target ≤ 60 s (cold).
 *
 * Printed: wall time, the CLI's own stage times, peak RSS, the target and measured / target.
 * The reference is the target itself: no other tool runs this workload (a composite of factor
 * code, a walk-forward model, ~500 LP/QP solves and a simulation).
 *
 * Run: `pnpm bench:strategy` (after `pnpm build`). STRATEGY_BENCH=csi300,demo picks the cases;
 * STRATEGY_DATA=dir the real dataset; BENCH_JSON=path appends the results as JSON lines.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const cli = join(root, 'apps/cli/dist/bin.js');
const dataDir = resolve(process.env.STRATEGY_DATA ?? resolve(root, '../shared/data/cn-csi300'));
const cases = (process.env.STRATEGY_BENCH ?? 'csi300,demo').split(',').map((s) => s.trim());
if (!existsSync(cli)) throw new Error(`build the CLI first (pnpm build): ${cli} is missing`);

interface Measured {
  readonly case: string;
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly target: number;
  readonly stages: string;
}

/** Run the CLI under /usr/bin/time for the peak RSS; returns the wall time and its stage line. */
function run(name: string, args: readonly string[], target: number): Measured {
  const started = process.hrtime.bigint();
  const result = spawnSync('/usr/bin/time', ['-f', 'peak-rss-kb %M', process.execPath, cli, ...args, '--no-progress'], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${name}: exit ${result.status}\n${result.stdout}\n${result.stderr}`);
  const rss = Number(/peak-rss-kb (\d+)/.exec(result.stderr)?.[1] ?? Number.NaN) / 1024;
  const stages = /time: ([^\n]+)/.exec(`${result.stdout}\n${result.stderr}`)?.[1] ?? "";
  return { case: name, seconds, peakRssMb: rss, target, stages };
}

const results: Measured[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'fk-bench-strategy-'));
try {
  if (cases.includes('csi300')) {
    if (!existsSync(dataDir)) throw new Error(`the dataset is missing at ${dataDir} (set STRATEGY_DATA)`);
    results.push(
      run('csi300 10y weekly, TE cap 4% (real data)', ['backtest', '--config', join(root, 'apps/strategies/csi300-enhanced.yaml'), '--data', dataDir, '--start', '2013-07-01', '--out', join(scratch, 'csi300')], 30),
    );
  }
  if (cases.includes('demo')) {
    const cache = join(scratch, 'demo-cache');
    results.push(run('demo, cold (market generated)', ['demo', '--cache', cache, '--out', join(scratch, 'demo-cold')], 60));
    results.push(run('demo, warm (market cached)', ['demo', '--cache', cache, '--out', join(scratch, 'demo-warm')], 60));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('case                                        wall s  target s  wall/target  peak RSS MB');
for (const r of results) {
  console.log(`${r.case.padEnd(44)}${r.seconds.toFixed(1).padStart(6)}  ${String(r.target).padStart(8)}  ${(r.seconds / r.target).toFixed(2).padStart(11)}  ${r.peakRssMb.toFixed(0).padStart(11)}`);
  if (r.stages) console.log(`  stages: ${r.stages}`);
}
if (process.env.BENCH_JSON) for (const r of results) appendFileSync(process.env.BENCH_JSON, `${JSON.stringify({ bench: 'strategy', ...r })}\n`);
