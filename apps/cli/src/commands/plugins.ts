import { CORE_API_VERSION } from '@factorkit/core';
import type { Command } from 'commander';
import { type CliIo, formatTable } from '../io.js';
import { loadPlugins } from '../plugins.js';

interface ListOptions {
  readonly json?: boolean;
  readonly plugin?: string[];
}

/** `factorkit plugins list`: every plugin found, built-in and installed. */
export function registerPluginsCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const plugins = program.command('plugins').description('inspect factor, universe, constraint, optimizer and model plugins');
  plugins
    .command('list')
    .description('list every plugin found: built-in ones and those installed in the current project')
    .option('--json', 'print JSON instead of a table')
    .option('-p, --plugin <package...>', 'also load these plugin packages by name')
    .action(async (options: ListOptions) => {
      const { registry, failures } = await loadPlugins({ cwd: io.cwd, packages: options.plugin ?? [] });
      const entries = registry.list().map(({ plugin, source }) => ({
        kind: plugin.kind,
        id: plugin.id,
        package: source.package ?? '',
        version: source.version ?? '',
        apiVersion: plugin.apiVersion,
        source: source.type,
        title: plugin.meta.title ?? '',
      }));
      if (options.json) {
        io.stdout(`${JSON.stringify({ coreApiVersion: CORE_API_VERSION, plugins: entries, failures }, null, 2)}\n`);
      } else {
        io.stdout(
          formatTable(
            ['KIND', 'ID', 'PACKAGE', 'VERSION', 'API', 'SOURCE', 'TITLE'],
            entries.map((e) => [e.kind, e.id, e.package, e.version, e.apiVersion, e.source, e.title]),
          ),
        );
        io.stdout(`${entries.length} plugin${entries.length === 1 ? '' : 's'}; this core provides API ${CORE_API_VERSION}\n`);
      }
      for (const failure of failures) io.stderr(`error [${failure.code}] ${failure.package}: ${failure.message}\n`);
      if (failures.length > 0) setExitCode(1);
    });
}
