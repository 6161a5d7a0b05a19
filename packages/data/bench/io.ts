/**
 * Table I/O benchmarks on the real cn-csi300 dataset (beside the repository):
 *
 * 1. `readTable` on every table (daily first and alone, so the peak RSS after it is the daily
 *    read's), with the process peak RSS;
 * 2. daily against a naive reader in the same run (gunzip, split lines and commas, `Number()`
 *    per cell) that checks nothing;
 * 3. `readDatasetTables` on the whole folder;
 * 4. writing daily as .csv, .csv.gz and .parquet, against a naive `join`-the-strings writer;
 *    and a daily table five times the size (7.5 M rows) written as .csv.
 *
 * Imported by `bench/index.ts`; runs on import.
 */
import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { measure, report } from '@factorkit/tooling/bench';
import { TABLES, type Column, type Table, readDatasetTables, readTable, writeTable } from '../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const DATA_DIR = path.resolve(repoRoot, '../shared/data/cn-csi300');
const FILES: readonly [string, string][] = [
  ['daily', 'daily.csv.gz'],
  ['calendar', 'calendar.csv'],
  ['stocks', 'stocks.csv'],
  ['fina', 'fina.csv.gz'],
  ['industry', 'industry.csv'],
  ['index_members', 'index_members.csv'],
  ['index_weight', 'index_weight.csv.gz'],
  ['index_daily', 'index_daily.csv'],
];

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const rssAtStart = process.resourceUsage().maxRSS * 1024;

// 1. Every table.
const readResults = [];
const rows: string[] = [];
for (const [name, file] of FILES) {
  let kept = 0;
  readResults.push(
    await measure(
      `readTable ${file}`,
      async () => {
        const { report } = await readTable(path.join(DATA_DIR, file), TABLES[name]!);
        kept = report.rowsKept;
      },
      { iterations: name === 'daily' ? 3 : 5 },
    ),
  );
  rows.push(`${file}: ${kept.toLocaleString('en-US')} rows`);
}
report('read each cn-csi300 table (parse + type + validate)', readResults, {
  notes: [
    rows.join('; '),
    `peak RSS before: ${mib(rssAtStart)}; the daily row's peak RSS is the daily read's (it runs first); later rows include it`,
  ],
});

// 2. Daily against a naive reader.
function naiveRead(file: string): Map<string, Float64Array | string[]> {
  const text = gunzipSync(readFileSync(file)).toString('utf8');
  const lines = text.split('\n').filter((line) => line !== '');
  const header = lines[0]!.split(',');
  const columns = header.map((name) => (name === 'ts_code' || name === 'trade_date' ? new Array<string>(lines.length - 1) : new Float64Array(lines.length - 1)));
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r]!.split(',');
    for (let c = 0; c < header.length; c++) {
      const column = columns[c]!;
      if (Array.isArray(column)) column[r - 1] = cells[c]!;
      else column[r - 1] = cells[c] === '' ? Number.NaN : Number(cells[c]);
    }
  }
  return new Map(header.map((name, c) => [name, columns[c]!]));
}
const dailyFile = path.join(DATA_DIR, 'daily.csv.gz');
report(
  'read daily.csv.gz (1.5 M rows × 17 columns)',
  [
    await measure('naive (gunzipSync + split + Number, no checks)', () => naiveRead(dailyFile), { iterations: 3 }),
    await measure('readTable (streamed, typed, validated)', () => readTable(dailyFile, TABLES.daily!), { iterations: 3 }),
  ],
  { reference: 'naive (gunzipSync + split + Number, no checks)' },
);

// 3. The whole folder.
report('readDatasetTables(cn-csi300): all 8 tables, calendar checks included', [
  await measure('readDatasetTables', () => readDatasetTables(DATA_DIR), { iterations: 3 }),
]);

// 4. Writing.
const { table: daily } = await readTable(dailyFile, TABLES.daily!);
const out = mkdtempSync(path.join(tmpdir(), 'fk-bench-io-'));
try {
  const cellText = (column: Column, row: number): string => {
    if (column.type === 'number') return Number.isNaN(column.values[row]) ? '' : String(column.values[row]);
    if (column.type === 'string') return column.codes[row]! < 0 ? '' : column.dictionary[column.codes[row]!]!;
    const v = column.values[row]!;
    return v === 0 ? '' : `${Math.floor(v / 10_000)}-${String(Math.floor(v / 100) % 100).padStart(2, '0')}-${String(v % 100).padStart(2, '0')}`;
  };
  const naiveWrite = (table: Table, file: string) => {
    const columns = [...table.columns.values()];
    const lines = [[...table.columns.keys()].join(',')];
    for (let r = 0; r < table.rowCount; r++) lines.push(columns.map((c) => cellText(c, r)).join(','));
    writeFileSync(file, `${lines.join('\n')}\n`);
  };
  report(
    'write daily (1.5 M rows × 17 columns), atomically',
    [
      await measure('naive (String + join, one big string)', () => naiveWrite(daily, path.join(out, 'naive.csv')), { iterations: 2, warmup: 0 }),
      await measure('writeTable .csv', () => writeTable(path.join(out, 'daily.csv'), daily), { iterations: 2, warmup: 0 }),
      await measure('writeTable .csv.gz (default level 4)', () => writeTable(path.join(out, 'daily.csv.gz'), daily), { iterations: 1, warmup: 0 }),
      await measure('writeTable .csv.gz (level 6)', () => writeTable(path.join(out, 'daily6.csv.gz'), daily, { gzipLevel: 6 }), { iterations: 1, warmup: 0 }),
      await measure('writeTable .csv.gz (level 1)', () => writeTable(path.join(out, 'daily1.csv.gz'), daily, { gzipLevel: 1 }), { iterations: 1, warmup: 0 }),
      await measure('writeTable .parquet', () => writeTable(path.join(out, 'daily.parquet'), daily), { iterations: 1, warmup: 0 }),
    ],
    { reference: 'naive (String + join, one big string)' },
  );

  // Five times daily: the size of a full-market daily table (≈ 7.5 M rows).
  const times = 5;
  const big = new Map<string, Column>();
  for (const [name, column] of daily.columns) {
    if (column.type === 'string') {
      const codes = new Int32Array(daily.rowCount * times);
      for (let k = 0; k < times; k++) codes.set(column.codes, k * daily.rowCount);
      big.set(name, { type: 'string', codes, dictionary: column.dictionary });
    } else {
      const values = column.type === 'number' ? new Float64Array(daily.rowCount * times) : new Int32Array(daily.rowCount * times);
      for (let k = 0; k < times; k++) values.set(column.values, k * daily.rowCount);
      big.set(name, column.type === 'number' ? { type: 'number', values: values as Float64Array } : { type: 'date', values: values as Int32Array });
    }
  }
  const bigTable: Table = { name: 'daily', rowCount: daily.rowCount * times, columns: big };
  report(`write ${bigTable.rowCount.toLocaleString('en-US')} rows × 17 columns (5 × daily)`, [
    await measure('writeTable .csv', () => writeTable(path.join(out, 'big.csv'), bigTable), { iterations: 1, warmup: 0 }),
  ]);
} finally {
  rmSync(out, { recursive: true, force: true });
}
console.log(`\nio bench: process peak RSS ${mib(process.resourceUsage().maxRSS * 1024)}`);
