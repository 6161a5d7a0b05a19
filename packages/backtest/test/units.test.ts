/** The pieces on their own: lot rounding, the cost schedules by date, period labels, drawdowns, option checks. */
import { type FactorkitError, Panel, createMemoryData, isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { CostSchedule, STAMP_DUTY_SCHEDULE, TRANSFER_FEE_SCHEDULE, backtestMetrics, exchangeOf, isoWeek, lotRule, maxDrawdown, periodOf, roundOrder, roundSell, runBacktest } from '../src/index.js';
import { makeMarket, repeat, weekdays } from './market.js';

function thrown(f: () => unknown): FactorkitError {
  try {
    f();
  } catch (error) {
    if (isFactorkitError(error)) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

describe('lots', () => {
  it('rounds orders by board', () => {
    expect(roundOrder(1299.99, lotRule('main'))).toBe(1200);
    expect(roundOrder(99, lotRule('chinext'))).toBe(0);
    expect(roundOrder(199.5, lotRule('star'))).toBe(0);
    expect(roundOrder(200, lotRule('star'))).toBe(200);
    expect(roundOrder(201.7, lotRule('star'))).toBe(201);
    expect(roundOrder(99, lotRule('bse'))).toBe(0);
    expect(roundOrder(101.2, lotRule('bse'))).toBe(101);
    // A product of floats just under a whole lot is the lot.
    expect(roundOrder(1200 * (1 - 1e-12), lotRule('main'))).toBe(1200);
  });

  it('sells a whole position of any size, and lots out of it', () => {
    expect(roundSell(1260, 1260, lotRule('main'))).toBe(1260);
    expect(roundSell(2000, 1260, lotRule('main'))).toBe(1260);
    expect(roundSell(630, 1260, lotRule('main'))).toBe(600);
    expect(roundSell(150, 199, lotRule('star'))).toBe(0); // below 200 only as a whole
    expect(roundSell(199, 199, lotRule('star'))).toBe(199);
  });
});

describe('cost schedules', () => {
  const costs = new CostSchedule(STAMP_DUTY_SCHEDULE, TRANSFER_FEE_SCHEDULE);

  it('switches the stamp duty on its dates', () => {
    expect([costs.stampDuty(20080423, 'buy'), costs.stampDuty(20080424, 'buy'), costs.stampDuty(20080918, 'buy'), costs.stampDuty(20080919, 'buy')]).toEqual([0.003, 0.001, 0.001, 0]);
    expect([costs.stampDuty(20230825, 'sell'), costs.stampDuty(20230828, 'sell')]).toEqual([0.001, 0.0005]);
    expect(thrown(() => costs.stampDuty(20070529, 'sell')).message).toMatch(/no rate for `20070529`/);
  });

  it('switches the transfer fee by exchange and date', () => {
    expect(costs.transferFee(20150731, 'SH')).toEqual({ from: '1990-01-01', exchange: 'SH', rate: 0, perShare: 0.0003 });
    expect(costs.transferFee(20150731, 'SZ').rate).toBe(0.0000255);
    expect(costs.transferFee(20150801, 'SH').rate).toBe(0.00002);
    expect(costs.transferFee(20220428, 'BJ').rate).toBe(0.000025);
    expect([costs.transferFee(20220429, 'SH').rate, costs.transferFee(20220429, 'SZ').rate, costs.transferFee(20220429, 'BJ').rate]).toEqual([0.00001, 0.00001, 0.00001]);
    expect(exchangeOf('430047.BJ')).toBe('BJ');
    expect(thrown(() => exchangeOf('AAPL.O')).code).toBe('FK_INVALID_ARGUMENT');
  });

  it('charges the SSE fee per share before 2015-08-01 in a run', () => {
    const dates = ['2015-07-29', '2015-07-30', '2015-07-31', '2015-08-03'];
    const data = makeMarket(dates, [{ code: '600000.SH', open: repeat(20, 4), close: repeat(20, 4) }]);
    const result = runBacktest(data, { capital: 1_000_000, targets: (t) => (t === 0 || t === 2 ? Float64Array.of(0.5 - t * 0.1) : undefined) });
    const [buy, sell] = result.trades;
    expect([buy!.date, buy!.filled]).toEqual(['2015-07-30', 25_000]);
    expect(buy!.transferFee).toBeCloseTo(25_000 * 0.0003, 12);
    expect(sell!.date).toBe('2015-08-03');
    expect(sell!.transferFee).toBeCloseTo(sell!.amount * 0.00002, 12);
  });
});

describe('periods and drawdowns', () => {
  it('labels ISO weeks, months, quarters and years', () => {
    expect(isoWeek(20210103)).toBe('2020-W53');
    expect(isoWeek(20210104)).toBe('2021-W01');
    expect(isoWeek(20241230)).toBe('2025-W01');
    expect(isoWeek(20230828)).toBe('2023-W35');
    expect([periodOf('2023-08-28', 'month'), periodOf('2023-08-28', 'quarter'), periodOf('2023-12-29', 'quarter'), periodOf('2023-08-28', 'year')]).toEqual(['2023-08', '2023-Q3', '2023-Q4', '2023']);
  });

  it('measures the largest fall from a peak', () => {
    expect(maxDrawdown([1, 1.2, 0.9, 1.1, 0.96, 1.3])).toBeCloseTo(0.25, 15);
    expect(maxDrawdown([1, 1.1, 1.2])).toBe(0);
  });

  it('computes hand-checked metrics of a short series', () => {
    // 2023-01-02 (Mon) … 2023-01-10: calendar days 8, so years = 8 / 365.
    const dates = ['2023-01-02', '2023-01-03', '2023-01-09', '2023-01-10'];
    const m = backtestMetrics({ dates, nav: [1, 1.1, 0.99, 1.2], benchmarkNav: [1, 1, 1.1, 1.1], value: [100, 110, 99, 120], turnover: [0, 0.5, 0, 0.1], cost: [0, 1, 0, 2] });
    const years = 8 / 365;
    expect(m.years).toBe(years);
    expect(m.totalReturn).toBeCloseTo(0.2, 15);
    expect(m.annualReturn).toBeCloseTo(1.2 ** (1 / years) - 1, 6);
    expect(m.totalExcessRatio).toBeCloseTo(1.2 / 1.1 - 1, 15);
    expect(m.maxDrawdown).toBeCloseTo(0.1, 15);
    expect(m.turnover).toBeCloseTo(0.6 / years, 12);
    expect(m.costDrag).toBeCloseTo((1 / 100 + 2 / 99) / years, 12);
    // Weeks: W01 (Jan 3: +10 % vs 0) won, W02 (Jan 9–10: 1.2/1.1 vs 1.1) lost.
    expect(m.weeklyWinRate).toBe(0.5);
    // New highs on Jan 3 and Jan 10 out of 3 days.
    expect(m.newHighRate).toBeCloseTo(2 / 3, 15);
  });
});

describe('checks', () => {
  const dates = weekdays('2023-03-06', 3);
  const data = makeMarket(dates, [{ code: '600000.SH', open: repeat(10, 3), close: repeat(10, 3) }]);

  it('lists every bad option at once, with its path', () => {
    const error = thrown(() =>
      runBacktest(data, {
        capital: -1,
        execution: { price: 'midday' as 'open', participation: 2 },
        costs: { stampDuty: [{ from: '2023-01-02', buy: 0, sell: 0.001 }, { from: '2022-01-01', buy: 0, sell: 0.001 }] },
        benchmark: new Float64Array(2),
        start: '2023-13-01',
        targets: () => undefined,
      }),
    );
    expect(error.code).toBe('FK_INVALID_PARAMS');
    for (const path of ['options.capital', 'options.execution.price', 'options.execution.participation', 'options.benchmark', 'options.start']) expect(error.message).toContain(`${path}:`);
  });

  it('checks the schedules’ order after their shape', () => {
    const error = thrown(() => runBacktest(data, { costs: { stampDuty: [{ from: '2023-01-02', buy: 0, sell: 0.001 }, { from: '2022-01-01', buy: 0, sell: 0.001 }] }, targets: () => undefined }));
    expect(error.message).toContain('options.costs.stampDuty[1].from: `2022-01-01` does not follow the previous entry');
  });

  it('refuses a benchmark with a gap inside the run', () => {
    const benchmark = Float64Array.of(Number.NaN, 0.01, Number.NaN);
    expect(thrown(() => runBacktest(data, { benchmark, targets: () => undefined })).message).toContain('no finite return on 1 simulated day(s): 2023-03-08');
    // Outside the run it does not matter.
    expect(runBacktest(data, { benchmark, end: '2023-03-07', targets: () => undefined }).benchmarkNav).toEqual(Float64Array.of(1, 1.01));
  });

  it('refuses negative, non-finite or levered weights, naming the date and the asset', () => {
    expect(thrown(() => runBacktest(data, { targets: () => Float64Array.of(-0.1) })).message).toBe('targets(2023-03-06): the weight of `600000.SH` is `-0.1`; weights must be finite and ≥ 0 (no short sales)');
    expect(thrown(() => runBacktest(data, { targets: () => Float64Array.of(Number.NaN) })).message).toContain('is `NaN`');
    expect(thrown(() => runBacktest(data, { targets: () => Float64Array.of(1.5) })).message).toContain('sum to `1.5`, more than 1');
    expect(thrown(() => runBacktest(data, { targets: () => Float64Array.of(0.1, 0.2) })).message).toContain('expected 1 weights');
  });

  it('names the fields a fill time needs that the data lacks', () => {
    const memory = createMemoryData({ calendar: dates, assets: ['600000.SH'], fields: { close: Panel.fromRows([[10], [10], [10]]), open: Panel.fromRows([[10], [10], [10]]) } });
    const error = thrown(() => runBacktest(memory, { targets: () => undefined }));
    expect(error.code).toBe('FK_MISSING_INPUT');
    expect(error.details.missing).toEqual(['is_trading', 'limit_up_open', 'limit_down_open', 'volume']);
  });
});
