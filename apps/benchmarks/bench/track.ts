/**
 * The weekly factor-tracking run as a user runs it, everything included: `runTracking` of
 * `@factorkit/evaluate` — the 15 sell-side factors computed and preprocessed, the MFE test with
 * turnover limits and the IC/quantile analytics of every factor × csi300, csi500, csi1000,
 * csia500 — on worker threads (`workerExecutor`, one per core by default), then
 * `writeTrackingOutputs` writing the folder, on the synthetic market at its default size
 * (3,000 stocks × 10 years). Weekly rebalancing is the stress case (≈ 30,000 LPs), monthly the
 * default. Targets of issue #11: weekly ≤ 5 min, monthly ≤ 1 min on the 2-core machine, and
 * an incremental one-week update ≤ 5 s (the previous output's states read, the week solved,
 * the folder written again).
 *
 * Printed per schedule: wall time of the run and of writing the outputs, LPs, LPs per second,
 * ms of wall time per LP, peak RSS of the process (workers included), the infeasible dates. And,
 * in the same run, native HiGHS — `scipy.optimize.linprog(method="highs")` — on a uniform sample
 * of the LPs of two series run again in-process to capture their problems (`onProblem`, saved
 * as `factorkit-problem` JSON and read back, as `--save-problems` files are), each also solved
 * again by HiGHS wasm here, with the native time extrapolated to every LP of the run.
 *
 * Run: `pnpm bench:track` (python3 with numpy and scipy for the native column). Smaller runs:
 *
 *   TRACK_BENCH_SCHEDULES=weekly|monthly    TRACK_BENCH_FACTORS=3 (the first 3 by id)
 *   TRACK_BENCH_UNIVERSES=csi300,csi500     TRACK_BENCH_WORKERS=2 (0: in-process)
 *   TRACK_BENCH_STOCKS=3000  TRACK_BENCH_YEARS=10   TRACK_BENCH_NATIVE=40 (0: no native sample)
 *   TRACK_BENCH_INCREMENTAL=off             skip the one-week update (by default the rebuild runs as of a week
 *                                           before the end, then the update adds that week from the states)
 *   BENCH_JSON=path                         also append the results as one JSON line
 */
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Problem, computeFactor } from '@factorkit/core';
import { createDataset } from '@factorkit/data';
import { type TrackingProblemEntry, type TrackingResult, defaultTrackingFactors, runTracking } from '@factorkit/evaluate';
import { readTrackingState, workerExecutor, writeTrackingOutputs } from '@factorkit/evaluate/node';
import highsOptimizer from '@factorkit/optimizer-highs';
import { DEFAULT_MARKET_OPTIONS, generateMarket } from '@factorkit/synth';
import { indexUniverse, marketUniverse } from '@factorkit/universe-index';
import { type NativeReport, nativeLines, nativeReference } from './native.js';
import { SELL_SIDE } from './sell-side.js';

const env = process.env;
const UNIVERSES = ['csi300', 'csi500', 'csi1000', 'csia500'];
const TARGET_S = { weekly: 300, monthly: 60 } as const;
const list = (name: string, all: readonly string[]): string[] => (env[name] ? env[name]!.split(',').map((s) => s.trim()).filter(Boolean) : [...all]);
const schedules = list('TRACK_BENCH_SCHEDULES', ['monthly', 'weekly']) as ('weekly' | 'monthly')[];
const universes = list('TRACK_BENCH_UNIVERSES', UNIVERSES);
const factorCount = env.TRACK_BENCH_FACTORS === undefined ? SELL_SIDE.length : Number(env.TRACK_BENCH_FACTORS);
const workers = env.TRACK_BENCH_WORKERS === undefined ? availableParallelism() : Number(env.TRACK_BENCH_WORKERS);
const stocks = Number(env.TRACK_BENCH_STOCKS ?? DEFAULT_MARKET_OPTIONS.stocks);
const years = Number(env.TRACK_BENCH_YEARS ?? DEFAULT_MARKET_OPTIONS.years);
const nativeSample = Number(env.TRACK_BENCH_NATIVE ?? 40);
/** Measure the weekly update too (`TRACK_BENCH_INCREMENTAL=off` to skip). */
const incremental = env.TRACK_BENCH_INCREMENTAL !== 'off';
const HIGHS_PARAMS = { presolve: false };

/** Bytes of the files in a folder (not recursive). */
const folderBytes = (dir: string): number => readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
const mib = (): number => process.resourceUsage().maxRSS / 1024;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

