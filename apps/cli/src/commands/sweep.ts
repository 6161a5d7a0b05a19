import { FactorkitError, type MarketData } from '@factorkit/core';
import { type CsvEncoding, type DatasetLocation, checkEncoding, datasetFingerprint, formatLoadDetails, formatLoadSummary, loadDataset, parseRejectedLimit } from '@factorkit/data';
import { parseQueueUrl, variantQueueExecutor } from '@factorkit/queue';
import { type SweepResult, type VariantExecutor, type VariantResult, inThreadExecutor, runSweep } from '@factorkit/strategy';
import { checkSweepOutput, readSweepFile, variantThreadExecutor, writeSweepOutputs } from '@factorkit/strategy/node';
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { defaultCacheDir, demoMarket } from '../demo-market.js';
import { EXIT_DATA, EXIT_NO_SOLUTION } from '../exit.js';
import { type CliIo, formatTable } from '../io.js';
import { cliVersion, formatPluginFailures, loadPlugins, pluginModules } from '../plugins.js';
import { progressTarget } from '../progress.js';
import { stageProgress } from '../stage-progress.js';
import { withDirs, withOption } from '../with.js';
import { wholeNumberFlag, workersFlag } from '../flags.js';
import { formatQueueCounts, formatQueueEvent } from './worker.js';

interface SweepOptions {
  readonly config: string;
  readonly data?: string;
  readonly with?: string[];
  readonly out: string;
  readonly cache: string;
  readonly workers?: string;
  readonly queue?: string;
  readonly queueName?: string;
  readonly plugin?: string[];
  readonly maxRejected?: string;
  readonly encoding?: string;
  readonly top: string;
  readonly verbose?: boolean;
  /** `false` with `--no-progress`. */
  readonly progress: boolean;
}

/**
 * `factorkit sweep`: a strategy parameter sweep — a base strategy and the values to try
 * (GRID.yaml) — every variant backtested like `factorkit backtest` runs one, on worker threads
 * (default), in this thread (`--workers 0`) or on `factorkit worker` processes through a Redis
 * queue (`--queue`), with the same output files whichever. The work is `runSweep` of
 * `@factorkit/strategy`; the command checks flags, reads the file (every variant checked before
 * anything runs), picks the executor, and prints the ranking. Exit codes: 1 bad input, 2 a variant
 * stopped by `infeasible.policy: stop`, 3 a variant failed (its error is in sweep.csv and the
 * report; the others are written).
 */
