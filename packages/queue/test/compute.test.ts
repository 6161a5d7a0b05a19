import { createRegistry, isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { refusal, untouchable, valueFactor } from './refusals.js';
import { JOB_FORMAT, JOB_FORMAT_VERSION, type SeriesJobSpec, computeSeriesJob } from '../src/index.js';

const job = (over: Partial<SeriesJobSpec> = {}): SeriesJobSpec => ({
  format: JOB_FORMAT,
  version: JOB_FORMAT_VERSION,
  run: {
    asOf: '2015-12-18',
    frequency: 'monthly',
    benchmark: { kind: 'universe', id: 'index', package: null, version: null },
    namedBenchmarks: {},
    investable: null,
    optimizer: { kind: 'optimizer', id: 'highs', package: null, version: null, params: {} },
    missingInputs: 'error',
    codeVersion: '',
    data: 'f'.repeat(64),
  },
  universe: 'csi300',
  factor: { kind: 'factor', id: 'value', package: '@acme/factorkit-factor-value', version: '2.0.0', name: 'value', params: {}, direction: 1 },
  ...over,
});

describe('computeSeriesJob refuses what it must not compute, before loading any data', () => {
  it('a job of another dataset (fingerprint mismatch), naming both fingerprints', async () => {
    const error = await refusal(computeSeriesJob(job(), { data: untouchable, fingerprint: 'e'.repeat(64), registry: createRegistry() }));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toBe(`series csi300 × value: this worker's dataset (fingerprint \`${'e'.repeat(12)}…\`) is not the run's (fingerprint \`${'f'.repeat(12)}…\`); give the worker a copy of the run's dataset with --data (and the same --with folders)`);
  });

  it('a plugin this worker does not have, or has in another version', async () => {
    const missing = await refusal(computeSeriesJob(job(), { data: untouchable, fingerprint: 'f'.repeat(64), registry: createRegistry() }));
    expect(missing.code).toBe('FK_UNKNOWN_PLUGIN');
    expect(missing.message).toContain('the job needs factor `value` from @acme/factorkit-factor-value@2.0.0, which is not installed on this worker');
    const registry = createRegistry();
    registry.register(valueFactor, { source: { type: 'package', package: '@acme/factorkit-factor-value', version: '1.9.0' } });
    const old = await refusal(computeSeriesJob(job(), { data: untouchable, fingerprint: 'f'.repeat(64), registry }));
    expect(old.code).toBe('FK_UNKNOWN_PLUGIN');
    expect(old.message).toContain('this worker has factor `value` from @acme/factorkit-factor-value@1.9.0; install the same version on the worker');
  });

  it('data that is not a series job of this format version', async () => {
    const env = { data: untouchable, fingerprint: 'f'.repeat(64), registry: createRegistry() };
    expect((await refusal(computeSeriesJob({ hello: 1 }, env))).message).toBe('not a factorkit series job (format `undefined`)');
    const newer = await refusal(computeSeriesJob({ ...job(), version: 2 }, env));
    expect(isFactorkitError(newer) && newer.code).toBe('FK_INVALID_ARGUMENT');
    expect(newer.message).toContain('series job format version `2`; this worker reads version 1');
  });
});
