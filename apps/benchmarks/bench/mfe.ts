/**
 * The weekly factor-tracking workload: MFE portfolio tests (`@factorkit/evaluate` `runMfe`) of
 * the 15 sell-side factors (every `plugins/factors/*` but `style-*`, computed and preprocessed by
 * `@factorkit/pipeline` `computeFactors`) against csi300, csi500, csi1000 and csia500, with
 * weekly rebalancing (the stress case, ≈ 30,000 LPs at full size) and monthly (the default), on
 * the synthetic market at its default size (`generateMarket()`: 3,000 stocks × 10 years).
 *
 * Each schedule's (universe, factor) series run one after the other on one thread and one HiGHS
 * instance (`presolve: false` unless `MFE_BENCH_PRESOLVE=on`), the whole market investable, each
 * universe's benchmark series computed once and shared by its factors — as a tracking run does.
 * Printed per schedule: total time of the MFE loop, LPs, LPs per second, ms per LP against the
 * 20 ms budget (the issue's "weekly rebuild ≤ 5 min on 2 cores"), where the time goes (problem
 * building, solves, infeasible-date diagnosis, returns and bookkeeping), peak RSS; and native
 * HiGHS — `scipy.optimize.linprog(method="highs")` through `@factorkit/tooling`'s
 * `scipyLinprog` — on a uniform random sample of the very LPs of the run, each saved with
 * `problemToJSON` and read back with `problemFromJSON` as `--save-problems` files are,
 * extrapolated to the whole set.
 *
 * Run: `pnpm bench:mfe` (needs python3 with numpy and scipy for the native column). Smaller runs:
 *
 *   MFE_BENCH_FACTORS=3 (the first 3 by id) or =momentum_1y,ep_ttm
 *   MFE_BENCH_UNIVERSES=csi500            MFE_BENCH_SCHEDULES=weekly
 *   MFE_BENCH_YEARS=2                     rebalances over the last 2 years only (the market stays full size)
 *   MFE_BENCH_NATIVE=40                   LPs in the native sample per schedule (0: none)
 *   MFE_BENCH_PRESOLVE=on  MFE_BENCH_WARM=on  MFE_BENCH_STOCKS=3000  MFE_BENCH_MARKET_YEARS=10
 *   MFE_BENCH_DIAGNOSE_SOLVES=0           runMfe `diagnose: { maxSolves }` (the drop-one search of an infeasible date's diagnosis)
 *   MFE_BENCH_CACHE=dir|off               factor panels cached between runs (default: the OS temp folder)
 *   BENCH_JSON=path                       also append the results as one JSON line
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DateString, type FactorPlugin, type OptimizerInstance, Panel, type Problem, type Solution, type UniverseInstance } from '@factorkit/core';
import { createDataset } from '@factorkit/data';
import { type MfeResult, benchmarkReturns, runMfe } from '@factorkit/evaluate';
import highsOptimizer from '@factorkit/optimizer-highs';
import { computeFactors } from '@factorkit/pipeline';
import { DEFAULT_MARKET_OPTIONS, generateMarket } from '@factorkit/synth';
import { formatMs } from '@factorkit/tooling/bench';
import { indexUniverse, marketUniverse } from '@factorkit/universe-index';
import { type NativeReport, nativeLines, nativeReference } from './native.js';
import { SELL_SIDE } from './sell-side.js';

const UNIVERSES = ['csi300', 'csi500', 'csi1000', 'csia500'];
/** The issue's budget: 30,000 LPs in 5 minutes on 2 cores. */
const BUDGET_MS = 20;
/** Bumped when what is cached changes meaning. */
const CACHE_VERSION = 1;

