import { computeFactor } from '@factorkit/core';
import { loadDataset } from '@factorkit/data';
import { momentum } from '@factorkit/factor-momentum';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { type CliResult, runCli } from './helpers.js';

let root: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'factorkit-cli-factors-'));
  const code = await run(['data', 'synth', '--out', 'market', '--stocks', '150', '--years', '2', '--seed', '5', '--format', 'csv'], {
    stdout: () => undefined,
    stderr: () => undefined,
    cwd: root,
  });
  if (code !== 0) throw new Error('could not write the test market');
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = (args: string[], cwd = root): Promise<CliResult> => runCli(args, cwd);

describe('factorkit factors', () => {
  it('lists factor plugins with category, direction and inputs', async () => {
    const { code, out } = await cli(['factors', 'list', '--json']);
    expect(code).toBe(0);
    const { factors } = JSON.parse(out) as { factors: { id: string; category: string; direction: number; inputs: string[] }[] };
    expect(factors).toContainEqual(expect.objectContaining({ id: 'momentum_1y', category: 'momentum', direction: 1, inputs: ['ret'] }));
  });

  it('computes factors in long format within a universe, with progress on stderr', async () => {
    const { code, out, err } = await cli(['factors', 'compute', '--data', 'market', '--factors', 'momentum_1y', '--universe', 'csi300', '--start', '2015-06-01', '--out', 'f.csv']);
    expect(err).toMatch(/\[1\/1\] momentum_1y: [\d,]+ values in/);
    expect(code).toBe(0);
    expect(out).toMatch(/^wrote [\d,]+ rows \(1 factor, 2015-06-01 \.\. 2015-12-31\)/);
    const lines = readFileSync(join(root, 'f.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('trade_date,ts_code,factor,value');
    const first = lines[1]!.split(',');
    expect(first[0]).toBe('2015-06-01');
    expect(first[2]).toBe('momentum_1y');
    expect(Number.isFinite(Number(first[3]))).toBe(true);
    // Only CSI 300 members: at most its (scaled-down) size per date.
    const perDate = new Map<string, number>();
    for (const line of lines.slice(1)) perDate.set(line.slice(0, 10), (perDate.get(line.slice(0, 10)) ?? 0) + 1);
    expect(Math.max(...perDate.values())).toBeLessThanOrEqual(300);
  }, 60_000);

  it('preprocesses to z-scores within the universe', async () => {
    const { code } = await cli(['factors', 'compute', '--data', 'market', '--factors', 'momentum_1y', '--universe', 'csi300', '--start', '2015-12-01', '--preprocess', '--out', 'z.csv']);
    expect(code).toBe(0);
    const values = readFileSync(join(root, 'z.csv'), 'utf8').trimEnd().split('\n').slice(1).filter((l) => l.startsWith('2015-12-31')).map((l) => Number(l.split(',')[3]));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(mean)).toBeLessThan(1e-9);
  }, 60_000);

  it('names unknown factors and the known ones', async () => {
    const { code, err } = await cli(['factors', 'compute', '--data', 'market', '--factors', 'momentum_1y,nope,zilch', '--out', 'x.csv']);
    expect(code).toBe(1);
    expect(err).toContain('error [FK_UNKNOWN_PLUGIN]: unknown factor `nope`, `zilch`\nknown factors:');
    expect(err).toContain('`momentum_1y`');
  });

  it('refuses an output file of another kind', async () => {
    const { code, err } = await cli(['factors', 'compute', '--data', 'market', '--factors', 'momentum_1y', '--out', 'x.xlsx']);
    expect(code).toBe(1);
    expect(err).toContain('--out: expected a .csv, .csv.gz or .parquet file, got `x.xlsx`');
  });
});

/** The long table's rows: [date, code, factor, value]. */
function rows(file: string): string[][] {
  return readFileSync(join(root, file), 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split(','));
}

/** A project folder whose node_modules hold one factor plugin package written as `source`. */
function projectWith(name: string, source: string): string {
  const project = mkdtempSync(join(root, 'project-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0', dependencies: { [name]: '1.0.0' } }));
  const dir = join(project, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module', keywords: ['factorkit-plugin'], exports: './index.js' }));
  writeFileSync(join(dir, 'index.js'), source);
  return project;
}

const plainFactor = (id: string, apiVersion: string, compute: string) =>
  `export default { kind: 'factor', id: '${id}', apiVersion: '${apiVersion}', meta: { description: 'test', category: 'other', inputs: [{ field: 'ret' }], lookback: 0, direction: 1, params: {} }, compute: ${compute} };\n`;

describe('factorkit factors compute: nothing lost, nothing silent (issue 10)', () => {
  it('prints what loading the dataset rejected, and refuses beyond --max-rejected (exit 3)', async () => {
    // A copy of the market with one unreadable close.
    const damaged = join(root, 'damaged');
    mkdirSync(damaged, { recursive: true });
    for (const file of readdirSync(join(root, 'market'))) writeFileSync(join(damaged, file), readFileSync(join(root, 'market', file)));
    const lines = readFileSync(join(damaged, 'daily.csv'), 'utf8').split('\n');
    const header = lines[0]!.split(',');
    const close = header.indexOf('close');
    const cells = lines[5]!.split(',');
    cells[close] = 'abc';
    lines[5] = cells.join(',');
    writeFileSync(join(damaged, 'daily.csv'), lines.join('\n'));

    const loose = await cli(['factors', 'compute', '--data', 'damaged', '--factors', 'size', '--out', 'loose.csv']);
    expect(loose.code).toBe(0);
    const summary = loose.err.split('\n').find((line) => line.startsWith('loaded damaged'));
    expect(summary, loose.err).toBeDefined();
    expect(summary).toContain('rejected 1 row');
    expect(summary).toContain('unparsable_number');
    const json = await cli(['factors', 'compute', '--data', 'damaged', '--factors', 'size', '--json', '--out', 'loose.csv']);
    const report = JSON.parse(json.out) as { load: { summary: string; report: { tables: { table: string; rejected: number }[] } } };
    expect(report.load.report.tables.find((t) => t.table === 'daily')?.rejected).toBe(1);

    const strict = await cli(['factors', 'compute', '--data', 'damaged', '--factors', 'size', '--max-rejected', '0', '--out', 'strict.csv']);
    expect(strict.code).toBe(3);
    expect(strict.err).toContain('unparsable_number');
    expect(existsSync(join(root, 'strict.csv'))).toBe(false);
  }, 60_000);

  it('takes factor parameters on the command line, validated with the plugin schema', async () => {
    const { code, err } = await cli(['factors', 'compute', '--data', 'market', '--factors', 'momentum_1y:window=60,skip=5', '--start', '2015-06-01', '--out', 'p.csv']);
    expect(err).not.toContain('error');
    expect(code).toBe(0);
    // The values are momentum with those parameters, as core computes it from the same data.
    const { dataset } = await loadDataset(join(root, 'market'));
    const expected = computeFactor(momentum.with({ window: 60, skip: 5 }), dataset, { start: '2015-06-01' });
    const written = rows('p.csv');
    let finite = 0;
    for (const v of expected.values.values) if (Number.isFinite(v)) finite++;
    expect(written).toHaveLength(finite);
    const last = written.at(-1)!;
    const t = expected.dates.indexOf(last[0]!);
    const a = dataset.assets.indexOf(last[1]!);
    expect(last[2]).toBe('momentum_1y');
    expect(Number(last[3])).toBe(expected.values.get(t, a));

    const bad = await cli(['factors', 'compute', '--data', 'market', '--factors', 'momentum_1y:window=5,skip=x', '--out', 'p.csv']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('error [FK_INVALID_PARAMS]: --factors: invalid factor parameters:');
    expect(bad.err).toContain('  - momentum_1y.params.window: ');
    expect(bad.err).toContain('  - momentum_1y.params.skip: ');
  }, 60_000);

  it('refuses a factor listed twice instead of writing every value twice', async () => {
    const { code, err } = await cli(['factors', 'compute', '--data', 'market', '--factors', 'size,size', '--out', 'd.csv']);
    expect(code).toBe(1);
    expect(err).toContain('error [FK_INVALID_ARGUMENT]: --factors: `size` is listed twice with the same parameters (entries 1 and 2: `size`, `size`); list each factor once');
    expect(existsSync(join(root, 'd.csv'))).toBe(false);
  });

  it('writes one id with different parameters under distinct names', async () => {
    const { code } = await cli(['factors', 'compute', '--data', 'market', '--factors', 'momentum_1y:window=60,momentum_1y:window=120', '--start', '2015-09-01', '--out', 'two.csv']);
    expect(code).toBe(0);
    const names = new Set(rows('two.csv').map((r) => r[2]));
    expect([...names]).toEqual(['momentum_1y[window=60]', 'momentum_1y[window=120]']);
  }, 60_000);

  it('exits 3 with a lookback hint when the range starts inside the lookback (was: 0 rows, exit 0)', async () => {
    const { code, err, out } = await cli(['factors', 'compute', '--data', 'market', '--factors', 'momentum_1y', '--start', '20140301', '--end', '2014-06-30', '--out', 'early.csv']);
    expect(code).toBe(3);
    // No value at all: no file that could pass for a result.
    expect(out).toBe('');
    expect(err).toContain('nothing written to ');
    expect(existsSync(join(root, 'early.csv'))).toBe(false);
    expect(err).toContain('error [FK_NO_VALUES]: factor `momentum_1y` has no values from 2014-03-03 to 2014-06-30: it needs 250 trading days of history and the data starts 2014-01-02');
    expect(err).toMatch(/the first date with full history is 2015-01-\d\d/);
  }, 60_000);

  it('notes a short lookback when some values exist', async () => {
    const { code, err } = await cli(['factors', 'compute', '--data', 'market', '--factors', 'momentum_1y', '--start', '2014-12-01', '--out', 'short.csv']);
    expect(code).toBe(0);
    expect(err).toMatch(/note: `momentum_1y`: the first \d+ of \d+ dates \(2014-12-01 \.\. 2015-01-\d\d\) have less history than it needs/);
  }, 60_000);

  it('does not neutralise size against itself under --preprocess (was: 0 values in csi300, exit 0)', async () => {
    const { code, err, out } = await cli(['factors', 'compute', '--data', 'market', '--factors', 'size,momentum_1y', '--universe', 'csi300', '--start', '2015-06-01', '--preprocess', '--out', 'size.csv']);
    expect(err).not.toContain('error');
    expect(code).toBe(0);
    expect(err).toContain('note: `size`: not neutralised against `size`: log market cap explains the factor entirely');
    expect(err).not.toContain('note: `momentum_1y`: not neutralised');
    const sizeRows = rows('size.csv').filter((r) => r[2] === 'size');
    expect(sizeRows.length).toBeGreaterThan(1000);
    // z-scores per date: mean 0, standard deviation 1.
    const day = sizeRows.filter((r) => r[0] === '2015-12-31').map((r) => Number(r[3]));
    const mean = day.reduce((s, v) => s + v, 0) / day.length;
    const sd = Math.sqrt(day.reduce((s, v) => s + (v - mean) ** 2, 0) / (day.length - 1));
    expect(Math.abs(mean)).toBeLessThan(1e-9);
    expect(sd).toBeCloseTo(1, 6);
    expect(out).toMatch(/^wrote [\d,]+ rows \(2 factors, 2015-06-01 \.\. 2015-12-31\)/);
  }, 60_000);

  it('prints the report as JSON with --json: coverage by stage, lookback, preprocessing', async () => {
    const { code, out } = await cli(['factors', 'compute', '--data', 'market', '--factors', 'size', '--universe', 'csi300', '--preprocess', '--json', '--out', 'j.parquet']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as {
      rows: number;
      factors: { name: string; coverage: { values: number; stages: { stage: string; input: number; output: number }[] }; preprocess: { neutralize: { used: string[] } }; lookback: { needed: number } }[];
    };
    expect(report.factors[0]!.name).toBe('size');
    expect(report.factors[0]!.coverage.stages.map((s) => s.stage)).toEqual(['compute', 'universe', 'winsorize', 'neutralize', 'standardize']);
    expect(report.factors[0]!.coverage.values).toBe(report.rows);
    expect(report.factors[0]!.preprocess.neutralize.used).toEqual(['industry']);
    expect(report.factors[0]!.lookback.needed).toBe(0);
  }, 60_000);

  it('names the factor and its package when a third-party compute throws; the cause only with --verbose', async () => {
    const project = projectWith('factorkit-factor-boom', plainFactor('boom', '1.0', `() => { const x = undefined; return x.close; }`));
    const args = ['factors', 'compute', '--data', join(root, 'market'), '--factors', 'boom', '--out', 'b.csv'];
    const { code, err } = await cli(args, project);
    expect(code).toBe(1);
    expect(err).toContain("error [FK_PLUGIN_FAILED]: factor `boom` from package `factorkit-factor-boom@1.0.0` failed in compute: TypeError: Cannot read properties of undefined (reading 'close')");
    expect(err).not.toMatch(/\n\s+at /);
    const verbose = await cli([...args, '--verbose'], project);
    expect(verbose.err).toContain("caused by: Cannot read properties of undefined (reading 'close')");
    expect(verbose.err).toMatch(/\n\s+at /);
  }, 60_000);

  it('says a factor is unavailable because its package was refused, not "unknown"', async () => {
    const project = projectWith('factorkit-factor-future', plainFactor('future_factor', '2.0', '(ctx) => ctx.input("ret")'));
    const { code, err } = await cli(['factors', 'compute', '--data', join(root, 'market'), '--factors', 'future_factor', '--out', 'f.csv'], project);
    expect(code).toBe(1);
    expect(err).toContain('warning [FK_API_VERSION]: plugin package `factorkit-factor-future` was not loaded');
    expect(err).toContain('error [FK_UNKNOWN_PLUGIN]: factor `future_factor` is not available: 1 plugin package failed to load and may provide it');
    expect(err).toContain('`factorkit-factor-future` [FK_API_VERSION]');
  }, 60_000);

  it('checks dates and the output path before loading anything', async () => {
    const base = ['factors', 'compute', '--data', 'no-such-dataset', '--factors', 'size'];
    const impossible = await cli([...base, '--start', '2015-02-30', '--out', 'x.csv']);
    expect(impossible.code).toBe(1);
    expect(impossible.err).toContain('error [FK_INVALID_ARGUMENT]: --start: `"2015-02-30"` is not a real date');
    const malformed = await cli([...base, '--end', '2015/6/1', '--out', 'x.csv']);
    expect(malformed.err).toContain('error [FK_INVALID_ARGUMENT]: --end: `"2015/6/1"` is not a date (expected YYYY-MM-DD or YYYYMMDD)');
    const reversed = await cli([...base, '--start', '20150601', '--end', '2015-01-01', '--out', 'x.csv']);
    expect(reversed.code).toBe(1);
    expect(reversed.err).toContain('error [FK_INVALID_ARGUMENT]: --start `20150601` is after --end `2015-01-01`');
    const unwritable = await cli([...base, '--out', 'no-such-folder/x.csv']);
    expect(unwritable.code).toBe(1);
    expect(unwritable.err).toContain('error [FK_INVALID_ARGUMENT]: --out: cannot write `');
    expect(unwritable.err).toContain('no-such-folder');
    expect(unwritable.err).not.toContain('.tmp');
    // None of them got as far as the data.
    for (const r of [impossible, malformed, reversed, unwritable]) expect(r.err).not.toContain('no-such-dataset');
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('accepts YYYYMMDD dates', async () => {
    const { code, out } = await cli(['factors', 'compute', '--data', 'market', '--factors', 'size', '--start', '20151201', '--end', '20151231', '--out', 'ymd.csv']);
    expect(code).toBe(0);
    expect(out).toMatch(/\(1 factor, 2015-12-01 \.\. 2015-12-31\)/);
  }, 60_000);
});
