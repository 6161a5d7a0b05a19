/**
 * Classic analytics on small in-memory markets: forward returns by hand, every per-date number
 * against direct loops written here (textbook Pearson, ranks by counting), coverage counts by a
 * direct loop, tied and discrete factors, benchmark choice, options validation.
 */
import { type BenchmarkWeights, type MarketData, Panel, createMemoryData } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { type EvaluateFactorOptions, evaluateFactor, forwardReturns, groupScratch, quantileGroups } from '../src/index.js';
import { averageRanks, pearson, calendar, rng, thrown } from './analytics-helpers.js';

const NaN_ = Number.NaN;

describe('forwardReturns', () => {
  // One stock suspended on days 4–5 (ret 0, close unchanged), one without a row on day 2 and
  // after day 5 (delisted), 8 days from 2021-12-27 (the year turns on day 5).
  const ret = Panel.fromRows([
    [NaN_, 0.01],
    [0.1, 0.02],
    [-0.1, NaN_],
    [0.05, 0.03],
    [0, -0.02],
    [0, 0.01],
    [0.02, NaN_],
    [0.01, NaN_],
  ]);
  const close = Panel.fromRows([
    [100, 50],
    [110, 51],
    [99, NaN_],
    [103.95, 52.53],
    [103.95, 51.4794],
    [103.95, 51.994194],
    [106.029, NaN_],
    [107.08929, NaN_],
  ]);
  const data = createMemoryData({ calendar: calendar(8), assets: ['A', 'B'], fields: { ret, close } });

  it('compounds ret from the close of t to the close of t + h, through suspensions, NaN past the data or across a missing row', () => {
    const [one, two, five] = forwardReturns(data, { horizons: [1, 2, 5] }).panels;
    // (1 + r) − 1 is r up to the rounding of 1 + r.
    [0.1, -0.1, 0.05, 0, 0, 0.02, 0.01].forEach((r, t) => expect(one!.get(t, 0)).toBeCloseTo(r, 15));
    expect(one!.get(7, 0)).toBeNaN();
    expect(two!.get(0, 0)).toBeCloseTo(1.1 * 0.9 - 1, 15);
    // Suspended at t + 2 (day 5): the return up to the last trading close, day 3.
    expect(two!.get(3, 0)).toBe(0);
    expect(two!.get(2, 0)).toBeCloseTo(0.05, 15);
    expect(five!.get(1, 0)).toBeCloseTo(0.9 * 1.05 * 1 * 1 * 1.02 - 1, 15);
    expect(five!.get(3, 0)).toBeNaN(); // day 8 is past the data
    expect(two!.get(0, 1)).toBeNaN(); // B has no row on day 2
    expect(two!.get(2, 1)).toBeCloseTo(1.03 * 0.98 - 1, 15);
    expect(one!.get(5, 1)).toBeNaN(); // delisted after day 5
  });

  it('with priceField, is alphalens’ price[t + h] / price[t] − 1', () => {
    const [three] = forwardReturns(data, { horizons: [3], priceField: 'close' }).panels;
    expect(three!.get(0, 0)).toBeCloseTo(103.95 / 100 - 1, 15);
    expect(three!.get(1, 0)).toBeCloseTo(103.95 / 110 - 1, 15);
    expect(three!.get(0, 1)).toBeCloseTo(52.53 / 50 - 1, 15);
    expect(three!.get(2, 1)).toBeNaN();
    expect(three!.get(5, 0)).toBeNaN();
  });

  it('refuses bad horizons (all at once) and a missing field', () => {
    const error = thrown(() => forwardReturns(data, { horizons: [0, 2, 2, 1.5] }));
    expect(error.code).toBe('FK_INVALID_PARAMS');
    expect(error.message).toContain('horizons[0]: expected an integer ≥ 1, got `0`');
    expect(error.message).toContain('horizons[2]: horizon `2` is listed twice');
    expect(error.message).toContain('horizons[3]');
    expect(thrown(() => forwardReturns(data, { priceField: 'vwap' })).code).toBe('FK_MISSING_INPUT');
  });
});

