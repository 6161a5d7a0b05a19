/**
 * `factorkit track --queue` and `factorkit worker` against a real Redis (BullMQ): a tracking run
 * on a small synthetic market split over three worker processes, one killed mid-run, writes the
 * same files as the local run; a rerun enqueues nothing; a series that throws on the workers is
 * retried and then reported with its error; a worker with other data refuses the job; a
 * password in the queue URL is never printed.
 *
 * Redis: see queue-helpers.ts (in CI a missing Redis fails these tests instead of skipping them).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readTrackingState } from '@factorkit/evaluate/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cliPackageDir } from '../src/plugins.js';
import { type CliResult, runCli } from './helpers.js';
import { type RedisServer, freePort, normalisedReport, normalisedSummary, runnable, sharedRedis, startRedis, startWorker, stopWorkers } from './queue-helpers.js';

const FACTORS = 'momentum_1y,turnover_1m,reversal_3m';
const TRACK = ['--universes', 'csi300,csi500', '--factors', FACTORS, '--start', '2014-06-01', '--as-of', '2015-12-18', '--no-progress'];

/** A MFE state without its solve timings. */
function withoutTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (ArrayBuffer.isView(value)) return value;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([key]) => !['buildMs', 'solveMs', 'seconds', 'mtimeMs'].includes(key)).map(([key, v]) => [key, withoutTimings(v)]));
  return value;
}

