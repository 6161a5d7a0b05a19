/**
 * Sweeps run end to end on a small synthetic market written to disk (200 stocks, 2 years; a
 * four-month backtest per variant): `runVariant` against a separate `runStrategy` of the same
 * strategy written by hand, the metrics of `sweep.csv` against a plain recomputation from
 * `daily.csv`, failing and stopped variants reported (not dropped) while the sweep goes on, the
 * in-thread and worker-thread runs writing byte-identical files, and the executor's failures
 * (a worker that cannot load, a worker that dies) stopping the sweep with `FK_WORKER_FAILED`.
 */
import { type MarketData, createRegistry, isFactorkitError } from '@factorkit/core';
import type { PluginModule } from '@factorkit/core/node';
import { loadDatasetAt } from '@factorkit/data';
import { momentum } from '@factorkit/factor-momentum';
import { turnover1m } from '@factorkit/factor-turnover-1m';
import { equalWeight } from '@factorkit/model-equal';
import { writeSyntheticMarket } from '@factorkit/synth';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sweep, type SweepEvent, type SweepResult, type VariantExecutor, type VariantResult, createStrategy, parseStrategy, runStrategy, runSweep, runVariant } from '../src/index.js';
import { SWEEP_FILES, readSweepFile, variantThreadExecutor, writeSweepOutputs } from '../src/node.js';
import { readCsvFile } from '@factorkit/tooling/csv';

