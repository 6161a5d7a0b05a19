/**
 * A strategy sweep on the queue (`runSweepOnQueue` / `variantQueueExecutor` of @factorkit/queue)
 * worked by two `factorkit worker` processes: every variant's result equals the one `runSweep`
 * computes in this thread (every number exactly, the time taken aside), a variant that
 * fails on its input comes back `failed` like in this thread, and a rerun of the same sweep
 * enqueues nothing; a variant whose job fails on every attempt (here: refused by a worker with
 * other data) stops the sweep with FK_WORKER_FAILED naming it. Redis: see queue-helpers.ts.
 */
import { createRegistry, isFactorkitError } from '@factorkit/core';
import { loadDataset } from '@factorkit/data';
import { type QueueRunEvent, datasetFingerprint, parseQueueUrl, runSweepOnQueue } from '@factorkit/queue';
import { type Sweep, type SweepResult, type VariantResult, createSweep, parseStrategy, runSweep } from '@factorkit/strategy';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadPlugins } from '../src/plugins.js';
import { TINY_STRATEGY, runCli } from './helpers.js';
import { type RedisServer, runnable, sharedRedis, startWorker, stopWorkers, until } from './queue-helpers.js';

const BASE = TINY_STRATEGY;

/**
 * A variant's result as text that tells every value apart — each number exactly (`-0`, `NaN`
 * and the shortest round-trip digits), typed arrays element by element, keys in their order —
 * its time taken left out (the only field that differs run to run). V8's own serialisation is
 * not canonical (a whole number may be written as an integer or as a double).
 */
function exact(v: VariantResult): string {
  const walk = (x: unknown): unknown => {
    if (typeof x === 'number') return Object.is(x, -0) ? 'n:-0' : `n:${String(x)}`;
    if (ArrayBuffer.isView(x)) return { [x.constructor.name]: Array.from(x as Float64Array, walk) };
    if (Array.isArray(x)) return x.map(walk);
    if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y)]));
    return x;
  };
  return JSON.stringify(walk({ ...v, ms: 0 }));
}

describe.skipIf(!runnable)('a sweep on the queue with two factorkit worker processes', () => {
  let root: string;
  let redis: Pick<RedisServer, 'url' | 'stop'>;
  let sweep: Sweep;
  let local: SweepResult;
  let registry = createRegistry();
  let fingerprint: string;
  const queueName = `s${process.pid}x${Date.now().toString(36)}`;

  beforeAll(async () => {
    redis = await sharedRedis();
    root = mkdtempSync(join(tmpdir(), 'factorkit-cli-queue-sweep-'));
    const synth = await runCli(['data', 'synth', '--out', 'market', '--stocks', '400', '--years', '2', '--seed', '5', '--format', 'csv'], root);
    if (synth.code !== 0) throw new Error(`could not write the test market: ${synth.err}`);
    registry = (await loadPlugins({ cwd: root })).registry;
    sweep = createSweep(
      {
        name: 'tiny',
        base: parseStrategy(BASE),
        grid: { 'objective.trackingError': [0.04, 0.08], 'model.window': [20, 40] },
        // Its dates are after the data's end: it fails on its input, a result like any other.
        variants: [{ name: 'tiny-late', set: { start: '2030-01-07', end: '2030-06-28' } }],
      },
      { registry },
    );
    const data = (await loadDataset(join(root, 'market'))).dataset;
    local = await runSweep({ sweep, environment: { data, registry } });
    fingerprint = await datasetFingerprint({ data: join(root, 'market') });
  }, 300_000);
  afterEach(stopWorkers);
  afterAll(() => {
    stopWorkers();
    redis?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('gives every variant the result of the in-thread sweep; a rerun enqueues nothing', async () => {
    expect(local.variants.map((v) => v.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'failed']);
    const workers = [0, 1].map(() => startWorker(['--queue', redis.url, '--queue-name', queueName, '--data', 'market'], root));
    await Promise.all(workers.map((w) => w.waitFor(/worker: ready on /)));
    const events: QueueRunEvent[] = [];
    const options = { sweep, connection: parseQueueUrl(redis.url), queue: { name: queueName }, dataFingerprint: fingerprint, registry, codeVersion: 'test', onQueueEvent: (e: QueueRunEvent) => void events.push(e) };
    const first = await runSweepOnQueue(options);
    expect(first.queue).toMatchObject({ jobs: 5, enqueued: 5, reused: 0, retried: 0, joined: 0 });
    expect(first.queue.run).toMatch(/^w-[0-9a-f]{64}$/);
    expect(first.result.executor).toBe(`queue ${parseQueueUrl(redis.url).masked}`);
    expect(first.result.variants.map((v) => v.name)).toEqual(local.variants.map((v) => v.name));
    for (const [k, v] of first.result.variants.entries()) expect(exact(v), v.name).toBe(exact(local.variants[k]!));
    expect(first.result.variants[4]!.error?.code).toBe(local.variants[4]!.error?.code);
    // Both workers computed variants, each job once (no retry), every job id a hash. A worker's
    // line may reach its stderr after the client saw the job complete: waited for.
    const doneLines = (): (string | undefined)[] => workers.flatMap((w) => [...w.log.matchAll(/worker: variant (\S+) done in/g)].map((m) => m[1]));
    const done = await until(() => (doneLines().length >= local.variants.length ? doneLines() : undefined), 15_000, () => `every variant's done line; seen ${doneLines().join(', ')}`);
    expect(done.sort()).toEqual(local.variants.map((v) => v.name).sort());
    for (const w of workers) expect(w.log).toMatch(/worker: variant tiny-\S+ done in/);
    const ids = events.flatMap((e) => (e.kind === 'job' ? [e.job] : []));
    expect(ids).toHaveLength(5);
    for (const id of ids) expect(id).toMatch(/^v-[0-9a-f]{64}$/);

    // Rerun with no worker left: every variant is reused from the queue.
    stopWorkers();
    const again = await runSweepOnQueue(options);
    expect(again.queue).toMatchObject({ run: first.queue.run, jobs: 5, enqueued: 0, reused: 5 });
    for (const [k, v] of again.result.variants.entries()) expect(exact(v), v.name).toBe(exact(local.variants[k]!));
  }, 300_000);

  it('stops with FK_WORKER_FAILED naming the variant when its job fails on every attempt (a worker with other data refuses it)', async () => {
    cpSync(join(root, 'market'), join(root, 'market-b'), { recursive: true });
    writeFileSync(join(root, 'market-b', 'notes.txt'), 'a file the sweep’s dataset does not have\n');
    const worker = startWorker(['--queue', redis.url, '--queue-name', `${queueName}-refused`, '--data', 'market-b'], root);
    await worker.waitFor(/worker: ready on /);
    const one = { ...sweep, variants: sweep.variants.slice(0, 1) };
    let error: unknown;
    try {
      await runSweepOnQueue({ sweep: one, connection: parseQueueUrl(redis.url), queue: { name: `${queueName}-refused` }, dataFingerprint: fingerprint, registry, codeVersion: 'test' });
    } catch (e) {
      error = e;
    }
    expect(isFactorkitError(error) && error.code).toBe('FK_WORKER_FAILED');
    expect((error as Error).message).toMatch(
      /^variant tiny-0 failed on the queue after 1 attempt: \[FK_INVALID_DATA\] variant tiny-0: this worker's dataset \(fingerprint `[0-9a-f]{12}…`\) is not the sweep's \(fingerprint `[0-9a-f]{12}…`\)/,
    );
  }, 120_000);
});