describe('quantileGroups', () => {
  it('groups by ⌈average rank · groups / m⌉, ties together, NaN in no group', () => {
    // Ranks among the 5 finite values: 1 → 1, 3 and 3 → 2.5, 5 → 4, 9 → 5.
    const out = new Uint16Array(6);
    expect(quantileGroups([5, 1, 3, 3, NaN_, 9], 3, out)).toBe(5);
    expect(Array.from(out)).toEqual([3, 1, 2, 2, 0, 3]);
  });

  it('fills groups evenly without ties and never fails on a discrete factor', () => {
    const out = new Uint16Array(95);
    quantileGroups(Array.from({ length: 95 }, (_, a) => (a * 37) % 95), 10, out, groupScratch(95));
    const sizes = Array.from({ length: 10 }, (_, g) => out.filter((v) => v === g + 1).length);
    expect(Math.min(...sizes)).toBe(9);
    expect(Math.max(...sizes)).toBe(10);
    // Three values, 30 stocks each: average ranks 15.5, 45.5, 75.5 → groups 2, 6, 9.
    quantileGroups(Array.from({ length: 90 }, (_, a) => a % 3), 10, out);
    expect(Array.from(new Set(out.subarray(0, 90))).sort((a, b) => a - b)).toEqual([2, 6, 9]);
    expect(Array.from(out.subarray(0, 3))).toEqual([2, 6, 9]);
  });
});

/** A random market: 40 stocks, 60 days, missing rows, suspensions, missing and infinite values, delistings. */
function randomMarket(seed: number, options: { discrete?: boolean } = {}) {
  const T = 60;
  const N = 40;
  const random = rng(seed);
  const ret = new Panel(T, N);
  const isTrading = new Panel(T, N);
  const cap = new Panel(T, N);
  const factor = new Panel(T, N);
  const member: Uint8Array[] = Array.from({ length: T }, () => new Uint8Array(N));
  for (let a = 0; a < N; a++) {
    const listed = a % 7 === 0 ? 10 : 0;
    const delisted = a % 11 === 5 ? 45 : T;
    for (let t = 0; t < T; t++) {
      const row = t >= listed && t < delisted;
      const suspended = row && random() < 0.08;
      isTrading.set(t, a, row ? (suspended ? 0 : 1) : NaN_);
      ret.set(t, a, !row || t === listed ? NaN_ : suspended ? 0 : (random() - 0.5) / 10);
      cap.set(t, a, row && random() > 0.05 ? 1e9 * (1 + a) : NaN_);
      const u = random();
      factor.set(t, a, u < 0.07 ? NaN_ : u > 0.97 ? Number.POSITIVE_INFINITY : options.discrete ? Math.floor(random() * 3) : random() + a / 100);
      member[t]![a] = random() < 0.8 ? 1 : 0;
    }
  }
  const data = createMemoryData({ calendar: calendar(T), assets: Array.from({ length: N }, (_, a) => `S${a}`), fields: { ret, is_trading: isTrading, float_market_cap: cap } });
  return { data, factor, member, ret, isTrading, cap, T, N };
}

/** Forward return by the definition: Π (1 + ret) over t + 1 … t + h, NaN if any is missing or past the end. */
function forward(ret: Panel, t: number, a: number, h: number): number {
  if (t + h >= ret.dates) return NaN_;
  let p = 1;
  for (let s = t + 1; s <= t + h; s++) p *= 1 + ret.get(s, a);
  return p - 1;
}

