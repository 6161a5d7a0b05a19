import { type MarketData, Panel, createMemoryData, createRegistry, pluginsFromModule } from '@factorkit/core';
import { marketUniverse } from '@factorkit/universe-index';
import { describe, expect, it } from 'vitest';
import * as module from '../src/index.js';
import { fundHoldingsUniverse } from '../src/index.js';
import { DAYS, S, fundsTable, holdingsTable } from './example.js';

/** The example's stocks without D (`000063.SZ`), plus one no fund holds. */
const ASSETS = [S.A, S.B, S.C, S.E, S.Z, '600000.SH'];
const T = DAYS.length;
const N = ASSETS.length;

/** B suspended on day 2; A returns +10 % on day 2 and −50 % on day 3 (NaN return for B on day 2). */
function data(options: { tables?: boolean } = {}) {
  const trading = Panel.fromRows(Array.from({ length: T }, (_, t) => ASSETS.map((_, a) => (t === 2 && a === 1 ? 0 : 1))));
  const ret = Panel.fromRows(Array.from({ length: T }, (_, t) => ASSETS.map((_, a) => (a === 0 ? (t === 2 ? 0.1 : t === 3 ? -0.5 : 0) : a === 1 && t === 2 ? Number.NaN : 0))));
  return createMemoryData({
    calendar: DAYS,
    assets: ASSETS,
    fields: { is_trading: trading, ret },
    ...(options.tables === false ? {} : { tables: { funds: fundsTable(), fund_holdings: holdingsTable() } }),
  });
}

const resolve = (d: MarketData, params: Parameters<typeof fundHoldingsUniverse.with>[0] = {}) => fundHoldingsUniverse.resolve({ data: d, params: fundHoldingsUniverse.with(params).params });
const list = (mask: Uint8Array) => ASSETS.filter((_, a) => mask[a] === 1);
const weightsByCode = (w: Float64Array): Record<string, number> => Object.fromEntries(ASSETS.map((code, a) => [code, w[a]!] as const).filter(([, x]) => x > 0));

