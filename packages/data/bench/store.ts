/**
 * The real cn-csi300 dataset (beside the repository) into the panel store: time to read and
 * check every table, to assemble the store, and to materialise every field; peak RSS after each.
 * Reference in the same run: the same folder read as raw text (gunzip + split), which checks
 * and shapes nothing.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { measure, report } from '@factorkit/tooling/bench';
import { createDataset, readDatasetTables } from '../src/index.js';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/cn-csi300');

const results = [];
let tables: Awaited<ReturnType<typeof readDatasetTables>>['tables'] | undefined;
results.push(await measure('readDatasetTables (read + check all 8 tables)', async () => void ({ tables } = await readDatasetTables(DATA)), { iterations: 3, warmup: 0 }));
let fields = 0;
results.push(
  await measure(
    'createDataset + materialise every field',
    () => {
      const { dataset } = createDataset(tables!);
      fields = 0;
      for (const info of dataset.fieldInfo()) {
        if (info.kind === 'categorical') dataset.categoricalPanel(info.name);
        else dataset.panel(info.name);
        fields++;
      }
    },
    { iterations: 2, warmup: 0 },
  ),
);
// The reference last: its strings would otherwise set the peak RSS of the store's rows.
results.push(
  await measure(
    'raw text: gunzip + split lines and cells',
    () => {
      let cells = 0;
      for (const file of readdirSync(DATA).filter((f) => f.endsWith('.csv') || f.endsWith('.csv.gz'))) {
        const bytes = readFileSync(join(DATA, file));
        const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
        for (const line of text.split('\n')) cells += line.split(',').length;
      }
      return cells;
    },
    { iterations: 2, warmup: 0 },
  ),
);
report('cn-csi300 (670 stocks × 2,548 days) into the panel store', results, {
  reference: 'raw text: gunzip + split lines and cells',
  notes: [`${fields} fields materialised (each a 2,548 × 670 Float64 panel).`],
});
