import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll } from 'vitest';
import type { Column, Table } from '../src/index.js';

/** A fresh temporary folder, removed after the test file. */
export function tempDir(prefix = 'fk-io-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Write `content` to `dir/name` (gzipped when the name ends in .gz) and return the path. */
export function put(dir: string, name: string, content: string | Uint8Array): string {
  const file = path.join(dir, name);
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  writeFileSync(file, name.endsWith('.gz') ? gzipSync(bytes) : bytes);
  return file;
}

/** A column's cells as plain values: numbers (NaN kept), dates as yyyymmdd (0 = empty), strings (undefined = empty). */
export function cells(table: Table, name: string): (number | string | undefined)[] {
  const column: Column | undefined = table.columns.get(name);
  if (!column) throw new Error(`no column ${name}; has ${[...table.columns.keys()].join(', ')}`);
  if (column.type === 'string') return Array.from(column.codes, (code) => (code < 0 ? undefined : column.dictionary[code]));
  return Array.from(column.values);
}

/** The whole table as { column: cells }, for toEqual. */
export function contents(table: Table): Record<string, (number | string | undefined)[]> {
  return Object.fromEntries([...table.columns.keys()].map((name) => [name, cells(table, name)]));
}

/** The rejection of a promise (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; report?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the promise to reject');
}
