import { describe, expect, it } from 'vitest';
import {
  type AnyPlugin,
  CORE_API_VERSION,
  FactorkitError,
  type FactorWeight,
  PluginRegistrationError,
  type TrainingSet,
  ValidationError,
  checkModel,
  checkTrainingSet,
  createRegistry,
  defineModel,
  param,
  pluginsFromModule,
  trainModel,
} from '../src/index.js';
import { arr, thrown } from './helpers.js';

/** Scores = the exposure of one chosen factor times `scale`; weights say so. */
const pick = defineModel({
  id: 'pick',
  apiVersion: '1.1',
  meta: {
    title: 'one factor',
    description: 'the score is one factor times a scale',
    weightKind: 'weight',
    params: { factor: param.integer({ default: 0, min: 0 }), scale: param.number({ default: 1 }) },
    references: ['none'],
  },
  train: ({ params, data }) => {
    const F = data.factors.length;
    return {
      predict: (features, rows) => Float64Array.from({ length: rows }, (_, r) => params.scale * features[r * F + params.factor]!),
      // In reverse order: trainModel gives them back in the set's factor order.
      weights: () => data.factors.map((factor, f) => ({ factor, value: f === params.factor ? params.scale : 0, kind: 'weight' as const })).reverse(),
      diagnostics: { messages: [`trained on ${data.rows} rows`] },
    };
  },
});

/** Two dates, three assets, two factors. */
const set = (): TrainingSet => ({
  factors: ['value', 'momentum'],
  rows: 5,
  features: Float64Array.from([1, 10, 2, 20, 3, 30, 4, 40, 5, Number.NaN]),
  labels: Float64Array.from([-1, 0, 1, -1, 1]),
  dateIndex: Int32Array.from([0, 0, 0, 1, 1]),
  dates: ['2024-01-02', '2024-01-03'],
});

