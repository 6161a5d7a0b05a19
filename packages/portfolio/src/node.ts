/**
 * Node-only helpers of `@factorkit/portfolio`: reading and writing problem and solution files
 * (writes are atomic, through `@factorkit/core/node`).
 *
 * @packageDocumentation
 */
import { FactorkitError, type Problem } from '@factorkit/core';
import { writeFileAtomic } from '@factorkit/core/node';
import { readFile } from 'node:fs/promises';
import { problemFromJSON, problemToJSON } from './json.js';
import { toLP, toMPS } from './lp.js';
import { relaxationFromJSON } from './relaxation-order.js';
import { type SolutionJSON, type SolutionMeta, solutionFromJSON, solutionToJSON } from './solution.js';
import type { PortfolioResult, RelaxationStep } from './solve.js';

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

async function readText(path: string, option: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${option}: cannot read \`${path}\`: ${(cause as Error).message}`, { cause, details: { path } });
  }
}

/**
 * Read a `factorkit-problem` v1 JSON file. A file that cannot be read is `FK_INVALID_ARGUMENT`
 * naming `option` (the flag or function that asked) and the path; one that is not valid JSON
 * or not a valid document is `FK_INVALID_PROBLEM` naming the path and every JSON path at fault.
 */
export async function readProblemFile(path: string, option = 'readProblemFile'): Promise<Problem> {
  return problemFromJSON(await readText(path, option), path);
}

/** Read a declared relaxation order from a JSON file ({@link relaxationFromJSON}; errors name the path). */
export async function readRelaxationFile(path: string, option = 'readRelaxationFile'): Promise<RelaxationStep[]> {
  return relaxationFromJSON(await readText(path, option), path);
}

/**
 * Write the outcome of `solvePortfolio` to `path` as a `factorkit-solution` v1 document
 * ({@link solutionToJSON}), atomically. An infeasible result is written too, with its report.
 */
export async function writeSolutionFile(path: string, problem: Problem, result: PortfolioResult, meta: SolutionMeta): Promise<SolutionJSON> {
  const document = solutionToJSON(problem, result, meta);
  await writeFileAtomic(path, `${JSON.stringify(document, null, 2)}\n`, 'writeSolutionFile');
  return document;
}

/** Read and check a `factorkit-solution` v1 file ({@link solutionFromJSON}; errors name the path). */
export async function readSolutionFile(path: string, option = 'readSolutionFile'): Promise<SolutionJSON> {
  return solutionFromJSON(await readText(path, option), path);
}

export { problemFromJSON, problemToJSON } from './json.js';
export { solutionFromJSON, solutionToJSON } from './solution.js';
export { relaxationFromJSON } from './relaxation-order.js';
