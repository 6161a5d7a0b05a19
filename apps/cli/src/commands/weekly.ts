import { FactorkitError, type OptimizerInstance, parseDate } from '@factorkit/core';
import { checkEncoding, formatLoadDetails, formatLoadSummary, loadDataset, parseRejectedLimit } from '@factorkit/data';
import { type TrackingOptions, defaultTrackingFactors, formatTrackingEvent } from '@factorkit/evaluate';
import { readTrackingConfig } from '@factorkit/evaluate/node';
import type { ExcessForm } from '@factorkit/funds';
import { parseFactorSpecs, resolveFactorSpecs } from '@factorkit/pipeline';
import { type Strategy, createStrategy } from '@factorkit/strategy';
import { readStrategyFile } from '@factorkit/strategy/node';
import { type WeeklyOptions, formatWeeklyDetails, formatWeeklySummary, runWeekly } from '@factorkit/weekly';
import { checkWeeklyOutput, readPreviousTracking, writeWeeklyOutputs } from '@factorkit/weekly/node';
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import { basename, resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { formatPluginFailures, loadPlugins, requirePlugin, unavailablePlugins } from '../plugins.js';
import { progressTarget, trackingProgress } from '../progress.js';
import { trackingSolver } from '../tracking-solver.js';
import { workersFlag } from '../flags.js';
import { withDirs, withOption } from '../with.js';

interface WeeklyCliOptions {
  readonly data: string;
  readonly with?: string[];
  readonly asOf: string;
  readonly out: string;
  readonly strategies?: string[];
  readonly tracking?: string;
  readonly universes?: string;
  readonly factors?: string;
  readonly trackingStart?: string;
  readonly frequency: string;
  readonly config?: string;
  readonly solver: string;
  readonly workers?: string;
  /** `false` with `--no-reuse`. */
  readonly reuse: boolean;
  /** `false` with `--no-funds`. */
  readonly funds: boolean;
  readonly fundTypes: string;
  readonly excess: string;
  readonly navProblems: string;
  readonly maxRejected?: string;
  readonly encoding?: string;
  readonly plugin?: string[];
  /** `false` with `--no-progress`. */
  readonly progress: boolean;
  readonly verbose?: boolean;
}

/** Codes of data problems (exit 3); any other problem exits 1. */
const DATA_CODES = new Set(['FK_DATA_REJECTED', 'FK_NO_VALUES']);

/**
 * `factorkit weekly`: the sell-side weekly report in one page — each enhanced strategy's excess
 * last week, this month and year to date, the MFE factor tables per universe, the fund
 * excess-distribution table — with its CSV and JSON files. The work is `runWeekly` and
 * `writeWeeklyOutputs` of `@factorkit/weekly`; the command reads the strategy files, loads
 * plugins and data, finds the previous tracking states, and prints what each section holds or
 * why it is absent. Exit codes: 1 bad input; after writing the outputs, 3 when a section hit a
 * data problem (NAV faults, a factor with no values) and 1 when a strategy or a section failed otherwise.
 */
export function registerWeeklyCommand(program: Command, io: CliIo, _setExitCode: (code: number) => void): void {
  const command = program
    .command('weekly')
    .description(
      'the weekly report in one page: each enhanced strategy (--strategies) backtested to --as-of with its excess last week, this month and year to date; the MFE factor tables per universe (incremental: goes on from the previous run’s states); the excess distribution of index-enhanced funds (when the data has fund NAVs). Writes strategies.csv, strategy_windows.csv, strategy_nav.csv, mfe_factors.csv, fund_excess_distribution.csv, weekly.json, report.html and tracking/ into --out, atomically; a section that cannot be made is absent, with the reason printed and shown',
    )
    .requiredOption('--data <dir>', 'the dataset folder');
  withOption(command)
    .requiredOption('--as-of <date>', 'the report date: every window ends at the last trading day on or before it, nothing later is read (YYYY-MM-DD or YYYYMMDD; within the data’s calendar)')
    .requiredOption('--out <dir>', 'output folder: new, empty, or a previous weekly output (replaced as a whole)')
    .option('--strategies <file...>', 'strategy files (YAML or JSON), each backtested up to --as-of; without any, the strategies section is absent')
    .option('--tracking <dir>', 'a tracking output (of `factorkit track`, or the tracking/ folder of a weekly output) whose series states the MFE tables go on from; default: --out’s tracking/ of the previous weekly report. Read only')
    .option('--universes <list>', 'comma-separated universes of the MFE tables (csi300, csi500, csi1000, csia500, a code, or fund-holdings), or `none`; default: the universes of the strategies (without strategies: none)')
    .option('--factors <list>', 'comma-separated factor ids with parameters for the MFE tables; default: every factor plugin that is not a style factor (the 15 sell-side factors), leaving out those whose inputs the data lacks')
    .option('--tracking-start <date>', 'first MFE rebalance date; default: the data’s first date (keep it fixed from week to week: the states are reused only for the same start)')
    .option('--frequency <f>', 'MFE rebalancing: `monthly` (default) or `weekly`', 'monthly')
    .option('--config <file>', 'tracking settings (JSON, as `factorkit track --config`)')
    .option('--solver <id>', 'optimizer plugin id of the MFE tests: highs (default) or admm', 'highs')
    .option('--workers <n>', `worker threads for the MFE series; 0 runs them in this thread (default: one per core, ${availableParallelism()} here)`)
    .option('--no-reuse', 'compute every MFE series from the start instead of going on from the previous states')
    .option('--no-funds', 'no fund section (no fund tables read)')
    .option('--fund-types <list>', 'comma-separated funds.fund_type values of the fund table, or `all`', 'index_enhanced')
    .option('--excess <form>', 'fund excess: `difference` or `ratio`', 'difference')
    .option('--nav-problems <what>', 'a fund with faulty NAV rows: `error` (the fund section fails, exit 3) or `exclude` (left out, counted)', 'error')
    .option('--max-rejected <n|p%>', 'rows the dataset may lose while loading: a count or a share of the rows read (default: any, each reported); beyond it exit 3')
    .option('--encoding <name>', 'text encoding of the dataset’s CSV files: utf-8 (default) or gbk')
    .option('--no-progress', 'no progress bars (already off when stderr is not a terminal, in CI, or with TERM=dumb)')
    .option('-p, --plugin <package...>', 'also load these plugin packages by name')
    .action(async (options: WeeklyCliOptions) => {
      // Everything the flags alone can tell is checked before plugins or data are loaded.
      const out = resolve(io.cwd, options.out);
      await checkWeeklyOutput(out, '--out');
      const asOf = parseDate(options.asOf, '--as-of');
      const trackingStart = options.trackingStart === undefined ? undefined : parseDate(options.trackingStart, '--tracking-start');
      if (trackingStart !== undefined && trackingStart > asOf) throw new FactorkitError('FK_INVALID_ARGUMENT', `--tracking-start \`${options.trackingStart}\` is after --as-of \`${options.asOf}\``);
      const frequency = choice('--frequency', options.frequency, ['monthly', 'weekly'] as const);
      const excess = choice<ExcessForm>('--excess', options.excess, ['difference', 'ratio']);
      const navProblems = choice('--nav-problems', options.navProblems, ['error', 'exclude'] as const);
      const fundTypes = options.fundTypes.trim() === 'all' ? 'all' : list(options.fundTypes);
      if (fundTypes !== 'all' && fundTypes.length === 0) throw new FactorkitError('FK_INVALID_ARGUMENT', '--fund-types: give at least one fund type or `all`');
      const encoding = checkEncoding(options.encoding ?? 'utf-8', '--encoding');
      const maxRejected = options.maxRejected === undefined ? undefined : parseRejectedLimit(options.maxRejected, '--max-rejected').text;
      const requests = options.factors === undefined ? undefined : parseFactorSpecs(options.factors, '--factors');
      const workers = options.workers === undefined ? availableParallelism() : workersFlag(options.workers);
      const config = options.config === undefined ? undefined : await readTrackingConfig(resolve(io.cwd, options.config), '--config');

      const loaded = await loadPlugins({ cwd: io.cwd, packages: options.plugin ?? [] });
      io.stderr(formatPluginFailures(loaded.failures));
      // Strategy files are read and resolved before the data: a bad file fails at once.
      const strategies: Strategy[] = [];
      for (const file of options.strategies ?? []) strategies.push(createStrategy(await readStrategyFile(resolve(io.cwd, file)), { registry: loaded.registry }));
      const universes =
        options.universes === undefined ? [...new Set(strategies.map((s) => s.definition.universe.index))] : options.universes.trim() === 'none' ? [] : list(options.universes);
      if (options.universes !== undefined && options.universes.trim() !== 'none' && universes.length === 0) {
        throw new FactorkitError('FK_INVALID_ARGUMENT', '--universes: give at least one index (csi300, csi500, csi1000, csia500, or a code), fund-holdings, or `none`');
      }
      if (universes.length === 0 && (options.tracking !== undefined || options.factors !== undefined)) {
        io.stderr(`warning: ${[options.tracking !== undefined ? '--tracking' : '', options.factors !== undefined ? '--factors' : ''].filter((f) => f !== '').join(' and ')} not used: there is no universe for the MFE tables (give --universes or --strategies)\n`);
      }
      if (requests) {
        const unknown = [...new Set(requests.map((r) => r.id).filter((id) => !loaded.registry.has('factor', id)))];
        if (unknown.length > 0) throw unavailablePlugins(loaded, 'factor', unknown);
      }

      const started = performance.now();
      io.stderr(`loading ${options.data}${options.with?.length ? ` with ${options.with.join(', ')}` : ''} …\n`);
      const load = await loadDataset(resolve(io.cwd, options.data), { encoding, ...withDirs(io.cwd, options.with), ...(maxRejected === undefined ? {} : { maxRejected }) });
      io.stderr(`${options.verbose ? formatLoadDetails(load.report, load.notes) : formatLoadSummary(load.report, load.notes)}\n`);

      let optimizer: OptimizerInstance | undefined;
      let tracking: WeeklyOptions['tracking'];
      const progress = trackingProgress({ ...progressTarget(io), enabled: options.progress });
      if (universes.length > 0) {
        const solver = await trackingSolver(loaded, options.solver, { workers, cwd: io.cwd });
        optimizer = solver.optimizer;
        const { executor } = solver;
        const named = universes.filter((u) => u !== 'index' && loaded.registry.has('universe', u) && loaded.registry.get('universe', u).meta.benchmark === true);
        const previous = options.reuse ? await readPreviousTracking({ out, ...(options.tracking === undefined ? {} : { tracking: resolve(io.cwd, options.tracking) }) }) : undefined;
        for (const note of previous?.notes ?? []) io.stderr(`warning: ${note}\n`);
        if (previous && previous.states.length > 0) io.stderr(`reusing ${previous.states.length} series states of ${previous.dir} (as of ${previous.lastDate}); --no-reuse computes everything again\n`);
        else if (options.tracking !== undefined && previous) io.stderr(`warning: --tracking ${options.tracking}: no tracking states there (neither state/ of a tracking output nor tracking/state/ of a weekly output): every MFE series is computed from the start\n`);
        const settings: Omit<TrackingOptions, 'data' | 'asOf'> = {
          ...(trackingStart === undefined ? {} : { start: trackingStart }),
          frequency,
          universes,
          benchmark: requirePlugin(loaded, 'universe', 'index'),
          ...(named.length > 0 ? { namedBenchmarks: Object.fromEntries(named.map((u) => [u, loaded.registry.get('universe', u)])) } : {}),
          investable: requirePlugin(loaded, 'universe', 'market'),
          factors: requests ? resolveFactorSpecs(requests, loaded.registry, '--factors') : defaultTrackingFactors(loaded.registry.list('factor')),
          missingInputs: requests ? 'error' : 'skip',
          optimizer,
          ...(executor ? { executor } : {}),
          ...(previous && previous.states.length > 0 ? { previous: previous.states, ...(previous.run === undefined ? {} : { previousRun: previous.run }) } : {}),
          // The same key as `factorkit track`'s, so the states of a track run are reused.
          codeVersion: solver.codeVersion,
          ...(config ? { config } : {}),
          onEvent: (event) => progress.event(event, formatTrackingEvent(event, options.verbose === true)),
          optionNames: { start: '--tracking-start', universes: '--universes', factors: '--factors', config: options.config === undefined ? '--config' : `--config \`${options.config}\`` },
        };
        tracking = settings;
      }

      let result;
      try {
        result = await runWeekly(load.dataset, {
          asOf,
          strategies,
          ...(tracking ? { tracking } : {}),
          funds: options.funds ? { fundTypes, excess, navProblems, rejected: load.report.tables } : false,
          absentReasons: {
            strategies: 'no strategy file was given (--strategies)',
            tracking: options.universes?.trim() === 'none' ? 'switched off with --universes none' : 'no universe: give --universes, or --strategies to take their universes',
            funds: 'switched off with --no-funds',
          },
          onEvent: (event) => {
            if (event.kind === 'strategy' && event.phase === 'start') progress.log(`strategy ${event.name} (${event.index + 1}/${event.count}) …\n`);
          },
          optionNames: { asOf: '--as-of' },
        });
      } finally {
        progress.finish();
        await optimizer?.dispose?.();
      }
      io.stderr(formatWeeklyDetails(result));
      const data = [options.data, ...(options.with ?? [])].map((dir) => basename(resolve(io.cwd, dir))).join(' + ');
      await writeWeeklyOutputs(out, result, { data, what: '--out' });
      io.stdout(`wrote ${out}: ${formatWeeklySummary(result)} (${((performance.now() - started) / 1000).toFixed(1)} s with loading)\n`);
      // The outputs hold every section that could be made; a failed one is still an error.
      if (result.problems.length > 0) {
        const first = result.problems.find((p) => DATA_CODES.has(p.code)) ?? result.problems[0]!;
        const lines = result.problems.map((p) => `  - ${p.section} [${p.code}]: ${p.message}`);
        throw new FactorkitError(first.code, `${result.problems.length} section problem${result.problems.length === 1 ? '' : 's'} (the outputs in ${out} show what could be made):\n${lines.join('\n')}`);
      }
    });
}

function list(text: string): string[] {
  return text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

function choice<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new FactorkitError('FK_INVALID_ARGUMENT', `${flag}: expected ${allowed.map((a) => `\`${a}\``).join(' or ')}, got \`${value}\``);
  return value as T;
}

/** The version of the @factorkit/evaluate this CLI runs (part of each series' key, as in `factorkit track`). */
