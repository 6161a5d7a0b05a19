import { describe, expect, it } from 'vitest';
import {
  type AnyPlugin,
  CORE_API_VERSION,
  PluginRegistrationError,
  createRegistry,
  defineConstraint,
  defineFactor,
  defineOptimizer,
  defineUniverse,
  pluginsFromModule,
} from '../src/index.js';
import { thrown } from './helpers.js';

const factor = (id: string, apiVersion = '1.0') =>
  defineFactor({
    id,
    apiVersion,
    meta: { description: `factor ${id}`, category: 'value', inputs: [{ field: 'close' }], lookback: 0, direction: 1, params: {} },
    compute: (ctx) => ctx.input('close'),
  });

const universe = (id: string) =>
  defineUniverse({
    id,
    apiVersion: '1.0',
    meta: { description: `universe ${id}`, inputs: [], params: {} },
    resolve: () => ({ id, members: () => new Uint8Array(0) }),
  });

const constraint = (id: string) =>
  defineConstraint({ id, apiVersion: '1.0', meta: { description: `constraint ${id}`, params: {} }, build: () => undefined });

const optimizer = (id: string) =>
  defineOptimizer({
    id,
    apiVersion: '1.0',
    meta: { description: `optimizer ${id}`, params: {}, capabilities: { linear: true, quadratic: true, duals: false, warmStart: false } },
    create: () => ({ id, solve: () => Promise.reject(new Error('not a solver')) }),
  });

/** A plain-object factor plugin, as a package written without defineFactor would export it. */
const plainFactor = (id: string, overrides: Record<string, unknown> = {}) =>
  ({
    kind: 'factor',
    id,
    apiVersion: '1.0',
    meta: { description: 'plain', category: 'value', inputs: [], lookback: 0, direction: 1, params: {}, ...overrides },
    compute: () => undefined,
  }) as unknown as AnyPlugin;

const registrationError = (fn: () => unknown) => {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(PluginRegistrationError);
  return error as PluginRegistrationError;
};

describe('createRegistry: register and look up', () => {
  it('registers one plugin or a batch of every kind', () => {
    const registry = createRegistry();
    expect(registry.apiVersion).toBe(CORE_API_VERSION);
    const ep = factor('ep_ttm');
    registry.register(ep);
    registry.register([universe('csi300'), constraint('stock_cap'), optimizer('highs'), plainFactor('plain')]);
    expect(registry.has('factor', 'ep_ttm')).toBe(true);
    expect(registry.has('factor', 'plain')).toBe(true);
    expect(registry.has('universe', 'csi300')).toBe(true);
    expect(registry.has('constraint', 'stock_cap')).toBe(true);
    expect(registry.has('optimizer', 'highs')).toBe(true);
    expect(registry.has('universe', 'ep_ttm')).toBe(false);
    expect(registry.get('factor', 'ep_ttm')).toBe(ep);
    expect(registry.get('optimizer', 'highs').meta.capabilities.quadratic).toBe(true);
  });

  it('keeps ids per kind: the same id may be used by two kinds', () => {
    const registry = createRegistry();
    registry.register([factor('size'), constraint('size')]);
    expect(registry.get('factor', 'size').kind).toBe('factor');
    expect(registry.get('constraint', 'size').kind).toBe('constraint');
  });

  it('list() orders by kind, then id, and filters by kind', () => {
    const registry = createRegistry();
    registry.register([factor('zeta'), universe('all_a'), factor('alpha'), optimizer('admm'), constraint('turnover'), factor('mid')]);
    expect(registry.list().map((e) => `${e.plugin.kind}:${e.plugin.id}`)).toEqual([
      'constraint:turnover',
      'factor:alpha',
      'factor:mid',
      'factor:zeta',
      'optimizer:admm',
      'universe:all_a',
    ]);
    expect(registry.list('factor').map((e) => e.plugin.id)).toEqual(['alpha', 'mid', 'zeta']);
    expect(registry.list('universe')).toHaveLength(1);
  });

  it('records the source, `object` by default', () => {
    const registry = createRegistry();
    registry.register(factor('a'));
    registry.register(factor('b'), { source: { type: 'package', package: 'factorkit-factor-b', version: '1.2.3' } });
    registry.register(factor('c'), { source: { type: 'builtin' } });
    expect(registry.list().map((e) => e.source)).toEqual([
      { type: 'object' },
      { type: 'package', package: 'factorkit-factor-b', version: '1.2.3' },
      { type: 'builtin' },
    ]);
  });

  it('get() of an unknown id throws FK_UNKNOWN_PLUGIN listing the known ids of that kind', () => {
    const registry = createRegistry();
    registry.register([factor('momentum_1y'), factor('ep_ttm'), universe('csi300')]);
    const error = thrown(() => registry.get('factor', 'momentum'));
    expect(error.code).toBe('FK_UNKNOWN_PLUGIN');
    expect(error.message).toBe('no factor plugin with id `momentum`; registered: `momentum_1y`, `ep_ttm`');
    expect(error.details).toEqual({ kind: 'factor', id: 'momentum', known: ['momentum_1y', 'ep_ttm'] });
    expect(thrown(() => registry.get('optimizer', 'highs')).message).toBe('no optimizer plugin with id `highs`; no optimizer plugins are registered');
  });
});

