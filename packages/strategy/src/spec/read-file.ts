import { FactorkitError, show } from '@factorkit/core';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parseStrategy } from './parse.js';
import type { StrategyDefinition } from './types.js';

const FORMATS: Readonly<Record<string, 'yaml' | 'json'>> = { '.yaml': 'yaml', '.yml': 'yaml', '.json': 'json' };

/**
 * Read and check a strategy file: YAML (`.yaml`, `.yml`) or JSON (`.json`), by its extension.
 * Problems name the file with their line and column (`csi300.yaml:14:5 strategy.…`), and so do
 * those `createStrategy` finds in the definition returned.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` for another extension or a file that cannot be
 *   read (naming it); ValidationError `FK_INVALID_STRATEGY` from `parseStrategy`.
 */
export async function readStrategyFile(path: string): Promise<StrategyDefinition> {
  if (typeof path !== 'string' || path === '') throw new FactorkitError('FK_INVALID_ARGUMENT', `readStrategyFile: expected a file path, got ${show(path)}`);
  const format = FORMATS[extname(path).toLowerCase()];
  if (!format) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `strategy file \`${path}\`: expected a \`.yaml\`, \`.yml\` or \`.json\` file, got the extension ${show(extname(path))}`, {
      details: { path },
    });
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : error instanceof Error ? error.message : String(error);
    throw new FactorkitError('FK_INVALID_ARGUMENT', `strategy file \`${path}\` cannot be read: ${why}`, { cause: error, details: { path } });
  }
  return parseStrategy(text.replace(/^\uFEFF/, ''), { file: path, format });
}
