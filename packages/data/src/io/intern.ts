import { CODE_STYLES, normaliseSecurityCode } from './codes.js';

/** Options of an {@link Interner}. */
export interface InternerOptions {
  /** The allowed values (of the canonical strings); others get `allowed[code] = 0`. */
  readonly allowed?: ReadonlySet<string> | undefined;
  /** Normalise security codes (`600519.XSHG` → `600519.SH`) before they enter the dictionary. */
  readonly securityCodes?: boolean;
}

/**
 * A string dictionary that interns values straight from bytes: a repeated value (a stock code
 * on every row of `daily`) costs a hash and a byte compare, never a string allocation.
 *
 * Byte strings are *entries*; each maps to a *code* of the dictionary. They differ only when
 * security codes are normalised: `600519.XSHG` and `600519.SH` are two entries with one code.
 */
export class Interner {
  /** The dictionary: code → string, in order of first appearance. */
  readonly strings: string[] = [];
  /** `allowed[code]` = 1 when the string is one of the column's allowed values (or any is). */
  allowed = new Uint8Array(16);
  /**
   * Cells interned per code style (index 1 + the style's place in `CODE_STYLES`; 0 unused):
   * how many values were normalised, counted once per cell.
   */
  readonly styleCells = new Float64Array(CODE_STYLES.length + 1);
  /** The first value seen in each style, as written. */
  readonly styleExamples: (string | undefined)[] = CODE_STYLES.map(() => undefined);
  /** Entries whose bytes are not valid UTF-8 (decoded with U+FFFD); the first one's text. */
  invalidUtf8 = 0;
  firstInvalid = '';
  private readonly allowedValues: ReadonlySet<string> | undefined;
  private readonly securityCodes: boolean;
  // The bytes of every entry, back to back.
  private pool = new Uint8Array(1024);
  private poolLength = 0;
  private starts = new Int32Array(16);
  private lengths = new Int32Array(16);
  private hashes = new Int32Array(16);
  private entryCode = new Int32Array(16);
  private entryStyle = new Int8Array(16);
  private entries = 0;
  /** Open addressing: slot → entry + 1 (0 = empty). */
  private table = new Int32Array(64);
  private last = -1;
  /** Canonical string → code (when normalising, or once strings arrive as strings). */
  private byString: Map<string, number> | undefined;
  /** Raw string → code and style, for {@link internString}. */
  private byRaw: Map<string, number> | undefined;

  constructor(options: InternerOptions = {}) {
    this.allowedValues = options.allowed;
    this.securityCodes = options.securityCodes === true;
    if (this.securityCodes) this.byString = new Map();
  }

