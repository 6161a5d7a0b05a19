import { Holdings } from './holdings.js';
import type { MfePendingTrade, MfeRebalance, MfeWeights } from './types.js';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The open holding period compounded so far (see `MfePeriodState`). */
export interface Period {
  portfolio: number;
  benchmark: number;
  benchmarkSeries: number;
  invested: boolean;
}

/** Everything a run carries from one day to the next; a checkpoint is a copy of it. */
export interface RunState {
  readonly holdings: Holdings;
  inception: number | undefined;
  pending: MfePendingTrade | undefined;
  readonly records: Mutable<MfeRebalance>[];
  readonly weights: MfeWeights[];
  readonly counts: { optimal: number; infeasible: number; failed: number; skipped: number };
  benchmarkMissing: number;
  /** The last optimal solve, for `warmStart`. */
  previousSolve: { readonly x: Float64Array; readonly rows: number } | undefined;
  /** The holding period of the last record; `undefined` before the first rebalance. */
  period: Period | undefined;
}

/** The state before the first rebalance: all cash, nothing decided. */
export function freshState(assets: number): RunState {
  return {
    holdings: new Holdings(assets),
    inception: undefined,
    pending: undefined,
    records: [],
    weights: [],
    counts: { optimal: 0, infeasible: 0, failed: 0, skipped: 0 },
    benchmarkMissing: 0,
    previousSolve: undefined,
    period: undefined,
  };
}

/** A holding period with no day yet. */
export function newPeriod(): Period {
  return { portfolio: 1, benchmark: 1, benchmarkSeries: 1, invested: true };
}
