import { type FactorkitError, isFactorkitError } from '@factorkit/core';

/** What `fn` throws, as a factorkit error; fails the test when it returns or throws something else. */
export function thrown(fn: () => unknown): FactorkitError {
  try {
    fn();
  } catch (error) {
    if (isFactorkitError(error)) return error;
    throw new Error(`expected a FactorkitError, got ${String(error)}`);
  }
  throw new Error('expected a FactorkitError, but nothing was thrown');
}

/** Rows of a CSV text (RFC 4180 quoting), header first; a minimal reader for the data cards' files. */
export function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The rows of a CSV text as objects keyed by the header. */
export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = readCsv(text);
  return rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i] ?? ''])));
}
