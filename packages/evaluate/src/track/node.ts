/**
 * `@factorkit/evaluate/node`: the files of a tracking run — its outputs written as one folder,
 * atomically; its configuration read from a JSON file; its MFE problems saved as
 * `factorkit-problem` files. Node-only, so that `@factorkit/evaluate` itself reads and writes
 * nothing.
 *
 * @packageDocumentation
 */
import { FactorkitError } from '@factorkit/core';
import { atomicDirectory, checkWritableOutput, writeFileAtomic } from '@factorkit/core/node';
import { writeProblemFile } from '@factorkit/portfolio/node';
import { renderHtml, writeCsv } from '@factorkit/report';
import { mkdir, readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type TrackingConfig, parseTrackingConfig } from './config.js';
import { trackingReport } from './document.js';
import { TRACKING_FILES, trackingSummary } from './summary.js';
import { trackingTables } from './tables.js';
import type { TrackingProblemEntry, TrackingResult } from './types.js';

const TEMPORARY = /^\..+\.\d+\.[0-9a-f]+\.tmp$/;

/**
 * Whether a folder's entries make it a tracking output that {@link writeTrackingOutputs} may
 * replace: it holds `summary.json`, and otherwise only files a tracking run writes (and hidden
 * temporaries of an interrupted write).
 */
export function isTrackingOutput(entries: readonly string[]): boolean {
  return entries.includes('summary.json') && entries.every((name) => TRACKING_FILES.includes(name) || TEMPORARY.test(name));
}

/**
 * Check, before any work, that {@link writeTrackingOutputs} can write `dir`: its parent folder
 * exists and is writable, and `dir` is new, empty or a previous tracking output — never a file,
 * nor a folder holding anything else.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming `what` (the CLI passes `--out`) and `dir`.
 */
export async function checkTrackingOutput(dir: string, what = 'dir'): Promise<void> {
  checkWritableOutput(dir, what, 'folder');
  const existing = await stat(dir).catch(() => undefined);
  if (!existing) return;
  const entries = await readdir(dir);
  if (entries.length > 0 && !isTrackingOutput(entries)) {
    const shown = entries.slice(0, 5).map((e) => `\`${e}\``).join(', ');
    throw new FactorkitError(
      'FK_INVALID_ARGUMENT',
      `${what}: \`${dir}\` is not empty and not the output of a tracking run (it holds ${shown}${entries.length > 5 ? `, … ${entries.length} entries` : ''}); give a new or empty folder, or a previous tracking output to replace`,
      { details: { path: dir } },
    );
  }
}

/** Options of {@link writeTrackingOutputs}. */
export interface WriteTrackingOptions {
  /** Shown on the page as the time of the run; default now (ISO 8601). */
  readonly generatedAt?: string;
  /** What the data was (a folder name), shown on the page. */
  readonly data?: string;
  /** Named in messages for `dir` (default `dir`; the CLI passes `--out`). */
  readonly what?: string;
}

/** Typed arrays as arrays; `NaN` and infinities become `null` as `JSON.stringify` makes them. */
function replacer(_key: string, value: unknown): unknown {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as unknown as ArrayLike<number>) : value;
}

/**
 * Write every output of a tracking run into the folder `dir`, atomically: `mfe.csv`,
 * `weights.csv`, `daily.csv`, `tracking.csv`, `ic.csv`, `ic_summary.csv`, `quantiles.csv`
 * (`trackingTables`), `summary.json` (`trackingSummary`) and `report.html` (`trackingReport`,
 * rendered by `@factorkit/report`: self-contained, opens offline). The files are written into a
 * temporary folder beside `dir`, which then takes its place, so `dir` never holds a partial or
 * mixed output; an existing `dir` is replaced only when it is empty or a previous tracking
 * output ({@link isTrackingOutput}). The CSV files of two runs on the same inputs are
 * byte-identical. Returns the paths written.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` from {@link checkTrackingOutput} or a failed write.
 */
export async function writeTrackingOutputs(dir: string, result: TrackingResult, options: WriteTrackingOptions = {}): Promise<string[]> {
  const what = options.what ?? 'dir';
  await checkTrackingOutput(dir, what);
  // Rendered first: a document the renderer refuses leaves the disk as it was.
  const html = renderHtml(trackingReport(result, { generatedAt: options.generatedAt ?? new Date().toISOString(), ...(options.data ? { data: options.data } : {}) }));
  await atomicDirectory(
    dir,
    async (temporary) => {
      await mkdir(temporary, { recursive: true });
      for (const table of trackingTables(result)) await writeCsv(join(temporary, table.file), table.columns, table.rows());
      await writeFileAtomic(join(temporary, 'summary.json'), `${JSON.stringify(trackingSummary(result), replacer, 2)}\n`, what);
      await writeFileAtomic(join(temporary, 'report.html'), html, what);
    },
    { replace: isTrackingOutput, owner: what },
  );
  return TRACKING_FILES.map((file) => join(dir, file));
}

/**
 * Read and check a tracking configuration file (JSON; see `TrackingConfig`): every problem at
 * once with its dot-path, the file named in the message.
 *
 * @param what names the option in messages (the CLI passes `--config`).
 * @throws FactorkitError `FK_INVALID_ARGUMENT` (unreadable, not JSON), ValidationError `FK_INVALID_PARAMS`.
 */
export async function readTrackingConfig(path: string, what = 'config'): Promise<TrackingConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: cannot read \`${path}\`: ${(cause as Error).message}`, { cause, details: { path } });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: \`${path}\` is not valid JSON: ${(cause as Error).message}`, { cause, details: { path } });
  }
  return parseTrackingConfig(value, `${what} \`${path}\``);
}

/** A name safe in a path: characters other than letters, digits, `.`, `_`, `=` and `-` become `_`. */
function safe(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._=-]/g, '_');
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? `_${cleaned}` : cleaned;
}

/** The file of one problem under a `--save-problems` folder: `<universe>/<factor>/<date>.json`, deterministic. */
export function problemFileName(entry: Pick<TrackingProblemEntry, 'universe' | 'factor' | 'date'>): string {
  return join(safe(entry.universe), safe(entry.factor), `${entry.date}.json`);
}

/** What {@link problemSaver} returns: the callback for `runTracking`'s `onProblem`, and a count. */
export interface ProblemSaver {
  readonly onProblem: (entry: TrackingProblemEntry) => Promise<void>;
  /** Problems written so far. */
  readonly written: () => number;
}

/**
 * Save every MFE problem of a run as a `factorkit-problem` JSON file (`@factorkit/portfolio`'s
 * format, which `factorkit optimize` and any solver reading it re-solve) at
 * `dir/<universe>/<factor>/<date>.json` ({@link problemFileName}), each written atomically.
 * `dir` is checked now and created when absent; files of an earlier run with the same names are
 * replaced.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming `what` when `dir` cannot be written.
 */
export async function problemSaver(dir: string, what = 'saveProblems'): Promise<ProblemSaver> {
  checkWritableOutput(dir, what, 'folder');
  await mkdir(dir, { recursive: true });
  let written = 0;
  return {
    onProblem: async (entry) => {
      const path = join(dir, problemFileName(entry));
      await mkdir(dirname(path), { recursive: true });
      await writeProblemFile(path, entry.problem, 'json');
      written++;
    },
    written: () => written,
  };
}

export { type WorkerExecutorOptions, workerExecutor } from '../parallel/pool.js';
export type { WorkerOptimizerSpec } from '../parallel/protocol.js';
