/**
 * Table I/O: read and check dataset tables (`.csv`, `.csv.gz`, `.parquet`) against the format's
 * schema, and write them back atomically.
 */
export { readTable, type ReadTableOptions } from './read.js';
export { readDatasetTables, type ReadDatasetOptions } from './dataset.js';
export { writeTable, writeDatasetTables, type WriteTableOptions, type WriteDatasetOptions } from './write.js';
export {
  DataValidationError,
  formatReport,
  reportErrors,
  type DataFileFormat,
  type DataProblem,
  type DatasetReport,
  type ProblemCode,
  type TableReport,
} from './report.js';
export { FORMAT_EXTENSIONS, formatOfFile, tableFileName } from './files.js';
export { parseCsvNumber, parseCsvDate, formatCsvNumber } from './numbers.js';
