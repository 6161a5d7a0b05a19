/**
 * `namedBenchmarks`: a name of `universes` resolved by another universe plugin than `benchmark`
 * (the CLI's `--universes csi500,fund-holdings`), with the settings of `config.universe` it declares.
 */
import { type MarketData, type OptimizerInstance, type UniverseInstance, defineUniverse, isFactorkitError, param } from '@factorkit/core';
import { createDataset } from '@factorkit/data';
import { reversal3m } from '@factorkit/factor-reversal-3m';
import { highsOptimizer } from '@factorkit/optimizer-highs';
import { generateMarket } from '@factorkit/synth';
import { indexUniverse, marketUniverse } from '@factorkit/universe-index';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TrackingOptions, runTracking, trackingTables } from '../src/index.js';

let data: MarketData;
let highs: OptimizerInstance;
/** What the named plugin was resolved with. */
const calls: { params: Record<string, unknown>; last: string }[] = [];

/** CSI 300 under another plugin and id, with equal weights over its members; declares only `excludeSt`. */
const equalCsi300 = defineUniverse({
  id: 'equal-csi300',
  apiVersion: '1.0',
  meta: { description: 'CSI 300 members, equal weights', benchmark: true, inputs: [], params: { excludeSt: param.boolean({ default: true }) } },
  resolve({ data: view, params }): UniverseInstance {
    calls.push({ params: { ...params }, last: view.calendar.at(view.calendar.length - 1) });
    const csi300 = indexUniverse.resolve({ data: view, params: indexUniverse.with({ index: 'csi300', excludeSt: params.excludeSt }).params });
    return {
      id: 'equal-csi300',
      members: (t) => csi300.members(t),
      weights: (t) => {
        const members = csi300.members(t);
        const count = members.reduce((s, x) => s + x, 0);
        return { weights: Float64Array.from(members, (x) => x / count), asOf: view.calendar.at(t), carried: false, approximate: true };
      },
      tradability: (t) => csi300.tradability!(t),
    };
  },
});

function options(extra: Partial<TrackingOptions> = {}): TrackingOptions {
  return {
    data,
    asOf: '2015-12-18',
    start: '2015-10-01',
    universes: ['csi500', 'equal'],
    benchmark: indexUniverse,
    investable: marketUniverse,
    factors: [{ plugin: reversal3m }],
    optimizer: highs,
    ...extra,
  };
}

beforeAll(async () => {
  data = createDataset(generateMarket({ seed: 5, stocks: 400, years: 2, funds: 0 }).tables).dataset;
  highs = await highsOptimizer.create(highsOptimizer.with({}).params);
}, 120_000);

describe('runTracking with namedBenchmarks', () => {
  it('resolves a named universe with its own plugin and the config settings it declares; the others with `benchmark`', async () => {
    calls.length = 0;
    const config = { universe: { excludeSt: false, weights: 'published' } };
    const result = await runTracking(options({ namedBenchmarks: { equal: equalCsi300 }, config }));
    expect(calls).toEqual([{ params: { excludeSt: false }, last: '2015-12-18' }]);
    expect(result.universes.map((u) => [u.name, u.id, u.weights])).toEqual([
      ['csi500', 'index:000905.SH', 'published'],
      ['equal', 'equal-csi300', 'proxy'],
    ]);
    expect(result.universes[0]!.params).toMatchObject({ index: 'csi500', excludeSt: false, weights: 'published' });
    expect(result.universes[1]!.params).toEqual({ excludeSt: false });
    expect(result.universes[1]!.notes[0]).toContain('the benchmark there is a proxy: the approximate weights universe `equal-csi300` gives');
    // Its benchmark weights are the plugin's: equal over the CSI 300 members on each rebalance date.
    const weights = [...trackingTables(result).find((t) => t.file === 'weights.csv')!.rows()] as { trade_date: string; universe: string; ts_code: string; benchmark_weight: number }[];
    const view = data.window(0, data.calendar.indexOf('2015-12-18') + 1);
    const csi300 = indexUniverse.resolve({ data: view, params: indexUniverse.with({ index: 'csi300', excludeSt: false }).params });
    const dates = [...new Set(weights.filter((w) => w.universe === 'equal').map((w) => w.trade_date))];
    expect(dates.length).toBeGreaterThan(0);
    for (const date of dates) {
      const members = csi300.members(view.calendar.indexOf(date));
      const count = members.reduce((s, x) => s + x, 0);
      for (const w of weights.filter((x) => x.universe === 'equal' && x.trade_date === date)) {
        expect(w.benchmark_weight).toBeCloseTo(members[data.assets.indexOf(w.ts_code)]! / count, 12);
      }
    }
    expect(result.series.find((s) => s.universe === 'equal')!.mfe.counts.optimal).toBeGreaterThan(0);
  }, 120_000);

  it('without namedBenchmarks the name goes to `benchmark` (and an index of that name does not exist)', async () => {
    let error: unknown;
    try {
      await runTracking(options());
    } catch (e) {
      error = e;
    }
    expect(isFactorkitError(error) && error.code).toBe('FK_INVALID_ARGUMENT');
    expect((error as Error).message).toContain('- `equal`: universe `index` (equal): the dataset has no membership for index `equal`');
  });
});
