/**
 * Incremental analytics: `forwardReturnsByDate(data, { from })` computes only the rows from a
 * date on, bit for bit those of the whole computation, and writes none before; `evaluateFactor({ previous })` continues
 * an evaluation computed when the data ended at an earlier day `P`, over a window of the latest
 * dates (`evaluationWindow`), and equals the evaluation of every date on the longer data bit
 * for bit (every typed array, `NaN` positions, every summary number, the notes) — for several
 * factors (one discrete, with ties), universes (an index with its weights, the whole market,
 * the equal-weighted index), horizons, groups, decay lags and cut-offs, through a chain of
 * cut-offs and after a `v8` round trip; and it refuses a `previous` that does not fit.
 */
import { deserialize, serialize } from 'node:v8';
import { type MarketData, Panel, TradingCalendar } from '@factorkit/core';
import { createDataset } from '@factorkit/data';
import { momentum } from '@factorkit/factor-momentum';
import { rollingCompoundBlocks } from '@factorkit/ops';
import { computeFactors } from '@factorkit/pipeline';
import { generateMarket } from '@factorkit/synth';
import { indexUniverse } from '@factorkit/universe-index';
import { beforeAll, describe, expect, it } from 'vitest';
import { type EvaluateFactorOptions, type FactorEvaluation, type UniverseInput, evaluateFactor, evaluationWindow, forwardReturnsByDate } from '../src/index.js';
import { thrown } from './analytics-helpers.js';

/**
 * Expect `actual` to be `expected` bit for bit: the same keys, array lengths and typed-array
 * types, every number `Object.is`-equal (so `NaN` where `NaN`, and `-0` apart from `0`). Names
 * the first difference. Returns how many numbers were compared.
 */
