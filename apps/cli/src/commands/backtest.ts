import { FactorkitError, type MarketData, parseDate } from '@factorkit/core';
import { checkEncoding, formatLoadDetails, formatLoadSummary, loadDataset, parseRejectedLimit } from '@factorkit/data';
import { type StrategyDefinition, type StrategyResult, createStrategy, runStrategy } from '@factorkit/strategy';
import { checkStrategyOutput, readStrategyFile, writeStrategyOutputs } from '@factorkit/strategy/node';
import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { defaultCacheDir, demoMarket } from '../demo-market.js';
import { EXIT_NO_SOLUTION } from '../exit.js';
import { type CliIo, formatTable } from '../io.js';
import { formatPluginFailures, loadPlugins } from '../plugins.js';
import { progressTarget } from '../progress.js';
import { stageProgress } from '../stage-progress.js';
import { withDirs, withOption } from '../with.js';

interface BacktestOptions {
  readonly config: string;
  readonly data?: string;
  readonly with?: string[];
  readonly out: string;
  readonly start?: string;
  readonly end?: string;
  readonly cache?: string;
  readonly plugin?: string[];
  readonly maxRejected?: string;
  readonly encoding?: string;
  readonly verbose?: boolean;
  /** `false` with `--no-progress`. */
  readonly progress: boolean;
}

/**
 * `factorkit backtest`: run a strategy file (YAML or JSON) on a dataset and write the run as one
 * folder — the backtest's CSV files, the strategy's tables, `metrics.json`, `strategy.json` and a
 * self-contained `report.html` (`writeStrategyOutputs` of `@factorkit/strategy/node`). The work is
 * `runStrategy`; the command checks flags, reads the file, loads plugins and data, and prints the
 * metrics. Exit codes: 1 bad input (an invalid strategy file names every problem with its
 * dot-path), 2 when the strategy's `infeasible.policy: stop` ended the run, 3 data problems.
 */
export function registerBacktestCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const command = program
    .command('backtest')
    .description(
      'backtest a strategy file (YAML or JSON: universe, benchmark, factors, model, objective, constraints, rebalance, costs…): factors → walk-forward model → optimised portfolio each rebalance → A-share simulation; writes nav.csv, trades.csv, holdings.csv, periods.csv, metrics.json, factor_weights.csv, rebalances.csv, exposures.csv, attribution.csv, contributions.csv, hit_rate.csv, strategy.json and report.html into --out, atomically (exit 2 when an infeasible rebalance stops the run under `infeasible.policy: stop`)',
    )
    .requiredOption('--config <file>', 'the strategy file (.yaml, .yml or .json)')
    .option('--data <dir>', 'the dataset folder; default: the synthetic demo market (generated once into --cache)');
  withOption(command)
    .requiredOption('--out <dir>', 'output folder: new, empty, or a previous backtest output (replaced as a whole)')
    .option('--start <date>', 'first day of the backtest (YYYY-MM-DD or YYYYMMDD); overrides the file’s `start`')
    .option('--end <date>', 'last day of the backtest; overrides the file’s `end`')
    .option('--cache <dir>', 'where the synthetic demo market is kept when --data is not given', defaultCacheDir())
    .option('--max-rejected <n|p%>', 'rows the dataset may lose while loading: a count or a share of the rows read (default: any, each reported); beyond it exit 3')
    .option('--encoding <name>', 'text encoding of the dataset’s CSV files: utf-8 (default) or gbk')
    .option('--no-progress', 'no progress bar (already off when stderr is not a terminal, in CI, or with TERM=dumb)')
    .option('-p, --plugin <package...>', 'also load these plugin packages by name')
    .action(async (options: BacktestOptions) => {
      // Everything the flags alone can tell is checked before plugins or data are loaded.
      const out = resolve(io.cwd, options.out);
      await checkStrategyOutput(out, '--out');
      const start = options.start === undefined ? undefined : parseDate(options.start, '--start');
      const end = options.end === undefined ? undefined : parseDate(options.end, '--end');
      if (start !== undefined && end !== undefined && start > end) throw new FactorkitError('FK_INVALID_ARGUMENT', `--start \`${options.start}\` is after --end \`${options.end}\``);
      if (options.data === undefined && options.with !== undefined && options.with.length > 0) {
        throw new FactorkitError('FK_INVALID_ARGUMENT', '--with needs --data (the synthetic demo market takes no supplementary folders)');
      }
      const encoding = checkEncoding(options.encoding ?? 'utf-8', '--encoding');
      const maxRejected = options.maxRejected === undefined ? undefined : parseRejectedLimit(options.maxRejected, '--max-rejected').text;
      const file = resolve(io.cwd, options.config);
      const definition = await readStrategyFile(file);
      const dataDir = options.data === undefined ? undefined : resolve(io.cwd, options.data);
      if (dataDir !== undefined) await checkDataFolder(dataDir, options.data!);

      const loaded = await loadPlugins({ cwd: io.cwd, packages: options.plugin ?? [] });
      io.stderr(formatPluginFailures(loaded.failures));
      const strategy = createStrategy(overrideDates(definition, start, end), { registry: loaded.registry });

      const started = performance.now();
      let data: MarketData;
      let label: string;
      if (dataDir === undefined) {
        const market = await demoMarket(resolve(io.cwd, options.cache ?? defaultCacheDir()), io);
        data = market.data;
        label = 'synthetic demo market';
      } else {
        io.stderr(`loading ${options.data}${options.with?.length ? ` with ${options.with.join(', ')}` : ''} …\n`);
        const load = await loadDataset(dataDir, { encoding, ...withDirs(io.cwd, options.with), ...(maxRejected === undefined ? {} : { maxRejected }) });
        io.stderr(`${options.verbose ? formatLoadDetails(load.report, load.notes) : formatLoadSummary(load.report, load.notes)}\n`);
        data = load.dataset;
        label = [dataDir, ...(options.with ?? [])].map((dir) => basename(resolve(io.cwd, dir))).join(' + ');
      }

      const result = await runWithProgress(io, options.progress, (progress) => runStrategy(data, strategy, { progress: (event) => progress.event(event) }));
      const files = await writeStrategyOutputs(out, result, { data: label, what: '--out' });
      io.stdout(formatStrategySummary(result));
      io.stderr(formatTimings(result.timings));
      for (const note of result.notes) io.stderr(`note: ${note}\n`);
      io.stdout(`wrote ${out}: ${files.length} files (${((performance.now() - started) / 1000).toFixed(1)} s with loading)\nreport: ${join(out, 'report.html')}\n`);
      if (result.rebalances.some((r) => r.status === 'stopped')) {
        const stopped = result.rebalances.find((r) => r.status === 'stopped')!;
        io.stderr(`error [FK_INFEASIBLE]: the rebalance of ${stopped.date} is infeasible and the strategy's policy is \`stop\`${stopped.messages.length ? `: ${stopped.messages.join('; ')}` : ''}\n`);
        setExitCode(EXIT_NO_SOLUTION);
      }
    });
}

