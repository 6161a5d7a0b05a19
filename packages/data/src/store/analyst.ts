import { Panel } from '@factorkit/core';
import { groupTableByAsset } from '../pit/panel.js';
import { type Table, dateColumn, dateIntToEpochDay, numberColumn, stringColumn } from '../table.js';
import type { BuildContext } from './build.js';
import { once } from './market.js';

/** How far back the coverage fields look, in calendar days (three months). */
export const COVERAGE_WINDOW_DAYS = 91;

/**
 * Analyst fields:
 * - from `consensus` (point in time by `trade_date`), for each value column `c`:
 *   `consensus_<c>_fy1` / `_fy2` — the latest consensus for the fiscal year of the date and the
 *   next one — and `consensus_<c>_12m`, the time-weighted blend of the two that covers the
 *   next twelve months: (1 − f)·FY1 + f·FY2, f = the fraction of the calendar year elapsed;
 * - from `analyst_reports`: `analyst_coverage_3m`, the number of distinct institutions with a
 *   report in the last three months (the 91 calendar days ending on the date), and
 *   `analyst_reports_3m`, the number of reports in that window.
 */
export function analystFields(ctx: BuildContext): void {
  const consensus = ctx.tables.get('consensus');
  if (consensus) consensusFields(ctx, consensus);
  const reports = ctx.tables.get('analyst_reports');
  if (reports) coverageFields(ctx, reports);
}

function consensusFields(ctx: BuildContext, table: Table): void {
  const T = ctx.dates.length;
  const N = ctx.master.ids.length;
  const groups = once(() => groupTableByAsset(table, ctx.master.ids, 'trade_date'));
  const asOfDate = dateColumn(table, 'trade_date');
  const fiscalYear = numberColumn(table, 'fiscal_year');
  const yearFraction = Float64Array.from(ctx.dates, (d) => {
    const year = Math.floor(d / 10_000);
    const start = dateIntToEpochDay(year * 10_000 + 101);
    return (dateIntToEpochDay(d) - start) / (dateIntToEpochDay((year + 1) * 10_000 + 101) - start);
  });
  for (const [column, value] of table.columns) {
    if (value.type !== 'number' || column === 'fiscal_year') continue;
    const compute = once(() => {
      const values = numberColumn(table, column);
      const fy1 = new Panel(T, N);
      const fy2 = new Panel(T, N);
      const blend = new Panel(T, N);
      const { offsets, rows } = groups();
      for (let a = 0; a < N; a++) {
        const latest = new Map<number, number>();
        let k = offsets[a]!;
        const end = offsets[a + 1]!;
        for (let t = 0; t < T; t++) {
          const d = ctx.dates[t]!;
          while (k < end && asOfDate[rows[k]!]! <= d) {
            const r = rows[k]!;
            if (!Number.isNaN(values[r]!)) latest.set(fiscalYear[r]!, values[r]!);
            k++;
          }
          const year = Math.floor(d / 10_000);
          const one = latest.get(year) ?? Number.NaN;
          const two = latest.get(year + 1) ?? Number.NaN;
          const cell = a * T + t;
          fy1.values[cell] = one;
          fy2.values[cell] = two;
          blend.values[cell] = (1 - yearFraction[t]!) * one + yearFraction[t]! * two;
        }
      }
      return { fy1, fy2, blend };
    });
    const what = `consensus ${column}`;
    ctx.add(`consensus_${column}_fy1`, 'fundamental', `${what} for the fiscal year of the date, as known on the date`, () => compute().fy1);
    ctx.add(`consensus_${column}_fy2`, 'fundamental', `${what} for the next fiscal year, as known on the date`, () => compute().fy2);
    ctx.add(`consensus_${column}_12m`, 'fundamental', `${what} over the next twelve months: time-weighted FY1 and FY2`, () => compute().blend);
  }
}

function coverageFields(ctx: BuildContext, table: Table): void {
  const T = ctx.dates.length;
  const N = ctx.master.ids.length;
  const compute = once(() => {
    const groups = groupTableByAsset(table, ctx.master.ids, 'report_date');
    const reportDay = Int32Array.from(dateColumn(table, 'report_date'), (d) => dateIntToEpochDay(d));
    const institution = stringColumn(table, 'institution').codes;
    const calendarDay = Int32Array.from(ctx.dates, (d) => dateIntToEpochDay(d));
    const coverage = new Panel(T, N);
    const count = new Panel(T, N);
    const perInstitution = new Int32Array(stringColumn(table, 'institution').dictionary.length);
    const { offsets, rows } = groups;
    for (let a = 0; a < N; a++) {
      perInstitution.fill(0);
      let distinct = 0;
      let inWindow = 0;
      let head = offsets[a]!; // next report to enter the window
      let tail = offsets[a]!; // oldest report still in the window
      const end = offsets[a + 1]!;
      for (let t = 0; t < T; t++) {
        const today = calendarDay[t]!;
        while (head < end && reportDay[rows[head]!]! <= today) {
          const inst = institution[rows[head]!]!;
          if (inst >= 0 && perInstitution[inst]!++ === 0) distinct++;
          inWindow++;
          head++;
        }
        while (tail < head && reportDay[rows[tail]!]! <= today - COVERAGE_WINDOW_DAYS) {
          const inst = institution[rows[tail]!]!;
          if (inst >= 0 && --perInstitution[inst]! === 0) distinct--;
          inWindow--;
          tail++;
        }
        coverage.values[a * T + t] = distinct;
        count.values[a * T + t] = inWindow;
      }
    }
    return { coverage, count };
  });
  ctx.add('analyst_coverage_3m', 'reference', `distinct institutions with a report on the stock in the ${COVERAGE_WINDOW_DAYS} calendar days ending on the date`, () => compute().coverage);
  ctx.add('analyst_reports_3m', 'reference', `reports on the stock in the ${COVERAGE_WINDOW_DAYS} calendar days ending on the date`, () => compute().count);
}
