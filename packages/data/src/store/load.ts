import { type DatasetReport, type ReadDatasetOptions, readDatasetTables } from '../io/index.js';
import type { Table } from '../table.js';
import { analystFields } from './analyst.js';
import { type BuildContext, type BuildNote, datasetFromTables } from './build.js';
import type { Dataset } from './dataset.js';
import { fundamentalFields } from './fundamentals.js';
import { marketFields } from './market.js';
import { referenceFields } from './reference.js';

/** The standard derived fields, in the order they are registered (later ones may use earlier ones). */
export const STANDARD_FIELDS: readonly ((ctx: BuildContext) => void)[] = [fundamentalFields, marketFields, referenceFields, analystFields];

/** Assemble a dataset with every standard derived field (see `datasetFromTables`). */
export function createDataset(tables: ReadonlyMap<string, Table>, options: { source?: string } = {}): { dataset: Dataset; notes: BuildNote[] } {
  return datasetFromTables(tables, { ...options, extensions: STANDARD_FIELDS });
}

/**
 * Read a dataset folder and build the panel store. Options as `readDatasetTables`:
 * - a dataset with errors throws `DataValidationError` (nothing half-loaded), and that
 *   includes a required table with no rows left and any table that lost more than half its
 *   rows (to bad cells or to stocks missing from `stocks`);
 * - other rejected rows are accepted by default (`maxRejected` unlimited) and counted in
 *   `report`; pass `maxRejected` (`0`, `12`, `'0.5%'`) to refuse more, `strict` to refuse data
 *   warnings, `encoding: 'gbk'` for GBK CSV files.
 *
 * Approximations and unplaced rows are in `notes`. Print `formatLoadSummary(report, notes)`
 * so nothing is lost silently.
 */
export async function loadDataset(dir: string, options: ReadDatasetOptions = {}): Promise<{ dataset: Dataset; report: DatasetReport; notes: BuildNote[] }> {
  const { tables, report } = await readDatasetTables(dir, options);
  const { dataset, notes } = createDataset(tables, { source: dir });
  return { dataset, report, notes };
}
