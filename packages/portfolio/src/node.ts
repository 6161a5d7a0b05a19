/**
 * Node-only helpers of `@factorkit/portfolio`: writing a problem to a file atomically.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { FactorkitError, type Problem } from '@factorkit/core';
import { problemToJSON } from './json.js';
import { toLP, toMPS } from './lp.js';

/** The formats {@link writeProblemFile} writes. */
export type ProblemFileFormat = 'json' | 'lp' | 'mps';

/**
 * Write `problem` to `path` as JSON (`factorkit-problem` v1), CPLEX LP or free MPS (default:
 * from the extension). Atomic: the text goes to a temporary file beside `path`, which is then
 * renamed over it; on failure the temporary file is removed and `path` is untouched.
 */
export async function writeProblemFile(path: string, problem: Problem, format?: ProblemFileFormat): Promise<void> {
  const fmt = format ?? (path.endsWith('.lp') ? 'lp' : path.endsWith('.mps') ? 'mps' : path.endsWith('.json') ? 'json' : undefined);
  if (!fmt) throw new FactorkitError('FK_INVALID_ARGUMENT', `writeProblemFile: cannot tell the format of \`${path}\`; use a .json, .lp or .mps extension or pass \`format\``);
  const text = fmt === 'json' ? `${JSON.stringify(problemToJSON(problem))}\n` : fmt === 'lp' ? toLP(problem) : toMPS(problem);
  await writeFileAtomic(path, text, 'writeProblemFile');
}

/**
 * Write `text` to `path` atomically: to a temporary file beside it, then renamed over it. On
 * failure the temporary file is removed, `path` is left as it was, and a `FK_INVALID_ARGUMENT`
 * error names the path (and `owner`, the function or option that asked).
 */
export async function writeFileAtomic(path: string, text: string, owner = 'writeFileAtomic'): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  } catch (cause) {
    await unlink(tmp).catch(() => undefined);
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${owner}: could not write \`${path}\`: ${(cause as Error).message}`, { cause });
  }
}

export { problemFromJSON, problemToJSON } from './json.js';
