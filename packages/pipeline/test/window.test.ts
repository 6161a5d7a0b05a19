import { type MarketData, Panel, defineFactor } from '@factorkit/core';
import { createDataset } from '@factorkit/data';
import { momentum } from '@factorkit/factor-momentum';
import { size } from '@factorkit/factor-style-size';
import { generateMarket } from '@factorkit/synth';
import { indexUniverse } from '@factorkit/universe-index';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ComputeFactorsOptions, type ComputedFactor, type FactorReport, computeFactors } from '../src/index.js';
import { thrown } from './helpers.js';

/** A factor with infinities on some cells, to check that their count adds up. */
const spiky = defineFactor({
  id: 'spiky',
  apiVersion: '1.0',
  meta: { description: 'close, infinite on about a 7th of the stock-days (by the value, not the position)', category: 'other', direction: 1, inputs: [{ field: 'close' }], lookback: 0, params: {} },
  compute: (ctx) => {
    const close = ctx.input('close');
    const out = new Float64Array(close.values.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.floor(close.values[i]! * 100) % 7 === 3 ? Number.POSITIVE_INFINITY : close.values[i]!;
    return new Panel(close.dates, close.assets, out);
  },
});

let data: MarketData;
let csi300: (t: number) => Uint8Array;
beforeAll(() => {
  const { tables } = generateMarket({ seed: 5, stocks: 150, years: 2, funds: 0 });
  data = createDataset(tables).dataset;
  const universe = indexUniverse.resolve({ data, params: indexUniverse.with({ index: 'csi300', excludeSt: false, excludeSuspended: false }).params });
  csi300 = (t) => universe.members(t);
}, 120_000);

const withoutSeconds = (r: FactorReport) => ({ ...r, seconds: 0 });

/** The cells of row range [a, b) that differ bit for bit (NaN equals NaN). */
function differing(x: Panel, y: Panel, a: number, b: number): number {
  let n = 0;
  for (let asset = 0; asset < x.assets; asset++) for (let t = a; t < b; t++) if (!Object.is(x.get(t, asset), y.get(t, asset))) n++;
  return n;
}

describe('computeFactors with window: a later range continued from an earlier report', () => {
  const factors = () => [{ plugin: momentum }, { plugin: size }, { plugin: spiky }];
  const cases: { label: string; options: Partial<ComputeFactorsOptions> }[] = [
    { label: 'universe + preprocessing (size spans size: not neutralised on it)', options: { preprocess: true } },
    { label: 'universe only', options: {} },
    { label: 'cap-weighted standardising, industry-median fill', options: { preprocess: { winsorize: { method: 'sigma', k: 3 }, neutralize: 'industry', standardize: { weights: 'cap' }, fill: 'industry-median' } } },
  ];
  for (const { label, options } of cases) {
    it(`equals a call without window, values and report (${label})`, () => {
      const T = data.calendar.length;
      const start = data.calendar.at(60);
      for (const [lastIndex, back] of [
        [T - 30, 25],
        [T - 6, 0],
        [T - 2, 40],
      ] as const) {
        const common = { data, factors: factors(), universe: csi300, keepRaw: true, ...options };
        const earlier = computeFactors({ ...common, range: { start, end: data.calendar.at(lastIndex) } });
        const full = computeFactors({ ...common, range: { start } });
        const from = data.calendar.at(lastIndex + 1 - back);
        const later = computeFactors({ ...common, range: { start }, window: { from, previous: earlier.reports } });
        const rows = full.dates.length;
        const f = full.dates.indexOf(from);
        for (const [k, w] of later.factors.entries()) {
          const whole: ComputedFactor = full.factors[k]!;
          // The window's rows only, equal to the same rows of the whole call.
          expect(w.dates).toEqual(full.dates.slice(f));
          expect(w.values.dates).toBe(rows - f);
          expect(differing(w.values, whole.values.sliceDates(f), 0, rows - f), `${w.name} rows from ${from}`).toBe(0);
          expect(withoutSeconds(w.report)).toEqual(withoutSeconds(whole.report));
          expect(differing(w.raw!.values, whole.raw!.values, 0, rows)).toBe(0);
          expect(withoutSeconds(w.raw!.report)).toEqual(withoutSeconds(whole.raw!.report));
        }
        if (options.preprocess === true) expect(later.reports[1]!.preprocess!.neutralize.skipped.map((x) => x.reason)).toContain('spanned');
        // The infinities of both parts are counted once each.
        const spikyReport = later.reports[2]!;
        expect(spikyReport.coverage.stages[0]!.removed.infinite).toBe(full.reports[2]!.coverage.stages[0]!.removed.infinite);
        expect(spikyReport.notes.some((n) => /infinite value/.test(n))).toBe(true);
      }
    }, 120_000);
  }

  it('a report continued from a continued report equals the whole one (a chain of weekly reruns)', () => {
    const T = data.calendar.length;
    const common = { data, factors: factors(), universe: csi300, preprocess: true as const };
    const a = computeFactors({ ...common, range: { end: data.calendar.at(T - 21) } });
    const b = computeFactors({ ...common, range: { end: data.calendar.at(T - 11) }, window: { from: data.calendar.at(T - 20), previous: a.reports } });
    const c = computeFactors({ ...common, window: { from: data.calendar.at(T - 15), previous: b.reports } });
    const full = computeFactors(common);
    expect(c.reports.map(withoutSeconds)).toEqual(full.reports.map(withoutSeconds));
  }, 120_000);

  it('refuses an earlier report that does not continue into this call, naming the problem', () => {
    const T = data.calendar.length;
    const earlier = computeFactors({ data, factors: factors(), universe: csi300, range: { end: data.calendar.at(T - 10) } });
    const base = { data, factors: factors(), universe: csi300 };
    expect(thrown(() => computeFactors({ ...base, window: { from: data.calendar.at(T - 5), previous: earlier.reports } })).message).toMatch(/window\.from: .* is after/);
    expect(thrown(() => computeFactors({ ...base, window: { from: data.calendar.at(T - 12), previous: earlier.reports.slice(1) } })).message).toMatch(/expected 3 earlier reports/);
    expect(thrown(() => computeFactors({ ...base, window: { from: data.calendar.at(T - 12), previous: [earlier.reports[1]!, earlier.reports[0]!, earlier.reports[2]!] } })).message).toMatch(/is the report of `size`/);
    expect(thrown(() => computeFactors({ ...base, range: { start: data.calendar.at(5) }, window: { from: data.calendar.at(T - 12), previous: earlier.reports } })).message).toMatch(/its range starts/);
  }, 120_000);
});

describe('the universe of a resolved-universe object is read once per range', () => {
  it('calls members() once per date over several calls with the same universe object', () => {
    const resolved = indexUniverse.resolve({ data, params: indexUniverse.with({ index: 'csi300', excludeSt: false, excludeSuspended: false }).params });
    let calls = 0;
    const counting = { id: resolved.id, members: (t: number) => (calls++, resolved.members(t)) };
    const a = computeFactors({ data, factors: [{ plugin: momentum }], universe: counting, preprocess: true });
    const first = calls;
    expect(first).toBe(data.calendar.length);
    const b = computeFactors({ data, factors: [{ plugin: size }], universe: counting, preprocess: true });
    expect(calls).toBe(first);
    // Another range is read again; a bare mask function is never kept.
    computeFactors({ data, factors: [{ plugin: size }], universe: counting, range: { start: data.calendar.at(10) } });
    expect(calls).toBe(first + data.calendar.length - 10);
    let fnCalls = 0;
    const fn = (t: number) => (fnCalls++, resolved.members(t));
    computeFactors({ data, factors: [{ plugin: size }], universe: fn });
    computeFactors({ data, factors: [{ plugin: size }], universe: fn });
    expect(fnCalls).toBe(2 * data.calendar.length);
    expect(a.factors[0]!.report.coverage.eligible).toBe(b.factors[0]!.report.coverage.eligible);
  }, 120_000);
});
