import { Panel } from '@factorkit/core';
import { type AssetGroups, finaReportColumns, groupTableByAsset, pitPanel } from '../pit/panel.js';
import type { PitDerivationName } from '../pit/derivations.js';
import { type Table, dateColumn, numberColumn } from '../table.js';
import type { BuildContext } from './build.js';
import { once } from './market.js';

const DERIVED: readonly { suffix: string; derivation: PitDerivationName; what: string }[] = [
  { suffix: '_ttm', derivation: 'ttm', what: 'trailing twelve months' },
  { suffix: '_q', derivation: 'singleQuarter', what: 'single quarter' },
  { suffix: '_q_yoy', derivation: 'yoySingleQuarter', what: 'single-quarter year-on-year growth, (X − X₋₁ᵧ) / |X₋₁ᵧ|' },
  { suffix: '_ttm_yoy', derivation: 'yoyTtm', what: 'TTM year-on-year growth, (X − X₋₁ᵧ) / |X₋₁ᵧ|' },
];

/**
 * Point-in-time fields from report tables (`fina`, `exec_pay`): each value column as the latest
 * report known on each date, and for year-to-date columns (`<base>_ytd`) the TTM, single-quarter
 * and year-on-year derivations as `<base>_ttm`, `<base>_q`, `<base>_q_yoy`, `<base>_ttm_yoy`.
 * A report counts from its `ann_date`; restatements replace earlier versions from their own
 * `ann_date` on (see `../pit`).
 */
export function fundamentalFields(ctx: BuildContext): void {
  const fina = ctx.tables.get('fina');
  if (fina) reportFields(ctx, fina, 'fina');
  const pay = ctx.tables.get('exec_pay');
  if (pay) reportFields(ctx, pay, 'exec_pay', { total_pay: 'exec_pay' });
}

function reportFields(ctx: BuildContext, table: Table, label: string, rename: Readonly<Record<string, string>> = {}): void {
  const groups = once<AssetGroups>(() => {
    const grouped = groupTableByAsset(table, ctx.master.ids, 'ann_date');
    if (grouped.unmatchedRows > 0) {
      ctx.notes.push({ table: label, code: 'unknown_asset', count: grouped.unmatchedRows, message: `${grouped.unmatchedRows} ${label} rows name stocks missing from \`stocks\`; they were not used` });
    }
    return grouped;
  });
  const dates = finaReportColumns(table);
  const T = ctx.dates.length;
  const N = ctx.master.ids.length;
  // Guard the key columns once, so a bad table fails with a clear message at first use.
  dateColumn(table, 'ann_date');
  const derive = (column: string, derivation: PitDerivationName) => () =>
    new Panel(T, N, pitPanel(groups(), dates, numberColumn(table, column), ctx.dates, derivation));
  for (const [column, value] of table.columns) {
    if (value.type !== 'number') continue;
    const name = rename[column] ?? (ctx.fields.has(column) ? `${label}.${column}` : column);
    ctx.add(name, 'fundamental', `${label}.${column}: the latest report known on each date (by ann_date)`, derive(column, 'latest'));
    if (!column.endsWith('_ytd')) continue;
    const base = name.slice(0, -'_ytd'.length);
    for (const { suffix, derivation, what } of DERIVED) {
      ctx.add(`${base}${suffix}`, 'fundamental', `${label}.${column}, ${what}, as known on each date`, derive(column, derivation));
    }
  }
}
