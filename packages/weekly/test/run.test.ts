/**
 * runWeekly on a small synthetic market (`generateMarket`) without strategies or tracking: the
 * fund section is the fund analysis `factorkit funds` makes for the same as-of date, a market
 * without fund tables gives an absent section with its reason, and each bad as-of date is refused
 * naming the option.
 */
import { isFactorkitError } from '@factorkit/core';
import { createDataset } from '@factorkit/data';
import { fundAnalytics } from '@factorkit/funds';
import { generateMarket } from '@factorkit/synth';
import { beforeAll, describe, expect, it } from 'vitest';
import { runWeekly, weeklyFiles, weeklySummary, weeklyTables } from '../src/index.js';

type Data = ReturnType<typeof createDataset>['dataset'];
let data: Data;
let bare: Data;
let dates: readonly string[];

beforeAll(() => {
  const market = generateMarket({ stocks: 200, years: 2, funds: 40, seed: 7, exposures: false });
  data = createDataset(market.tables).dataset;
  bare = createDataset(new Map([...market.tables].filter(([name]) => !name.startsWith('fund')))).dataset;
  dates = data.calendar.dates;
}, 120_000);

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('did not reject');
}

describe('runWeekly', () => {
  it('holds the fund distribution that the fund analysis gives for the same as-of date, and absent sections with their reasons', async () => {
    const asOf = dates[dates.length - 6]!;
    const result = await runWeekly(data, { asOf, absentReasons: { strategies: 'no --strategies given' } });
    expect(result.lastDate).toBe(asOf);
    expect(result.windows.map((w) => w.name)).toEqual(['week', 'month', 'quarter', 'ytd']);
    if (result.funds.status !== 'ok') throw new Error(`funds absent: ${result.funds.reason}`);
    const direct = fundAnalytics(data, { asOf, heavyHoldings: false });
    expect(result.funds.value.distribution).toEqual(direct.distribution);
    expect(result.funds.value.distribution.length).toBeGreaterThan(0);
    expect(result.strategies).toEqual({ status: 'absent', why: 'not_requested', reason: 'no --strategies given' });
    expect(result.tracking).toMatchObject({ status: 'absent', why: 'not_requested' });
    expect(result.problems).toEqual([]);
    expect(weeklyTables(result).map((t) => t.file)).toEqual(['fund_excess_distribution.csv']);
    expect(weeklyFiles(result)).toEqual(['fund_excess_distribution.csv', 'weekly.json', 'report.html']);
    const json = weeklySummary(result) as unknown as { strategies: { reason: string }; funds: { distribution: unknown[] } };
    expect(json.strategies.reason).toBe('no --strategies given');
    expect(json.funds.distribution).toHaveLength(direct.distribution.length);
  });

  it('says why the fund section is absent when the data has no fund NAVs, and that is no problem', async () => {
    const result = await runWeekly(bare, { asOf: dates[dates.length - 1]! });
    expect(result.funds).toMatchObject({ status: 'absent', why: 'missing_data', code: 'FK_MISSING_INPUT' });
    if (result.funds.status === 'absent') expect(result.funds.reason).toMatch(/no `funds` or `fund_nav` table/);
    expect(result.problems).toEqual([]);
    const off = await runWeekly(data, { asOf: dates[dates.length - 1]!, funds: false });
    expect(off.funds).toMatchObject({ status: 'absent', why: 'not_requested' });
  });

  it('ends every window at the last trading day before a non-trading as-of date, with a note', async () => {
    // A Sunday inside the calendar.
    const sunday = dates.map((d) => new Date(`${d}T00:00:00Z`)).find((d, k) => k > 20 && d.getUTCDay() === 5)!;
    const friday = sunday.toISOString().slice(0, 10);
    const asOf = new Date(sunday.getTime() + 2 * 86_400_000).toISOString().slice(0, 10);
    const result = await runWeekly(data, { asOf, funds: false });
    expect(result.lastDate).toBe(friday);
    expect(result.notes.join(' ')).toContain(`${asOf} is not a trading day`);
  });

  it('refuses an as-of date that is not a date, is before the calendar or after its last week, naming the option', async () => {
    const names = { optionNames: { asOf: '--as-of' } };
    const notDate = await rejection(runWeekly(data, { asOf: 'last friday', ...names }));
    expect(isFactorkitError(notDate) && notDate.code).toBe('FK_INVALID_ARGUMENT');
    expect(notDate.message).toMatch(/^--as-of: `"last friday"` is not a date/);
    const early = await rejection(runWeekly(data, { asOf: '1990-01-05', ...names }));
    expect(early.message).toBe(`--as-of: \`1990-01-05\` is before the data's first trading day \`${dates[0]}\``);
    const last = dates[dates.length - 1]!;
    const later = new Date(Date.parse(`${last}T00:00:00Z`) + 8 * 86_400_000).toISOString().slice(0, 10);
    const stale = await rejection(runWeekly(data, { asOf: later, ...names }));
    expect(isFactorkitError(stale) && stale.code).toBe('FK_INVALID_ARGUMENT');
    expect(stale.message).toContain(`--as-of: \`${later}\` is after the data's calendar, which ends \`${last}\``);
    // The weekend right after the last trading day is the same week: accepted.
    const weekend = new Date(Date.parse(`${last}T00:00:00Z`));
    const sameWeek = new Date(weekend.getTime() + ((7 - weekend.getUTCDay()) % 7) * 86_400_000).toISOString().slice(0, 10);
    expect((await runWeekly(data, { asOf: sameWeek, funds: false })).lastDate).toBe(last);
  });
});
