import { type OptimizerInstance, Panel, type Problem, type SolveOptions, type Solution, type UniverseInstance, isFactorkitError } from '@factorkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type MfeResult, benchmarkReturns, runMfe } from '../src/index.js';
import { periodEnds } from '../src/mfe/schedule.js';
import { type Market, copyData, highs, makeMarket, replay, truthFactor, universesOver } from './mfe-fixture.js';

let m: Market;
let solver: OptimizerInstance;
let factor: Panel;

beforeAll(async () => {
  m = makeMarket({ seed: 8, stocks: 300, years: 1 });
  solver = await highs();
  factor = truthFactor(m, 'growth_np_yoy');
}, 120_000);

/** `universe` with one date's tradability or weights replaced. */
function patched(universe: UniverseInstance, at: number, patch: { noBuys?: boolean; noWeights?: boolean }): UniverseInstance {
  return {
    id: `${universe.id}+patched`,
    members: (t) => universe.members(t),
    weights: (t) => (patch.noWeights && t === at ? undefined : universe.weights!(t)),
    tradability: (t) => {
      const flags = universe.tradability!(t);
      return patch.noBuys && t === at ? { canBuy: new Uint8Array(flags.canBuy.length), canSell: flags.canSell } : flags;
    },
  };
}

/** Replay the run and compare its daily returns with the engine's. */
function expectReplayed(universe: UniverseInstance, result: MfeResult, price: 'vwap' | 'close'): void {
  const replayed = replay(m.data, universe, result, price);
  const first = m.data.calendar.indexOf(result.daily.dates[0]!);
  result.daily.portfolio.forEach((p, k) => expect(Math.abs(p - replayed.daily[first + k]!)).toBeLessThan(1e-12));
}

describe('an infeasible week', () => {
  it('is reported with the explanation, nothing is traded, the previous weights drift on and the run continues', async () => {
    const weeks = periodEnds(m.data.calendar, 'week', m.data.calendar.ceil('2014-05-01'), m.data.calendar.floor('2014-07-31'));
    const blockedAt = weeks[4]!;
    const universe = patched(m.universe, blockedAt, { noBuys: true });
    const result = await runMfe({ data: m.data, factor: fillWeekly(factor), universe, investable: m.market, optimizer: solver, schedule: 'weekly', range: { start: '2014-05-01', end: '2014-07-31' } });
    const k = result.rebalances.findIndex((r) => r.index === blockedAt);
    const r = result.rebalances[k]!;
    expect(r.status).toBe('infeasible');
    expect(result.counts.infeasible).toBeGreaterThanOrEqual(1);
    // The explanation of @factorkit/portfolio: which groups conflict, with the problem's numbers.
    expect(r.infeasibility!.minimalConflicts.length).toBeGreaterThan(0);
    expect(r.messages[0]).toMatch(/cannot (both|all) hold/);
    expect(r.messages.join('\n')).toContain('`tradability`');
    expect(r.objective).toBeNaN();
    expect([r.turnover, r.cost, r.binding]).toEqual([0, 0, []]);
    expect(result.weights.some((w) => w.date === r.date)).toBe(false);
    // Held through: its period has a return, the previous weights drifting (the replay agrees).
    expect(Number.isFinite(r.portfolioReturn)).toBe(true);
    expect(r.nAssets).toBe(result.rebalances[k - 1]!.nAssets);
    // The next weeks are solved again.
    expect(result.rebalances.slice(k + 1).every((x) => x.status === 'optimal')).toBe(true);
    expect(result.rebalances.length).toBe(weeks.length);
    expectReplayed(universe, result, 'vwap');
  });

  it('a date without benchmark weights is skipped, said why, and the holdings carried', async () => {
    const months = periodEnds(m.data.calendar, 'month', 0, m.data.calendar.length - 1);
    const missingAt = months[4]!;
    const universe = patched(m.universe, missingAt, { noWeights: true });
    const result = await runMfe({ data: m.data, factor, universe, investable: m.market, optimizer: solver });
    const r = result.rebalances.find((x) => x.index === missingAt)!;
    expect(r.status).toBe('skipped');
    expect(r.messages).toEqual(['universe `index:000852.SH+patched` has no benchmark weights on this date']);
    expect(result.counts.skipped).toBe(1);
    expect(Number.isFinite(r.portfolioReturn)).toBe(true);
    expect(r.turnover).toBe(0);
    expectReplayed(universe, result, 'vwap');
  });
});

