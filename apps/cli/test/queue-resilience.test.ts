/**
 * The queue's resilience, end to end with `factorkit track --queue` and `factorkit worker`:
 *
 * - Redis killed (SIGKILL) mid-run and restarted on the same port and folder: with an
 *   append-only file (`--appendonly yes --appendfsync always`) the run resumes and writes the
 *   same files as the local run; without persistence the client warns at the start, and the
 *   restart stops the run with an error naming the lost job and telling to run it again.
 * - A worker's graceful drain: the first SIGTERM lets the running job finish on this worker (no
 *   retry) and exits 0; a second one exits at once (143), and the job goes to another worker.
 *
 * These tests start their own redis-server (in CI `.ci/run` installs it; elsewhere they are
 * skipped without one) except the drain tests, which use the shared one (queue-helpers.ts).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from './helpers.js';
import { type RedisServer, normalisedReport, normalisedSummary, ownServersRunnable, runnable, sharedRedis, startRedis, startWorker, stopWorkers, until, watchCli } from './queue-helpers.js';

const TRACK = ['--universes', 'csi300,csi500', '--factors', 'momentum_1y,turnover_1m', '--start', '2014-06-01', '--as-of', '2015-12-18', '--no-progress'];
const ONE = ['--universes', 'csi300', '--factors', 'momentum_1y', '--start', '2014-06-01', '--as-of', '2015-12-18', '--no-progress'];

let root: string;
let local: string;
const cli = (args: string[]): Promise<CliResult> => runCli(args, root);
const queueName = `r${process.pid}x${Date.now().toString(36)}`;

beforeAll(async () => {
  if (!runnable) return;
  root = mkdtempSync(join(tmpdir(), 'factorkit-cli-queue-resilience-'));
  const synth = await cli(['data', 'synth', '--out', 'market', '--stocks', '300', '--years', '2', '--seed', '5', '--format', 'csv']);
  if (synth.code !== 0) throw new Error(`could not write the test market: ${synth.err}`);
  if (!ownServersRunnable) return;
  const run = await cli(['track', '--data', 'market', ...TRACK, '--workers', '0', '--out', 'local']);
  if (run.code !== 0) throw new Error(`the local run failed: ${run.err}`);
  local = join(root, 'local');
}, 240_000);
afterEach(stopWorkers);
afterAll(() => {
  stopWorkers();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** The outputs of `dir` equal the local run's: every CSV byte for byte, the summary and report but for timings and labels. */
function expectSameOutputs(dir: string): void {
  const files = readdirSync(local).filter((f) => f.endsWith('.csv'));
  expect(files.length).toBe(7);
  for (const file of files) expect(readFileSync(join(dir, file)).equals(readFileSync(join(local, file))), file).toBe(true);
  expect(normalisedSummary(readFileSync(join(dir, 'summary.json'), 'utf8'))).toEqual(normalisedSummary(readFileSync(join(local, 'summary.json'), 'utf8')));
  expect(normalisedReport(readFileSync(join(dir, 'report.html'), 'utf8'))).toBe(normalisedReport(readFileSync(join(local, 'report.html'), 'utf8')));
}

