/**
 * `@factorkit/backtest/node`: a backtest written as one folder of CSV files and `metrics.json`,
 * atomically. Node-only, so that `@factorkit/backtest` itself reads and writes nothing.
 *
 * @packageDocumentation
 */
import { FactorkitError } from '@factorkit/core';
import { atomicDirectory, checkWritableOutput, writeFileAtomic } from '@factorkit/core/node';
import { writeCsv } from '@factorkit/report';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { BACKTEST_FILES, backtestSummary, backtestTables } from './outputs.js';
import type { BacktestResult } from './types.js';

const TEMPORARY = /^\..+\.\d+\.[0-9a-f]+\.tmp$/;

/**
 * Whether a folder's entries make it a backtest output that {@link writeBacktestOutputs} may
 * replace: it holds `nav.csv` and `metrics.json`, and otherwise only files a backtest writes (and
 * hidden temporaries of an interrupted write).
 */
export function isBacktestOutput(entries: readonly string[]): boolean {
  return entries.includes('nav.csv') && entries.includes('metrics.json') && entries.every((name) => BACKTEST_FILES.includes(name) || TEMPORARY.test(name));
}

/**
 * Check, before any work, that {@link writeBacktestOutputs} can write `dir`: its parent folder
 * exists and is writable, and `dir` is new, empty or a previous backtest output.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming `what` (the CLI passes `--out`) and `dir`.
 */
export async function checkBacktestOutput(dir: string, what = 'dir'): Promise<void> {
  checkWritableOutput(dir, what, 'folder');
  const existing = await stat(dir).catch(() => undefined);
  if (!existing) return;
  const entries = await readdir(dir);
  if (entries.length > 0 && !isBacktestOutput(entries)) {
    const shown = entries.slice(0, 5).map((e) => `\`${e}\``).join(', ');
    throw new FactorkitError(
      'FK_INVALID_ARGUMENT',
      `${what}: \`${dir}\` is not empty and not the output of a backtest (it holds ${shown}${entries.length > 5 ? `, … ${entries.length} entries` : ''}); give a new or empty folder, or a previous backtest output to replace`,
      { details: { path: dir } },
    );
  }
}

/** Options of {@link writeBacktestOutputs}. */
export interface WriteBacktestOptions {
  /** Named in messages for `dir` (default `dir`; the CLI passes `--out`). */
  readonly what?: string;
}

/**
 * Write a backtest into the folder `dir`, atomically: `nav.csv`, `trades.csv`, `holdings.csv`,
 * `periods.csv` (see `backtestTables`) and `metrics.json` (`backtestSummary`). The files go
 * into a temporary folder beside `dir`, which then takes its place: `dir` never holds a partial
 * output. An existing `dir` is replaced only when it is empty or a previous backtest output
 * ({@link isBacktestOutput}). Returns the paths written.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` from {@link checkBacktestOutput} or a failed write (`dir` is then as it was).
 */
export async function writeBacktestOutputs(dir: string, result: BacktestResult, options: WriteBacktestOptions = {}): Promise<string[]> {
  const what = options.what ?? 'dir';
  await checkBacktestOutput(dir, what);
  await atomicDirectory(
    dir,
    async (temporary) => {
      await mkdir(temporary, { recursive: true });
      for (const table of backtestTables(result)) await writeCsv(join(temporary, table.file), table.columns, table.rows());
      await writeFileAtomic(join(temporary, 'metrics.json'), `${JSON.stringify(backtestSummary(result), null, 2)}\n`, what);
    },
    { replace: isBacktestOutput, owner: what },
  );
  return BACKTEST_FILES.map((file) => join(dir, file));
}
