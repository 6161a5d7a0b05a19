/**
 * The `state/` folder of a tracking output: what the next run needs to go on from this one — the
 * series states (one binary file each), the run-level state, and where each date starts in the
 * date-major CSV files. Node-only (imported by `node.ts`).
 */
import { FactorkitError, type Issue, formatIssues, isFactorkitError } from '@factorkit/core';
import { writeFileAtomic } from '@factorkit/core/node';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { checkpointFromStored, storedCheckpoint } from '../mfe/checkpoint-json.js';
import type { DatedFileIndex } from './dated-csv.js';
import type { TrackingResult, TrackingSeriesState } from './types.js';

/** The folder of an output that holds the states for the next run (`readTrackingState`). */
export const STATE_DIR = 'state';
/** The `format` of `state/index.json`. */
export const STATE_FORMAT = 'factorkit-tracking-state';
/**
 * The layout of `state/`: 2 = `index.json` with the series list and the CSV date indexes, one
 * binary file per series (`NNNN.bin`, see {@link packState}), `run.bin`. A folder of another
 * version is not read.
 */
export const STATE_VERSION = 2;
const SERIES_FORMAT = 'factorkit-tracking-series-state';
const RUN_FORMAT = 'factorkit-tracking-run-state';
const RUN_FILE = 'run.bin';

/** An entry of `state/index.json`'s `series`: enough to name the series and check the folder against a run. */
export interface StateSeriesEntry {
  readonly universe: string;
  readonly factor: string;
  readonly key: string;
  readonly lastDate: string;
  readonly file: string;
}

/** `state/index.json`. */
export interface StateIndex {
  readonly format: typeof STATE_FORMAT;
  readonly version: typeof STATE_VERSION;
  readonly lastDate: string;
  readonly series: readonly StateSeriesEntry[];
  /** `run.bin` when the result had a `runState`. */
  readonly run?: string;
  /** The date index of each date-major CSV file written. */
  readonly tables: readonly DatedFileIndex[];
}

/** What {@link readStateIndex} found: the index, or why there is none to use. */
export type StateIndexRead = { readonly index: StateIndex } | { readonly missing: true } | { readonly note: string };

/** Read and check `dir/state/index.json` (its shape; the files it names are read later). */
export async function readStateIndex(dir: string): Promise<StateIndexRead> {
  const file = join(dir, STATE_DIR, 'index.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { missing: true };
  }
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (value.format !== STATE_FORMAT) throw new Error(`not a ${STATE_FORMAT} index`);
    if (value.version !== STATE_VERSION) throw new Error(`version ${JSON.stringify(value.version)}, this @factorkit/evaluate reads version ${STATE_VERSION}`);
    if (typeof value.lastDate !== 'string' || !Array.isArray(value.series) || !Array.isArray(value.tables)) throw new Error('lastDate, series or tables is missing');
    if (value.run !== undefined && value.run !== RUN_FILE) throw new Error(`run is ${JSON.stringify(value.run)}, not "${RUN_FILE}"`);
    return { index: value as unknown as StateIndex };
  } catch (error) {
    return { note: `${file}: unreadable (${(error as Error).message}): every series is computed from the start` };
  }
}

/** An entry of the index's `series`, or `undefined` when a field is missing or of the wrong type. */
export function seriesEntry(item: unknown): StateSeriesEntry | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const e = item as Record<string, unknown>;
  if (![e.universe, e.factor, e.key, e.lastDate, e.file].every((v) => typeof v === 'string') || /[/\\]|^\.\.?$/.test(e.file as string)) return undefined;
  return { universe: e.universe as string, factor: e.factor as string, key: e.key as string, lastDate: e.lastDate as string, file: e.file as string };
}