export function registerSweepCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const command = program
    .command('sweep')
    .description(
      'backtest every variant of a strategy parameter sweep (GRID.yaml: a base strategy file and `grid:` paths with the values to try, every combination, and/or named `variants:`); writes sweep.csv (one row per variant: its parameters and metrics), daily.csv, summary.json, sweep.json and report.html into --out, atomically; on worker threads, or on `factorkit worker` processes with --queue (the same files)',
    )
    .requiredOption('--config <file>', 'the sweep file (.yaml, .yml or .json)')
    .option('--data <dir>', 'the dataset folder; default: the synthetic demo market (generated once into --cache)');
  withOption(command)
    .requiredOption('--out <dir>', 'output folder: new, empty, or a previous sweep output (replaced as a whole)')
    .option('--workers <n>', `worker threads running variants in parallel, each loading the dataset once; 0 runs them in this thread (default: one per core, ${availableParallelism()} here, at most one per variant)`)
    .option('--queue <url>', 'run the variants on `factorkit worker` processes through this Redis server (redis:// or rediss://; the password is never printed) instead of worker threads; the outputs are the same; a rerun reuses finished variants')
    .option('--queue-name <name>', 'the queues’ base name with --queue (default `factorkit`), as given to `factorkit worker --queue-name`')
    .option('--cache <dir>', 'where the synthetic demo market is kept when --data is not given', defaultCacheDir())
    .option('--top <n>', 'variants listed on stdout, best information ratio first (all are in sweep.csv)', '10')
    .option('--max-rejected <n|p%>', 'rows the dataset may lose while loading: a count or a share of the rows read (default: any, each reported); beyond it exit 3')
    .option('--encoding <name>', 'text encoding of the dataset’s CSV files: utf-8 (default) or gbk')
    .option('--no-progress', 'no progress bar (already off when stderr is not a terminal, in CI, or with TERM=dumb)')
    .option('-p, --plugin <package...>', 'also load these plugin packages by name')
    .action(async (options: SweepOptions) => {
      // Everything the flags alone can tell is checked before plugins or data are loaded.
      const out = resolve(io.cwd, options.out);
      await checkSweepOutput(out, '--out');
      if (options.data === undefined && options.with !== undefined && options.with.length > 0) {
        throw new FactorkitError('FK_INVALID_ARGUMENT', '--with needs --data (the synthetic demo market takes no supplementary folders)');
      }
      const encoding = checkEncoding(options.encoding ?? 'utf-8', '--encoding');
      const maxRejected = options.maxRejected === undefined ? undefined : parseRejectedLimit(options.maxRejected, '--max-rejected').text;
      const connection = options.queue === undefined ? undefined : parseQueueUrl(options.queue, '--queue');
      if (connection && options.workers !== undefined) throw new FactorkitError('FK_INVALID_ARGUMENT', '--workers cannot be used with --queue (each `factorkit worker` sets its own --concurrency)');
      const workers = options.workers === undefined ? undefined : workersFlag(options.workers);
      const top = wholeNumberFlag(options.top, '--top', 0, 1_000_000);

      const loaded = await loadPlugins({ cwd: io.cwd, packages: options.plugin ?? [] });
      io.stderr(formatPluginFailures(loaded.failures));
      // Every variant is made and checked (plugins and their parameters included) before any data is read.
      const sweep = await readSweepFile(resolve(io.cwd, options.config), { registry: loaded.registry });
      io.stderr(`sweep ${sweep.name}: ${sweep.variants.length} variant${sweep.variants.length === 1 ? '' : 's'} over ${sweep.axes.map((a) => `${a.path} (${a.values.length})`).join(', ') || 'no parameter'}\n`);

      const started = performance.now();
      let location: DatasetLocation;
      let label: string;
      if (options.data === undefined) {
        const cache = resolve(io.cwd, options.cache);
        // Made (or checked) here, so that worker threads and workers read the same folder.
        await demoMarket(cache, io);
        location = { data: cache };
        label = 'synthetic demo market';
      } else {
        location = { data: resolve(io.cwd, options.data), ...withDirs(io.cwd, options.with), encoding };
        label = [options.data, ...(options.with ?? [])].map((dir) => basename(resolve(io.cwd, dir))).join(' + ');
      }
      const count = workers ?? Math.min(availableParallelism(), sweep.variants.length);
      // Read here whatever runs the variants: what the dataset lost is reported, and --max-rejected decides, before any work.
      // Kept only when the variants run in this thread: worker threads and workers load their own.
      const inThread = await loadAndReport(io, label, location, { encoding, ...(maxRejected === undefined ? {} : { maxRejected }), verbose: options.verbose === true, keep: !connection && count === 0 });
      let executor: VariantExecutor;
      let queueLines: (() => string) | undefined;
      const progress = stageProgress({ ...progressTarget(io), enabled: options.progress });
      if (connection) {
        io.stderr(`fingerprinting ${label} …\n`);
        const dataFingerprint = await datasetFingerprint(location);
        const queued = variantQueueExecutor({
          connection,
          ...(options.queueName ? { queue: { name: options.queueName } } : {}),
          dataFingerprint,
          registry: loaded.registry,
          codeVersion: `@factorkit/cli@${cliVersion()}`,
          // The server's warnings (no persistence) come as events too.
          onQueueEvent: (event) => {
            const line = formatQueueEvent(event, options.verbose === true);
            if (line !== '') progress.log(line);
          },
        });
        executor = queued;
        queueLines = () => formatQueueCounts(queued.counts(), 'variant');
      } else if (count === 0) {
        executor = inThreadExecutor({ data: inThread!, registry: loaded.registry });
      } else {
        executor = variantThreadExecutor({ workers: count, data: location, plugins: pluginModules(loaded, io.cwd, io.stderr) });
      }
      let result: SweepResult;
      try {
        result = await runSweep({
          sweep,
          executor,
          onEvent: (event) => {
            if (event.kind === 'start') progress.log(`running ${event.variants} variants on ${event.executor} …`);
            else {
              progress.event({ stage: 'variants', done: event.done, total: event.total });
              if (event.result.status !== 'ok' || options.verbose) progress.log(formatVariantLine(event.result));
            }
          },
        });
      } finally {
        progress.finish();
      }
      if (queueLines) io.stderr(queueLines());
      const files = await writeSweepOutputs(out, result, { data: label, what: '--out' });
      io.stdout(formatSweepRanking(result, top));
      io.stdout(`wrote ${out}: ${files.length} files (${((performance.now() - started) / 1000).toFixed(1)} s with loading)\nreport: ${join(out, 'report.html')}\n`);
      const failed = result.variants.filter((v) => v.status === 'failed');
      const stopped = result.variants.filter((v) => v.status === 'stopped');
      for (const v of failed) io.stderr(`error: variant ${v.name} failed${v.error ? ` [${v.error.code}]: ${v.error.message}` : ''}\n`);
      for (const v of stopped) io.stderr(`variant ${v.name} stopped at an infeasible rebalance (infeasible.policy: stop)\n`);
      if (failed.length > 0) setExitCode(EXIT_DATA);
      else if (stopped.length > 0) setExitCode(EXIT_NO_SOLUTION);
    });
}

