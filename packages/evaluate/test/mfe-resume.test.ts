import { type MarketData, type OptimizerInstance, Panel, type UniverseInstance, isFactorkitError } from '@factorkit/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type MfeCheckpoint, type MfeOptions, type MfeResult, checkMfeResume, mfeCheckpointFromJSON, mfeCheckpointToJSON, mfeSettingsKey, runMfe } from '../src/index.js';
import { periodEnds } from '../src/mfe/schedule.js';
import { type Market, copyData, highs, makeMarket, replay, truthFactor, universesOver } from './mfe-fixture.js';

let m: Market;
let solver: OptimizerInstance;
/** Month-end truth values (monthly) and the same carried to every day (weekly). */
const factors: Record<'monthly' | 'weekly', Panel> = {} as Record<'monthly' | 'weekly', Panel>;
/** One-way turnover limit, so that the holdings carried through a checkpoint shape the next problem. */
const TURNOVER = 0.2;

beforeAll(async () => {
  m = makeMarket({ seed: 8, stocks: 300, years: 1 });
  solver = await highs();
  factors.monthly = truthFactor(m, 'growth_np_yoy');
  factors.weekly = carried(factors.monthly);
}, 120_000);

function carried(panel: Panel): Panel {
  const out = new Panel(panel.dates, panel.assets, panel.values.slice());
  for (let a = 0; a < panel.assets; a++) {
    const column = out.column(a);
    let last = Number.NaN;
    for (let t = 0; t < column.length; t++) {
      if (Number.isFinite(column[t]!)) last = column[t]!;
      else column[t] = last;
    }
  }
  return out;
}

type Schedule = 'weekly' | 'monthly';
interface Cut {
  /** Calendar index of the last day of the data. */
  readonly last: number;
  readonly schedule: Schedule;
  /** The benchmark universe over the cut data, before the caller's changes. */
  readonly patch?: (universe: UniverseInstance) => UniverseInstance;
  readonly optimizer?: OptimizerInstance;
  readonly extra?: Partial<MfeOptions>;
  /** The data to cut, default the market's. */
  readonly base?: MarketData;
}

/** The options of a run on the data through day `last` (a window view, universes resolved over it, the factor cut there). */
function optionsAt(cut: Cut): MfeOptions {
  const data = (cut.base ?? m.data).window(0, cut.last + 1);
  const { universe, market } = universesOver(data);
  return {
    data,
    factor: factors[cut.schedule].sliceDates(0, cut.last + 1),
    universe: cut.patch ? cut.patch(universe) : universe,
    investable: market,
    optimizer: cut.optimizer ?? solver,
    schedule: cut.schedule,
    constraints: { turnover: TURNOVER },
    ...cut.extra,
  };
}

const runAt = (cut: Cut, resume?: MfeCheckpoint): Promise<MfeResult> => runMfe({ ...optionsAt(cut), ...(resume ? { resume } : {}) });

/** Through a file and back: JSON text, parsed and checked. */
const throughJSON = (checkpoint: MfeCheckpoint): MfeCheckpoint => mfeCheckpointFromJSON(JSON.stringify(mfeCheckpointToJSON(checkpoint)));

/** A deep copy without the wall-clock timings (`buildMs`, `solveMs`), typed arrays kept as they are. */
function withoutTimings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimings);
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (key !== 'buildMs' && key !== 'solveMs') out[key] = withoutTimings(v);
  return out;
}

function expectSameRun(resumed: MfeResult, scratch: MfeResult): void {
  expect(withoutTimings(resumed)).toStrictEqual(withoutTimings(scratch));
}

/** `optimizer` counting its solves. */
function counting(optimizer: OptimizerInstance): { optimizer: OptimizerInstance; solves: () => number } {
  let n = 0;
  return { optimizer: { id: optimizer.id, solve: (problem, options) => (n++, optimizer.solve(problem, options)) }, solves: () => n };
}

const scheduleOf = (schedule: Schedule): number[] => periodEnds(m.data.calendar, schedule === 'weekly' ? 'week' : 'month', 0, m.data.calendar.length - 1);