describe.skipIf(!ownServersRunnable)('Redis restarted mid-run', () => {
  let servers: RedisServer[] = [];
  afterAll(() => {
    for (const s of servers) s.stop();
    servers = [];
  });

  it('with an append-only file: the run resumes and writes the same files as the local run', async () => {
    const redis = await startRedis({ args: ['--appendonly', 'yes', '--appendfsync', 'always'] });
    servers.push(redis);
    const queue = ['--queue', redis.url, '--queue-name', `${queueName}-aof`];
    const workers = [0, 1].map(() => startWorker([...queue, '--data', 'market'], root));
    await Promise.all(workers.map((w) => w.waitFor(/worker: ready on /)));
    for (const w of workers) expect(w.log).not.toContain('warning:');
    const client = watchCli(['track', '--data', 'market', ...TRACK, ...queue, '--out', 'restarted'], root);
    // Killed as soon as a worker has taken a job, restarted a moment later on the same port and folder.
    await Promise.race(workers.map((w) => w.waitFor(/worker: \S+ × \S+ started/)));
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await redis.restart();
    const { code, err } = await client.done;
    expect(code, err).toBe(0);
    expect(err).not.toContain('warning:');
    // The server was away while the run waited (each connection error reported once, masked).
    expect(err).toMatch(new RegExp(`queue: connect ECONNREFUSED 127\\.0\\.0\\.1:${redis.port}`));
    expect(err).toContain('queue: 4 series jobs: 4 enqueued');
    expectSameOutputs(join(root, 'restarted'));
  }, 300_000);

  it('without persistence: a warning at the start, and a restart stops the run naming the lost job and telling to rerun', async () => {
    const redis = await startRedis();
    servers.push(redis);
    const queue = ['--queue', redis.url, '--queue-name', `${queueName}-none`];
    // A worker warns too (it serves other queues here: this run's job must wait in the queue when Redis goes).
    const idle = startWorker(['--queue', redis.url, '--queue-name', `${queueName}-idle`, '--data', 'market'], root);
    await idle.waitFor(/worker: ready on /);
    expect(idle.log).toContain(`warning: the Redis server at redis://127.0.0.1:${redis.port} has no persistence (\`appendonly no\`, no \`save\` points): a restart of Redis loses the queued runs: set appendonly yes`);
    const client = watchCli(['track', '--data', 'market', ...ONE, ...queue, '--verbose', '--out', 'lost'], root);
    await until(() => (/queue: csi300 × momentum_1y enqueued/.test(client.err()) ? true : undefined), 120_000, () => `the client did not enqueue its job:\n${client.err()}`);
    expect(client.err()).toContain(`warning: the Redis server at redis://127.0.0.1:${redis.port} has no persistence (\`appendonly no\`, no \`save\` points): a restart of Redis loses the queued runs: set appendonly yes`);
    await redis.kill();
    await redis.restart();
    const { code, err } = await client.done;
    expect(code).toBe(1);
    expect(err).toMatch(
      new RegExp(
        `error \\[FK_WORKER_FAILED\\]: series csi300 × momentum_1y: its job \`s-[0-9a-f]{64}\` is no longer in the queue at redis://127\\.0\\.0\\.1:${redis.port} while the run waited for it: the run's queued jobs are lost \\(a Redis server restarted without persistence loses them: set \`appendonly yes\`; or the keys were deleted\\); run it again`,
      ),
    );
    expect(readdirSync(root)).not.toContain('lost');
  }, 300_000);
});

describe.skipIf(!runnable)('factorkit worker drains on SIGTERM', () => {
  let redis: Pick<RedisServer, 'url' | 'stop'>;
  beforeAll(async () => {
    redis = await sharedRedis();
  });
  afterAll(() => redis?.stop());

  it('the first SIGTERM lets the running job finish on this worker (no retry) and exits 0', async () => {
    const queue = ['--queue', redis.url, '--queue-name', `${queueName}-drain`];
    const worker = startWorker([...queue, '--data', 'market'], root);
    await worker.waitFor(/worker: ready on /);
    const client = watchCli(['track', '--data', 'market', ...ONE, ...queue, '--out', 'drained'], root);
    await worker.waitFor(/worker: csi300 × momentum_1y started \(attempt 1\)/);
    worker.signal('SIGTERM');
    expect(await worker.exited(120_000)).toBe(0);
    expect(worker.log).toContain('worker: SIGTERM: taking no new jobs; waiting for 1 running job to finish here (another SIGINT/SIGTERM stops at once: its job goes to another worker after the lock expires, 3 s)');
    // The job finished here, after the signal, before the worker stopped.
    const signalled = worker.log.indexOf('worker: SIGTERM:');
    const done = worker.log.indexOf('worker: csi300 × momentum_1y done in');
    expect(done).toBeGreaterThan(signalled);
    expect(worker.log.indexOf('worker: stopped')).toBeGreaterThan(done);
    expect(worker.log).not.toContain('interrupted');
    const { code, err } = await client.done;
    expect(code, err).toBe(0);
    expect(err).not.toMatch(/failed on attempt|\(attempt 2\)/);
    expect(err).toContain('queue: 1 series job: 1 enqueued');
  }, 300_000);

  it('a second SIGTERM exits at once (143); the job goes to another worker once its lock expires', async () => {
    const queue = ['--queue', redis.url, '--queue-name', `${queueName}-twice`];
    const worker = startWorker([...queue, '--data', 'market'], root);
    await worker.waitFor(/worker: ready on /);
    const client = watchCli(['track', '--data', 'market', ...ONE, ...queue, '--verbose', '--out', 'twice'], root);
    await worker.waitFor(/worker: csi300 × momentum_1y started \(attempt 1\)/);
    worker.signal('SIGTERM');
    await worker.waitFor(/worker: SIGTERM: taking no new jobs/);
    const second = performance.now();
    worker.signal('SIGTERM');
    expect(await worker.exited(10_000)).toBe(143);
    expect(performance.now() - second).toBeLessThan(5000);
    expect(worker.log).toContain('interrupted (SIGTERM)');
    expect(worker.log).not.toContain('worker: csi300 × momentum_1y done in');
    worker.kill();
    const other = startWorker([...queue, '--data', 'market'], root);
    const { code, err } = await client.done;
    expect(code, err).toBe(0);
    // Its line may reach the worker's stderr after the client finished.
    await other.waitFor(/worker: csi300 × momentum_1y done in/, 10_000);
  }, 300_000);
});
