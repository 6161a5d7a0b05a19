import { FactorkitError, parseDate } from '@factorkit/core';
import { checkEncoding, formatLoadDetails, formatLoadSummary, loadDataset, parseRejectedLimit } from '@factorkit/data';
import { type TrackingConfig, type TrackingOptions, defaultTrackingFactors, formatTrackingEvent, formatTrackingSummary, runTracking, trackingDataError } from '@factorkit/evaluate';
import { checkTrackingOutput, problemSaver, readTrackingConfig, readTrackingState, writeTrackingOutputs } from '@factorkit/evaluate/node';
import { parseFactorSpecs, resolveFactorSpecs } from '@factorkit/pipeline';
import { datasetFingerprint, parseQueueUrl, runTrackingOnQueue } from '@factorkit/queue';
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { formatPluginFailures, loadPlugins, requirePlugin, unavailablePlugins } from '../plugins.js';
import { progressTarget, trackingProgress } from '../progress.js';
import { trackingSolver } from '../tracking-solver.js';
import { workersFlag } from '../flags.js';
import { withDirs, withOption } from '../with.js';
import { formatQueueCounts, formatQueueEvent } from './worker.js';

interface TrackOptions {
  readonly data: string;
  readonly universes: string;
  readonly factors?: string;
  readonly start?: string;
  readonly asOf: string;
  readonly frequency: string;
  readonly config?: string;
  readonly saveProblems?: string;
  readonly solver: string;
  readonly out: string;
  readonly plugin?: string[];
  readonly verbose?: boolean;
  readonly maxRejected?: string;
  readonly encoding?: string;
  readonly with?: string[];
  readonly workers?: string;
  /** `false` with `--no-progress`. */
  readonly progress: boolean;
  /** `false` with `--no-reuse`. */
  readonly reuse: boolean;
  readonly queue?: string;
  readonly queueName?: string;
}

/**
 * `factorkit track`: the weekly factor-tracking run — the MFE portfolio test and IC analytics
 * of every factor against every benchmark, written as one folder of CSV files, `summary.json`
 * and a self-contained `report.html`. The work is `runTracking` and `writeTrackingOutputs` of
 * `@factorkit/evaluate`; the command checks flags, loads plugins and data, and prints the report.
 */