describe.each(['weekly', 'monthly'] as const)('resume a %s run with a turnover limit', (schedule) => {
  let scratch: MfeResult;
  let dates: number[];
  let T: number;

  beforeAll(async () => {
    T = m.data.calendar.length;
    dates = scheduleOf(schedule);
    scratch = await runAt({ last: T - 1, schedule });
    // The cases below need a run that trades and holds through several periods.
    expect(scratch.counts.optimal).toBeGreaterThan(schedule === 'weekly' ? 30 : 6);
  }, 120_000);

  /** Run through `a`, resume through the end of the data, compare with the run from scratch. */
  async function resumeAt(a: number): Promise<{ first: MfeResult; resumed: MfeResult }> {
    const first = await runAt({ last: a, schedule });
    const resumed = await runAt({ last: T - 1, schedule }, throughJSON(first.checkpoint));
    expectSameRun(resumed, scratch);
    return { first, resumed };
  }

  it('cut on a rebalance date: the trade waits in the checkpoint and fills on resume', { timeout: 60_000 }, async () => {
    const r = dates[schedule === 'weekly' ? 20 : 6]!;
    const { first, resumed } = await resumeAt(r);
    // The run ended on the rebalance date, its trade not yet possible.
    const open = first.rebalances[first.rebalances.length - 1]!;
    expect([open.index, open.status, open.tradeDate, open.days]).toEqual([r, 'optimal', undefined, 0]);
    expect(first.checkpoint.state.pending?.tradeIndex).toBe(r + 1);
    expect(Array.from(first.weights[first.weights.length - 1]!.executed).every(Number.isNaN)).toBe(true);
    // After the resume the same record has its trade and its whole holding period.
    const same = resumed.rebalances[first.rebalances.length - 1]!;
    expect(same.tradeDate).toBe(m.data.calendar.at(r + 1));
    expect(same.turnover).toBeGreaterThan(0);
    expect(same.periodEnd).toBe(m.data.calendar.at(dates[dates.indexOf(r) + 1]!));
  });

  it('cut inside a holding period: the open period goes on', { timeout: 60_000 }, async () => {
    const r = dates[schedule === 'weekly' ? 25 : 7]!;
    const { first, resumed } = await resumeAt(r + 2);
    const k = first.rebalances.length - 1;
    expect(first.rebalances[k]!.index).toBe(r);
    expect([first.rebalances[k]!.days, first.rebalances[k]!.periodEnd]).toEqual([2, m.data.calendar.at(r + 2)]);
    expect(resumed.rebalances[k]!.days).toBe(dates[dates.indexOf(r) + 1]! - r);
    expect(first.checkpoint.state.pending).toBeUndefined();
  });

  it('cut on the day before a rebalance date', { timeout: 60_000 }, async () => {
    const r = dates[schedule === 'weekly' ? 30 : 8]!;
    const { first } = await resumeAt(r - 1);
    expect(first.rebalances[first.rebalances.length - 1]!.index).toBe(dates[dates.indexOf(r) - 1]);
  });

  it('cut on a period end the shorter calendar cannot know (a holiday follows): the resume rebalances on it', { timeout: 60_000 }, async () => {
    // The synthetic calendar closes January 2014 on Wednesday the 29th (Spring Festival); weekly also 30 April and 30 September.
    const h = m.data.calendar.indexOf(schedule === 'weekly' ? '2014-09-30' : '2014-01-29');
    expect(dates).toContain(h);
    const { first, resumed } = await resumeAt(h);
    expect(first.rebalances.some((r) => r.index === h)).toBe(false);
    expect(resumed.rebalances.some((r) => r.index === h)).toBe(true);
  });

  it('a chain of resumes (A → B → end) gives the run from scratch, which an independent replay confirms', { timeout: 90_000 }, async () => {
    const a = dates[schedule === 'weekly' ? 10 : 3]! + 1;
    const b = dates[schedule === 'weekly' ? 33 : 8]! + 3;
    const first = await runAt({ last: a, schedule });
    const second = await runAt({ last: b, schedule }, throughJSON(first.checkpoint));
    expectSameRun(second, await runAt({ last: b, schedule }));
    const third = await runAt({ last: T - 1, schedule }, throughJSON(second.checkpoint));
    expectSameRun(third, scratch);
    // Daily returns rebuilt in money from the weights and the data alone.
    const replayed = replay(m.data, m.universe, third, 'vwap');
    const start = m.data.calendar.indexOf(third.daily.dates[0]!);
    third.daily.portfolio.forEach((p, k) => expect(Math.abs(p - replayed.daily[start + k]!)).toBeLessThan(1e-12));
  });

  it('resuming on the same data solves nothing and gives the checkpoint’s result back', { timeout: 60_000 }, async () => {
    const a = dates[schedule === 'weekly' ? 15 : 5]!;
    const first = await runAt({ last: a, schedule });
    const solves = counting(solver);
    const again = await runAt({ last: a, schedule, optimizer: solves.optimizer }, throughJSON(first.checkpoint));
    expect(solves.solves()).toBe(0);
    // Timings included: nothing was recomputed.
    expect(again).toStrictEqual(first);
  });
});