/** The month-end truth values carried to every day of the next month (so weekly dates have values). */
function fillWeekly(panel: Panel): Panel {
  const out = new Panel(panel.dates, panel.assets, panel.values.slice());
  for (let a = 0; a < panel.assets; a++) {
    const column = out.column(a);
    let last = Number.NaN;
    let seen = false;
    for (let t = 0; t < column.length; t++) {
      if (Number.isFinite(column[t]!)) {
        last = column[t]!;
        seen = true;
      } else if (seen) column[t] = last;
    }
  }
  return out;
}

describe('options the tracking run uses', () => {
  it('a shared benchmark series gives the same run; progress is reported per date', async () => {
    const own = await runMfe({ data: m.data, factor, universe: m.universe, investable: m.market, optimizer: solver });
    const progress: [number, number, string][] = [];
    const shared = await runMfe({
      data: m.data,
      factor,
      universe: m.universe,
      investable: m.market,
      optimizer: solver,
      benchmarkReturns: benchmarkReturns(m.data, m.universe).returns,
      onProgress: (done, total, date) => progress.push([done, total, date]),
    });
    expect(shared.daily).toEqual(own.daily);
    expect(shared.rebalances.map((r) => r.excessReturn)).toEqual(own.rebalances.map((r) => r.excessReturn));
    expect(progress).toEqual(own.rebalances.map((r, k) => [k + 1, own.rebalances.length, r.date]));
  });

  it('a declared relaxation solves dates that are infeasible without it, and says what it relaxed', async () => {
    const base = { data: m.data, factor, universe: m.universe, investable: m.market, optimizer: solver, range: { start: '2014-03-01', end: '2014-08-31' }, constraints: { turnover: 0.001 } };
    const strict = await runMfe(base);
    const infeasible = strict.rebalances.filter((r) => r.status === 'infeasible');
    expect(infeasible.length).toBeGreaterThan(0);
    expect(infeasible[0]!.messages.join('\n')).toContain('`turnover-limit`');
    const relaxed = await runMfe({ ...base, relaxation: [{ group: 'turnover-limit', rows: ['turnover'], steps: [0.05, 0.2, 0.6] }] });
    for (const r of infeasible) {
      const again = relaxed.rebalances.find((x) => x.date === r.date)!;
      expect(again.status).toBe('optimal');
      expect(again.relaxations!.length).toBeGreaterThan(0);
      expect(again.relaxations![0]!.group).toBe('turnover-limit');
      expect(again.messages.some((line) => line.startsWith('relaxed `turnover-limit`'))).toBe(true);
    }
    expect(relaxed.counts.infeasible).toBe(0);
  });
});

/** `inner`, recording each call: the problem, the options and the solution; `delayMs` added to every solve. */
function recording(inner: OptimizerInstance, delayMs = 0): { optimizer: OptimizerInstance; calls: { problem: Problem; options: SolveOptions | undefined; solution: Solution }[] } {
  const calls: { problem: Problem; options: SolveOptions | undefined; solution: Solution }[] = [];
  return {
    calls,
    optimizer: {
      id: inner.id,
      async solve(problem, options) {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        const solution = await inner.solve(problem, options);
        calls.push({ problem, options, solution });
        return solution;
      },
    },
  };
}