const env = process.env;
const list = (name: string, all: readonly string[]): string[] => (env[name] ? env[name]!.split(',').map((s) => s.trim()).filter(Boolean) : [...all]);
const onOff = (name: string, fallback: boolean): boolean => (env[name] === undefined ? fallback : env[name] === 'on' || env[name] === '1' || env[name] === 'true');
const factorArg = env.MFE_BENCH_FACTORS;
const factors = factorArg && /^\d+$/.test(factorArg) ? SELL_SIDE.slice(0, Number(factorArg)) : SELL_SIDE.filter((f) => !factorArg || factorArg.split(',').includes(f.id));
const universes = list('MFE_BENCH_UNIVERSES', UNIVERSES);
const schedules = list('MFE_BENCH_SCHEDULES', ['weekly', 'monthly']) as ('weekly' | 'monthly')[];
const stocks = Number(env.MFE_BENCH_STOCKS ?? DEFAULT_MARKET_OPTIONS.stocks);
const marketYears = Number(env.MFE_BENCH_MARKET_YEARS ?? DEFAULT_MARKET_OPTIONS.years);
const rebalanceYears = env.MFE_BENCH_YEARS === undefined ? undefined : Number(env.MFE_BENCH_YEARS);
const nativeSample = Number(env.MFE_BENCH_NATIVE ?? 40);
const presolve = onOff('MFE_BENCH_PRESOLVE', false);
const warmStart = onOff('MFE_BENCH_WARM', false);
const diagnoseSolves = env.MFE_BENCH_DIAGNOSE_SOLVES === undefined ? undefined : Number(env.MFE_BENCH_DIAGNOSE_SOLVES);
const cacheRoot = env.MFE_BENCH_CACHE === 'off' ? undefined : env.MFE_BENCH_CACHE ?? join(tmpdir(), 'factorkit-bench-mfe');
if (factors.length === 0) throw new Error(`MFE_BENCH_FACTORS=${factorArg}: no such factor; the factors are ${SELL_SIDE.map((f) => f.id).join(', ')}`);

const mib = (): number => process.resourceUsage().maxRSS / 1024;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

// ---------------------------------------------------------------------------------------------
// Market and factors (not part of the MFE time)

