import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assetIndexOfCodes,
  dateIntToEpochDay,
  epochDayToDateInt,
  groupRowsByAsset,
  intervalValues,
  pitAsOf,
  pitPanel,
  pointInTime,
  type PitDerivationName,
  type ReportRows,
} from '../src/index.js';

/**
 * Properties of the point-in-time functions on random data:
 * - they agree with a brute-force oracle written independently (per day: filter the rows
 *   published by then, keep the last version of each period end, then apply the formulas on
 *   end dates, not on period indices);
 * - garbling every row published after day k (values, periods, dates) and adding more such rows
 *   never changes the output up to day k (no look-ahead).
 */

const DERIVATIONS: readonly PitDerivationName[] = ['latest', 'ttm', 'singleQuarter', 'yoySingleQuarter', 'yoyTtm'];
const BASE = dateIntToEpochDay(20190101);
const SPAN = 4 * 365;
const QUARTER_ENDS = [331, 630, 930, 1231];

const dayArb = (min: number, max: number) => fc.integer({ min, max }).map((d) => epochDayToDateInt(BASE + d));
const endArb = fc.tuple(fc.integer({ min: 2017, max: 2022 }), fc.integer({ min: 0, max: 3 })).map(([y, q]) => y * 10_000 + QUARTER_ENDS[q]!);
const valueArb = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -50, max: 200 }) }, { weight: 1, arbitrary: fc.constant(Number.NaN) });
const rowArb = fc.tuple(dayArb(-400, SPAN + 100), endArb, valueArb);
const calendarArb = fc
  .uniqueArray(fc.integer({ min: 0, max: SPAN }), { minLength: 1, maxLength: 80 })
  .map((days) => Int32Array.from(days.sort((a, b) => a - b), (d) => epochDayToDateInt(BASE + d)));

type Row = readonly [ann: number, end: number, value: number];
const toReports = (rows: readonly Row[]): ReportRows => ({
  annDate: Int32Array.from(rows, (r) => r[0]),
  endDate: Int32Array.from(rows, (r) => r[1]),
  value: Float64Array.from(rows, (r) => r[2]),
});

/** The brute-force oracle: the derivation on `day`, from scratch. */
function oracle(rows: readonly Row[], day: number, derivation: PitDerivationName, skipMissing: boolean): number {
  const versions = new Map<number, { ann: number; index: number; value: number }>();
  rows.forEach(([ann, end, value], index) => {
    if (ann > day || (skipMissing && Number.isNaN(value))) return;
    const seen = versions.get(end);
    if (!seen || ann > seen.ann || (ann === seen.ann && index > seen.index)) versions.set(end, { ann, index, value });
  });
  if (versions.size === 0) return Number.NaN;
  const v = (end: number) => versions.get(end)?.value ?? Number.NaN;
  const latestEnd = Math.max(...versions.keys());
  const year = Math.floor(latestEnd / 10_000);
  const md = latestEnd % 10_000;
  const ttm = (y: number, m: number) => (m === 1231 ? v(y * 10_000 + 1231) : v(y * 10_000 + m) + v((y - 1) * 10_000 + 1231) - v((y - 1) * 10_000 + m));
  const previousMd: Record<number, number> = { 630: 331, 930: 630, 1231: 930 };
  const single = (y: number, m: number) => (m === 331 ? v(y * 10_000 + 331) : v(y * 10_000 + m) - v(y * 10_000 + previousMd[m]!));
  const growth = (x: number, base: number) => (Number.isFinite(x) && Number.isFinite(base) && base !== 0 ? (x - base) / Math.abs(base) : Number.NaN);
  switch (derivation) {
    case 'latest':
      return v(latestEnd);
    case 'ttm':
      return ttm(year, md);
    case 'singleQuarter':
      return single(year, md);
    case 'yoySingleQuarter':
      return growth(single(year, md), single(year - 1, md));
    case 'yoyTtm':
      return growth(ttm(year, md), ttm(year - 1, md));
  }
}

function sameNumber(a: number, b: number): boolean {
  return (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));
}

