/**
 * `factorkit track --universes …,fund-holdings`: the public-fund heavy-holdings index of
 * @factorkit/universe-fund-holdings as a fifth benchmark, on a small synthetic market (its
 * funds and fund_holdings tables).
 */
import { createDataset, readDatasetTables, writeDatasetFolder } from '@factorkit/data';
import { fundHoldingsUniverse } from '@factorkit/universe-fund-holdings';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { type CliResult, runCli } from './helpers.js';

let root: string;

const cli = (args: string[], cwd = root): Promise<CliResult> => runCli(args, cwd);

function csv(dir: string, file: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(join(root, dir, file), 'utf8').trimEnd().split('\n');
  const header = head!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [header[i]!, cell])));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'factorkit-cli-fund-holdings-'));
  const code = await run(['data', 'synth', '--out', 'market', '--stocks', '400', '--years', '2', '--seed', '5', '--format', 'csv'], { stdout: () => undefined, stderr: () => undefined, cwd: root });
  if (code !== 0) throw new Error('could not write the test market');
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('factorkit track with the fund-holdings universe', () => {
  it('runs it as a benchmark beside an index; its benchmark weights are the universe’s', async () => {
    const { code, err } = await cli(['track', '--data', 'market', '--universes', 'csi500,fund-holdings', '--factors', 'turnover_1m', '--start', '2015-10-01', '--as-of', '2015-12-18', '--workers', '0', '--out', 'fh']);
    expect(code, err).toBe(0);
    expect(err).toContain('universe fund-holdings (fund-holdings)');
    expect(csv('fh', 'tracking.csv').map((r) => `${r.universe}/${r.factor}`)).toEqual(['csi500/turnover_1m', 'fund-holdings/turnover_1m']);

    // The universe resolved on the same data cut at --as-of, as the run does.
    const { dataset } = createDataset((await readDatasetTables(join(root, 'market'))).tables);
    const view = dataset.window(0, dataset.calendar.indexOf('2015-12-18') + 1);
    const universe = fundHoldingsUniverse.resolve({ data: view, params: fundHoldingsUniverse.with({}).params });
    const rows = csv('fh', 'weights.csv').filter((r) => r.universe === 'fund-holdings');
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const w = universe.weights(view.calendar.indexOf(row.trade_date!))!.weights[dataset.assets.indexOf(row.ts_code!)]!;
      expect(Math.abs(Number(row.benchmark_weight) - w), `${row.trade_date} ${row.ts_code}`).toBeLessThanOrEqual(1e-12);
    }
  }, 120_000);

  it('a dataset without fund tables: the error names the table, exit 1, nothing written', async () => {
    const tables = (await readDatasetTables(join(root, 'market'))).tables;
    for (const name of ['funds', 'fund_nav', 'fund_holdings']) tables.delete(name);
    await writeDatasetFolder(join(root, 'nofunds'), tables, { format: 'csv' });
    const { code, err } = await cli(['track', '--data', 'nofunds', '--universes', 'csi500,fund-holdings', '--factors', 'turnover_1m', '--as-of', '2015-12-18', '--workers', '0', '--out', 'nofh']);
    expect(code).toBe(1);
    expect(err).toContain('- `fund-holdings`: universe `fund-holdings`: table `funds` is needed, but the dataset does not have it');
    expect(existsSync(join(root, 'nofh'))).toBe(false);
  }, 120_000);
});
