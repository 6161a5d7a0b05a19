/**
 * Data-layer benchmarks (`pnpm bench`): each part runs in its own process so that the peak
 * resident memory printed belongs to that part alone.
 *
 * - `store.ts`: the whole cn-csi300 dataset into the panel store, every field materialised;
 * - `io.ts`: table reading and writing against naive readers and writers in the same run.
 *
 * The 5,000 × 2,500 synthetic market is loaded by `@factorkit/synth`'s benchmark (it generates
 * the market with this package's writer and loads it back with this package's reader).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
for (const part of ['store.ts', 'io.ts']) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(here, part)], { stdio: 'inherit' });
  if (result.status !== 0) process.exitCode = result.status ?? 1;
}
