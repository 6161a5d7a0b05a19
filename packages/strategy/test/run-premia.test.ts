/**
 * The runner on the synthetic market (400 stocks, CSI 1000 of ~140 constituents, weekly from
 * 2015-03 to 2016-12): factors with planted premia (one-month reversal, turnover, volatility)
 * beat the benchmark after costs; the same factors shuffled across stocks do not. Every
 * rebalance's targets are then checked against the constraints, recomputed here from the data.
 */
import { indexUniverse } from '@factorkit/universe-index';
import { beforeAll, describe, expect, it } from 'vitest';
import { type StrategyResult, runStrategy } from '../src/index.js';
import { shuffledFactors, strategyOf, syntheticMarket } from './run-helpers.js';

const data = syntheticMarket();
let planted: StrategyResult;
let noise: StrategyResult;

beforeAll(async () => {
  planted = await runStrategy(data, strategyOf());
  noise = await runStrategy(data, strategyOf({ factors: shuffledFactors() }));
}, 120_000);

/** The CSI 1000's price return over the run, straight from its closes in `index_daily`. */
function indexReturn(result: StrategyResult): number {
  const table = data.table('index_daily')!;
  const codes = table.columns.get('index_code') as { codes: Int32Array; dictionary: readonly string[] };
  const dates = table.columns.get('trade_date') as { values: Int32Array };
  const close = table.columns.get('close') as { values: Float64Array };
  const code = codes.dictionary.indexOf('000852.SH');
  const at = (date: string): number => {
    const day = Number(date.replaceAll('-', ''));
    for (let r = 0; r < table.rowCount; r++) if (codes.codes[r] === code && dates.values[r] === day) return close.values[r]!;
    throw new Error(`no close on ${date}`);
  };
  const { dates: days } = result.backtest;
  return at(days[days.length - 1]!) / at(days[0]!) - 1;
}

/** The NAV's return over the run, from the values the backtest reports. */
const navReturn = (result: StrategyResult): number => result.backtest.value[result.backtest.value.length - 1]! / result.backtest.capital - 1;

describe('runStrategy on planted premia', () => {
  it('beats its benchmark after costs, and the shuffled factors do not', () => {
    const bench = indexReturn(planted);
    expect(bench).toBeCloseTo(indexReturn(noise), 12);
    // Costs were paid: commission and stamp duty on every rebalance.
    expect(planted.backtest.costs.commission + planted.backtest.costs.stampDuty).toBeGreaterThan(0);
    expect((1 + navReturn(planted)) / (1 + bench) - 1).toBeGreaterThan(0.1);
    expect((1 + navReturn(noise)) / (1 + bench) - 1).toBeLessThan(0.02);
  });

  it('rebalances every week, records the model and the exposures', () => {
    const weeks = new Set(data.calendar.dates.filter((d) => d >= '2015-03-02' && d < '2016-12-30').map((d) => {
      const day = new Date(`${d}T00:00:00Z`);
      const monday = new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * 86_400_000);
      return monday.toISOString().slice(0, 10);
    }));
    // One rebalance per ISO week of the run but the last (its last day is the run's end, which cannot trade).
    expect(planted.rebalances.length).toBe(weeks.size - 1);
    expect(planted.rebalances.every((r) => r.status === 'optimal')).toBe(true);
    expect(planted.factorWeights.length).toBe(3 * planted.trainings.filter((t) => t.status === 'trained').length);
    expect(planted.exposures.some((e) => e.kind === 'style' && e.name === 'size')).toBe(true);
    expect(planted.exposures.some((e) => e.kind === 'industry')).toBe(true);
    expect(planted.contributions.length).toBeGreaterThan(0);
    expect(planted.hitRate.periods.length).toBe(planted.rebalances.length);
    for (const stage of ['factors', 'model', 'optimize', 'simulate', 'total']) expect(planted.timings[stage]).toBeGreaterThan(0);
  });
});

describe('every rebalance satisfies the constraints (checked from the data)', () => {
  const universe = indexUniverse.resolve({ data, params: indexUniverse.with({ index: '000852.SH' }).params });
  const industry = data.categorical('industry');
  const trading = data.field('is_trading');
  const canBuy = data.field('can_buy_close');
  const canSell = data.field('can_sell_close');
  const column = new Map(data.assets.map((code, a) => [code, a]));

  it.each([['planted'], ['shuffled']])('%s', (which) => {
    const result = which === 'planted' ? planted : noise;
    let pinned = 0;
    for (const record of result.rebalances) {
      const t = data.calendar.indexOf(record.date);
      const b = universe.weights!(t)!.weights;
      const w = new Float64Array(data.assets.length);
      for (const row of record.targets) w[column.get(row.code)!] = row.weight;
      const sum = w.reduce((s, v) => s + v, 0);
      expect(sum).toBeCloseTo(1, 6);
      let inBenchmark = 0;
      const active = new Map<number, number>();
      for (let a = 0; a < w.length; a++) {
        const bw = b[a]! > 0 ? b[a]! : 0;
        if (bw > 0) inBenchmark += w[a]!;
        const code = industry.codes[a * industry.dates + t]!;
        active.set(code, (active.get(code) ?? 0) + w[a]! - bw);
        const excess = Math.abs(w[a]! - bw) - 0.02;
        if (excess > 1e-7) {
          // Allowed only for a stock that could not be traded back into its band on the date.
          const up = w[a]! > bw;
          const blocked = trading.get(t, a) !== 1 || (up ? canSell.get(t, a) !== 1 : canBuy.get(t, a) !== 1);
          expect(blocked, `${record.date} ${data.assets[a]} w=${w[a]} b=${bw}`).toBe(true);
          pinned++;
        }
      }
      expect(inBenchmark).toBeGreaterThanOrEqual(0.8 - 1e-7);
      for (const [code, x] of active) expect(Math.abs(x), `${record.date} industry ${code}`).toBeLessThanOrEqual(0.02 + 1e-7);
    }
    expect(pinned).toBeLessThan(result.rebalances.length);
  });
});