/** A series state from its file's bytes, every field as written; its checkpoint checked. */
export function seriesStateFromBytes(bytes: Uint8Array, entry: StateSeriesEntry): TrackingSeriesState {
  const wrapper = unpackState(bytes) as { format?: unknown; version?: unknown; state?: unknown } | null;
  if (typeof wrapper !== 'object' || wrapper === null || wrapper.format !== SERIES_FORMAT) throw new Error(`not a ${SERIES_FORMAT} file`);
  if (wrapper.version !== STATE_VERSION) throw new Error(`version ${String(wrapper.version)}, this @factorkit/evaluate reads version ${STATE_VERSION}`);
  const state = wrapper.state as Record<string, unknown> | null;
  const issues: Issue[] = [];
  if (typeof state !== 'object' || state === null) throw new Error('no state');
  if (state.universe !== entry.universe || state.factor !== entry.factor) issues.push({ path: 'universe', message: `expected ${entry.universe} × ${entry.factor} (the index's entry), got ${String(state.universe)} × ${String(state.factor)}` });
  for (const key of ['key', 'lastDate'] as const) if (typeof state[key] !== 'string') issues.push({ path: key, message: 'expected a string' });
  const data = state.data as Record<string, unknown> | null | undefined;
  if (typeof data?.signal !== 'string' || typeof data.benchmark !== 'string') issues.push({ path: 'data', message: 'expected { signal, benchmark } hashes' });
  if (issues.length > 0) throw new Error(formatIssues('malformed series state', issues));
  return { ...state, checkpoint: checkpointFromStored(state.checkpoint, 'its checkpoint') } as unknown as TrackingSeriesState;
}

/** The run-level state from `run.bin`'s bytes. */
export function runStateFromBytes(bytes: Uint8Array): unknown {
  const wrapper = unpackState(bytes) as { format?: unknown; version?: unknown; run?: unknown } | null;
  if (typeof wrapper !== 'object' || wrapper === null || wrapper.format !== RUN_FORMAT) throw new Error(`not a ${RUN_FORMAT} file`);
  if (wrapper.version !== STATE_VERSION) throw new Error(`version ${String(wrapper.version)}, this @factorkit/evaluate reads version ${STATE_VERSION}`);
  return wrapper.run;
}