describe('createRegistry: validation is all-or-nothing', () => {
  it('one bad plugin in a batch means none is added', () => {
    const registry = createRegistry();
    const error = registrationError(() => registry.register([factor('good'), plainFactor('bad', { direction: 2 }), universe('u')]));
    expect(error.code).toBe('FK_INVALID_PLUGIN');
    expect(registry.list()).toEqual([]);
    expect(registry.has('factor', 'good')).toBe(false);
  });

  it('FK_INVALID_PLUGIN lists the issues of each malformed plugin', () => {
    const registry = createRegistry();
    const error = registrationError(() => registry.register([plainFactor('bad', { direction: 2, lookback: -1 })]));
    expect(error.code).toBe('FK_INVALID_PLUGIN');
    expect(error.message).toBe(
      'cannot register plugins:\n' +
        'factor `bad`: is malformed:\n' +
        '  - meta.direction: expected 1 or -1, got `2`\n' +
        '  - meta.lookback: expected a non-negative integer or a function of the params, got `-1`',
    );
    expect(error.problems).toEqual([
      {
        code: 'FK_INVALID_PLUGIN',
        plugin: 'factor `bad`',
        message: 'is malformed',
        issues: [
          { path: 'meta.direction', message: 'expected 1 or -1, got `2`' },
          { path: 'meta.lookback', message: 'expected a non-negative integer or a function of the params, got `-1`' },
        ],
      },
    ]);
    expect(error.details.problems).toBe(error.problems);
  });

  it('reports a malformed parameter schema instead of crashing', () => {
    const registry = createRegistry();
    const error = registrationError(() => registry.register(plainFactor('bad_schema', { params: { r: { type: 'record', values: null, default: { a: 1 } } } })));
    expect(error.code).toBe('FK_INVALID_PLUGIN');
    expect(error.problems[0]!.issues).toEqual([
      { path: 'meta.params.r.values', message: 'expected a parameter spec made with `param.*`, got `null`' },
    ]);
  });

  it('rejects values that are not plugins of a known kind', () => {
    const registry = createRegistry();
    const error = registrationError(() => registry.register([5, { kind: 'strategy', id: 'x' }] as unknown as AnyPlugin[]));
    expect(error.code).toBe('FK_INVALID_PLUGIN');
    expect(error.message).toBe(
      'cannot register plugins:\n' +
        'plugin #0 (`5`): `kind` must be one of factor, universe, constraint, optimizer, model, got `undefined`\n' +
        'strategy `x`: `kind` must be one of factor, universe, constraint, optimizer, model, got `"strategy"`',
    );
  });

  it('FK_DUPLICATE_ID within a batch', () => {
    const registry = createRegistry();
    const error = registrationError(() => registry.register([factor('a'), factor('b'), factor('a')]));
    expect(error.code).toBe('FK_DUPLICATE_ID');
    expect(error.message).toBe('cannot register plugins:\nfactor `a`: has the same id as plugin #0 of this batch');
    expect(registry.list()).toEqual([]);
  });

  it('FK_DUPLICATE_ID against a registered plugin, naming its package', () => {
    const registry = createRegistry();
    const first = factor('a');
    registry.register(first, { source: { type: 'package', package: 'factorkit-factor-a', version: '1.0.0' } });
    registry.register(factor('b'));
    const fromPackage = registrationError(() => registry.register(factor('a')));
    expect(fromPackage.code).toBe('FK_DUPLICATE_ID');
    expect(fromPackage.message).toBe(
      'cannot register plugins:\nfactor `a`: is already registered from `factorkit-factor-a`; pass `override: true` to replace it',
    );
    expect(registrationError(() => registry.register(factor('b'))).message).toBe(
      'cannot register plugins:\nfactor `b`: is already registered; pass `override: true` to replace it',
    );
    expect(registry.get('factor', 'a')).toBe(first);
  });

  it('override: true replaces a registered plugin and its source', () => {
    const registry = createRegistry();
    registry.register(factor('a'));
    const replacement = factor('a');
    registry.register([replacement, factor('new')], { override: true, source: { type: 'builtin' } });
    expect(registry.get('factor', 'a')).toBe(replacement);
    expect(registry.list('factor').map((e) => [e.plugin.id, e.source.type])).toEqual([
      ['a', 'builtin'],
      ['new', 'builtin'],
    ]);
    // override does not allow duplicates inside one batch
    expect(registrationError(() => registry.register([factor('x'), factor('x')], { override: true })).code).toBe('FK_DUPLICATE_ID');
  });

  it('FK_API_VERSION for another major, naming both versions', () => {
    const registry = createRegistry({ apiVersion: '1.0' });
    const error = registrationError(() => registry.register(factor('future', '2.0')));
    expect(error.code).toBe('FK_API_VERSION');
    expect(error.message).toBe('cannot register plugins:\nfactor `future`: targets core API `2.0` but this core provides `1.0` (major versions differ)');
  });

  it('FK_API_VERSION for a newer minor, naming both versions', () => {
    const registry = createRegistry({ apiVersion: '1.0' });
    const error = registrationError(() => registry.register(factor('newer', '1.5')));
    expect(error.code).toBe('FK_API_VERSION');
    expect(error.message).toBe(
      'cannot register plugins:\nfactor `newer`: targets core API `1.5` but this core provides only `1.0` (upgrade @factorkit/core)',
    );
    // A core that provides 1.5 accepts it, and an older 1.0 plugin.
    const newer = createRegistry({ apiVersion: '1.5' });
    newer.register([factor('newer', '1.5'), factor('older', '1.0')]);
    expect(newer.list()).toHaveLength(2);
  });

  it('checks compatibility before shape: a plugin for another major is not called malformed', () => {
    const registry = createRegistry();
    const error = registrationError(() => registry.register({ kind: 'factor', id: 'other', apiVersion: '3.1', meta: 'new shape' } as never));
    expect(error.code).toBe('FK_API_VERSION');
    expect(error.problems).toEqual([
      { code: 'FK_API_VERSION', plugin: 'factor `other`', message: 'targets core API `3.1` but this core provides `1.1` (major versions differ)' },
    ]);
  });

  it('mixed problems report every plugin, with the code FK_INVALID_PLUGIN', () => {
    const registry = createRegistry();
    registry.register(factor('taken'));
    const error = registrationError(() => registry.register([factor('taken'), factor('future', '2.0'), plainFactor('bad', { direction: 0 }), factor('fine')]));
    expect(error.code).toBe('FK_INVALID_PLUGIN');
    expect(error.problems.map((p) => [p.plugin, p.code])).toEqual([
      ['factor `taken`', 'FK_DUPLICATE_ID'],
      ['factor `future`', 'FK_API_VERSION'],
      ['factor `bad`', 'FK_INVALID_PLUGIN'],
    ]);
    expect(registry.has('factor', 'fine')).toBe(false);
  });

  it('names the package in the error header when the batch comes from one', () => {
    const registry = createRegistry();
    const error = registrationError(() => registry.register(factor('future', '2.0'), { source: { type: 'package', package: 'factorkit-factor-future' } }));
    expect(error.message.startsWith('cannot register plugins from `factorkit-factor-future`:\n')).toBe(true);
  });
});