describe('fund-holdings universe', () => {
  it('is a benchmark universe plugin, the package’s default export, registrable', () => {
    expect(fundHoldingsUniverse.id).toBe('fund-holdings');
    expect(fundHoldingsUniverse.meta.benchmark).toBe(true);
    expect(pluginsFromModule(module)).toEqual([fundHoldingsUniverse]);
    const registry = createRegistry();
    registry.register(fundHoldingsUniverse);
    expect(registry.has('universe', 'fund-holdings')).toBe(true);
  });

  it('has no members and no weights before the first disclosure', () => {
    const u = resolve(data());
    expect(list(u.members(0))).toEqual([]);
    expect(u.weights(0)).toBeUndefined();
  });

  it('members: the rebuild’s members among the assets, minus suspended stocks', () => {
    const u = resolve(data());
    // Rebuild 1: A, B, C, D — D is not among the assets.
    expect(list(u.members(1))).toEqual([S.A, S.B, S.C]);
    expect(list(u.members(2))).toEqual([S.A, S.C]); // B suspended
    // 2024-01-17: F1's December report has ended but is not announced yet.
    expect(list(u.members(3))).toEqual([S.A, S.B, S.C]);
    expect(list(u.members(4))).toEqual([S.A, S.B, S.C, S.E]);
    expect(list(resolve(data(), { excludeSuspended: false }).members(2))).toEqual([S.A, S.B, S.C]);
  });

  it('weights: renormalised over the members the dataset has, approximate, carried, drifted with returns', () => {
    const u = resolve(data());
    // A 6/11, B 2/11, C 2/11 (D 1/11 missing) → A 0.6, B 0.2, C 0.2.
    const first = u.weights(1)!;
    expect(first).toMatchObject({ asOf: '2023-10-20', carried: false, approximate: true });
    expect(weightsByCode(first.weights)).toEqual({ [S.A]: expect.closeTo(0.6, 12), [S.B]: expect.closeTo(0.2, 12), [S.C]: expect.closeTo(0.2, 12) });
    // Day 2: A × 1.1 (B's missing return counts 0) → 0.66, 0.2, 0.2 over 1.06.
    const drifted = u.weights(2)!;
    expect(drifted).toMatchObject({ asOf: '2023-10-20', carried: true, approximate: true });
    expect(weightsByCode(drifted.weights)).toEqual({ [S.A]: expect.closeTo(0.66 / 1.06, 12), [S.B]: expect.closeTo(0.2 / 1.06, 12), [S.C]: expect.closeTo(0.2 / 1.06, 12) });
    // Day 3: A × 1.1 × 0.5 → 0.33, 0.2, 0.2 over 0.73.
    expect(weightsByCode(u.weights(3)!.weights)).toEqual({ [S.A]: expect.closeTo(0.33 / 0.73, 12), [S.B]: expect.closeTo(0.2 / 0.73, 12), [S.C]: expect.closeTo(0.2 / 0.73, 12) });
    // Rebuild 2 on day 4: A 5/13, E 4/13, B 3/13, C 1/13 — all among the assets.
    expect(weightsByCode(u.weights(4)!.weights)).toEqual({
      [S.A]: expect.closeTo(5 / 13, 12),
      [S.E]: expect.closeTo(4 / 13, 12),
      [S.B]: expect.closeTo(3 / 13, 12),
      [S.C]: expect.closeTo(1 / 13, 12),
    });
    const flat = resolve(data(), { drift: false }).weights(3)!;
    expect(weightsByCode(flat.weights)).toEqual({ [S.A]: expect.closeTo(0.6, 12), [S.B]: expect.closeTo(0.2, 12), [S.C]: expect.closeTo(0.2, 12) });
  });

  it('tradability is the index universes’ (suspension, limits)', () => {
    const u = resolve(data());
    const market = marketUniverse.resolve({ data: data(), params: marketUniverse.with({}).params });
    expect(Array.from(u.tradability(2).canBuy)).toEqual([1, 0, 1, 1, 1, 1]);
    for (let t = 0; t < T; t++) expect(u.tradability(t)).toEqual(market.tradability!(t));
  });

  it('hands out the index it built, with the rebuild reports and coverage', () => {
    const u = resolve(data());
    expect(u.index.rebuilds.map((r) => r.date)).toEqual(['2023-10-20', '2024-01-18', '2024-01-22', '2024-01-25', '2024-04-22']);
    expect(u.index.rebuilds[0]!.report.coverage?.missingMembers).toEqual([S.D]);
  });

  it('sees nothing after the view’s last day: a view cut before a disclosure gives the index without it', () => {
    const full = resolve(data());
    const cut = resolve(data().window(0, 6)); // up to 2024-01-19: F2's report of the 20th is not visible
    expect(cut.index.rebuilds.map((r) => r.date)).toEqual(['2023-10-20', '2024-01-18']);
    for (let t = 0; t < 6; t++) {
      expect(cut.members(t)).toEqual(full.members(t));
      expect(cut.weights(t)).toEqual(full.weights(t));
    }
  });

  it('a view that starts after a disclosure takes that report from its first day', () => {
    const late = resolve(data().window(2, T));
    expect(late.index.rebuilds[0]!.date).toBe('2023-10-23');
    expect(list(late.members(1))).toEqual([S.A, S.B, S.C]);
    expect(late.weights(1)).toMatchObject({ asOf: '2023-10-23', carried: true });
  });

  it('throws FK_MISSING_INPUT naming the table when the dataset has no fund tables, or cannot provide tables', () => {
    expect(() => resolve(data({ tables: false }))).toThrow(
      expect.objectContaining({ code: 'FK_MISSING_INPUT', message: 'universe `fund-holdings`: table `funds` is needed, but the dataset does not have it' }) as Error,
    );
    const d = data();
    const noTables: MarketData = {
      calendar: d.calendar,
      assets: d.assets,
      fieldInfo: () => d.fieldInfo(),
      hasField: (name) => d.hasField(name),
      field: (name, request) => d.field(name, request),
      categorical: (name, request) => d.categorical(name, request),
      window: (start, end) => d.window(start, end),
    };
    expect(() => resolve(noTables)).toThrow(expect.objectContaining({ code: 'FK_MISSING_INPUT', message: expect.stringContaining('table `funds` is needed, but this data cannot provide tables') as string }) as Error);
  });

  it('has one weight per asset, summing to 1 wherever it gives weights', () => {
    const u = resolve(data());
    for (let t = 1; t < T; t++) {
      const w = u.weights(t)!.weights;
      expect(w).toHaveLength(N);
      expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
    }
  });
});
