/**
 * The factor-tracking run on real data, in full: `runTracking` of `@factorkit/evaluate` on
 * `../shared/data/cn-csi300` (CSI 300 A-shares, 2013-01 → 2023-06), benchmarks csi300 (published
 * weights) and csi500 (no weights in that dataset: the float-cap proxy of its listed members),
 * every factor of the default list the data supports (the others are left out and named), from
 * 2014-01 to 2023-06, monthly and weekly — what `factorkit track --universes csi300,csi500
 * --start 2014-01-01 --as-of 2023-06-30 --frequency monthly|weekly` computes, called as that
 * command calls it (HiGHS wasm with `presolve: false`, `missingInputs: 'skip'`), without writing
 * the outputs; in this thread by default, on worker threads with TRACK_REAL_WORKERS.
 *
 * Printed per frequency: the run's time, split into computing the factors (raw and preprocessed,
 * between the run's events) and the series (MFE test + IC/quantile analytics), the LPs (problems
 * built and solved), LPs per second and ms per LP over the series time, where an LP's time goes
 * (building, solving), peak RSS, and the rebalance dates by status (optimal, infeasible, other,
 * skipped). Loading the dataset is timed once. Measured numbers only: no targets.
 *
 * Run: `pnpm bench:track-real`. Options (environment):
 *
 *   TRACK_REAL_DATA=dir                 the dataset (default ../../../shared/data/cn-csi300 from here)
 *   TRACK_REAL_FREQUENCIES=monthly      or weekly, or both (default monthly,weekly)
 *   TRACK_REAL_START=2014-01-01  TRACK_REAL_AS_OF=2023-06-30
 *   TRACK_REAL_UNIVERSES=csi300,csi500
 *   TRACK_REAL_WORKERS=0                series in this thread (default, so that factor and series
 *                                       times add up); N: on N worker threads (`workerExecutor`,
 *                                       what `factorkit track` does by default with one per core),
 *                                       where the factor time overlaps the series and is not split out
 *   BENCH_JSON=path                     also append the results as one JSON line
 */