const root = mkdtempSync(join(tmpdir(), 'factorkit-sweep-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const market = join(root, 'market');

const registry = createRegistry();
registry.register([momentum, turnover1m, equalWeight]);

/** The ESM entry of a workspace package, as a worker imports it. */
const require = createRequire(import.meta.url);
const moduleOf = (name: string): PluginModule => ({ url: pathToFileURL(join(dirname(require.resolve(`${name}/package.json`)), 'dist/index.js')).href, type: 'package', package: name });
const plugins = ['@factorkit/factor-momentum', '@factorkit/factor-turnover-1m', '@factorkit/model-equal'].map(moduleOf);
const tsWorker = { url: new URL('./sweep-worker-tsx.mjs', import.meta.url) };

/** The base strategy: two price factors, an equal-weight model, the usual constraints with a `size` group. */
const BASE = (deviation: number, turnover: number) => `name: base
universe: { index: '000852.SH' }
start: '2015-03-02'
end: '2015-06-30'
factors:
  - { id: momentum_1y, name: reversal_1m, params: { window: 20, skip: 0 }, direction: -1 }
  - { id: turnover_1m, direction: -1 }
model: { id: equal, window: 60, minDates: 20 }
risk: false
constraints:
  - { id: fully-invested }
  - { id: long-only }
  - { id: stock-deviation, params: { limit: ${deviation}, nonMembers: allow, nonMemberMax: 0.02 } }
  - { id: industry-neutral, params: { band: 0.02, missing: group } }
  - { id: style-exposure, group: size, params: { styles: [size], band: 0.3, missing: zero } }
  - { id: turnover-limit, params: { limit: ${turnover}, side: one-way, formulation: held } }
  - { id: tradability }
`;

/** The sweep: 2 × 2 grid variants, then one stopped by an infeasible rebalance and one whose benchmark the data lacks. */
const GRID = `name: dev-turn
description: deviation band and turnover limit
strategy: base.yaml
grid:
  constraints[stock-deviation].params.limit: [0.01, 0.02]
  constraints[turnover-limit].params.limit: [0.2, 0.4]
variants:
  - name: tilted-stop
    set:
      infeasible.policy: stop
      constraints[size].params.limits: { size: { lower: 2, upper: 3 } }
  - name: no-such-index
    set: { benchmark: 100% 000999.SH }
`;

let data: MarketData;
let sweep: Sweep;
let local: SweepResult;
const events: SweepEvent[] = [];
beforeAll(async () => {
  await writeSyntheticMarket(market, { seed: 5, stocks: 200, years: 2, funds: 0, format: 'csv' });
  data = (await loadDatasetAt({ data: market })).dataset;
  writeFileSync(join(root, 'base.yaml'), BASE(0.01, 0.3));
  writeFileSync(join(root, 'grid.yaml'), GRID);
  sweep = await readSweepFile(join(root, 'grid.yaml'), { registry });
  local = await runSweep({ sweep, environment: { data, registry }, onEvent: (e) => events.push(e) });
}, 120_000);

/** A CSV file (RFC 4180: quoted cells may hold commas, quotes and line breaks) as rows of cells by header. */
function csv(path: string): Record<string, string>[] {
  return readCsvFile(path).rows;
}

describe('runVariant and runSweep in this thread', () => {
  it('runs every variant in the sweep order, with an event each', () => {
    expect(local.variants.map((v) => [v.index, v.name])).toEqual([
      [0, 'dev-turn-0'],
      [1, 'dev-turn-1'],
      [2, 'dev-turn-2'],
      [3, 'dev-turn-3'],
      [4, 'tilted-stop'],
      [5, 'no-such-index'],
    ]);
    expect(local.executor).toBe('this thread');
    expect(events[0]).toEqual({ kind: 'start', variants: 6, executor: 'this thread' });
    expect(events.slice(1).map((e) => (e.kind === 'variant' ? [e.done, e.total, e.result.name] : []))).toEqual(local.variants.map((v, k) => [k + 1, 6, v.name]));
  });

  it('gives what a separate runStrategy of the same strategy written by hand gives', async () => {
    // Variant 1: deviation 0.01 (the grid's first value), turnover 0.4 (its second).
    const variant = local.variants[1]!;
    expect(variant.parameters).toEqual({ 'constraints[stock-deviation].params.limit': 0.01, 'constraints[turnover-limit].params.limit': 0.4 });
    const strategy = createStrategy(parseStrategy(BASE(0.01, 0.4)), { registry });
    const direct = await runStrategy(data, strategy);
    expect(variant.status).toBe('ok');
    expect(variant.metrics).toEqual(direct.backtest.metrics);
    expect(variant.hitRate).toBe(direct.hitRate.mean);
    expect(variant.daily.dates).toEqual(direct.backtest.dates);
    expect([...variant.daily.nav]).toEqual([...direct.backtest.nav]);
    expect([...variant.daily.benchmark]).toEqual([...direct.backtest.benchmarkNav]);
    expect(variant.daily.nav[0]).toBe(1);
    expect(variant.daily.benchmark[0]).toBe(1);
    const optimal = direct.rebalances.filter((r) => r.status === 'optimal').length;
    expect(optimal).toBeGreaterThan(10);
    expect(variant.rebalances.optimal).toBe(optimal);
    expect(Object.values(variant.rebalances).reduce((a, b) => a + b, 0)).toBe(direct.rebalances.length);
    // The other grid variants differ from it and from each other: the parameters took effect.
    const returns = local.variants.slice(0, 4).map((v) => v.metrics!.annualReturn);
    expect(new Set(returns).size).toBe(4);
  }, 60_000);

  it('reports the stopped and the failed variant with their errors, and goes on', async () => {
    const stopped = local.variants[4]!;
    expect(stopped.status).toBe('stopped');
    expect(stopped.error?.code).toBe('FK_INFEASIBLE');
    expect(stopped.error?.message).toContain('size');
    expect(stopped.rebalances).toEqual({ stopped: 1 });
    expect(stopped.metrics).toBeUndefined();
    expect(stopped.daily.dates).toEqual([]);
    const failed = local.variants[5]!;
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toMatch(/^FK_/);
    expect(failed.error?.message).toContain('000999.SH');
    expect(failed.daily.nav.length).toBe(0);
    // The same failure from runVariant directly: resolved, not thrown (a queue must not retry it).
    const again = await runVariant(sweep.variants[5]!, { data, registry });
    expect({ ...again, ms: 0 }).toEqual({ ...failed, ms: 0 });
  });

  it('writes sweep.csv whose annual excess and tracking error match a plain recomputation from daily.csv', async () => {
    const dir = join(root, 'local');
    const files = await writeSweepOutputs(dir, local, { data: 'synthetic seed 5' });
    expect(files).toEqual(SWEEP_FILES.map((f) => join(dir, f)));
    expect(readdirSync(dir).sort()).toEqual([...SWEEP_FILES].sort());
    const rows = csv(join(dir, 'sweep.csv'));
    expect(Object.keys(rows[0]!)).toEqual([
      'index', 'name', 'status', 'constraints[stock-deviation].params.limit', 'constraints[turnover-limit].params.limit', 'infeasible.policy', 'constraints[size].params.limits', 'benchmark',
      'annual_return', 'benchmark_annual_return', 'annual_excess', 'tracking_error', 'information_ratio', 'max_drawdown', 'excess_max_drawdown', 'turnover', 'cost_drag', 'weekly_win_rate',
      'hit_rate', 'rebalances_optimal', 'rebalances_relaxed', 'rebalances_held', 'rebalances_skipped', 'rebalances_stopped', 'error',
    ]); // prettier-ignore
    expect(rows.map((r) => [r.name, r.status])).toEqual(local.variants.map((v) => [v.name, v.status]));
    expect(rows[4]!.rebalances_stopped).toBe('1');
    expect(rows[4]!.error).toMatch(/^FK_INFEASIBLE: strategy `tilted-stop`: the rebalance of 2015-\d\d-\d\d is infeasible/);
    expect(rows[5]!.annual_excess).toBe('');

    // Plain formulas over daily.csv: geometric annual returns over calendar days / 365, the
    // sample standard deviation of daily r − b scaled by √(days / years).
    const daily = csv(join(dir, 'daily.csv'));
    let checked = 0;
    for (const row of rows.filter((r) => r.status === 'ok')) {
      const days = daily.filter((d) => d.variant === row.name);
      const nav = days.map((d) => Number(d.nav));
      const bench = days.map((d) => Number(d.benchmark));
      for (const d of days) expect(Number(d.excess_nav)).toBeCloseTo(Number(d.nav) / Number(d.benchmark), 12);
      const years = (Date.parse(days[days.length - 1]!.date!) - Date.parse(days[0]!.date!)) / 86_400_000 / 365;
      const annual = (series: number[]) => (series[series.length - 1]! / series[0]!) ** (1 / years) - 1;
      const active: number[] = [];
      for (let t = 1; t < nav.length; t++) active.push(nav[t]! / nav[t - 1]! - 1 - (bench[t]! / bench[t - 1]! - 1));
      const mean = active.reduce((a, b) => a + b, 0) / active.length;
      const sd = Math.sqrt(active.reduce((a, x) => a + (x - mean) ** 2, 0) / (active.length - 1));
      expect(Number(row.annual_excess)).toBeCloseTo(annual(nav) - annual(bench), 10);
      expect(Number(row.tracking_error)).toBeCloseTo(sd * Math.sqrt(active.length / years), 10);
      expect(Number(row.information_ratio)).toBeCloseTo((annual(nav) - annual(bench)) / (sd * Math.sqrt(active.length / years)), 8);
      checked++;
    }
    expect(checked).toBe(4);
    expect(daily.filter((d) => d.variant === 'tilted-stop' || d.variant === 'no-such-index')).toEqual([]);

    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
    const best = [...rows].filter((r) => r.status === 'ok').sort((a, b) => Number(b.information_ratio) - Number(a.information_ratio))[0]!;
    expect(summary).toMatchObject({ sweep: 'dev-turn', data: 'synthetic seed 5', variants: 6, status: { ok: 4, stopped: 1, failed: 1 }, best: { name: best.name } });
    // Nothing that depends on where or when the variants ran.
    expect(Object.keys(summary)).toEqual(['sweep', 'description', 'base', 'data', 'variants', 'status', 'axes', 'best']);
    const definition = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as { base: { name: string }; variants: unknown[] };
    expect(definition.base.name).toBe('base');
    expect(definition.variants[4]).toEqual({ index: 4, name: 'tilted-stop', parameters: { 'infeasible.policy': 'stop', 'constraints[size].params.limits': { size: { lower: 2, upper: 3 } } } });
  });
});

describe('runSweep on an executor', () => {
  /** An executor of `concurrency` that answers each variant from `local` after `delay(index)` ms, or rejects variant `fail`. */
  function fake(concurrency: number, delay: (index: number) => number, fail?: number) {
    const log = { started: [] as number[], closed: 0, inFlight: 0, most: 0 };
    const executor: VariantExecutor = {
      concurrency,
      label: 'fake',
      open: () =>
        Promise.resolve({
          run: async (task) => {
            log.started.push(task.index);
            log.most = Math.max(log.most, ++log.inFlight);
            await new Promise((resolve) => setTimeout(resolve, delay(task.index)));
            log.inFlight--;
            if (task.index === fail) throw new Error(`fake executor lost variant ${task.index}`);
            return local.variants[task.index] as VariantResult;
          },
          close: () => {
            log.closed++;
            return Promise.resolve();
          },
        }),
    };
    return { executor, log };
  }

  it('keeps the sweep order whatever order the variants finish in, at most `concurrency` at once', async () => {
    const { executor, log } = fake(3, (index) => 30 - index * 5);
    const done: string[] = [];
    const result = await runSweep({ sweep, executor, onEvent: (e) => e.kind === 'variant' && done.push(e.result.name) });
    expect(result.variants.map((v) => v.name)).toEqual(sweep.variants.map((v) => v.name));
    expect(done).not.toEqual(sweep.variants.map((v) => v.name));
    expect(log.most).toBe(3);
    expect(log.closed).toBe(1);
    expect(result.executor).toBe('fake');
  });

  it('stops at the first rejected run: no more variants start, the runner is closed, the error is the executor’s', async () => {
    const { executor, log } = fake(2, () => 5, 1);
    const error = await runSweep({ sweep, executor }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toBe('fake executor lost variant 1');
    expect(log.closed).toBe(1);
    // Variants 0 and 1 started together; 0's lane took 2 before 1 failed; nothing after.
    expect(log.started).toEqual([0, 1, 2]);
  });

  it('needs an executor or an environment', async () => {
    await expect(runSweep({ sweep })).rejects.toThrow('runSweep: give an executor, or the environment (data, registry) to run the variants in this thread');
  });
});

describe('variantThreadExecutor', () => {
  it('gives byte-identical files on 2 worker threads', async () => {
    const threaded: SweepEvent[] = [];
    const result = await runSweep({ sweep, executor: variantThreadExecutor({ workers: 2, data: { data: market }, plugins, worker: tsWorker }), onEvent: (e) => threaded.push(e) });
    expect(result.executor).toBe('2 worker threads');
    expect(threaded.filter((e) => e.kind === 'variant')).toHaveLength(6);
    expect(result.variants[1]!.daily.nav).toBeInstanceOf(Float64Array);
    const dir = join(root, 'threads');
    await writeSweepOutputs(dir, result, { data: 'synthetic seed 5' });
    for (const file of SWEEP_FILES) expect(readFileSync(join(dir, file)).equals(readFileSync(join(root, 'local', file))), file).toBe(true);
  }, 120_000);

  it('fails with FK_WORKER_FAILED when a worker cannot load the data, naming the worker and why', async () => {
    const executor = variantThreadExecutor({ workers: 2, data: { data: join(root, 'nowhere') }, plugins, worker: tsWorker });
    const error = await runSweep({ sweep, executor }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isFactorkitError(error) && error.code).toBe('FK_WORKER_FAILED');
    expect((error as Error).message).toMatch(/^worker thread \d of 2 could not start: .*nowhere/);
  }, 60_000);

  it('stops the sweep with FK_WORKER_FAILED naming the variant when a worker dies', async () => {
    const dying = { url: new URL('./sweep-dying-worker.mjs', import.meta.url) };
    const error = await runSweep({ sweep, executor: variantThreadExecutor({ workers: 1, data: { data: market }, plugins, worker: dying }) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isFactorkitError(error) && error.code).toBe('FK_WORKER_FAILED');
    expect((error as Error).message).toBe('worker thread 1 stopped unexpectedly (exit code 3) while running variant `dev-turn-0` (index 0); the sweep stops');
  }, 60_000);
});
