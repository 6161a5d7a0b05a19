import type { AxisFormat, CellValue, TableColumn } from './model.js';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * `text` safe to place in HTML text and in a quoted attribute value: `& < > " '` become entities.
 * Everything the page shows from data goes through it.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** The text shown for a missing value. */
export const MISSING = '–';

/** Digits after the point when a column or chart names none (of the percentage for `pct`). */
export const DEFAULT_DIGITS = 2;

function fixed(value: number, digits: number, grouping: boolean): string {
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  // Intl rounds half away from zero on the decimal text, as people expect (1.005 → 1.01 is not
  // promised: 1.005 is 1.00499… in binary). en-US: `,` thousands, `.` decimals, `-` minus.
  const text = value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: grouping });
  // -0.001 at 2 digits would read "-0.00": a sign on zero says nothing.
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/**
 * A number as the page shows it in a `pct` (fraction → `1.23%`), `number` (`0.035`) or `int`
 * (`12,345`) column; the empty marker `–` for a missing value. `plusSign` adds `+` to positive values.
 */
export function formatNumber(value: number | null | undefined, format: 'pct' | 'number' | 'int', digits?: number, plusSign = false): string {
  if (value === null || value === undefined || Number.isNaN(value)) return MISSING;
  let text: string;
  if (format === 'pct') text = `${fixed(value * 100, digits ?? DEFAULT_DIGITS, true)}%`;
  else if (format === 'int') text = fixed(value, 0, true);
  else text = fixed(value, digits ?? DEFAULT_DIGITS, true);
  return plusSign && value > 0 && !/^0(\.0*)?%?$/.test(text) ? `+${text}` : text;
}

/**
 * An axis tick: as few digits as the tick needs (`5%`, `2.5%`, `0.25%`, `1.5`), so that ticks
 * never round to the same text.
 */
export function formatTick(value: number, format: AxisFormat): string {
  const scaled = format === 'pct' ? value * 100 : value;
  // Round away binary noise (0.1 + 0.2) before printing the shortest form.
  const text = Number(scaled.toPrecision(12)).toLocaleString('en-US', { maximumFractionDigits: 10 });
  return format === 'pct' ? `${text}%` : text;
}

/** A cell's text as shown on the page (not yet HTML-escaped). */
export function formatCell(value: CellValue, column: Pick<TableColumn, 'format' | 'digits' | 'plusSign'>): string {
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) return MISSING;
  if (column.format === 'text' || column.format === 'date') return String(value);
  return typeof value === 'number' ? formatNumber(value, column.format, column.digits, column.plusSign === true) : String(value);
}
