import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from './helpers.js';

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

const cli = (args: string[], cwd = tempDir()): Promise<CliResult> => runCli(args, cwd);

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
    expect(code).toBe(3);
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
    expect(code).toBe(3);
    expect(out).toContain('stocks');
    expect(out).toContain('UNUSABLE');
  });

  it('passes the real cn-csi300 dataset (data, slow)', async () => {
    const { code, out } = await cli(['data', 'validate', '--data', REAL]);
    expect(code).toBe(0);
    expect(out).toContain('calendar 2013-01-04 .. 2023-06-30 (2548 trading days), 670 assets');
  }, 60_000);
});

describe('factorkit data validate: an honest verdict (exit 3 on data problems)', () => {
  const header = 'ts_code,trade_date,open,high,low,close,pre_close,pct_chg,volume,amount,is_trading';

  it('a header-only daily is unusable (it was "usable", exit 0)', async () => {
    const dir = tempDir();
    tinyDataset(dir, `${header}\n`);
    const { code, out } = await cli(['data', 'validate', '--data', dir]);
    expect(code).toBe(3);
    expect(out).toContain('daily.csv: no data rows (only a header); `daily` is required');
    expect(out.trimEnd().split('\n').at(-1)).toBe('dataset UNUSABLE: fix the errors above');
  });

  it('daily in .XSHE/.XSHG against stocks in .SZ/.SH: normalised, every row kept (every price was dropped)', async () => {
    const dir = tempDir();
    tinyDataset(dir);
    const daily = join(dir, 'daily.csv');
    writeFileSync(daily, readFileSync(daily, 'utf8').replaceAll('.SZ,', '.XSHE,').replaceAll('.SH,', '.XSHG,'));
    const { code, out } = await cli(['data', 'validate', '--data', dir]);
    expect(code).toBe(0);
    expect(out).toContain('ts_code: 6 codes like `000001.XSHE` normalised to `000001.SZ`');
    expect(out).toContain('normalised 6 security codes to 600519.SH style (daily.ts_code: 6 like 000001.XSHE)');
  });

  it('exits 3 on any rejected row by default; --max-rejected N|P% accepts some loss', async () => {
    const dir = tempDir();
    tinyDataset(dir);
    writeFileSync(join(dir, 'daily.csv'), `${readFileSync(join(dir, 'daily.csv'), 'utf8')}600000.SH,2024-01-05,1,1,1,1,1,0,1,1,1\n`);
    const strict = await cli(['data', 'validate', '--data', dir]);
    expect(strict.code).toBe(3);
    expect(strict.out).toContain('unknown_date: 1');
    expect(strict.out).toContain(`loaded ${basename(dir)}: 3 tables, 11 rows; rejected 1 row (daily: 1 unknown_date)`);
    expect(strict.out.trimEnd().split('\n').at(-1)).toBe('dataset FAILS validation: 1 row was rejected (1 unknown_date), more than the 0 allowed (max rejected `0`)');
    // 3 + 2 + 7 = 12 rows read: 10 % allows 1.
    for (const limit of ['1', '10%']) expect((await cli(['data', 'validate', '--data', dir, '--max-rejected', limit])).code).toBe(0);
    expect((await cli(['data', 'validate', '--data', dir, '--max-rejected', '8%'])).code).toBe(3);
    const json = await cli(['data', 'validate', '--data', dir, '--json', '--max-rejected', '8%']);
    expect(JSON.parse(json.out)).toMatchObject({ verdict: 'fail', usable: true, rowsRead: 12, rejectedTotal: 1, maxRejected: '8%', allowedRejected: 0, warningTotal: 0, strict: false });
    const bad = await cli(['data', 'validate', '--data', dir, '--max-rejected', 'some']);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe('error [FK_INVALID_ARGUMENT]: --max-rejected: expected a number of rows (`12`) or a share of the rows read (`0.5%`, at most 100%), got `some`\n');
  });

  it('an extra text column costs no row (every row failed "not a number" before)', async () => {
    const dir = tempDir();
    tinyDataset(dir);
    const daily = readFileSync(join(dir, 'daily.csv'), 'utf8').trimEnd().split('\n');
    writeFileSync(join(dir, 'daily.csv'), `${daily.map((line, i) => `${line},${i === 0 ? 'comment' : `row ${i}`}`).join('\n')}\n`);
    const { code, out } = await cli(['data', 'validate', '--data', dir]);
    expect(code).toBe(0);
    expect(out).toContain('6 rows kept');
    expect(out).toContain('daily.csv:2, column `comment`: not in the format and not numeric (`row 1`; 6 such cells); the column was skipped, its rows kept');
  });

  it('data warnings are printed with file:line, and fail only with --strict', async () => {
    const dir = tempDir();
    tinyDataset(dir);
    writeFileSync(join(dir, 'daily.csv'), readFileSync(join(dir, 'daily.csv'), 'utf8').replace('000001.SZ,2024-01-03,10.2,10.4,10.1,', '000001.SZ,2024-01-03,10.2,10.0,10.1,'));
    const lenient = await cli(['data', 'validate', '--data', dir]);
    expect(lenient.code).toBe(0);
    expect(lenient.out).toContain('e.g. daily.csv:3 (000001.SZ 2024-01-03): high `10` is below low `10.1`');
    const strict = await cli(['data', 'validate', '--data', dir, '--strict']);
    expect(strict.code).toBe(3);
    expect(strict.out).toContain('1 data warning (1 high_below_low), errors in strict mode');
  });

  it('a GBK file is refused with file and line, and read with --encoding gbk', async () => {
    const dir = tempDir();
    tinyDataset(dir);
    // 银行 in GBK.
    const bank = Buffer.from([0xd2, 0xf8, 0xd0, 0xd0]);
    writeFileSync(join(dir, 'industry.csv'), Buffer.concat([Buffer.from('ts_code,in_date,out_date,l1_name\n000001.SZ,2024-01-02,,'), bank, Buffer.from('\n')]));
    const refused = await cli(['data', 'validate', '--data', dir]);
    expect(refused.code).toBe(3);
    expect(refused.out).toContain('industry.csv:2, column `l1_name`: `\uFFFD\uFFFD\uFFFD\uFFFD` is not valid UTF-8; the file may be GBK');
    const decoded = await cli(['data', 'validate', '--data', dir, '--encoding', 'gbk']);
    expect(decoded.code).toBe(0);
    const bad = await cli(['data', 'validate', '--data', dir, '--encoding', 'big5']);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe('error [FK_INVALID_ARGUMENT]: --encoding: expected one of utf-8, gbk, got `big5`\n');
  });
});

