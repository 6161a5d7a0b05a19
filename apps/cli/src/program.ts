import { isFactorkitError } from '@factorkit/core';
import { Command, CommanderError } from 'commander';
import { registerBacktestCommand } from './commands/backtest.js';
import { registerDataCommand } from './commands/data.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerFactorsCommand } from './commands/factors.js';
import { registerFundsCommand } from './commands/funds.js';
import { registerOptimizeCommand } from './commands/optimize.js';
import { registerPluginsCommand } from './commands/plugins.js';
import { registerTrackCommand } from './commands/track.js';
import { registerWeeklyCommand } from './commands/weekly.js';
import { registerSweepCommand } from './commands/sweep.js';
import { registerWorkerCommand } from './commands/worker.js';
import { EXIT_DATA, EXIT_NO_SOLUTION, EXIT_OK, EXIT_USAGE } from './exit.js';
import { type CliIo, processIo } from './io.js';
import { cliVersion } from './plugins.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  bad input or usage (unknown flag, malformed file, unknown plugin, unwritable output)
  2  a result that is not a solution (infeasible, unbounded, iteration or time limit)
  3  data problems above the accepted threshold (rejected rows, an unusable dataset, no values)
  129/130/143  interrupted by SIGHUP/SIGINT/SIGTERM (partial output files are removed)

Dates are accepted as YYYY-MM-DD or YYYYMMDD. --verbose on any command prints causes and details.`;

/** The `factorkit` command tree, writing to `io`. */
export function createProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('factorkit')
    .description('factorkit: factor research, portfolio optimisation and backtests for enhanced-index strategies on A-shares')
    .version(cliVersion(), '-v, --version', 'print the CLI version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .addHelpText('after', EXIT_CODES_HELP);
  registerPluginsCommand(program, io, setExitCode);
  registerDataCommand(program, io, setExitCode);
  registerFactorsCommand(program, io, setExitCode);
  registerOptimizeCommand(program, io, setExitCode);
  registerTrackCommand(program, io, setExitCode);
  registerFundsCommand(program, io, setExitCode);
  registerWorkerCommand(program, io, setExitCode);
  registerBacktestCommand(program, io, setExitCode);
  registerDemoCommand(program, io, setExitCode);
  registerWeeklyCommand(program, io, setExitCode);
  registerSweepCommand(program, io, setExitCode);
  // Every command accepts --verbose (the causes of errors, every drop reason in full).
  for (const command of leafCommands(program)) {
    if (!command.options.some((o) => o.long === '--verbose')) command.option('--verbose', 'print details: the cause of an error, every reason in full');
  }
  return program;
}

function leafCommands(command: Command): Command[] {
  return command.commands.length === 0 ? [command] : command.commands.flatMap(leafCommands);
}

/**
 * The exit code an error stands for: `FK_INFEASIBLE` / `FK_NOT_SOLVED` → 2, data problems
 * (an unusable dataset, rows rejected beyond the threshold, a factor left with no values) → 3,
 * everything else a user can cause → 1.
 */
export function exitCodeOf(error: unknown): number {
  if (!isFactorkitError(error)) return EXIT_USAGE;
  if (error.code === 'FK_INFEASIBLE' || error.code === 'FK_NOT_SOLVED') return EXIT_NO_SOLUTION;
  if (error.name === 'DataValidationError' || error.code === 'FK_DATA_REJECTED' || error.code === 'FK_NO_VALUES') return EXIT_DATA;
  return EXIT_USAGE;
}

/** An error as one or more lines for stderr: never a stack trace unless `verbose`, never `Error: Error:`. */
export function formatError(error: unknown, verbose: boolean): string {
  const message = messageOf(error);
  const head = isFactorkitError(error) ? `error [${error.code}]: ${message}` : `error: ${message}`;
  const lines = [head];
  let cause = (error as { cause?: unknown } | null)?.cause;
  if (verbose) {
    if (!isFactorkitError(error) && error instanceof Error && error.stack) lines.push(indent(stackOnly(error)));
    for (let depth = 0; cause !== undefined && depth < 5; depth++) {
      lines.push(`  caused by: ${messageOf(cause)}`);
      if (cause instanceof Error && cause.stack) lines.push(indent(stackOnly(cause), '    '));
      cause = (cause as { cause?: unknown }).cause;
    }
  } else if (cause !== undefined && isFactorkitError(error) && !isFactorkitError(cause)) {
    // A foreign cause (what a plugin or the system threw) adds what the message left out.
    lines.push('  (run with --verbose for the cause)');
  }
  return `${lines.join('\n')}\n`;
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // Errors wrapped in errors must not read `Error: Error: …`.
  return text.replace(/^(?:\w*Error: )+/, '');
}

function stackOnly(error: Error): string {
  return (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line)).join('\n');
}

function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((line) => by + line.trim())
    .join('\n');
}

/**
 * Run the CLI on `argv` (without the `node` and script entries) and resolve to the exit code
 * (see `exit.ts`). Errors print as `error [CODE]: message`, their causes and stacks only with
 * `--verbose`; nothing calls `process.exit`.
 */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = EXIT_OK;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    io.stderr(formatError(error, argv.includes('--verbose')));
    return exitCodeOf(error);
  }
}
