/**
 * `@factorkit/funds/node`: a fund analysis written as one folder of CSV files and a
 * self-contained `report.html`, atomically. Node-only, so that `@factorkit/funds` itself reads
 * and writes nothing.
 *
 * @packageDocumentation
 */
import { FactorkitError } from '@factorkit/core';
import { atomicDirectory, checkWritableOutput, writeFileAtomic } from '@factorkit/core/node';
import { renderHtml, writeCsv } from '@factorkit/report';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FundAnalytics } from './analytics.js';
import { fundReport } from './document.js';
import { FUND_FILES, fundTables } from './outputs.js';

const TEMPORARY = /^\..+\.\d+\.[0-9a-f]+\.tmp$/;

/**
 * Whether a folder's entries make it a fund-analysis output that {@link writeFundOutputs} may
 * replace: it holds `fund_excess.csv`, and otherwise only files a fund analysis writes (and
 * hidden temporaries of an interrupted write).
 */
export function isFundOutput(entries: readonly string[]): boolean {
  return entries.includes('fund_excess.csv') && entries.every((name) => FUND_FILES.includes(name) || TEMPORARY.test(name));
}

/**
 * Check, before any work, that {@link writeFundOutputs} can write `dir`: its parent folder exists
 * and is writable, and `dir` is new, empty or a previous fund-analysis output.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming `what` (the CLI passes `--out`) and `dir`.
 */
export async function checkFundOutput(dir: string, what = 'dir'): Promise<void> {
  checkWritableOutput(dir, what, 'folder');
  const existing = await stat(dir).catch(() => undefined);
  if (!existing) return;
  const entries = await readdir(dir);
  if (entries.length > 0 && !isFundOutput(entries)) {
    const shown = entries.slice(0, 5).map((e) => `\`${e}\``).join(', ');
    throw new FactorkitError(
      'FK_INVALID_ARGUMENT',
      `${what}: \`${dir}\` is not empty and not the output of a fund analysis (it holds ${shown}${entries.length > 5 ? `, … ${entries.length} entries` : ''}); give a new or empty folder, or a previous fund analysis output to replace`,
      { details: { path: dir } },
    );
  }
}

/** Options of {@link writeFundOutputs}. */
export interface WriteFundOptions {
  /** Shown on the page as the time of the analysis; default now (ISO 8601). */
  readonly generatedAt?: string;
  /** What the data was (folder names), shown on the page. */
  readonly data?: string;
  /** Named in messages for `dir` (default `dir`; the CLI passes `--out`). */
  readonly what?: string;
}

/**
 * Write a fund analysis into the folder `dir`, atomically: `excess_distribution.csv`,
 * `fund_excess.csv`, `new_high.csv`, `heavy_holdings.csv`, `excluded.csv` (`fundTables`) and
 * `report.html` (`fundReport`, rendered by `@factorkit/report`: self-contained, opens offline,
 * every data text escaped). The files go into a temporary folder beside `dir`, which then takes
 * its place: `dir` never holds a partial output. An existing `dir` is replaced only when it is
 * empty or a previous fund-analysis output ({@link isFundOutput}). Returns the paths written.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` from {@link checkFundOutput} or a failed write (`dir` is then as it was).
 */
export async function writeFundOutputs(dir: string, result: FundAnalytics, options: WriteFundOptions = {}): Promise<string[]> {
  const what = options.what ?? 'dir';
  await checkFundOutput(dir, what);
  // Rendered first: a document the renderer refuses leaves the disk as it was.
  const html = renderHtml(fundReport(result, { generatedAt: options.generatedAt ?? new Date().toISOString(), ...(options.data ? { data: options.data } : {}) }));
  await atomicDirectory(
    dir,
    async (temporary) => {
      await mkdir(temporary, { recursive: true });
      for (const table of fundTables(result)) await writeCsv(join(temporary, table.file), table.columns, table.rows);
      await writeFileAtomic(join(temporary, 'report.html'), html, what);
    },
    { replace: isFundOutput, owner: what },
  );
  return FUND_FILES.map((file) => join(dir, file));
}
