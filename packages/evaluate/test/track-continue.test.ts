/**
 * A continued tracking run (`previousRun`): the factors are preprocessed and the series evaluated
 * only over the last weeks, the rest taken from the previous run's states — and the result is
 * the run from scratch, every table, the summary (factor reports included) and every evaluation,
 * in this thread and on worker threads, week after week. Anything that does not fit (revised
 * data, another factor list) runs in full and says why.
 */
import { type MarketData, type OptimizerInstance } from '@factorkit/core';
import { type DateColumn, type NumberColumn, type Table, createDataset } from '@factorkit/data';
import { momentum } from '@factorkit/factor-momentum';
import { highsOptimizer } from '@factorkit/optimizer-highs';
import { generateMarket } from '@factorkit/synth';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TrackingOptions, type TrackingResult, type TrackingSeriesState, runTracking } from '../src/index.js';
import { workerExecutor } from '../src/track/node.js';
import { weeklyTracking } from './track-fixture.js';
import { comparableOutputs } from './track-outputs.js';

let tables: ReadonlyMap<string, Table>;
let data: MarketData;
let highs: OptimizerInstance;

const A = '2015-06-17'; // a Wednesday: the week is open, a trade may be pending
const B = '2015-06-26'; // a week and two days later
const C = '2015-07-10';
const D = '2015-09-30';

const options = (asOf: string, extra: Partial<TrackingOptions> = {}): TrackingOptions => weeklyTracking(data, highs, asOf, '2015-01-01', extra);

/** What a run leaves for the next one, as `readTrackingState` gives it back. */
function statesOf(result: TrackingResult): { previous: TrackingSeriesState[]; previousRun: unknown } {
  return { previous: result.series.map((s) => ({ ...s.state!, checkpoint: s.mfe.checkpoint })), previousRun: result.runState };
}

/** Evaluations without what differs between runs by construction (nothing: they must be equal). */
const evaluations = (result: TrackingResult) => result.series.map((s) => s.evaluations);

let runA: TrackingResult;
let scratchB: TrackingResult;
let scratchC: TrackingResult;

beforeAll(async () => {
  tables = generateMarket({ seed: 21, stocks: 320, years: 2, funds: 0 }).tables;
  data = createDataset(tables).dataset;
  highs = await highsOptimizer.create(highsOptimizer.with({ presolve: false }).params);
  runA = await runTracking(options(A));
  scratchB = await runTracking(options(B));
  scratchC = await runTracking(options(C));
}, 240_000);

describe('continued tracking run', () => {
  it('processes only the window and equals the run from scratch: tables, summary, factor reports, evaluations', async () => {
    const continued = await runTracking(options(B, statesOf(runA)));
    expect(continued.continuedFrom).toBeDefined();
    // Two longest horizons (20 trading days) before A at most: the evaluations' window.
    expect(continued.continuedFrom! >= '2015-04-17' && continued.continuedFrom! <= A).toBe(true);
    expect(continued.series.every((s) => s.reuse.status === 'resumed')).toBe(true);
    // The processed values before the window were never computed.
    expect(comparableOutputs(continued)).toEqual(comparableOutputs(scratchB));
    expect(continued.factors.map((f) => ({ ...f.processed!, seconds: 0 }))).toEqual(scratchB.factors.map((f) => ({ ...f.processed!, seconds: 0 })));
    expect(evaluations(continued)).toEqual(evaluations(scratchB));
    expect(continued.unchangedBefore).toBeDefined();
  }, 120_000);

  it('goes on week after week (A → B → C); a few new weeks run in this thread, many on the worker threads given', async () => {
    const worker = { url: new URL('./worker-tsx.mjs', import.meta.url) };
    const executor = workerExecutor({ workers: 2, optimizer: { module: '@factorkit/optimizer-highs', id: 'highs', params: { presolve: false } }, worker });
    const b = await runTracking(options(B, statesOf(runA)));
    const c = await runTracking(options(C, { ...statesOf(b), executor }));
    expect(c.continuedFrom).toBeDefined();
    expect(c.executor).toBe('in-process');
    expect(c.notes).toContain('a continued run with 2 new rebalance dates per series: its series ran in this thread instead of on 2 worker threads');
    expect(comparableOutputs({ ...c, notes: c.notes.slice(0, -1) })).toEqual(comparableOutputs(scratchC));
    expect(evaluations(c)).toEqual(evaluations(scratchC));
    // Fifteen weeks after A: the series go to the workers, continued there.
    const d = await runTracking(options(D, { ...statesOf(runA), executor }));
    expect(d.continuedFrom).toBeDefined();
    expect(d.executor).toBe('2 worker threads');
    expect(comparableOutputs(d)).toEqual(comparableOutputs(await runTracking(options(D))));
  }, 240_000);

  it('revised data before the previous last day: computed in full, and says why', async () => {
    const daily = tables.get('daily')!;
    const dates = (daily.columns.get('trade_date') as DateColumn).values;
    const change = Float64Array.from((daily.columns.get('pct_chg') as NumberColumn).values);
    for (let k = 0; k < change.length; k++) if (dates[k] === 20150302) change[k] = change[k]! + 1;
    const revised = new Map(tables);
    revised.set('daily', { ...daily, columns: new Map([...daily.columns, ['pct_chg', { type: 'number', values: change } satisfies NumberColumn]]) });
    const revisedData = createDataset(revised).dataset;
    const result = await runTracking(options(B, { ...statesOf(runA), data: revisedData }));
    expect(result.continuedFrom).toBeUndefined();
    expect(result.notes[0]).toMatch(/could not be continued over the last weeks only \(.*differ from the previous run's \(revised data\)\)/);
    const scratch = await runTracking(options(B, { data: revisedData }));
    expect(comparableOutputs({ ...result, notes: result.notes.slice(1) })).toEqual(comparableOutputs(scratch));
  }, 120_000);

  it('another factor list, or no series state: a run in full, from the series states where they fit', async () => {
    const { previous, previousRun } = statesOf(runA);
    const fewer = await runTracking(options(B, { previous, previousRun, factors: [{ plugin: momentum }] }));
    expect(fewer.continuedFrom).toBeUndefined();
    expect(fewer.series.every((s) => s.reuse.status === 'resumed')).toBe(true);
    // Other horizons: the MFE states still fit (the key leaves them out), the evaluations do not.
    const horizons = await runTracking(options(B, { previous, previousRun, config: { horizons: [1, 10] } }));
    expect(horizons.continuedFrom).toBeUndefined();
    expect(horizons.series.every((s) => s.reuse.status === 'resumed')).toBe(true);
    expect(comparableOutputs(horizons)).toEqual(comparableOutputs(await runTracking(options(B, { config: { horizons: [1, 10] } }))));
    const missing = await runTracking(options(B, { previous: previous.slice(1), previousRun }));
    expect(missing.continuedFrom).toBeUndefined();
    expect(comparableOutputs(missing)).toEqual(comparableOutputs(scratchB));
  }, 120_000);
});
