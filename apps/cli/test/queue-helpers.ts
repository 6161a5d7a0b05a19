/**
 * What the queue tests share: whether Redis can be had here, private `redis-server` processes
 * (with or without persistence, restartable on the same port and folder), `factorkit worker`
 * processes with their logs, and the CLI run in-process with its stderr readable while it runs.
 *
 * Redis: FACTORKIT_TEST_REDIS_URL (`.ci/run` starts a private server), or a private
 * `redis-server` started here. In CI a missing Redis fails the tests instead of skipping them.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliIo, run } from '../src/index.js';
import { cliPackageDir } from '../src/plugins.js';

export const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
export const haveRedisServer = spawnSync('redis-server', ['--version']).status === 0;
export const givenRedis = process.env.FACTORKIT_TEST_REDIS_URL;
/** In CI the tests run (and fail without Redis); elsewhere they need redis-server or a given URL. */
export const runnable = inCi || givenRedis !== undefined || haveRedisServer;
/** Tests that start their own servers: in CI always (`.ci/run` installs redis-server), elsewhere with redis-server on PATH. */
export const ownServersRunnable = inCi || haveRedisServer;

export const bin = join(cliPackageDir, 'dist', 'bin.js');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A private redis-server on 127.0.0.1. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Its working folder (the append-only file and snapshots). */
  readonly dir: string;
  /** SIGKILL (no chance to write anything more), the folder kept: `restart` starts it again on the same port and folder. */
  kill(): Promise<void>;
  restart(): Promise<void>;
  /** Stop it and remove its folder. */
  stop(): void;
}

/**
 * A private redis-server on a free port with its files in a temporary folder, `noeviction`; no
 * persistence unless `args` set it (`--appendonly yes`); with a password when given.
 */
export async function startRedis(options: { readonly password?: string; readonly args?: readonly string[] } = {}): Promise<RedisServer> {
  if (!haveRedisServer) throw new Error('redis-server is not installed (apt-get install -y redis-server); .ci/run installs it and sets FACTORKIT_TEST_REDIS_URL');
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-cli-redis-'));
  const port = await freePort();
  const { password } = options;
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'noeviction', ...(password ? ['--requirepass', password] : []), ...(options.args ?? [])], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const ping = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...(password ? ['--no-auth-warning', '-a', password] : []), 'ping'], { encoding: 'utf8' });
      if (ping.stdout.trim() === 'PONG') return;
      await sleep(100);
    }
    child.kill('SIGKILL');
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const kill = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGKILL');
    await exited;
  };
  await launch();
  return {
    url: `redis://${password ? `:${password}@` : ''}127.0.0.1:${port}`,
    port,
    dir,
    kill,
    restart: launch,
    stop: () => {
      child?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The tests' shared Redis: FACTORKIT_TEST_REDIS_URL, or a private server. */
export async function sharedRedis(): Promise<Pick<RedisServer, 'url' | 'port' | 'stop'>> {
  if (inCi && givenRedis === undefined && !haveRedisServer) throw new Error('CI: no Redis (FACTORKIT_TEST_REDIS_URL unset and redis-server missing): .ci/run should have started one');
  return givenRedis ? { url: givenRedis, port: Number(new URL(givenRedis).port), stop: () => undefined } : startRedis();
}

/** A `factorkit worker` process in a process group of its own (killing the group kills its sandboxed children too), its output collected. */
export interface WorkerProcess {
  readonly child: ChildProcess;
  log: string;
  /** SIGKILL to the whole group. */
  kill(): void;
  /** `signal` to the worker process alone (as a supervisor sends it). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the log once it matches `pattern`. */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  /** Resolves with the exit code (`128 + n` for a signal that ended it), or rejects after `ms`. */
  exited(ms?: number): Promise<number>;
}

const started: WorkerProcess[] = [];

/** Poll `test` every 50 ms until it returns a value; `describe` says what was waited for in the timeout's error. */
export async function until<T>(test: () => T | undefined, ms: number, describe: () => string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = test();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${describe()}`);
    await sleep(50);
  }
}

/** Start `factorkit worker --lock-duration 3000 --verbose …args` in `cwd`. */
export function startWorker(args: readonly string[], cwd: string, env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, [bin, 'worker', '--lock-duration', '3000', '--verbose', ...args], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const exit = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : signal === 'SIGINT' ? 2 : 0))));
  const worker: WorkerProcess = {
    child,
    log: '',
    kill: () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
    signal: (signal) => void child.kill(signal),
    waitFor: (pattern, ms = 120_000) =>
      until(
        () => {
          if (pattern.test(worker.log)) return worker.log;
          if (child.exitCode !== null || child.signalCode !== null) throw new Error(`worker exited (${child.exitCode ?? child.signalCode}) before its log matched ${pattern}:\n${worker.log}`);
          return undefined;
        },
        ms,
        () => `worker log did not match ${pattern}:\n${worker.log}`,
      ),
    exited: (ms = 60_000) =>
      Promise.race([exit, sleep(ms).then(() => Promise.reject(new Error(`worker did not exit within ${ms} ms:\n${worker.log}`)))]),
  };
  child.stdout.on('data', (chunk: Buffer) => void (worker.log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => void (worker.log += chunk.toString()));
  started.push(worker);
  return worker;
}

/** Kill every worker started so far (their process groups). */
export function stopWorkers(): void {
  for (const worker of started.splice(0)) worker.kill();
}

/** A CLI call in-process whose stderr can be read while it runs. */
export interface WatchedCli {
  readonly done: Promise<{ code: number; out: string; err: string }>;
  err(): string;
}

/** Run the CLI in-process in `cwd`, its stderr readable while it runs. */
export function watchCli(args: readonly string[], cwd: string): WatchedCli {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd };
  const done = run([...args], io).then((code) => ({ code, out, err }));
  return { done, err: () => err };
}

/** What varies between two runs of the same computation: wall-clock timings, the executor's label, the report's generation time. */
export function normalisedSummary(text: string): unknown {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'seconds' && key !== 'executor').map(([key, v]) => [key, strip(v)]));
    return value;
  };
  return strip(JSON.parse(text));
}
export const normalisedReport = (text: string): string => text.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, 'TIME');
