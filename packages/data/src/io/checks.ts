/**
 * Data warnings: faults in rows that are kept, which no single cell shows — a high below the
 * low, a `pct_chg` that contradicts the prices, a report announced before its period ended.
 * They are reported with file and line (see `WarningCode`), never fatal on their own.
 */
import type { Table } from '../table.js';
import { intToDate, stringAt } from '../table.js';
import type { DataFileFormat, DataProblem, TableReport, WarningCode } from './report.js';
import { PCT_CHG_TOLERANCE, basename } from './report.js';

/** Relative tolerance of the price-range checks (prices are decimals; adjusted ones may carry float noise). */
const PRICE_TOLERANCE = 1e-6;

/** The warnings part of a {@link TableReport}. */
export type FaultReport = Pick<TableReport, 'warningCount' | 'warningsByCode' | 'warnings'>;

/**
 * Check a table read from `file` for data faults:
 * - `daily`: `high < low` (`high_below_low`); `open` or `close` outside `[low, high]`
 *   (`price_outside_range`); `pct_chg` more than {@link PCT_CHG_TOLERANCE} percentage points
 *   from `(close / pre_close − 1) × 100` (`pct_chg_mismatch`). A stock's first row is not
 *   checked for `pct_chg`: on a listing day sources put the issue price (or nothing
 *   comparable) in `pre_close`. Index levels (`index_daily`) are not checked: index providers
 *   publish closes outside the day's range (cn-csi300 has six).
 * - every table with `ann_date` and `end_date`: `ann_date < end_date` (`announced_before_period_end`).
 */
export function checkFaults(table: Table, format: DataFileFormat, maxExamples: number): FaultReport {
  const collector = new Collector(table, format, maxExamples);
  if (table.name === 'daily') checkDaily(table, collector);
  const ann = table.columns.get('ann_date');
  const end = table.columns.get('end_date');
  if (ann?.type === 'date' && end?.type === 'date') {
    for (let r = 0; r < table.rowCount; r++) {
      const a = ann.values[r]!;
      const e = end.values[r]!;
      if (a !== 0 && e !== 0 && a < e) {
        collector.add('announced_before_period_end', r, 'ann_date', intToDate(a), () =>
          `ann_date \`${intToDate(a)}\` is before end_date \`${intToDate(e)}\`: the report would be used before its period ends (a look-ahead in the data)`,
        );
      }
    }
  }
  return collector.result();
}

function checkDaily(table: Table, collector: Collector): void {
  const number = (name: string): Float64Array | undefined => {
    const column = table.columns.get(name);
    return column?.type === 'number' ? column.values : undefined;
  };
  const open = number('open');
  const high = number('high');
  const low = number('low');
  const close = number('close');
  const preClose = number('pre_close');
  const pctChg = number('pct_chg');
  const codes = table.columns.get('ts_code');
  const seen = codes?.type === 'string' ? new Uint8Array(codes.dictionary.length) : undefined;
  for (let r = 0; r < table.rowCount; r++) {
    if (high && low) {
      const h = high[r]!;
      const l = low[r]!;
      if (h < l - PRICE_TOLERANCE * Math.abs(l)) {
        collector.add('high_below_low', r, 'high', String(h), () => `high \`${h}\` is below low \`${l}\``);
      } else {
        const outside = (name: string, values: Float64Array | undefined): boolean => {
          const v = values?.[r];
          if (v === undefined || !(v < l - PRICE_TOLERANCE * Math.abs(l) || v > h + PRICE_TOLERANCE * Math.abs(h))) return false;
          collector.add('price_outside_range', r, name, String(v), () => `${name} \`${v}\` is outside [low \`${l}\`, high \`${h}\`]`);
          return true;
        };
        if (!outside('open', open)) outside('close', close);
      }
    }
    if (close && preClose && pctChg && codes?.type === 'string' && seen) {
      const code = codes.codes[r]!;
      const first = code >= 0 && seen[code] === 0;
      if (code >= 0) seen[code] = 1;
      const c = close[r]!;
      const p = preClose[r]!;
      const pct = pctChg[r]!;
      if (!first && p > 0 && Number.isFinite(c) && Number.isFinite(pct)) {
        const implied = (c / p - 1) * 100;
        const gap = Math.abs(implied - pct);
        if (gap > PCT_CHG_TOLERANCE) {
          collector.add('pct_chg_mismatch', r, 'pct_chg', String(pct), () =>
            `pct_chg \`${pct}\` contradicts close / pre_close: (\`${c}\` / \`${p}\` − 1) × 100 = ${round(implied)}, ${round(gap)} percentage points apart (more than ${PCT_CHG_TOLERANCE})`,
          );
        }
      }
    }
  }
}

function round(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** Counts warnings by code and keeps the first `maxExamples` of each as problems. */
class Collector {
  private readonly counts = new Map<WarningCode, number>();
  private readonly examples: DataProblem[] = [];
  private total = 0;
  private readonly label: string;

  constructor(
    private readonly table: Table,
    private readonly format: DataFileFormat,
    private readonly maxExamples: number,
  ) {
    this.label = basename(table.source ?? table.name);
  }

  add(code: WarningCode, row: number, column: string, value: string, message: () => string): void {
    this.total++;
    const count = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, count);
    if (count > this.maxExamples) return;
    const line = this.table.lines?.[row] ?? row + 1;
    this.examples.push({
      severity: 'warning',
      code,
      table: this.table.name,
      file: this.table.source ?? this.table.name,
      line,
      column,
      value,
      message: `${this.where(line)}${this.context(row)}: ${message()}`,
    });
  }

  result(): FaultReport {
    this.examples.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    return { warningCount: this.total, warningsByCode: Object.fromEntries(this.counts), warnings: this.examples };
  }

  private where(line: number): string {
    return this.format === 'parquet' ? `${this.label}, row ${line}` : `${this.label}:${line}`;
  }

  /** ` (600519.SH 2023-01-04)`: the row's stock and date, when the table has them. */
  private context(row: number): string {
    const parts: string[] = [];
    const code = this.table.columns.get('ts_code');
    if (code?.type === 'string') parts.push(stringAt(code, row) ?? '');
    for (const name of ['trade_date', 'end_date']) {
      const date = this.table.columns.get(name);
      if (date?.type === 'date' && date.values[row]! !== 0) {
        parts.push(intToDate(date.values[row]!));
        break;
      }
    }
    return parts.length > 0 ? ` (${parts.join(' ')})` : '';
  }
}
