import { type ErrorCode, type Issue, type SparseMatrix, ValidationError } from '@factorkit/core';

const MAX_ISSUES = 20;

/**
 * A document given as a parsed value or as JSON text: the value, or a `ValidationError` with
 * `code` naming `what` (a file name in backticks, or `problem JSON`) when the text does not parse.
 */
export function parseJsonInput(input: unknown, what: string, code: ErrorCode, summary = `${what} is not valid JSON`): unknown {
  if (typeof input !== 'string') return input;
  try {
    return JSON.parse(input) as unknown;
  } catch (cause) {
    throw new ValidationError(code, summary, [{ path: '', message: (cause as Error).message }], { cause });
  }
}

/** Collects every problem of a JSON document with its path (at most 20, then "more problems not listed"). */
export class Reader {
  readonly issues: Issue[] = [];
  add(path: string, message: string): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path, message });
    else if (this.issues.length === MAX_ISSUES) this.issues.push({ path: '', message: 'more problems not listed' });
  }
  describe(v: unknown): string {
    if (typeof v === 'string') return JSON.stringify(v);
    if (Array.isArray(v)) return 'an array';
    if (v === null) return 'null';
    if (typeof v === 'object') return 'an object';
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'undefined') return String(v);
    return typeof v;
  }
  object(v: unknown, path: string): Record<string, unknown> | undefined {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    this.add(path, `expected an object, got ${this.describe(v)}`);
    return undefined;
  }
  array(v: unknown, path: string, length?: number, lengthWhat?: string): unknown[] | undefined {
    if (!Array.isArray(v)) {
      this.add(path, `expected an array, got ${this.describe(v)}`);
      return undefined;
    }
    const arr: unknown[] = v;
    if (length !== undefined && arr.length !== length) {
      this.add(path, `expected ${length} entries${lengthWhat ? ` (${lengthWhat})` : ''}, got ${arr.length}`);
      return undefined;
    }
    return arr;
  }
  int(v: unknown, path: string, min: number, max: number, what = 'an integer'): number | undefined {
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      this.add(path, `expected ${what}, got ${this.describe(v)}`);
      return undefined;
    }
    if (v < min || v > max) {
      this.add(path, `${what} ${v} out of range [${min}, ${max}]`);
      return undefined;
    }
    return v;
  }
  string(v: unknown, path: string, nonEmpty = false): string {
    if (typeof v === 'string' && (!nonEmpty || v !== '')) return v;
    this.add(path, `expected a ${nonEmpty ? 'non-empty ' : ''}string, got ${this.describe(v)}`);
    return '';
  }
  boolean(v: unknown, path: string): boolean {
    if (typeof v === 'boolean') return v;
    this.add(path, `expected true or false, got ${this.describe(v)}`);
    return false;
  }
  strings(v: unknown, path: string): string[] {
    return (this.array(v, path) ?? []).map((x, i) => this.string(x, `${path}[${i}]`));
  }
  /** A finite number, or `null` (written for a value that was not finite). */
  finiteOrNull(v: unknown, path: string): number | null {
    if (v === null) return null;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    this.add(path, `expected a finite number or null, got ${this.describe(v)}`);
    return null;
  }
  finite(v: unknown, path: string): number {
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    this.add(path, `expected a finite number, got ${this.describe(v)}`);
    return Number.NaN;
  }
  /** A bound: number, "inf", "-inf", or null (= `nullAs`). */
  bound(v: unknown, path: string, nullAs: number): number {
    if (v === null) return nullAs;
    if (v === 'inf') return Number.POSITIVE_INFINITY;
    if (v === '-inf') return Number.NEGATIVE_INFINITY;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    this.add(path, `expected a number, "inf", "-inf" or null, got ${this.describe(v)}`);
    return Number.NaN;
  }
  floats(v: unknown, path: string, length: number, what?: string, read: (x: unknown, p: string) => number = (x, p) => this.finite(x, p)): Float64Array {
    const arr = this.array(v, path, length, what);
    const out = new Float64Array(length);
    if (arr) arr.forEach((x, i) => (out[i] = read(x, `${path}[${i}]`)));
    return out;
  }
  /** Compressed sparse matrix: `major` segments over `minor` indices. */
  sparse(v: unknown, path: string, major: number, minor: number, majorName: string, minorName: string, upperTriangle: boolean): SparseMatrix | undefined {
    const o = this.object(v, path);
    if (!o) return undefined;
    const before = this.issues.length;
    const start = this.array(o.start, `${path}.start`, major + 1, `${majorName} + 1`);
    const index = this.array(o.index, `${path}.index`);
    const value = this.array(o.value, `${path}.value`, index?.length, `as many as ${path}.index`);
    if (!start || !index || !value) return undefined;
    const s = new Int32Array(major + 1);
    for (let k = 0; k <= major; k++) {
      const x = this.int(start[k], `${path}.start[${k}]`, 0, index.length, 'an offset');
      if (x === undefined) continue;
      s[k] = x;
      if (k === 0 && x !== 0) this.add(`${path}.start[0]`, `must be 0, got ${x}`);
      if (k > 0 && x < s[k - 1]!) this.add(`${path}.start[${k}]`, `offset ${x} is smaller than the previous ${s[k - 1]}`);
    }
    if (s[major] !== index.length) this.add(`${path}.start[${major}]`, `must equal the number of entries ${index.length}, got ${s[major]}`);
    const idx = new Int32Array(index.length);
    const val = new Float64Array(index.length);
    for (let k = 0; k < index.length; k++) {
      const x = index[k];
      if (typeof x !== 'number' || !Number.isInteger(x)) this.add(`${path}.index[${k}]`, `expected an integer ${minorName} index, got ${this.describe(x)}`);
      else if (x < 0 || x >= minor) this.add(`${path}.index[${k}]`, `${minorName} ${x} out of range (numVariables ${minor})`);
      else idx[k] = x;
      val[k] = this.finite(value[k], `${path}.value[${k}]`);
    }
    if (upperTriangle && this.issues.length === before) {
      for (let col = 0; col < major; col++) {
        for (let k = s[col]!; k < s[col + 1]!; k++) {
          if (idx[k]! > col) this.add(`${path}.index[${k}]`, `row ${idx[k]} below the diagonal in column ${col}: store the upper triangle only`);
        }
      }
    }
    if (this.issues.length !== before) return undefined;
    return { rows: upperTriangle ? minor : major, cols: minor, start: s, index: idx, value: val };
  }
}

