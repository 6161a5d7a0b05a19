/**
 * Incremental tracking: a run as of a later date, given the series states a previous run wrote
 * into its output folder (`state/`), solves only the new dates and gives every table and the
 * summary of a run from scratch (timings and the reuse notes aside) — in this thread and on
 * worker threads, through a chain of weeks. A changed parameter, revised data before the
 * previous last day, or an unreadable state recomputes the series concerned, and says why.
 */
import { type MarketData, type OptimizerInstance } from '@factorkit/core';
import { type DateColumn, type NumberColumn, type Table, createDataset } from '@factorkit/data';
import { momentum } from '@factorkit/factor-momentum';
import { highsOptimizer } from '@factorkit/optimizer-highs';
import { generateMarket } from '@factorkit/synth';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TrackingOptions, runTracking } from '../src/index.js';
import { weeklyTracking } from './track-fixture.js';
import { comparableOutputs } from './track-outputs.js';
import { readTrackingState, workerExecutor, writeTrackingOutputs } from '../src/track/node.js';
import { packState } from '../src/track/state-files.js';

let tables: ReadonlyMap<string, Table>;
let data: MarketData;
let highs: OptimizerInstance;
let root: string;

const A = '2015-06-17'; // a Wednesday: the week is open, a trade may be pending
const B = '2015-09-30';
const C = '2015-11-20';

const options = (asOf: string, extra: Partial<TrackingOptions> = {}): TrackingOptions => weeklyTracking(data, highs, asOf, '2015-01-01', extra);


/** A run that writes its outputs (with states) to `dir`, counting the problems it solves. */
async function run(asOf: string, dir: string | undefined, previousDir?: string, extra: Partial<TrackingOptions> = {}) {
  let solved = 0;
  const previous = previousDir ? await readTrackingState(previousDir) : undefined;
  const result = await runTracking(options(asOf, { ...(previous ? { previous: previous.states } : {}), onProblem: () => void solved++, ...extra }));
  if (dir) await writeTrackingOutputs(dir, result, { generatedAt: '2026-01-01T00:00:00Z' });
  return { result, solved, notes: previous?.notes ?? [] };
}

