import { type DatasetReport, readDatasetTables } from '../io/index.js';
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
 * Read a dataset folder and build the panel store. An unusable dataset throws
 * `DataValidationError` (nothing half-loaded); rows rejected along the way are in `report`,
 * approximations and unplaced rows in `notes`.
 */
export async function loadDataset(dir: string, options: { tables?: readonly string[]; maxExamples?: number } = {}): Promise<{ dataset: Dataset; report: DatasetReport; notes: BuildNote[] }> {
  const { tables, report } = await readDatasetTables(dir, options);
  const { dataset, notes } = createDataset(tables, { source: dir });
  return { dataset, report, notes };
}