const pct = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(2)}%`);
const num = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(2));
/** A parameter value on one line: a string as it is unless it holds a control character (then quoted as JSON, `\n` visible), anything else as JSON. */
const value = (x: unknown): string => (typeof x === 'string' && ![...x].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) ? x : JSON.stringify(x));

/** One stderr line for a variant that did not run to its end (every variant with --verbose). */
function formatVariantLine(v: VariantResult): string {
  const params = Object.entries(v.parameters)
    .map(([path, x]) => `${path}=${value(x)}`)
    .join(', ');
  if (v.status === 'failed') return `variant ${v.name} (${params}) failed: ${v.error ? `[${v.error.code}] ${v.error.message}` : 'no reason given'}`;
  return `variant ${v.name} (${params}) ${v.status === 'stopped' ? 'stopped (infeasible, policy stop)' : 'done'}: excess ${pct(v.metrics?.annualExcess)}, TE ${pct(v.metrics?.trackingError)}, IR ${num(v.metrics?.informationRatio)}`;
}

/**
 * The sweep's ranking for stdout: the `top` variants by information ratio (failed ones last),
 * with their parameters, annual excess, tracking error, IR, excess drawdown, turnover and
 * status, and how many were not shown.
 */
export function formatSweepRanking(result: SweepResult, top: number): string {
  const ir = (v: VariantResult): number => (v.status === 'failed' || !Number.isFinite(v.metrics?.informationRatio ?? Number.NaN) ? -Infinity : v.metrics!.informationRatio);
  const ranked = [...result.variants].sort((a, b) => ir(b) - ir(a) || a.index - b.index);
  const shown = ranked.slice(0, top);
  const paths = result.axes.map((a) => a.path);
  const rows = shown.map((v) => [
    v.name,
    ...paths.map((p) => (Object.hasOwn(v.parameters, p) ? value(v.parameters[p]) : '(base)')),
    pct(v.metrics?.annualExcess),
    pct(v.metrics?.trackingError),
    num(v.metrics?.informationRatio),
    pct(v.metrics?.excessMaxDrawdown),
    num(v.metrics?.turnover),
    v.status,
  ]);
  const table = formatTable(['variant', ...paths, 'annual excess', 'tracking error', 'IR', 'excess max DD', 'turnover', 'status'], rows);
  const rest = ranked.length - shown.length;
  return `${table}${rest > 0 ? `(${rest} more variant${rest === 1 ? '' : 's'} in sweep.csv)\n` : ''}`;
}

/**
 * Load the dataset at `location` and print its load summary (every rejected row counted; beyond
 * `maxRejected` it throws). Returns it only with `keep`: otherwise nothing holds it, and its
 * memory is free before worker threads or workers load their own copies.
 */
async function loadAndReport(
  io: CliIo,
  label: string,
  location: DatasetLocation,
  options: { readonly encoding: CsvEncoding; readonly maxRejected?: string; readonly verbose: boolean; readonly keep: boolean },
): Promise<MarketData | undefined> {
  io.stderr(`loading ${label} …\n`);
  const load = await loadDataset(location.data, { encoding: options.encoding, ...(location.with ? { with: [...location.with] } : {}), ...(options.maxRejected === undefined ? {} : { maxRejected: options.maxRejected }) });
  io.stderr(`${options.verbose ? formatLoadDetails(load.report, load.notes) : formatLoadSummary(load.report, load.notes)}\n`);
  return options.keep ? load.dataset : undefined;
}