describe('resume across an infeasible date', () => {
  it('the date is reported, the previous weights are held, and the resumed run equals the run from scratch', { timeout: 120_000 }, async () => {
    const dates = scheduleOf('weekly');
    const blockedAt = dates[22]!;
    const noBuys = (universe: UniverseInstance): UniverseInstance => ({
      id: `${universe.id}+no-buys`,
      members: (t) => universe.members(t),
      weights: (t) => universe.weights!(t),
      tradability: (t) => {
        const flags = universe.tradability!(t);
        return t === blockedAt ? { canBuy: new Uint8Array(flags.canBuy.length), canSell: flags.canSell } : flags;
      },
    });
    const T = m.data.calendar.length;
    const a = blockedAt + 3;
    const first = await runAt({ last: a, schedule: 'weekly', patch: noBuys });
    const record = first.rebalances.find((r) => r.index === blockedAt)!;
    expect(record.status).toBe('infeasible');
    expect(record.infeasibility!.minimalConflicts.length).toBeGreaterThan(0);
    const resumed = await runAt({ last: T - 1, schedule: 'weekly', patch: noBuys }, throughJSON(first.checkpoint));
    const scratch = await runAt({ last: T - 1, schedule: 'weekly', patch: noBuys });
    expectSameRun(resumed, scratch);
    const held = resumed.rebalances.find((r) => r.index === blockedAt)!;
    expect(held.turnover).toBe(0);
    expect(Number.isFinite(held.portfolioReturn)).toBe(true);
  });
});

describe('resume on data with missing returns', () => {
  it('each missing return (held stock or benchmark constituent) is counted once, and a stock without a price is cashed out as from scratch', { timeout: 120_000 }, async () => {
    const base = copyData(m.data);
    const ret = base.field('ret');
    const T = base.calendar.length;
    const b = m.universe.weights!(100)!.weights;
    const constituents = Array.from(b.keys()).filter((a) => b[a]! > 0).slice(0, 40);
    const dates = scheduleOf('weekly');
    for (let d = 60; d < T; d += 5) for (const a of constituents) if ((a + d) % 3 === 0) ret.set(d, a, Number.NaN);
    // No price on rebalance dates after the cut: the stocks held among these become cash there.
    for (const r of dates.slice(30, 34)) for (const a of constituents) ret.set(r, a, Number.NaN);
    const a = dates[27]! + 1;
    const first = await runAt({ last: a, schedule: 'weekly', base });
    const resumed = await runAt({ last: T - 1, schedule: 'weekly', base }, throughJSON(first.checkpoint));
    const scratch = await runAt({ last: T - 1, schedule: 'weekly', base });
    expect(first.counts.missingReturns).toBeGreaterThan(0);
    expect(scratch.counts.missingReturns).toBeGreaterThan(first.counts.missingReturns);
    expect(scratch.rebalances.some((r) => r.index > a && r.counts.cashedOut > 0)).toBe(true);
    expectSameRun(resumed, scratch);
  });
});

