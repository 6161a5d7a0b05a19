import { FactorkitError, type Issue, ValidationError, show } from '@factorkit/core';
import { checkpointIssues } from './checkpoint-shape.js';
import type { MfeCheckpoint, MfeCheckpointJSON, MfeWeights } from './types.js';

/*
 * The JSON form is the checkpoint itself with four kinds of value JSON cannot hold replaced by
 * one-key objects: `{ "$float64": base64 }` and `{ "$int32": base64 }` for typed arrays (their
 * bytes, little-endian, so every bit — NaN, −0 — comes back), `{ "$number": "NaN" | "Infinity" |
 * "-Infinity" | "-0" }` for a number JSON would lose, `{ "$undefined": true }` for a property
 * or entry that is `undefined`. The weights' `codes` are left out (they are `assets[a]`).
 */

const TAGS = ['$float64', '$int32', '$number', '$undefined'] as const;
const SPECIAL: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY, '-0': -0 };

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function encodeFloats(values: Float64Array): string {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return toBase64(new Uint8Array(view.buffer));
}

function encodeInts(values: Int32Array): string {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((v, i) => view.setInt32(i * 4, v, true));
  return toBase64(new Uint8Array(view.buffer));
}

function encode(value: unknown, path: string): unknown {
  if (value === undefined) return { $undefined: true };
  if (typeof value === 'number') {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { $number: Object.is(value, -0) ? '-0' : String(value) };
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Float64Array) return { $float64: encodeFloats(value) };
  if (value instanceof Int32Array) return { $int32: encodeInts(value) };
  if (Array.isArray(value)) return value.map((v, i) => encode(v, `${path}[${i}]`));
  const proto: unknown = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (typeof value === 'object' && (proto === Object.prototype || proto === null)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = encode(v, path ? `${path}.${key}` : key);
    return out;
  }
  throw new FactorkitError('FK_INVALID_ARGUMENT', `mfeCheckpointToJSON: \`${path}\` is ${show(value)}, which a checkpoint cannot hold (plain objects, arrays, numbers, strings, booleans, Float64Array and Int32Array only)`);
}

function decode(value: unknown, path: string, issues: Issue[]): unknown {
  if (Array.isArray(value)) return value.map((v, i) => decode(v, `${path}[${i}]`, issues));
  if (typeof value !== 'object' || value === null) return value;
  const entries: [string, unknown][] = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1 && (TAGS as readonly string[]).includes(entries[0]![0])) {
    const [tag, v] = entries[0]!;
    const fail = (expected: string): undefined => void issues.push({ path, message: `expected ${expected}, got ${show(v)}` });
    if (tag === '$undefined') return v === true ? undefined : fail('true');
    if (tag === '$number') return typeof v === 'string' && v in SPECIAL ? SPECIAL[v] : fail('"NaN", "Infinity", "-Infinity" or "-0"');
    const size = tag === '$float64' ? 8 : 4;
    let bytes: Uint8Array | undefined;
    try {
      bytes = typeof v === 'string' ? fromBase64(v) : undefined;
    } catch {
      bytes = undefined;
    }
    if (!bytes || bytes.length % size !== 0) return fail(`base64 of ${size}-byte values`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = bytes.length / size;
    if (size === 8) return Float64Array.from({ length: n }, (_, i) => view.getFloat64(i * 8, true));
    return Int32Array.from({ length: n }, (_, i) => view.getInt32(i * 4, true));
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of entries) out[key] = decode(v, path ? `${path}.${key}` : key, issues);
  return out;
}

/**
 * A checkpoint as a JSON value (pass it to `JSON.stringify`): the checkpoint with its typed
 * arrays as base64 of their little-endian bytes and `NaN`, ±Infinity, −0 and `undefined` as
 * tagged one-key objects, so that {@link mfeCheckpointFromJSON} gives back an identical
 * checkpoint. The weights' stock codes are left out (rebuilt from `assets`).
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` when the checkpoint holds something else (a
 *   `Map`, a class instance), naming its path.
 */
export function mfeCheckpointToJSON(checkpoint: MfeCheckpoint): MfeCheckpointJSON {
  return encode(storedCheckpoint(checkpoint), '') as MfeCheckpointJSON;
}

/**
 * What a file keeps of a checkpoint: the checkpoint with the weights' stock codes left out
 * (they are `assets[a]`; {@link checkpointFromStored} puts them back). Shares every array.
 */
export function storedCheckpoint(checkpoint: MfeCheckpoint): unknown {
  const weights = checkpoint.result.weights.map(({ codes: _codes, ...rest }) => rest);
  return { ...checkpoint, result: { ...checkpoint.result, weights } };
}

/**
 * A checkpoint read back from {@link storedCheckpoint}'s form (typed arrays as they are, as a
 * structured clone or `v8.deserialize` gives them): the codes put back, every field a resume
 * reads checked (`checkpointIssues`).
 *
 * @throws ValidationError `FK_INVALID_DATA` naming `what` with every problem's path.
 */
export function checkpointFromStored(value: unknown, what = 'MFE checkpoint'): MfeCheckpoint {
  withCodes(value);
  const problems = checkpointIssues(value);
  if (problems.length > 0) throw new ValidationError('FK_INVALID_DATA', `${what} is not a valid MFE checkpoint`, problems);
  return value as MfeCheckpoint;
}

/**
 * Read a checkpoint written by {@link mfeCheckpointToJSON} (the parsed value or its JSON text).
 * Every field a resume reads is checked; all problems are reported at once as `FK_INVALID_DATA`
 * with their paths (`state.holdings.weight: expected 300 entries, got 299`), naming `source` (a
 * file name) when given.
 *
 * @throws ValidationError `FK_INVALID_DATA`.
 */
export function mfeCheckpointFromJSON(input: unknown, source?: string): MfeCheckpoint {
  const what = source === undefined ? 'MFE checkpoint' : `\`${source}\``;
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch (cause) {
      throw new ValidationError('FK_INVALID_DATA', `${what} is not valid JSON`, [{ path: '', message: (cause as Error).message }], { cause });
    }
  }
  const issues: Issue[] = [];
  const decoded = decode(value, '', issues);
  if (issues.length > 0) throw new ValidationError('FK_INVALID_DATA', `${what} is not a valid MFE checkpoint`, issues.slice(0, 20));
  return checkpointFromStored(decoded, what);
}

/** Put back the weights' `codes` from the checkpoint's `assets` (where both are well formed; the check reports the rest). */
function withCodes(decoded: unknown): void {
  const cp = decoded as { assets?: unknown; result?: { weights?: unknown } } | null;
  const assets = cp?.assets;
  const weights = cp?.result?.weights;
  if (!Array.isArray(assets) || !Array.isArray(weights)) return;
  const codeOf = (a: number): string => {
    const code: unknown = assets[a];
    return typeof code === 'string' ? code : '';
  };
  weights.forEach((entry: unknown, k) => {
    const w = entry as Partial<MfeWeights> | null;
    if (typeof w !== 'object' || w === null || w.codes !== undefined || !(w.assets instanceof Int32Array)) return;
    const codes = new Array<string>(w.assets.length);
    for (let i = 0; i < codes.length; i++) codes[i] = codeOf(w.assets[i]!);
    weights[k] = { date: w.date, assets: w.assets, codes, weight: w.weight, benchmark: w.benchmark, executed: w.executed };
  });
}
