import {
  type CategoricalPanel,
  type FactorPlugin,
  type MarketData,
  Panel,
  computeFactor,
  createMemoryData,
  defineFactor,
} from '@factorkit/core';
import { createDataset } from '@factorkit/data';
import { momentum } from '@factorkit/factor-momentum';
import { size } from '@factorkit/factor-style-size';
import { generateMarket } from '@factorkit/synth';
import { indexUniverse } from '@factorkit/universe-index';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ComputedFactor, computeFactors, noValuesError, streamFactors } from '../src/index.js';
import { thrown } from './helpers.js';

let data: MarketData;
let csi300: (t: number) => Uint8Array;
beforeAll(() => {
  const { tables } = generateMarket({ seed: 5, stocks: 150, years: 2, funds: 0 });
  data = createDataset(tables).dataset;
  const universe = indexUniverse.resolve({ data, params: indexUniverse.with({ index: 'csi300', excludeSt: false, excludeSuspended: false }).params });
  csi300 = (t) => universe.members(t);
}, 120_000);

/** Finite cells of a panel, counted directly. */
function countFinite(panel: Panel): number {
  let n = 0;
  for (const v of panel.values) if (Number.isFinite(v)) n++;
  return n;
}

/** The Pearson correlation over the cells finite in both. */
function correlation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) {
      n++;
      sx += x[i]!;
      sy += y[i]!;
    }
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) {
      sxy += (x[i]! - mx) * (y[i]! - my);
      sxx += (x[i]! - mx) ** 2;
      syy += (y[i]! - my) ** 2;
    }
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('computeFactors: coverage', () => {
  it('counts computed values and values in the universe as a direct loop does, and keeps only those', () => {
    const start = '2015-03-02';
    const { factors, dates } = computeFactors({ data, factors: [{ plugin: momentum, params: { window: 60 } }], universe: csi300, range: { start } });
    const factor = factors[0]!;
    // Independently: the factor through core, and the universe row by row.
    const raw = computeFactor(momentum.with({ window: 60 }), data, { start }).values;
    const first = data.calendar.indexOf(dates[0]!);
    let computed = 0;
    let inUniverse = 0;
    let eligible = 0;
    for (let t = 0; t < raw.dates; t++) {
      const members = csi300(first + t);
      for (let a = 0; a < raw.assets; a++) {
        const v = raw.get(t, a);
        if (Number.isFinite(v)) computed++;
        if (members[a]) {
          eligible++;
          if (Number.isFinite(v)) inUniverse++;
          // The result keeps members' values exactly, and nothing else.
          expect(Object.is(factor.values.get(t, a), v) || (Number.isNaN(v) && Number.isNaN(factor.values.get(t, a)))).toBe(true);
        } else expect(factor.values.get(t, a)).toBeNaN();
      }
    }
    expect(computed).toBeGreaterThan(inUniverse);
    expect(inUniverse).toBeGreaterThan(0);
    const { coverage, outcome } = factor.report;
    expect(coverage.eligible).toBe(eligible);
    expect(coverage.stages).toEqual([
      { stage: 'compute', input: raw.dates * raw.assets, output: computed, removed: { noValue: raw.dates * raw.assets - computed, infinite: 0 } },
      { stage: 'universe', input: computed, output: inUniverse, removed: { outsideUniverse: computed - inUniverse } },
    ]);
    expect(coverage.values).toBe(inUniverse);
    expect(countFinite(factor.values)).toBe(inUniverse);
    expect(outcome).toEqual({ status: 'ok' });
    expect(factor.report.lookback).toMatchObject({ needed: 60, history: 60, shortDates: 0, dataStart: data.calendar.dates[0] });
  });

  it('reports every preprocessing stage, continuing the funnel from the universe', () => {
    const [factor] = computeFactors({ data, factors: [{ plugin: momentum, params: { window: 60 } }], universe: csi300, range: { start: '2015-03-02' }, preprocess: true }).factors;
    const { stages } = factor!.report.coverage;
    expect(stages.map((s) => s.stage)).toEqual(['compute', 'universe', 'winsorize', 'neutralize', 'standardize']);
    for (let i = 1; i < stages.length; i++) expect(stages[i]!.input, stages[i]!.stage).toBe(stages[i - 1]!.output);
    for (const s of stages.slice(2)) {
      const removed = Object.values(s.removed).reduce((x, y) => x + y, 0);
      expect(s.input - removed, s.stage).toBe(s.output);
    }
    expect(factor!.report.coverage.values).toBe(countFinite(factor!.values));
    expect(factor!.report.coverage.values).toBe(stages[stages.length - 1]!.output);
    expect(factor!.report.preprocess?.neutralize).toEqual({ requested: ['industry', 'size'], used: ['industry', 'size'], skipped: [] });
    // z-scores: each date's values have mean 0.
    const t = factor!.values.dates - 1;
    const row = Array.from(factor!.values.row(t)).filter(Number.isFinite);
    expect(Math.abs(row.reduce((x, y) => x + y, 0) / row.length)).toBeLessThan(1e-9);
  });
});

