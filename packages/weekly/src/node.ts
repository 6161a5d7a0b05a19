/**
 * `@factorkit/weekly/node`: a weekly report written as one folder of CSV files, `weekly.json`,
 * a self-contained `report.html` and the tracking run's own output (`tracking/`, with the states
 * next week's run goes on from), atomically. Node-only, so that `@factorkit/weekly` itself reads
 * and writes nothing.
 *
 * @packageDocumentation
 */
import { FactorkitError } from '@factorkit/core';
import { atomicDirectory, checkWritableOutput, writeFileAtomic } from '@factorkit/core/node';
import { type TrackingStateRead, readTrackingState, writeTrackingOutputs } from '@factorkit/evaluate/node';
import { renderHtml, writeCsv } from '@factorkit/report';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { weeklyReport } from './document.js';
import { TRACKING_DIR, WEEKLY_FILES, weeklyFiles, weeklySummary, weeklyTables } from './outputs.js';
import type { WeeklyResult } from './types.js';

const TEMPORARY = /^\..+\.\d+\.[0-9a-f]+\.tmp$/;

/**
 * Whether a folder's entries make it a weekly output that {@link writeWeeklyOutputs} may
 * replace: it holds `weekly.json`, and otherwise only files a weekly report writes (and hidden
 * temporaries of an interrupted write).
 */
export function isWeeklyOutput(entries: readonly string[]): boolean {
  return entries.includes('weekly.json') && entries.every((name) => WEEKLY_FILES.includes(name) || TEMPORARY.test(name));
}

/**
 * Check, before any work, that {@link writeWeeklyOutputs} can write `dir`: its parent folder
 * exists and is writable, and `dir` is new, empty or a previous weekly output.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming `what` (the CLI passes `--out`) and `dir`.
 */
export async function checkWeeklyOutput(dir: string, what = 'dir'): Promise<void> {
  checkWritableOutput(dir, what, 'folder');
  const existing = await stat(dir).catch(() => undefined);
  if (!existing) return;
  const entries = await readdir(dir);
  if (entries.length > 0 && !isWeeklyOutput(entries)) {
    const shown = entries.slice(0, 5).map((e) => `\`${e}\``).join(', ');
    throw new FactorkitError(
      'FK_INVALID_ARGUMENT',
      `${what}: \`${dir}\` is not empty and not the output of a weekly report (it holds ${shown}${entries.length > 5 ? `, … ${entries.length} entries` : ''}); give a new or empty folder, or a previous weekly output to replace`,
      { details: { path: dir } },
    );
  }
}

/** What {@link readPreviousTracking} found, and where. */
export interface PreviousTracking extends TrackingStateRead {
  /** The folder the states were read from. */
  readonly dir: string;
}

/**
 * The series states a weekly tracking run goes on from (`runTracking`'s `previous` and
 * `previousRun`): those of `tracking` when given (the output folder of a `factorkit track` run
 * or of a weekly report's `tracking/`; a weekly output folder itself is looked into), else those
 * the previous weekly report in `out` left in its `tracking/` folder. None found is no error
 * (`lastDate` is then `undefined`): the run computes every series from the start. Read before
 * anything replaces `out`.
 */
export async function readPreviousTracking(options: { readonly out: string; readonly tracking?: string }): Promise<PreviousTracking> {
  const dir = options.tracking ?? join(options.out, TRACKING_DIR);
  const read = await readTrackingState(dir);
  // A weekly output named as `tracking`: its states are in its tracking/ folder.
  if (options.tracking !== undefined && read.lastDate === undefined && read.notes.length === 0) {
    const inner = join(dir, TRACKING_DIR);
    const nested = await readTrackingState(inner);
    if (nested.lastDate !== undefined) return { dir: inner, ...nested };
  }
  return { dir, ...read };
}

/** Options of {@link writeWeeklyOutputs}. */
export interface WriteWeeklyOptions {
  /** Shown on the page as the time of the report; default now (ISO 8601). */
  readonly generatedAt?: string;
  /** What the data was (folder names), shown on the page. */
  readonly data?: string;
  /** Named in messages for `dir` (default `dir`; the CLI passes `--out`). */
  readonly what?: string;
}

/** Typed arrays as arrays; `NaN` and infinities become `null` as `JSON.stringify` makes them. */
function replacer(_key: string, value: unknown): unknown {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as unknown as ArrayLike<number>) : value;
}

/**
 * Write a weekly report into the folder `dir`, atomically: the CSV tables of the sections that
 * are there (`weeklyTables`: `strategies.csv`, `strategy_windows.csv`, `strategy_nav.csv`,
 * `mfe_factors.csv`, `fund_excess_distribution.csv`), `weekly.json` (`weeklySummary`),
 * `report.html` (`weeklyReport`, rendered by `@factorkit/report`: self-contained, opens offline,
 * every data text escaped) and, with the tracking section, `tracking/`: the tracking run's whole
 * output with its states (`writeTrackingOutputs`), which next week's run goes on from
 * ({@link readPreviousTracking}). The files go into a temporary folder beside `dir`, which then
 * takes its place: `dir` never holds a partial output. An existing `dir` is replaced only when it
 * is empty or a previous weekly output ({@link isWeeklyOutput}). Returns the paths written.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` from {@link checkWeeklyOutput} or a failed write (`dir` is then as it was).
 */
export async function writeWeeklyOutputs(dir: string, result: WeeklyResult, options: WriteWeeklyOptions = {}): Promise<string[]> {
  const what = options.what ?? 'dir';
  await checkWeeklyOutput(dir, what);
  const generatedAt = options.generatedAt ?? new Date().toISOString();
  const data = options.data ? { data: options.data } : {};
  // Rendered first: a document the renderer refuses leaves the disk as it was.
  const html = renderHtml(weeklyReport(result, { generatedAt, ...data }));
  const files = weeklyFiles(result);
  await atomicDirectory(
    dir,
    async (temporary) => {
      await mkdir(temporary, { recursive: true });
      for (const table of weeklyTables(result)) await writeCsv(join(temporary, table.file), table.columns, table.rows());
      await writeFileAtomic(join(temporary, 'weekly.json'), `${JSON.stringify(weeklySummary(result, files), replacer, 2)}\n`, what);
      await writeFileAtomic(join(temporary, 'report.html'), html, what);
      if (result.tracking.status === 'ok') await writeTrackingOutputs(join(temporary, TRACKING_DIR), result.tracking.value, { generatedAt, ...data, what: `${what} ${TRACKING_DIR}/` });
    },
    { replace: isWeeklyOutput, owner: what },
  );
  return files.map((file) => join(dir, file));
}