import { appendFileSync, existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '@factorkit/data';
import { type TrackingEvent, type TrackingResult, defaultTrackingFactors, runTracking } from '@factorkit/evaluate';
import { workerExecutor } from '@factorkit/evaluate/node';
import highsOptimizer from '@factorkit/optimizer-highs';
import { indexUniverse, marketUniverse } from '@factorkit/universe-index';
import { SELL_SIDE } from './sell-side.js';

const HIGHS_PARAMS = { presolve: false };
const env = process.env;
const list = (value: string | undefined, fallback: readonly string[]): string[] => (value ? value.split(',').map((s) => s.trim()).filter(Boolean) : [...fallback]);
const dataDir = resolve(env.TRACK_REAL_DATA ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/cn-csi300'));
const frequencies = list(env.TRACK_REAL_FREQUENCIES, ['monthly', 'weekly']);
const start = env.TRACK_REAL_START ?? '2014-01-01';
const asOf = env.TRACK_REAL_AS_OF ?? '2023-06-30';
const universes = list(env.TRACK_REAL_UNIVERSES, ['csi300', 'csi500']);
const workers = Number(env.TRACK_REAL_WORKERS ?? 0);
for (const f of frequencies) if (f !== 'monthly' && f !== 'weekly') throw new Error(`TRACK_REAL_FREQUENCIES: expected monthly and/or weekly, got ${f}`);
if (!existsSync(dataDir)) throw new Error(`the dataset is missing at ${dataDir} (set TRACK_REAL_DATA)`);

const mib = (): number => process.resourceUsage().maxRSS / 1024;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

console.log(`# tracking run on real data (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
console.log(
  `data: ${dataDir}; universes: ${universes.join(', ')}; ${start} … ${asOf}; frequencies: ${frequencies.join(', ')}; ${workers > 0 ? `${workers} worker threads` : 'in-process'} (${availableParallelism()} cores); HiGHS wasm, presolve off`,
);

let t0 = performance.now();
const load = await loadDataset(dataDir);
const loadMs = performance.now() - t0;
const data = load.dataset;
console.log(`load: ${seconds(loadMs)} (${data.calendar.length} trading days × ${data.assets.length} stocks; ${load.notes.length} notes); peak RSS ${mib().toFixed(0)} MiB`);

interface Report {
  readonly frequency: string;
  readonly totalMs: number;
  readonly factorMs: number;
  readonly seriesMs: number;
  readonly factors: readonly string[];
  readonly skippedFactors: readonly string[];
  readonly series: number;
  readonly rebalances: number;
  readonly lps: number;
  readonly optimal: number;
  readonly infeasible: number;
  readonly failed: number;
  readonly skipped: number;
  readonly buildMs: number;
  readonly solveMs: number;
  readonly infeasibleSolveMs: number;
  readonly peakRssMiB: number;
  readonly universes: readonly { name: string; weights: string; notes: readonly string[] }[];
}

async function run(frequency: 'monthly' | 'weekly'): Promise<Report> {
  const optimizer = await highsOptimizer.create(highsOptimizer.with(HIGHS_PARAMS).params);
  const executor = workers > 0 ? workerExecutor({ workers, optimizer: { module: import.meta.resolve('@factorkit/optimizer-highs'), id: 'highs', params: HIGHS_PARAMS } }) : undefined;
  let factorMs = 0;
  let last = performance.now();
  // Factor time: from the previous event to a factor's event (its raw and preprocessed panels;
  // in this thread a factor is computed between the run's events, while the previous series waits
  // on its first solve). Series time: the rest.
  const onEvent = (event: TrackingEvent): void => {
    const now = performance.now();
    if (event.kind === 'factor' || event.kind === 'skipped') factorMs += now - last;
    if (event.kind === 'series') {
      const s = event.series;
      const c = s.mfe.counts;
      const lps = c.rebalances - c.skipped;
      console.log(
        `  ${`${s.universe} ${s.factor}`.padEnd(28)} ${String(lps).padStart(4)} LPs  ${`${s.seconds.toFixed(1)} s`.padStart(7)}  ${((s.seconds * 1000) / Math.max(1, lps)).toFixed(1).padStart(6)} ms/LP  infeasible ${c.infeasible}, skipped ${c.skipped}`,
      );
    }
    last = now;
  };
  let result: TrackingResult;
  t0 = performance.now();
  try {
    result = await runTracking({
      data,
      asOf,
      start,
      frequency,
      universes,
      benchmark: indexUniverse,
      investable: marketUniverse,
      factors: defaultTrackingFactors(SELL_SIDE),
      missingInputs: 'skip',
      optimizer,
      ...(executor ? { executor } : {}),
      onEvent,
    });
  } finally {
    await optimizer.dispose?.();
  }
  const totalMs = performance.now() - t0;
  const records = result.series.flatMap((s) => s.mfe.rebalances);
  return {
    frequency,
    totalMs,
    factorMs,
    seriesMs: sum(result.series.map((s) => s.seconds * 1000)),
    factors: result.factors.map((f) => f.name),
    skippedFactors: result.skippedFactors.map((s) => `${s.name} (${s.missing.join(', ')})`),
    series: result.series.length,
    rebalances: records.length,
    lps: records.filter((r) => r.status !== 'skipped').length,
    optimal: records.filter((r) => r.status === 'optimal').length,
    infeasible: records.filter((r) => r.status === 'infeasible').length,
    failed: records.filter((r) => r.status !== 'optimal' && r.status !== 'infeasible' && r.status !== 'skipped').length,
    skipped: records.filter((r) => r.status === 'skipped').length,
    buildMs: sum(records.map((r) => r.buildMs)),
    solveMs: sum(records.map((r) => r.solveMs)),
    infeasibleSolveMs: sum(records.filter((r) => r.status === 'infeasible').map((r) => r.solveMs)),
    peakRssMiB: mib(),
    universes: result.universes.map((u) => ({ name: u.name, weights: u.weights, notes: u.notes })),
  };
}

const reports: Report[] = [];
for (const frequency of frequencies as ('monthly' | 'weekly')[]) {
  console.log(`\n## ${frequency}`);
  const r = await run(frequency);
  reports.push(r);
  const feasible = r.lps - r.infeasible;
  const lines: [string, string][] = [
    ['factors computed', `${r.factors.length}: ${r.factors.join(', ')}`],
    ['factors left out (missing fields)', `${r.skippedFactors.length}: ${r.skippedFactors.join('; ')}`],
    ...r.universes.map((u): [string, string] => [`universe ${u.name}`, `weights ${u.weights}${u.notes.length ? ` — ${u.notes.join(' ')}` : ''}`]),
    ['series (universe × factor)', String(r.series)],
    ['rebalance dates', `${r.rebalances}: ${r.optimal} optimal, ${r.infeasible} infeasible, ${r.failed} other status, ${r.skipped} skipped (no factor value or benchmark yet)`],
    ['LPs (problems built and solved)', String(r.lps)],
    ['runTracking, total (wall)', seconds(r.totalMs)],
    ...(workers > 0
      ? ([
          ['  series, summed over the workers', seconds(r.seriesMs)],
          ['LPs per second (wall)', (r.lps / (r.totalMs / 1000)).toFixed(1)],
          ['ms of wall time per LP, everything included', `${(r.totalMs / r.lps).toFixed(2)} ms`],
        ] as [string, string][])
      : ([
          ['  factors (raw + preprocessed)', seconds(r.factorMs)],
          ['  series (MFE test + IC/quantile analytics): total − factors', seconds(r.totalMs - r.factorMs)],
          ["  (the series' own clocks, summed)", seconds(r.seriesMs)],
          ['LPs per second (series time)', (r.lps / ((r.totalMs - r.factorMs) / 1000)).toFixed(1)],
          ['ms per LP (series time / LPs)', `${((r.totalMs - r.factorMs) / r.lps).toFixed(2)} ms`],
          ['ms per LP, everything included (total / LPs)', `${(r.totalMs / r.lps).toFixed(2)} ms`],
        ] as [string, string][])),
    ['  building the problems', `${(r.buildMs / r.lps).toFixed(2)} ms/LP`],
    ['  solving, feasible dates', `${((r.solveMs - r.infeasibleSolveMs) / Math.max(1, feasible)).toFixed(2)} ms per such LP`],
    ['  solving + diagnosing, infeasible dates', r.infeasible ? `${(r.infeasibleSolveMs / r.infeasible).toFixed(1)} ms per such date (${seconds(r.infeasibleSolveMs)})` : '–'],
    ...(workers > 0 ? [] : [['  the rest of the series (returns, analytics, bookkeeping)', `${((r.totalMs - r.factorMs - r.buildMs - r.solveMs) / r.lps).toFixed(2)} ms/LP`] as [string, string]]),
    ['peak RSS (process so far, workers included)', `${r.peakRssMiB.toFixed(0)} MiB`],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) console.log(`${k.padEnd(width)}  ${v}`);
}

if (env.BENCH_JSON) {
  appendFileSync(env.BENCH_JSON, `${JSON.stringify({ title: 'track-real', data: dataDir, start, asOf, universes, workers, loadMs, reports })}\n`);
}
