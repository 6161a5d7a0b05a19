import { describe, expect, it } from 'vitest';
import {
  FACTOR_CATEGORIES,
  FactorkitError,
  type FactorPlugin,
  Panel,
  ValidationError,
  assertInputs,
  checkFactor,
  computeFactor,
  createMemoryData,
  defineFactor,
  factorLookback,
  missingInputs,
  param,
  resolveRange,
} from '../src/index.js';
import { arr, thrown } from './helpers.js';

const N = Number.NaN;
const DATES = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09'];
const ASSETS = ['A.SH', 'B.SZ'];

/** ret[t] = [t + 1, 10 (t + 1)]: asset A 1..6, asset B 10..60. */
function retRows(): number[][] {
  return DATES.map((_, t) => [t + 1, 10 * (t + 1)]);
}

function makeData(rows = retRows(), extra: Record<string, Panel> = {}) {
  return createMemoryData({ calendar: DATES, assets: ASSETS, fields: { ret: Panel.fromRows(rows), ...extra } });
}

/** Rolling sum of `ret` over `window` days; NaN until the window is full (within what it sees). */
const rollingSum = defineFactor({
  id: 'rolling_sum',
  apiVersion: '1.0',
  meta: {
    description: 'sum of returns over a window',
    category: 'momentum',
    inputs: [{ field: 'ret' }],
    lookback: (p) => p.window - 1,
    direction: 1,
    params: { window: param.integer({ default: 2, min: 2 }) },
  },
  compute(ctx) {
    const ret = ctx.input('ret');
    const out = new Panel(ret.dates, ret.assets);
    const w = ctx.params.window;
    for (let a = 0; a < ret.assets; a++) {
      for (let t = w - 1; t < ret.dates; t++) {
        let sum = 0;
        for (let k = t - w + 1; k <= t; k++) sum += ret.get(k, a);
        out.set(t, a, sum);
      }
    }
    return out;
  },
});

/** A factor that records what it was shown and returns `ret` unchanged. */
function recorder(options: { lookback?: number; lag?: number } = {}) {
  const seen: { dates: readonly string[]; start: number; rows: number[][] }[] = [];
  const plugin = defineFactor({
    id: 'recorder',
    apiVersion: '1.0',
    meta: {
      description: 'records its view',
      category: 'other',
      inputs: [{ field: 'ret', lag: options.lag ?? 0 }],
      lookback: options.lookback ?? 0,
      direction: 1,
      params: {},
    },
    compute(ctx) {
      const ret = ctx.input('ret');
      seen.push({ dates: [...ctx.data.calendar.dates], start: ctx.start, rows: ret.toRows() });
      return ret;
    },
  });
  return { plugin, seen };
}

