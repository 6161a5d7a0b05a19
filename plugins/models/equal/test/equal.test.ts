import { type TrainingSet, checkModel, createRegistry, trainModel } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import equalDefault, { equalWeight } from '../src/index.js';

const set: TrainingSet = {
  factors: ['value', 'momentum', 'size'],
  rows: 2,
  features: Float64Array.from([1, 2, 3, 4, 5, 6]),
  labels: Float64Array.from([-1, 1]),
  dateIndex: Int32Array.from([0, 0]),
};

describe('equal weights', () => {
  it('is a well-formed model plugin for core API 1.1, the default export, registrable', () => {
    expect(equalDefault).toBe(equalWeight);
    expect(checkModel(equalWeight)).toEqual([]);
    expect(equalWeight).toMatchObject({ kind: 'model', id: 'equal', apiVersion: '1.1', meta: { weightKind: 'weight' } });
    const registry = createRegistry();
    registry.registerModule({ default: equalWeight });
    expect(registry.get('model', 'equal')).toBe(equalWeight);
  });

  it('weights every factor 1/F and scores the mean exposure, a missing one counting as 0', () => {
    const model = trainModel(equalWeight, set);
    expect(model.weights()).toEqual([
      { factor: 'value', value: 1 / 3, kind: 'weight' },
      { factor: 'momentum', value: 1 / 3, kind: 'weight' },
      { factor: 'size', value: 1 / 3, kind: 'weight' },
    ]);
    const scores = model.predict(Float64Array.from([3, 0, -3, 1, Number.NaN, 2, Number.NaN, Number.NaN, Number.NaN]), 3);
    expect(scores[0]).toBeCloseTo(0, 15);
    expect(scores[1]).toBeCloseTo(1, 15); // (1 + 0 + 2) / 3
    expect(scores[2]).toBeNaN();
  });

  it('takes no parameters', () => {
    expect(() => equalWeight.with({ window: 3 })).toThrow(/params.window/);
  });
});
