/**
 * runWeekly's strategies section on a small synthetic market: each strategy is backtested up to
 * the report's last trading day (its own end replaced, nothing later read), its windows are those
 * recomputed here from the backtest's NAV at the closes named by the calendar, and a strategy that
 * cannot run fails alone with its error in `problems`.
 */
import { createDataset } from '@factorkit/data';
import { momentum } from '@factorkit/factor-momentum';
import { equalWeight } from '@factorkit/model-equal';
import { type Strategy, createStrategy } from '@factorkit/strategy';
import { generateMarket } from '@factorkit/synth';
import { beforeAll, describe, expect, it } from 'vitest';
import { type WeeklyResult, type WeeklyStrategy, runWeekly } from '../src/index.js';

let dates: readonly string[];
let asOf: string;
let result: WeeklyResult;

function strategy(name: string, start: string, end?: string): Strategy {
  return createStrategy({
    name,
    universe: { index: '000905.SH' },
    benchmark: '95% 000905.SH + 5% deposit',
    start,
    ...(end === undefined ? {} : { end }),
    factors: [momentum],
    model: { id: equalWeight },
    rebalance: { every: 'month' },
    risk: false,
    constraints: [{ id: 'fully-invested' }, { id: 'long-only' }, { id: 'max-weight', params: { cap: 0.05 } }],
    infeasible: { policy: 'hold' },
  });
}

beforeAll(async () => {
  const market = generateMarket({ stocks: 200, years: 2, funds: 10, seed: 9, exposures: false });
  const data = createDataset(market.tables).dataset;
  dates = data.calendar.dates;
  // A Thursday in the last month.
  asOf = dates.filter((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 4).at(-3)!;
  const year = asOf.slice(0, 4);
  result = await runWeekly(data, { asOf, strategies: [strategy('lib-test', `${year}-01-05`, dates.at(-1)), strategy('too-late', '2031-01-02')], funds: false });
}, 180_000);

describe('runWeekly strategies', () => {
  it('backtests each strategy up to the last trading day and recomputes its windows from the NAV', () => {
    if (result.strategies.status !== 'ok') throw new Error(result.strategies.reason);
    const [ok, failed] = result.strategies.value.strategies;
    if (ok?.status !== 'ok') throw new Error(`lib-test failed: ${JSON.stringify(ok)}`);
    const s: WeeklyStrategy = ok;
    const backtest = s.result.backtest;
    expect(s.end).toBe(asOf);
    expect(backtest.dates.at(-1)).toBe(asOf);
    expect(s.notes.join(' ')).toContain(`The strategy's end \`${dates.at(-1)}\` is replaced by the report's last trading day ${asOf}.`);
    expect(s.benchmark).toBe('95% 000905.SH + 5% deposit');
    const before = (date: string) => dates.filter((d) => d < date).at(-1)!;
    const d = new Date(`${asOf}T00:00:00Z`);
    const monday = new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
    const starts: Record<string, string> = { week: before(monday), month: before(`${asOf.slice(0, 7)}-01`), ytd: before(`${asOf.slice(0, 4)}-01-01`) };
    for (const w of s.windows) {
      const start = starts[w.name]! < backtest.dates[0]! ? backtest.dates[0]! : starts[w.name]!;
      const i = backtest.dates.indexOf(start);
      const j = backtest.dates.length - 1;
      const r = backtest.nav[j]! / backtest.nav[i]! - 1;
      const b = backtest.benchmarkNav[j]! / backtest.benchmarkNav[i]! - 1;
      expect([w.name, w.start, w.partial]).toEqual([w.name, start, w.name === 'ytd']);
      expect(w.excess).toBeCloseTo(r - b, 12);
      expect(w.excessRatio).toBeCloseTo((1 + r) / (1 + b) - 1, 12);
    }
    expect(s.annualExcess).toBe(backtest.metrics.annualExcess);
    expect(s.excessMaxDrawdown).toBe(backtest.metrics.excessMaxDrawdown);
    expect(Object.values(s.rebalances).reduce((a, b) => a + b, 0)).toBe(s.result.rebalances.length);

    expect(s.warnings).toEqual([]);
    expect(s.rebalances['optimal']).toBeGreaterThan(0);
    expect(failed).toMatchObject({ status: 'failed', name: 'too-late', code: 'FK_INVALID_ARGUMENT', benchmark: '95% 000905.SH + 5% deposit' });
    expect(result.problems).toEqual([{ section: 'strategies', code: 'FK_INVALID_ARGUMENT', message: expect.stringContaining('strategy `too-late`: its start `2031-01-02` is after') }]);
  });
});
