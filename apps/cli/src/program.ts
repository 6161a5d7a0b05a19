import { isFactorkitError } from '@factorkit/core';
import { Command, CommanderError } from 'commander';
import { registerDataCommand } from './commands/data.js';
import { registerFactorsCommand } from './commands/factors.js';
import { registerOptimizeCommand } from './commands/optimize.js';
import { registerPluginsCommand } from './commands/plugins.js';
import { type CliIo, processIo } from './io.js';
import { cliVersion } from './plugins.js';

/** The `factorkit` command tree, writing to `io`. */
export function createProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('factorkit')
    .description('factorkit: factor research, portfolio optimisation and backtests for enhanced-index strategies on A-shares')
    .version(cliVersion(), '-v, --version', 'print the CLI version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerPluginsCommand(program, io, setExitCode);
  registerDataCommand(program, io, setExitCode);
  registerFactorsCommand(program, io, setExitCode);
  registerOptimizeCommand(program, io, setExitCode);
  return program;
}

/**
 * Run the CLI on `argv` (without the `node` and script entries) and resolve to the exit code.
 * Errors with a factorkit code print as `error [CODE]: message`; nothing calls `process.exit`.
 */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (isFactorkitError(error)) {
      io.stderr(`error [${error.code}]: ${error.message}\n`);
      return 1;
    }
    io.stderr(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
