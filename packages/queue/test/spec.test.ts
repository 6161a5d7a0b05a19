import { isFactorkitError } from '@factorkit/core';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JOB_FORMAT, JOB_FORMAT_VERSION, type SeriesJobSpec, canonicalJson, datasetFingerprint, seriesJobId } from '../src/index.js';

const spec = (over: Partial<SeriesJobSpec['run']> = {}, factorParams: unknown = { window: 240, skip: 20 }): SeriesJobSpec => ({
  format: JOB_FORMAT,
  version: JOB_FORMAT_VERSION,
  run: {
    asOf: '2015-12-18',
    frequency: 'monthly',
    benchmark: { kind: 'universe', id: 'index', package: '@factorkit/universe-index', version: '0.1.0' },
    namedBenchmarks: {},
    investable: { kind: 'universe', id: 'market', package: '@factorkit/universe-index', version: '0.1.0' },
    optimizer: { kind: 'optimizer', id: 'highs', package: '@factorkit/optimizer-highs', version: '0.2.0', params: { presolve: false } },
    missingInputs: 'error',
    codeVersion: 'cli@1',
    data: 'a'.repeat(64),
    ...over,
  },
  universe: 'csi300',
  factor: { kind: 'factor', id: 'momentum_1y', package: '@factorkit/factor-momentum', version: '0.1.0', name: 'momentum_1y', params: factorParams, direction: 1 },
});

describe('job ids', () => {
  it('canonical JSON sorts keys at every level and leaves out undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: 'x' }], c: undefined } })).toBe('{"a":{"d":[1,{"y":"x","z":0}]},"b":1}');
  });

  it('refuses what JSON cannot carry as it is: a job is plain data', () => {
    for (const [value, what] of [
      [{ f: () => 1 }, 'job.f: a function'],
      [{ x: [Number.NaN] }, 'job.x[0]: `NaN`'],
      [{ t: new Float64Array(2) }, 'job.t: a Float64Array'],
    ] as const) {
      let error: unknown;
      try {
        canonicalJson(value);
      } catch (e) {
        error = e;
      }
      expect(isFactorkitError(error) && error.code).toBe('FK_INVALID_ARGUMENT');
      expect((error as Error).message).toContain(what);
    }
  });

  it('a series job id is the SHA-256 of its canonical JSON: equal inputs, equal ids; any input changed, another id', () => {
    const id = seriesJobId(spec());
    expect(id).toBe(`s-${createHash('sha256').update(canonicalJson(spec())).digest('hex')}`);
    // The same data with keys in another order.
    const reverse = (value: unknown): unknown =>
      Array.isArray(value) ? value.map(reverse) : value !== null && typeof value === 'object' ? Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverse(v)])) : value;
    const reordered = reverse(spec()) as SeriesJobSpec;
    expect(Object.keys(reordered)[0]).toBe('factor');
    expect(seriesJobId(reordered)).toBe(id);
    expect(seriesJobId(spec({ data: 'b'.repeat(64) }))).not.toBe(id);
    expect(seriesJobId(spec({ asOf: '2015-12-25' }))).not.toBe(id);
    expect(seriesJobId(spec({}, { window: 120, skip: 20 }))).not.toBe(id);
    expect(id).not.toContain(':');
  });
});

describe('datasetFingerprint', () => {
  const root = mkdtempSync(join(tmpdir(), 'factorkit-queue-fp-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const folder = (name: string, files: Record<string, string>): string => {
    const dir = join(root, name);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    return dir;
  };

  it('is the same for two copies, and changes with any byte, file name, added file, --with folder or encoding', async () => {
    const files = { 'daily.csv': 'a,b\n1,2\n', 'sub/stocks.csv': 'code\n000001.SZ\n' };
    const a = await datasetFingerprint({ data: folder('a', files) });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(await datasetFingerprint({ data: folder('copy', { ...files, '.DS_Store': 'junk' }) })).toBe(a);
    expect(await datasetFingerprint({ data: folder('byte', { ...files, 'daily.csv': 'a,b\n1,3\n' }) })).not.toBe(a);
    expect(await datasetFingerprint({ data: folder('renamed', { 'daily2.csv': files['daily.csv'], 'sub/stocks.csv': files['sub/stocks.csv'] }) })).not.toBe(a);
    expect(await datasetFingerprint({ data: folder('added', { ...files, 'notes.txt': '' }) })).not.toBe(a);
    expect(await datasetFingerprint({ data: join(root, 'a'), with: [folder('extra', { 'funds.csv': 'x\n' })] })).not.toBe(a);
    expect(await datasetFingerprint({ data: join(root, 'a'), encoding: 'gbk' })).not.toBe(a);
  });
});