/** {@link packState}, its refusal (a function, a symbol, a class it cannot clone) as `FK_INVALID_ARGUMENT` naming what. */
function serialized(value: unknown, what: string, owner: string): Buffer {
  try {
    return packState(value);
  } catch (cause) {
    if (isFactorkitError(cause)) throw cause;
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${owner}: ${what} cannot be written to the state (${(cause as Error).message}); it must be plain data (objects, arrays, numbers, strings, typed arrays)`, { cause });
  }
}

/**
 * Write a result's states into `folder` (new): one file per series with every field of its
 * `state` and its MFE checkpoint (weights' codes left out), `run.bin` with `runState`, and
 * `index.json` last, with the date indexes of the CSV files written.
 */
export async function writeStateFolder(folder: string, result: TrackingResult, tables: readonly DatedFileIndex[], owner: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  const series: StateSeriesEntry[] = [];
  // A series is packed while the previous one is written; at most two series' bytes are held.
  let writing: Promise<void> = Promise.resolve();
  for (const s of result.series) {
    if (!s.state) continue;
    const file = `${String(series.length + 1).padStart(4, '0')}.bin`;
    const state = { ...s.state, checkpoint: storedCheckpoint(s.mfe.checkpoint) };
    const bytes = serialized({ format: SERIES_FORMAT, version: STATE_VERSION, state }, `the state of ${s.universe} × ${s.factor}`, owner);
    await writing;
    writing = writeFile(join(folder, file), bytes);
    series.push({ universe: s.state.universe, factor: s.state.factor, key: s.state.key, lastDate: s.state.lastDate, file });
  }
  await writing;
  if (result.runState !== undefined) await writeFile(join(folder, RUN_FILE), serialized({ format: RUN_FORMAT, version: STATE_VERSION, run: result.runState }, 'runState', owner));
  const index: StateIndex = { format: STATE_FORMAT, version: STATE_VERSION, lastDate: result.lastDate, series, ...(result.runState === undefined ? {} : { run: RUN_FILE }), tables };
  await writeFileAtomic(join(folder, 'index.json'), `${JSON.stringify(index)}\n`, owner);
}

/**
 * A file's bytes in one buffer of their own (aligned for the typed arrays viewing it), read in
 * as few calls as the system allows (`readFile` reads in chunks of 512 KiB).
 */
export async function readStateFile(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = new Uint8Array(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await handle.read(bytes, done, size - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === size ? bytes : bytes.subarray(0, done);
  } finally {
    await handle.close();
  }
}

/** Where `file` of the state folder of `dir` is. */
export function statePath(dir: string, file: string): string {
  return join(dir, STATE_DIR, file);
}

/*
 * A state file: the 8 bytes `fkstate2`, the length S of the structure (uint32, little-endian),
 * 4 bytes 0; the structure, `v8.serialize`d, with each typed array replaced by a marker
 * `{ "\u0000typed": [kind, offset, length] }`; then, from the next multiple of 8, the typed
 * arrays' bytes (platform order, little-endian everywhere Node runs), each at a multiple of 8.
 * Read back, the typed arrays are views of the file's one buffer: no copy, no allocation per
 * array — `v8.deserialize` alone copies every array into a buffer of its own, which was most
 * of the time on a state of tens of thousands of small arrays.
 */
const MAGIC = Buffer.from('fkstate2', 'latin1');
const HEADER = 16;
const MARK = '\u0000typed';
const KINDS = [Float64Array, Float32Array, Int32Array, Uint32Array, Int16Array, Uint16Array, Int8Array, Uint8Array] as const;
type TypedArray = InstanceType<(typeof KINDS)[number]>;
const align = (n: number): number => (n + 7) & ~7;

/**
 * Plain data (objects, arrays, numbers, strings, typed arrays, and whatever else
 * `v8.serialize` takes) as the bytes of a state file; {@link unpackState} gives it back.
 * An object referenced twice is written once and read back as one object (typed arrays
 * referenced twice come back as two views of the same bytes).
 */
export function packState(value: unknown): Buffer {
  const arrays: TypedArray[] = [];
  let bytes = 0;
  // Each object packed once: an object or array referenced twice (the calendar's dates in several places) stays one, and v8 writes it once.
  const packed = new Map<object, unknown>();
  const pack = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const done = packed.get(v);
    if (done !== undefined) return done;
    let out: unknown = v;
    if (ArrayBuffer.isView(v)) {
      const kind = KINDS.findIndex((k) => v instanceof k);
      if (kind >= 0) {
        const array = v as TypedArray;
        out = { [MARK]: [kind, bytes, array.length] };
        arrays.push(array);
        bytes += align(array.byteLength);
      }
    } else if (Array.isArray(v)) {
      const list: unknown[] = [];
      packed.set(v, list);
      for (const item of v) list.push(pack(item));
      out = list;
    } else {
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === null) {
        const o: Record<string, unknown> = {};
        packed.set(v, o);
        for (const key of Object.keys(v)) o[key] = pack((v as Record<string, unknown>)[key]);
        out = o;
      }
    }
    packed.set(v, out);
    return out;
  };
  const structure = serialize(pack(value));
  const start = align(HEADER + structure.length);
  const out = Buffer.alloc(start + bytes);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(structure.length, 8);
  structure.copy(out, HEADER);
  let at = start;
  for (const array of arrays) {
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
    at += align(array.byteLength);
  }
  return out;
}

/** The value of a state file written by {@link packState}; its typed arrays are views of `bytes` (copied once when misaligned). */
export function unpackState(bytes: Uint8Array): unknown {
  if (bytes.length < HEADER || !MAGIC.equals(bytes.subarray(0, 8))) throw new Error('not a factorkit state file');
  const buffer = bytes.byteOffset % 8 === 0 ? bytes : new Uint8Array(bytes);
  const length = new DataView(buffer.buffer, buffer.byteOffset, HEADER).getUint32(8, true);
  if (HEADER + length > buffer.length) throw new Error('the file is cut short');
  const start = align(HEADER + length);
  const visited = new Set<object>();
  const unpack = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v) || visited.has(v)) return v;
    if (Array.isArray(v)) {
      visited.add(v);
      for (let i = 0; i < v.length; i++) v[i] = unpack(v[i]);
      return v;
    }
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return v;
    const o = v as Record<string, unknown>;
    const marker = o[MARK];
    if (Array.isArray(marker) && Object.keys(o).length === 1) {
      const [kind, offset, count] = marker as [number, number, number];
      const Kind = KINDS[kind];
      if (!Kind || !Number.isInteger(offset) || !Number.isInteger(count) || offset < 0 || count < 0 || start + offset + count * Kind.BYTES_PER_ELEMENT > buffer.length) throw new Error('a typed array lies outside the file');
      return new Kind(buffer.buffer as ArrayBuffer, buffer.byteOffset + start + offset, count);
    }
    visited.add(o);
    for (const key of Object.keys(o)) o[key] = unpack(o[key]);
    return o;
  };
  return unpack(deserialize(buffer.subarray(HEADER, HEADER + length)));
}