describe('point in time, property-based', () => {
  it('agrees with a brute-force oracle', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 30 }), calendarArb, fc.boolean(), (rows, calendar, skipMissing) => {
        const reports = toReports(rows);
        for (const derivation of DERIVATIONS) {
          const out = pointInTime(reports, calendar, derivation, { skipMissing });
          calendar.forEach((day, t) => {
            const expected = oracle(rows, day, derivation, skipMissing);
            if (!sameNumber(out[t]!, expected)) throw new Error(`${derivation} on ${day}: got ${out[t]}, oracle ${expected}`);
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never depends on rows published after the day (garbled future → same past)', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { maxLength: 30 }),
        calendarArb,
        fc.nat(),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 400 }), endArb, valueArb), { maxLength: 40 }),
        fc.array(rowArb, { maxLength: 10 }),
        fc.boolean(),
        (rows, calendar, pick, garbage, extra, skipMissing) => {
          const k = pick % calendar.length;
          const cutoff = calendar[k]!;
          const cutoffDay = dateIntToEpochDay(cutoff);
          const future = (offset: number) => epochDayToDateInt(cutoffDay + offset);
          const garbled: Row[] = rows.map((row, i) => {
            if (row[0] <= cutoff) return row;
            const [offset, end, value] = garbage[i % Math.max(garbage.length, 1)] ?? [7, 20221231, 1e9];
            return [future(offset), end, value];
          });
          for (const [ann, end, value] of extra) garbled.push([ann > cutoff ? ann : future(1 + (ann % 50)), end, value]);
          for (const derivation of DERIVATIONS) {
            const a = pointInTime(toReports(rows), calendar, derivation, { skipMissing });
            const b = pointInTime(toReports(garbled), calendar, derivation, { skipMissing });
            for (let t = 0; t <= k; t++) {
              if (!sameNumber(a[t]!, b[t]!)) throw new Error(`${derivation} at ${calendar[t]} changed: ${a[t]} → ${b[t]}`);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('as-of and interval values never depend on rows dated after the day', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(dayArb(-100, SPAN), fc.integer({ min: 0, max: 400 }), valueArb), { maxLength: 20 }),
        calendarArb,
        fc.nat(),
        fc.integer(),
        (rows, calendar, pick, noise) => {
          const k = pick % calendar.length;
          const cutoff = calendar[k]!;
          const garble = (d: number, v: number): [number, number] => (d > cutoff ? [epochDayToDateInt(dateIntToEpochDay(d) + Math.abs(noise % 17)), v + noise] : [d, v]);
          const dates = rows.map((r) => r[0]);
          const values = rows.map((r) => r[2]);
          const g = rows.map((r) => garble(r[0], r[2]));
          const a = pitAsOf({ date: dates, value: values }, calendar);
          const b = pitAsOf({ date: g.map((x) => x[0]), value: g.map((x) => x[1]) }, calendar);
          // Intervals: garbling rows that start after the day cannot change the day either.
          const outDates = rows.map((r) => epochDayToDateInt(dateIntToEpochDay(r[0]) + r[1]));
          const ia = intervalValues({ inDate: dates, outDate: outDates, value: values }, calendar);
          const ib = intervalValues(
            { inDate: g.map((x) => x[0]), outDate: g.map((x, i) => (x[0] === dates[i] ? outDates[i]! : epochDayToDateInt(dateIntToEpochDay(x[0]) + 3))), value: g.map((x) => x[1]) },
            calendar,
          );
          for (let t = 0; t <= k; t++) {
            if (!sameNumber(a[t]!, b[t]!)) throw new Error(`pitAsOf at ${calendar[t]}: ${a[t]} → ${b[t]}`);
            if (!sameNumber(ia[t]!, ib[t]!)) throw new Error(`intervalValues at ${calendar[t]}: ${ia[t]} → ${ib[t]}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('batch panels equal the per-stock series, whatever the row order', () => {
    const stockRow = fc.tuple(fc.integer({ min: 0, max: 4 }), rowArb);
    fc.assert(
      fc.property(fc.array(stockRow, { maxLength: 60 }), calendarArb, (rows, calendar) => {
        const dictionary = ['A', 'B', 'C', 'D', 'E'];
        const assets = ['C', 'A', 'E', 'Z'];
        const codes = rows.map((r) => r[0]);
        const reports = toReports(rows.map((r) => r[1]));
        const groups = groupRowsByAsset(codes, assetIndexOfCodes(dictionary, assets), assets.length, reports.annDate);
        const T = calendar.length;
        for (const derivation of DERIVATIONS) {
          const panel = pitPanel(groups, reports, reports.value, calendar, derivation);
          assets.forEach((id, a) => {
            const own = rows.filter((r) => dictionary[r[0]] === id).map((r) => r[1]);
            const expected = pointInTime(toReports(own), calendar, derivation);
            for (let t = 0; t < T; t++) {
              if (!sameNumber(panel[a * T + t]!, expected[t]!)) throw new Error(`${derivation} ${id} t=${t}: ${panel[a * T + t]} vs ${expected[t]}`);
            }
          });
        }
        expect(groups.unmatchedRows).toBe(rows.filter((r) => !assets.includes(dictionary[r[0]]!)).length);
      }),
      { numRuns: 200 },
    );
  });
});
