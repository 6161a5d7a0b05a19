/**
 * The synthetic SSE/SZSE trading calendar: weekdays minus approximate Chinese exchange holidays.
 *
 * The lunar holidays (Spring Festival, Dragon Boat, Mid-Autumn) come from new moons computed
 * with the leading terms of Meeus' lunar phase series (good to minutes) and the rule that lunar
 * month 1 / 5 / 8 is the one containing the principal term Yushui (≈ Feb 19) / the summer
 * solstice (≈ Jun 21) / the autumn equinox (≈ Sep 23), dates taken in China time (UTC+8).
 * Exchange closures follow simplified versions of the State Council's holiday schedules
 * (see README); make-up working weekends do not matter because exchanges never open on
 * weekends.
 */
import { dateIntToEpochDay, epochDayToDateInt } from '@factorkit/data';

const DEG = Math.PI / 180;

/** Julian ephemeris day of the true new moon with lunation number `k` (k = 0 near 2000-01-06). */
function newMoonJde(k: number): number {
  const T = k / 1236.85;
  const jde = 2_451_550.09766 + 29.530588861 * k + 0.00015437 * T * T;
  const E = 1 - 0.002516 * T;
  const M = (2.5534 + 29.1053567 * k) * DEG;
  const Mp = (201.5643 + 385.81693528 * k) * DEG;
  const F = (160.7108 + 390.67050284 * k) * DEG;
  const Om = (124.7746 - 1.56375588 * k) * DEG;
  return (
    jde -
    0.4072 * Math.sin(Mp) +
    0.17241 * E * Math.sin(M) +
    0.01608 * Math.sin(2 * Mp) +
    0.01039 * Math.sin(2 * F) +
    0.00739 * E * Math.sin(Mp - M) -
    0.00514 * E * Math.sin(Mp + M) +
    0.00208 * E * E * Math.sin(2 * M) -
    0.00111 * Math.sin(Mp - 2 * F) -
    0.00057 * Math.sin(Mp + 2 * F) +
    0.00056 * E * Math.sin(2 * Mp + M) -
    0.00042 * Math.sin(3 * Mp) +
    0.00042 * E * Math.sin(M + 2 * F) +
    0.00038 * E * Math.sin(M - 2 * F) -
    0.00024 * E * Math.sin(2 * Mp - M) -
    0.00017 * Math.sin(Om)
  );
}

/** The epoch day (China time) on which new moon `k` falls. */
function newMoonDay(k: number): number {
  return Math.floor(newMoonJde(k) - 2_440_587.5 + 8 / 24);
}

/** The epoch day of the first day of the lunar month that contains epoch day `day`. */
function lunarMonthStart(day: number): number {
  // 2000-01-06 is epoch day 10_962; estimate k, then step to the bracketing new moons.
  let k = Math.floor((day - 10_962) / 29.530588861);
  while (newMoonDay(k) > day) k--;
  while (newMoonDay(k + 1) <= day) k++;
  return newMoonDay(k);
}

const ymd = (year: number, month: number, day: number): number => dateIntToEpochDay(year * 10_000 + month * 100 + day);
/** 0 = Sunday … 6 = Saturday. 1970-01-01 was a Thursday. */
const weekday = (day: number): number => (((day + 4) % 7) + 7) % 7;

/** Spring Festival (lunar new year) of `year`, as an epoch day. */
export function springFestival(year: number): number {
  return lunarMonthStart(ymd(year, 2, 19));
}

/** Dragon Boat Festival (5th day of the 5th lunar month) of `year`. */
export function dragonBoat(year: number): number {
  return lunarMonthStart(ymd(year, 6, 21)) + 4;
}

/** Mid-Autumn Festival (15th day of the 8th lunar month) of `year`. */
export function midAutumn(year: number): number {
  return lunarMonthStart(ymd(year, 9, 23)) + 14;
}

/** Qingming: 4 April in leap years and the year after, else 5 April (right for 2008–2047). */
function qingming(year: number): number {
  return ymd(year, 4, year % 4 <= 1 ? 4 : 5);
}

/** A one-day holiday becomes a three-day break: a weekend day pulls in Monday, Tuesday pulls in Monday, Thursday Friday. */
function threeDayBreak(day: number, closed: Set<number>): void {
  closed.add(day);
  const wd = weekday(day);
  if (wd === 6) closed.add(day + 2);
  else if (wd === 0) closed.add(day + 1);
  else if (wd === 2) closed.add(day - 1);
  else if (wd === 4) closed.add(day + 1);
}

/** Epoch days on which the exchanges are closed in `year` for holidays (weekdays and weekends mixed). */
export function holidays(year: number): Set<number> {
  const closed = new Set<number>();
  threeDayBreak(ymd(year, 1, 1), closed);
  const sf = springFestival(year);
  for (let d = sf - 1; d <= sf + 5; d++) closed.add(d);
  threeDayBreak(qingming(year), closed);
  const may1 = ymd(year, 5, 1);
  if (year >= 2020) {
    // Five calendar days from 1 May, moved back to start on the Saturday when 1 May is a Sunday or Monday.
    const wd = weekday(may1);
    const first = may1 - (wd === 0 ? 1 : wd === 1 ? 2 : 0);
    for (let d = 0; d < 5; d++) closed.add(first + d);
  } else threeDayBreak(may1, closed);
  threeDayBreak(dragonBoat(year), closed);
  const ma = midAutumn(year);
  const nd = ymd(year, 10, 1);
  if (ma >= nd - 3 && ma <= nd + 7) closed.add(ma);
  else threeDayBreak(ma, closed);
  for (let d = 0; d < 7; d++) closed.add(nd + d);
  return closed;
}

/**
 * Trading days from `from` to `to` (inclusive `yyyymmdd` integers): weekdays that are not
 * holidays.
 */
export function tradingDays(from: number, to: number): Int32Array {
  const first = dateIntToEpochDay(from);
  const last = dateIntToEpochDay(to);
  const out: number[] = [];
  let year = -1;
  let closed = new Set<number>();
  for (let d = first; d <= last; d++) {
    const date = epochDayToDateInt(d);
    const y = Math.floor(date / 10_000);
    if (y !== year) {
      year = y;
      closed = holidays(y);
    }
    const wd = weekday(d);
    if (wd === 0 || wd === 6 || closed.has(d)) continue;
    out.push(date);
  }
  return Int32Array.from(out);
}
