import { execFileSync } from 'node:child_process';
import { FactorkitError, Panel, ValidationError, defineModel } from '@factorkit/core';
import { equalWeight } from '@factorkit/model-equal';
import { icirWeight } from '@factorkit/model-icir';
import { describe, expect, it } from 'vitest';
import { type WalkForwardInput, walkForward } from '../src/index.js';
import { spyModel, thrown, uniform, weekdays } from './helpers.js';

const T = 60;
const N = 15;
const H = 3;
const W = 8;
const EVERY = 10;
const dates = weekdays(T);
const assets = Array.from({ length: N }, (_, a) => `S${String(a).padStart(2, '0')}`);

/** A random panel (seeded). */
function randomPanel(seed: number): Panel {
  const next = uniform(seed);
  return new Panel(T, N, Float64Array.from({ length: T * N }, () => next() - 0.5));
}

function baseInput(): WalkForwardInput {
  return { dates, assets, factors: [{ name: 'x', values: randomPanel(1) }], labels: randomPanel(2), horizon: H };
}

const options = { retrainEvery: EVERY, window: W, minAssets: 3 };

describe('walkForward: the windows', () => {
  it('trains at every 10th date from index h + W − 1 on a window ending exactly h dates before the retrain date', () => {
    const spy = spyModel();
    const result = walkForward(baseInput(), { ...options, model: spy.plugin });
    expect(result.first).toBe(H + W - 1);
    expect(result.last).toBe(T - 1);
    const retrains = [10, 20, 30, 40, 50];
    expect(result.trainings.map((t) => t.date)).toEqual(retrains.map((t) => dates[t]));
    result.trainings.forEach((training, k) => {
      const t = retrains[k]!;
      // The label of date t − h runs from the close of t − h to the close of t: the last one known at t.
      expect(training.trainTo).toBe(dates[t - H]);
      expect(training.trainFrom).toBe(dates[t - H - W + 1]);
      expect(training.predictFrom).toBe(dates[t]);
      expect(training.predictTo).toBe(dates[Math.min(t + EVERY - 1, T - 1)]);
      expect(training).toMatchObject({ status: 'trained', dates: W, rows: W * N });
      const seen = spy.seen[k]!;
      expect(seen.dates).toEqual(dates.slice(t - H - W + 1, t - H + 1));
      expect(seen.dates!.at(-1)).toBe(dates[t - H]);
      expect(Math.max(...seen.dateIndex)).toBe(W - 1);
      expect(training.weights).toEqual([{ factor: 'x', value: expect.any(Number), kind: 'weight' }]);
    });
    // Scores exist exactly on the prediction dates.
    for (let t = 0; t < T; t++) expect(Number.isNaN(result.scores.get(t, 0)), dates[t]).toBe(t < result.first);
    expect(result.predictions).toEqual({ scored: (T - result.first) * N, noExposure: 0, noModel: 0 });
  });

  it('no training label overlaps a prediction date: labels after t − h replaced by a perfect predictor change nothing; the label of t − h is used', () => {
    const input = baseInput();
    const base = walkForward(input, { ...options, model: spyModel().plugin });
    const x = input.factors[0]!.values as Panel;
    const labels = input.labels as Panel;
    for (const [k, training] of base.trainings.entries()) {
      const t = dates.indexOf(training.date);
      // An off-by-one (s + h ≤ t + 1) would read row t − h + 1, whose label is known only at the
      // close of t + 1. Make every such row a perfect, huge predictor: a leak would dominate the weight.
      const leaked = labels.values.slice();
      for (let s = t - H + 1; s < T; s++) for (let a = 0; a < N; a++) leaked[a * T + s] = 1000 * x.get(s, a);
      const other = walkForward({ ...input, labels: new Panel(T, N, leaked) }, { ...options, model: spyModel().plugin });
      expect(other.trainings[k]!.weights).toEqual(training.weights);
      expect(other.trainings[k]!.trainTo).toBe(dates[t - H]);
      for (let p = t; p < Math.min(t + EVERY, T); p++) for (let a = 0; a < N; a++) expect(Object.is(other.scores.get(p, a), base.scores.get(p, a))).toBe(true);
      // The same change from row t − h on does change this training: its last label is read.
      const used = labels.values.slice();
      for (let a = 0; a < N; a++) used[a * T + (t - H)] = 1000 * x.get(t - H, a);
      const changed = walkForward({ ...input, labels: new Panel(T, N, used) }, { ...options, model: spyModel().plugin });
      expect(changed.trainings[k]!.weights[0]!.value).not.toBe(training.weights[0]!.value);
    }
  });

  it('reads date-major arrays as it reads panels', () => {
    const input = baseInput();
    const dateMajor = (p: Panel) => Float64Array.from({ length: T * N }, (_, i) => p.get(Math.floor(i / N), i % N));
    const a = walkForward(input, { ...options, model: spyModel().plugin });
    const b = walkForward({ ...input, labels: dateMajor(input.labels as Panel), factors: [{ name: 'x', values: dateMajor(input.factors[0]!.values as Panel) }] }, { ...options, model: spyModel().plugin });
    expect(Array.from(b.scores.values)).toEqual(Array.from(a.scores.values));
  });

  it('skips a training without enough label dates, leaving its dates unscored, and says why', () => {
    const result = walkForward(baseInput(), { ...options, model: spyModel().plugin, start: 1, end: 25 });
    expect(result.trainings.map((t) => [t.date, t.status, t.reason])).toEqual([
      [dates[1], 'skipped', `no label is known at the close of ${dates[1]!} (horizon 3)`],
      [dates[11], 'trained', undefined],
      [dates[21], 'trained', undefined],
    ]);
    const early = walkForward(baseInput(), { ...options, model: spyModel().plugin, start: dates[5]!, end: 14 });
    expect(early.trainings).toHaveLength(1);
    expect(early.trainings[0]).toMatchObject({ status: 'skipped', reason: '3 label dates with rows in the window, 8 needed (options.minDates)', trainFrom: dates[0], trainTo: dates[2], weights: [] });
    for (let t = 5; t <= 14; t++) expect(early.scores.get(t, 3)).toBeNaN();
    expect(early.predictions).toEqual({ scored: 0, noExposure: 0, noModel: 10 * N });
    // minDates below the window trains on what there is.
    const partial = walkForward(baseInput(), { ...options, model: spyModel().plugin, start: 5, minDates: 3 });
    expect(partial.trainings[0]).toMatchObject({ status: 'trained', dates: 3, trainFrom: dates[0], trainTo: dates[2] });
  });
});