describe('what a resume refuses', () => {
  let first: MfeResult;
  let a: number;
  let T: number;

  beforeAll(async () => {
    T = m.data.calendar.length;
    a = scheduleOf('weekly')[12]! + 2;
    first = await runAt({ last: a, schedule: 'weekly' });
  }, 60_000);

  async function refusal(options: MfeOptions, checkpoint: MfeCheckpoint): Promise<{ reason: string; message: string }> {
    const check = checkMfeResume(options, checkpoint);
    const error = await runMfe({ ...options, resume: checkpoint }).catch((e: unknown) => e);
    expect(isFactorkitError(error) && error.code).toBe('FK_INVALID_ARGUMENT');
    expect(check.ok).toBe(false);
    const { reason, message } = check as { reason: string; message: string };
    expect((error as Error).message).toBe(`runMfe: cannot resume from the checkpoint: ${message}`);
    expect((error as { details: { reason: string } }).details.reason).toBe(reason);
    return { reason, message };
  }

  it('accepts what fits', () => {
    expect(checkMfeResume(optionsAt({ last: T - 1, schedule: 'weekly' }), first.checkpoint)).toEqual({ ok: true });
    expect(mfeSettingsKey(optionsAt({ last: T - 1, schedule: 'weekly' }))).toBe(first.checkpoint.settingsKey);
  });

  it('other settings, naming what differs', async () => {
    const options = optionsAt({ last: T - 1, schedule: 'weekly', extra: { constraints: { turnover: 0.3, deviation: 0.005 } } });
    const { reason, message } = await refusal(options, first.checkpoint);
    expect(reason).toBe('settings');
    expect(message).toContain('constraints.turnover: `0.2` → `0.3`');
    expect(message).toContain('constraints.deviation: `0.01` → `0.005`');
    expect((await refusal(optionsAt({ last: T - 1, schedule: 'monthly' }), first.checkpoint)).message).toContain('schedule: `"weekly"` → `"monthly"`');
    expect((await refusal({ ...optionsAt({ last: T - 1, schedule: 'weekly' }), direction: -1 }, first.checkpoint)).message).toContain('direction: `1` → `-1`');
  });

  it('a calendar that does not start with the checkpoint’s dates, naming the first that differs', async () => {
    const data = m.data.window(1, T);
    const { universe, market } = universesOver(data);
    const options: MfeOptions = { ...optionsAt({ last: T - 1, schedule: 'weekly' }), data, universe, investable: market, factor: factors.weekly.sliceDates(1, T) };
    const { reason, message } = await refusal(options, first.checkpoint);
    expect(reason).toBe('calendar');
    expect(message).toBe(`the data's calendar does not start with the checkpoint's dates: it has \`${m.data.calendar.at(1)}\` at position 0 where the checkpoint has \`${m.data.calendar.at(0)}\``);
    // Data that ends before the checkpoint's last day.
    const shorter = await refusal(optionsAt({ last: a - 1, schedule: 'weekly' }), first.checkpoint);
    expect(shorter.message).toContain(`it ends on \`${m.data.calendar.at(a - 1)}\` where the checkpoint has \`${m.data.calendar.at(a)}\``);
  });

  it('a run that would end before the checkpoint’s last day', async () => {
    const options = optionsAt({ last: T - 1, schedule: 'weekly', extra: { range: { end: m.data.calendar.at(a - 3) } } });
    expect((await refusal(options, first.checkpoint)).reason).toBe('range');
  });

  it('a factor that is not the one the checkpoint’s run read', async () => {
    const options = optionsAt({ last: T - 1, schedule: 'weekly' });
    const changed = (options.factor as Panel).sliceDates(0);
    const r = first.rebalances[first.rebalances.length - 1]!.index;
    changed.set(r, 7, changed.get(r, 7) + 0.5);
    const { reason, message } = await refusal({ ...options, factor: changed }, first.checkpoint);
    expect(reason).toBe('data');
    expect(message).toContain(`on \`${m.data.calendar.at(r)}\``);
  });

  it('a malformed checkpoint, with the paths of its problems', async () => {
    const broken = { ...first.checkpoint, state: { ...first.checkpoint.state, holdings: { ...first.checkpoint.state.holdings, weight: new Float64Array(3) } } };
    const error = await runMfe({ ...optionsAt({ last: T - 1, schedule: 'weekly' }), resume: broken }).catch((e: unknown) => e);
    expect(isFactorkitError(error) && error.code).toBe('FK_INVALID_PARAMS');
    expect((error as { issues: unknown }).issues).toEqual([{ path: 'resume.state.holdings.weight', message: `expected ${m.data.assets.length} entries, got 3` }]);
  });
});

