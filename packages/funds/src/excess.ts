import type { ExcessForm } from './types.js';

/** The first index in `from … to` whose value is `NaN`; −1 when none. */
export function firstNaN(values: ArrayLike<number>, from: number, to: number): number {
  for (let t = from; t <= to; t++) if (Number.isNaN(values[t]!)) return t;
  return -1;
}

/**
 * The excess return of a fund return `fund` over a benchmark return `benchmark` (same window):
 * `fund − benchmark` (`difference`) or `(1 + fund) / (1 + benchmark) − 1` (`ratio`); see {@link ExcessForm}.
 */
export function excessReturn(fund: number, benchmark: number, form: ExcessForm): number {
  return form === 'ratio' ? (1 + fund) / (1 + benchmark) - 1 : fund - benchmark;
}