describe('evaluateFactor against direct loops', () => {
  const m = randomMarket(7);
  const horizons = [1, 3, 10];
  const groups = 4;
  const result = evaluateFactor({ data: m.data, values: m.factor, universe: (t) => m.member[t]!, horizons, groups, decayLags: 3 });

  it('counts every member under exactly one reason, as a direct loop does', () => {
    for (let t = 0; t < m.T; t++) {
      const want = { members: 0, notInUniverse: 0, noRow: 0, suspended: 0, missingValue: 0, nonFinite: 0, eligible: 0 };
      const perHorizon = horizons.map(() => ({ endOfData: 0, missingReturn: 0, used: 0, missingCap: 0 }));
      for (let a = 0; a < m.N; a++) {
        const x = m.factor.get(t, a);
        const status = m.isTrading.get(t, a);
        if (!m.member[t]![a]) {
          if (Number.isFinite(x)) want.notInUniverse++;
          continue;
        }
        want.members++;
        if (Number.isNaN(status)) want.noRow++;
        else if (status === 0) want.suspended++;
        else if (Number.isNaN(x)) want.missingValue++;
        else if (!Number.isFinite(x)) want.nonFinite++;
        else {
          want.eligible++;
          horizons.forEach((h, k) => {
            const f = forward(m.ret, t, a, h);
            if (t + h >= m.T) perHorizon[k]!.endOfData++;
            else if (Number.isNaN(f)) perHorizon[k]!.missingReturn++;
            else {
              perHorizon[k]!.used++;
              if (!(m.cap.get(t, a) > 0)) perHorizon[k]!.missingCap++;
            }
          });
        }
      }
      for (const [key, value] of Object.entries(want)) expect(result.coverage[key as keyof typeof want][t], `${key} on ${t}`).toBe(value);
      horizons.forEach((h, k) => {
        for (const [key, value] of Object.entries(perHorizon[k]!)) expect(result.coverage.horizons[k]![key as 'used'][t], `${key} h=${h} on ${t}`).toBe(value);
      });
    }
    // The random market exercises every reason.
    const totals = result.coverage.totals;
    for (const key of ['notInUniverse', 'noRow', 'suspended', 'missingValue', 'nonFinite', 'eligible'] as const) expect(totals[key], key).toBeGreaterThan(0);
    expect(totals.horizons[2]!.endOfData).toBeGreaterThan(0);
    expect(totals.horizons[2]!.missingReturn).toBeGreaterThan(0);
    expect(totals.members).toBe(totals.noRow + totals.suspended + totals.missingValue + totals.nonFinite + totals.eligible);
    for (const h of totals.horizons) expect(totals.eligible).toBe(h.endOfData + h.missingReturn + h.used);
  });

  it('computes IC, RankIC and the quantile table as textbook formulas do', () => {
    let checked = 0;
    horizons.forEach((h, k) => {
      const series = result.ic[k]!;
      const q = result.quantiles.series[k]!;
      for (let t = 0; t < m.T; t++) {
        const eligible: number[] = [];
        for (let a = 0; a < m.N; a++) {
          if (m.member[t]![a] && m.isTrading.get(t, a) === 1 && Number.isFinite(m.factor.get(t, a))) eligible.push(a);
        }
        const ranks = averageRanks(eligible.map((a) => m.factor.get(t, a)));
        const group = new Map(eligible.map((a, i) => [a, Math.ceil((ranks[i]! * groups) / eligible.length)]));
        const used = eligible.filter((a) => Number.isFinite(forward(m.ret, t, a, h)));
        const x = used.map((a) => m.factor.get(t, a));
        const y = used.map((a) => forward(m.ret, t, a, h));
        expect(series.n[t]).toBe(used.length);
        if (used.length >= 3) {
          expect(series.ic[t]).toBeCloseTo(pearson(x, y), 12);
          expect(series.rankIc[t]).toBeCloseTo(pearson(averageRanks(x), averageRanks(y)), 12);
          checked++;
        } else expect(series.ic[t]).toBeNaN();
        for (let g = 1; g <= groups; g++) {
          const members = used.filter((a) => group.get(a) === g);
          const mean = members.reduce((s, a) => s + forward(m.ret, t, a, h), 0) / members.length;
          const capped = members.filter((a) => m.cap.get(t, a) > 0);
          const capMean = capped.reduce((s, a) => s + m.cap.get(t, a) * forward(m.ret, t, a, h), 0) / capped.reduce((s, a) => s + m.cap.get(t, a), 0);
          expect(q.counts[t * groups + g - 1]).toBe(members.length);
          if (members.length === 0) expect(q.meanEqual[t * groups + g - 1]).toBeNaN();
          else expect(q.meanEqual[t * groups + g - 1]).toBeCloseTo(mean, 14);
          if (capped.length === 0) expect(q.meanCap[t * groups + g - 1]).toBeNaN();
          else expect(q.meanCap[t * groups + g - 1]).toBeCloseTo(capMean, 14);
        }
        // No weights: the benchmark is the equal-weighted universe (members with a forward return).
        const universe = Array.from({ length: m.N }, (_, a) => a).filter((a) => m.member[t]![a] && Number.isFinite(forward(m.ret, t, a, h)));
        const bench = universe.reduce((s, a) => s + forward(m.ret, t, a, h), 0) / universe.length;
        if (universe.length > 0) expect(q.benchmark[t]).toBeCloseTo(bench, 14);
        const top = Math.max(0, ...group.values());
        expect(q.top[t]).toBe(top);
        if (top > 0 && Number.isFinite(q.meanEqual[t * groups + top - 1]!)) expect(q.topExcessEqual[t]).toBeCloseTo(q.meanEqual[t * groups + top - 1]! - bench, 14);
      }
    });
    expect(checked).toBeGreaterThan(100);
    expect(result.benchmark).toEqual({ weightedDates: 0, equalDates: m.T, approximateDates: 0 });
  });

  it('computes turnover, rank autocorrelation and decay as direct loops do', () => {
    const eligibleAt = (t: number) => Array.from({ length: m.N }, (_, a) => a).filter((a) => m.member[t]![a] && m.isTrading.get(t, a) === 1 && Number.isFinite(m.factor.get(t, a)));
    const groupsAt = (t: number) => {
      const e = eligibleAt(t);
      const r = averageRanks(e.map((a) => m.factor.get(t, a)));
      return new Map(e.map((a, i) => [a, Math.ceil((r[i]! * groups) / e.length)]));
    };
    horizons.forEach((h, k) => {
      const q = result.quantiles.series[k]!;
      for (let t = 0; t < h; t++) expect(q.turnoverTop[t]).toBeNaN();
      for (let t = h; t < m.T; t++) {
        const now = groupsAt(t);
        const then = groupsAt(t - h);
        const top = Math.max(...now.values());
        const pastTop = Math.max(...then.values());
        const names = [...now].filter(([, g]) => g === top).map(([a]) => a);
        const stayed = names.filter((a) => then.get(a) === pastTop).length;
        expect(q.turnoverTop[t]).toBeCloseTo((names.length - stayed) / names.length, 14);
        const both = eligibleAt(t).filter((a) => then.has(a));
        expect(q.rankAutocorrelation[t]).toBeCloseTo(pearson(averageRanks(both.map((a) => m.factor.get(t, a))), averageRanks(both.map((a) => m.factor.get(t - h, a)))), 12);
      }
    });
    // Decay lag L: the factor at t against the 1-day return from t + L − 1 to t + L.
    for (let lag = 1; lag <= 3; lag++) {
      const ics: number[] = [];
      for (let t = 0; t < m.T; t++) {
        const used = eligibleAt(t).filter((a) => Number.isFinite(forward(m.ret, t + lag - 1, a, 1)));
        if (used.length >= 3) ics.push(pearson(used.map((a) => m.factor.get(t, a)), used.map((a) => forward(m.ret, t + lag - 1, a, 1))));
      }
      const mean = ics.reduce((s, v) => s + v, 0) / ics.length;
      const std = Math.sqrt(ics.reduce((s, v) => s + (v - mean) ** 2, 0) / (ics.length - 1));
      const stats = result.decay.lags[lag - 1]!.ic;
      expect(stats.count).toBe(ics.length);
      expect(stats.mean).toBeCloseTo(mean, 12);
      expect(stats.std).toBeCloseTo(std, 12);
      expect(stats.icir).toBeCloseTo(mean / std, 10);
      expect(stats.tStat).toBeCloseTo((mean / std) * Math.sqrt(ics.length), 10);
      expect(stats.positiveShare).toBe(ics.filter((v) => v > 0).length / ics.length);
    }
    expect(result.decay.lags[0]!.ic.mean).toBeCloseTo(result.summary[0]!.ic.mean, 14);
  });

  it('summarises per calendar year (the dates span 2021 and 2022)', () => {
    const summary = result.summary[0]!;
    expect(summary.years.map((y) => y.year)).toEqual([2021, 2022]);
    const ic = result.ic[0]!.ic;
    const first = Array.from(ic.subarray(0, 5)).filter(Number.isFinite);
    expect(summary.years[0]!.ic.count).toBe(first.length);
    expect(summary.years[0]!.ic.mean).toBeCloseTo(first.reduce((s, v) => s + v, 0) / first.length, 14);
    expect(summary.years[0]!.ic.count + summary.years[1]!.ic.count).toBe(summary.ic.count);
  });
});