describe('computeFactors: lookback', () => {
  it('says how much history the factor needs and where the data starts when the range starts inside it', () => {
    // 250 days of history from a start 20 trading days into the data: the old CLI wrote 0 rows
    // for this range, with exit 0 and no hint.
    const start = data.calendar.dates[20]!;
    const end = data.calendar.dates[120]!;
    const result = computeFactors({ data, factors: [{ plugin: momentum }], range: { start, end } });
    const report = result.reports[0]!;
    expect(report.coverage.values).toBe(0);
    expect(report.lookback).toEqual({ needed: 250, history: 20, dataStart: data.calendar.dates[0], fullHistoryFrom: data.calendar.dates[250], shortDates: 101 });
    expect(report.outcome).toMatchObject({ status: 'empty', stage: 'compute' });
    const message = report.outcome.status === 'empty' ? report.outcome.message : '';
    expect(message).toContain(`factor \`momentum_1y\` has no values from ${start} to ${end}`);
    expect(message).toContain(`it needs 250 trading days of history and the data starts ${data.calendar.dates[0]} (the first date with full history is ${data.calendar.dates[250]})`);
    expect(message).toMatch(/its inputs have values: `ret` from \d{4}-\d\d-\d\d/);
    const error = noValuesError(result.reports);
    expect(error?.code).toBe('FK_NO_VALUES');
    expect(error?.message).toBe(message);
  });

  it('notes a range that starts inside the lookback although some values exist', () => {
    const start = data.calendar.dates[200]!;
    const report = computeFactors({ data, factors: [{ plugin: momentum }], range: { start } }).reports[0]!;
    expect(report.outcome).toEqual({ status: 'ok' });
    expect(report.lookback.shortDates).toBe(50);
    expect(report.notes).toHaveLength(1);
    expect(report.notes[0]).toContain('`momentum_1y`: the first 50 of');
    expect(report.notes[0]).toContain(`it needs 250 trading days of history and the data starts ${data.calendar.dates[0]}`);
  });
});