describe.skipIf(!runnable)('factorkit track --queue with factorkit worker', () => {
  let root: string;
  let redis: Pick<RedisServer, 'url' | 'port' | 'stop'>;
  let local: string;
  const queueName = `t${process.pid}x${Date.now().toString(36)}`;
  const cli = (args: string[]): Promise<CliResult> => runCli(args, root);

  beforeAll(async () => {
    redis = await sharedRedis();
    root = mkdtempSync(join(tmpdir(), 'factorkit-cli-queue-'));
    const synth = await cli(['data', 'synth', '--out', 'market', '--stocks', '300', '--years', '2', '--seed', '5', '--format', 'csv']);
    if (synth.code !== 0) throw new Error(`could not write the test market: ${synth.err}`);
    const run = await cli(['track', '--data', 'market', ...TRACK, '--workers', '0', '--out', 'local']);
    if (run.code !== 0) throw new Error(`the local run failed: ${run.err}`);
    local = join(root, 'local');
  }, 240_000);
  afterEach(stopWorkers);
  afterAll(() => {
    stopWorkers();
    redis?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('three workers, one killed mid-job: the same output files as the local run; a rerun enqueues nothing', async () => {
    const queue = ['--queue', redis.url, '--queue-name', `${queueName}-main`];
    const [victim, ...others] = [0, 1, 2].map(() => startWorker([...queue, '--data', 'market'], root));
    await Promise.all([victim!, ...others].map((w) => w.waitFor(/worker: ready on /)));
    const client = cli(['track', '--data', 'market', ...TRACK, ...queue, '--out', 'queued']);
    // The victim dies (with its sandboxed child) as soon as it has taken a job: the job must be taken over by another worker.
    const started = /worker: (\S+ × \S+) started \(attempt 1\)/.exec(await victim!.waitFor(/worker: \S+ × \S+ started/))![1]!;
    victim!.kill();
    const { code, err } = await client;
    expect(code, err).toBe(0);
    expect(err).toContain('queue: 6 series jobs: 6 enqueued, 0 reused from an earlier run, 0 failed before and retried, 0 already queued');
    expect(others.some((w) => w.log.includes(`worker: ${started} done in`))).toBe(true);
    expect(victim!.log).not.toContain(`worker: ${started} done in`);

    const queued = join(root, 'queued');
    const files = readdirSync(local).filter((f) => f.endsWith('.csv'));
    expect(files.sort()).toEqual(['daily.csv', 'ic.csv', 'ic_summary.csv', 'mfe.csv', 'quantiles.csv', 'tracking.csv', 'weights.csv']);
    for (const file of files) expect(readFileSync(join(queued, file)).equals(readFileSync(join(local, file))), file).toBe(true);
    expect(normalisedSummary(readFileSync(join(queued, 'summary.json'), 'utf8'))).toEqual(normalisedSummary(readFileSync(join(local, 'summary.json'), 'utf8')));
    expect(normalisedReport(readFileSync(join(queued, 'report.html'), 'utf8'))).toBe(normalisedReport(readFileSync(join(local, 'report.html'), 'utf8')));
    // The series states (what a later local run continues from) hold the same values; only solve timings differ.
    expect(withoutTimings(await readTrackingState(queued))).toEqual(withoutTimings(await readTrackingState(local)));
    expect(JSON.parse(readFileSync(join(queued, 'summary.json'), 'utf8')).executor).toMatch(/^queue redis:\/\/127\.0\.0\.1:\d+$/);

    // Rerun: every series is reused from the queue (the workers may be gone).
    for (const w of others) w.kill();
    const again = await cli(['track', '--data', 'market', ...TRACK, ...queue, '--out', 'again']);
    expect(again.code, again.err).toBe(0);
    expect(again.err).toContain('queue: 6 series jobs: 0 enqueued, 6 reused from an earlier run, 0 failed before and retried, 0 already queued');
    for (const file of files) expect(readFileSync(join(root, 'again', file)).equals(readFileSync(join(local, file))), file).toBe(true);
  }, 300_000);

  it('continues --out: with many new dates per series the workers compute them from the start, with a few they run here; the files of a run from scratch', async () => {
    const queue = ['--queue', redis.url, '--queue-name', `${queueName}-continued`];
    const weekly = ['--data', 'market', '--universes', 'csi300,csi500', '--factors', 'momentum_1y,turnover_1m', '--start', '2015-01-01', '--frequency', 'weekly', '--no-progress'];
    const first = await cli(['track', ...weekly, '--as-of', '2015-07-15', '--workers', '0', '--out', 'continued']);
    expect(first.code, first.err).toBe(0);
    const workers = [0, 1].map(() => startWorker([...queue, '--data', 'market'], root));
    await Promise.all(workers.map((w) => w.waitFor(/worker: ready on /)));
    // 22 new weeks per series: more than runTracking runs in this thread, so the series go to the workers.
    const next = await cli(['track', ...weekly, ...queue, '--as-of', '2015-12-18', '--out', 'continued']);
    expect(next.code, next.err).toBe(0);
    expect(next.err).toContain('reusing 4 series states of the previous run in');
    expect(next.err).toContain('queue: 4 series jobs: 4 enqueued');
    expect(next.err).toContain("queue: 4 series the previous run's states would have continued were computed from the start on the workers");
    const scratch = await cli(['track', ...weekly, '--as-of', '2015-12-18', '--no-reuse', '--workers', '0', '--out', 'continued-scratch']);
    expect(scratch.code, scratch.err).toBe(0);
    const files = readdirSync(join(root, 'continued')).filter((f) => f.endsWith('.csv'));
    expect(files).toHaveLength(7);
    for (const file of files) expect(readFileSync(join(root, 'continued', file), 'utf8'), file).toBe(readFileSync(join(root, 'continued-scratch', file), 'utf8'));
    // The series say how they were computed.
    const reuse = (JSON.parse(readFileSync(join(root, 'continued', 'summary.json'), 'utf8')) as { series: { reuse: { status: string; reason?: string } }[] }).series.map((x) => x.reuse);
    expect(reuse.map((r) => [r.status, r.reason])).toEqual(Array.from({ length: 4 }, () => ['recomputed', 'queue']));

    // One more week: continued in this thread (no job), still the files of a run from scratch.
    stopWorkers();
    const third = await cli(['track', ...weekly, ...queue, '--as-of', '2015-12-25', '--out', 'continued']);
    expect(third.code, third.err).toBe(0);
    expect(third.err).toContain('continued the previous run');
    expect(third.err).toContain('queue: no series job: everything ran in this process');
    const thirdScratch = await cli(['track', ...weekly, '--as-of', '2015-12-25', '--no-reuse', '--workers', '0', '--out', 'continued-scratch']);
    expect(thirdScratch.code, thirdScratch.err).toBe(0);
    for (const file of files) expect(readFileSync(join(root, 'continued', file), 'utf8'), file).toBe(readFileSync(join(root, 'continued-scratch', file), 'utf8'));
  }, 300_000);

  it('a series that throws on the workers is retried, then reported with its error; the password is never printed', async () => {
    // A plugin installed on both sides that throws only where FACTORKIT_TEST_THROW is set (the worker).
    const pkg = join(root, 'node_modules', 'factorkit-factor-throws');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'factorkit-factor-throws', version: '1.2.3', type: 'module', exports: './index.js', keywords: ['factorkit-plugin'] }));
    const momentum = pathToFileURL(join(cliPackageDir, 'node_modules', '@factorkit', 'factor-momentum', 'dist', 'index.js')).href;
    writeFileSync(
      join(pkg, 'index.js'),
      `import { momentum } from ${JSON.stringify(momentum)};\n` +
        `export default { ...momentum, id: 'throws_in_worker', compute(...args) { if (process.env.FACTORKIT_TEST_THROW === '1') throw new Error('boom on purpose'); return momentum.compute(...args); } };\n`,
    );
    const secret = 'Sup3rSecretPw';
    const locked = await startRedis({ password: secret });
    try {
      const queue = ['--queue', locked.url, '--queue-name', `${queueName}-throw`];
      const worker = startWorker([...queue, '--data', 'market', '-p', 'factorkit-factor-throws'], root, { FACTORKIT_TEST_THROW: '1' });
      await worker.waitFor(/worker: ready on /);
      const run = await cli(['track', '--data', 'market', '--universes', 'csi300', '--factors', 'throws_in_worker', '--start', '2015-06-01', '--as-of', '2015-12-18', '--no-progress', '-p', 'factorkit-factor-throws', ...queue, '--out', 'thrown']);
      expect(run.code).toBe(1);
      expect(run.err).toMatch(/queue: csi300 × throws_in_worker failed on attempt 1 of 3, retried: \[FK_PLUGIN_FAILED\][^\n]*boom on purpose/);
      expect(run.err).toMatch(/queue: csi300 × throws_in_worker failed on attempt 2 of 3, retried: /);
      expect(run.err).toMatch(/error \[FK_WORKER_FAILED\]: series csi300 × throws_in_worker failed on the queue after 3 attempts: \[FK_PLUGIN_FAILED\][^\n]*boom on purpose/);
      expect(existsSync(join(root, 'thrown'))).toBe(false);
      // The worker logs the failure as the client learns of it: its line may come a moment later.
      await worker.waitFor(/worker: csi300 × throws_in_worker failed \(attempt 3 of 3\): /, 10_000);
      expect(run.err).toContain(`redis://:***@127.0.0.1:${locked.port}`);
      // The same run again, with a worker that does not throw: the failed job is put back in the queue and computed.
      worker.kill();
      const healthy = startWorker([...queue, '--data', 'market', '-p', 'factorkit-factor-throws'], root);
      await healthy.waitFor(/worker: ready on /);
      const again = await cli(['track', '--data', 'market', '--universes', 'csi300', '--factors', 'throws_in_worker', '--start', '2015-06-01', '--as-of', '2015-12-18', '--no-progress', '-p', 'factorkit-factor-throws', ...queue, '--out', 'thrown']);
      expect(again.code, again.err).toBe(0);
      expect(again.err).toContain('queue: 1 series job: 0 enqueued, 0 reused from an earlier run, 1 failed before and retried, 0 already queued');
      // Its line may reach the worker's stderr after the client finished.
      await healthy.waitFor(/worker: csi300 × throws_in_worker done in/, 10_000);
      // A run that succeeds through the same server: no output file holds the password either.
      const ok = await cli(['track', '--data', 'market', '--universes', 'csi300', '--factors', 'momentum_1y', '--start', '2015-06-01', '--as-of', '2015-12-18', '--no-progress', '--verbose', ...queue, '--out', 'with-password']);
      expect(ok.code, ok.err).toBe(0);
      const outputs = readdirSync(join(root, 'with-password'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      expect(outputs.length).toBeGreaterThan(5);
      for (const file of outputs) expect(readFileSync(join(file.parentPath, file.name)).includes(secret), file.name).toBe(false);
      expect(JSON.parse(readFileSync(join(root, 'with-password', 'summary.json'), 'utf8')).executor).toBe(`queue redis://:***@127.0.0.1:${locked.port}`);
      for (const text of [run.out, run.err, again.out, again.err, ok.out, ok.err, worker.log, healthy.log]) expect(text).not.toContain(secret);
    } finally {
      locked.stop();
    }
  }, 240_000);

  it('a worker whose dataset differs refuses the job at once, naming both fingerprints', async () => {
    cpSync(join(root, 'market'), join(root, 'market-b'), { recursive: true });
    writeFileSync(join(root, 'market-b', 'notes.txt'), 'a file the run’s dataset does not have\n');
    const queue = ['--queue', redis.url, '--queue-name', `${queueName}-data`];
    const worker = startWorker([...queue, '--data', 'market-b'], root);
    await worker.waitFor(/worker: ready on /);
    const run = await cli(['track', '--data', 'market', '--universes', 'csi300', '--factors', 'momentum_1y', '--start', '2015-06-01', '--as-of', '2015-12-18', '--no-progress', ...queue, '--out', 'refused']);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/error \[FK_WORKER_FAILED\]: series csi300 × momentum_1y failed on the queue after 1 attempt: \[FK_INVALID_DATA\] series csi300 × momentum_1y: this worker's dataset \(fingerprint `[0-9a-f]{12}…`\) is not the run's \(fingerprint `[0-9a-f]{12}…`\)/);
    expect(run.err).not.toContain('retried');
  }, 240_000);

  it('refuses a bad queue URL before loading anything, without printing its password', async () => {
    const run = await cli(['track', '--data', 'market', ...TRACK, '--queue', 'http://u:hunter2@127.0.0.1:1', '--out', 'never']);
    expect(run.code).toBe(1);
    expect(run.err).toBe('error [FK_INVALID_ARGUMENT]: --queue: the scheme must be `redis:` or `rediss:` (TLS), got `http:` in `http://u:***@127.0.0.1:1`\n');
    const worker = await cli(['worker', '--queue', `redis://u:hunter2@127.0.0.1:${await freePort()}`, '--data', 'market']);
    expect(worker.code).toBe(1);
    expect(worker.err).toMatch(/^error \[FK_INVALID_ARGUMENT\]: --queue: cannot use the Redis server at redis:\/\/u:\*\*\*@127\.0\.0\.1:\d+: /m);
    expect(worker.err).not.toContain('hunter2');
  }, 60_000);
});
