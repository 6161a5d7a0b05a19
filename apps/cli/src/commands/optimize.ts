import { FactorkitError, type OptimizerInstance, resolvePluginParams } from '@factorkit/core';
import { checkWritableOutput } from '@factorkit/core/node';
import { type PortfolioResult, solvePortfolio } from '@factorkit/portfolio';
import { readProblemFile, readRelaxationFile, writeSolutionFile } from '@factorkit/portfolio/node';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { EXIT_NO_SOLUTION, EXIT_OK } from '../exit.js';
import type { CliIo } from '../io.js';
import { formatPluginFailures, loadPlugins, requirePlugin } from '../plugins.js';

interface OptimizeOptions {
  readonly problem: string;
  readonly solver: string;
  readonly out: string;
  readonly relax?: string;
  readonly timeLimit?: string;
  readonly plugin?: string[];
}

/**
 * `factorkit optimize`: solve an exported problem file with a chosen optimizer and write a
 * `factorkit-solution` file. Exit 0 optimal; 2 (`EXIT_NO_SOLUTION`) infeasible, unbounded or
 * stopped by a limit — the file is still written, with the report; 1 bad input.
 */
export function registerOptimizeCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('optimize')
    .description(
      'solve a problem file (factorkit-problem JSON, as written by @factorkit/portfolio) and write weights, status, objective and diagnostics ' +
        '(factorkit-solution JSON). Exit 0 optimal, 2 no solution (infeasible, unbounded, iteration or time limit; the file is still written, ' +
        'with the conflict explanation), 1 bad input',
    )
    .requiredOption('--problem <file>', 'the problem: a factorkit-problem v1 JSON file')
    .option('--solver <id>', 'optimizer plugin id: highs (default) or admm, or one from an installed plugin package', 'highs')
    .requiredOption('--out <file>', 'where to write the result (.json; its folder must exist and be writable)')
    .option('--relax <file>', 'a JSON file with the declared relaxation order: [{ "group": "turnover", "steps": [0.05, 0.1] }, …]')
    .option('--time-limit <ms>', 'time limit per solve, in milliseconds (> 0)')
    .option('-p, --plugin <package...>', 'also load these plugin packages by name')
    .action(async (options: OptimizeOptions) => {
      const out = resolve(io.cwd, options.out);
      if (!out.endsWith('.json')) throw new FactorkitError('FK_INVALID_ARGUMENT', `--out: expected a .json file, got \`${options.out}\``);
      const timeLimitMs = options.timeLimit === undefined ? undefined : Number(options.timeLimit);
      if (timeLimitMs !== undefined && !(Number.isFinite(timeLimitMs) && timeLimitMs > 0)) {
        throw new FactorkitError('FK_INVALID_ARGUMENT', `--time-limit: expected a positive number of milliseconds, got \`${options.timeLimit}\``);
      }
      checkWritableOutput(out, '--out');
      const problem = await readProblemFile(resolve(io.cwd, options.problem), '--problem');
      const relaxation = options.relax === undefined ? undefined : await readRelaxationFile(resolve(io.cwd, options.relax), '--relax');

      const loaded = await loadPlugins({ cwd: io.cwd, packages: options.plugin ?? [] });
      io.stderr(formatPluginFailures(loaded.failures));
      const plugin = requirePlugin(loaded, 'optimizer', options.solver);
      const optimizer: OptimizerInstance = await plugin.create(resolvePluginParams(plugin.meta, {}, `optimizer \`${plugin.id}\``));
      let result: PortfolioResult;
      const started = Date.now();
      try {
        result = await solvePortfolio(problem, {
          optimizer,
          ...(relaxation ? { relaxation } : {}),
          ...(timeLimitMs === undefined ? {} : { timeLimitMs }),
        });
      } finally {
        await optimizer.dispose?.();
      }
      await writeSolutionFile(out, problem, result, { problem: options.problem, solver: plugin.id });
      io.stdout(`${summary(plugin.id, result, Date.now() - started)}wrote ${out}\n`);
      setExitCode(result.status === 'optimal' ? EXIT_OK : EXIT_NO_SOLUTION);
    });
}

/** The outcome in a few lines: the status, then the objective, the relaxations or the reasons. */
function summary(solver: string, result: PortfolioResult, elapsedMs: number): string {
  const steps = result.relaxations.length > 0 ? ` after ${result.relaxations.length} relaxation step(s)` : '';
  // The whole solve: every relaxation step and the diagnosis included.
  const head = `${solver}: ${result.status} in ${elapsedMs} ms${steps}`;
  const indent = (lines: readonly string[]) => lines.map((line) => `  ${line}\n`).join('');
  if (result.status === 'optimal') {
    // After relaxation: why it was needed, then what was loosened.
    const why = result.infeasibility ? result.infeasibility.messages : [];
    return `${head}: objective ${String(result.objective)}, max violation ${result.primalResidual.toExponential(2)}\n${indent([...why, ...relaxed(result)])}`;
  }
  // Infeasible: the explanation (the same whichever solver found it), not the solver's own notes.
  const lines = result.status === 'infeasible' ? [...result.infeasibility.messages, ...relaxed(result)] : result.diagnostics.messages;
  return `${head}\n${indent(lines)}`;
}

/** The `relaxed \`group\` (step k, …)` lines solvePortfolio added to the diagnostics. */
function relaxed(result: PortfolioResult): string[] {
  return result.relaxations.length > 0 ? result.diagnostics.messages.filter((m) => m.startsWith('relaxed `')) : [];
}
