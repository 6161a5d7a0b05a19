import { type CategoricalPanel, Panel } from '@factorkit/core';
import { type Table, dateColumn, numberColumn, stringAt, stringColumn } from '../table.js';
import type { BuildContext } from './build.js';
import { assetIndexOfCodes, groupRowsByAsset, groupTableByAsset, intervalPanel, membershipPanel } from '../pit/panel.js';
import { lowerBound } from '../pit/internal.js';

/**
 * Fields from tables with their own effective dates: industry classification, index
 * membership and index weights. All as of each date: an interval row `[in_date, out_date)`
 * counts on the days it covers; a weight snapshot counts from its own date until the next one.
 */
export function referenceFields(ctx: BuildContext): void {
  const { tables } = ctx;
  const industry = tables.get('industry');
  if (industry) {
    for (const [field, column, description] of [
      ['industry', 'l1_name', 'level-1 industry name in effect on each date'],
      ['industry_code', 'l1_code', 'level-1 industry code in effect on each date'],
    ] as const) {
      if (!industry.columns.has(column)) continue;
      ctx.categorical.set(field, {
        info: { name: field, kind: 'categorical', description },
        compute: () => intervalCategorical(ctx, industry, column),
      });
    }
  }

  const members = tables.get('index_members');
  if (members) {
    const codes = stringColumn(members, 'index_code');
    for (const indexCode of codes.dictionary) {
      ctx.add(`index_member:${indexCode}`, 'reference', `1 on the days a stock is a member of ${indexCode}, else 0`, () => membership(ctx, members, indexCode));
    }
  }

  const weights = tables.get('index_weight');
  if (weights) {
    const codes = stringColumn(weights, 'index_code');
    for (const indexCode of codes.dictionary) {
      let cached: { weight: Panel; asOf: Panel } | undefined;
      const compute = () => (cached ??= snapshotWeights(ctx, weights, indexCode));
      ctx.add(
        `index_weight:${indexCode}`,
        'reference',
        `weight (fraction) of each stock in ${indexCode} from the latest snapshot on or before each date, carried forward between snapshots; NaN before the first snapshot`,
        () => compute().weight,
        'fraction',
      );
      ctx.add(
        `index_weight_date:${indexCode}`,
        'reference',
        `the snapshot date (yyyymmdd) index_weight:${indexCode} comes from on each date: earlier than the date itself when carried forward`,
        () => compute().asOf,
        'yyyymmdd',
      );
    }
  }
}

function intervalCategorical(ctx: BuildContext, table: Table, column: string): CategoricalPanel {
  const values = stringColumn(table, column);
  const codes = intervalPanel(groupTableByAsset(table, ctx.master.ids, 'in_date'), dateColumn(table, 'in_date'), dateColumn(table, 'out_date'), values.codes, ctx.dates, {
    out: new Int32Array(ctx.dates.length * ctx.master.ids.length),
  });
  return { dates: ctx.dates.length, assets: ctx.master.ids.length, codes, levels: values.dictionary };
}

function membership(ctx: BuildContext, table: Table, indexCode: string): Panel {
  const index = stringColumn(table, 'index_code');
  const wanted = index.dictionary.indexOf(indexCode);
  const ts = stringColumn(table, 'ts_code');
  // Rows of other indices map to no asset, so the grouping leaves them out.
  const assetOfCode = assetIndexOfCodes(ts.dictionary, ctx.master.ids);
  const codes = Int32Array.from(ts.codes, (code, r) => (index.codes[r] === wanted ? code : -1));
  const groups = groupRowsByAsset(codes, assetOfCode, ctx.master.ids.length, dateColumn(table, 'in_date'));
  const mask = membershipPanel(groups, dateColumn(table, 'in_date'), dateColumn(table, 'out_date'), ctx.dates);
  return new Panel(ctx.dates.length, ctx.master.ids.length, Float64Array.from(mask));
}

function snapshotWeights(ctx: BuildContext, table: Table, indexCode: string): { weight: Panel; asOf: Panel } {
  const T = ctx.dates.length;
  const N = ctx.master.ids.length;
  const index = stringColumn(table, 'index_code');
  const wanted = index.dictionary.indexOf(indexCode);
  const ts = stringColumn(table, 'ts_code');
  const snapshotDate = dateColumn(table, 'trade_date');
  const weight = numberColumn(table, 'weight');
  // Group rows by snapshot date.
  const bySnapshot = new Map<number, number[]>();
  for (let r = 0; r < table.rowCount; r++) {
    if (index.codes[r] !== wanted) continue;
    const rows = bySnapshot.get(snapshotDate[r]!) ?? [];
    rows.push(r);
    bySnapshot.set(snapshotDate[r]!, rows);
  }
  const snapshots = [...bySnapshot.keys()].sort((a, b) => a - b);
  const weights = new Panel(T, N);
  const asOf = new Panel(T, N);
  const row = new Float64Array(N);
  snapshots.forEach((date, s) => {
    const from = lowerBound(ctx.dates, date);
    const to = s + 1 < snapshots.length ? lowerBound(ctx.dates, snapshots[s + 1]!) : T;
    if (from >= to) return;
    row.fill(0);
    for (const r of bySnapshot.get(date)!) {
      const a = ctx.assetIndex.get(stringAt(ts, r)!);
      if (a !== undefined) row[a] = weight[r]! / 100;
    }
    for (let a = 0; a < N; a++) {
      weights.values.fill(row[a]!, a * T + from, a * T + to);
      asOf.values.fill(date, a * T + from, a * T + to);
    }
  });
  return { weight: weights, asOf };
}