describe('computeFactors: a factor that is a neutraliser', () => {
  it('does not neutralise the size factor against size, and keeps its values (the old CLI had none in csi300)', () => {
    const [factor] = computeFactors({ data, factors: [{ plugin: size }], universe: csi300, preprocess: true }).factors;
    const { preprocess, coverage, notes, outcome } = factor!.report;
    expect(outcome).toEqual({ status: 'ok' });
    expect(preprocess?.neutralize.used).toEqual(['industry']);
    expect(preprocess?.neutralize.skipped).toEqual([
      expect.objectContaining({ regressor: 'size', reason: 'spanned', message: expect.stringContaining('not neutralised against `size`: log market cap explains the factor entirely') }),
    ]);
    expect(notes[0]).toContain('not neutralised against `size`');
    // Its values are as many as the members with a market cap and an industry, and still
    // measure size: per date they follow log market cap demeaned within industries (what
    // industry neutralisation leaves of it), which rounding noise would not.
    const cap = data.field('market_cap');
    const industry = data.categorical('industry');
    const T = factor!.values.dates;
    let expected = 0;
    for (const t of [0, Math.floor(T / 2), T - 1]) {
      const members = csi300(t);
      const sums = new Map<number, { n: number; s: number }>();
      const rows: { a: number; g: number; x: number }[] = [];
      for (let a = 0; a < factor!.values.assets; a++) {
        const c = cap.get(t, a);
        const g = industry.codes[a * T + t]!;
        if (!members[a] || !(c > 0) || g < 0) continue;
        rows.push({ a, g, x: Math.log(c) });
        const e = sums.get(g) ?? { n: 0, s: 0 };
        sums.set(g, { n: e.n + 1, s: e.s + Math.log(c) });
      }
      const demeaned = rows.map((r) => r.x - sums.get(r.g)!.s / sums.get(r.g)!.n);
      const got = rows.map((r) => factor!.values.get(t, r.a));
      expect(got.every(Number.isFinite)).toBe(true);
      expect(correlation(got, demeaned), `date ${t}`).toBeGreaterThan(0.95);
    }
    for (let t = 0; t < T; t++) {
      const members = csi300(t);
      for (let a = 0; a < factor!.values.assets; a++) if (members[a] && cap.get(t, a) > 0 && industry.codes[a * T + t]! >= 0) expected++;
    }
    expect(coverage.values).toBe(expected);
  });

  it('skips industry for a factor that is an industry classification, and neutralises it on size', () => {
    const industryCode = defineFactor({
      id: 'industry_code',
      apiVersion: '1.0',
      meta: { description: 'the industry code as a number', category: 'other', inputs: [{ field: 'industry', kind: 'categorical' }], lookback: 0, direction: 1, params: {} },
      compute: (ctx) => {
        const c: CategoricalPanel = ctx.categorical('industry');
        return new Panel(c.dates, c.assets, Float64Array.from(c.codes, (k) => (k >= 0 ? k : Number.NaN)));
      },
    });
    const report = computeFactors({ data, factors: [{ plugin: industryCode }], preprocess: true }).reports[0]!;
    expect(report.preprocess?.neutralize.used).toEqual(['size']);
    expect(report.preprocess?.neutralize.skipped.map((s) => [s.regressor, s.reason])).toEqual([['industry', 'spanned']]);
  });

  it('names the stage that removed every value: standardise for a constant factor', () => {
    const constant = defineFactor({
      id: 'constant',
      apiVersion: '1.0',
      meta: { description: 'one everywhere', category: 'other', inputs: [{ field: 'ret' }], lookback: 0, direction: 1, params: {} },
      compute: (ctx) => new Panel(ctx.data.calendar.length, ctx.data.assets.length, new Float64Array(ctx.data.calendar.length * ctx.data.assets.length).fill(1)),
    });
    const result = computeFactors({ data, factors: [{ plugin: constant }, { plugin: momentum, params: { window: 60 } }], universe: csi300, preprocess: { neutralize: false, standardize: { weights: 'equal' } } });
    const [c, m] = result.reports;
    expect(c!.outcome).toMatchObject({ status: 'empty', stage: 'standardize' });
    const standardize = c!.coverage.stages.find((s) => s.stage === 'standardize')!;
    expect(c!.outcome.status === 'empty' && c!.outcome.message).toBe(
      `factor \`constant\` has no values from ${result.dates[0]} to ${result.dates[result.dates.length - 1]} after preprocessing: the \`standardize\` stage removed all ${standardize.input.toLocaleString('en-US')} (zeroDispersion: ${standardize.input.toLocaleString('en-US')})`,
    );
    expect(m!.outcome).toEqual({ status: 'ok' });
    expect(noValuesError(result.reports)?.message).toBe(c!.outcome.status === 'empty' ? c!.outcome.message : '');
    expect(noValuesError([m!])).toBeUndefined();
  });

  it('names the universe when it removed every value', () => {
    const report = computeFactors({ data, factors: [{ plugin: size }], universe: () => new Uint8Array(data.assets.length) }).reports[0]!;
    expect(report.outcome).toMatchObject({ status: 'empty', stage: 'universe' });
    expect(report.outcome.status === 'empty' && report.outcome.message).toContain('the universe has no member on any of these dates');
  });
});