describe('defineModel', () => {
  it('makes a frozen model plugin whose with() validates and fills defaults', () => {
    expect(pick.kind).toBe('model');
    expect(Object.isFrozen(pick)).toBe(true);
    expect(checkModel(pick)).toEqual([]);
    expect(pick.with()).toEqual({ plugin: pick, params: { factor: 0, scale: 1 } });
    expect(pick.with({ scale: 2 }).params).toEqual({ factor: 0, scale: 2 });
    const error = thrown(() => pick.with({ factor: -1, extra: 1 } as never));
    expect(error.code).toBe('FK_INVALID_PARAMS');
    expect(error.message).toContain('params.factor: expected an integer ≥ 0, got `-1`');
    expect(error.message).toContain('params.extra');
  });

  it('rejects a malformed definition, listing every problem', () => {
    const error = thrown(() =>
      defineModel({
        id: 'Bad',
        apiVersion: '1.1',
        meta: { description: '', weightKind: 'coefficient' as never, references: 'paper' as never, params: { x: { type: 'nope' } as never } },
        train: 'fit' as never,
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('FK_INVALID_PLUGIN');
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['id', 'meta.description', 'meta.params.x', 'meta.weightKind', 'meta.references', 'train']);
    expect(error.message).toContain('meta.weightKind: expected `weight` or `importance`, got `"coefficient"`');
    expect(error.message).toContain('train: expected a function, got `"fit"`');
  });
});

describe('checkTrainingSet', () => {
  it('accepts a well-formed set (NaN features are allowed: missing exposures)', () => {
    expect(checkTrainingSet(set())).toEqual([]);
    const { dates: _dates, ...withoutDates } = set();
    expect(checkTrainingSet(withoutDates)).toEqual([]);
  });

  it('lists type problems at once', () => {
    expect(checkTrainingSet({ factors: ['a', 'a'], rows: 0, features: [1], labels: new Float32Array(1), dateIndex: [0], dates: [1] })).toEqual([
      { path: 'factors[1]', message: 'factor `a` is listed twice' },
      { path: 'rows', message: 'expected an integer ≥ 1, got `0`' },
      { path: 'features', message: 'expected a Float64Array, got `[1]`' },
      { path: 'labels', message: 'expected a Float64Array, got `Float32Array(1)`' },
      { path: 'dateIndex', message: 'expected an Int32Array, got `[0]`' },
      { path: 'dates', message: 'expected an array of dates, got `[1]`' },
    ]);
    expect(checkTrainingSet(null)).toEqual([{ path: '', message: 'expected a training set object, got `null`' }]);
  });

  it('checks lengths against rows × factors', () => {
    expect(checkTrainingSet({ ...set(), rows: 4 })).toEqual([
      { path: 'features', message: 'expected 4 rows × 2 factors = 8 values, got 10' },
      { path: 'labels', message: 'expected 4 labels (one per row), got 5' },
      { path: 'dateIndex', message: 'expected 4 date indices (one per row), got 5' },
    ]);
  });

  it('refuses a missing label, unordered dates and an index past `dates`', () => {
    const labels = Float64Array.from([-1, 0, Number.NaN, -1, 1]);
    expect(checkTrainingSet({ ...set(), labels })).toEqual([
      { path: 'labels[2]', message: 'expected a finite label, got `NaN` (rows without a label belong out of the set)' },
    ]);
    expect(checkTrainingSet({ ...set(), dateIndex: Int32Array.from([0, 1, 0, 1, 1]) })).toEqual([
      { path: 'dateIndex[2]', message: 'rows must be ordered by date: 0 follows 1' },
    ]);
    expect(checkTrainingSet({ ...set(), dateIndex: Int32Array.from([0, 0, 0, 1, 2]) })).toEqual([
      { path: 'dateIndex[4]', message: 'expected an index in 0..1 (into dates), got `2`' },
    ]);
    expect(checkTrainingSet({ ...set(), dates: undefined, dateIndex: Int32Array.from([-1, 0, 0, 1, 1]) })).toEqual([
      { path: 'dateIndex[0]', message: 'expected an integer ≥ 0, got `-1`' },
    ]);
  });
});

describe('trainModel', () => {
  it('trains with validated params; predict and weights pass through, weights in the set’s factor order', () => {
    const model = trainModel(pick.with({ factor: 1, scale: 2 }), set());
    expect(arr(model.predict(Float64Array.from([1, 10, 2, 20]), 2))).toEqual([20, 40]);
    expect(model.weights()).toEqual([
      { factor: 'value', value: 0, kind: 'weight' },
      { factor: 'momentum', value: 2, kind: 'weight' },
    ] satisfies FactorWeight[]);
    expect(model.diagnostics?.messages).toEqual(['trained on 5 rows']);
    // A bare plugin trains with its defaults.
    expect(trainModel(pick, set()).weights()[0]!.value).toBe(1);
  });

  it('refuses a malformed training set with FK_INVALID_DATA, listing the problems', () => {
    const error = thrown(() => trainModel(pick, { ...set(), labels: Float64Array.from([0, 0, 0, 0, Number.POSITIVE_INFINITY]) }));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toBe('model `pick`: the training set is malformed:\n  - labels[4]: expected a finite label, got `Infinity` (rows without a label belong out of the set)');
  });

  it('checks predict’s input and output', () => {
    const model = trainModel(pick, set());
    expect(thrown(() => model.predict(new Float64Array(3), 2)).code).toBe('FK_INVALID_ARGUMENT');
    const short = defineModel({
      id: 'short',
      apiVersion: '1.1',
      meta: { description: 'returns too few scores', weightKind: 'importance', params: {} },
      train: ({ data }) => ({ predict: () => new Float64Array(1), weights: () => data.factors.map((factor) => ({ factor, value: 0.5, kind: 'importance' as const })) }),
    });
    const error = thrown(() => trainModel(short, set()).predict(new Float64Array(4), 2));
    expect(error.code).toBe('FK_INVALID_OUTPUT');
    expect(error.message).toBe('model `short`: predict must return a Float64Array of 2 scores, got `Float64Array(1)`');
  });

  it.each([
    [[{ factor: 'value', value: 1, kind: 'weight' }], 'weights() has no entry for `momentum`'],
    [[{ factor: 'value', value: 1, kind: 'weight' }, { factor: 'size', value: 1, kind: 'weight' }], 'weights() names factor `size`, which the training set does not have'],
    [[{ factor: 'value', value: 1, kind: 'weight' }, { factor: 'value', value: 1, kind: 'weight' }], 'weights() lists factor `value` twice'],
    [[{ factor: 'value', value: Number.NaN, kind: 'weight' }], 'weights() gives factor `value` the value `NaN`, expected a finite number'],
    [[{ factor: 'value', value: 1, kind: 'importance' }], 'weights() gives factor `value` kind `"importance"`, but the model declares `weight` (meta.weightKind)'],
    [{ value: 1 }, 'weights() must return an array, got `{"value":1}`'],
  ])('refuses weights() output %j', (weights, message) => {
    const model = defineModel({
      id: 'bad_weights',
      apiVersion: '1.1',
      meta: { description: 'bad weights', weightKind: 'weight', params: {} },
      train: () => ({ predict: (_f, rows) => new Float64Array(rows), weights: () => weights as never }),
    });
    const error = thrown(() => trainModel(model, set()));
    expect(error.code).toBe('FK_INVALID_OUTPUT');
    expect(error.message).toBe(`model \`bad_weights\`: ${message}`);
  });

  it('wraps a bug in train as FK_PLUGIN_FAILED naming the package; a coded refusal passes through', () => {
    const buggy = defineModel({
      id: 'buggy',
      apiVersion: '1.1',
      meta: { description: 'throws', weightKind: 'weight', params: {} },
      train: () => {
        throw new TypeError('x is undefined');
      },
    });
    const error = thrown(() => trainModel(buggy, set(), { source: { type: 'package', package: 'factorkit-model-buggy', version: '0.2.0' } }));
    expect(error.code).toBe('FK_PLUGIN_FAILED');
    expect(error.message).toBe('model `buggy` from package `factorkit-model-buggy@0.2.0` failed in train: TypeError: x is undefined');
    expect(error.cause).toBeInstanceOf(TypeError);
    expect(error.details).toEqual({ model: 'buggy', package: 'factorkit-model-buggy', version: '0.2.0' });
    const refusing = defineModel({
      id: 'refusing',
      apiVersion: '1.1',
      meta: { description: 'refuses', weightKind: 'weight', params: {} },
      train: () => {
        throw new FactorkitError('FK_NO_VALUES', 'no factor has an IC');
      },
    });
    expect(thrown(() => trainModel(refusing, set())).message).toBe('no factor has an IC');
  });

  it('refuses a train that returns no model', () => {
    const empty = defineModel({ id: 'empty', apiVersion: '1.1', meta: { description: 'nothing', weightKind: 'weight', params: {} }, train: () => ({}) as never });
    expect(thrown(() => trainModel(empty, set())).message).toBe('model `empty`: train must return { predict, weights }, got `{}`');
  });
});

describe('models in the registry', () => {
  it('registers, lists and gets a model; a plain-object model gets with()', () => {
    const registry = createRegistry();
    const plain = { kind: 'model', id: 'plain', apiVersion: '1.1', meta: { description: 'plain', weightKind: 'weight', params: {} }, train: pick.train } as unknown as AnyPlugin;
    registry.register([pick, plain]);
    expect(registry.list('model').map((e) => e.plugin.id)).toEqual(['pick', 'plain']);
    expect(registry.get('model', 'pick')).toBe(pick);
    expect(registry.get('model', 'plain').with()).toMatchObject({ params: {} });
    expect(thrown(() => registry.get('model', 'ridge')).message).toBe('no model plugin with id `ridge`; registered: `pick`, `plain`');
    expect(pluginsFromModule({ default: pick })).toEqual([pick]);
  });

  it('a model for core API 1.1 is refused by a core that provides 1.0, naming both versions; this core provides 1.1', () => {
    expect(CORE_API_VERSION).toBe('1.1');
    const error = thrown(() => createRegistry({ apiVersion: '1.0' }).register(pick));
    expect(error).toBeInstanceOf(PluginRegistrationError);
    expect(error.code).toBe('FK_API_VERSION');
    expect(error.message).toBe('cannot register plugins:\nmodel `pick`: targets core API `1.1` but this core provides only `1.0` (upgrade @factorkit/core)');
  });

  it('reports a malformed plain-object model with its paths', () => {
    const error = thrown(() =>
      createRegistry().register({ kind: 'model', id: 'm', apiVersion: '1.1', meta: { description: 'm', params: {} }, train: 1 } as unknown as AnyPlugin),
    );
    expect(error.code).toBe('FK_INVALID_PLUGIN');
    expect(error.message).toBe(
      'cannot register plugins:\nmodel `m`: is malformed:\n  - meta.weightKind: expected `weight` or `importance`, got `undefined`\n  - train: expected a function, got `1`',
    );
  });
});
