import { type OptimizerInstance, type Problem, ProblemBuilder } from '@factorkit/core';
import { admmOptimizer } from '@factorkit/optimizer-admm';
import { problemFromJSON, problemToJSON } from '@factorkit/portfolio';
import { beforeAll, describe, expect, it } from 'vitest';
import { type MfeResult, runMfe } from '../src/index.js';
import { type Market, type Replay, highs, makeMarket, replay, truthFactor } from './mfe-fixture.js';
import { solveWithGlpk } from './glpk.js';

let m: Market;
let solver: OptimizerInstance;
let result: MfeResult;
let replayed: Replay;
const problems = new Map<string, Problem>();
/** One-way turnover limit, tighter than the default so that it binds on some dates and not on others. */
const TURNOVER = 0.2;

beforeAll(async () => {
  m = makeMarket({ seed: 21, stocks: 500, years: 2 });
  solver = await highs();
  result = await runMfe({
    data: m.data,
    factor: truthFactor(m, 'turnover_1m'),
    direction: -1,
    universe: m.universe,
    investable: m.market,
    optimizer: solver,
    range: { start: '2014-02-01' },
    constraints: { turnover: TURNOVER },
    onProblem: ({ date, problem }) => void problems.set(date, problem),
  });
  replayed = replay(m.data, m.universe, result, 'vwap');
}, 180_000);

/**
 * `problem` with its `turnover-limit` group written in the default `split` formulation of the
 * constraint (buy and sell variables and a trade row for every candidate), built here from the
 * problem's own rows: the weights that the `turnover` row counts directly (not held) get their
 * buy/sell pair and a row `w − p + m = 0`, and the row sums p + m for every candidate.
 */
function asSplit(problem: Problem): Problem {
  const n = problem.numWeights;
  const g = problem.groups.findIndex((x) => x.name === 'turnover-limit');
  const group = problem.groups[g]!;
  const turnoverRow = group.rowStart + group.rowCount - 1;
  expect(problem.rowLabels[turnoverRow]).toBe('turnover');
  const builder = new ProblemBuilder({ assets: problem.assets! }, problem.sense);
  builder.addLinearObjective(problem.c.subarray(0, n));
  const buy = builder.addVariables('buy', n, { lower: 0 });
  const sell = builder.addVariables('sell', n, { lower: 0 });
  problem.groups.forEach((grp, gi) => {
    const rows = builder.group(grp.name, grp.priority);
    for (let j = 0; j < n; j++) {
      // The `held` formulation's own w ≥ 0 bounds are not part of the split one (long-only owns them anyway).
      const lower = problem.lowerOwner[j] === gi && gi !== g ? problem.lower[j]! : Number.NEGATIVE_INFINITY;
      const upper = problem.upperOwner[j] === gi ? problem.upper[j]! : Number.POSITIVE_INFINITY;
      if (lower !== Number.NEGATIVE_INFINITY || upper !== Number.POSITIVE_INFINITY) rows.bound(j, lower, upper);
    }
    if (gi !== g) {
      for (let r = grp.rowStart; r < grp.rowStart + grp.rowCount; r++) {
        const s = problem.A.start[r]!;
        const e = problem.A.start[r + 1]!;
        rows.addRow({ index: problem.A.index.subarray(s, e), value: problem.A.value.subarray(s, e), lower: problem.rowLower[r]!, upper: problem.rowUpper[r]! });
      }
      return;
    }
    const w0 = new Float64Array(n);
    for (let r = grp.rowStart; r < turnoverRow; r++) w0[problem.A.index[problem.A.start[r]!]!] = problem.rowLower[r]!;
    for (let j = 0; j < n; j++) rows.addRow({ index: [j, buy.start + j, sell.start + j], value: [1, -1, 1], lower: w0[j]!, upper: w0[j]! });
    const index = Int32Array.from({ length: 2 * n }, (_, k) => (k < n ? buy.start + k : sell.start + k - n));
    rows.addRow({ index, value: new Float64Array(2 * n).fill(1), upper: problem.rowUpper[turnoverRow]! });
  });
  return builder.build();
}

/** The full weight vector of a rebalance (0 where not written). */
function targetOf(date: string): Float64Array {
  const w = result.weights.find((x) => x.date === date)!;
  const full = new Float64Array(m.data.assets.length);
  w.assets.forEach((a, k) => (full[a] = w.weight[k]!));
  return full;
}

