/**
 * fundAnalytics on the synthetic market (`generateMarket`, small): the distribution covers every
 * index family of the generator's funds, each window holds exactly the funds with a NAV at its
 * start (counted from the fund_nav table here), and the heavy-holdings index is rebuilt.
 */
import { createDataset, dateColumn, stringAt, stringColumn } from '@factorkit/data';
import { INDEX_SPECS, type SyntheticMarket, generateMarket } from '@factorkit/synth';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FundAnalytics, fundAnalytics } from '../src/index.js';

let market: SyntheticMarket;
let enhanced: FundAnalytics;
let all: FundAnalytics;
let asOf: string;

beforeAll(() => {
  market = generateMarket({ stocks: 300, years: 2, funds: 60, seed: 11, exposures: false });
  const { dataset } = createDataset(market.tables);
  asOf = dataset.calendar.dates[dataset.calendar.length - 3]!;
  enhanced = fundAnalytics(dataset, { asOf });
  all = fundAnalytics(dataset, { asOf, fundTypes: 'all', heavyHoldings: false });
}, 120_000);

/** First NAV date of each fund, read from the table. */
function firstNavs(): Map<string, string> {
  const nav = market.tables.get('fund_nav')!;
  const codes = stringColumn(nav, 'fund_code');
  const days = dateColumn(nav, 'trade_date');
  const first = new Map<string, number>();
  for (let r = 0; r < nav.rowCount; r++) {
    const code = stringAt(codes, r)!;
    if (!first.has(code) || days[r]! < first.get(code)!) first.set(code, days[r]!);
  }
  return new Map([...first].map(([code, day]) => [code, `${String(day).slice(0, 4)}-${String(day).slice(4, 6)}-${String(day).slice(6)}`]));
}

describe('fundAnalytics on the synthetic market', () => {
  it('computes the distribution for every index family the generator creates', () => {
    const truthFamilies = new Set(market.truth.funds.flatMap((f) => (f.benchmark ? [f.benchmark] : [])));
    // With every fund type, the generator's funds track each of its indices.
    expect([...truthFamilies].sort()).toEqual(INDEX_SPECS.map((s) => s.code).sort());
    expect(new Set(all.distribution.map((d) => d.benchmarkIndex))).toEqual(truthFamilies);
    const enhancedFamilies = new Set(market.truth.funds.filter((f) => f.type === 'index_enhanced').map((f) => f.benchmark!));
    expect(new Set(enhanced.distribution.map((d) => d.benchmarkIndex))).toEqual(enhancedFamilies);
    expect(enhanced.excluded.filter((x) => x.window === undefined)).toEqual([]);
  });

  it('holds in each window exactly the funds with a NAV at its start', () => {
    const first = firstNavs();
    for (const w of enhanced.windows) {
      for (const family of new Set(enhanced.distribution.map((d) => d.benchmarkIndex))) {
        const expected = market.truth.funds.filter((f) => f.type === 'index_enhanced' && f.benchmark === family && first.get(f.code)! <= w.start!).map((f) => f.code);
        const got = enhanced.excess.filter((e) => e.window === w.name && e.benchmarkIndex === family).map((e) => e.fund);
        expect(got.sort()).toEqual(expected.sort());
        expect(enhanced.distribution.find((d) => d.window === w.name && d.benchmarkIndex === family)!.funds).toBe(expected.length);
        const young = enhanced.excluded.filter((x) => x.window === w.name && x.reason === 'too_young').map((x) => x.fund);
        const missing = market.truth.funds.filter((f) => f.type === 'index_enhanced' && f.benchmark === family && first.get(f.code)! > w.start!).map((f) => f.code);
        for (const code of missing) expect(young).toContain(code);
      }
    }
    // Enhanced funds track their index closely: every excess is small next to the index's moves.
    expect(enhanced.excess.every((e) => Math.abs(e.excess) < 0.2 && Number.isFinite(e.excess))).toBe(true);
  });

  it('rebuilds the heavy-holdings index up to the as-of date, non-empty after the first disclosures', () => {
    const rebuilds = enhanced.heavyHoldings!.rebuilds;
    expect(rebuilds.length).toBeGreaterThan(0);
    expect(rebuilds.every((r) => r.date <= enhanced.lastDate && r.members.length > 0)).toBe(true);
    for (const r of rebuilds) expect(r.members.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1, 12);
  });
});
