import { formatNumber } from '@factorkit/report';
import type { TableColumn } from '@factorkit/report';

/** A percentage column (`0.0123` → `1.23%`), coloured by sign unless told otherwise. */
export const pct = (id: string, label: string, extra: Partial<TableColumn> = {}): TableColumn => ({ id, label, format: 'pct', colorBySign: true, ...extra });

/** A number column. */
export const num = (id: string, label: string, digits = 2, extra: Partial<TableColumn> = {}): TableColumn => ({ id, label, format: 'number', digits, ...extra });

export const int = (id: string, label: string, extra: Partial<TableColumn> = {}): TableColumn => ({ id, label, format: 'int', ...extra });

export const text = (id: string, label: string, extra: Partial<TableColumn> = {}): TableColumn => ({ id, label, format: 'text', ...extra });

export const date = (id: string, label: string): TableColumn => ({ id, label, format: 'date' });

/** A fraction as the page's key/value lists show it: `12.34%`, `–` when missing. */
export const percent = (value: number, digits = 2): string => formatNumber(value, 'pct', digits);

/** A number as the key/value lists show it. */
export const fixed = (value: number, digits = 2): string => formatNumber(value, 'number', digits);

/** `n` of `total` as `3 of 52 (5.8%)`. */
export const share = (n: number, total: number): string => `${formatNumber(n, 'int')} of ${formatNumber(total, 'int')}${total > 0 ? ` (${percent(n / total, 1)})` : ''}`;

/** The mean of the finite values, `NaN` when there is none. */
export function finiteMean(values: Iterable<number>): number {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  return n > 0 ? sum / n : Number.NaN;
}

/** Distinct values in first-seen order. */
export const distinct = <T>(values: Iterable<T>): T[] => [...new Set(values)];