describe('defineFactor', () => {
  it('returns a frozen factor plugin carrying the definition', () => {
    expect(rollingSum.kind).toBe('factor');
    expect(rollingSum.id).toBe('rolling_sum');
    expect(rollingSum.apiVersion).toBe('1.0');
    expect(rollingSum.meta.category).toBe('momentum');
    expect(Object.isFrozen(rollingSum)).toBe(true);
    expect(checkFactor(rollingSum)).toEqual([]);
  });

  it('with() validates params and fills defaults', () => {
    expect(rollingSum.with().params).toEqual({ window: 2 });
    expect(rollingSum.with({ window: 5 })).toEqual({ plugin: rollingSum, params: { window: 5 } });
    const error = thrown(() => rollingSum.with({ window: 1 }));
    expect(error.code).toBe('FK_INVALID_PARAMS');
    expect(error.message).toBe('invalid parameters for factor `rolling_sum`:\n  - params.window: expected an integer ≥ 2, got `1`');
  });

  it('throws FK_INVALID_PLUGIN listing every problem of a malformed definition', () => {
    const error = thrown(() =>
      defineFactor({
        id: 'Bad Id',
        apiVersion: '1',
        meta: {
          description: '',
          category: 'magic' as 'value',
          inputs: [{ field: 'ret' }, { field: 'ret' }, { field: 'x', lag: -1 }, { field: '' }],
          lookback: -1,
          direction: 0 as 1,
          params: { w: param.integer({ default: 1, min: 2 }) },
        },
        compute: 'nope' as unknown as () => Panel,
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('FK_INVALID_PLUGIN');
    expect((error as ValidationError).issues).toEqual([
      { path: 'id', message: 'expected an id matching /^[a-z][a-z0-9_.-]*$/, got `"Bad Id"`' },
      { path: 'apiVersion', message: 'expected the core API version the plugin targets, as MAJOR.MINOR (e.g. "1.0"), got `"1"`' },
      { path: 'meta.description', message: 'expected a non-empty string, got `""`' },
      { path: 'meta.params.w.default', message: 'expected an integer ≥ 2, got `1`' },
      { path: 'meta.category', message: `expected one of ${FACTOR_CATEGORIES.join(', ')}, got \`"magic"\`` },
      { path: 'meta.inputs[1].field', message: 'field `ret` is declared twice' },
      { path: 'meta.inputs[2].lag', message: 'expected a non-negative integer number of trading days, got `-1`' },
      { path: 'meta.inputs[3].field', message: 'expected a field name, got `""`' },
      { path: 'meta.direction', message: 'expected 1 or -1, got `0`' },
      { path: 'meta.lookback', message: 'expected a non-negative integer or a function of the params, got `-1`' },
      { path: 'compute', message: 'expected a function, got `"nope"`' },
    ]);
    expect(error.message.startsWith('factor `"Bad Id"` is malformed:\n  - id: ')).toBe(true);
  });

  it('reports a missing meta without looking further', () => {
    const error = thrown(() => defineFactor({ id: 'x', apiVersion: '1.0', meta: undefined, compute: () => new Panel(0, 0) } as never));
    expect((error as ValidationError).issues).toEqual([{ path: 'meta', message: 'expected an object, got `undefined`' }]);
  });

  it('checkFactor rejects non-objects and a wrong kind', () => {
    expect(checkFactor(5)).toEqual([{ path: '', message: 'expected a factor plugin object, got `5`' }]);
    expect(checkFactor({ ...rollingSum, kind: 'universe' })).toEqual([{ path: 'kind', message: 'expected `factor`, got `"universe"`' }]);
    expect(checkFactor({ ...rollingSum, meta: { ...rollingSum.meta, title: 3 } })).toEqual([{ path: 'meta.title', message: 'expected a string, got `3`' }]);
    expect(checkFactor({ ...rollingSum, meta: { ...rollingSum.meta, inputs: 'ret' } })).toEqual([
      { path: 'meta.inputs', message: 'expected an array of inputs, got `"ret"`' },
    ]);
    expect(checkFactor({ ...rollingSum, meta: { ...rollingSum.meta, inputs: ['ret'] } })).toEqual([
      { path: 'meta.inputs[0]', message: 'expected { field, lag? }, got `"ret"`' },
    ]);
  });
});

describe('factorLookback', () => {
  it('evaluates a lookback function of the params', () => {
    expect(factorLookback(rollingSum, { window: 2 })).toBe(1);
    expect(factorLookback(rollingSum, { window: 250 })).toBe(249);
  });

  it('rejects a lookback function that returns a bad value', () => {
    const bad = defineFactor({ ...rollingSum, meta: { ...rollingSum.meta, lookback: (p) => p.window - 2.5 } });
    const error = thrown(() => factorLookback(bad, { window: 2 }));
    expect(error.code).toBe('FK_INVALID_OUTPUT');
    expect(error.message).toBe('factor `rolling_sum`: lookback for these params is `-0.5`, expected a non-negative integer');
  });
});

describe('computeFactor: values and ranges', () => {
  it('computes over the whole calendar by default', () => {
    const result = computeFactor(rollingSum, makeData());
    expect(result.factor).toBe('rolling_sum');
    expect(result.params).toEqual({ window: 2 });
    expect(result.dates).toEqual(DATES);
    expect(result.assets).toEqual(ASSETS);
    // A: 1..6 → pairwise sums 3, 5, 7, 9, 11; B is ten times A.
    expect(result.values.toRows()).toEqual([
      [N, N],
      [3, 30],
      [5, 50],
      [7, 70],
      [9, 90],
      [11, 110],
    ]);
  });

  it('returns only the wanted dates, using the lookback for warm-up', () => {
    const result = computeFactor(rollingSum, makeData(), { start: '2024-01-04', end: '2024-01-08' });
    expect(result.dates).toEqual(['2024-01-04', '2024-01-05', '2024-01-08']);
    expect(result.values.toRows()).toEqual([
      [5, 50],
      [7, 70],
      [9, 90],
    ]);
  });

  it('takes parameters from a spec, and the lookback follows them', () => {
    // window 3 from 2024-01-05 (index 3): A = 2+3+4, 3+4+5, 4+5+6.
    const result = computeFactor(rollingSum.with({ window: 3 }), makeData(), { start: 3 });
    expect(result.params).toEqual({ window: 3 });
    expect(result.values.toRows()).toEqual([
      [9, 90],
      [12, 120],
      [15, 150],
    ]);
  });

  it('accepts calendar indices and snaps dates that are not trading days', () => {
    expect(computeFactor(rollingSum, makeData(), { start: 1, end: 2 }).dates).toEqual(['2024-01-03', '2024-01-04']);
    // Saturday → the Monday after; Sunday (as end) → the Friday before.
    expect(computeFactor(rollingSum, makeData(), { start: '2024-01-06', end: '2024-01-09' }).dates).toEqual(['2024-01-08', '2024-01-09']);
    expect(computeFactor(rollingSum, makeData(), { start: '2023-12-01', end: '2024-01-07' }).dates).toEqual(DATES.slice(0, 4));
    expect(computeFactor(rollingSum, makeData(), { end: '2030-01-01' }).dates).toEqual(DATES);
  });

  it('rejects ranges outside the calendar or without a trading day', () => {
    const d = makeData();
    const cases: [string | number | undefined, string | number | undefined][] = [
      ['2024-01-10', undefined],
      [undefined, '2023-12-29'],
      [6, undefined],
      [undefined, -1],
      [1.5, undefined],
      ['2024-01-08', '2024-01-04'],
    ];
    for (const [start, end] of cases) {
      const error = thrown(() => computeFactor(rollingSum, d, { ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) }));
      expect(error.code, `${String(start)}..${String(end)}`).toBe('FK_INVALID_ARGUMENT');
    }
    expect(thrown(() => computeFactor(rollingSum, d, { start: '2024-01-06', end: '2024-01-07' })).message).toBe(
      'factor `rolling_sum`: no trading day between start `"2024-01-06"` and end `"2024-01-07"`',
    );
    expect(thrown(() => computeFactor(rollingSum, d, { start: 6 })).message).toBe('start: index 6 is outside the calendar (0..5)');
    expect(thrown(() => computeFactor(rollingSum, d, { start: '2024-01-10' })).message).toBe(
      'start: `"2024-01-10"` is outside the calendar (2024-01-02 .. 2024-01-09)',
    );
  });
});

describe('computeFactor: what compute sees', () => {
  it('passes `start` as the index of the first wanted date in the view', () => {
    const { plugin, seen } = recorder({ lookback: 2 });
    const result = computeFactor(plugin, makeData(), { start: '2024-01-05', end: '2024-01-08' });
    expect(seen[0]!.dates).toEqual(['2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08']);
    expect(seen[0]!.start).toBe(2);
    expect(result.values.toRows()).toEqual([
      [4, 40],
      [5, 50],
    ]);
  });

  it('starts the view at the calendar start when history is shorter than the lookback', () => {
    const { plugin, seen } = recorder({ lookback: 10 });
    computeFactor(plugin, makeData(), { start: 2, end: 3 });
    expect(seen[0]!.dates).toEqual(DATES.slice(0, 4));
    expect(seen[0]!.start).toBe(2);
  });

  it('shows no data from before first − lookback', () => {
    const { plugin, seen } = recorder({ lookback: 1 });
    computeFactor(plugin, makeData(), { start: '2024-01-05' });
    expect(seen[0]!.dates[0]).toBe('2024-01-04');
    expect(seen[0]!.rows[0]).toEqual([3, 30]);

    // Garbage in rows 0–1 (before first − lookback = 2) does not change anything.
    const rows = retRows();
    rows[0] = [1e9, -1e9];
    rows[1] = [N, N];
    const clean = computeFactor(rollingSum, makeData(), { start: '2024-01-05' });
    const dirty = computeFactor(rollingSum, makeData(rows), { start: '2024-01-05' });
    expect(arr(dirty.values.values)).toEqual(arr(clean.values.values));
    expect(clean.values.toRows()).toEqual([
      [7, 70],
      [9, 90],
      [11, 110],
    ]);
  });

  it('look-ahead: the view ends at `end`, and data after `end` cannot change the values', () => {
    const { plugin, seen } = recorder({ lookback: 1 });
    computeFactor(plugin, makeData(), { start: '2024-01-04', end: '2024-01-05' });
    const view = seen[0]!;
    expect(view.dates).toEqual(['2024-01-03', '2024-01-04', '2024-01-05']);
    expect(view.dates.every((d) => d <= '2024-01-05')).toBe(true);
    expect(view.rows).toHaveLength(3);

    // Every date of the calendar as `end`: garbage after it must not change any value up to it.
    for (let end = 0; end < DATES.length; end++) {
      const garbage = retRows().map((row, t) => (t > end ? [1e12 * (t + 1), Number.NaN] : row));
      const clean = computeFactor(rollingSum, makeData(), { end });
      const dirty = computeFactor(rollingSum, makeData(garbage), { end });
      expect(dirty.dates).toEqual(DATES.slice(0, end + 1));
      expect(arr(dirty.values.values)).toEqual(arr(clean.values.values));
    }
  });

  it('look-ahead: a factor that reads the last row of its view gets the value at `end`', () => {
    const lastRow = defineFactor({
      id: 'last_row',
      apiVersion: '1.0',
      meta: { description: 'broadcasts the last visible row', category: 'other', inputs: [{ field: 'ret' }], lookback: 0, direction: 1, params: {} },
      compute(ctx) {
        const ret = ctx.input('ret');
        const out = new Panel(ret.dates, ret.assets);
        for (let t = 0; t < ret.dates; t++) out.setRow(t, ret.row(ret.dates - 1));
        return out;
      },
    });
    expect(computeFactor(lastRow, makeData(), { start: 1, end: 2 }).values.toRows()).toEqual([
      [3, 30],
      [3, 30],
    ]);
  });

  it('applies the declared lag to ctx.input, reaching before the view start', () => {
    const { plugin, seen } = recorder({ lag: 1 });
    const result = computeFactor(plugin, makeData(), { start: 2 });
    expect(seen[0]!.dates[0]).toBe('2024-01-04');
    expect(result.values.toRows()).toEqual([
      [2, 20],
      [3, 30],
      [4, 40],
      [5, 50],
    ]);
  });

  it('ctx.data gives declared fields with at least their declared lag', () => {
    const seen: number[][][] = [];
    const viaData = defineFactor({
      id: 'via_data',
      apiVersion: '1.0',
      meta: { description: 'reads through ctx.data', category: 'other', inputs: [{ field: 'ret', lag: 1 }], lookback: 0, direction: 1, params: {} },
      compute(ctx) {
        seen.push(ctx.data.field('ret').toRows(), ctx.data.field('ret', { lag: 2 }).toRows());
        return ctx.input('ret');
      },
    });
    computeFactor(viaData, makeData(), { start: 3, end: 4 });
    expect(seen).toEqual([
      [
        [3, 30],
        [4, 40],
      ],
      [
        [2, 20],
        [3, 30],
      ],
    ]);
  });

  it('throws when compute reads a field it did not declare, through ctx or ctx.data', () => {
    const data = makeData(retRows(), { close: Panel.fromRows(retRows()) });
    const sneaky = (read: 'input' | 'data' | 'window' | 'categorical') =>
      defineFactor({
        id: `sneaky_${read}`,
        apiVersion: '1.0',
        meta: { description: 'reads close without declaring it', category: 'other', inputs: [{ field: 'ret' }], lookback: 0, direction: 1, params: {} },
        compute(ctx) {
          if (read === 'input') ctx.input('close');
          if (read === 'data') ctx.data.field('close');
          if (read === 'window') ctx.data.window(0, 1).field('close');
          if (read === 'categorical') ctx.categorical('close');
          return ctx.input('ret');
        },
      });
    for (const read of ['input', 'data', 'window', 'categorical'] as const) {
      const error = thrown(() => computeFactor(sneaky(read), data));
      expect(error.code, read).toBe('FK_INVALID_PLUGIN');
      expect(error.message).toBe(`factor \`sneaky_${read}\` read field \`close\`, which it does not declare in meta.inputs`);
    }
  });

  it('has() is true only for declared fields the data provides; optional inputs may be absent', () => {
    const answers: boolean[] = [];
    const optional = defineFactor({
      id: 'optional_inputs',
      apiVersion: '1.0',
      meta: {
        description: 'uses volume when present',
        category: 'liquidity',
        inputs: [{ field: 'ret' }, { field: 'volume', optional: true }],
        lookback: 0,
        direction: -1,
        params: {},
      },
      compute(ctx) {
        answers.push(ctx.has('ret'), ctx.has('volume'), ctx.has('close'));
        return ctx.has('volume') ? ctx.input('volume') : ctx.input('ret');
      },
    });
    const withoutVolume = computeFactor(optional, makeData(retRows(), { close: Panel.fromRows(retRows()) }), { end: 0 });
    expect(answers).toEqual([true, false, false]);
    expect(withoutVolume.values.toRows()).toEqual([[1, 10]]);
    const volume = Panel.fromRows(DATES.map(() => [7, 8]));
    expect(computeFactor(optional, makeData(retRows(), { volume }), { end: 0 }).values.toRows()).toEqual([[7, 8]]);
  });

  it('reads declared categorical inputs with their lag', () => {
    const industry = {
      dates: 6,
      assets: 2,
      codes: Int32Array.from([0, 0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]),
      levels: ['bank', 'tech'],
    };
    const data = createMemoryData({ calendar: DATES, assets: ASSETS, fields: { ret: Panel.fromRows(retRows()) }, categorical: { industry } });
    const code = defineFactor({
      id: 'industry_code',
      apiVersion: '1.0',
      meta: { description: 'industry code as a number', category: 'other', inputs: [{ field: 'industry', kind: 'categorical', lag: 1 }], lookback: 0, direction: 1, params: {} },
      compute(ctx) {
        const panel = ctx.categorical('industry');
        return new Panel(panel.dates, panel.assets, Float64Array.from(panel.codes));
      },
    });
    expect(computeFactor(code, data, { start: 1, end: 3 }).values.toRows()).toEqual([
      [0, 1],
      [0, 1],
      [1, 1],
    ]);
  });
});

describe('computeFactor: validation', () => {
  it('validates parameters of a hand-written spec', () => {
    const error = thrown(() => computeFactor({ plugin: rollingSum, params: { window: 1 } }, makeData()));
    expect(error.code).toBe('FK_INVALID_PARAMS');
    expect(error.message).toContain('params.window: expected an integer ≥ 2, got `1`');
    const unknown = thrown(() => computeFactor({ plugin: rollingSum, params: { window: 2, extra: 1 } } as never, makeData()));
    expect(unknown.code).toBe('FK_INVALID_PARAMS');
    expect(unknown.message).toContain('params.extra: unknown parameter');
  });

  it('runs a plugin given as a plain object (no with()), with default params', () => {
    const plain = {
      kind: 'factor',
      id: 'plain',
      apiVersion: '1.0',
      meta: { description: 'plain object', category: 'other', inputs: [{ field: 'ret' }], lookback: 0, direction: 1, params: { scale: param.number({ default: 2 }) } },
      compute: (ctx: { input(f: string): Panel; params: { scale: number } }) => {
        const ret = ctx.input('ret');
        return new Panel(ret.dates, ret.assets, ret.values.map((v) => v * ctx.params.scale));
      },
    } as unknown as FactorPlugin;
    expect(computeFactor(plain, makeData(), { end: 1 }).values.toRows()).toEqual([
      [2, 20],
      [4, 40],
    ]);
  });

  it('throws FK_MISSING_INPUT listing all missing fields', () => {
    const needy = defineFactor({
      id: 'needy',
      apiVersion: '1.0',
      meta: {
        description: 'needs a lot',
        category: 'value',
        inputs: [{ field: 'ret' }, { field: 'close' }, { field: 'volume', optional: true }, { field: 'turnover' }],
        lookback: 0,
        direction: 1,
        params: {},
      },
      compute: (ctx) => ctx.input('ret'),
    });
    const data = makeData();
    expect(missingInputs(needy, data)).toEqual(['close', 'turnover']);
    const error = thrown(() => computeFactor(needy, data));
    expect(error.code).toBe('FK_MISSING_INPUT');
    expect(error.message).toBe('factor `needy` needs fields `close`, `turnover`, which the dataset does not have');
    expect(error.details).toEqual({ owner: 'factor `needy`', missing: ['close', 'turnover'], available: ['ret'] });
    expect(thrown(() => assertInputs('universe `u`', { meta: { inputs: [{ field: 'close' }] } }, data)).message).toBe(
      'universe `u` needs field `close`, which the dataset does not have',
    );
    expect(() => assertInputs('x', { meta: { inputs: [{ field: 'ret' }] } }, data)).not.toThrow();
  });

  it('throws FK_INVALID_OUTPUT when compute returns the wrong shape', () => {
    const returning = (make: (rows: number, assets: number) => unknown) =>
      defineFactor({
        id: 'bad_output',
        apiVersion: '1.0',
        meta: { description: 'returns a bad panel', category: 'other', inputs: [{ field: 'ret' }], lookback: 1, direction: 1, params: {} },
        compute: (ctx) => make(ctx.data.calendar.length, ctx.data.assets.length) as Panel,
      });
    const data = makeData();
    const range = { start: 2, end: 4 }; // view: 4 rows (one warm-up)
    const shortRows = thrown(() => computeFactor(returning((r, a) => new Panel(r - 1, a)), data, range));
    expect(shortRows.code).toBe('FK_INVALID_OUTPUT');
    expect(shortRows.message).toBe('factor `bad_output`: compute must return a panel of 4 dates × 2 assets, got 3 × 2');
    expect(thrown(() => computeFactor(returning((r) => new Panel(r, 3)), data, range)).code).toBe('FK_INVALID_OUTPUT');
    const nothing = thrown(() => computeFactor(returning(() => undefined), data, range));
    expect(nothing.message).toBe('factor `bad_output`: compute must return a panel of 4 dates × 2 assets, got `undefined`');
    expect(thrown(() => computeFactor(returning((r, a) => ({ dates: r, assets: a, values: [] })), data, range)).code).toBe('FK_INVALID_OUTPUT');
    expect(thrown(() => computeFactor(returning((r, a) => ({ dates: r, assets: a, values: new Float64Array(3) })), data, range)).code).toBe(
      'FK_INVALID_OUTPUT',
    );
    // A panel-like object of the right shape is accepted.
    const ok = computeFactor(returning((r, a) => ({ dates: r, assets: a, values: new Float64Array(r * a).fill(1) })), data, range);
    expect(ok.values.toRows()).toEqual([
      [1, 1],
      [1, 1],
      [1, 1],
    ]);
  });
});

describe('computeFactor: a plugin whose compute throws', () => {
  const throwing = (fail: () => never) =>
    defineFactor({
      id: 'boom',
      apiVersion: '1.0',
      meta: { description: 'throws', category: 'other', inputs: [{ field: 'ret' }], lookback: 0, direction: 1, params: {} },
      compute: () => fail(),
    });

  it('wraps a bug as FK_PLUGIN_FAILED naming the factor and its package, the original as cause', () => {
    const original = new TypeError("Cannot read properties of undefined (reading 'x')");
    const plugin = throwing(() => {
      throw original;
    });
    const error = thrown(() => computeFactor(plugin, makeData(), {}, { source: { type: 'package', package: 'factorkit-factor-boom', version: '2.1.0' } }));
    expect(error.code).toBe('FK_PLUGIN_FAILED');
    expect(error.message).toBe("factor `boom` from package `factorkit-factor-boom@2.1.0` failed in compute: TypeError: Cannot read properties of undefined (reading 'x')");
    expect(error.cause).toBe(original);
    expect(error.details).toEqual({ factor: 'boom', package: 'factorkit-factor-boom', version: '2.1.0' });
    // Without a source: the factor id alone; a thrown non-Error is shown as a value.
    const bare = thrown(() =>
      computeFactor(
        throwing(() => {
          throw 'nope'; // eslint-disable-line @typescript-eslint/only-throw-error
        }),
        makeData(),
      ),
    );
    expect(bare.message).toBe('factor `boom` failed in compute: `"nope"`');
    expect(bare.cause).toBe('nope');
  });

  it('lets a deliberate factorkit error through unchanged', () => {
    const refusal = new FactorkitError('FK_MISSING_INPUT', 'factor `boom` needs `equity` or `pb_mrq`');
    const error = thrown(() =>
      computeFactor(
        throwing(() => {
          throw refusal;
        }),
        makeData(),
        {},
        { source: { type: 'package', package: 'p' } },
      ),
    );
    expect(error).toBe(refusal);
  });

  it('keeps the undeclared-field guard as FK_INVALID_PLUGIN', () => {
    const sneaky = defineFactor({
      id: 'sneaky',
      apiVersion: '1.0',
      meta: { description: 'reads too much', category: 'other', inputs: [{ field: 'ret' }], lookback: 0, direction: 1, params: {} },
      compute: (ctx) => ctx.input('close'),
    });
    expect(thrown(() => computeFactor(sneaky, makeData())).code).toBe('FK_INVALID_PLUGIN');
  });
});

describe('computeFactor: history', () => {
  it('reports the lookback asked for and the history given', () => {
    // window 3 → lookback 2. From index 3 there are 3 days before: all 2 given.
    expect(computeFactor(rollingSum.with({ window: 3 }), makeData(), { start: 3 })).toMatchObject({ lookback: 2, history: 2 });
    // From index 1 only 1 day of history exists.
    expect(computeFactor(rollingSum.with({ window: 3 }), makeData(), { start: 1 })).toMatchObject({ lookback: 2, history: 1 });
    expect(computeFactor(rollingSum.with({ window: 3 }), makeData())).toMatchObject({ lookback: 2, history: 0 });
  });
});

describe('resolveRange', () => {
  it('snaps to trading days and names the owner of an empty range', () => {
    const { calendar } = makeData();
    expect(resolveRange(calendar)).toEqual({ first: 0, last: 5 });
    expect(resolveRange(calendar, { start: '2024-01-06', end: '2024-01-08' })).toEqual({ first: 4, last: 4 });
    expect(thrown(() => resolveRange(calendar, { start: '2024-01-06', end: '2024-01-07' }, '--start/--end')).message).toBe(
      '--start/--end: no trading day between start `"2024-01-06"` and end `"2024-01-07"`',
    );
  });
});