/** The definition with `--start` / `--end` in place of the file's dates. */
function overrideDates(definition: StrategyDefinition, start: string | undefined, end: string | undefined): StrategyDefinition {
  return { ...definition, ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) };
}

/** A missing or non-folder `--data` is named before plugins load (loading would fail later with less context). */
async function checkDataFolder(dir: string, given: string): Promise<void> {
  const found = await stat(dir).catch(() => undefined);
  if (!found) throw new FactorkitError('FK_INVALID_ARGUMENT', `--data: no folder \`${given}\` (resolved to \`${dir}\`)`, { details: { path: dir } });
  if (!found.isDirectory()) throw new FactorkitError('FK_INVALID_ARGUMENT', `--data: \`${given}\` is a file, not a dataset folder`, { details: { path: dir } });
}

/** Run `work` with a live progress line on stderr (when wanted), cleared at the end either way. */
export async function runWithProgress(io: CliIo, enabled: boolean, work: (progress: ReturnType<typeof stageProgress>) => Promise<StrategyResult>): Promise<StrategyResult> {
  const progress = stageProgress({ ...progressTarget(io), enabled });
  try {
    return await work(progress);
  } finally {
    progress.finish();
  }
}

const pct = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(2)}%`);
const num = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(2));

/**
 * The run's headline as a table for stdout: strategy and benchmark, the period, annual return of
 * the strategy and of the benchmark, annual excess (difference and ratio), tracking error,
 * information ratio, drawdowns, turnover, cost drag, win and new-high rates, the stock-level hit
 * rate, and the rebalances by status.
 */
export function formatStrategySummary(result: StrategyResult): string {
  const m = result.backtest.metrics;
  const statuses = new Map<string, number>();
  for (const r of result.rebalances) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  const rows: [string, string][] = [
    ['strategy', result.name],
    ['benchmark', result.benchmark],
    ['period', `${m.start} → ${m.end} (${m.days} days)`],
    ['annual return', pct(m.annualReturn)],
    ['benchmark annual return', pct(m.benchmarkAnnualReturn)],
    ['annual excess', pct(m.annualExcess)],
    ['annual excess (ratio)', pct(m.annualExcessRatio)],
    ['tracking error', pct(m.trackingError)],
    ['information ratio', num(m.informationRatio)],
    ['max drawdown', pct(m.maxDrawdown)],
    ['excess max drawdown', pct(m.excessMaxDrawdown)],
    ['turnover (one-way, a year)', num(m.turnover)],
    ['cost drag (a year)', pct(m.costDrag)],
    ['weekly win rate', pct(m.weeklyWinRate)],
    ['new-high rate', pct(m.newHighRate)],
    ['stock-level hit rate', `${pct(result.hitRate.mean)} (random ${pct(result.hitRate.random)})`],
    ['rebalances', [...statuses].map(([status, n]) => `${n} ${status}`).join(', ') || '0'],
  ];
  return formatTable(['metric', 'value'], rows);
}

/** The run's stages and their wall times, one line: `time: factors 3.1 s, model 0.8 s, …`. */
export function formatTimings(timings: Readonly<Record<string, number>>): string {
  const parts = Object.entries(timings).map(([stage, ms]) => `${stage} ${(ms / 1000).toFixed(1)} s`);
  return parts.length > 0 ? `time: ${parts.join(', ')}\n` : '';
}