describe('tied and discrete factors', () => {
  it('a factor with values in {0, 1, 2} never fails; equal values share a group; groups do not depend on asset order', () => {
    const m = randomMarket(3, { discrete: true });
    const options = { data: m.data, values: m.factor, universe: (t: number) => m.member[t]!, horizons: [1, 5], groups: 10 };
    const result = evaluateFactor(options);
    // Reverse the asset order of everything: the same numbers must come out.
    const order = Array.from({ length: m.N }, (_, a) => m.N - 1 - a);
    const reversed = createMemoryData({
      calendar: m.data.calendar.dates,
      assets: order.map((a) => m.data.assets[a]!),
      fields: { ret: m.ret.selectAssets(order), is_trading: m.isTrading.selectAssets(order), float_market_cap: m.cap.selectAssets(order) },
    });
    const again = evaluateFactor({ ...options, data: reversed, values: m.factor.selectAssets(order), universe: (t) => Uint8Array.from(order, (a) => m.member[t]![a]!) });
    for (let t = 0; t < m.T; t++) {
      const q = result.quantiles.series[0]!;
      const filled = Array.from(q.counts.subarray(t * 10, (t + 1) * 10)).filter((c) => c > 0).length;
      expect(filled).toBeLessThanOrEqual(3);
      expect(Array.from(again.quantiles.series[0]!.counts.subarray(t * 10, (t + 1) * 10))).toEqual(Array.from(q.counts.subarray(t * 10, (t + 1) * 10)));
      expect(again.quantiles.series[0]!.top[t]).toBe(q.top[t]);
      const same = (a: number, b: number) => expect(Number.isNaN(a) ? Number.isNaN(b) : Math.abs(a - b) < 1e-14, `${a} vs ${b}`).toBe(true);
      if (q.top[t]! > 0) same(again.quantiles.series[0]!.meanEqual[t * 10 + q.top[t]! - 1]!, q.meanEqual[t * 10 + q.top[t]! - 1]!);
      same(again.ic[0]!.rankIc[t]!, result.ic[0]!.rankIc[t]!);
    }
    // Top and bottom are the highest and lowest non-empty groups, so the spread exists.
    expect(result.quantiles.summary[0]!.spreadEqual.count).toBeGreaterThan(40);
  });

  it('a constant factor gives one group, no IC and no spread, without an error', () => {
    const m = randomMarket(5);
    const constant = new Panel(m.T, m.N, m.factor.values.map((v) => (Number.isFinite(v) ? 1 : v)));
    const result = evaluateFactor({ data: m.data, values: constant, universe: (t) => m.member[t]!, horizons: [1], groups: 5 });
    expect(Array.from(result.ic[0]!.ic).every(Number.isNaN)).toBe(true);
    expect(Array.from(result.ic[0]!.rankIc).every(Number.isNaN)).toBe(true);
    expect(Array.from(result.quantiles.series[0]!.spreadEqual).every(Number.isNaN)).toBe(true);
    // Average rank (m + 1) / 2 → group ⌈5 (m + 1) / 2m⌉ = 3 for every m ≥ 2.
    expect(new Set(result.quantiles.series[0]!.top)).toEqual(new Set([3]));
    expect(result.ic[0]!.n.some((n) => n > 20)).toBe(true);
  });
});