console.log(`# tracking run (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, node ${process.version}, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
let t0 = performance.now();
const { tables } = generateMarket({ stocks, years, funds: 0 });
const data = createDataset(tables).dataset;
const asOf = data.calendar.at(data.calendar.length - 1);
console.log(`market: ${stocks} stocks × ${years} years (${data.calendar.length} trading days), generated and loaded in ${seconds(performance.now() - t0)} (not counted below)`);
const factors = defaultTrackingFactors(SELL_SIDE).slice(0, factorCount);
console.log(`factors (${factors.length}): ${factors.map((f) => f.plugin.id).join(', ')}`);
console.log(`universes: ${universes.join(', ')}; executor: ${workers > 0 ? `${workers} worker threads` : 'in-process'}; HiGHS wasm, presolve off`);

const highs = await highsOptimizer.create(highsOptimizer.with(HIGHS_PARAMS).params);

interface ScheduleReport {
  readonly schedule: 'weekly' | 'monthly';
  readonly runMs: number;
  readonly writeMs: number;
  readonly lps: number;
  readonly infeasible: number;
  readonly failed: number;
  readonly series: number;
  readonly seriesCpuMs: number;
  /** Computing the factors (raw and preprocessed), in the run's thread. */
  readonly factorMs: number;
  readonly peakRssMiB: number;
  readonly native?: NativeReport | string;
  /** The incremental one-week update after the rebuild. */
  readonly update?: {
    readonly readMs: number;
    readonly runMs: number;
    readonly writeMs: number;
    readonly resumed: number;
    readonly newLps: number;
    readonly continuedFrom: string;
    readonly unchangedBefore: string;
    readonly factorMs: number;
    readonly notes: readonly string[];
    readonly stateMiB: number;
    readonly pluginsMs: number;
  };
}

const lpsOf = (result: TrackingResult): number => sum(result.series.map((s) => s.mfe.counts.optimal + s.mfe.counts.infeasible + s.mfe.counts.failed));

async function runSchedule(schedule: 'weekly' | 'monthly'): Promise<ScheduleReport> {
  const out = mkdtempSync(join(tmpdir(), 'factorkit-bench-track-'));
  try {
    const executor = workers > 0 ? workerExecutor({ workers, optimizer: { module: import.meta.resolve('@factorkit/optimizer-highs'), id: 'highs', params: HIGHS_PARAMS } }) : undefined;
    let done = 0;
    // With the incremental measurement the rebuild runs as of one week earlier, and the update adds that week.
    const rebuildAsOf = incremental ? data.calendar.at(data.calendar.length - 6) : asOf;
    t0 = performance.now();
    const result = await runTracking({
      data,
      asOf: rebuildAsOf,
      frequency: schedule,
      universes,
      benchmark: indexUniverse,
      investable: marketUniverse,
      factors,
      missingInputs: 'skip',
      optimizer: highs,
      ...(executor ? { executor } : {}),
      codeVersion: 'bench',
      onEvent: (event) => {
        if (event.kind === 'series' && ++done % 10 === 0) console.log(`  ${done}/${event.total} series, ${seconds(performance.now() - t0)}`);
      },
    });
    const runMs = performance.now() - t0;
    t0 = performance.now();
    await writeTrackingOutputs(join(out, 'out'), result, { data: 'synthetic' });
    const writeMs = performance.now() - t0;
    let update: ScheduleReport['update'];
    if (incremental) {
      // The weekly update: the previous output's states read, the new week solved, the folder rewritten.
      const started = performance.now();
      const previous = await readTrackingState(join(out, 'out'));
      const readMs = performance.now() - started;
      const next = await runTracking({ data, asOf, frequency: schedule, universes, benchmark: indexUniverse, investable: marketUniverse, factors, missingInputs: 'skip', optimizer: highs, ...(executor ? { executor } : {}), previous: previous.states, ...(previous.run === undefined ? {} : { previousRun: previous.run }), codeVersion: 'bench' });
      const updateRunMs = performance.now() - started - readMs;
      const writeStarted = performance.now();
      await writeTrackingOutputs(join(out, 'out'), next, { data: 'synthetic' });
      update = {
        readMs,
        runMs: updateRunMs,
        writeMs: performance.now() - writeStarted,
        resumed: next.series.filter((s) => s.reuse.status === 'resumed').length,
        continuedFrom: next.continuedFrom ?? 'not continued (factors and analytics in full)',
        unchangedBefore: next.unchangedBefore ?? 'none (every file written in full)',
        factorMs: sum(next.factors.map((f) => (f.raw.seconds + (f.processed?.seconds ?? 0)) * 1000)),
        notes: next.notes.filter((n) => /continued/.test(n)),
        stateMiB: folderBytes(join(out, 'out', 'state')) / 2 ** 20,
        // What a continued run cannot skip and stay exact: each plugin over the whole range (rolling windows'
        // running sums depend on where they start), timed alone.
        pluginsMs: sum(factors.map((f) => {
          const t = performance.now();
          computeFactor(f.plugin, data, { end: asOf });
          return performance.now() - t;
        })),
        newLps: sum(next.series.map((s) => { const reuse = s.reuse; return reuse.status === 'resumed' ? s.mfe.rebalances.filter((r) => r.date > reuse.from && r.status !== 'skipped').length : 0; })),
      };
    }
    const report: ScheduleReport = {
      schedule,
      runMs,
      writeMs,
      lps: lpsOf(result),
      infeasible: sum(result.series.map((s) => s.mfe.counts.infeasible)),
      failed: sum(result.series.map((s) => s.mfe.counts.failed)),
      series: result.series.length,
      seriesCpuMs: sum(result.series.map((s) => s.seconds * 1000)),
      factorMs: sum(result.factors.map((f) => (f.raw.seconds + (f.processed?.seconds ?? 0)) * 1000)),
      peakRssMiB: mib(),
      ...(update ? { update } : {}),
    };
    return nativeSample > 0 ? { ...report, native: await nativeComparison(schedule, report.lps) } : report;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * Two series (csi300 and the last universe, a factor drawn at random) run again in this thread
 * to capture their problems; a uniform sample of them solved by HiGHS wasm here and by native
 * HiGHS (scipy), each after a `factorkit-problem` JSON round trip.
 */
async function nativeComparison(schedule: 'weekly' | 'monthly', total: number): Promise<NonNullable<ScheduleReport['native']>> {
  const problems: Problem[] = [];
  let random = 12345;
  const next = (): number => ((random = (random * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const factor = factors[Math.floor(next() * factors.length)]!;
  let seen = 0;
  for (const universe of [...new Set([universes[0]!, universes.at(-1)!])]) {
    await runTracking({
      data, asOf, frequency: schedule, universes: [universe], benchmark: indexUniverse, investable: marketUniverse, factors: [factor], optimizer: highs,
      onProblem: (entry: TrackingProblemEntry) => {
        seen++;
        if (problems.length < nativeSample) problems.push(entry.problem);
        else {
          const j = Math.floor(next() * seen);
          if (j < nativeSample) problems[j] = entry.problem;
        }
      },
    });
  }
  return await nativeReference(problems, total, async (_problem, reread) => {
    const start = performance.now();
    const own = await highs.solve(reread);
    return { ms: performance.now() - start, status: own.status, objective: own.objective };
  });
}

const reports: ScheduleReport[] = [];
for (const schedule of schedules) {
  console.log(`\n## ${schedule}`);
  const report = await runSchedule(schedule);
  reports.push(report);
  const total = report.runMs + report.writeMs;
  const lines: [string, string][] = [
    ['series (universe × factor)', String(report.series)],
    ['LPs', `${report.lps} (${report.infeasible} infeasible, explained; ${report.failed} other status)`],
    ['runTracking, wall', seconds(report.runMs)],
    ['writeTrackingOutputs, wall', seconds(report.writeMs)],
    ['total', `${seconds(total)} — target ${TARGET_S[schedule]} s: ${total / 1000 <= TARGET_S[schedule] ? 'met' : 'NOT met'} (${(total / 1000 / TARGET_S[schedule]).toFixed(2)}× the target)`],
    ['LPs per second (wall, everything included)', (report.lps / (total / 1000)).toFixed(1)],
    ['wall ms per LP', `${(total / report.lps).toFixed(2)} ms; per core ${((total * Math.max(1, Math.min(workers, availableParallelism()))) / report.lps).toFixed(2)} ms (budget 20 ms of one core)`],
    ['factors computed (run thread, beside the workers)', seconds(report.factorMs)],
    ['series time summed over workers', seconds(report.seriesCpuMs)],
    ['peak RSS (process, workers included)', `${report.peakRssMiB.toFixed(0)} MiB`],
  ];
  if (report.update) {
    const u = report.update;
    const updateMs = u.readMs + u.runMs + u.writeMs;
    lines.push(
      ['rebuild as of', 'one week before the data ends (the update adds that week)'],
      ['incremental one-week update, total', `${seconds(updateMs)} — target 5 s: ${updateMs <= 5000 ? 'met' : 'NOT met'} (${(updateMs / 5000).toFixed(2)}×)`],
      ['  reading the states', seconds(u.readMs)],
      ['  runTracking (factors, new LPs, analytics)', `${seconds(u.runMs)}; ${u.resumed} of ${report.series} series resumed, ${u.newLps} new LPs`],
      ['    of which factors (plugin on the whole range, preprocessing on the window)', seconds(u.factorMs)],
      ['    factors preprocessed and series evaluated from', u.continuedFrom],
      ['  writing the outputs and states', `${seconds(u.writeMs)} (state folder ${u.stateMiB.toFixed(0)} MiB)`],
      [`  the ${factors.length} plugins alone over the whole range (timed after)`, `${seconds(u.pluginsMs)}: the part of the factors a continued run cannot skip and stay exact`],
      ['    rows kept from the previous files', `those dated before ${u.unchangedBefore}`],
      ...u.notes.map((n): [string, string] => ['  note', n]),
    );
  }
  if (typeof report.native === 'string') lines.push(['native reference', report.native]);
  else if (report.native) lines.push(...nativeLines(report.native, total, "this run's wall time"));
  const width = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) console.log(`${k.padEnd(width)}  ${v}`);
}
await highs.dispose?.();
if (env.BENCH_JSON) appendFileSync(env.BENCH_JSON, `${JSON.stringify({ title: 'track', stocks, years, workers, factors: factors.map((f) => f.plugin.id), universes, reports })}\n`);
