import { checkEncoding } from '@factorkit/data';
import { type QueueRunCounts, type QueueRunEvent, type WorkerEvent, parseQueueUrl, startTrackingWorker } from '@factorkit/queue';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { wholeNumberFlag } from '../flags.js';
import { takeNextInterrupt } from '../interrupt.js';
import type { CliIo } from '../io.js';
import { formatPluginFailures, loadPlugins, pluginModules } from '../plugins.js';
import { withDirs, withOption } from '../with.js';

interface WorkerOptions {
  readonly queue: string;
  readonly data: string;
  readonly with?: string[];
  readonly encoding?: string;
  readonly concurrency: string;
  readonly lockDuration: string;
  readonly queueName?: string;
  readonly plugin?: string[];
  readonly verbose?: boolean;
}

/**
 * `factorkit worker`: work the jobs queued with `factorkit track --queue` (a tracking run's
 * (universe, factor) series) and `factorkit sweep --queue` (a sweep's variants) on this machine,
 * until stopped. The first SIGINT/SIGTERM drains: no new jobs, the running ones finish here
 * (nothing is retried), exit 0; a second one exits at once (128 + its number), and a job it was
 * computing is taken over by another worker once its lock expires. The work is
 * `startTrackingWorker` of `@factorkit/queue`; the command checks flags, finds the installed
 * plugins and prints what the worker does. The queue URL's password is never printed.
 */
export function registerWorkerCommand(program: Command, io: CliIo, _setExitCode: (code: number) => void): void {
  const worker = program
    .command('worker')
    .description(
      'compute the jobs queued with `factorkit track --queue` (series of tracking runs) and `factorkit sweep --queue` (variants of sweeps) (BullMQ on Redis ≥ 6.2 with maxmemory-policy noeviction, best with appendonly yes), each job in a sandboxed child process, on this machine’s copy of the dataset and its installed plugins only; runs until interrupted: the first SIGINT/SIGTERM lets the running jobs finish and exits 0, a second exits at once',
    )
    .requiredOption('--queue <url>', 'the Redis server: redis://[user:password@]host:port[/db], or rediss:// for TLS (the password is never printed)')
    .requiredOption('--data <dir>', 'this machine’s copy of the run’s dataset folder: jobs of another dataset (another content fingerprint) are refused');
  withOption(worker)
    .option('--encoding <name>', 'text encoding of the dataset’s CSV files: utf-8 (default) or gbk')
    .option('--concurrency <n>', 'jobs computed at once, each in its own child process that loads the dataset once (1 … 256)', '1')
    .option('--lock-duration <ms>', 'how long a job stays locked without renewal: a worker that dies leaves its job to another worker after this long (≥ 1000)', '30000')
    .option('--queue-name <name>', 'the queues’ base name (default `factorkit`), as given to `factorkit track --queue-name` and `factorkit sweep --queue-name`')
    .option('-p, --plugin <package...>', 'also load these plugin packages by name')
    .action(async (options: WorkerOptions) => {
      const connection = parseQueueUrl(options.queue, '--queue');
      const concurrency = wholeNumberFlag(options.concurrency, '--concurrency', 1, 256);
      const lockDuration = wholeNumberFlag(options.lockDuration, '--lock-duration', 1000, 24 * 3600 * 1000);
      const encoding = options.encoding === undefined ? undefined : checkEncoding(options.encoding, '--encoding');
      const loaded = await loadPlugins({ cwd: io.cwd, packages: options.plugin ?? [] });
      io.stderr(formatPluginFailures(loaded.failures));
      const plugins = pluginModules(loaded, io.cwd, io.stderr);
      const data = { data: resolve(io.cwd, options.data), ...withDirs(io.cwd, options.with), ...(encoding ? { encoding } : {}) };
      io.stderr(`worker: fingerprinting ${options.data} …\n`);
      const running = await startTrackingWorker({
        connection,
        data,
        plugins,
        concurrency,
        lockDuration,
        ...(options.queueName ? { queue: { name: options.queueName } } : {}),
        onEvent: (event) => io.stderr(formatWorkerEvent(event, options.verbose === true)),
      });
      // Runs until the first interrupt, which this command takes: it drains. The next one gets the CLI's default (exit at once).
      const signal = await new Promise<NodeJS.Signals>((resolve) => takeNextInterrupt(resolve));
      io.stderr(formatDrain(signal, running.running(), lockDuration));
      await running.close();
      io.stderr('worker: stopped\n');
    });
}

/** What the worker says on its first interrupt: jobs still running, what a second signal does. */
export function formatDrain(signal: NodeJS.Signals, running: number, lockDuration: number): string {
  const jobs = `${running} running job${running === 1 ? '' : 's'}`;
  return `worker: ${signal}: taking no new jobs; waiting for ${jobs} to finish here (another SIGINT/SIGTERM stops at once: ${running === 1 ? 'its job goes' : 'their jobs go'} to another worker after the lock expires, ${(lockDuration / 1000).toFixed(0)} s)\n`;
}

/** One stderr line per worker event. */
export function formatWorkerEvent(event: WorkerEvent, verbose: boolean): string {
  switch (event.kind) {
    case 'ready':
      return `worker: ready on ${event.server} (queue ${event.queue}), dataset fingerprint ${event.fingerprint.slice(0, 12)}…\n${event.warning ? `warning: ${event.warning}\n` : ''}`;
    case 'active':
      return verbose || event.attempt > 1 ? `worker: ${event.label} started (attempt ${event.attempt})\n` : '';
    case 'completed':
      return `worker: ${event.label} done in ${event.seconds.toFixed(1)} s\n`;
    case 'failed':
      return `worker: ${event.label} failed (attempt ${event.attempt} of ${event.attempts}): ${event.error}\n`;
    case 'error':
      return `worker: error: ${event.error}\n`;
  }
}

/** `factorkit track --queue`, `factorkit sweep --queue`: the queue's lines for stderr (a server without persistence, what was enqueued or reused, retries, which worker took what with --verbose). */
export function formatQueueEvent(event: QueueRunEvent, verbose: boolean): string {
  switch (event.kind) {
    case 'server':
      return event.warning ? `warning: ${event.warning}\n` : verbose ? `queue: Redis ${event.version} at ${event.server}\n` : '';
    case 'run':
      return `queue: run ${event.run.slice(0, 14)}… on ${event.server} (${event.parent === 'new' ? 'new run' : event.parent === 'joined' ? 'an earlier call of this run is joined' : 'this run finished before'})\n`;
    case 'job':
      return verbose ? `queue: ${event.label} ${event.status}\n` : '';
    case 'active':
      return verbose || event.attempt > 1 ? `queue: ${event.label} started on ${event.worker} (attempt ${event.attempt})\n` : '';
    case 'retry':
      return `queue: ${event.label} failed on attempt ${event.attempt} of ${event.attempts}, retried: ${event.error}\n`;
    case 'error':
      return `queue: ${event.error}\n`;
  }
}

/** The closing line of a queued run: jobs (`series` or `variant` jobs) enqueued, reused, retried. */
export function formatQueueCounts(counts: QueueRunCounts, noun: 'series' | 'variant' = 'series'): string {
  if (counts.jobs === 0) return `queue: no ${noun} job: everything ran in this process\n`;
  return `queue: ${counts.jobs} ${noun} job${counts.jobs === 1 ? '' : 's'}: ${counts.enqueued} enqueued, ${counts.reused} reused from an earlier run, ${counts.retried} failed before and retried, ${counts.joined} already queued\n`;
}
