import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDatasetTables } from '@factorkit/data';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSyntheticMarket } from '../src/index.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('writeSyntheticMarket', () => {
  it.each(['csv', 'csv.gz', 'parquet'] as const)('writes a dataset folder (%s) that the loader reads back whole', async (format) => {
    const dir = await mkdtemp(join(tmpdir(), 'synth-'));
    dirs.push(dir);
    const market = await writeSyntheticMarket(dir, { seed: 3, stocks: 80, years: 1, funds: 4, format });
    const ext = format === 'csv' ? '.csv' : format === 'csv.gz' ? '.csv.gz' : '.parquet';
    expect((await readdir(dir)).sort()).toEqual([...market.tables.keys()].map((name) => `${name}${ext}`).sort());
    const { tables, report } = await readDatasetTables(dir);
    expect(report.usable).toBe(true);
    for (const table of report.tables) expect(table.rejected, `${table.table} rejected rows`).toBe(0);
    for (const [name, table] of market.tables) expect(tables.get(name)?.rowCount, name).toBe(table.rowCount);
    const close = tables.get('daily')!.columns.get('close')!;
    const original = market.tables.get('daily')!.columns.get('close')!;
    expect(close.type === 'number' && original.type === 'number' && Array.from(close.values.subarray(0, 500))).toEqual(
      original.type === 'number' ? Array.from(original.values.subarray(0, 500)) : [],
    );
  });
});
