/**
 * Synthetic-market benchmarks (`pnpm bench`), each part in its own process so that the peak
 * resident memory it prints is its own:
 *
 * - `generate.ts`: generating the default market and a 5,000 × 2,500 one in memory;
 * - `load.ts`: a 5,000 × 2,500 market written in the dataset format and loaded back into
 *   `@factorkit/data`'s panel store with 20 fields materialised (the full-market size the data
 *   layer is sized for).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
for (const part of ['generate.ts', 'load.ts']) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, part)], { stdio: 'inherit' });
  if (result.status !== 0) process.exitCode = result.status ?? 1;
}
