import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliIo, run } from '../src/index.js';

const REAL = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/cn-csi300');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-cli-data-'));
  dirs.push(dir);
  return dir;
}

async function cli(args: string[], cwd = tempDir()): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd };
  return { code: await run(args, io), out, err };
}

/** A tiny valid dataset written by hand. */
function tinyDataset(dir: string, dailyRows?: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'calendar.csv'), 'trade_date\n2024-01-02\n2024-01-03\n2024-01-04\n');
  writeFileSync(join(dir, 'stocks.csv'), 'ts_code,exchange,board\n000001.SZ,SZ,main\n600000.SH,SH,main\n');
  writeFileSync(
    join(dir, 'daily.csv'),
    dailyRows ??
      [
        'ts_code,trade_date,open,high,low,close,pre_close,pct_chg,volume,amount,is_trading',
        '000001.SZ,2024-01-02,10,10.5,9.9,10.2,10,2,1000,10200,1',
        '000001.SZ,2024-01-03,10.2,10.4,10.1,10.3,10.2,0.98,1000,10300,1',
        '000001.SZ,2024-01-04,10.3,10.3,10.3,10.3,10.3,0,0,0,0',
        '600000.SH,2024-01-02,7,7.1,6.9,7,7,0,500,3500,1',
        '600000.SH,2024-01-03,7,7.7,7,7.7,7,10,500,3850,1',
        '600000.SH,2024-01-04,7.7,7.8,7.6,7.7,7.7,0,500,3850,1',
        '',
      ].join('\n'),
  );
}

describe('factorkit data validate', () => {
  it('reports a usable dataset with its tables, rows, date range and assets', async () => {
    const dir = tempDir();
    tinyDataset(dir);
    const { code, out } = await cli(['data', 'validate', '--data', dir]);
    expect(code).toBe(0);
    expect(out).toContain('daily');
    expect(out).toContain('calendar 2024-01-02 .. 2024-01-04 (3 trading days), 2 assets');
    expect(out).toContain('dataset usable');
  });

  it('names file, line and column of every problem and fails on an unusable dataset', async () => {
    const dir = tempDir();
    tinyDataset(
      dir,
      [
        'ts_code,trade_date,open,high,low,close',
        '000001.SZ,2024-01-02,10,10.5,9.9,abc',
        '000001.SZ,2024-01-04,10,10.5,9.9,10',
        '000001.SZ,2024-01-03,10,10.5,9.9,10',
        '',
      ].join('\n'),
    );
    const { code, out } = await cli(['data', 'validate', '--data', dir, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(out) as { usable: boolean; tables: { table: string; errors: { code: string; line?: number }[]; problems: { code: string; line?: number; column?: string }[] }[] };
    expect(report.usable).toBe(false);
    const daily = report.tables.find((t) => t.table === 'daily')!;
    expect(daily.errors).toContainEqual(expect.objectContaining({ code: 'unsorted', line: 4 }));
    expect(daily.problems).toContainEqual(expect.objectContaining({ code: 'unparsable_number', line: 2, column: 'close' }));
  });

  it('fails on a missing required table', async () => {
    const dir = tempDir();
    tinyDataset(dir);
    rmSync(join(dir, 'stocks.csv'));
    const { code, out } = await cli(['data', 'validate', '--data', dir]);
    expect(code).toBe(1);
    expect(out).toContain('stocks');
    expect(out).toContain('UNUSABLE');
  });

  it('passes the real cn-csi300 dataset (data, slow)', async () => {
    const { code, out } = await cli(['data', 'validate', '--data', REAL]);
    expect(code).toBe(0);
    expect(out).toContain('calendar 2013-01-04 .. 2023-06-30 (2548 trading days), 670 assets');
  }, 60_000);
});

describe('factorkit data to-qlib / from-qlib', () => {
  it('round-trips a dataset through a qlib folder', async () => {
    const root = tempDir();
    tinyDataset(join(root, 'ds'));
    const toQlib = await cli(['data', 'to-qlib', '--data', 'ds', '--out', 'qlib'], root);
    expect(toQlib.err).toBe('');
    expect(toQlib.code).toBe(0);
    expect(readdirSync(join(root, 'qlib')).sort()).toEqual(['calendars', 'features', 'instruments']);
    const fromQlib = await cli(['data', 'from-qlib', '--qlib', 'qlib', '--out', 'back', '--format', 'csv'], root);
    expect(fromQlib.code).toBe(0);
    const validated = await cli(['data', 'validate', '--data', 'back'], root);
    expect(validated.code).toBe(0);
    expect(validated.out).toContain('calendar 2024-01-02 .. 2024-01-04 (3 trading days), 2 assets');
  });
});

describe('factorkit data synth', () => {
  it('writes a small synthetic market that validates, deterministically', async () => {
    const root = tempDir();
    const first = await cli(['data', 'synth', '--out', 'a', '--stocks', '120', '--years', '2', '--seed', '7', '--format', 'csv'], root);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/^wrote \d+ tables \([\d,]+ rows\) to .*\/a in [\d.]+ s\n$/);
    const validated = await cli(['data', 'validate', '--data', 'a'], root);
    expect(validated.code).toBe(0);
    expect(validated.out).toContain('120 assets');
    await cli(['data', 'synth', '--out', 'b', '--stocks', '120', '--years', '2', '--seed', '7', '--format', 'csv'], root);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(root, 'b', 'daily.csv'), 'utf8')).toBe(readFileSync(join(root, 'a', 'daily.csv'), 'utf8'));
  }, 60_000);

  it('rejects bad options with the option named', async () => {
    const { code, err } = await cli(['data', 'synth', '--out', 'x', '--stocks', 'many']);
    expect(code).toBe(1);
    expect(err).toContain('--stocks: expected an integer ≥ 50, got `many`');
  });
});
