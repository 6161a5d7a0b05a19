import { createRegistry, isFactorkitError } from '@factorkit/core';
import type { VariantTask } from '@factorkit/strategy';
import { describe, expect, it } from 'vitest';
import { refusal, untouchable, valueFactor } from './refusals.js';
import { VARIANT_JOB_FORMAT, VARIANT_JOB_FORMAT_VERSION, type VariantJobSpec, computeVariantJob, sweepJobId, variantJobId } from '../src/index.js';

const task: VariantTask = {
  index: 2,
  name: 'tiny-2',
  parameters: { 'objective.trackingError': 0.05 },
  definition: { name: 'tiny-2', universe: { index: '000852.SH' }, factors: ['value'], model: { id: 'equal' } },
};

const job = (over: Partial<VariantJobSpec> = {}): VariantJobSpec => ({
  format: VARIANT_JOB_FORMAT,
  version: VARIANT_JOB_FORMAT_VERSION,
  sweep: 'tiny',
  task,
  plugins: [{ kind: 'factor', id: 'value', package: '@acme/factorkit-factor-value', version: '2.0.0' }],
  data: 'f'.repeat(64),
  codeVersion: 'cli@1',
  ...over,
});

describe('computeVariantJob refuses what it must not compute, before loading any data', () => {
  it('a variant of another dataset, naming both fingerprints', async () => {
    const error = await refusal(computeVariantJob(job(), { data: untouchable, fingerprint: 'e'.repeat(64), registry: createRegistry() }));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toBe(`variant tiny-2: this worker's dataset (fingerprint \`${'e'.repeat(12)}…\`) is not the sweep's (fingerprint \`${'f'.repeat(12)}…\`); give the worker a copy of the sweep's dataset with --data (and the same --with folders)`);
  });

  it('a plugin this worker does not have, or has in another version', async () => {
    const missing = await refusal(computeVariantJob(job(), { data: untouchable, fingerprint: 'f'.repeat(64), registry: createRegistry() }));
    expect(missing.code).toBe('FK_UNKNOWN_PLUGIN');
    expect(missing.message).toContain('variant tiny-2: the job needs factor `value` from @acme/factorkit-factor-value@2.0.0, which is not installed on this worker');
    const registry = createRegistry();
    registry.register(valueFactor, { source: { type: 'package', package: '@acme/factorkit-factor-value', version: '1.9.0' } });
    const old = await refusal(computeVariantJob(job(), { data: untouchable, fingerprint: 'f'.repeat(64), registry }));
    expect(old.code).toBe('FK_UNKNOWN_PLUGIN');
    expect(old.message).toContain('variant tiny-2: the job needs factor `value` from @acme/factorkit-factor-value@2.0.0, this worker has factor `value` from @acme/factorkit-factor-value@1.9.0; install the same version on the worker');
  });

  it('a plugin without a version that does not resolve here either (createStrategy finds no such id)', async () => {
    const error = await refusal(computeVariantJob(job({ plugins: [{ kind: 'factor', id: 'value', package: null, version: null }] }), { data: untouchable, fingerprint: 'f'.repeat(64), registry: createRegistry() }));
    expect(error.code).toBe('FK_UNKNOWN_PLUGIN');
    expect(error.message).toMatch(/^variant tiny-2: the job needs factor `value`, which is not installed on this worker \(.*\): .*`value`/s);
  });

  it('data that is not a variant job of this format version', async () => {
    const env = { data: untouchable, fingerprint: 'f'.repeat(64), registry: createRegistry() };
    expect((await refusal(computeVariantJob({ hello: 1 }, env))).message).toBe('not a factorkit variant job (format `undefined`)');
    const newer = await refusal(computeVariantJob({ ...job(), version: 2 }, env));
    expect(isFactorkitError(newer) && newer.code).toBe('FK_INVALID_ARGUMENT');
    expect(newer.message).toContain('variant job format version `2`; this worker reads version 1');
    expect((await refusal(computeVariantJob({ ...job(), task: undefined }, env))).message).toBe('variant job without task, plugins or dataset fingerprint');
  });
});

describe('variant job ids', () => {
  it('depend on every field of the job, not on key order', () => {
    const id = variantJobId(job());
    expect(id).toMatch(/^v-[0-9a-f]{64}$/);
    const reordered = Object.fromEntries(Object.entries(job()).reverse()) as unknown as VariantJobSpec;
    expect(variantJobId(reordered)).toBe(id);
    for (const other of [job({ data: 'e'.repeat(64) }), job({ codeVersion: 'cli@2' }), job({ plugins: [{ kind: 'factor', id: 'value', package: '@acme/factorkit-factor-value', version: '2.0.1' }] }), job({ task: { ...task, parameters: { 'objective.trackingError': 0.06 } } })]) {
      expect(variantJobId(other)).not.toBe(id);
    }
    expect(sweepJobId('tiny', [id], 'f'.repeat(64))).toMatch(/^w-[0-9a-f]{64}$/);
    expect(sweepJobId('tiny', [id], 'f'.repeat(64))).not.toBe(sweepJobId('tiny', [id], 'e'.repeat(64)));
  });
});
