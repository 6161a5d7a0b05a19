import type { DataFileFormat } from './report.js';

/** File endings by format, in the order a dataset folder is searched. */
export const FORMAT_EXTENSIONS: Readonly<Record<DataFileFormat, string>> = {
  csv: '.csv',
  'csv.gz': '.csv.gz',
  parquet: '.parquet',
};

/** The format a file name says (`daily.csv.gz` → `csv.gz`), or `undefined`. Case-insensitive. */
export function formatOfFile(file: string): DataFileFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv.gz')) return 'csv.gz';
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.parquet')) return 'parquet';
  return undefined;
}

/** `<table><ext>`: the file name a table is stored under in a dataset folder. */
export function tableFileName(table: string, format: DataFileFormat): string {
  return `${table}${FORMAT_EXTENSIONS[format]}`;
}

/** The table a dataset file name holds (`daily.csv.gz` → `daily`), or `undefined`. */
export function tableOfFile(file: string): string | undefined {
  const format = formatOfFile(file);
  if (!format) return undefined;
  return file.slice(0, file.length - FORMAT_EXTENSIONS[format].length);
}
