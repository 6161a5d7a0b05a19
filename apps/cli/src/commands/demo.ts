import { FactorkitError } from '@factorkit/core';
import { createStrategy, runStrategy } from '@factorkit/strategy';
import { checkStrategyOutput, readStrategyFile, writeStrategyOutputs } from '@factorkit/strategy/node';
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { defaultCacheDir, demoMarket } from '../demo-market.js';
import type { CliIo } from '../io.js';
import { cliPackageDir, formatPluginFailures, loadPlugins } from '../plugins.js';
import { formatStrategySummary, formatTimings, runWithProgress } from './backtest.js';

/** The demo's backtest range: the market's last two years (the years before feed factor lookbacks and the first trainings). */
export const DEMO_RANGE = Object.freeze({ start: '2022-01-04', end: '2023-12-29' });

/** The strategy file the demo runs. */
export const DEMO_STRATEGY = 'csi1000-enhanced.yaml';

/**
 * The demo's strategy file: `apps/strategies/csi1000-enhanced.yaml` of the workspace the CLI is
 * built in.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` when it is not there (a CLI installed from npm).
 */
export function demoStrategyFile(): string {
  const candidates = [join(cliPackageDir, 'strategies', DEMO_STRATEGY), resolve(cliPackageDir, '..', 'strategies', DEMO_STRATEGY)];
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `demo: the strategy file \`${DEMO_STRATEGY}\` is not beside this CLI (looked in ${candidates.map((c) => `\`${c}\``).join(', ')})`);
  }
  return found;
}

interface DemoOptions {
  readonly out?: string;
  readonly cache: string;
  readonly verbose?: boolean;
  /** `false` with `--no-progress`. */
  readonly progress: boolean;
}

/**
 * `factorkit demo`: the main job on the synthetic market — the CSI 1000 enhanced strategy (the 15
 * sell-side factors, walk-forward ridge regression weighting, weekly rebalances) over the market's last
 * two years, written like `factorkit backtest` writes a run; prints the metrics and the path of
 * `report.html`. The market is generated once and cached (`--cache`).
 */
export function registerDemoCommand(program: Command, io: CliIo, _setExitCode: (code: number) => void): void {
  program
    .command('demo')
    .description(
      `the main job on the synthetic market: generate it once (cached in --cache), backtest apps/strategies/${DEMO_STRATEGY} (CSI 1000 enhanced: the 15 sell-side factors, walk-forward ridge regression weighting, weekly rebalances, benchmark 95% CSI 1000 + 5% deposit) from ${DEMO_RANGE.start} to ${DEMO_RANGE.end}, write the run and report.html into --out, and print the metrics`,
    )
    .option('--out <dir>', 'output folder: new, empty, or a previous run (replaced); default: demo-report beside the cache')
    .option('--cache <dir>', 'where the synthetic market is kept between runs', defaultCacheDir())
    .option('--no-progress', 'no progress bar (already off when stderr is not a terminal, in CI, or with TERM=dumb)')
    .action(async (options: DemoOptions) => {
      const started = performance.now();
      const cache = resolve(io.cwd, options.cache);
      const out = options.out === undefined ? join(dirname(cache), 'demo-report') : resolve(io.cwd, options.out);
      await checkStrategyOutput(out, '--out');
      const file = demoStrategyFile();
      const definition = { ...(await readStrategyFile(file)), ...DEMO_RANGE };
      const loaded = await loadPlugins({ cwd: io.cwd });
      io.stderr(formatPluginFailures(loaded.failures));
      const strategy = createStrategy(definition, { registry: loaded.registry });
      const { data } = await demoMarket(cache, io);
      io.stderr(`running ${definition.name} (${file}) from ${DEMO_RANGE.start} to ${DEMO_RANGE.end} …\n`);
      const result = await runWithProgress(io, options.progress, (progress) => runStrategy(data, strategy, { progress: (event) => progress.event(event) }));
      await writeStrategyOutputs(out, result, { data: 'synthetic demo market', what: '--out' });
      io.stdout(formatStrategySummary(result));
      io.stderr(formatTimings(result.timings));
      if (options.verbose) for (const note of result.notes) io.stderr(`note: ${note}\n`);
      else if (result.notes.length > 0) io.stderr(`${result.notes.length} notes on what the run approximated or left out: in metrics.json and the report (--verbose prints them)\n`);
      io.stdout(`report: ${join(out, 'report.html')}\n(done in ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
    });
}
