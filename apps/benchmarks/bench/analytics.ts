/**
 * The classic factor analytics of a tracking run, one call at a time: `evaluateFactor` of
 * `@factorkit/evaluate` on the synthetic market at its default size (3,000 stocks × 10 years),
 * momentum computed and preprocessed over the investable market (`computeFactors`), evaluated
 * within csi500's members against its benchmark weights, horizons 1, 5, 20, 10 groups, no IC
 * decay — the call a tracking run makes twice per (universe, factor) series (raw and processed).
 *
 * Printed, median of 3 runs each (after one untimed call), wall and CPU time of the process:
 * one call computing its own forward returns; the forward-return precompute
 * (`forwardReturnsByDate`, once per run, shared by every call); one call given those
 * (`evaluateFactor({ forward })`); and the calls with the universe's benchmark weights memoised
 * per date (as a tracking run shares them across the factors of a universe), then its members
 * too. Every variant is checked to give the same result. Measured numbers only.
 *
 * Run: `pnpm bench:analytics`. Options (environment):
 *
 *   ANALYTICS_BENCH_STOCKS=3000  ANALYTICS_BENCH_YEARS=10   market size
 *   ANALYTICS_BENCH_UNIVERSE=csi500                          an index of `@factorkit/universe-index`
 *   ANALYTICS_BENCH_RUNS=3                                   timed runs per case
 *   BENCH_JSON=path                                          also append the results as one JSON line
 */
import { appendFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import type { BenchmarkWeights, UniverseInstance } from '@factorkit/core';
import { createDataset } from '@factorkit/data';
import { type EvaluateFactorOptions, type FactorEvaluation, evaluateFactor, forwardReturnsByDate } from '@factorkit/evaluate';
import momentum from '@factorkit/factor-momentum';
import { computeFactors } from '@factorkit/pipeline';
import { DEFAULT_MARKET_OPTIONS, generateMarket } from '@factorkit/synth';
import { indexUniverse, marketUniverse } from '@factorkit/universe-index';

const env = process.env;
const stocks = Number(env.ANALYTICS_BENCH_STOCKS ?? DEFAULT_MARKET_OPTIONS.stocks);
const years = Number(env.ANALYTICS_BENCH_YEARS ?? DEFAULT_MARKET_OPTIONS.years);
const universeName = env.ANALYTICS_BENCH_UNIVERSE ?? 'csi500';
const runs = Number(env.ANALYTICS_BENCH_RUNS ?? 3);
const HORIZONS = [1, 5, 20];

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

interface Timing<T> {
  readonly ms: number;
  readonly cpuMs: number;
  readonly all: number[];
  readonly result: T;
}

/** Median wall and CPU time of `runs` calls of `fn` (after one untimed call), and its last result. */
function time<T>(fn: () => T): Timing<T> {
  let result = fn();
  const all: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    result = fn();
    all.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { ms: median(all), cpuMs: median(cpu), all, result };
}

console.log(`# evaluateFactor (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, node ${process.version}, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
let t0 = performance.now();
const { tables } = generateMarket({ stocks, years, funds: 0 });
const data = createDataset(tables).dataset;
console.log(`market: ${stocks} stocks × ${years} years (${data.calendar.length} trading days), generated and loaded in ${seconds(performance.now() - t0)}`);
t0 = performance.now();
const market = marketUniverse.resolve({ data, params: marketUniverse.with({}).params });
const factor = computeFactors({ data, factors: [{ plugin: momentum }], universe: market, preprocess: true });
const values = factor.factors[0]!.values;
const dates = factor.dates;
console.log(`factor: momentum, preprocessed over the market, ${dates.length} dates, computed in ${seconds(performance.now() - t0)}`);
const universe: UniverseInstance = indexUniverse.resolve({ data, params: indexUniverse.with({ index: universeName }).params });

/** The universe with its weights (and, with `members`, its members) memoised per date, as a tracking run shares them across factors. */
function memoised(instance: UniverseInstance, members = false): UniverseInstance {
  const weights = new Map<number, BenchmarkWeights | undefined>();
  const masks = new Map<number, Uint8Array>();
  return {
    ...instance,
    members(t) {
      if (!members) return instance.members(t);
      if (!masks.has(t)) masks.set(t, instance.members(t));
      return masks.get(t)!;
    },
    weights(t) {
      if (!weights.has(t)) weights.set(t, instance.weights?.(t));
      return weights.get(t);
    },
  };
}

const base: EvaluateFactorOptions = { data, values, dates, universe, horizons: HORIZONS, groups: 10, decayLags: 0 };
const memoWeights: EvaluateFactorOptions = { ...base, universe: memoised(universe) };
const memoBoth: EvaluateFactorOptions = { ...base, universe: memoised(universe, true) };
const members = universe.members(data.calendar.length - 1).reduce((s, v) => s + v, 0);
console.log(`universe: ${universeName} (${members} members on the last date); horizons ${HORIZONS.join(', ')}; 10 groups; decayLags 0; median of ${runs} runs`);

const precompute = time(() => forwardReturnsByDate(data, { horizons: HORIZONS }));
const forward = precompute.result;
const rows: [string, Timing<unknown>][] = [
  ['evaluateFactor, its own forward returns', time(() => evaluateFactor(base))],
  ['forwardReturnsByDate (once per run)', precompute],
  ['evaluateFactor({ forward })', time(() => evaluateFactor({ ...base, forward }))],
  ['  its own forward returns, weights memoised', time(() => evaluateFactor(memoWeights))],
  ['  { forward }, weights memoised', time(() => evaluateFactor({ ...memoWeights, forward }))],
  ['  { forward }, members and weights memoised', time(() => evaluateFactor({ ...memoBoth, forward }))],
];
const results = rows.filter(([name]) => !name.startsWith('forwardReturns')).map(([, timing]) => timing.result as FactorEvaluation);
const same = results.every((r) => isDeepStrictEqual(r, results[0]));
console.log(`${''.padEnd(46)} ${'wall'.padStart(8)} ${'CPU'.padStart(8)}   wall of each run`);
for (const [name, { ms, cpuMs, all }] of rows) console.log(`${name.padEnd(46)} ${seconds(ms).padStart(8)} ${seconds(cpuMs).padStart(8)}   ${all.map((x) => seconds(x)).join(', ')}`);
console.log(`every call gave the same result: ${same ? 'yes' : 'NO'}`);
if (!same) process.exitCode = 1;
if (env.BENCH_JSON) {
  const entries = rows.map(([name, { ms, cpuMs }]) => [name.trim(), { wallMs: Math.round(ms), cpuMs: Math.round(cpuMs) }]);
  appendFileSync(env.BENCH_JSON, `${JSON.stringify({ bench: 'analytics', stocks, years, universe: universeName, runs, ...Object.fromEntries(entries), same })}\n`);
}