describe('walkForward: rows', () => {
  it('counts what it leaves out: no exposure, no label, non-members (not counted), small dates, constant labels', () => {
    const input = baseInput();
    const x = (input.factors[0]!.values as Panel).values.slice();
    const y = (input.labels as Panel).values.slice();
    for (let t = 0; t < T; t++) {
      x[0 * T + t] = Number.NaN; // asset 0: never an exposure
      y[1 * T + t] = Number.NaN; // asset 1: never a label
    }
    // Date 30: labels all equal; date 32: only 2 members.
    for (let a = 2; a < N; a++) y[a * T + 30] = 0.01;
    const members = (t: number) => Uint8Array.from({ length: N }, (_, a) => (a === 2 ? 0 : t === 32 ? (a < 3 ? 1 : 0) : 1));
    const spy = spyModel();
    const result = walkForward({ ...input, factors: [{ name: 'x', values: new Panel(T, N, x) }], labels: new Panel(T, N, y), members }, { ...options, model: spy.plugin, minDates: 5, start: 10 });
    // Training at 40: label dates 30 … 37. Date 30: constant labels (12 rows); date 32: members 0 and 1 only,
    // counted as no exposure and no label, so no row: a small date.
    const at40 = result.trainings.find((t) => t.date === dates[40])!;
    expect(at40.dropped).toEqual({ labelMissing: 8, noExposure: 8, smallDates: 1, smallDateRows: 0, constantDates: 1, constantDateRows: 12 });
    expect(at40).toMatchObject({ status: 'trained', dates: 6, rows: 6 * 12 });
    // Training at 10: dates 0 … 7, nothing special.
    expect(result.trainings[0]!.dropped).toEqual({ labelMissing: 8, noExposure: 8, smallDates: 0, smallDateRows: 0, constantDates: 0, constantDateRows: 0 });
    // Scores: asset 0 (no exposure) and asset 2 (not a member) are NaN; asset 1 (no label, but an exposure) is scored.
    expect(result.scores.get(45, 0)).toBeNaN();
    expect(result.scores.get(45, 2)).toBeNaN();
    expect(Number.isFinite(result.scores.get(45, 1))).toBe(true);
    const predicted = T - result.first;
    expect(result.predictions.noExposure).toBe(predicted);
    // 13 scored a date (15 − asset 0 − asset 2), but on date 32 only asset 1.
    expect(result.predictions.scored).toBe((predicted - 1) * 13 + 1);
  });

  it('normalises each date’s labels: rank-normal as Python’s NormalDist gives it, z-score to mean 0 and std 1', () => {
    const spy = spyModel();
    walkForward(baseInput(), { ...options, model: spy.plugin, end: 10 });
    const set = spy.seen[0]!;
    const labels = baseInput().labels as Panel;
    // Date 0 of the window is input date 0: ranks of the raw labels → Φ⁻¹((r − ½)/15).
    const raw = Array.from({ length: N }, (_, a) => labels.get(0, a));
    const order = raw.map((_, a) => a).sort((a, b) => raw[a]! - raw[b]!);
    const want = JSON.parse(
      execFileSync('python3', ['-c', 'import json,sys\nfrom statistics import NormalDist\nprint(json.dumps([NormalDist().inv_cdf((r + 0.5) / 15) for r in range(15)]))'], { encoding: 'utf8' }),
    ) as number[];
    order.forEach((a, rank) => expect(Math.abs(set.labels[a]! - want[rank]!)).toBeLessThan(1e-8));
    const zspy = spyModel();
    walkForward(baseInput(), { ...options, model: zspy.plugin, end: 10, labelTransform: 'zscore' });
    const z = Array.from(zspy.seen[0]!.labels.subarray(0, N));
    const mean = raw.reduce((s, v) => s + v, 0) / N;
    const sd = Math.sqrt(raw.reduce((s, v) => s + (v - mean) ** 2, 0) / (N - 1));
    z.forEach((v, a) => expect(v).toBeCloseTo((raw[a]! - mean) / sd, 12));
  });

  it('with the equal-weight model, scores are the mean exposure (a missing one counting as 0)', () => {
    const input = baseInput();
    const second = randomPanel(3);
    second.set(20, 4, Number.NaN);
    const result = walkForward({ ...input, factors: [...input.factors, { name: 'y', values: second }] }, { ...options, model: equalWeight });
    const x = input.factors[0]!.values as Panel;
    for (const t of [10, 20, 59]) for (let a = 0; a < N; a++) {
      const yv = second.get(t, a);
      expect(result.scores.get(t, a)).toBeCloseTo((x.get(t, a) + (Number.isNaN(yv) ? 0 : yv)) / 2, 14);
    }
    expect(result.trainings[0]!.weights).toEqual([
      { factor: 'x', value: 0.5, kind: 'weight' },
      { factor: 'y', value: 0.5, kind: 'weight' },
    ]);
  });
});