/** Exit codes come from the errors it throws: 1 bad input, 3 data problems (after writing the outputs). */
export function registerTrackCommand(program: Command, io: CliIo, _setExitCode: (code: number) => void): void {
  const track = program
    .command('track')
    .description(
      'the factor-tracking run: for every factor × universe, the maximum-factor-exposure (MFE) portfolio test against the benchmark and the IC/quantile analytics; writes mfe.csv, weights.csv, daily.csv, tracking.csv, ic.csv, ic_summary.csv, quantiles.csv, summary.json and report.html into --out, atomically (exit 3 when a factor or a series has no values; infeasible dates are reported, not fatal)',
    )
    .requiredOption('--data <dir>', 'the dataset folder');
  withOption(track)
    .requiredOption('--universes <list>', 'comma-separated benchmarks, index aliases or codes: csi300,csi500,csi1000,csia500 (an index without published weights uses a float-cap proxy, said so), or the id of a benchmark universe plugin: fund-holdings (the public-fund heavy-holdings index, from the dataset’s funds and fund_holdings tables)')
    .option(
      '--factors <list>',
      'comma-separated factor ids with optional parameters (`momentum_1y:window=120,ep_ttm`); default: every factor plugin that is not a style factor (the 15 sell-side factors), leaving out with a note those whose inputs the dataset lacks',
    )
    .option('--start <date>', 'first rebalance date (YYYY-MM-DD or YYYYMMDD); default: the data’s first date (earlier data is read for lookbacks either way)')
    .requiredOption('--as-of <date>', 'the last date used: nothing after it is read (YYYY-MM-DD or YYYYMMDD)')
    .option('--frequency <f>', 'rebalance at the last trading day of each `monthly` (default) or `weekly` period', 'monthly')
    .option('--config <file>', 'JSON settings: constraints, execution, preprocess, horizons, groups, universe, investable, timeLimitMs (see the README)')
    .option('--save-problems <dir>', 'also write every MFE problem as factorkit-problem JSON: <dir>/<universe>/<factor>/<date>.json')
    .option('--workers <n>', `worker threads solving the (universe, factor) series in parallel, sharing the data and factor panels; 0 runs them in this thread (default: one per core, ${availableParallelism()} here)`)
    .option('--solver <id>', 'optimizer plugin id: highs (default) or admm, or one from an installed plugin package', 'highs')
    .requiredOption('--out <dir>', 'output folder: new, empty, or a previous tracking output (replaced as a whole)')
    .option('--max-rejected <n|p%>', 'rows the dataset may lose while loading: a count or a share of the rows read (default: any, each reported); beyond it exit 3')
    .option('--encoding <name>', 'text encoding of the dataset’s CSV files: utf-8 (default) or gbk')
    .option('--no-reuse', 'compute every series from the start instead of going on from the series states of a previous run in --out (by default, a series whose factor, universe, settings, code version and data up to the previous as-of are unchanged solves only the new dates)')
    .option('--no-progress', 'no progress bars (already off when stderr is not a terminal, in CI, or with TERM=dumb)')
    .option('-p, --plugin <package...>', 'also load these plugin packages by name')
    .option('--queue <url>', 'compute the series on `factorkit worker` processes through this Redis server (redis:// or rediss://; the password is never printed) instead of worker threads; the outputs are the same; a run continuing --out with a few new dates per series runs them here, with more the workers compute them from the start')
    .option('--queue-name <name>', 'the queues’ base name with --queue (default `factorkit`), as given to `factorkit worker --queue-name`')
    .action(async (options: TrackOptions) => {
      // Everything the flags alone can tell is checked before plugins or data are loaded.
      const out = resolve(io.cwd, options.out);
      await checkTrackingOutput(out, '--out');
      const asOf = parseDate(options.asOf, '--as-of');
      const start = options.start === undefined ? undefined : parseDate(options.start, '--start');
      if (start !== undefined && start > asOf) throw new FactorkitError('FK_INVALID_ARGUMENT', `--start \`${options.start}\` is after --as-of \`${options.asOf}\``);
      if (options.frequency !== 'weekly' && options.frequency !== 'monthly') {
        throw new FactorkitError('FK_INVALID_ARGUMENT', `--frequency: expected \`weekly\` or \`monthly\`, got \`${options.frequency}\``);
      }
      const universes = options.universes
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u !== '');
      if (universes.length === 0) throw new FactorkitError('FK_INVALID_ARGUMENT', '--universes: give at least one index (csi300, csi500, csi1000, csia500, or a code) or fund-holdings');
      const config: TrackingConfig | undefined = options.config === undefined ? undefined : await readTrackingConfig(resolve(io.cwd, options.config), '--config');
      const encoding = checkEncoding(options.encoding ?? 'utf-8', '--encoding');
      const maxRejected = options.maxRejected === undefined ? undefined : parseRejectedLimit(options.maxRejected, '--max-rejected').text;
      const requests = options.factors === undefined ? undefined : parseFactorSpecs(options.factors, '--factors');
      const workers = options.workers === undefined ? availableParallelism() : workersFlag(options.workers);
      const connection = options.queue === undefined ? undefined : parseQueueUrl(options.queue, '--queue');
      if (connection && options.saveProblems !== undefined) throw new FactorkitError('FK_INVALID_ARGUMENT', '--save-problems cannot be used with --queue (the problems are built on the workers)');
      const saver = options.saveProblems === undefined ? undefined : await problemSaver(resolve(io.cwd, options.saveProblems), '--save-problems');

      const loaded = await loadPlugins({ cwd: io.cwd, packages: options.plugin ?? [] });
      io.stderr(formatPluginFailures(loaded.failures));
      if (requests) {
        const unknown = [...new Set(requests.map((r) => r.id).filter((id) => !loaded.registry.has('factor', id)))];
        if (unknown.length > 0) throw unavailablePlugins(loaded, 'factor', unknown);
      }
      const factors = requests ? resolveFactorSpecs(requests, loaded.registry, '--factors') : defaultTrackingFactors(loaded.registry.list('factor'));
      const benchmark = requirePlugin(loaded, 'universe', 'index');
      // A listed name that is the id of another benchmark universe plugin (`fund-holdings`) is resolved by that plugin.
      const named = universes.filter((u) => u !== 'index' && loaded.registry.has('universe', u) && loaded.registry.get('universe', u).meta.benchmark === true);
      const namedBenchmarks = Object.fromEntries(named.map((u) => [u, loaded.registry.get('universe', u)]));
      const investable = requirePlugin(loaded, 'universe', 'market');
      const solver = requirePlugin(loaded, 'optimizer', options.solver);

      const started = performance.now();
      io.stderr(`loading ${options.data} …\n`);
      const load = await loadDataset(resolve(io.cwd, options.data), { encoding, ...withDirs(io.cwd, options.with), ...(maxRejected === undefined ? {} : { maxRejected }) });
      io.stderr(`${options.verbose ? formatLoadDetails(load.report, load.notes) : formatLoadSummary(load.report, load.notes)}\n`);

      const { optimizer, executor, codeVersion, spec: solverSpec } = await trackingSolver(loaded, solver.id, { workers, cwd: io.cwd, threads: !connection });
      // The previous run's states are read before anything replaces --out.
      const previous = options.reuse ? await readTrackingState(out) : undefined;
      for (const note of previous?.notes ?? []) io.stderr(`warning: ${note}\n`);
      if (previous && previous.states.length > 0) io.stderr(`reusing ${previous.states.length} series states of the previous run in ${out} (as of ${previous.lastDate}); --no-reuse computes everything again\n`);
      const progress = trackingProgress({ ...progressTarget(io), enabled: options.progress });
      let result;
      try {
        const settings: TrackingOptions = {
          data: load.dataset,
          asOf,
          ...(start === undefined ? {} : { start }),
          frequency: options.frequency,
          universes,
          benchmark,
          ...(named.length > 0 ? { namedBenchmarks } : {}),
          investable,
          factors,
          missingInputs: requests ? 'error' : 'skip',
          optimizer,
          ...(executor ? { executor } : {}),
          ...(previous && previous.states.length > 0 ? { previous: previous.states, ...(previous.run === undefined ? {} : { previousRun: previous.run }) } : {}),
          codeVersion,
          ...(config ? { config } : {}),
          ...(saver ? { onProblem: saver.onProblem } : {}),
          // Every event line goes through the bars, which clear themselves, print it and redraw.
          onEvent: (event) => progress.event(event, formatTrackingEvent(event, options.verbose === true)),
          optionNames: { asOf: '--as-of', start: '--start', universes: '--universes', factors: '--factors', config: options.config === undefined ? '--config' : `--config \`${options.config}\`` },
        };
        if (connection) {
          const dataFingerprint = await datasetFingerprint({ data: resolve(io.cwd, options.data), ...withDirs(io.cwd, options.with), encoding });
          // With --queue, settings has no executor or problem saver (refused or left out above).
          const run = await runTrackingOnQueue({
            ...settings,
            connection,
            ...(options.queueName ? { queue: { name: options.queueName } } : {}),
            dataFingerprint,
            optimizerSpec: solverSpec,
            registry: loaded.registry,
            onQueueEvent: (event) => {
              const line = formatQueueEvent(event, options.verbose === true);
              if (line !== '') progress.log(line);
            },
          });
          io.stderr(formatQueueCounts(run.queue));
          if (run.fromStart > 0) {
            io.stderr(`queue: ${run.fromStart} series the previous run's states would have continued were computed from the start on the workers (a worker is sent no state; the same values)\n`);
          }
          result = run.result;
        } else result = await runTracking(settings);
      } finally {
        progress.finish();
        await optimizer.dispose?.();
      }
      for (const note of result.notes.filter((n) => n.startsWith('the previous run could not be continued'))) io.stderr(`note: ${note}\n`);
      if (result.continuedFrom) io.stderr(`continued the previous run: factors preprocessed and series evaluated from ${result.continuedFrom}, the earlier rows from its states\n`);
      await writeTrackingOutputs(out, result, { data: basename(resolve(io.cwd, options.data)), what: '--out' });
      if (saver) io.stderr(`saved ${saver.written().toLocaleString('en-US')} problems to ${resolve(io.cwd, options.saveProblems!)}\n`);
      io.stdout(`wrote ${out}: ${formatTrackingSummary(result)} (${((performance.now() - started) / 1000).toFixed(1)} s with loading)\n`);
      // The outputs hold what could be computed; a factor or series with no values is still an error.
      const problem = trackingDataError(result);
      if (problem) throw problem;
    });
}

/** The version of the @factorkit/evaluate this CLI runs (part of each series' key: new code recomputes). */