describe('pluginsFromModule', () => {
  const a = factor('a');
  const b = universe('b');

  it('takes a default export that is a plugin, an array or { plugins }', () => {
    expect(pluginsFromModule({ default: a })).toEqual([a]);
    expect(pluginsFromModule({ default: [a, b] })).toEqual([a, b]);
    expect(pluginsFromModule({ default: { plugins: [b, a] } })).toEqual([b, a]);
  });

  it('prefers the default export to named exports', () => {
    expect(pluginsFromModule({ default: a, b })).toEqual([a]);
  });

  it('takes a named `plugins` array', () => {
    expect(pluginsFromModule({ plugins: [a, b], helper: () => 1 })).toEqual([a, b]);
  });

  it('falls back to named exports that look like plugins, each once', () => {
    expect(pluginsFromModule({ alpha: a, beta: b, alias: a, VERSION: '1.0', util: () => 0, other: { kind: 'strategy', id: 'x' } })).toEqual([a, b]);
  });

  it('understands CommonJS exports seen through import()', () => {
    // module.exports = { alpha, beta }
    expect(pluginsFromModule({ default: { alpha: a, beta: b } })).toEqual([a, b]);
    // exports.default = plugin (transpiled ESM)
    expect(pluginsFromModule({ default: { __esModule: true, default: a } })).toEqual([a]);
    // module.exports = { plugins: [...] }
    expect(pluginsFromModule({ default: { plugins: [a] } })).toEqual([a]);
  });

  it('accepts a plugin or an array given directly', () => {
    expect(pluginsFromModule(a)).toEqual([a]);
    expect(pluginsFromModule([a, b])).toEqual([a, b]);
  });

  it('finds nothing in modules without plugins', () => {
    expect(pluginsFromModule({})).toEqual([]);
    expect(pluginsFromModule({ default: 5, x: 'y' })).toEqual([]);
    expect(pluginsFromModule({ default: { helper: () => 1 } })).toEqual([]);
    expect(pluginsFromModule(null)).toEqual([]);
    expect(pluginsFromModule('factor')).toEqual([]);
  });
});