describe('benchmark, dates and notes', () => {
  const m = randomMarket(9);

  it('uses the weights given (renormalised over the stocks with a return), counting dates without them and approximate ones', () => {
    const w = (t: number): BenchmarkWeights | undefined =>
      t % 10 === 0 ? undefined : { weights: Float64Array.from({ length: m.N }, (_, a) => (a < 20 ? a + 1 : 0)), asOf: m.data.calendar.dates[t]!, carried: false, approximate: t % 10 === 1 };
    const result = evaluateFactor({ data: m.data, values: m.factor, universe: (t) => m.member[t]!, weights: w, horizons: [2] });
    expect(result.benchmark).toEqual({ weightedDates: 54, equalDates: 6, approximateDates: 6 });
    expect(result.notes.join('\n')).toContain('no benchmark weights on 6 of 60 dates');
    const t = 13;
    const held = Array.from({ length: 20 }, (_, a) => a).filter((a) => Number.isFinite(forward(m.ret, t, a, 2)));
    const want = held.reduce((s, a) => s + (a + 1) * forward(m.ret, t, a, 2), 0) / held.reduce((s, a) => s + a + 1, 0);
    expect(result.quantiles.series[0]!.benchmark[t]).toBeCloseTo(want, 14);
  });

  it('evaluates a range of the calendar with forward returns from the data after it; end of data is the calendar’s end', () => {
    const full = evaluateFactor({ data: m.data, values: m.factor, horizons: [5], decayLags: 0 });
    const rows = m.factor.sliceDates(50, 60);
    const part = evaluateFactor({ data: m.data, values: rows, dates: m.data.calendar.dates.slice(50, 60), horizons: [5], decayLags: 0 });
    expect(part.dates).toEqual(m.data.calendar.dates.slice(50));
    expect(Array.from(part.ic[0]!.ic)).toEqual(Array.from(full.ic[0]!.ic.subarray(50)));
    expect(Array.from(part.coverage.horizons[0]!.endOfData)).toEqual(Array.from(full.coverage.horizons[0]!.endOfData.subarray(50)));
    expect(part.coverage.horizons[0]!.endOfData[4]).toBe(0);
    expect(part.coverage.horizons[0]!.endOfData[5]).toBeGreaterThan(0);
    expect(part.notes.join('\n')).toMatch(/have no 5-day forward return: their window runs past the data's last date/);
  });

  it('notes a missing trading or cap field instead of failing', () => {
    const data = createMemoryData({ calendar: m.data.calendar.dates, assets: m.data.assets, fields: { ret: m.ret } });
    const result = evaluateFactor({ data, values: m.factor, horizons: [1] });
    expect(result.notes).toContain('the data has no `is_trading` field: no stock is treated as suspended or without a row');
    expect(result.notes).toContain('the data has no `float_market_cap` field: cap-weighted group means are `NaN`');
    expect(result.coverage.totals.suspended + result.coverage.totals.noRow).toBe(0);
    expect(Array.from(result.quantiles.series[0]!.meanCap).every(Number.isNaN)).toBe(true);
  });
});

describe('bad options', () => {
  const m = randomMarket(1);
  const base: EvaluateFactorOptions = { data: m.data, values: m.factor };

  it('lists every bad option at once with its path', () => {
    const error = thrown(() => evaluateFactor({ ...base, horizons: [1, 1], groups: 1, decayLags: -1, minAssets: 1, returnField: 'ret', priceField: 'close', dates: m.data.calendar.dates.slice(1) }));
    expect(error.code).toBe('FK_INVALID_PARAMS');
    for (const part of ['horizons[1]: horizon `1` is listed twice', 'groups: expected an integer in 2 … 1000, got `1`', 'decayLags', 'minAssets', 'priceField: give', 'dates: has 59 dates, values has 60 rows']) {
      expect(error.message).toContain(part);
    }
  });

  it('refuses dates that are not consecutive trading days and values of the wrong shape', () => {
    const dates = m.data.calendar.dates.slice(0, 10);
    expect(thrown(() => evaluateFactor({ ...base, values: m.factor.sliceDates(0, 10), dates: [...dates.slice(0, 5), ...dates.slice(6), '2022-03-01'] })).message).toContain('dates[5]: expected');
    expect(thrown(() => evaluateFactor({ ...base, values: m.factor.sliceDates(0, 10) })).message).toContain('give the dates of its rows');
    expect(thrown(() => evaluateFactor({ ...base, values: new Panel(60, 3) })).message).toContain('values: has 3 assets, the data has 40');
  });

  it('names a field asked for that the data lacks, and a universe mask of the wrong length', () => {
    expect(thrown(() => evaluateFactor({ ...base, tradingField: 'status' })).code).toBe('FK_MISSING_INPUT');
    expect(thrown(() => evaluateFactor({ ...base, capField: 'cap' })).code).toBe('FK_MISSING_INPUT');
    const data: MarketData = createMemoryData({ calendar: m.data.calendar.dates, assets: m.data.assets, fields: { close: m.cap } });
    expect(thrown(() => evaluateFactor({ ...base, data })).message).toContain('the dataset has no field `ret`');
    const error = thrown(() => evaluateFactor({ ...base, universe: () => new Uint8Array(3) }));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toContain('the universe\'s mask on 2021-12-27 has 3 entries; the data has 40 assets');
  });
});
