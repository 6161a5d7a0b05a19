import { Panel, type ValidationError, createRegistry, defineFactor, param } from '@factorkit/core';
import { momentum } from '@factorkit/factor-momentum';
import { size } from '@factorkit/factor-style-size';
import { describe, expect, it } from 'vitest';
import { type FactorReport, factorNames, formatFunnel, parseFactorSpecs, resolveFactorSpecs } from '../src/index.js';
import { thrown } from './helpers.js';

/** A factor with a string and an enum parameter, to see text kept as text. */
const indexed = defineFactor({
  id: 'index_weight',
  apiVersion: '1.0',
  meta: {
    description: 'test factor',
    category: 'other',
    inputs: [{ field: 'ret' }],
    lookback: 0,
    direction: 1,
    params: {
      index: param.string({ default: '000300' }),
      mode: param.enum(['raw', '1', 'z'], { default: 'raw' }),
      nested: param.object({ k: param.number({ default: 1 }) }),
    },
  },
  compute: (ctx) => new Panel(ctx.data.calendar.length, ctx.data.assets.length),
});

function registry() {
  const r = createRegistry();
  r.register([momentum, size], { source: { type: 'builtin', package: '@factorkit/factor-momentum', version: '0.1.0' } });
  r.register(indexed);
  return r;
}

describe('parseFactorSpecs', () => {
  it('reads ids with parameters; a key=value after a parameter belongs to the same factor', () => {
    expect(parseFactorSpecs('momentum_1y:window=60,skip=20,ep_ttm').map(({ id, params }) => ({ id, params }))).toEqual([
      { id: 'momentum_1y', params: { window: 60, skip: 20 } },
      { id: 'ep_ttm', params: {} },
    ]);
    const [a, b, c] = parseFactorSpecs(' size , x.y:flag=true,off=false,name=abc,k=-1.5e3 , z:deep.er=2,deep.est=s');
    expect(a).toEqual({ id: 'size', params: {}, written: {}, position: 1, text: 'size' });
    expect(b).toEqual({
      id: 'x.y',
      params: { flag: true, off: false, name: 'abc', k: -1500 },
      written: { flag: 'true', off: 'false', name: 'abc', k: '-1.5e3' },
      position: 2,
      text: 'x.y:flag=true,off=false,name=abc,k=-1.5e3',
    });
    expect(c!.params).toEqual({ deep: { er: 2, est: 's' } });
  });

  it('reports every malformed entry at once, by position', () => {
    const error = thrown(() => parseFactorSpecs('window=5,momentum_1y,skip=3,,Bad:x=1,size:window,size:a=1,a=2,ep_ttm:=3', '--factors')) as ValidationError;
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.issues).toEqual([
      { path: '--factors[1]', message: 'parameter `window=5` follows no factor with parameters' },
      { path: '--factors[3]', message: 'parameter `skip=3` follows no factor with parameters; to give it to `momentum_1y`, write `momentum_1y:skip=3`' },
      { path: '--factors[4]', message: 'is empty (two commas in a row, or a comma at either end)' },
      { path: '--factors[5]', message: '`Bad` is not a factor id (lower case, starting with a letter: `momentum_1y`)' },
      { path: '--factors[6]', message: 'parameter `window` of `size` has no value: write `window=value`' },
      { path: '--factors[8]', message: 'parameter `a` of `size` is given twice' },
      { path: '--factors[9]', message: '`` is not a parameter name (letters, digits and `_`, dots for nested parameters)' },
    ]);
    expect(error.message.startsWith('--factors: cannot read the factor list:\n')).toBe(true);
    expect(thrown(() => parseFactorSpecs('  ', '--factors')).message).toBe('--factors: name at least one factor id (for example `momentum_1y:window=60,ep_ttm`)');
  });
});