describe('solver options and timings', () => {
  // Without a turnover limit a problem's shape is its candidates and rows, so consecutive weeks often match.
  const base = { schedule: 'weekly' as const, range: { start: '2014-05-01', end: '2014-10-31' }, constraints: { turnover: false as const } };

  it('warmStart offers each solve the previous optimum when the problems have the same shape, and changes no result', async () => {
    const cold = recording(solver);
    const warm = recording(await highs());
    const input = { data: m.data, factor: fillWeekly(factor), universe: m.universe, investable: m.market, ...base };
    const a = await runMfe({ ...input, optimizer: cold.optimizer });
    const handed = new Set<Problem>();
    const b = await runMfe({ ...input, optimizer: warm.optimizer, warmStart: true, onProblem: ({ problem }) => void handed.add(problem) });
    expect(cold.calls.every((c) => c.options?.warmStart === undefined)).toBe(true);
    // The rebalances' own solves (an infeasible date's diagnosis solves other problems).
    const main = warm.calls.filter((c) => handed.has(c.problem));
    expect(main.length).toBe(handed.size);
    expect(warm.calls.filter((c) => !handed.has(c.problem)).every((c) => c.options?.warmStart === undefined)).toBe(true);
    let offered = 0;
    let notOffered = 0;
    main.forEach((call, k) => {
      const previous = main[k - 1];
      const same = previous !== undefined && previous.solution.status === 'optimal' && previous.problem.numVariables === call.problem.numVariables && previous.problem.A.rows === call.problem.A.rows;
      if (same) {
        offered++;
        expect(call.options?.warmStart?.x).toEqual(previous.solution.x);
        // HiGHS knows the point as its own last LP's and starts from that basis.
        expect(call.solution.diagnostics.warmStart).toBe('previous basis');
      } else {
        notOffered++;
        expect(call.options?.warmStart).toBeUndefined();
      }
    });
    expect(offered).toBeGreaterThan(2);
    expect(notOffered).toBeGreaterThan(0);
    expect(b.rebalances.map((r) => r.status)).toEqual(a.rebalances.map((r) => r.status));
    a.rebalances.forEach((r, k) => {
      if (r.status === 'optimal') expect(Math.abs(b.rebalances[k]!.objective - r.objective)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(r.objective)));
    });
  });

  it('a warmStart that is not a boolean is refused with its path', async () => {
    const error = await runMfe({ data: m.data, factor, universe: m.universe, optimizer: solver, warmStart: 'yes' as unknown as boolean }).catch((e: unknown) => e);
    expect(isFactorkitError(error) && error.code).toBe('FK_INVALID_PARAMS');
    expect((error as { issues: { path: string; message: string }[] }).issues).toEqual([{ path: 'warmStart', message: 'expected a boolean, got `"yes"`' }]);
  });

  it('buildMs is the time of building the problem, solveMs that of the solve', async () => {
    const slow = recording(solver, 40);
    const result = await runMfe({ data: m.data, factor: fillWeekly(factor), universe: m.universe, investable: m.market, optimizer: slow.optimizer, ...base, range: { start: '2014-05-01', end: '2014-06-30' } });
    const solved = result.rebalances.filter((r) => r.status !== 'skipped');
    expect(solved.length).toBeGreaterThan(5);
    for (const r of solved) {
      expect(r.solveMs).toBeGreaterThanOrEqual(39);
      expect(r.buildMs).toBeGreaterThan(0);
      expect(r.buildMs).toBeLessThan(r.solveMs);
    }
  });
});

describe('execution price', () => {
  it('without a vwap field, trades fill at the close and the run says so', async () => {
    const data = copyData(m.data, { omit: ['vwap'] });
    const { universe, market } = universesOver(data);
    const result = await runMfe({ data, factor, universe, investable: market, optimizer: solver });
    expect(result.settings.price).toBe('close');
    expect(result.notes).toEqual(["the dataset has no `vwap` field, so trades cannot fill at the VWAP: they fill at the next day's close"]);
    const replayed = replay(data, universe, result, 'close');
    const first = data.calendar.indexOf(result.daily.dates[0]!);
    result.daily.portfolio.forEach((p, k) => expect(Math.abs(p - replayed.daily[first + k]!)).toBeLessThan(1e-12));
    // At the close, the first day is only the cost: cash until the close of the trade day.
    const r0 = result.rebalances.find((r) => r.status === 'optimal')!;
    expect(Math.abs(result.daily.portfolio[0]! + r0.cost)).toBeLessThan(1e-14);
    expect(result.daily.benchmark[0]).toBe(0);
  });

  it('the cost is half the round trip on each unit traded', async () => {
    const free = await runMfe({ data: m.data, factor, universe: m.universe, investable: m.market, optimizer: solver, execution: { cost: 0 } });
    const dear = await runMfe({ data: m.data, factor, universe: m.universe, investable: m.market, optimizer: solver, execution: { cost: 0.01 } });
    for (const [a, b] of free.rebalances.map((r, k) => [r, dear.rebalances[k]!] as const)) {
      expect(a.cost).toBe(0);
      expect(b.objective).toBe(a.objective); // the problems do not see costs
      if (b.tradeDate && b.status === 'optimal') expect(b.cost).toBeCloseTo(0.005 * 2 * b.turnover, 15);
    }
  });
});