function expectIdentical(actual: unknown, expected: unknown, path = 'result'): number {
  if (ArrayBuffer.isView(expected)) {
    const e = expected as unknown as ArrayLike<number>;
    const a = actual as ArrayLike<number>;
    expect(Object.prototype.toString.call(actual), `${path}: type`).toBe(Object.prototype.toString.call(expected));
    expect(a.length, `${path}: length`).toBe(e.length);
    for (let i = 0; i < e.length; i++) if (!Object.is(a[i], e[i])) expect.fail(`${path}[${i}]: got ${a[i]}, expected ${e[i]}`);
    return e.length;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path}: an array`).toBe(true);
    expect((actual as unknown[]).length, `${path}: length`).toBe(expected.length);
    return expected.reduce((n: number, v, i) => n + expectIdentical((actual as unknown[])[i], v, `${path}[${i}]`), 0);
  }
  if (typeof expected === 'object' && expected !== null) {
    expect(typeof actual === 'object' && actual !== null, `${path}: an object`).toBe(true);
    expect(Object.keys(actual as object).sort(), `${path}: keys`).toEqual(Object.keys(expected).sort());
    return Object.entries(expected).reduce((n, [k, v]) => n + expectIdentical((actual as Record<string, unknown>)[k], v, `${path}.${k}`), 0);
  }
  if (!Object.is(actual, expected)) expect.fail(`${path}: got ${String(actual)}, expected ${String(expected)}`);
  return typeof expected === 'number' ? 1 : 0;
}

let data: MarketData;
let T: number;
/** The factors: values over `dates` (consecutive trading days of the data, from the factor's first). */
const factors = new Map<string, { values: Panel; dates: readonly string[] }>();

/** A seeded uniform generator (an LCG). */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

beforeAll(() => {
  data = createDataset(generateMarket({ seed: 9, stocks: 200, years: 3, funds: 0 }).tables).dataset;
  T = data.calendar.length;
  const computed = computeFactors({ data, factors: [{ plugin: momentum }], preprocess: true });
  const mom = computed.factors[0]!.values;
  factors.set('momentum', { values: mom, dates: computed.dates });
  // Three values, most stocks tied: groups left empty, ranks averaged.
  factors.set('discrete', { values: new Panel(mom.dates, mom.assets, mom.values.map((v) => (Number.isNaN(v) ? v : Math.max(-1, Math.min(1, Math.round(v)))))), dates: computed.dates });
  // Over the whole calendar, with missing and infinite values.
  const u = random(5);
  const noise = Float64Array.from({ length: T * data.assets.length }, () => {
    const x = u();
    return x < 0.05 ? Number.NaN : x > 0.99 ? Number.POSITIVE_INFINITY : x - 0.5;
  });
  factors.set('noise', { values: new Panel(T, data.assets.length, noise), dates: data.calendar.dates });
}, 120_000);

/** How a case picks its universe on the data it is evaluated on. */
type Universe = 'csi300' | 'csi300-equal' | 'market';

function universeOn(view: MarketData, universe: Universe): UniverseInput | undefined {
  if (universe === 'market') return undefined;
  const resolved = indexUniverse.resolve({ data: view, params: indexUniverse.with({ index: 'csi300' }).params });
  return universe === 'csi300' ? resolved : (t: number) => resolved.members(t);
}

interface Case {
  readonly factor: string;
  readonly universe: Universe;
  readonly horizons: readonly number[];
  readonly groups: number;
  readonly decayLags: number;
}

/** The data as it was when it ended at calendar index `last`. */
function dataUntil(last: number): MarketData {
  return last === T - 1 ? data : data.window(0, last + 1);
}

/** The rows of a factor's values from `from` to `to` (dates), and their dates. */
function rows(factor: string, from: string, to: string): { values: Panel; dates: readonly string[] } {
  const f = factors.get(factor)!;
  const i = f.dates.indexOf(from);
  const j = f.dates.indexOf(to);
  expect(i >= 0 && j >= i, `${factor}: ${from} … ${to}`).toBe(true);
  return { values: f.values.sliceDates(i, j + 1), dates: f.dates.slice(i, j + 1) };
}

/** The options of a case on the data ending at `last`, over its values `from` a date to the end. */
function optionsAt(c: Case, last: number, from: string): EvaluateFactorOptions {
  const view = dataUntil(last);
  const universe = universeOn(view, c.universe);
  return {
    data: view,
    ...rows(c.factor, from, view.calendar.dates[last]!),
    ...(universe === undefined ? {} : { universe }),
    horizons: c.horizons,
    groups: c.groups,
    decayLags: c.decayLags,
  };
}

/** Every date of the factor, on the data ending at `last`. */
function full(c: Case, last: number): FactorEvaluation {
  return evaluateFactor(optionsAt(c, last, factors.get(c.factor)!.dates[0]!));
}

/** `previous` continued on the data ending at `last`, over the window it asks for, with forward returns computed from `redoFrom`. */
function continued(c: Case, previous: FactorEvaluation, last: number): FactorEvaluation {
  const view = dataUntil(last);
  const window = evaluationWindow(previous, view.calendar);
  const forward = forwardReturnsByDate(view, { horizons: c.horizons, from: window.redoFrom });
  return evaluateFactor({ ...optionsAt(c, last, window.windowStart), previous, forward });
}

describe('forwardReturnsByDate({ from })', () => {
  it('computes the rows from a date on, bit for bit those of the whole calendar; the rows before are not written', () => {
    for (const options of [{ horizons: [1, 5, 20] }, { horizons: [3, 7], priceField: 'close' }]) {
      const whole = forwardReturnsByDate(data, options);
      const N = data.assets.length;
      // Aligned on the horizons' blocks and not, near both ends.
      for (const f of [0, 1, 37, 40, 41, 99, T - 25, T - 21, T - 20, T - 2, T - 1]) {
        const part = forwardReturnsByDate(data, { ...options, from: data.calendar.dates[f]! });
        expect(part.from).toBe(data.calendar.dates[f]);
        expect({ ...part, returns: [], from: undefined }).toStrictEqual({ ...whole, returns: [], from: undefined });
        part.returns.forEach((values, k) => {
          expect(values.length).toBe(T * N);
          for (let i = 0; i < f * N; i++) if (values[i] !== 0) expect.fail(`from ${f}, horizon ${part.horizons[k]}: row ${Math.floor(i / N)} was written`);
          expectIdentical(values.subarray(f * N), whole.returns[k]!.subarray(f * N), `from ${f}, horizon ${part.horizons[k]}`);
        });
      }
    }
  });

  it('starts the block products at an aligned row: on this data an unaligned start changes some bits', () => {
    // Why the alignment is needed: the same windows computed from an unaligned first row are
    // different products (other blocks), and some differ in the last bit.
    const ret = data.field('ret');
    const h = 20;
    let differ = 0;
    for (let a = 0; a < data.assets.length; a++) {
      const column = ret.column(a);
      const whole = rollingCompoundBlocks(column, h, { minObs: h });
      const shifted = rollingCompoundBlocks(column.subarray(7), h, { minObs: h });
      for (let u = 7 + h; u < T; u++) if (!Object.is(whole[u], shifted[u - 7]) && !Number.isNaN(whole[u]!)) differ++;
    }
    expect(differ).toBeGreaterThan(0);
  });

  it('starts on the first trading day on or after `from`, and refuses a date after the data or not a date', () => {
    const saturday = data.calendar.dates.findIndex((d, t) => t > 0 && Date.parse(d) - Date.parse(data.calendar.dates[t - 1]!) > 86_400_000);
    const gap = new Date(Date.parse(data.calendar.dates[saturday - 1]!) + 86_400_000).toISOString().slice(0, 10);
    expect(forwardReturnsByDate(data, { horizons: [1], from: gap }).from).toBe(data.calendar.dates[saturday]);
    const after = thrown(() => forwardReturnsByDate(data, { horizons: [1], from: '2099-01-01' }));
    expect(after.code).toBe('FK_INVALID_ARGUMENT');
    expect(after.message).toContain(`option \`from\` \`2099-01-01\` is after the data's last date \`${data.calendar.dates[T - 1]}\``);
    expect(thrown(() => forwardReturnsByDate(data, { horizons: [1], from: 'soon' })).message).toContain('option `from`');
  });

  it('is refused by evaluateFactor when the call reads rows before `from`, and used when it does not', () => {
    const { values, dates } = factors.get('momentum')!;
    const i = 60;
    const forward = forwardReturnsByDate(data, { horizons: [1, 5, 20], from: dates[i]! });
    const error = thrown(() => evaluateFactor({ data, values, dates, horizons: [1, 5, 20], decayLags: 0, forward }));
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toContain(`option \`forward\` does not match this call: its rows are computed from \`${dates[i]}\` on (option \`from\` of forwardReturnsByDate), this call reads rows from \`${dates[0]}\``);
    const later = { data, values: values.sliceDates(i), dates: dates.slice(i), horizons: [1, 5, 20], groups: 10, decayLags: 5 };
    expectIdentical(evaluateFactor({ ...later, forward }), evaluateFactor(later));
  });
});

