import { writeDatasetTables } from '@factorkit/data';
import { type MarketOptions, type SyntheticMarket, generateMarket } from './generate.js';

/** Options of {@link writeSyntheticMarket}: the market's options and the file format. */
export interface WriteMarketOptions extends MarketOptions {
  /** File format of every table (default `csv.gz`). */
  readonly format?: 'csv' | 'csv.gz' | 'parquet';
}

/**
 * Generate a market and write it as a dataset folder (`dir/<table>.<ext>`, each file written
 * atomically by `writeDatasetTables` from `@factorkit/data`). Returns the market and the
 * written file paths.
 *
 * @throws ValidationError (`FK_INVALID_PARAMS`) for invalid market options; the errors of
 *   `writeDatasetTables` for an unwritable folder or format
 */
export async function writeSyntheticMarket(dir: string, options: WriteMarketOptions = {}): Promise<SyntheticMarket & { files: string[] }> {
  const { format = 'csv.gz', ...marketOptions } = options;
  const market = generateMarket(marketOptions);
  const files = await writeDatasetTables(dir, market.tables, { format });
  return { ...market, files };
}