describe('resolveFactorSpecs', () => {
  it('validates parameters with the plugin schema, every problem with its dot-path', () => {
    const error = thrown(() => resolveFactorSpecs(parseFactorSpecs('momentum_1y:window=5,skip=x,size:extra=1'), registry(), '--factors')) as ValidationError;
    expect(error.code).toBe('FK_INVALID_PARAMS');
    expect(error.issues.map((i) => i.path)).toEqual(['momentum_1y.params.window', 'momentum_1y.params.skip', 'size.params.extra']);
    expect(error.issues[0]!.message).toContain('`5`');
    // The plugin's cross-parameter check, too.
    const cross = thrown(() => resolveFactorSpecs(parseFactorSpecs('momentum_1y:window=60,skip=60'), registry())) as ValidationError;
    expect(cross.issues).toEqual([{ path: 'momentum_1y.params.skip', message: 'expected an integer < window (60), got `60`' }]);
  });

  it('fills defaults, keeps the registry source, and reads text parameters as text', () => {
    const [m, x] = resolveFactorSpecs(parseFactorSpecs('momentum_1y:window=60,index_weight:index=000905,mode=1,nested.k=3'), registry());
    expect(m).toMatchObject({ name: 'momentum_1y', params: { window: 60, skip: 20, minCoverage: 0.8 }, source: { package: '@factorkit/factor-momentum', version: '0.1.0' } });
    expect(m!.plugin.id).toBe('momentum_1y');
    expect(x!.params).toEqual({ index: '000905', mode: '1', nested: { k: 3 } });
  });

  it('names every unknown id at once', () => {
    const error = thrown(() => resolveFactorSpecs(parseFactorSpecs('nope,size,zilch,nope'), registry(), '--factors'));
    expect(error.code).toBe('FK_UNKNOWN_PLUGIN');
    expect(error.message).toBe('--factors: unknown factor `nope`, `zilch`; known factors: `index_weight`, `momentum_1y`, `size`');
  });

  it('refuses a factor listed twice with the same parameters, defaults included', () => {
    // The old CLI wrote every value of such a factor twice.
    const error = thrown(() => resolveFactorSpecs(parseFactorSpecs('momentum_1y,size,momentum_1y:window=250'), registry(), '--factors'));
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toBe(
      '--factors: `momentum_1y` is listed twice with the same parameters (entries 1 and 3: `momentum_1y`, `momentum_1y:window=250`); list each factor once',
    );
    expect(() => resolveFactorSpecs(parseFactorSpecs('size,size'), registry())).toThrow('`size` is listed twice');
  });

  it('gives one id with different parameters distinct names: the parameters that differ', () => {
    const resolved = resolveFactorSpecs(parseFactorSpecs('momentum_1y,size,momentum_1y:window=60,momentum_1y:window=60,skip=5'), registry());
    expect(resolved.map((r) => r.name)).toEqual(['momentum_1y[window=250,skip=20]', 'size', 'momentum_1y[window=60,skip=20]', 'momentum_1y[window=60,skip=5]']);
  });
});

describe('factorNames', () => {
  it('names nested parameters by dotted key', () => {
    expect(
      factorNames([
        { id: 'a', params: { p: { q: 1, r: 2 } } },
        { id: 'a', params: { p: { q: 1, r: 3 } } },
      ]),
    ).toEqual(['a[p.r=2]', 'a[p.r=3]']);
  });
});

describe('formatFunnel', () => {
  it('writes the computed count, then each stage that changed it with its reasons (every stage with verbose)', () => {
    const stages = [
      { stage: 'compute', input: 71_850, output: 54_324, removed: { noValue: 17_526, infinite: 0 } },
      { stage: 'universe', input: 54_324, output: 7_840, removed: { outsideUniverse: 46_484 } },
      { stage: 'winsorize', input: 7_840, output: 7_840, removed: {} },
    ];
    const report = { coverage: { stages } } as unknown as FactorReport;
    expect(formatFunnel(report)).toBe('computed 54,324 of 71,850 stock-days; −46,484 universe (outsideUniverse 46,484)');
    expect(formatFunnel(report, true)).toBe('computed 54,324 of 71,850 stock-days; −46,484 universe (outsideUniverse 46,484); ±0 winsorize');
  });
});