describe('walkForward: models that refuse or fail', () => {
  it('a model refusing a window (FK_NO_VALUES) skips that training with its reason; a bug propagates', () => {
    let calls = 0;
    const moody = defineModel({
      id: 'moody',
      apiVersion: '1.1',
      meta: { description: 'refuses its first window', weightKind: 'weight', params: {} },
      train: ({ data }) => {
        if (calls++ === 0) throw new FactorkitError('FK_NO_VALUES', 'model `moody`: nothing to learn');
        return { predict: (_f, rows) => new Float64Array(rows).fill(1), weights: () => [{ factor: data.factors[0]!, value: 1, kind: 'weight' as const }] };
      },
    });
    const result = walkForward(baseInput(), { ...options, model: moody });
    expect(result.trainings[0]).toMatchObject({ status: 'skipped', reason: 'model `moody`: nothing to learn', weights: [] });
    expect(result.trainings[1]).toMatchObject({ status: 'trained' });
    expect(result.scores.get(15, 0)).toBeNaN();
    expect(result.scores.get(25, 0)).toBe(1);
    const broken = defineModel({
      id: 'broken',
      apiVersion: '1.1',
      meta: { description: 'has a bug', weightKind: 'weight', params: {} },
      train: () => {
        throw new RangeError('oops');
      },
    });
    const error = thrown(() => walkForward(baseInput(), { ...options, model: broken, source: { type: 'package', package: 'factorkit-model-broken' } }));
    expect(error.code).toBe('FK_PLUGIN_FAILED');
    expect(error.message).toBe('model `broken` from package `factorkit-model-broken` failed in train: RangeError: oops');
  });
});