describe('inputs', () => {
  it('a factor over part of the calendar ({ values, dates }) gives the same dates as the whole panel', async () => {
    const start = m.data.calendar.ceil('2014-04-01');
    const dates = m.data.calendar.dates.slice(start);
    const part = { values: factor.sliceDates(start), dates };
    const a = await runMfe({ data: m.data, factor: part, universe: m.universe, investable: m.market, optimizer: solver });
    const b = await runMfe({ data: m.data, factor, universe: m.universe, investable: m.market, optimizer: solver, range: { start: dates[0]! } });
    expect(a.settings.start).toBe(dates[0]);
    expect(a.rebalances.map((r) => [r.date, r.objective])).toEqual(b.rebalances.map((r) => [r.date, r.objective]));
    expect(a.daily.portfolio).toEqual(b.daily.portfolio);
  });

  it('a range starting before the factor part: the schedule starts there, the dates without factor rows are skipped with the reason', async () => {
    const start = m.data.calendar.ceil('2014-04-01');
    const dates = m.data.calendar.dates.slice(start);
    const part = { values: factor.sliceDates(start), dates };
    const a = await runMfe({ data: m.data, factor: part, universe: m.universe, investable: m.market, optimizer: solver, range: { start: '2014-02-01' } });
    const b = await runMfe({ data: m.data, factor: part, universe: m.universe, investable: m.market, optimizer: solver });
    expect(a.settings.start).toBe(m.data.calendar.at(m.data.calendar.ceil('2014-02-01')));
    const early = a.rebalances.filter((r) => r.date < dates[0]!);
    expect(early.map((r) => r.date)).toEqual(['2014-02-28', '2014-03-31']);
    expect(early.every((r) => r.status === 'skipped' && r.messages.join(' ').includes('the factor has no values on this date'))).toBe(true);
    // From the factor's first date on, the same as a run that starts there.
    expect(a.rebalances.filter((r) => r.date >= dates[0]!).map((r) => [r.date, r.status, r.objective])).toEqual(b.rebalances.map((r) => [r.date, r.status, r.objective]));
  });

  it('every invalid option is reported at once, with its path', async () => {
    const error = await runMfe({
        data: m.data,
        factor: new Panel(3, 2),
        universe: m.universe,
        optimizer: solver,
        schedule: ['2014-03-31', '2013-01-01'],
        constraints: { deviation: 0, constituentShare: 1.5, industry: { field: 'sector' }, styles: { exposures: {}, bands: { beta: 0.1 } } },
        execution: { price: 'open' as 'close', cost: -0.01 },
        range: { start: '2014-13-01' },
        relaxation: [{ group: 'turnover', steps: [0.1] }],
      }).catch((e: unknown) => e);
    expect(isFactorkitError(error) && error.code).toBe('FK_INVALID_PARAMS');
    const paths = (error as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'factor',
        'range.start',
        'schedule[1]',
        'constraints.industry.field',
        'constraints.styles.bands.beta',
        'constraints.styles.exposures',
        'constraints.deviation',
        'constraints.constituentShare',
        'execution.price',
        'execution.cost',
        'relaxation[0].group',
      ]),
    );
  });

  it('a universe without benchmark weights is refused, naming it', async () => {
    const error = await runMfe({ data: m.data, factor, universe: { id: 'market', members: (t) => m.market.members(t) }, optimizer: solver }).catch((e: unknown) => e);
    expect(isFactorkitError(error) && error.code).toBe('FK_MISSING_INPUT');
    expect((error as Error).message).toContain('universe `market` gives no benchmark weights');
  });
});

describe('schedule', () => {
  const calendar = (dates: string[]) => ({ dates, length: dates.length, at: (t: number) => dates[t]!, indexOf: (d: string) => dates.indexOf(d), floor: () => 0, ceil: () => 0, slice: () => calendar(dates) });
  // 2024: 1 Jan (Mon) and 9–16 Feb (Spring Festival) are holidays; 29 Feb is a Thursday.
  const days = ['2024-01-29', '2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02', '2024-02-05', '2024-02-06', '2024-02-07', '2024-02-08', '2024-02-19', '2024-02-29'];

  it('monthly: the last trading day of each month; the calendar’s last day only if no weekday of its month follows', () => {
    expect(periodEnds(calendar(days), 'month', 0, days.length - 1).map((t) => days[t])).toEqual(['2024-01-31', '2024-02-29']);
    expect(periodEnds(calendar(days.slice(0, 9)), 'month', 0, 8).map((t) => days[t])).toEqual(['2024-01-31']);
  });

  it('weekly: the last trading day of each ISO week, holidays included', () => {
    // 29 Feb, the calendar's last day, is a Thursday: its week is not over.
    expect(periodEnds(calendar(days), 'week', 0, days.length - 1).map((t) => days[t])).toEqual(['2024-02-02', '2024-02-08', '2024-02-19']);
    // Ending on 8 Feb (a Thursday), the calendar cannot know that 9 Feb is a holiday.
    expect(periodEnds(calendar(days.slice(0, 9)), 'week', 0, 8).map((t) => days[t])).toEqual(['2024-02-02']);
  });
});
