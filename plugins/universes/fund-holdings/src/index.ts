/**
 * `@factorkit/universe-fund-holdings`: the public-fund heavy-holdings index (公募重仓指数) — the
 * stocks that active equity funds hold most, from their disclosed reports as of each disclosure
 * date — as a pure function ({@link heavyHoldingsIndex}) and as a benchmark universe plugin
 * ({@link fundHoldingsUniverse}, id `fund-holdings`).
 *
 * @packageDocumentation
 */
import {
  type BenchmarkWeights,
  type Tradability,
  type UniverseInstance,
  defineUniverse,
  param,
  requireTable,
  upperBound,
} from '@factorkit/core';
import { INVESTABILITY_INPUTS, INVESTABILITY_PARAMS, investability } from '@factorkit/universe-index';
import { HEAVY_HOLDINGS_PARAMS, type HeavyHoldingsIndex, buildHeavyHoldings } from './heavy-holdings.js';

export {
  FUND_TYPES,
  type FundType,
  HEAVY_HOLDINGS_PARAMS,
  type HeavyHoldingsCoverage,
  type HeavyHoldingsIndex,
  type HeavyHoldingsInput,
  type HeavyHoldingsMember,
  type HeavyHoldingsOptions,
  type HeavyHoldingsRebuild,
  type HeavyHoldingsReport,
  type HeavyHoldingsSettings,
  heavyHoldingsIndex,
} from './heavy-holdings.js';

/** The `fund-holdings` universe resolved against a dataset: a {@link UniverseInstance} that also hands out the index it built. */
export interface FundHoldingsInstance extends UniverseInstance {
  /** Every rebuild over the data's calendar, with its members, sample and report. */
  readonly index: HeavyHoldingsIndex;
  weights(t: number): BenchmarkWeights | undefined;
  tradability(t: number): Tradability;
}

/** The plugin, typed as defined; exported as {@link fundHoldingsUniverse}. */
const plugin = defineUniverse({
  id: 'fund-holdings',
  apiVersion: '1.0',
  meta: {
    title: 'Fund heavy-holdings index',
    description:
      'The stocks public active equity funds hold most (公募重仓指数): from the `funds` and `fund_holdings` tables, each report used from its disclosure date, share classes counted once, funds filtered by type, size and age, stocks taken by average weight to a 90 % cumulative cut; constructed weights flagged approximate, with ST / suspension / listing-age filters and tradability.',
    benchmark: true,
    inputs: [...INVESTABILITY_INPUTS, { field: 'ret', kind: 'market', optional: true, description: 'daily return, to drift weights between rebuilds' }],
    params: {
      ...HEAVY_HOLDINGS_PARAMS,
      drift: param.boolean({ default: true, description: 'between rebuilds, let weights move with each member’s return (else hold them flat)' }),
      ...INVESTABILITY_PARAMS,
    },
  },
  resolve({ data, params }): FundHoldingsInstance {
    const owner = 'universe `fund-holdings`';
    const funds = requireTable(data, 'funds', owner);
    const holdings = requireTable(data, 'fund_holdings', owner);
    const { drift, excludeSt, excludeSuspended, minListedDays, tradeAt, ...rules } = params;
    const filters = investability(data, { excludeSt, excludeSuspended, minListedDays, tradeAt }, owner);
    const index = buildHeavyHoldings({ funds, holdings, dates: data.calendar.dates, assets: data.assets }, rules, owner);
    const ret = drift && data.hasField('ret') ? data.field('ret') : undefined;
    const n = data.assets.length;
    const column = new Map(data.assets.map((id, a) => [id, a]));
    // Each rebuild's members among the assets, with their weights renormalised over them.
    const mapped = index.rebuilds.map((rebuild) => {
      const assets: number[] = [];
      const weights: number[] = [];
      let sum = 0;
      for (const m of rebuild.members) {
        const a = column.get(m.code);
        if (a === undefined) continue;
        assets.push(a);
        weights.push(m.weight);
        sum += m.weight;
      }
      return { t: rebuild.t, assets, weights: weights.map((w) => w / sum) };
    });
    const starts = Int32Array.from(mapped, (m) => m.t);
    const rebuildAt = (t: number) => {
      const k = upperBound(starts, t) - 1;
      return k >= 0 ? mapped[k] : undefined;
    };

    return {
      id: 'fund-holdings',
      index,
      members(t) {
        const mask = new Uint8Array(n);
        const rebuild = rebuildAt(t);
        if (rebuild) for (const a of rebuild.assets) mask[a] = 1;
        return filters.filter(mask, t);
      },
      weights(t) {
        const rebuild = rebuildAt(t);
        if (!rebuild || rebuild.assets.length === 0) return undefined;
        const weights = new Float64Array(n);
        let sum = 0;
        for (let j = 0; j < rebuild.assets.length; j++) {
          const a = rebuild.assets[j]!;
          let w = rebuild.weights[j]!;
          // The rebuild is as of its day's close: returns count from the next day on.
          if (ret) {
            for (let k = rebuild.t + 1; k <= t; k++) {
              const r = ret.get(k, a);
              if (!Number.isNaN(r)) w *= 1 + r;
            }
          }
          weights[a] = w;
          sum += w;
        }
        if (!(sum > 0)) return undefined;
        for (const a of rebuild.assets) weights[a]! /= sum;
        const asOf = data.calendar.at(rebuild.t);
        return { weights, asOf, carried: rebuild.t !== t, approximate: true };
      },
      tradability: (t) => filters.tradability(t),
    };
  },
});

/** The plugin's type: a universe plugin whose `resolve` gives a {@link FundHoldingsInstance}. */
export type FundHoldingsPlugin = { resolve(this: void, ctx: Parameters<typeof plugin.resolve>[0]): FundHoldingsInstance } & typeof plugin;

/**
 * The heavy-holdings index as a universe: on each date the members of the latest rebuild (see
 * {@link heavyHoldingsIndex}) among the dataset's assets, minus ST, suspended and recently
 * listed stocks as configured (the filters of `@factorkit/universe-index`); benchmark weights
 * from that rebuild, renormalised over the members the dataset has and by default drifted with
 * each member's return since the rebuild. The weights are always flagged `approximate`: this is
 * an index constructed from fund reports, not one an index provider publishes. Reads the
 * dataset's `funds` and `fund_holdings` tables through `MarketData.table()`.
 */
export const fundHoldingsUniverse = plugin as FundHoldingsPlugin;

export default fundHoldingsUniverse;