describe('walkForward: validation', () => {
  it('reports every problem of input and options at once, with paths', () => {
    const input = baseInput();
    const error = thrown(() =>
      walkForward(
        { ...input, factors: [{ name: 'x', values: new Panel(T, N - 1) }, { name: 'x', values: [1] as never }], labels: new Float64Array(3), horizon: 0 },
        { model: { kind: 'model' } as never, retrainEvery: 0, window: 5, minDates: 6, minAssets: 1, labelTransform: 'rank' as never, end: '2030-01-01' },
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('FK_INVALID_PARAMS');
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
      'input.factors[0].values',
      'input.factors[1].name',
      'input.factors[1].values',
      'input.labels',
      'input.horizon',
      'options.model.id',
      'options.model.apiVersion',
      'options.model.meta',
      'options.retrainEvery',
      'options.labelTransform',
      'options.minDates',
      'options.minAssets',
    ]);
    expect(error.message).toContain('input.factors[0].values: expected a panel of 60 dates × 15 assets, got 60 × 14');
    expect(error.message).toContain('input.labels: expected 60 dates × 15 assets = 900 date-major values, got 3');
    expect(error.message).toContain('options.minDates: expected at most the window (5), got `6`');
  });

  it('refuses too few dates for the default start, dates out of order, and a start after the end', () => {
    expect(thrown(() => walkForward(baseInput(), { ...options, model: equalWeight, window: 58 })).message).toContain(
      'input.dates: 60 dates are too few: with horizon 3 and 58 label dates needed (options.minDates), the first prediction date would be index 60',
    );
    expect(thrown(() => walkForward({ ...baseInput(), dates: [...dates].reverse() }, { ...options, model: equalWeight })).message).toContain('input.dates: expected a non-empty list of dates');
    expect(thrown(() => walkForward(baseInput(), { ...options, model: equalWeight, start: 40, end: dates[30]! })).message).toContain(
      `options.start: the first prediction date ${dates[40]!} is after the last ${dates[30]!} (options.end)`,
    );
  });

  it('refuses a members function of the wrong length', () => {
    const error = thrown(() => walkForward({ ...baseInput(), members: () => new Uint8Array(3) }, { ...options, model: equalWeight }));
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toBe('walkForward: input.members(0) must return a Uint8Array of 15 entries (one per asset), got `Uint8Array(3)`');
  });
});

describe('walkForward: the model cache', () => {
  it('an ICIR model trained with the run’s per-date IC cache gives the weights and scores of one trained without it', () => {
    // The same plugin with the cache taken away: every training recomputes every date's IC.
    const uncached = defineModel({
      id: 'icir_uncached',
      apiVersion: icirWeight.apiVersion,
      meta: icirWeight.meta,
      train: ({ params, data }) => icirWeight.train({ params, data }),
    });
    const input: WalkForwardInput = { ...baseInput(), factors: [{ name: 'x', values: randomPanel(1) }, { name: 'y', values: randomPanel(3) }] };
    const cached = walkForward(input, { ...options, model: icirWeight.with({ minAssets: 3 }) });
    const plain = walkForward(input, { ...options, model: uncached.with({ minAssets: 3 }) });
    const trained = cached.trainings.filter((t) => t.status === 'trained');
    expect(trained.length).toBeGreaterThan(2);
    expect(cached.trainings.map((t) => t.weights)).toEqual(plain.trainings.map((t) => t.weights));
    expect(Array.from(cached.scores.values)).toEqual(Array.from(plain.scores.values));
  });
});