describe('computeFactors: errors before any work', () => {
  const counting = () => {
    let calls = 0;
    const plugin = defineFactor({
      id: 'counted',
      apiVersion: '1.0',
      meta: { description: 'counts calls', category: 'other', inputs: [{ field: 'ret' }], lookback: 0, direction: 1, params: {} },
      compute: (ctx) => {
        calls++;
        return ctx.input('ret');
      },
    });
    return { plugin, calls: () => calls };
  };

  it('lists every missing input of every factor at once, having computed nothing', () => {
    const { plugin, calls } = counting();
    const needy = (id: string, fields: string[]): FactorPlugin =>
      defineFactor({ id, apiVersion: '1.0', meta: { description: 'x', category: 'other', inputs: fields.map((field) => ({ field })), lookback: 0, direction: 1, params: {} }, compute: (ctx) => ctx.input(fields[0]!) });
    const error = thrown(() => streamFactors({ data, factors: [{ plugin }, { plugin: needy('a', ['ret', 'nope']) }, { plugin: needy('b', ['zip', 'zap']) }] }));
    expect(error.code).toBe('FK_MISSING_INPUT');
    expect(error.message).toBe('the dataset lacks inputs:\n  factor `a` needs `nope`\n  factor `b` needs `zip`\n  factor `b` needs `zap`');
    expect(calls()).toBe(0);
  });

  it('checks parameters, names, the range and preprocessing before computing, lazily computing after', () => {
    const { plugin, calls } = counting();
    expect(thrown(() => streamFactors({ data, factors: [{ plugin }, { plugin: momentum, params: { window: 5 } }] })).code).toBe('FK_INVALID_PARAMS');
    expect(thrown(() => streamFactors({ data, factors: [{ plugin }, { plugin }] })).message).toContain('`counted` is listed twice');
    expect(thrown(() => streamFactors({ data, factors: [{ plugin }], range: { start: '2030-01-01' } })).code).toBe('FK_INVALID_ARGUMENT');
    expect(thrown(() => streamFactors({ data, factors: [{ plugin }], preprocess: { neutralize: 'sideways' } as never })).code).toBe('FK_INVALID_PARAMS');
    expect(thrown(() => streamFactors({ data, factors: [{ plugin }], universe: () => new Uint8Array(3) })).code).toBe('FK_INVALID_DATA');
    expect(calls()).toBe(0);
    const stream = streamFactors({ data, factors: [{ plugin, name: 'one' }, { plugin: momentum }] });
    expect(stream.names).toEqual(['one', 'momentum_1y']);
    expect(calls()).toBe(0);
    const seen: ComputedFactor[] = [];
    for (const f of stream) {
      seen.push(f);
      expect(calls()).toBe(1);
    }
    expect(seen.map((f) => f.name)).toEqual(['one', 'momentum_1y']);
  });

  it('turns a throwing third-party compute into FK_PLUGIN_FAILED naming the factor and its package', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'close')");
    const broken = defineFactor({
      id: 'broken',
      apiVersion: '1.0',
      meta: { description: 'throws', category: 'other', inputs: [{ field: 'ret' }], lookback: 0, direction: 1, params: {} },
      compute: () => {
        throw bug;
      },
    });
    const error = thrown(() => computeFactors({ data, factors: [{ plugin: broken, source: { type: 'package', package: 'factorkit-factor-broken', version: '1.2.3' } }] }));
    expect(error.code).toBe('FK_PLUGIN_FAILED');
    expect(error.message).toBe("factor `broken` from package `factorkit-factor-broken@1.2.3` failed in compute: TypeError: Cannot read properties of undefined (reading 'close')");
    expect(error.cause).toBe(bug);
  });

  it('counts infinite values as missing, with a note', () => {
    const data2 = createMemoryData({ calendar: ['2024-01-02', '2024-01-03'], assets: ['A', 'B'], fields: { ret: Panel.fromRows([[1, Number.POSITIVE_INFINITY], [Number.NaN, 2]]) } });
    const passthrough = defineFactor({
      id: 'pass',
      apiVersion: '1.0',
      meta: { description: 'ret as is', category: 'other', inputs: [{ field: 'ret' }], lookback: 0, direction: 1, params: {} },
      compute: (ctx) => ctx.input('ret'),
    });
    const [f] = computeFactors({ data: data2, factors: [{ plugin: passthrough }] }).factors;
    expect(f!.values.toRows()).toEqual([[1, Number.NaN], [Number.NaN, 2]]);
    expect(f!.report.coverage.stages[0]).toEqual({ stage: 'compute', input: 4, output: 2, removed: { noValue: 1, infinite: 1 } });
    expect(f!.report.notes).toEqual(['`pass`: compute returned 1 infinite value, treated as missing']);
  });

  it('keepRaw: the whole-market values and report of a call without universe and preprocessing, from one compute', () => {
    let calls = 0;
    const counted = defineFactor({
      id: 'counted_close',
      apiVersion: '1.0',
      meta: { description: 'the close, counting calls', category: 'other', inputs: [{ field: 'close' }], lookback: 0, direction: 1, params: {} },
      compute: (ctx) => {
        calls++;
        return ctx.input('close');
      },
    });
    const range = { start: '2015-03-02', end: '2015-09-30' };
    const both = computeFactors({ data, factors: [{ plugin: counted }], universe: csi300, range, preprocess: true, keepRaw: true });
    expect(calls).toBe(1);
    const processed = computeFactors({ data, factors: [{ plugin: counted }], universe: csi300, range, preprocess: true });
    const raw = computeFactors({ data, factors: [{ plugin: counted }], range });
    expect(calls).toBe(3);
    const withoutTime = (f: ComputedFactor) => ({ ...f, raw: undefined, report: { ...f.report, seconds: 0 } });
    expect(withoutTime(both.factors[0]!)).toStrictEqual({ ...withoutTime(processed.factors[0]!) });
    expect(withoutTime(both.factors[0]!.raw!)).toStrictEqual(withoutTime(raw.factors[0]!));
    expect(countFinite(both.factors[0]!.raw!.values)).toBeGreaterThan(countFinite(both.factors[0]!.values));
    // Nothing to cut or preprocess: the raw result is the result itself.
    const plain = computeFactors({ data, factors: [{ plugin: counted }], range, keepRaw: true }).factors[0]!;
    expect(plain.raw!.values).toBe(plain.values);
    expect(withoutTime(plain.raw!)).toStrictEqual(withoutTime(raw.factors[0]!));
  });
});
