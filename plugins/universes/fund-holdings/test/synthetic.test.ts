/**
 * The heavy-holdings universe on the synthetic market of @factorkit/synth (small size): its
 * funds disclose top-ten holdings 15–20 trading days after each quarter end and full holdings
 * with the semi-annual and annual reports.
 */
import { type DateColumn, dateToInt, intToDate } from '@factorkit/core';
import { createDataset } from '@factorkit/data';
import { generateMarket } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import { fundHoldingsUniverse } from '../src/index.js';

const market = generateMarket({ stocks: 200, years: 3, seed: 3, funds: 60 });
const { dataset } = createDataset(market.tables);
const universe = fundHoldingsUniverse.resolve({ data: dataset, params: fundHoldingsUniverse.with({}).params });

describe('fund-holdings on the synthetic market', () => {
  it('is non-empty, with weights summing to 1, on every date from the first disclosure on', () => {
    const ann = (market.tables.get('fund_holdings')!.columns.get('ann_date') as DateColumn).values;
    const first = dataset.calendar.ceil(intToDate(Math.min(...ann)));
    expect(first).toBeGreaterThan(0);
    expect(universe.index.rebuilds[0]!.t).toBe(first);
    for (let t = 0; t < first; t++) {
      expect(universe.members(t).some((x) => x === 1)).toBe(false);
      expect(universe.weights(t)).toBeUndefined();
    }
    for (let t = first; t < dataset.calendar.length; t++) {
      expect(universe.members(t).some((x) => x === 1), dataset.calendar.at(t)).toBe(true);
      const w = universe.weights(t)!;
      expect(w.approximate).toBe(true);
      expect(w.weights.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 9);
    }
  });

  it('each rebuild takes effect on the first trading day on or after a disclosure, with a sample and the cut reached', () => {
    const ann = (market.tables.get('fund_holdings')!.columns.get('ann_date') as DateColumn).values;
    const days = dataset.dates;
    const expected = [...new Set(Array.from(ann, (d) => days.findIndex((x) => x >= d)).filter((t) => t >= 0))].sort((a, b) => a - b);
    expect(universe.index.rebuilds.map((r) => r.t)).toEqual(expected);
    for (const r of universe.index.rebuilds) {
      expect(r.report.sample).toBeGreaterThan(0);
      expect(r.report.cumulativeWeight).toBeGreaterThanOrEqual(0.9 - 1e-12);
      // Every synthetic holding is a stock of the market.
      expect(r.report.coverage!.missingMembers).toEqual([]);
      expect(dateToInt(r.date)).toBe(days[r.t]);
    }
  });
});
