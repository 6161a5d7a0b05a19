import type { Command } from 'commander';
import { resolve } from 'node:path';

/**
 * `--with DIR`, repeatable: supplementary dataset folders whose tables join the `--data` folder
 * (`ReadDatasetOptions.with` of `@factorkit/data`, which checks that the folders agree).
 * Commands that take `--data` add it with {@link withOption} and pass {@link withDirs} on.
 */
export function withOption(command: Command): Command {
  return command.option(
    '--with <dir>',
    'a folder of supplementary tables to combine with --data (fund tables, index levels…); repeatable. The market (calendar, stocks, daily) comes from --data; a table may be in one folder only; calendars and code styles must agree',
    (value: string, previous: string[]) => [...previous, value],
    [] as string[],
  );
}

/** The `--with` folders resolved against `cwd`, as `{ with }` for the data options (empty when none). */
export function withDirs(cwd: string, dirs: readonly string[] | undefined): { with?: string[] } {
  return dirs && dirs.length > 0 ? { with: dirs.map((dir) => resolve(cwd, dir)) } : {};
}
