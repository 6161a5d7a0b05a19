/**
 * How close two numbers must be to count as equal: `|actual − expected| ≤ abs + rel × |expected|`
 * (numpy's `isclose`). `NaN` equals only `NaN`; `±Infinity` equals only itself.
 */
export interface Tolerance {
  /** Absolute part; default `1e-12`. */
  readonly abs?: number;
  /** Relative part, a fraction of `|expected|`; default `1e-9`. */
  readonly rel?: number;
}

/** The default {@link Tolerance}: `{ abs: 1e-12, rel: 1e-9 }`. */
export const DEFAULT_TOLERANCE: Required<Tolerance> = Object.freeze({ abs: 1e-12, rel: 1e-9 });

/** `tolerance` with defaults filled in. */
export function resolveTolerance(tolerance: Tolerance | undefined): Required<Tolerance> {
  return { abs: tolerance?.abs ?? DEFAULT_TOLERANCE.abs, rel: tolerance?.rel ?? DEFAULT_TOLERANCE.rel };
}

/** Whether `actual` is within `tolerance` of `expected` (see {@link Tolerance}). */
export function isClose(actual: number, expected: number, tolerance: Required<Tolerance>): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual);
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return actual === expected;
  return Math.abs(actual - expected) <= tolerance.abs + tolerance.rel * Math.abs(expected);
}

/** A number as messages show it: shortest round-trip form, so two different values never look alike. */
export function num(value: number | undefined): string {
  if (value === undefined) return 'undefined';
  if (Object.is(value, -0)) return '-0';
  return String(value);
}

/** `factor \`id\``, with the parameters when they are not the defaults. */
export function factorLabel(id: string, params: Readonly<Record<string, unknown>> | undefined): string {
  const text = params && Object.keys(params).length > 0 ? ` (params \`${JSON.stringify(params)}\`)` : '';
  return `factor \`${id}\`${text}`;
}

/** The message of an unknown thrown value. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
