/**
 * The tracking run on worker threads (`workerExecutor`) against the same run in this thread:
 * every table, the summary and every saved problem identical (wall-clock timings aside); what
 * the workers read comes from the run's thread (fields, members, weights, tradability through
 * the synchronous data link); and failures — a worker that cannot make its optimizer, an
 * `onProblem` that throws, a bad worker count — reach the caller with their code and message.
 * The workers run the TypeScript sources, through tsx (test/worker-tsx.mjs).
 */
import { FactorkitError, type MarketData, type OptimizerInstance, isFactorkitError } from '@factorkit/core';
import { createDataset } from '@factorkit/data';
import { epTtm } from '@factorkit/factor-ep-ttm';
import { momentum } from '@factorkit/factor-momentum';
import { reversal3m } from '@factorkit/factor-reversal-3m';
import { highsOptimizer } from '@factorkit/optimizer-highs';
import { problemToJSON } from '@factorkit/portfolio';
import { generateMarket } from '@factorkit/synth';
import { indexUniverse, marketUniverse } from '@factorkit/universe-index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TrackingOptions, type TrackingProblemEntry, type TrackingResult, runTracking } from '../src/index.js';
import { comparableOutputs } from './track-outputs.js';
import { type WorkerExecutorOptions, workerExecutor } from '../src/track/node.js';

const WORKER: WorkerExecutorOptions['worker'] = { url: new URL('./worker-tsx.mjs', import.meta.url) };
const HIGHS = { module: '@factorkit/optimizer-highs', id: 'highs', params: { presolve: false } } as const;

let data: MarketData;
let highs: OptimizerInstance;

function options(extra: Partial<TrackingOptions> = {}): TrackingOptions {
  return {
    data,
    asOf: '2015-11-20',
    start: '2015-01-01',
    frequency: 'weekly',
    universes: ['csi300', 'csi500'],
    benchmark: indexUniverse,
    investable: marketUniverse,
    factors: [{ plugin: momentum }, { plugin: reversal3m }, { plugin: epTtm }],
    optimizer: highs,
    ...extra,
  };
}


let serial: { result: TrackingResult; problems: Map<string, string> };
let parallel: { result: TrackingResult; problems: Map<string, string> };

async function run(executor?: TrackingOptions['executor']) {
  const problems = new Map<string, string>();
  const onProblem = (entry: TrackingProblemEntry): void => {
    problems.set(`${entry.universe}/${entry.factor}/${entry.date}`, JSON.stringify(problemToJSON(entry.problem)));
  };
  const result = await runTracking(options({ onProblem, ...(executor ? { executor } : {}) }));
  return { result, problems };
}

beforeAll(async () => {
  data = createDataset(generateMarket({ seed: 11, stocks: 360, years: 2, funds: 0 }).tables).dataset;
  highs = await highsOptimizer.create(highsOptimizer.with({ presolve: false }).params);
  serial = await run();
  parallel = await run(workerExecutor({ workers: 2, optimizer: HIGHS, worker: WORKER }));
}, 240_000);
afterAll(async () => {
  await highs?.dispose?.();
});

describe('workerExecutor', () => {
  it('gives the in-process result: every table, the summary, every problem', () => {
    expect(serial.result.series.length).toBe(6);
    const lps = serial.result.series.reduce((n, s) => n + s.mfe.counts.optimal + s.mfe.counts.infeasible, 0);
    expect(lps).toBeGreaterThan(200);
    expect(parallel.result.executor).toBe('2 worker threads');
    expect(serial.result.executor).toBe('in-process');
    expect(comparableOutputs(parallel.result)).toEqual(comparableOutputs(serial.result));
    expect(parallel.problems.size).toBe(serial.problems.size);
    expect(parallel.problems.size).toBeGreaterThan(200);
    for (const [key, text] of serial.problems) expect(parallel.problems.get(key), key).toBe(text);
  });

  it('keeps the series in run order whatever order they finish in', () => {
    expect(parallel.result.series.map((s) => `${s.universe}/${s.factor}`)).toEqual(serial.result.series.map((s) => `${s.universe}/${s.factor}`));
  });

  it('refuses a worker count that is not a positive integer', () => {
    for (const workers of [0, -1, 1.5, Number.NaN]) {
      try {
        workerExecutor({ workers, optimizer: HIGHS });
        throw new Error('expected an error');
      } catch (error) {
        expect(isFactorkitError(error) && error.code).toBe('FK_INVALID_ARGUMENT');
        expect((error as Error).message).toContain('workers: expected a positive integer');
      }
    }
  });

  it('fails the run clearly when a worker cannot make its optimizer', async () => {
    const executor = workerExecutor({ workers: 1, optimizer: { module: '@factorkit/no-such-optimizer', id: 'x' }, worker: WORKER });
    const error = await runTracking(options({ factors: [{ plugin: momentum }], universes: ['csi300'] })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeUndefined(); // the in-process run is fine…
    const failed = await runTracking(options({ factors: [{ plugin: momentum }], universes: ['csi300'], executor })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isFactorkitError(failed) && failed.code).toBe('FK_WORKER_FAILED');
    expect((failed as Error).message).toMatch(/worker thread 1 could not start: .*`@factorkit\/no-such-optimizer`/);
  }, 60_000);

  it('reports an error thrown while a worker runs a series, with its code', async () => {
    const executor = workerExecutor({ workers: 2, optimizer: HIGHS, worker: WORKER });
    const failed = await runTracking(
      options({
        factors: [{ plugin: momentum }],
        executor,
        onProblem: () => {
          throw new FactorkitError('FK_INVALID_ARGUMENT', 'saving problems: disk full');
        },
      }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isFactorkitError(failed) && failed.code).toBe('FK_INVALID_ARGUMENT');
    expect((failed as Error).message).toBe('saving problems: disk full');
  }, 60_000);
});
