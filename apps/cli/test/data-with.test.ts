import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from './helpers.js';

/** `--with DIR` (issue 12): supplementary folders combined with `--data`, checked for agreement. */
const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-cli-with-'));
  dirs.push(dir);
  return dir;
}

const cli = (args: string[], cwd = tempDir()): Promise<CliResult> => runCli(args, cwd);

function write(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
}

const MARKET = {
  'calendar.csv': 'trade_date\n2024-01-02\n2024-01-03\n2024-01-04\n',
  'stocks.csv': 'ts_code,exchange,board\n000001.SZ,SZ,main\n600000.SH,SH,main\n',
  'daily.csv': 'ts_code,trade_date,open,high,low,close,volume\n000001.SZ,2024-01-02,10,10.5,9.9,10.2,1000\n600000.SH,2024-01-02,7,7.1,6.9,7,500\n',
};

describe('factorkit data validate --with', () => {
  it('validates the combination, repeatable, relative to the working directory, and names each folder', async () => {
    const root = tempDir();
    write(join(root, 'market'), MARKET);
    write(join(root, 'funds'), { 'funds.csv': 'fund_code,fund_type,benchmark\n000001,index_enhanced,95% 000905.SH + 5% deposit\n' });
    write(join(root, 'navs'), { 'fund_nav.csv': 'fund_code,trade_date,nav\n000001,2024-01-02,1\n000001,2024-01-03,1.01\n' });
    const { code, out } = await cli(['data', 'validate', '--data', 'market', '--with', 'funds', '--with', 'navs'], root);
    expect(code).toBe(0);
    expect(out).toContain(`dataset ${join(root, 'market')} with ${join(root, 'funds')}, ${join(root, 'navs')}: usable`);
    expect(out).toContain(`with ${join(root, 'navs')}: fund_nav (2 rows kept)`);
    expect(out).toContain('loaded market + funds + navs: 5 tables, 10 rows; nothing rejected');

    const json = await cli(['data', 'validate', '--data', 'market', '--with', 'funds', '--json'], root);
    const report = JSON.parse(json.out) as { folders: { dir: string; role: string; tables: string[] }[] };
    expect(report.folders.map((f) => [f.role, f.dir, f.tables])).toEqual([
      ['main', join(root, 'market'), ['calendar', 'stocks', 'daily']],
      ['supplement', join(root, 'funds'), ['funds']],
    ]);
  });

  it('exits 3 on a supplement that disagrees with the market, with the reason', async () => {
    const root = tempDir();
    write(join(root, 'market'), MARKET);
    write(join(root, 'vendor'), { 'fund_holdings.csv': 'fund_code,ann_date,end_date,ts_code,weight\n000001,2024-01-20,2023-12-31,600000,5\n' });
    const { code, out } = await cli(['data', 'validate', '--data', 'market', '--with', 'vendor'], root);
    expect(code).toBe(3);
    expect(out).toContain('UNUSABLE');
    expect(out).toContain('fund_holdings.csv, column `ts_code`: 1 code is a bare six-digit code (`600000`)');
  });

  it('refuses the main folder as its own supplement (exit 1)', async () => {
    const root = tempDir();
    write(join(root, 'market'), MARKET);
    const { code, err } = await cli(['data', 'validate', '--data', 'market', '--with', './market'], root);
    expect(code).toBe(1);
    expect(err).toContain('with[0]: `');
    expect(err).toContain('is the main dataset folder');
  });

  it('combines the real cn-csi1000 with cn-funds: usable, 6 rejected rows as the cn-funds card says (data, slow)', async () => {
    const strict = await cli(['data', 'validate', '--data', join(DATA, 'cn-csi1000'), '--with', join(DATA, 'cn-funds')]);
    expect(strict.code).toBe(3);
    expect(strict.out).toContain('usable, but the verdict fails');
    expect(strict.out).toContain('fund_holdings  cn-funds/fund_holdings.csv.gz      553,389 rows kept, 6 rejected');
    const accepted = await cli(['data', 'validate', '--data', join(DATA, 'cn-csi1000'), '--with', join(DATA, 'cn-funds'), '--max-rejected', '6']);
    expect(accepted.code).toBe(0);
    expect(accepted.out).toContain('loaded cn-csi1000 + cn-funds: 7 tables, 2,234,146 rows; rejected 6 rows (fund_holdings: 6 out_of_range)');
    expect(accepted.out).toContain('calendar 2022-01-04 .. 2026-05-08 (1049 trading days), 1632 assets');
  }, 120_000);
});