describe('runMfe on a synthetic market (500 stocks, 2 years, monthly, csi1000, VWAP)', () => {
  it('solves most month ends, reports every date, trades at the VWAP', () => {
    expect(result.settings.price).toBe('vwap');
    expect(result.notes).toEqual([]);
    expect(result.rebalances.length).toBe(result.counts.rebalances);
    expect(result.counts.rebalances).toBeGreaterThanOrEqual(22);
    expect(result.counts.optimal).toBeGreaterThanOrEqual(result.counts.rebalances - 3);
    expect(result.counts.optimal + result.counts.infeasible + result.counts.failed + result.counts.skipped).toBe(result.counts.rebalances);
    expect(result.weights.length).toBe(result.counts.optimal);
    // Month ends: the next trading day is in another month.
    const last = m.data.calendar.length - 1;
    for (const r of result.rebalances) {
      if (r.index === last) {
        // The data ends on a month end: that date is decided, but trades after the data.
        expect(r.date.slice(5)).toBe('12-31');
        expect([r.tradeDate, r.periodEnd, r.days]).toEqual([undefined, undefined, 0]);
        continue;
      }
      expect(m.data.calendar.at(r.index + 1).slice(0, 7)).not.toBe(r.date.slice(0, 7));
      expect(r.tradeDate).toBe(m.data.calendar.at(r.index + 1));
    }
  });

  it('every constraint holds when recomputed from the written weights', () => {
    const { data } = m;
    const industry = data.categorical('industry');
    const cap = data.field('market_cap');
    const factor = truthFactor(m, 'turnover_1m');
    let sizeChecked = 0;
    let turnoverChecked = 0;
    for (const r of result.rebalances.filter((x) => x.status === 'optimal')) {
      const t = r.index;
      const w = targetOf(r.date);
      const b = m.universe.weights!(t)!.weights;
      const flags = m.universe.tradability!(t);
      const members = m.market.members(t);
      const before = replayed.before.get(t)!;
      let value = before.cash;
      for (const v of before.value) value += v;
      const w0 = before.value.map((v) => (value > 0 ? v / value : 0));
      const invested = value > 0 && before.value.some((v) => v > 0);
      const d = 0.01;
      let sum = 0;
      let share = 0;
      let turnover = 0;
      let size = 0;
      let sizeMissing = false;
      const industries = new Map<number, number>();
      for (let a = 0; a < w.length; a++) {
        const wa = w[a]!;
        const ba = b[a]!;
        sum += wa;
        if (ba > 0) share += wa;
        turnover += Math.abs(wa - w0[a]!) / 2;
        expect(wa).toBeGreaterThanOrEqual(0); // long only
        // Deviation band, unless the stock could not trade back into it (then it keeps its weight).
        const upper = ba > 0 ? ba + d : d;
        const lower = ba > 0 ? Math.max(0, ba - d) : 0;
        const pinnedHigh = flags.canSell[a] === 0 && w0[a]! > upper;
        const pinnedLow = flags.canBuy[a] === 0 && w0[a]! < lower;
        if (pinnedHigh || pinnedLow) expect(Math.abs(wa - w0[a]!)).toBeLessThan(1e-9);
        else {
          expect(wa).toBeLessThanOrEqual(upper + 1e-9);
          expect(wa).toBeGreaterThanOrEqual(lower - 1e-9);
        }
        // Tradability on the signal date.
        if (flags.canBuy[a] === 0) expect(wa).toBeLessThanOrEqual(w0[a]! + 1e-9);
        if (flags.canSell[a] === 0) expect(wa).toBeGreaterThanOrEqual(w0[a]! - 1e-9);
        // Outside the benchmark, only investable stocks are bought.
        if (!(ba > 0) && members[a] !== 1) expect(wa).toBeLessThanOrEqual(w0[a]! + 1e-9);
        const code = industry.codes[a * industry.dates + t]!;
        industries.set(code, (industries.get(code) ?? 0) + wa - ba);
        if (wa !== 0 || ba > 0) {
          const c = cap.get(t, a);
          if (c > 0) size += (wa - ba) * Math.log(c);
          else sizeMissing = true;
        }
      }
      expect(Math.abs(sum - 1)).toBeLessThan(1e-9);
      expect(share).toBeGreaterThanOrEqual(0.8 - 1e-9);
      for (const active of industries.values()) expect(Math.abs(active)).toBeLessThan(1e-9);
      if (!sizeMissing) {
        expect(Math.abs(size)).toBeLessThan(1e-7);
        sizeChecked++;
      }
      if (invested) {
        expect(turnover).toBeLessThanOrEqual(TURNOVER + 1e-9);
        turnoverChecked++;
        // The turnover group is named binding exactly when the limit is reached.
        if (r.binding.includes('turnover-limit')) expect(turnover).toBeGreaterThan(TURNOVER - 1e-7);
        if (turnover < TURNOVER - 1e-6) expect(r.binding).not.toContain('turnover-limit');
      }
      if (r.binding.includes('constituent-share')) expect(share).toBeLessThan(0.8 + 1e-7);
      // The objective is the exposure of the written weights (where every held stock has a value).
      let exposure = 0;
      for (let a = 0; a < w.length; a++) if (w[a]! !== 0) exposure += -factor.get(t, a) * w[a]!;
      if (r.counts.missingFactor === 0) expect(Math.abs(exposure - r.objective)).toBeLessThan(1e-9);
    }
    expect(sizeChecked).toBeGreaterThan(15);
    expect(turnoverChecked).toBeGreaterThan(15);
    // The limit binds on some dates and not on others.
    const binds = result.rebalances.filter((r) => r.binding.includes('turnover-limit')).length;
    expect(binds).toBeGreaterThan(0);
    expect(binds).toBeLessThan(result.counts.optimal);
  });

  it('daily and holding-period returns, turnover, costs and executed weights match an independent replay', () => {
    const { daily } = result;
    const first = m.data.calendar.indexOf(daily.dates[0]!);
    expect(daily.inception).toBe(m.data.calendar.at(first - 1));
    daily.dates.forEach((date, k) => {
      const d = first + k;
      expect(date).toBe(m.data.calendar.at(d));
      expect(Math.abs(daily.portfolio[k]! - replayed.daily[d]!)).toBeLessThan(1e-12);
      expect(daily.excess[k]).toBeCloseTo((1 + daily.portfolio[k]!) / (1 + daily.benchmark[k]!) - 1, 14);
    });
    for (const r of result.rebalances) {
      const from = r.index + 1;
      const to = from + r.days - 1;
      let p = 1;
      for (let d = from; d <= to; d++) p *= 1 + replayed.daily[d]!;
      if (r.days === 0) expect(r.portfolioReturn).toBeNaN();
      else expect(Math.abs(r.portfolioReturn - (p - 1)), r.date).toBeLessThan(1e-12);
      if (r.days > 0) expect(r.excessReturn).toBeCloseTo((1 + r.portfolioReturn) / (1 + r.benchmarkReturn) - 1, 14);
      if (r.status !== 'optimal') {
        // Nothing traded: the previous weights drift on (the replay saw no trade either).
        expect([r.turnover, r.cost]).toEqual([0, 0]);
        expect(replayed.turnover.has(from)).toBe(false);
        continue;
      }
      if (r.tradeDate === undefined) {
        expect([r.turnover, r.cost]).toEqual([0, 0]);
        expect(result.weights.find((x) => x.date === r.date)!.executed.every(Number.isNaN)).toBe(true);
        continue;
      }
      expect(Math.abs(r.turnover - replayed.turnover.get(from)!)).toBeLessThan(1e-12);
      expect(Math.abs(r.cost - replayed.cost.get(from)!)).toBeLessThan(1e-14);
      const w = result.weights.find((x) => x.date === r.date)!;
      const executed = replayed.executed.get(from)!;
      w.assets.forEach((a, k) => expect(Math.abs(w.executed[k]! - executed[a]!)).toBeLessThan(1e-12));
      let written = 0;
      for (const v of w.executed) written += v;
      let all = 0;
      for (const v of executed) all += v;
      expect(Math.abs(written - all)).toBeLessThan(1e-12); // nothing executed outside the written rows
    }
    // The replay covered blocked trades and the cash they leave.
    const blocked = result.rebalances.reduce((n, r) => n + r.counts.blockedBuys + r.counts.blockedSells, 0);
    expect(blocked).toBeGreaterThan(0);
    expect(Math.min(...result.rebalances.map((r) => r.counts.buyFill))).toBeLessThan(1);
    expect(Math.max(...daily.cash)).toBeGreaterThan(0);
    expect(result.rebalances.some((r) => r.counts.pinned > 0)).toBe(true);
    // The periods tile the series: compounding them gives the whole history.
    let total = 1;
    for (const r of result.rebalances) if (Number.isFinite(r.portfolioReturn)) total *= 1 + r.portfolioReturn;
    let series = 1;
    for (const p of daily.portfolio) series *= 1 + p;
    expect(total).toBeCloseTo(series, 12);
  });

  it('benchmark returns are the previous close weights times the day returns', () => {
    const ret = m.data.field('ret');
    const { daily } = result;
    const first = m.data.calendar.indexOf(daily.dates[0]!);
    for (let k = 1; k < daily.dates.length; k++) {
      const d = first + k;
      const b = m.universe.weights!(d - 1)!.weights;
      let r = 0;
      for (let a = 0; a < b.length; a++) if (b[a]! > 0 && Number.isFinite(ret.get(d, a))) r += b[a]! * ret.get(d, a);
      expect(Math.abs(daily.benchmark[k]! - r)).toBeLessThan(1e-14);
    }
  });

  it('the LP optimum agrees between HiGHS, ADMM and GLPK on a sample of dates (objective to 1e-6 relative)', { timeout: 240_000 }, async () => {
    const optimal = result.rebalances.filter((r) => r.status === 'optimal');
    const sample = [optimal[0]!, optimal[Math.floor(optimal.length / 2)]!, optimal[optimal.length - 1]!];
    const admm = await admmOptimizer.create(admmOptimizer.with({ maxIterations: 60_000 }).params);
    for (const r of sample) {
      const problem = problems.get(r.date)!;
      const glpk = await solveWithGlpk(problem);
      expect(glpk.optimal).toBe(true);
      expect(Math.abs(glpk.objective - r.objective)).toBeLessThanOrEqual(1e-6 * Math.abs(r.objective));
      const s = await admm.solve(problem);
      expect(s.status).toBe('optimal');
      expect(Math.abs(s.objective - r.objective)).toBeLessThanOrEqual(1e-6 * Math.abs(r.objective));
      // Saved as a factorkit-problem file (--save-problems) and read back, it solves to the same optimum.
      const reread = problemFromJSON(JSON.parse(JSON.stringify(problemToJSON(problem))));
      const again = await solver.solve(reread);
      expect(Math.abs(again.objective - r.objective)).toBeLessThanOrEqual(1e-9 * Math.abs(r.objective));
    }
  });

  it('the turnover limit splits trades only for the stocks held going in, with the optimum of the default split formulation', { timeout: 120_000 }, async () => {
    let checked = 0;
    for (const r of result.rebalances.filter((x) => x.status === 'optimal')) {
      const problem = problems.get(r.date)!;
      const g = problem.groups.find((x) => x.name === 'turnover-limit');
      if (!g) continue;
      // Held at the close of the date, by the replay's money (not the engine's weights).
      const before = replayed.before.get(r.index)!;
      let value = before.cash;
      for (const v of before.value) value += v;
      const held = new Set<string>();
      before.value.forEach((v, a) => {
        if (v / value > 1e-10) held.add(m.data.assets[a]!);
      });
      const trades = problem.rowLabels.slice(g.rowStart, g.rowStart + g.rowCount - 1).map((label) => label.replace('turnover:trade:', ''));
      expect(new Set(trades)).toEqual(held);
      expect(problem.numVariables).toBe(problem.numWeights + 2 * held.size);
      expect(held.size).toBeLessThan(problem.numWeights / 3);
      checked++;
    }
    expect(checked).toBeGreaterThan(15);
    // The same LP optimum as the constraint's default split formulation, by GLPK.
    const withTurnover = result.rebalances.filter((r) => r.status === 'optimal' && problems.get(r.date)!.groups.some((x) => x.name === 'turnover-limit'));
    for (const r of [withTurnover[0]!, withTurnover[withTurnover.length - 1]!]) {
      const split = asSplit(problems.get(r.date)!);
      expect(split.numVariables).toBe(3 * r.candidates);
      const glpk = await solveWithGlpk(split);
      expect(glpk.optimal).toBe(true);
      expect(Math.abs(glpk.objective - r.objective)).toBeLessThanOrEqual(1e-7 * Math.abs(r.objective));
    }
  });

  it('problems are handed out in order, one per solved or infeasible date, with the candidates as assets', () => {
    const solvedDates = result.rebalances.filter((r) => r.status !== 'skipped').map((r) => r.date);
    expect([...problems.keys()]).toEqual(solvedDates);
    for (const r of result.rebalances.filter((x) => x.status !== 'skipped')) {
      const problem = problems.get(r.date)!;
      expect(problem.numWeights).toBe(r.candidates);
      expect(problem.assets!.length).toBe(r.candidates);
      expect(problem.groups.map((g) => g.name)).toContain('industry-neutral');
    }
  });
});
