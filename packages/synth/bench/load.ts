/**
 * A full-market-sized dataset — 5,000 stocks × about 2,500 trading days — written as CSV by
 * `writeSyntheticMarket` and loaded back with `loadDataset` (read, check, assemble), then 20
 * fields materialised as panels. The load runs in a child process of its own so that its peak
 * RSS is not the generator's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dataset } from '@factorkit/data';
import { measure, report } from '@factorkit/tooling/bench';

const FIELDS = ['open', 'high', 'low', 'close', 'pre_close', 'pct_chg', 'volume', 'amount', 'turnover_rate', 'is_trading', 'is_st', 'pe_ttm', 'pb_mrq', 'ret', 'vwap', 'turnover', 'float_market_cap', 'market_cap', 'net_profit_ttm', 'listed_days'];

if (process.argv[2] === '--load') {
  const { loadDataset } = await import('@factorkit/data');
  const dir = process.argv[3]!;
  let cells = 0;
  const loaded = await measure(
    'loadDataset (read + check + assemble)',
    async () => {
      const { dataset } = await loadDataset(dir);
      globalThis.dataset = dataset;
    },
    { iterations: 1, warmup: 0 },
  );
  const fields = await measure(
    `materialise ${FIELDS.length} fields`,
    () => {
      const dataset = globalThis.dataset!;
      for (const name of FIELDS) cells += dataset.panel(name).values.length;
    },
    { iterations: 1, warmup: 0 },
  );
  const dataset = globalThis.dataset!;
  report(`load a ${dataset.assets.length.toLocaleString('en-US')} × ${dataset.calendar.length.toLocaleString('en-US')} synthetic market from CSV`, [loaded, fields], {
    notes: [`${FIELDS.length} fields × ${dataset.assets.length} assets × ${dataset.calendar.length} days = ${cells.toLocaleString('en-US')} Float64 values in panels`],
  });
} else {
  const { writeSyntheticMarket } = await import('../src/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-synth-load-'));
  try {
    const written = await measure('generate + write as CSV', () => writeSyntheticMarket(dir, { stocks: 5000, years: 10.3, format: 'csv' }), { iterations: 1, warmup: 0 });
    report('write a 5,000-stock × 10.3-year synthetic market', [written]);
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--load', dir], { stdio: 'inherit' });
    if (child.status !== 0) process.exitCode = child.status ?? 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

declare global {
  var dataset: Dataset | undefined;
}
