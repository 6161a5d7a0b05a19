/**
 * The factor-tracking run on the BullMQ queue (`@factorkit/queue`) against the local run, on
 * one synthetic market: the same series computed
 *
 *   - in this thread (`runTracking`, the reference for the series' own time),
 *   - on 2 worker threads (`workerExecutor`, what `factorkit track` does by default here),
 *   - on the queue with 1 and with 2 `startTrackingWorker` workers (concurrency 1 each, every job
 *     in a sandboxed child process, as `factorkit worker` runs them), on a private Redis with the
 *     recommended persistence (`appendonly yes`, `appendfsync everysec`).
 *
 * Printed: total time and series (jobs) per second of each; per queue job the worker's time
 * against the series' own computing time (`TrackingSeries.seconds`) — the difference is the
 * queue's per-job overhead in this workload (the job's factor and forward returns computed again
 * on the worker, the series serialised, Redis round trips), with the first job of each child
 * process (which loads the dataset) shown apart; whether the queued results equal the local
 * ones; Redis memory per finished job (its data and its result); and the raw BullMQ overhead of
 * no-op jobs through a sandboxed processor. Measured numbers only: no targets.
 *
 * Run: `pnpm bench:queue` (needs `redis-server` on PATH, or BENCH_REDIS_URL). Options (environment):
 *
 *   BENCH_QUEUE_STOCKS=600  BENCH_QUEUE_YEARS=3  BENCH_QUEUE_FREQUENCY=weekly
 *   BENCH_QUEUE_FACTORS=momentum_1y,turnover_1m,reversal_3m,volatility_3m
 *   BENCH_QUEUE_NOOP=500                no-op jobs for the raw overhead
 *   BENCH_REDIS_URL=redis://…           an existing server (default: a private redis-server here)
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type PluginRegistry, createRegistry } from '@factorkit/core';
import { resolvePluginPackage } from '@factorkit/core/node';
import { loadDataset } from '@factorkit/data';
import { type TrackingOptions, type TrackingResult, runTracking } from '@factorkit/evaluate';
import { workerExecutor } from '@factorkit/evaluate/node';
import { type PluginModule, type TrackingWorker, datasetFingerprint, parseQueueUrl, runTrackingOnQueue, startTrackingWorker } from '@factorkit/queue';
import { writeSyntheticMarket } from '@factorkit/synth';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

const env = process.env;
const stocks = Number(env.BENCH_QUEUE_STOCKS ?? 600);
const years = Number(env.BENCH_QUEUE_YEARS ?? 3);
const frequency = (env.BENCH_QUEUE_FREQUENCY ?? 'weekly') as 'weekly' | 'monthly';
const factorIds = (env.BENCH_QUEUE_FACTORS ?? 'momentum_1y,turnover_1m,reversal_3m,volatility_3m').split(',');
const noopJobs = Number(env.BENCH_QUEUE_NOOP ?? 500);
const universes = ['csi300', 'csi500'];
const HIGHS = { presolve: false };
const here = dirname(fileURLToPath(import.meta.url));
const PACKAGES = ['@factorkit/factor-momentum', '@factorkit/factor-turnover-1m', '@factorkit/factor-reversal-3m', '@factorkit/factor-volatility-3m', '@factorkit/universe-index', '@factorkit/optimizer-highs'];

const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function privateRedis(dir: string): Promise<{ url: string; child?: ChildProcess }> {
  if (env.BENCH_REDIS_URL) return { url: env.BENCH_REDIS_URL };
  if (spawnSync('redis-server', ['--version']).status !== 0) throw new Error('redis-server is not installed (apt-get install -y redis-server), and BENCH_REDIS_URL is not set');
  const port = await freePort();
  // The setup the README recommends: an append-only file (fsync every second), so that a restart loses no run.
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', dir, '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      probe.disconnect();
      return { url, child };
    } catch {
      probe.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error('redis-server did not start');
}

/** The plugin packages as the CLI finds them: their modules for the workers, a registry (with package and version) for the client. */
async function plugins(): Promise<{ modules: PluginModule[]; registry: PluginRegistry; highs: string }> {
  const registry = createRegistry();
  const modules: PluginModule[] = [];
  let highs = '';
  for (const name of PACKAGES) {
    const pkg = resolvePluginPackage(name, { from: join(here, '..') });
    const url = pathToFileURL(pkg.entry).href;
    if (name.endsWith('optimizer-highs')) highs = url;
    modules.push({ url, type: 'package', package: pkg.name, version: pkg.version });
    registry.registerModule(await import(url), { source: { type: 'package', package: pkg.name, version: pkg.version } });
  }
  return { modules, registry, highs };
}