describe('registerModule', () => {
  it('registers what the module exports as one batch and returns it', () => {
    const registry = createRegistry();
    const a = factor('a');
    const b = constraint('b');
    expect(registry.registerModule({ default: [a, b] })).toEqual([a, b]);
    expect(registry.list()).toHaveLength(2);
  });

  it('throws FK_PLUGIN_LOAD when the module exports no plugin', () => {
    const registry = createRegistry();
    const error = thrown(() => registry.registerModule({ x: 1 }));
    expect(error.code).toBe('FK_PLUGIN_LOAD');
    expect(error.message).toBe(
      'the module exports no factorkit plugin (expected a default export that is a plugin, an array of plugins or { plugins: [...] })',
    );
    expect(thrown(() => registry.registerModule({}, { source: { type: 'package', package: 'pkg' } })).message.startsWith('`pkg` exports no factorkit plugin')).toBe(
      true,
    );
  });

  it('is all-or-nothing like register()', () => {
    const registry = createRegistry();
    expect(registrationError(() => registry.registerModule({ default: [factor('ok'), factor('future', '2.0')] })).code).toBe('FK_API_VERSION');
    expect(registry.list()).toEqual([]);
  });
});

describe('registry: follow-ups', () => {
  it('gives a plain-object plugin a with() that validates params, including the validate hook', async () => {
    const { createRegistry, Panel } = await import('../src/index.js');
    const registry = createRegistry();
    const plain = {
      kind: 'factor' as const,
      id: 'plain_factor',
      apiVersion: '1.0',
      meta: {
        description: 'a factor written as a plain object',
        category: 'other' as const,
        inputs: [{ field: 'ret' }],
        lookback: 0,
        direction: 1 as const,
        params: { window: { type: 'number' as const, integer: true, default: 5, min: 1 }, skip: { type: 'number' as const, integer: true, default: 0, min: 0 } },
        validate: (p: { window: number; skip: number }) => (p.skip >= p.window ? [{ path: 'skip', message: `must be < window (${p.window})` }] : []),
      },
      compute: () => new Panel(0, 0),
    };
    registry.register(plain as never);
    const registered = registry.get('factor', 'plain_factor');
    expect(registered.with({ window: 10 }).params).toEqual({ window: 10, skip: 0 });
    expect(() => registered.with({ window: 3, skip: 3 })).toThrow('params.skip: must be < window (3)');
  });

  it('prefers the default export over a named `plugins` export', async () => {
    const { pluginsFromModule } = await import('../src/index.js');
    const a = { kind: 'factor', id: 'a' };
    const b = { kind: 'factor', id: 'b' };
    expect(pluginsFromModule({ default: [a], plugins: [b] })).toEqual([a]);
    expect(pluginsFromModule({ plugins: [b] })).toEqual([b]);
  });
});