console.log(`# MFE workload (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
console.log(`factors (${factors.length}): ${factors.map((f) => f.id).join(', ')}`);
console.log(`universes: ${universes.join(', ')}; schedules: ${schedules.join(', ')}; rebalances: ${rebalanceYears === undefined ? 'whole history' : `last ${rebalanceYears} years`}`);
console.log(`optimizer: HiGHS wasm, presolve ${presolve ? 'on' : 'off'}, runMfe warmStart ${warmStart ? 'on' : 'off'}${diagnoseSolves === undefined ? '' : `, diagnose.maxSolves ${diagnoseSolves}`}`);

let started = performance.now();
const { tables } = generateMarket({ stocks, years: marketYears, funds: 0 });
const generateMs = performance.now() - started;
started = performance.now();
const data = createDataset(tables).dataset;
const datasetMs = performance.now() - started;
console.log(`market: ${stocks} stocks × ${marketYears} years (${data.calendar.length} trading days): generateMarket ${seconds(generateMs)}, createDataset ${seconds(datasetMs)}`);

const market = marketUniverse.resolve({ data, params: marketUniverse.with({}).params });

interface FactorPanel {
  readonly id: string;
  readonly direction: 1 | -1;
  readonly values: Panel;
  readonly dates: readonly DateString[];
}

/** A factor computed and preprocessed over the investable market, from the cache when there. */
function factorPanel(plugin: FactorPlugin<any>): { panel: FactorPanel; ms: number; cached: boolean } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const dir = cacheRoot ? join(cacheRoot, `v${CACHE_VERSION}-s${DEFAULT_MARKET_OPTIONS.seed}-${stocks}x${marketYears}`) : undefined;
  const file = dir ? join(dir, `${plugin.id}.f64`) : undefined;
  const metaFile = dir ? join(dir, `${plugin.id}.json`) : undefined;
  if (file && metaFile && existsSync(file) && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { dates: DateString[]; ms: number };
    const bytes = readFileSync(file);
    const values = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return { panel: { id: plugin.id, direction: plugin.meta.direction, values: new Panel(meta.dates.length, data.assets.length, values), dates: meta.dates }, ms: meta.ms, cached: true };
  }
  const t0 = performance.now();
  const result = computeFactors({ data, factors: [{ plugin }], universe: market, preprocess: true });
  const ms = performance.now() - t0;
  const values = result.factors[0]!.values;
  if (dir && file && metaFile) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, new Uint8Array(values.values.buffer, values.values.byteOffset, values.values.byteLength));
    writeFileSync(metaFile, JSON.stringify({ dates: result.dates, ms }));
  }
  return { panel: { id: plugin.id, direction: plugin.meta.direction, values, dates: result.dates }, ms, cached: false };
}

const panels: FactorPanel[] = [];
let factorMs = 0;
let cachedFactors = 0;
for (const plugin of factors) {
  const { panel, ms, cached } = factorPanel(plugin);
  panels.push(panel);
  factorMs += ms;
  if (cached) cachedFactors++;
}
console.log(
  `factors: computeFactors (preprocessed over the investable market) ${seconds(factorMs)} for ${factors.length}` +
    (cachedFactors ? ` — ${cachedFactors} read from the cache ${cacheRoot}, their time as measured when computed` : '') +
    `; peak RSS so far ${mib().toFixed(0)} MiB`,
);

// ---------------------------------------------------------------------------------------------
// The optimizer, timed solve by solve

interface SolveTiming {
  readonly ms: number;
  readonly status: Solution['status'];
  readonly objective: number;
}

/** One HiGHS instance whose solves are timed: every call, and each problem's first call (the rebalance's own solve). */
function timedHighs(inner: OptimizerInstance) {
  const first = new WeakMap<Problem, SolveTiming>();
  const totals = { solves: 0, ms: 0, runMs: 0, iterations: 0, warmOffered: 0, warmUsed: 0 };
  const instance: OptimizerInstance = {
    id: inner.id,
    async solve(problem, options) {
      const t0 = performance.now();
      const solution = await inner.solve(problem, options);
      const ms = performance.now() - t0;
      totals.solves++;
      totals.ms += ms;
      totals.runMs += Number(solution.diagnostics.highsRunMs ?? 0);
      totals.iterations += solution.diagnostics.iterations ?? 0;
      if (options?.warmStart) {
        totals.warmOffered++;
        if (solution.diagnostics.warmStart === 'previous basis') totals.warmUsed++;
      }
      if (!first.has(problem)) first.set(problem, { ms, status: solution.status, objective: solution.objective });
      return solution;
    },
    dispose: () => inner.dispose?.(),
  };
  return { instance, first, totals };
}

// A seeded uniform stream for the reservoir sample.
let seed = 0x9e3779b9;
const random = (): number => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed / 4294967296;
};

interface Sampled {
  readonly key: string;
  readonly problem: Problem;
}

interface ScheduleReport {
  readonly schedule: 'weekly' | 'monthly';
  readonly series: number;
  readonly rebalances: number;
  readonly lps: number;
  readonly optimal: number;
  readonly infeasible: number;
  readonly failed: number;
  readonly skipped: number;
  readonly totalMs: number;
  readonly benchmarkMs: number;
  readonly buildMs: number;
  readonly solveMs: number;
  readonly infeasibleSolveMs: number;
  readonly highsMs: number;
  readonly highsRunMs: number;
  readonly solves: number;
  readonly warmOffered: number;
  readonly warmUsed: number;
  readonly peakRssMiB: number;
  readonly native?: NativeReport;
}


// ---------------------------------------------------------------------------------------------
// The MFE loop

const lastDay = data.calendar.length - 1;
const rangeFirst = rebalanceYears === undefined ? undefined : Math.max(0, lastDay - Math.round(rebalanceYears * 244));
const rangeStart = rangeFirst === undefined ? undefined : data.calendar.at(rangeFirst);
const resolved: { name: string; instance: UniverseInstance }[] = universes.map((name) => ({ name, instance: indexUniverse.resolve({ data, params: indexUniverse.with({ index: name }).params }) }));

async function runSchedule(schedule: 'weekly' | 'monthly'): Promise<ScheduleReport> {
  const highs = timedHighs(await highsOptimizer.create(highsOptimizer.with({ presolve }).params));
  // V8 compiles HiGHS's WebAssembly lazily: a few warm-up solves, untimed, so that the first series does not pay it.
  await runMfe({ data, factor: { values: panels[0]!.values, dates: panels[0]!.dates }, direction: panels[0]!.direction, universe: resolved[0]!.instance, investable: market, optimizer: highs.instance, schedule, range: { start: data.calendar.at(lastDay - 60) } });
  Object.assign(highs.totals, { solves: 0, ms: 0, runMs: 0, iterations: 0, warmOffered: 0, warmUsed: 0 });

  const reservoir: Sampled[] = [];
  let seen = 0;
  const results: { key: string; result: MfeResult; ms: number }[] = [];
  let benchmarkMs = 0;
  const loopStart = performance.now();
  for (const universe of resolved) {
    let t0 = performance.now();
    const bench = benchmarkReturns(data, universe.instance, rangeFirst === undefined ? {} : { from: rangeFirst }).returns;
    benchmarkMs += performance.now() - t0;
    for (const factor of panels) {
      const key = `${schedule} ${universe.name} ${factor.id}`;
      t0 = performance.now();
      const result = await runMfe({
        data,
        factor: { values: factor.values, dates: factor.dates },
        direction: factor.direction,
        universe: universe.instance,
        investable: market,
        optimizer: highs.instance,
        schedule,
        benchmarkReturns: bench,
        warmStart,
        ...(diagnoseSolves === undefined ? {} : { diagnose: { maxSolves: diagnoseSolves } }),
        ...(rangeStart ? { range: { start: rangeStart } } : {}),
        onProblem: ({ date, problem }) => {
          // Reservoir sampling: every LP of the run equally likely to be in the native sample.
          seen++;
          const entry = { key: `${key} ${date}`, problem };
          if (reservoir.length < nativeSample) reservoir.push(entry);
          else {
            const j = Math.floor(random() * seen);
            if (j < nativeSample) reservoir[j] = entry;
          }
        },
      });
      const ms = performance.now() - t0;
      // Keep the records, not the weights and daily series.
      results.push({ key, ms, result: { ...result, weights: [], daily: { ...result.daily, portfolio: new Float64Array(0), benchmark: new Float64Array(0), excess: new Float64Array(0), cash: new Float64Array(0) } } });
      const lps = result.rebalances.filter((r) => r.status !== 'skipped').length;
      console.log(`  ${key.padEnd(34)} ${String(lps).padStart(4)} LPs  ${seconds(ms).padStart(7)}  ${(ms / Math.max(1, lps)).toFixed(1).padStart(6)} ms/LP  infeasible ${result.counts.infeasible}`);
    }
  }
  const totalMs = performance.now() - loopStart;
  await highs.instance.dispose?.();

  const records = results.flatMap((r) => r.result.rebalances);
  const lps = records.filter((r) => r.status !== 'skipped');
  const report: ScheduleReport = {
    schedule,
    series: results.length,
    rebalances: records.length,
    lps: lps.length,
    optimal: records.filter((r) => r.status === 'optimal').length,
    infeasible: records.filter((r) => r.status === 'infeasible').length,
    failed: records.filter((r) => r.status !== 'optimal' && r.status !== 'infeasible' && r.status !== 'skipped').length,
    skipped: records.filter((r) => r.status === 'skipped').length,
    totalMs,
    benchmarkMs,
    buildMs: sum(records.map((r) => r.buildMs)),
    solveMs: sum(records.map((r) => r.solveMs)),
    infeasibleSolveMs: sum(records.filter((r) => r.status === 'infeasible').map((r) => r.solveMs)),
    highsMs: highs.totals.ms,
    highsRunMs: highs.totals.runMs,
    solves: highs.totals.solves,
    warmOffered: highs.totals.warmOffered,
    warmUsed: highs.totals.warmUsed,
    peakRssMiB: mib(),
  };
  if (reservoir.length === 0) return report;
  const native = await nativeReference(
    reservoir.map((r) => r.problem),
    lps.length,
    (problem) => highs.first.get(problem)!,
  );
  return typeof native === 'string' ? (console.log(`native reference ${native}`), report) : { ...report, native };
}

const reports: ScheduleReport[] = [];
for (const schedule of schedules) {
  console.log(`\n## ${schedule}`);
  const report = await runSchedule(schedule);
  reports.push(report);
  const perLp = report.totalMs / report.lps;
  const other = report.totalMs - report.benchmarkMs - report.buildMs - report.solveMs;
  const lines: [string, string][] = [
    ['series (universe × factor)', String(report.series)],
    ['rebalance dates', `${report.rebalances} (${report.optimal} optimal, ${report.infeasible} infeasible, ${report.failed} other status, ${report.skipped} skipped: no factor value or benchmark)`],
    ['LPs (problems built and solved)', String(report.lps)],
    ['total time of the MFE loop', seconds(report.totalMs)],
    ['LPs per second', (report.lps / (report.totalMs / 1000)).toFixed(1)],
    ['ms per LP, everything in the loop', `${perLp.toFixed(2)} ms (budget ${BUDGET_MS} ms: ${(perLp / BUDGET_MS).toFixed(2)}×)`],
    ['  benchmark series (once per universe)', `${seconds(report.benchmarkMs)} (${(report.benchmarkMs / report.lps).toFixed(2)} ms/LP)`],
    ['  building the problems', `${seconds(report.buildMs)} (${(report.buildMs / report.lps).toFixed(2)} ms/LP)`],
    ['  solvePortfolio, feasible dates', `${seconds(report.solveMs - report.infeasibleSolveMs)} (${((report.solveMs - report.infeasibleSolveMs) / Math.max(1, report.lps - report.infeasible)).toFixed(2)} ms per such LP)`],
    ['  solvePortfolio, infeasible dates (with diagnosis)', `${seconds(report.infeasibleSolveMs)} (${report.infeasible ? formatMs(report.infeasibleSolveMs / report.infeasible) : '–'} per such date; ${(report.infeasibleSolveMs / report.lps).toFixed(2)} ms/LP spread over all)`],
    ['  returns, weights, bookkeeping', `${seconds(other)} (${(other / report.lps).toFixed(2)} ms/LP)`],
    ['HiGHS solve calls (incl. diagnosis)', `${report.solves}, ${seconds(report.highsMs)} of which HiGHS's run ${seconds(report.highsRunMs)}`],
    ...(warmStart ? [['warm starts offered / used by HiGHS', `${report.warmOffered} / ${report.warmUsed}`] as [string, string]] : []),
    ['peak RSS (process, incl. market and factor panels)', `${report.peakRssMiB.toFixed(0)} MiB`],
  ];
  if (report.native) lines.push(...nativeLines(report.native, report.totalMs, 'MFE loop'));
  const width = Math.max(...lines.map(([k]) => k.length));
  for (const [k, v] of lines) console.log(`${k.padEnd(width)}  ${v}`);
}

if (reports.length > 0) {
  const lps = sum(reports.map((r) => r.lps));
  const ms = sum(reports.map((r) => r.totalMs));
  console.log(`\nall schedules: ${lps} LPs in ${seconds(ms)} (${(ms / lps).toFixed(2)} ms/LP); factors ${seconds(factorMs)}${cachedFactors ? ` (${cachedFactors} of ${factors.length} from the cache: their time as measured when computed)` : ''}; peak RSS ${mib().toFixed(0)} MiB`);
}
if (env.BENCH_JSON) {
  appendFileSync(env.BENCH_JSON, `${JSON.stringify({ title: 'mfe', factors: factors.map((f) => f.id), universes, rebalanceYears: rebalanceYears ?? null, presolve, warmStart, diagnoseSolves: diagnoseSolves ?? null, factorMs, generateMs, datasetMs, reports })}\n`);
}
