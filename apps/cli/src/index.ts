/**
 * @factorkit/cli as a library: run the `factorkit` command in-process (for tests, notebooks
 * and other tools) and load plugins the way the CLI does.
 *
 * @packageDocumentation
 */
export { createProgram, run } from './program.js';
export { type CliIo, formatTable, processIo } from './io.js';
export {
  type LoadPluginsOptions,
  type LoadedPlugins,
  type PluginLoadFailure,
  cliPackageDir,
  cliVersion,
  formatPluginFailures,
  loadPlugins,
  requirePlugin,
  unavailablePlugins,
} from './plugins.js';
export { EXIT_DATA, EXIT_NO_SOLUTION, EXIT_OK, EXIT_USAGE } from './exit.js';
export { exitCodeOf, formatError } from './program.js';
