import { type FactorkitError, isFactorkitError } from '@factorkit/core';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { readStrategyFile } from '../src/spec/read-file.js';
import { createStrategy, parseStrategy } from '../src/spec/index.js';
import { CSI300_YAML, specRegistry } from './spec-fixture.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fk-strategy-spec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<FactorkitError> {
  try {
    await promise;
  } catch (error) {
    if (isFactorkitError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('readStrategyFile', () => {
  test('reads YAML (.yaml, .yml) and JSON by extension', async () => {
    await writeFile(join(dir, 'a.yaml'), CSI300_YAML);
    await writeFile(join(dir, 'a.yml'), `\uFEFF${CSI300_YAML}`);
    await writeFile(join(dir, 'a.json'), JSON.stringify({ name: 'csi300-enhanced', description: 'CSI 300 enhanced on two price factors', universe: { index: 'csi300' }, factors: ['momentum_1y', { id: 'volatility_3m', params: { window: 40, minObs: 30 } }], model: { id: 'icir', horizon: 5 }, objective: { kind: 'max-alpha', trackingError: 0.05 }, rebalance: { every: 'week' }, capital: 50_000_000 }));
    const expected = parseStrategy(CSI300_YAML);
    expect(await readStrategyFile(join(dir, 'a.yaml'))).toEqual(expected);
    expect(await readStrategyFile(join(dir, 'a.yml'))).toEqual(expected);
    expect(await readStrategyFile(join(dir, 'a.json'))).toEqual(expected);
  });

  test('a YAML file is read as YAML: a JSON file with YAML in it is refused', async () => {
    await writeFile(join(dir, 'yaml-in.json'), CSI300_YAML);
    const e = await rejection(readStrategyFile(join(dir, 'yaml-in.json')));
    expect(e.code).toBe('FK_INVALID_STRATEGY');
    // `name` starts like `null`: the `a` is the first character JSON cannot take.
    expect(e.message).toContain(`${join(dir, 'yaml-in.json')}:1:2 invalid JSON`);
  });

  test('problems name the file with their line, also those createStrategy finds', async () => {
    const path = join(dir, 'bad.yaml');
    await writeFile(path, CSI300_YAML.replace('      window: 40', '      window: 2').replace('capital: 50000000', 'capital: -1'));
    const parse = await rejection(readStrategyFile(path));
    expect(parse.message).toContain(`${path}:19:1 strategy.capital: expected a number > 0, got \`-1\``);
    await writeFile(path, CSI300_YAML.replace('      window: 40', '      window: 2'));
    const definition = await readStrategyFile(path);
    const create = (() => {
      try {
        createStrategy(definition, { registry: specRegistry() });
      } catch (error) {
        return error as Error;
      }
      throw new Error('expected an error');
    })();
    expect(create.message).toContain(`${path}:9:7 strategy.factors[1].params.window: expected an integer ≥ 3 and ≤ 1000, got \`2\``);
  });

  test('another copy of the package (`/node` bundles its own) still locates createStrategy’s problems; a copy of the definition does not', async () => {
    const path = join(dir, 'copy.yaml');
    await writeFile(path, CSI300_YAML.replace('      window: 40', '      window: 2'));
    const definition = await readStrategyFile(path);
    vi.resetModules();
    const other = await import('../src/spec/create.js');
    expect(other.createStrategy).not.toBe(createStrategy);
    const message = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(message(() => other.createStrategy(definition, { registry: specRegistry() }))).toContain(`${path}:9:7 strategy.factors[1].params.window`);
    const copied = message(() => createStrategy({ ...definition }, { registry: specRegistry() }));
    expect(copied).toContain('  - strategy.factors[1].params.window');
    expect(JSON.parse(JSON.stringify(definition))).toEqual(definition);
  });

  test('other extensions and unreadable files are refused, naming the file', async () => {
    const txt = await rejection(readStrategyFile(join(dir, 'strategy.txt')));
    expect(txt.code).toBe('FK_INVALID_ARGUMENT');
    expect(txt.message).toContain('strategy.txt');
    expect(txt.message).toContain('`.yaml`, `.yml` or `.json`');
    const missing = await rejection(readStrategyFile(join(dir, 'missing.yaml')));
    expect(missing.code).toBe('FK_INVALID_ARGUMENT');
    expect(missing.message).toBe(`strategy file \`${join(dir, 'missing.yaml')}\` cannot be read: no such file`);
  });
});
