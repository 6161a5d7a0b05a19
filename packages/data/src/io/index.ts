/**
 * Table I/O: read and check dataset tables (`.csv`, `.csv.gz`, `.parquet`) against the format's
 * schema, and write them back atomically.
 */
export { readTable, checkEncoding, type ReadTableOptions } from './read.js';
export { readDatasetTables, validateDataset, parseRejectedLimit, type ReadDatasetOptions, type RejectedLimit } from './dataset.js';
export { CSV_ENCODINGS, type CsvEncoding } from './csv.js';
export { normaliseSecurityCode, codeShape, CODE_STYLES, type CodeStyle, type CodeShape } from './codes.js';
export { checkFaults, type FaultReport } from './checks.js';
export {
  writeTable,
  writeDatasetTables,
  writeDatasetFolder,
  checkDatasetOutput,
  isDatasetFolder,
  type WriteTableOptions,
  type WriteDatasetOptions,
  type WriteDatasetFolderOptions,
} from './write.js';
export {
  DataValidationError,
  MOST_ROWS,
  PCT_CHG_TOLERANCE,
  formatCount,
  formatReport,
  reportErrors,
  supplementDirs,
  type ExtraColumn,
  type NormalisedCodes,
  type WarningCode,
  type DataFileFormat,
  type DataProblem,
  type DatasetReport,
  type FolderReport,
  type ProblemCode,
  type TableReport,
} from './report.js';
export { FORMAT_EXTENSIONS, formatOfFile, tableFileName } from './files.js';
export { parseCsvNumber, parseCsvDate, formatCsvNumber } from './numbers.js';
export {
  FACTOR_TABLE_COLUMNS,
  FACTOR_TABLE_SCHEMA,
  FactorTableBuilder,
  type FactorTableContents,
  type FactorTableEntry,
  type FactorTableSource,
  type FactorTableSummary,
  readFactorTable,
  writeFactorTable,
} from './factor-table.js';
