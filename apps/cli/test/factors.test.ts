import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, run } from '../src/index.js';

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

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd: root };
  return { code: await run(args, io), out, err };
}

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
    expect(err).toContain('error [FK_UNKNOWN_PLUGIN]: unknown factor `nope`, `zilch`; known factors:');
    expect(err).toContain('`momentum_1y`');
  });

  it('refuses an output file of another kind', async () => {
    const { code, err } = await cli(['factors', 'compute', '--data', 'market', '--factors', 'momentum_1y', '--out', 'x.xlsx']);
    expect(code).toBe(1);
    expect(err).toContain('--out: expected a .csv, .csv.gz or .parquet file, got `x.xlsx`');
  });
});
