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
import { type DatedFileIndex, type TrackingFileWrite, appendDatedCsv, datedCut, writeDatedCsv } from './dated-csv.js';
import { trackingReport } from './document.js';
import { STATE_DIR, type StateIndex, readStateFile, readStateIndex, runStateFromBytes, seriesEntry, seriesStateFromBytes, statePath, writeStateFolder } from './state-files.js';
import { TRACKING_FILES, trackingSummary } from './summary.js';
import { trackingTables } from './tables.js';
import type { TrackingProblemEntry, TrackingResult, TrackingSeriesState } from './types.js';

export type { TrackingFileWrite } from './dated-csv.js';

const TEMPORARY = /^\..+\.\d+\.[0-9a-f]+\.tmp$/;

/**
 * Whether a folder's entries make it a tracking output that {@link writeTrackingOutputs} may
 * replace: it holds `summary.json`, and otherwise only files a tracking run writes (and hidden
 * temporaries of an interrupted write).
 */
export function isTrackingOutput(entries: readonly string[]): boolean {
  return entries.includes('summary.json') && entries.every((name) => TRACKING_FILES.includes(name) || name === STATE_DIR || TEMPORARY.test(name));
}

export { STATE_DIR } from './state-files.js';

/** What {@link readTrackingState} found. */
export interface TrackingStateRead {
  /** The series states, for `runTracking`'s `previous`: every field the run wrote, with its MFE checkpoint. */
  readonly states: readonly TrackingSeriesState[];
  /** The last day of the run that wrote them (`undefined`: no state in the folder). */
  readonly lastDate?: string;
  /** The run-level state the run wrote (`TrackingResult.runState`); absent when it wrote none or it could not be read. */
  readonly run?: unknown;
  /** States that could not be read, each with why (their series are computed from the start). */
  readonly notes: readonly string[];
}

/**
 * The states a previous tracking run left in its output folder (`state/`, written by
 * {@link writeTrackingOutputs}), for `runTracking`'s `previous`: with them a run as of a later
 * date solves only the new dates. A folder without states gives none; an index of another
 * layout version, or a state file that cannot be read or whose checkpoint is malformed, is
 * named in `notes` and left out (its series starts over) — never fatal, the outputs can always
 * be recomputed. `run` is the run-level state (`TrackingResult.runState`), when there is one.
 */
export async function readTrackingState(dir: string): Promise<TrackingStateRead> {
  const read = await readStateIndex(dir);
  if ('missing' in read) return { states: [], notes: [] };
  if ('note' in read) return { states: [], notes: [read.note] };
  const { index } = read;
  const indexFile = statePath(dir, 'index.json');
  const states: TrackingSeriesState[] = [];
  const notes: string[] = [];
  const entries = index.series.map(seriesEntry);
  entries.forEach((entry, k) => {
    if (!entry) notes.push(`${indexFile}: entry ${k + 1} is malformed: its series is computed from the start`);
  });
  const valid = entries.filter((entry) => entry !== undefined);
  // The next file is read while this one is decoded.
  const load = (k: number): Promise<Uint8Array | Error> | undefined => (k < valid.length ? readStateFile(statePath(dir, valid[k]!.file)).catch((error: unknown) => error as Error) : undefined);
  let next = load(0);
  for (let k = 0; k < valid.length; k++) {
    const entry = valid[k]!;
    const bytes = await next!;
    next = load(k + 1);
    const file = statePath(dir, entry.file);
    try {
      if (bytes instanceof Error) throw bytes;
      states.push(seriesStateFromBytes(bytes, entry));
    } catch (error) {
      notes.push(`${file}: unreadable (${(error as Error).message}): series ${entry.universe} × ${entry.factor} is computed from the start`);
    }
  }
  let run: unknown;
  if (index.run !== undefined) {
    const file = statePath(dir, index.run);
    try {
      run = runStateFromBytes(await readStateFile(file));
    } catch (error) {
      notes.push(`${file}: unreadable (${(error as Error).message}): the run-level state is not used`);
    }
  }
  return { states, lastDate: index.lastDate, ...(run === undefined ? {} : { run }), notes };
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
  /** Told how each CSV file was written: in full, or appended to the previous output's (and why not, when it could have been). */
  readonly onFile?: (write: TrackingFileWrite) => void;
}

/** Typed arrays as arrays; `NaN` and infinities become `null` as `JSON.stringify` makes them. */
function replacer(_key: string, value: unknown): unknown {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as unknown as ArrayLike<number>) : value;
}

/**
 * The state index of the output in `dir` when its CSV files may be kept up to
 * `result.unchangedBefore`: it lists the result's series in the same order with the same keys,
 * and every series went on from the state it lists (`reuse.from` is that state's last day) —
 * the folder holds the output of the run whose states were `previous`. Otherwise why not.
 */