let scratchB: Awaited<ReturnType<typeof run>>;
let scratchC: Awaited<ReturnType<typeof run>>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'factorkit-track-incremental-'));
  tables = generateMarket({ seed: 21, stocks: 320, years: 2, funds: 0 }).tables;
  data = createDataset(tables).dataset;
  highs = await highsOptimizer.create(highsOptimizer.with({ presolve: false }).params);
  await run(A, join(root, 'a'));
  scratchB = await run(B, undefined);
  scratchC = await run(C, undefined);
}, 240_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('incremental tracking', () => {
  it('writes a state per series beside the outputs', () => {
    expect(readdirSync(join(root, 'a')).sort()).toContain('state');
    const index = JSON.parse(readFileSync(join(root, 'a', 'state', 'index.json'), 'utf8')) as { lastDate: string; series: { universe: string; factor: string; file: string }[] };
    expect(index.lastDate).toBe(A);
    expect(index.series.map((s) => `${s.universe}/${s.factor}`)).toEqual(['csi300/momentum_1y', 'csi300/reversal_3m', 'csi500/momentum_1y', 'csi500/reversal_3m']);
  });

  it('a later as-of solves only the new dates and equals the run from scratch, in this thread and on worker threads', async () => {
    const resumed = await run(B, join(root, 'b'), join(root, 'a'));
    expect(resumed.result.series.map((s) => s.reuse.status)).toEqual(['resumed', 'resumed', 'resumed', 'resumed']);
    const newDates = resumed.result.series.reduce((n, s) => n + (s.reuse.status === 'resumed' ? s.reuse.newRebalances : 0), 0);
    expect(newDates).toBeGreaterThan(40);
    expect(resumed.solved).toBeLessThan(scratchB.solved / 2);
    expect(resumed.solved).toBeLessThanOrEqual(newDates);
    expect(comparableOutputs(resumed.result)).toEqual(comparableOutputs(scratchB.result));

    const worker = { url: new URL('./worker-tsx.mjs', import.meta.url) };
    const parallel = await run(B, undefined, join(root, 'a'), { executor: workerExecutor({ workers: 2, optimizer: { module: '@factorkit/optimizer-highs', id: 'highs', params: { presolve: false } }, worker }) });
    expect(parallel.result.series.every((s) => s.reuse.status === 'resumed')).toBe(true);
    expect(comparableOutputs(parallel.result)).toEqual(comparableOutputs(scratchB.result));
  }, 120_000);

  it('goes on week after week: A → B → C equals C from scratch', async () => {
    const chained = await run(C, join(root, 'c'), join(root, 'b'));
    expect(chained.result.series.every((s) => s.reuse.status === 'resumed' && s.reuse.from === B)).toBe(true);
    expect(comparableOutputs(chained.result)).toEqual(comparableOutputs(scratchC.result));
  }, 120_000);

  it('a changed parameter recomputes every series it affects, naming what changed', async () => {
    const config = { constraints: { deviation: 0.02 } };
    const changed = await run(B, undefined, join(root, 'a'), { config });
    expect(changed.result.series.every((s) => s.reuse.status === 'recomputed' && s.reuse.reason === 'key')).toBe(true);
    expect(changed.result.series[0]!.reuse).toMatchObject({ message: "the previous run's state was made with another config" });
    const scratch = await run(B, undefined, undefined, { config });
    expect(comparableOutputs(changed.result)).toEqual(comparableOutputs(scratch.result));
    // Another code version is another key too.
    const code = await run(B, undefined, join(root, 'a'), { codeVersion: 'test-2', factors: [{ plugin: momentum }], universes: ['csi300'] });
    expect(code.result.series[0]!.reuse).toMatchObject({ status: 'recomputed', reason: 'key', message: "the previous run's state was made with another code" });
  }, 120_000);

  it('revised data before the previous last day recomputes, and says so', async () => {
    // Every stock's change on 2015-03-02 revised by one point: returns, momentum and the benchmark's returns change before A.
    const daily = tables.get('daily')!;
    const dates = (daily.columns.get('trade_date') as DateColumn).values;
    const change = Float64Array.from((daily.columns.get('pct_chg') as NumberColumn).values);
    for (let k = 0; k < change.length; k++) if (dates[k] === 20150302) change[k] = change[k]! + 1;
    const revised = new Map(tables);
    revised.set('daily', { ...daily, columns: new Map([...daily.columns, ['pct_chg', { type: 'number', values: change } satisfies NumberColumn]]) });
    const revisedData = createDataset(revised).dataset;
    const result = await run(B, undefined, join(root, 'a'), { data: revisedData });
    const reasons = new Set(result.result.series.map((s) => (s.reuse.status === 'recomputed' ? s.reuse.reason : s.reuse.status)));
    expect(reasons).toEqual(new Set(['data']));
    expect(result.result.series.map((s) => (s.reuse as { message: string }).message).join('\n')).toContain(`up to ${A} differ from the previous run's (revised data)`);
    const scratch = await runTracking(options(B, { data: revisedData }));
    expect(comparableOutputs(result.result)).toEqual(comparableOutputs(scratch));
  }, 120_000);

  it('an unreadable state is named and its series computed from the start; no state folder is no reuse', async () => {
    const copy = join(root, 'broken');
    await writeTrackingOutputs(copy, (await run(A, undefined)).result, { generatedAt: '2026-01-01T00:00:00Z' });
    writeFileSync(join(copy, 'state', '0002.bin'), packState({ format: 'factorkit-tracking-series-state', version: 2, state: { universe: 'csi300', factor: 'reversal_3m', key: 'k', lastDate: A, data: { signal: 's', benchmark: 'b' }, checkpoint: { format: 'factorkit-mfe-checkpoint', version: 1 } } }));
    const read = await readTrackingState(copy);
    expect(read.states).toHaveLength(3);
    expect(read.notes).toHaveLength(1);
    expect(read.notes[0]).toMatch(/0002\.bin: unreadable \(its checkpoint is not a valid MFE checkpoint[^]+\): series csi300 × reversal_3m is computed from the start$/);
    expect(await readTrackingState(join(root, 'nowhere'))).toEqual({ states: [], notes: [] });
    const result = await runTracking(options(B, { previous: read.states }));
    expect(result.series.map((s) => s.reuse.status)).toEqual(['resumed', 'new', 'resumed', 'resumed']);
    expect(comparableOutputs(result)).toEqual(comparableOutputs(scratchB.result));
  }, 120_000);
});
