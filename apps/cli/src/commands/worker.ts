import { FactorkitError } from '@factorkit/core';
import { checkEncoding } from '@factorkit/data';
import { type QueueRunCounts, type QueueRunEvent, type WorkerEvent, parseQueueUrl, startTrackingWorker } from '@factorkit/queue';
import type { Command } from 'commander';
import { resolve } from 'node:path';
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
 * `factorkit worker`: work the (universe, factor) series of tracking runs queued with
 * `factorkit track --queue` on this machine, until stopped (SIGINT/SIGTERM: a job it was
 * computing is taken over by another worker once its lock expires). The work is
 * `startTrackingWorker` of `@factorkit/queue`; the command checks flags, finds the installed
 * plugins and prints what the worker does. The queue URL's password is never printed.
 */
export function registerWorkerCommand(program: Command, io: CliIo, _setExitCode: (code: number) => void): void {
  const worker = program
    .command('worker')
    .description(
      'compute the series of tracking runs queued with `factorkit track --queue` (BullMQ on Redis ≥ 6.2 with maxmemory-policy noeviction), each job in a sandboxed child process, on this machine’s copy of the dataset and its installed plugins only; runs until interrupted',
    )
    .requiredOption('--queue <url>', 'the Redis server: redis://[user:password@]host:port[/db], or rediss:// for TLS (the password is never printed)')
    .requiredOption('--data <dir>', 'this machine’s copy of the run’s dataset folder: jobs of another dataset (another content fingerprint) are refused');
  withOption(worker)
    .option('--encoding <name>', 'text encoding of the dataset’s CSV files: utf-8 (default) or gbk')
    .option('--concurrency <n>', 'jobs computed at once, each in its own child process that loads the dataset once (1 … 256)', '1')
    .option('--lock-duration <ms>', 'how long a job stays locked without renewal: a worker that dies leaves its job to another worker after this long (≥ 1000)', '30000')
    .option('--queue-name <name>', 'the queues’ base name (`tracking`), as given to `factorkit track --queue-name`')
    .option('-p, --plugin <package...>', 'also load these plugin packages by name')
    .action(async (options: WorkerOptions) => {
      const connection = parseQueueUrl(options.queue, '--queue');
      const concurrency = wholeNumber(options.concurrency, '--concurrency', 1, 256);
      const lockDuration = wholeNumber(options.lockDuration, '--lock-duration', 1000, 24 * 3600 * 1000);
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
      // Runs until the process is interrupted (the CLI's signal handlers end it).
      await new Promise<void>(() => undefined);
      await running.close();
    });
}

/** One stderr line per worker event. */
export function formatWorkerEvent(event: WorkerEvent, verbose: boolean): string {
  switch (event.kind) {
    case 'ready':
      return `worker: ready on ${event.server} (queue ${event.queue}), dataset fingerprint ${event.fingerprint.slice(0, 12)}…\n`;
    case 'active':
      return verbose || event.attempt > 1 ? `worker: ${event.series} started (attempt ${event.attempt})\n` : '';
    case 'completed':
      return `worker: ${event.series} done in ${event.seconds.toFixed(1)} s\n`;
    case 'failed':
      return `worker: ${event.series} failed (attempt ${event.attempt} of ${event.attempts}): ${event.error}\n`;
    case 'error':
      return `worker: error: ${event.error}\n`;
  }
}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new FactorkitError('FK_INVALID_ARGUMENT', `${flag}: expected a whole number from ${min} to ${max}, got \`${text}\``);
  return n;
}

/** `factorkit track --queue`: the queue's lines for stderr (what was enqueued or reused, retries, which worker took what with --verbose). */
export function formatQueueEvent(event: QueueRunEvent, verbose: boolean): string {
  switch (event.kind) {
    case 'run':
      return `queue: run ${event.run.slice(0, 14)}… on ${event.server} (${event.parent === 'new' ? 'new run' : event.parent === 'joined' ? 'an earlier call of this run is joined' : 'this run finished before'})\n`;
    case 'job':
      return verbose ? `queue: ${event.series} ${event.status}\n` : '';
    case 'active':
      return verbose || event.attempt > 1 ? `queue: ${event.series} started on ${event.worker} (attempt ${event.attempt})\n` : '';
    case 'retry':
      return `queue: ${event.series} failed on attempt ${event.attempt} of ${event.attempts}, retried: ${event.error}\n`;
    case 'error':
      return `queue: ${event.error}\n`;
  }
}

/** The closing line of a queued run: jobs enqueued, reused, retried. */
export function formatQueueCounts(counts: QueueRunCounts): string {
  return `queue: ${counts.jobs} series jobs: ${counts.enqueued} enqueued, ${counts.reused} reused from an earlier run, ${counts.retried} failed before and retried, ${counts.joined} already queued\n`;
}
