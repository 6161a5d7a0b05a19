/**
 * Redis for the tests: `FACTORKIT_TEST_REDIS_URL` when set (`.ci/run` starts a private server
 * and sets it), otherwise a private `redis-server` started here on a free port. In CI a missing
 * Redis fails the tests; elsewhere, without `redis-server` on PATH, they are skipped.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
export const haveRedisServer = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).status === 0;
/** Whether the Redis tests can run here (in CI they always run, and fail without Redis). */
export const redisAvailable = inCi || process.env.FACTORKIT_TEST_REDIS_URL !== undefined || haveRedisServer;

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

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

/** A private redis-server on 127.0.0.1 (no persistence, `noeviction` unless `args` say otherwise), stopped by `stop`. */
export async function startRedisServer(args: readonly string[] = [], password?: string): Promise<TestRedis> {
  if (!haveRedisServer) throw new Error('redis-server is not installed (apt-get install -y redis-server), and FACTORKIT_TEST_REDIS_URL is not set');
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-test-redis-'));
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'noeviction', ...(password ? ['--requirepass', password] : []), ...args], { stdio: 'ignore' });
  const url = `redis://${password ? `:${password}@` : ''}127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return { url, port, stop };
    } catch {
      probe.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await stop();
  throw new Error(`redis-server did not start on port ${port}`);
}

/** The tests' Redis: `FACTORKIT_TEST_REDIS_URL`, or a private server. */
export async function testRedis(): Promise<TestRedis> {
  const given = process.env.FACTORKIT_TEST_REDIS_URL;
  if (given) return { url: given, port: Number(new URL(given).port || 6379), stop: () => Promise.resolve() };
  if (inCi && !haveRedisServer) throw new Error('CI: FACTORKIT_TEST_REDIS_URL is not set and redis-server is not installed: .ci/run starts one');
  return startRedisServer();
}
