/**
 * A string dictionary that interns values straight from bytes: a repeated value (a stock code
 * on every row of `daily`) costs a hash and a byte compare, never a string allocation.
 */
export class Interner {
  /** The dictionary: code → string, in order of first appearance. */
  readonly strings: string[] = [];
  /** `allowed[code]` = 1 when the string is one of the column's allowed values (or any is). */
  allowed = new Uint8Array(16);
  private readonly allowedValues: ReadonlySet<string> | undefined;
  // The bytes of every entry, back to back.
  private pool = new Uint8Array(1024);
  private poolLength = 0;
  private starts = new Int32Array(16);
  private lengths = new Int32Array(16);
  private hashes = new Int32Array(16);
  /** Open addressing: slot → code + 1 (0 = empty). */
  private table = new Int32Array(64);
  private last = -1;
  private byString: Map<string, number> | undefined;

  constructor(allowedValues?: ReadonlySet<string>) {
    this.allowedValues = allowedValues;
  }

  /** The code of the UTF-8 bytes `buf[start, end)` (not empty), adding it when new. */
  intern(buf: Uint8Array, start: number, end: number): number {
    const length = end - start;
    const last = this.last;
    if (last >= 0 && this.lengths[last] === length && this.equals(last, buf, start, length)) return last;
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ buf[i]!, 0x01000193);
    const table = this.table;
    const mask = table.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = table[slot]!;
      if (entry === 0) break;
      const code = entry - 1;
      if (this.hashes[code] === hash && this.lengths[code] === length && this.equals(code, buf, start, length)) {
        this.last = code;
        return code;
      }
      slot = (slot + 1) & mask;
    }
    const code = this.add(decodeUtf8(buf, start, end), buf, start, length, hash);
    table[slot] = code + 1;
    if (this.strings.length * 2 > table.length) this.rehash();
    this.last = code;
    return code;
  }

  /** The code of `value` (not empty), adding it when new; for values that arrive as strings. */
  internString(value: string): number {
    if (!this.byString) this.byString = new Map(this.strings.map((s, i) => [s, i]));
    const found = this.byString.get(value);
    if (found !== undefined) return found;
    const code = this.strings.length;
    this.pushString(value);
    this.byString.set(value, code);
    return code;
  }

  private equals(code: number, buf: Uint8Array, start: number, length: number): boolean {
    const pool = this.pool;
    const at = this.starts[code]!;
    for (let i = 0; i < length; i++) if (pool[at + i] !== buf[start + i]) return false;
    return true;
  }

  private add(value: string, buf: Uint8Array, start: number, length: number, hash: number): number {
    const code = this.strings.length;
    this.pushString(value);
    if (code >= this.starts.length) {
      this.starts = grow(this.starts, code * 2);
      this.lengths = grow(this.lengths, code * 2);
      this.hashes = grow(this.hashes, code * 2);
    }
    if (this.poolLength + length > this.pool.length) {
      const pool = new Uint8Array(Math.max(this.pool.length * 2, this.poolLength + length));
      pool.set(this.pool.subarray(0, this.poolLength));
      this.pool = pool;
    }
    this.pool.set(buf.subarray(start, start + length), this.poolLength);
    this.starts[code] = this.poolLength;
    this.lengths[code] = length;
    this.hashes[code] = hash;
    this.poolLength += length;
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
    // Only byte-interned entries live in the table; they have lengths set.
    for (let code = 0; code < this.strings.length; code++) {
      if (code >= this.hashes.length) break;
      let slot = this.hashes[code]! & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = code + 1;
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