describe('factorkit data to-qlib / from-qlib', () => {
  it('round-trips a dataset through a qlib folder', async () => {
    const root = tempDir();
    tinyDataset(join(root, 'ds'));
    const toQlib = await cli(['data', 'to-qlib', '--data', 'ds', '--out', 'qlib'], root);
    // The one-line load summary, like every command that loads a dataset.
    expect(toQlib.err).toMatch(/^loaded ds: .*\n$/);
    expect(toQlib.err.split('\n')).toHaveLength(2);
    expect(toQlib.code).toBe(0);
    // factorkit.json: the marker from-qlib reads to know how the folder was written.
    expect(readdirSync(join(root, 'qlib')).sort()).toEqual(['calendars', 'factorkit.json', 'features', 'instruments']);
    const fromQlib = await cli(['data', 'from-qlib', '--qlib', 'qlib', '--out', 'back', '--format', 'csv'], root);
    expect(fromQlib.code).toBe(0);
    const validated = await cli(['data', 'validate', '--data', 'back'], root);
    expect(validated.code).toBe(0);
    expect(validated.out).toContain('calendar 2024-01-02 .. 2024-01-04 (3 trading days), 2 assets');
  });

  it('checks the output folders before loading anything, naming the path given', async () => {
    const root = tempDir();
    // No dataset at all: were the data read first, the error would be about `ds`.
    const missingParent = await cli(['data', 'to-qlib', '--data', 'ds', '--out', 'no/such/qlib'], root);
    expect(missingParent.code).toBe(1);
    expect(missingParent.err).toMatch(/^error \[FK_INVALID_ARGUMENT\]: --out: cannot write `.*no\/such\/qlib`: the folder `.*no\/such` does not exist\n/);
    mkdirSync(join(root, 'full'));
    writeFileSync(join(root, 'full', 'notes.txt'), 'mine');
    const notEmpty = await cli(['data', 'to-qlib', '--data', 'ds', '--out', 'full'], root);
    expect(notEmpty.code).toBe(1);
    expect(notEmpty.err).toContain('exists and is not empty; pass --overwrite to replace it');
    const fromQlib = await cli(['data', 'from-qlib', '--qlib', 'nothing', '--out', 'full'], root);
    expect(fromQlib.code).toBe(1);
    expect(fromQlib.err).toContain('is not empty and not a dataset folder');
    expect(readdirSync(join(root, 'full'))).toEqual(['notes.txt']);
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
    expect(readFileSync(join(root, 'b', 'daily.csv'), 'utf8')).toBe(readFileSync(join(root, 'a', 'daily.csv'), 'utf8'));
  }, 60_000);

  it('rejects bad options with the option named, with the library’s limits (stated in --help)', async () => {
    const many = await cli(['data', 'synth', '--out', 'x', '--stocks', 'many']);
    expect(many.code).toBe(1);
    expect(many.err).toBe('error [FK_INVALID_ARGUMENT]: --stocks: expected a number, got `many`\n');
    for (const [flag, value, message] of [
      ['--stocks', '49', '--stocks: expected an integer in 50 … 8000, got `49`'],
      ['--stocks', '8001', '--stocks: expected an integer in 50 … 8000, got `8001`'],
      ['--stocks', '60.5', '--stocks: expected an integer in 50 … 8000, got `60.5`'],
      ['--years', '0.4', '--years: expected a number in 0.5 … 30, got `0.4`'],
      ['--years', '31', '--years: expected a number in 0.5 … 30, got `31`'],
    ] as const) {
      const root = tempDir();
      const { code, err } = await cli(['data', 'synth', '--out', 'x', flag, value], root);
      expect(code).toBe(1);
      expect(err).toBe(`error [FK_INVALID_ARGUMENT]: ${message}\n`);
      expect(readdirSync(root)).toEqual([]);
    }
    const help = await cli(['data', 'synth', '--help']);
    expect(help.out).toContain('number of stocks, an integer in 50…8000');
    expect(help.out).toContain('years of history, 0.5…30 (fractions allowed)');
  });

  it('accepts fractional years (an integer was required before)', async () => {
    const root = tempDir();
    const { code, err } = await cli(['data', 'synth', '--out', 'half', '--stocks', '50', '--years', '0.5', '--format', 'csv'], root);
    expect(err).toBe('');
    expect(code).toBe(0);
    const validated = await cli(['data', 'validate', '--data', 'half'], root);
    expect(validated.code).toBe(0);
    // Half a year from 2014-01-02: the calendar ends around 2014-07-02.
    expect(validated.out).toMatch(/calendar 2014-01-02 \.\. 2014-07-0\d \(\d+ trading days\), 50 assets/);
  }, 60_000);

  it('replaces a dataset in another format whole (both were left, and it no longer validated)', async () => {
    const root = tempDir();
    tinyDataset(join(root, 'ds'));
    const { code, err } = await cli(['data', 'synth', '--out', 'ds', '--stocks', '50', '--years', '0.5', '--format', 'parquet'], root);
    expect(err).toBe('');
    expect(code).toBe(0);
    const files = readdirSync(join(root, 'ds'));
    expect(files.every((f) => f.endsWith('.parquet'))).toBe(true);
    expect(files).toContain('daily.parquet');
    expect((await cli(['data', 'validate', '--data', 'ds'], root)).code).toBe(0);
    // Nothing left beside it.
    expect(readdirSync(root)).toEqual(['ds']);
  }, 60_000);

  it('refuses a file or a folder that is not a dataset at --out, before generating, without a stack trace', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'file.txt'), 'x');
    const onFile = await cli(['data', 'synth', '--out', 'file.txt', '--stocks', '50', '--years', '0.5'], root);
    expect(onFile.code).toBe(1);
    expect(onFile.err).toBe(`error [FK_INVALID_ARGUMENT]: --out: cannot write \`${join(root, 'file.txt')}\`: it is a file, not a folder\n`);
    mkdirSync(join(root, 'home'));
    writeFileSync(join(root, 'home', 'notes.md'), 'x');
    const onFolder = await cli(['data', 'synth', '--out', 'home', '--stocks', '50', '--years', '0.5'], root);
    expect(onFolder.code).toBe(1);
    expect(onFolder.err).toContain('--out: `');
    expect(onFolder.err).toContain('is not empty and not a dataset folder (it holds `notes.md`)');
    expect(onFolder.err).not.toMatch(/\n\s+at /);
    expect(readdirSync(join(root, 'home'))).toEqual(['notes.md']);
    const missingParent = await cli(['data', 'synth', '--out', 'no/such/dir', '--stocks', '50', '--years', '0.5'], root);
    expect(missingParent.code).toBe(1);
    expect(missingParent.err).toContain('does not exist');
  });
});