  /** The code of the UTF-8 bytes `buf[start, end)` (not empty), adding it when new. */
  intern(buf: Uint8Array, start: number, end: number): number {
    const length = end - start;
    const last = this.last;
    let entry = -1;
    if (last >= 0 && this.lengths[last] === length && this.equals(last, buf, start, length)) entry = last;
    else {
      let hash = 0x811c9dc5;
      for (let i = start; i < end; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
      const table = this.table;
      const mask = table.length - 1;
      let slot = hash & mask;
      for (;;) {
        const found = table[slot]!;
        if (found === 0) break;
        const e = found - 1;
        if (this.hashes[e] === hash && this.lengths[e] === length && this.equals(e, buf, start, length)) {
          entry = e;
          break;
        }
        slot = (slot + 1) & mask;
      }
      if (entry < 0) {
        entry = this.addEntry(buf, start, length, hash);
        table[slot] = entry + 1;
        if (this.entries * 2 > table.length) this.rehash();
      }
      this.last = entry;
    }
    const style = this.entryStyle[entry]!;
    if (style !== 0) this.styleCells[style]!++;
    return this.entryCode[entry]!;
  }

  /** The code of `value` (not empty), adding it when new; for values that arrive as strings. */
  internString(value: string): number {
    this.byRaw ??= new Map();
    let packed = this.byRaw.get(value);
    if (packed === undefined) {
      const { code, style } = this.canonical(value);
      packed = code * 8 + style;
      this.byRaw.set(value, packed);
    }
    const style = packed & 7;
    if (style !== 0) this.styleCells[style]!++;
    return packed >>> 3;
  }

  /** The code of a new raw value and its style number (0: as written). */
  private canonical(raw: string): { code: number; style: number } {
    let text = raw;
    let style = 0;
    if (this.securityCodes) {
      const normalised = normaliseSecurityCode(raw);
      if (normalised.style !== undefined) {
        text = normalised.code;
        style = CODE_STYLES.indexOf(normalised.style) + 1;
        this.styleExamples[style - 1] ??= raw;
      }
    }
    this.byString ??= new Map(this.strings.map((s, i) => [s, i]));
    let code = this.byString.get(text);
    if (code === undefined) {
      code = this.strings.length;
      this.pushString(text);
      this.byString.set(text, code);
    }
    return { code, style };
  }

  private equals(entry: number, buf: Uint8Array, start: number, length: number): boolean {
    const pool = this.pool;
    const at = this.starts[entry]!;
    for (let i = 0; i < length; i++) if (pool[at + i] !== buf[start + i]) return false;
    return true;
  }

  private addEntry(buf: Uint8Array, start: number, length: number, hash: number): number {
    const text = decodeUtf8(buf, start, start + length);
    if (text.includes('\uFFFD') && !isValidUtf8(buf, start, start + length)) {
      if (this.invalidUtf8++ === 0) this.firstInvalid = text;
    }
    // Without normalisation every entry is a new code, in order: no map needed.
    const { code, style } = this.securityCodes || this.byString ? this.canonical(text) : { code: this.pushNew(text), style: 0 };
    const entry = this.entries++;
    if (entry >= this.starts.length) {
      this.starts = grow(this.starts, entry * 2);
      this.lengths = grow(this.lengths, entry * 2);
      this.hashes = grow(this.hashes, entry * 2);
      this.entryCode = grow(this.entryCode, entry * 2);
      const styles = new Int8Array(entry * 2);
      styles.set(this.entryStyle);
      this.entryStyle = styles;
    }
    if (this.poolLength + length > this.pool.length) {
      const pool = new Uint8Array(Math.max(this.pool.length * 2, this.poolLength + length));
      pool.set(this.pool.subarray(0, this.poolLength));
      this.pool = pool;
    }
    this.pool.set(buf.subarray(start, start + length), this.poolLength);
    this.starts[entry] = this.poolLength;
    this.lengths[entry] = length;
    this.hashes[entry] = hash;
    this.entryCode[entry] = code;
    this.entryStyle[entry] = style;
    this.poolLength += length;
    return entry;
  }

  private pushNew(value: string): number {
    const code = this.strings.length;
    this.pushString(value);
    return code;
  }

  private pushString(value: string): void {
    const code = this.strings.length;
    this.strings.push(value);
    if (code >= this.allowed.length) {
      const allowed = new Uint8Array(this.allowed.length * 2);
      allowed.set(this.allowed);
      this.allowed = allowed;
    }
    this.allowed[code] = this.allowedValues === undefined || this.allowedValues.has(value) ? 1 : 0;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let entry = 0; entry < this.entries; entry++) {
      let slot = this.hashes[entry]! & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = entry + 1;
    }
    this.table = table;
  }
}

function grow(array: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(size);
  out.set(array);
  return out;
}

const utf8 = new TextDecoder('utf-8');
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether `buf[start, end)` is valid UTF-8 (a U+FFFD in the decoded text may be genuine). */
export function isValidUtf8(buf: Uint8Array, start: number, end: number): boolean {
  try {
    strictUtf8.decode(buf.subarray(start, end));
    return true;
  } catch {
    return false;
  }
}

/** UTF-8 text of `buf[start, end)` (invalid sequences become U+FFFD). */
export function decodeUtf8(buf: Uint8Array, start: number, end: number): string {
  // Short ASCII strings (codes, enum values) are faster to build by hand than through TextDecoder.
  if (end - start <= 16) {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (buf[i]! > 127) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode(...buf.subarray(start, end));
  }
  return utf8.decode(buf.subarray(start, end));
}