/** The fields of a checkpoint's JSON that the test below damages. */
interface Damaged {
  state: { holdings: { cash: unknown }; pending: { record: unknown } };
  result: { rebalances: { date: unknown }[]; daily: { portfolio: unknown } };
}

describe('the checkpoint as data', () => {
  let result: MfeResult;
  let cold: MfeResult;

  beforeAll(async () => {
    result = await runAt({ last: scheduleOf('weekly')[18]!, schedule: 'weekly', extra: { warmStart: true } });
    cold = await runAt({ last: scheduleOf('weekly')[18]!, schedule: 'weekly' });
  }, 60_000);

  it('survives JSON and structuredClone bit for bit (NaN, −0, undefined, typed arrays)', () => {
    const cp = result.checkpoint;
    expect(cp.state.pending).toBeDefined();
    expect(cp.state.warmStart?.x.length).toBeGreaterThan(0);
    expect(cp.result.rebalances.some((r) => Number.isNaN(r.objective))).toBe(true);
    const text = JSON.stringify(mfeCheckpointToJSON(cp));
    expect(mfeCheckpointFromJSON(text)).toStrictEqual(cp);
    expect(mfeCheckpointFromJSON(JSON.parse(text))).toStrictEqual(cp);
    expect(structuredClone(cp)).toStrictEqual(cp);
    // −0 and the other values JSON loses, anywhere in the object.
    const odd = { ...cp, state: { ...cp.state, holdings: { ...cp.state.holdings, cash: -0 }, period: { ...cp.state.period!, portfolio: Number.NEGATIVE_INFINITY } } };
    const back = mfeCheckpointFromJSON(JSON.stringify(mfeCheckpointToJSON(odd)));
    expect(Object.is(back.state.holdings.cash, -0)).toBe(true);
    expect(back.state.period!.portfolio).toBe(Number.NEGATIVE_INFINITY);
  });

  it('a structured clone (what a worker thread receives) resumes like the original', { timeout: 60_000 }, async () => {
    const T = m.data.calendar.length;
    const fromClone = await runAt({ last: T - 1, schedule: 'weekly' }, structuredClone(cold.checkpoint));
    expectSameRun(fromClone, await runAt({ last: T - 1, schedule: 'weekly' }, cold.checkpoint));
  });

  it('reading a damaged file names every bad field', () => {
    const json = JSON.parse(JSON.stringify(mfeCheckpointToJSON(result.checkpoint))) as Damaged;
    json.state.holdings.cash = 'all';
    json.state.pending.record = 999;
    json.result.rebalances[3]!.date = '2014-13-01';
    json.result.daily.portfolio = { $float64: 'AAAA' };
    const error = (() => {
      try {
        return mfeCheckpointFromJSON(json, 'mfe-checkpoint.json');
      } catch (e) {
        return e;
      }
    })();
    expect(isFactorkitError(error) && error.code).toBe('FK_INVALID_DATA');
    expect((error as Error).message).toMatch(/^`mfe-checkpoint\.json` is not a valid MFE checkpoint/);
    expect((error as { issues: unknown }).issues).toEqual([{ path: 'result.daily.portfolio', message: 'expected base64 of 8-byte values, got `"AAAA"`' }]);
    json.result.daily.portfolio = (mfeCheckpointToJSON(result.checkpoint) as unknown as Damaged).result.daily.portfolio;
    const again = (() => {
      try {
        return mfeCheckpointFromJSON(json);
      } catch (e) {
        return e;
      }
    })();
    const paths = (again as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['state.holdings.cash', 'state.pending.record', 'result.rebalances[3].date']));
    expect(() => mfeCheckpointFromJSON('{"format": "factorkit-mfe-checkpoint", "version": 2}')).toThrow(/version: expected 1/);
    expect(() => mfeCheckpointFromJSON('not json')).toThrow(/MFE checkpoint is not valid JSON/);
  });
});