/** The results without timings, to compare runs. */
const digest = (result: TrackingResult): string => JSON.stringify(result.series.map((x) => [x.universe, x.factor, x.aggregates, x.mfe.counts, x.analytics.raw.summary]));

const root = mkdtempSync(join(tmpdir(), 'factorkit-bench-queue-'));
const redis = await privateRedis(root);
try {
  const marketDir = join(root, 'market');
  let t = performance.now();
  const market = await writeSyntheticMarket(marketDir, { stocks, years, seed: 7, format: 'csv' });
  const calendar = market.tables.get('calendar');
  console.log(`# tracking on the queue (${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, node ${process.version}, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  console.log(`synthetic market: ${stocks} stocks, ${years} years (${calendar?.rowCount ?? '?'} calendar rows), written in ${s(performance.now() - t)}; ${frequency}; ${universes.join(', ')} × ${factorIds.join(', ')}; HiGHS wasm, presolve off`);
  const { dataset } = await loadDataset(marketDir);
  const fingerprint = await datasetFingerprint({ data: marketDir });
  const { modules, registry, highs } = await plugins();
  const days = dataset.calendar.length;
  const asOf = dataset.calendar.at(days - 1);
  const start = dataset.calendar.at(Math.min(260, Math.floor(days / 2)));
  const optimizerPlugin = registry.get('optimizer', 'highs');
  const optimizer = await optimizerPlugin.create(HIGHS as never);
  const base: TrackingOptions = {
    data: dataset,
    asOf,
    start,
    frequency,
    universes,
    benchmark: registry.get('universe', 'index'),
    investable: registry.get('universe', 'market'),
    factors: factorIds.map((id) => ({ plugin: registry.get('factor', id) })),
    missingInputs: 'error',
    optimizer,
  };
  const jobs = universes.length * factorIds.length;
  const rows: string[][] = [];
  const line = (what: string, ms: number): void => void rows.push([what, s(ms), (jobs / (ms / 1000)).toFixed(2)]);

  t = performance.now();
  const local = await runTracking(base);
  const localMs = performance.now() - t;
  line('in-process (this thread)', localMs);
  const seriesSeconds = new Map(local.series.map((x) => [`${x.universe} × ${x.factor}`, x.seconds]));

  t = performance.now();
  const threads = await runTracking({ ...base, executor: workerExecutor({ workers: 2, optimizer: { module: highs, id: 'highs', params: HIGHS } }) });
  line('2 worker threads', performance.now() - t);

  const overhead: { first: number[]; later: number[] } = { first: [], later: [] };
  const queued: TrackingResult[] = [];
  for (const count of [1, 2]) {
    const name = `bench${count}x${Date.now().toString(36)}`;
    const done: { series: string; seconds: number }[] = [];
    const running: TrackingWorker[] = [];
    for (let k = 0; k < count; k++) {
      const seen = new Set<string>();
      running.push(
        await startTrackingWorker({
          connection: parseQueueUrl(redis.url),
          queue: { name },
          data: { data: marketDir },
          plugins: modules,
          concurrency: 1,
          onEvent: (event) => {
            if (event.kind !== 'completed') return;
            done.push({ series: event.label, seconds: event.seconds });
            // One child process per worker at concurrency 1: its first job loads the dataset.
            const own = seriesSeconds.get(event.label) ?? Number.NaN;
            (seen.size === 0 ? overhead.first : overhead.later).push(event.seconds - own);
            seen.add(event.label);
          },
        }),
      );
    }
    t = performance.now();
    const run = await runTrackingOnQueue({ ...base, connection: parseQueueUrl(redis.url), queue: { name }, dataFingerprint: fingerprint, optimizerSpec: { id: 'highs', params: HIGHS }, registry });
    line(`queue, ${count} worker${count === 1 ? '' : 's'} (sandboxed, concurrency 1)`, performance.now() - t);
    queued.push(run.result);
    await Promise.all(running.map((w) => w.close()));
  }
  const client = new Redis(redis.url);
  const keys = (await client.keys('factorkit:bench*-jobs:s-*')).filter((k) => /:s-[0-9a-f]{64}$/.test(k));
  const usage = await Promise.all(keys.map((k) => client.memory('USAGE', k, 'SAMPLES', 0)));
  const dataBytes = await Promise.all(keys.map(async (k) => (await client.hget(k, 'data'))?.length ?? 0));
  const resultBytes = await Promise.all(keys.map(async (k) => (await client.hget(k, 'returnvalue'))?.length ?? 0));

  // Raw BullMQ: no-op jobs through a sandboxed processor, 2 at once.
  const noop = join(root, 'noop.mjs');
  writeFileSync(noop, 'export default async () => 1;\n');
  const connections = [0, 1].map(() => new Redis(redis.url, { maxRetriesPerRequest: null }));
  const q = new Queue('noop', { connection: connections[0]! });
  const w = new Worker('noop', noop, { connection: connections[1]!, concurrency: 2 });
  await w.waitUntilReady();
  await q.add('warm', {}, { jobId: 'warm' });
  while (((await q.getJobCounts('completed')).completed ?? 0) < 1) await new Promise((resolve) => setTimeout(resolve, 20));
  t = performance.now();
  await q.addBulk(Array.from({ length: noopJobs }, (_, i) => ({ name: 'noop', data: { i }, opts: { jobId: `n${i}` } })));
  while (((await q.getJobCounts('completed')).completed ?? 0) < noopJobs + 1) await new Promise((resolve) => setTimeout(resolve, 20));
  const noopMs = performance.now() - t;
  await Promise.all([w.close(), q.close()]);
  for (const c of connections) c.disconnect();
  const info = await client.info('memory');
  client.disconnect();
  await optimizer.dispose?.();

  console.log('');
  console.log('| run | total | series (jobs) per second |');
  console.log('| --- | ---: | ---: |');
  for (const [what, total, rate] of rows) console.log(`| ${what} | ${total} | ${rate} |`);
  console.log('');
  console.log(`${jobs} series; the series' own computing time (in-process): mean ${mean([...seriesSeconds.values()]).toFixed(2)} s, total ${[...seriesSeconds.values()].reduce((a, b) => a + b, 0).toFixed(1)} s`);
  console.log(`queue per-job overhead (worker's job time − the series' own time): first job of a child process (loads the dataset) mean ${mean(overhead.first).toFixed(2)} s (${overhead.first.length} jobs); later jobs mean ${mean(overhead.later).toFixed(2)} s (${overhead.later.length} jobs)`);
  console.log(`results equal to the in-process run: worker threads ${digest(threads) === digest(local) ? 'yes' : 'NO'}; queue ${queued.map((r) => (digest(r) === digest(local) ? 'yes' : 'NO')).join(', ')}`);
  console.log(`Redis per finished series job: ${(mean(usage.map((u) => u ?? 0)) / 1024).toFixed(1)} KiB (MEMORY USAGE, ${keys.length} jobs); its data ${(mean(dataBytes) / 1024).toFixed(1)} KiB, its result ${(mean(resultBytes) / 1024).toFixed(1)} KiB; used_memory ${/used_memory_human:(\S+)/.exec(info)?.[1] ?? '?'}`);
  console.log(`raw BullMQ: ${noopJobs} no-op jobs through a sandboxed processor (concurrency 2) in ${noopMs.toFixed(0)} ms: ${(noopJobs / (noopMs / 1000)).toFixed(0)} jobs/s, ${(noopMs / noopJobs).toFixed(2)} ms a job`);
} finally {
  redis.child?.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
}