describe('evaluateFactor({ previous })', () => {
  const cases: (Case & { readonly before: readonly number[] })[] = [
    { factor: 'momentum', universe: 'csi300', horizons: [1, 5, 20], groups: 10, decayLags: 0, before: [3, 15] },
    { factor: 'discrete', universe: 'market', horizons: [1, 5, 20], groups: 5, decayLags: 0, before: [7] },
    { factor: 'noise', universe: 'csi300-equal', horizons: [1, 5, 20], groups: 10, decayLags: 0, before: [1, 24] },
    // Decay lags longer than the longest horizon: they set how far back the rows are redone.
    { factor: 'momentum', universe: 'csi300', horizons: [1, 5], groups: 8, decayLags: 10, before: [12] },
  ];

  for (const c of cases) {
    it(`equals the evaluation of every date: ${c.factor}, ${c.universe}, horizons ${c.horizons.join('/')}, ${c.groups} groups, decay ${c.decayLags}`, () => {
      const whole = full(c, T - 1);
      for (const before of c.before) {
        const p = T - 1 - before;
        const previous = full(c, p);
        const result = continued(c, previous, T - 1);
        expect(expectIdentical(result, whole, `P = end − ${before}`)).toBeGreaterThan(10_000);

        // The first row redone is the first whose forward window ran past P: kept, it would be wrong.
        const window = evaluationWindow(previous, data.calendar);
        const redo = previous.dates.indexOf(window.redoFrom);
        const longest = Math.max(...c.horizons, c.decayLags);
        expect(redo).toBe(previous.dates.length - longest);
        const k = c.horizons.length - 1;
        if (c.decayLags <= Math.max(...c.horizons)) {
          expect(previous.coverage.horizons[k]!.endOfData[redo]).toBeGreaterThan(0);
          expect(previous.coverage.horizons[k]!.endOfData[redo - 1]).toBe(0);
          expect(whole.coverage.horizons[k]!.endOfData[redo]).toBe(0);
        } else {
          const lags = previous.dates.length;
          const at = (c.decayLags - 1) * lags + redo;
          expect(Number.isNaN(previous.decay.ic[at]!) && !Number.isNaN(whole.decay.ic[(c.decayLags - 1) * whole.dates.length + redo]!)).toBe(true);
        }
        expect(previous.dates.indexOf(window.windowStart)).toBe(redo - Math.max(...c.horizons));
      }
    }, 60_000);
  }

  it('goes on through a chain of cut-offs, after a v8 round trip, each step equal to the evaluation from scratch', () => {
    const c: Case = { factor: 'momentum', universe: 'csi300', horizons: [1, 5, 20], groups: 10, decayLags: 0 };
    let previous = full(c, T - 1 - 30);
    for (const before of [17, 4, 0]) {
      const last = T - 1 - before;
      const result = continued(c, deserialize(serialize(previous)) as FactorEvaluation, last);
      expectIdentical(result, full(c, last), `P → end − ${before}`);
      previous = result;
    }
  }, 60_000);

  it('takes a window that starts earlier than needed, and computes forward returns itself without `forward`', () => {
    const c: Case = { factor: 'discrete', universe: 'csi300', horizons: [1, 5, 20], groups: 10, decayLags: 0 };
    const previous = full(c, T - 10);
    const window = evaluationWindow(previous, data.calendar);
    const earlier = data.calendar.dates[data.calendar.indexOf(window.windowStart) - 13]!;
    expectIdentical(evaluateFactor({ ...optionsAt(c, T - 1, earlier), previous }), full(c, T - 1));
  }, 60_000);

  it('refuses a previous evaluation that does not fit the call, naming the option and the problem', () => {
    const c: Case = { factor: 'momentum', universe: 'market', horizons: [1, 5, 20], groups: 10, decayLags: 0 };
    const p = T - 11;
    const previous = full(c, p);
    const window = evaluationWindow(previous, data.calendar);
    const options = { ...optionsAt(c, T - 1, window.windowStart), previous };
    const refusal = (changes: Partial<EvaluateFactorOptions>): string => {
      const error = thrown(() => evaluateFactor({ ...options, ...changes }));
      expect(error.code).toBe('FK_INVALID_ARGUMENT');
      expect(error.message).toContain('evaluateFactor: option `previous` does not fit this call: ');
      return error.message;
    };
    expect(refusal({ horizons: [1, 5] })).toContain('its horizons are `1`, `5`, `20`, this call\'s `1`, `5`');
    expect(refusal({ groups: 5 })).toContain('it has `10` groups, this call `5`');
    expect(refusal({ priceField: 'close' })).toContain('its forward returns are `ret` compounded, this call\'s the price ratio on `close`');
    expect(refusal({ minAssets: 5 })).toContain("its `minAssets` is `3`, this call's `5`");
    expect(refusal({ decayLags: 3 })).toContain("its `decayLags` is `0`, this call's `3`");
    // One day too late: the turnover of the first row redone needs the factor 20 dates before it.
    const late = data.calendar.dates[data.calendar.indexOf(window.windowStart) + 1]!;
    expect(refusal(rows(c.factor, late, data.calendar.dates[T - 1]!))).toContain(`\`dates\` starts on \`${late}\`, after \`${window.windowStart}\``);
    // Ending before P.
    const short = rows(c.factor, window.windowStart, data.calendar.dates[p - 1]!);
    expect(refusal(short)).toContain(`\`dates\` ends on \`${data.calendar.dates[p - 1]}\`, before its last date \`${data.calendar.dates[p]}\``);
    // Dates that are not the data's trading days.
    const skipped = { ...previous, dates: previous.dates.map((d, i) => (i === 5 ? '2000-01-01' : d)) };
    expect(refusal({ previous: skipped })).toContain("its dates are not the data's trading days from");
    // Not an evaluation of this version, or damaged.
    const { settings: _settings, ...old } = previous;
    expect(refusal({ previous: old as unknown as FactorEvaluation })).toContain('computed by an earlier version of @factorkit/evaluate');
    const damaged = { ...previous, ic: previous.ic.map((s, k) => (k === 1 ? { ...s, rankIc: new Float64Array(3) } : s)) };
    expect(refusal({ previous: damaged })).toContain(`its \`ic[1].rankIc\` is not a Float64Array of ${previous.dates.length} values`);
    expect(refusal({ previous: 42 as unknown as FactorEvaluation })).toContain('it must be what `evaluateFactor` returns, got `42`');
    // Several at once.
    const both = refusal({ groups: 5, minAssets: 4 });
    expect(both).toContain('groups');
    expect(both).toContain('minAssets');

    // evaluationWindow on a calendar that lacks one of its dates.
    const gapped = new TradingCalendar(data.calendar.dates.filter((_, t) => t !== p - 3));
    const error = thrown(() => evaluationWindow(previous, gapped));
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toContain("evaluationWindow: argument `previous` does not fit this call: its dates are not the data's trading days");
  }, 60_000);
});
