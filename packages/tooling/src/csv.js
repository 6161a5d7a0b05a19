import { readFileSync } from 'node:fs';

/**
 * CSV text as RFC 4180 reads it: `,` between cells, `"` around a cell that holds `,`, `"` or a
 * line break, `""` inside quotes for one quote, `\r\n` or `\n` between records. A reader of its
 * own for tests, independent of the writers under test.
 */
export function parseCsv(text) {
  const records = [];
  let record = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch !== '"') cell += ch;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(cell);
      cell = '';
    } else if (ch === '\n') {
      record.push(cell);
      records.push(record);
      record = [];
      cell = '';
    } else if (ch !== '\r') cell += ch;
  }
  if (quoted) throw new Error('CSV ends inside a quoted cell');
  if (cell !== '' || record.length > 0) {
    record.push(cell);
    records.push(record);
  }
  return records;
}

/** A CSV file as its header and its rows keyed by the header's names. */
export function readCsvFile(file) {
  const [header = [], ...records] = parseCsv(readFileSync(file, 'utf8'));
  return { header, rows: records.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']))) };
}
