import type { MarketData, UniverseInstance } from '@factorkit/core';
import type { RebalanceInputs } from './context.js';
import { type ResolvedMfe, valueAt } from './options.js';
import type { MfeOptions } from './types.js';

/**
 * A 64-bit non-cryptographic hash of numbers and strings, two 32-bit multiply–xorshift lanes. It
 * only has to tell a checkpoint's data from other data by accident, not resist an adversary.
 * Numbers are hashed by their bits (`-0` differs from `0`; every `NaN` is one value).
 */
export class Fingerprint {
  #a = 0x9e3779b9;
  #b = 0x85ebca6b;
  readonly #float = new Float64Array(1);
  readonly #words = new Uint32Array(this.#float.buffer);

  word(w: number): void {
    this.#a = Math.imul(this.#a ^ w, 0x01000193);
    this.#a ^= this.#a >>> 15;
    this.#b = Math.imul(this.#b ^ w, 0x5bd1e995);
    this.#b ^= this.#b >>> 13;
  }

  number(v: number): void {
    if (Number.isNaN(v)) {
      this.word(0x7ff80000);
      this.word(0);
      return;
    }
    this.#float[0] = v;
    this.word(this.#words[0]!);
    this.word(this.#words[1]!);
  }

  /**
   * `number(values[i])` for every `i` in `[from, to)`, the same digest, several times faster:
   * the words are read in place (little-endian, as every platform Node runs on).
   */
  float64s(values: Float64Array, from: number, to: number): void {
    const w = new Uint32Array(values.buffer, values.byteOffset + from * 8, (to - from) * 2);
    let a = this.#a;
    let b = this.#b;
    for (let i = 0; i < w.length; i += 2) {
      let first = w[i]!;
      let second = w[i + 1]!;
      // Every NaN as one value, in the order number() hashes it.
      if ((second & 0x7ff00000) === 0x7ff00000 && ((second & 0xfffff) | first) !== 0) {
        first = 0x7ff80000;
        second = 0;
      }
      a = Math.imul(a ^ first, 0x01000193);
      a ^= a >>> 15;
      b = Math.imul(b ^ first, 0x5bd1e995);
      b ^= b >>> 13;
      a = Math.imul(a ^ second, 0x01000193);
      a ^= a >>> 15;
      b = Math.imul(b ^ second, 0x5bd1e995);
      b ^= b >>> 13;
    }
    this.#a = a;
    this.#b = b;
  }

  string(s: string): void {
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
    this.word(s.length);
  }

  /** 16 hex digits. */
  digest(): string {
    const finish = (h: number, k: number): string => {
      let x = Math.imul(h ^ (h >>> 16), k);
      x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
      x ^= x >>> 16;
      return (x >>> 0).toString(16).padStart(8, '0');
    };
    return finish(this.#a ^ Math.imul(this.#b, 0x27d4eb2f), 0x85ebca6b) + finish(this.#b ^ this.#a, 0x165667b1);
  }
}

/**
 * The data a checkpoint is checked against on resume, hashed: on the last rebalance date `r`
 * (`undefined`: none yet, an empty hash) the factor's row, each style's row (a panel, or the
 * market cap of `log-market-cap`) and the benchmark weights; then the `ret` row of every day
 * from `r` through `last`. One factor row, a few style rows and a month of returns at most: cheap.
 */
export function dataFingerprint(data: MarketData, inputs: RebalanceInputs, universe: UniverseInstance, r: number | undefined, last: number): string {
  const hash = new Fingerprint();
  if (r === undefined) return hash.digest();
  const N = data.assets.length;
  hash.string(data.calendar.at(r));
  for (let a = 0; a < N; a++) hash.number(valueAt(inputs.factor, r, a));
  for (const style of inputs.styles) {
    hash.string(style.name);
    for (let a = 0; a < N; a++) hash.number(valueAt(style.values, r, a));
  }
  const bw = universe.weights?.(r);
  hash.word(bw ? 1 : 0);
  if (bw) for (let a = 0; a < N; a++) hash.number(bw.weights[a]!);
  const ret = data.field('ret');
  for (let d = r; d <= last; d++) for (let a = 0; a < N; a++) hash.number(ret.get(d, a));
  return hash.digest();
}

/** `value` with object keys sorted at every level, functions as `"function"` and non-finite numbers as strings, ready for `JSON.stringify`. */
function canonical(value: unknown): unknown {
  if (typeof value === 'function') return 'function';
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(canonical);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as { length: number }).length})`;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

/** The settings key of a resolved run (see `MfeCheckpoint.settingsKey`). */
export function settingsKeyOf(options: MfeOptions, resolved: ResolvedMfe, price: 'vwap' | 'close'): string {
  const { settings } = resolved;
  const investable = options.investable as { readonly id?: unknown } | undefined;
  return JSON.stringify(
    canonical({
      universe: options.universe.id,
      optimizer: options.optimizer.id,
      investable: investable === undefined ? false : typeof investable.id === 'string' ? investable.id : true,
      schedule: settings.schedule,
      direction: settings.direction,
      start: settings.start,
      price: { asked: settings.requestedPrice, used: price },
      costRoundTrip: settings.costRoundTrip,
      constraints: settings.constraints,
      styleSources: Object.fromEntries(resolved.styles.map(({ name, source }) => [name, source === 'log-market-cap' ? source : 'panel'])),
      benchmarkReturns: options.benchmarkReturns === undefined ? 'computed' : 'given',
      relaxation: options.relaxation ?? [],
      warmStart: options.warmStart ?? false,
      diagnose: options.diagnose ?? {},
    }),
  );
}

/** Where two settings keys differ: `path: \`old\` → \`new\`` lines (at most `limit`). */
export function settingsDifferences(before: string, after: string, limit = 5): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (out.length >= limit) return;
    const objects = typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && Array.isArray(a) === Array.isArray(b);
    if (objects) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
      for (const key of keys) walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], Array.isArray(a) ? `${path}[${key}]` : path ? `${path}.${key}` : key);
      return;
    }
    const x = JSON.stringify(a);
    const y = JSON.stringify(b);
    if (x !== y) out.push(`${path || '(all)'}: \`${x ?? 'none'}\` → \`${y ?? 'none'}\``);
  };
  let a: unknown;
  let b: unknown;
  try {
    a = JSON.parse(before);
    b = JSON.parse(after);
  } catch {
    return [`\`${before}\` → \`${after}\``];
  }
  walk(a, b, '');
  return out;
}
