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
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type TrackingConfig, parseTrackingConfig } from './config.js';
import { trackingReport } from './document.js';
import { TRACKING_FILES, trackingSummary } from './summary.js';
import { trackingTables } from './tables.js';
import { mfeCheckpointFromJSON, mfeCheckpointToJSON } from '../mfe/checkpoint-json.js';
import type { TrackingProblemEntry, TrackingResult, TrackingSeriesState } from './types.js';

const TEMPORARY = /^\..+\.\d+\.[0-9a-f]+\.tmp$/;

/**
 * Whether a folder's entries make it a tracking output that {@link writeTrackingOutputs} may
 * replace: it holds `summary.json`, and otherwise only files a tracking run writes (and hidden
 * temporaries of an interrupted write).
 */
export function isTrackingOutput(entries: readonly string[]): boolean {
  return entries.includes('summary.json') && entries.every((name) => TRACKING_FILES.includes(name) || name === STATE_DIR || TEMPORARY.test(name));
}

/** The folder of an output that holds the series states for the next run (`readTrackingState`). */
export const STATE_DIR = 'state';
const STATE_FORMAT = 'factorkit-tracking-state';
const STATE_VERSION = 1;

interface StateIndex {
  readonly format: typeof STATE_FORMAT;
  readonly version: typeof STATE_VERSION;
  readonly lastDate: string;
  readonly series: readonly (Omit<TrackingSeriesState, 'checkpoint'> & { readonly file: string })[];
}

/** What {@link readTrackingState} found. */
export interface TrackingStateRead {
  /** The series states, for `runTracking`'s `previous`. */
  readonly states: readonly TrackingSeriesState[];
  /** The last day of the run that wrote them (`undefined`: no state in the folder). */
  readonly lastDate?: string;
  /** States that could not be read, each with why (their series are computed from the start). */
  readonly notes: readonly string[];
}

/**
 * The series states a previous tracking run left in its output folder (`state/`, written by
 * {@link writeTrackingOutputs}), for `runTracking`'s `previous`: with them a run as of a later
 * date solves only the new dates. A folder without states gives none; a state file that cannot
 * be read is named in `notes` and left out (its series starts over) — never fatal, the outputs
 * can always be recomputed.
 */
export async function readTrackingState(dir: string): Promise<TrackingStateRead> {
  const indexFile = join(dir, STATE_DIR, 'index.json');
  let text: string;
  try {
    text = await readFile(indexFile, 'utf8');
  } catch {
    return { states: [], notes: [] };
  }
  let index: { lastDate: string; series: unknown[] };
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (value.format !== STATE_FORMAT || value.version !== STATE_VERSION || !Array.isArray(value.series) || typeof value.lastDate !== 'string') throw new Error(`not a ${STATE_FORMAT} v${STATE_VERSION} index`);
    index = { lastDate: value.lastDate, series: value.series as unknown[] };
  } catch (error) {
    return { states: [], notes: [`${indexFile}: unreadable (${(error as Error).message}): every series is computed from the start`] };
  }
  const states: TrackingSeriesState[] = [];
  const notes: string[] = [];
  for (const [k, item] of index.series.entries()) {
    const entry = stateEntry(item);
    if (!entry) {
      notes.push(`${indexFile}: entry ${k + 1} is malformed: its series is computed from the start`);
      continue;
    }
    const file = join(dir, STATE_DIR, entry.file);
    try {
      const checkpoint = mfeCheckpointFromJSON(await readFile(file, 'utf8'), file);
      states.push({ universe: entry.universe, factor: entry.factor, key: entry.key, lastDate: entry.lastDate, data: entry.data, checkpoint });
    } catch (error) {
      notes.push(`${file}: unreadable (${(error as Error).message}): series ${entry.universe} × ${entry.factor} is computed from the start`);
    }
  }
  return { states, lastDate: index.lastDate, notes };
}

/** An entry of `state/index.json`, or `undefined` when a field is missing or of the wrong type. */
function stateEntry(item: unknown): StateIndex['series'][number] | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const e = item as Record<string, unknown>;
  const data = e.data as Record<string, unknown> | null | undefined;
  const strings = [e.universe, e.factor, e.key, e.lastDate, e.file, data?.signal, data?.benchmark];
  if (!strings.every((v) => typeof v === 'string') || /[/\\]|^\.\.?$/.test(e.file as string)) return undefined;
  return { universe: e.universe as string, factor: e.factor as string, key: e.key as string, lastDate: e.lastDate as string, file: e.file as string, data: { signal: data!.signal as string, benchmark: data!.benchmark as string } };
}

/** The states of a result's series, as `state/index.json` and one file per series. */
async function writeState(folder: string, result: TrackingResult, what: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  const series: StateIndex['series'][number][] = [];
  for (const s of result.series) {
    if (!s.state) continue;
    const file = `${String(series.length + 1).padStart(4, '0')}.json`;
    await writeFile(join(folder, file), JSON.stringify(mfeCheckpointToJSON(s.mfe.checkpoint)));
    series.push({ ...s.state, file });
  }
  const index: StateIndex = { format: STATE_FORMAT, version: STATE_VERSION, lastDate: result.lastDate, series };
  await writeFileAtomic(join(folder, 'index.json'), `${JSON.stringify(index, null, 1)}\n`, what);
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
  /**
   * Also write the series states (`state/`: each series' MFE checkpoint and what it is valid
   * for), so that a run as of a later date reuses them ({@link readTrackingState}). Default `true`.
   */
  readonly state?: boolean;
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
 * byte-identical. With `state` (default) the series states go into `state/` for the next run
 * ({@link readTrackingState}). Returns the paths written (files, then the `state` folder).
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
      if (options.state !== false) await writeState(join(temporary, STATE_DIR), result, what);
    },
    { replace: isTrackingOutput, owner: what },
  );
  return [...TRACKING_FILES, ...(options.state === false ? [] : [STATE_DIR])].map((file) => join(dir, file));
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