async function appendSource(dir: string, result: TrackingResult): Promise<StateIndex | string> {
  const read = await readStateIndex(dir);
  if ('missing' in read) return 'the folder holds no state index';
  if ('note' in read) return read.note;
  const entries = read.index.series;
  if (entries.length !== result.series.length) return `the previous output has ${entries.length} series, this run ${result.series.length}`;
  for (const [k, s] of result.series.entries()) {
    const entry = seriesEntry(entries[k]);
    if (!entry || entry.universe !== s.universe || entry.factor !== s.factor || entry.key !== s.state?.key) return `series ${k + 1} (${s.universe} × ${s.factor}) is not the previous output's`;
    if (s.reuse.status !== 'resumed' || s.reuse.from !== entry.lastDate) return `series ${s.universe} × ${s.factor} did not go on from the previous output's state`;
  }
  return read.index;
}

/**
 * Write every output of a tracking run into the folder `dir`, atomically: `mfe.csv`,
 * `weights.csv`, `daily.csv`, `tracking.csv`, `ic.csv`, `ic_summary.csv`, `quantiles.csv`
 * (`trackingTables`), `summary.json` (`trackingSummary`) and `report.html` (`trackingReport`,
 * rendered by `@factorkit/report`: self-contained, opens offline). The files are written into a
 * temporary folder beside `dir`, which then takes its place, so `dir` never holds a partial or
 * mixed output; an existing `dir` is replaced only when it is empty or a previous tracking
 * output ({@link isTrackingOutput}). The CSV files of two runs on the same inputs are
 * byte-identical. With `state` (default) the states go into `state/` for the next run
 * ({@link readTrackingState}), with where each date starts in the date-major CSV files.
 *
 * **Appending.** When `result.unchangedBefore` is set and `dir` holds the output of the run
 * whose states the result went on from (its state index lists the same series, with the states
 * they resumed from), each date-major file (`mfe.csv`, `weights.csv`, `daily.csv`, `ic.csv`)
 * that is unchanged on disk (size, modification time, header, and the bytes at the cut starting
 * with the date the index records) is built as its bytes before the first row dated
 * `unchangedBefore` or later, copied, followed by the rows from that date on, formatted now:
 * the same bytes as a full write, without formatting the history again. Any other case writes
 * the file in full; `onFile` says which happened and why. Returns the paths written (files,
 * then the `state` folder).
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` from {@link checkTrackingOutput}, a failed write, or a state that is not plain data.
 */
export async function writeTrackingOutputs(dir: string, result: TrackingResult, options: WriteTrackingOptions = {}): Promise<string[]> {
  const what = options.what ?? 'dir';
  await checkTrackingOutput(dir, what);
  // Rendered first: a document the renderer refuses leaves the disk as it was.
  const html = renderHtml(trackingReport(result, { generatedAt: options.generatedAt ?? new Date().toISOString(), ...(options.data ? { data: options.data } : {}) }));
  const from = result.unchangedBefore;
  await atomicDirectory(
    dir,
    async (temporary) => {
      await mkdir(temporary, { recursive: true });
      // Read while `dir` is still the previous output (it stays so until the new folder replaces it).
      const source = from === undefined ? undefined : await appendSource(dir, result);
      const indexes: DatedFileIndex[] = [];
      for (const table of trackingTables(result)) {
        const path = join(temporary, table.file);
        if (table.dateColumn === undefined) {
          await writeCsv(path, table.columns, table.rows());
          options.onFile?.({ file: table.file, mode: 'written', keptBytes: 0, formattedBytes: (await stat(path)).size });
          continue;
        }
        let reason = typeof source === 'string' ? source : undefined;
        let done: Awaited<ReturnType<typeof writeDatedCsv>> | undefined;
        if (from !== undefined && typeof source === 'object') {
          const cut = await datedCut(join(dir, table.file), source.tables.find((t) => typeof t === 'object' && t !== null && t.file === table.file), table, from);
          if ('cut' in cut) done = await appendDatedCsv(path, table, cut, from);
          else reason = cut.reason;
        }
        done ??= await writeDatedCsv(path, table);
        indexes.push(done.index);
        options.onFile?.(done.write.mode === 'written' && reason !== undefined ? { ...done.write, reason } : done.write);
      }
      await writeFileAtomic(join(temporary, 'summary.json'), `${JSON.stringify(trackingSummary(result), replacer, 2)}\n`, what);
      await writeFileAtomic(join(temporary, 'report.html'), html, what);
      if (options.state !== false) await writeStateFolder(join(temporary, STATE_DIR), result, indexes, what);
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
