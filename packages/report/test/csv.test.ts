import { isFactorkitError } from '@factorkit/core';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CsvColumn, type TableBlock, type TableRow, csvField, csvHeader, csvRow, tableToCsv, writeCsv } from '../src/index.js';
import { seeded } from './fixture.js';

/** An RFC 4180 reader written for the test: quoted fields, doubled quotes, CRLF or LF line ends. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (char === '"') {
        quoted = false;
        i++;
      } else {
        field += char;
        i++;
      }
    } else if (char === '"' && field === '') {
      quoted = true;
      i++;
    } else if (char === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (char === '\n' || (char === '\r' && text[i + 1] === '\n')) {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += char === '\r' ? 2 : 1;
    } else {
      field += char;
      i++;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const PIECES = ['a', ',', '"', '\n', '\r\n', ' ', '沪深300', '=', '+', '-', '@', '\t', 'SUM(A1)', "'", 'x'];

function randomText(random: () => number): string {
  const length = Math.floor(random() * 6);
  let text = '';
  for (let i = 0; i < length; i++) text += PIECES[Math.floor(random() * PIECES.length)]!;
  return text;
}

function randomNumber(random: () => number): number {
  const r = random();
  if (r < 0.1) return Number.NaN;
  if (r < 0.2) return -Math.floor(random() * 1e6);
  if (r < 0.3) return (random() - 0.5) * 1e-9;
  if (r < 0.4) return 0.1 + 0.2;
  return (random() - 0.5) * 10 ** Math.floor(random() * 12 - 6);
}

const COLUMNS = [
  { id: 'name', label: '名称, name', format: 'text' },
  { id: 'date', label: 'Date', format: 'date' },
  { id: 'ret', label: 'Return', format: 'pct' },
  { id: 'n', label: 'N', format: 'int' },
  { id: 'x', label: 'X', format: 'number' },
] as const;

function randomTable(seed: number, n: number): TableBlock {
  const random = seeded(seed);
  const rows: TableRow[] = Array.from({ length: n }, (_, i) => ({
    name: randomText(random),
    date: random() < 0.1 ? null : `2024-0${1 + (i % 9)}-1${i % 10}`,
    ret: randomNumber(random),
    n: random() < 0.1 ? null : Math.floor((random() - 0.5) * 1e5),
    x: randomNumber(random),
  }));
  return { kind: 'table', columns: COLUMNS.map((c) => ({ ...c })), rows };
}

const guarded = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

describe('CSV quoting', () => {
  it('quotes commas, quotes, line breaks and edge spaces, and nothing else', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField('沪深300')).toBe('沪深300');
    expect(csvField('')).toBe('');
  });

  it('reads back every cell through an independent parser: text exactly (guarded when formula-like), numbers to the bit', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const table = randomTable(seed, 300);
      for (const eol of ['\n', '\r\n'] as const) {
        const parsed = parseCsv(tableToCsv(table, { eol }));
        expect(parsed[0]).toEqual(['name', 'date', 'ret', 'n', 'x']);
        expect(parsed).toHaveLength(table.rows.length + 1);
        table.rows.forEach((row, r) => {
          const [name, date, ret, n, x] = parsed[r + 1]!;
          expect(name).toBe(guarded(row.name as string));
          expect(date).toBe(row.date ?? '');
          for (const [text, value] of [
            [ret, row.ret],
            [n, row.n],
            [x, row.x],
          ] as const) {
            if (value === null || Number.isNaN(value)) expect(text).toBe('');
            else expect(Object.is(Number(text), value === 0 ? 0 : value), `${text} vs ${String(value)}`).toBe(true);
          }
        });
      }
    }
  });

  it('writes formula-like text as it is with formulaGuard: false; never touches numbers or dates', () => {
    const table: TableBlock = {
      kind: 'table',
      columns: [
        { id: 'name', label: 'Name', format: 'text' },
        { id: 'v', label: 'V', format: 'number' },
      ],
      rows: [
        { name: '=HYPERLINK("http://x.test")', v: -0.05 },
        { name: '+1', v: -1e-7 },
        { name: '@SUM(A1)', v: 3 },
        { name: '-momentum', v: Number.POSITIVE_INFINITY },
        { name: 'ok=1', v: Number.NEGATIVE_INFINITY },
      ],
    };
    expect(tableToCsv(table)).toBe('name,v\n"\'=HYPERLINK(""http://x.test"")",-0.05\n\'+1,-1e-7\n\'@SUM(A1),3\n\'-momentum,inf\nok=1,-inf\n');
    expect(parseCsv(tableToCsv(table, { formulaGuard: false })).map((row) => row[0])).toEqual(['name', '=HYPERLINK("http://x.test")', '+1', '@SUM(A1)', '-momentum', 'ok=1']);
  });

  it('starts with a BOM on request, and writes labels as headers on request', () => {
    const table: TableBlock = { kind: 'table', columns: [{ id: 'u', label: '指数, index', format: 'text' }], rows: [{ u: '中证500' }] };
    const text = tableToCsv(table, { bom: true, header: 'label', eol: '\r\n' });
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(Buffer.from(text, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(text.slice(1)).toBe('"指数, index"\r\n中证500\r\n');
    expect(tableToCsv(table, { header: 'none' })).toBe('中证500\n');
  });

  it('refuses a value that does not fit its column, naming row and column', () => {
    const bad: TableBlock = { kind: 'table', columns: [{ id: 'v', label: 'V', format: 'pct' }], rows: [{ v: 0.1 }, { v: '5%' }] };
    expect(() => tableToCsv(bad)).toThrow(/table\.rows\[1\]\.v: expected a number/);
  });
});

describe('writeCsv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const columns: CsvColumn[] = [
    { id: 'trade_date', format: 'date' },
    { id: 'ts_code', format: 'text' },
    { id: 'weight', format: 'number' },
  ];

  it('streams rows from a generator into one file, atomically', async () => {
    function* rows(): Generator<TableRow> {
      for (let i = 0; i < 50_000; i++) yield { trade_date: '2024-06-28', ts_code: `${String(600000 + i)}.SH`, weight: i / 50_000 };
    }
    const file = join(dir, 'weights.csv');
    const result = await writeCsv(file, columns, rows(), { bom: true });
    expect(result).toEqual({ path: file, rows: 50_000 });
    const text = readFileSync(file, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const parsed = parseCsv(text.slice(1));
    expect(parsed).toHaveLength(50_001);
    expect(parsed[0]).toEqual(['trade_date', 'ts_code', 'weight']);
    expect(parsed[12_346]).toEqual(['2024-06-28', '612345.SH', String(12_345 / 50_000)]);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves the old file and no temporary when a row is bad', async () => {
    const file = join(dir, 'keep.csv');
    writeFileSync(file, 'old');
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ trade_date: '2024-06-28', ts_code: 'x', weight: i === 99_999 ? 'heavy' : 0.1 }));
    let caught: unknown;
    try {
      await writeCsv(file, columns, rows);
    } catch (error) {
      caught = error;
    }
    expect(isFactorkitError(caught) && caught.code === 'FK_INVALID_ARGUMENT').toBe(true);
    expect((caught as Error).message).toContain('writeCsv: row 100000, column `weight`: expected a number');
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('csvHeader and csvRow give the lines writeCsv writes; csvRow names the cell it refuses', async () => {
    const file = join(dir, 'lines.csv');
    const rows: TableRow[] = [
      { trade_date: '2024-06-28', ts_code: '=HYPERLINK("x")', weight: 0.25 },
      { trade_date: '2024-07-01', ts_code: 'a,"b"', weight: Number.NaN },
    ];
    await writeCsv(file, columns, rows);
    const where = (c: CsvColumn) => `piecewise: column \`${c.id}\``;
    expect(readFileSync(file, 'utf8')).toBe(`${[csvHeader(columns)!, ...rows.map((row) => csvRow(columns, row, where))].join('\n')}\n`);
    expect(csvHeader(columns, { header: 'none' })).toBeUndefined();
    expect(() => csvRow(columns, { trade_date: '2024-06-28', ts_code: 'x', weight: 'heavy' }, where)).toThrow('piecewise: column `weight`: expected a number');
  });

  it('names a folder that does not exist before writing anything', async () => {
    const file = join(dir, 'nowhere', 'a.csv');
    await expect(writeCsv(file, columns, [])).rejects.toThrow(/writeCsv: cannot write .*does not exist/);
    expect(existsSync(file)).toBe(false);
    await expect(writeCsv(join(dir, 'b.csv'), [...columns, { id: 'weight', format: 'int' }], [])).rejects.toThrow(/duplicate column id `weight`/);
  });
});
