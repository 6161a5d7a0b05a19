import { FactorkitError, type PluginRegistry, isFactorkitError, show } from '@factorkit/core';
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { locate, sourceOf } from '../spec/errors.js';
import { readStrategyFile } from '../spec/read-file.js';
import type { StrategyDefinition, StrategyIssue } from '../spec/types.js';
import { createSweep } from './create.js';
import { parseSweep, sweepError } from './definition.js';
import type { Sweep } from './types.js';

const FORMATS: Readonly<Record<string, 'yaml' | 'json'>> = { '.yaml': 'yaml', '.yml': 'yaml', '.json': 'json' };

/** Options of {@link readSweepFile}. */
export interface ReadSweepOptions {
  /** Where plugin ids are looked up (as `createStrategy`'s). */
  readonly registry?: PluginRegistry;
}

/** Why a file cannot be read, in words. */
function unreadable(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Read a sweep file — YAML (`.yaml`, `.yml`) or JSON (`.json`), by its extension — and make
 * every variant (`parseSweep`, then `createSweep`): a `strategy:` base is read with
 * `readStrategyFile`, relative to the sweep file's folder. Problems name the sweep file with
 * their line and column; a base strategy file that cannot be read is a problem at the
 * `strategy:` line; the base file's own problems name that file.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` for another extension or a sweep file that cannot
 *   be read; ValidationError `FK_INVALID_STRATEGY` from `parseSweep`, `readStrategyFile` and
 *   `createSweep`.
 */
export async function readSweepFile(path: string, options: ReadSweepOptions = {}): Promise<Sweep> {
  if (typeof path !== 'string' || path === '') throw new FactorkitError('FK_INVALID_ARGUMENT', `readSweepFile: expected a file path, got ${show(path)}`);
  const format = FORMATS[extname(path).toLowerCase()];
  if (!format) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `sweep file \`${path}\`: expected a \`.yaml\`, \`.yml\` or \`.json\` file, got the extension ${show(extname(path))}`, { details: { path } });
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `sweep file \`${path}\` cannot be read: ${unreadable(error)}`, { cause: error, details: { path } });
  }
  const definition = parseSweep(text.replace(/^\uFEFF/, ''), { file: path, format });
  let base: StrategyDefinition | undefined;
  if (definition.strategy !== undefined) {
    const file = resolve(dirname(path), definition.strategy);
    try {
      base = await readStrategyFile(file);
    } catch (error) {
      // A file that cannot be read is the sweep's problem, at its `strategy:` line; the file's own problems stay the file's.
      if (!isFactorkitError(error) || error.code !== 'FK_INVALID_ARGUMENT') throw error;
      const issue: StrategyIssue = { path: 'sweep.strategy', message: `the base strategy ${show(definition.strategy)}: ${error.message}` };
      throw sweepError(locate([issue], sourceOf(definition)), path);
    }
  }
  return createSweep(definition, { ...(base ? { base } : {}), ...(options.registry ? { registry: options.registry } : {}), file: path });
}
