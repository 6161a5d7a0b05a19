import type { BacktestMetrics } from '@factorkit/backtest';
import type { MarketData, PluginRegistry } from '@factorkit/core';
import type { RebalanceStatus } from '../run/types.js';
import type { StrategyDefinition } from '../spec/types.js';

/**
 * A parameter sweep as written (GRID.yaml / .json): a base strategy and the values to try.
 *
 * ```yaml
 * name: csi300-te                      # [a-z0-9][a-z0-9-_]*
 * strategy: csi300.yaml                # the base strategy file, relative to this file (or `base:` inline)
 * grid:                                # every combination, the first key varying slowest
 *   objective.trackingError: [0.03, 0.04, 0.05]
 *   constraints[turnover].params.max: [0.2, 0.4]
 *   model.id: [icir, ridge]
 * variants:                            # more variants, one by one, after the grid's
 *   - name: no-te-cap
 *     set: { objective.trackingError: null }   # null removes the field
 * ```
 * A path is dot-separated keys of the strategy definition; `[n]` indexes an array; `[key]` picks
 * the element of an array of entries whose `group`, else `id` (or the string itself, for a factor
 * given as an id) equals `key` — exactly one must.
 */
export interface SweepDefinition {
  readonly name: string;
  readonly description?: string;
  /** The base strategy file, relative to the sweep file. Exactly one of `strategy` and `base`. */
  readonly strategy?: string;
  /** The base strategy inline. */
  readonly base?: StrategyDefinition;
  /** Path → values: the cartesian product, in the order written (first key slowest). */
  readonly grid?: Readonly<Record<string, readonly unknown[]>>;
  /** Named variants, each setting paths to values (`null` removes the field). */
  readonly variants?: readonly { readonly name?: string; readonly set: Readonly<Record<string, unknown>> }[];
}

/** One variant of a sweep: plain data (what a worker thread or a queue job carries). */
export interface VariantTask {
  /** 0-based position in the sweep (grid first, then `variants`). */
  readonly index: number;
  /** `<sweep name>-<index, zero-padded>` or the name given in `variants`. */
  readonly name: string;
  /** The paths set and their values, in the order of the sweep file. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The base definition with the parameters applied and checked (`name` = the variant's name). */
  readonly definition: StrategyDefinition;
}

/** A sweep with every variant made and checked (all of them before anything runs). */
export interface Sweep {
  readonly name: string;
  readonly description: string;
  /** The base definition (defaults filled), as read. */
  readonly base: StrategyDefinition;
  /** The swept paths in order, with their values (grid paths first, then paths only `variants` set). */
  readonly axes: readonly { readonly path: string; readonly values: readonly unknown[] }[];
  readonly variants: readonly VariantTask[];
}

/** The outcome of one variant: what a sweep's tables and report are made of. Plain data and typed arrays. */
export interface VariantResult {
  readonly index: number;
  readonly name: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  /** `ok`: ran to its end; `stopped`: `infeasible.policy: stop` ended it early; `failed`: it threw (`error`). */
  readonly status: 'ok' | 'stopped' | 'failed';
  /** The error of a failed variant: its code and message. */
  readonly error?: { readonly code: string; readonly message: string };
  /** The backtest's metrics (absent for a failed variant). */
  readonly metrics?: BacktestMetrics;
  /** Mean stock-level hit rate (NaN when none). */
  readonly hitRate: number;
  /** Rebalances by status. */
  readonly rebalances: Readonly<Partial<Record<RebalanceStatus, number>>>;
  /** The daily series: dates, the strategy's NAV and the benchmark's (both start at 1). Empty for a failed variant. */
  readonly daily: { readonly dates: readonly string[]; readonly nav: Float64Array; readonly benchmark: Float64Array };
  readonly notes: readonly string[];
  /** Milliseconds the variant took (not part of any output file: it differs run to run). */
  readonly ms: number;
}

/** Runs variants: in this thread, on worker threads, or on a queue's workers. The same results whichever. */
export interface VariantExecutor {
  /** Variants run at once. */
  readonly concurrency: number;
  /** Where they run, for progress lines (`3 worker threads`, `queue redis://***@host:6379`). */
  readonly label: string;
  open(sweep: Sweep): Promise<VariantRunner>;
}

/** An opened executor. */
export interface VariantRunner {
  /** One variant's result. Rejects only when the executor itself fails (a worker died, the queue gave up); a variant that throws resolves as `failed`. */
  run(task: VariantTask): Promise<VariantResult>;
  close(): Promise<void>;
}

/** What a variant runs on: the data, the plugins, supplementary index levels. */
export interface VariantEnvironment {
  readonly data: MarketData;
  readonly registry: PluginRegistry;
  readonly benchmarkData?: MarketData;
}

/** Events of a sweep run (progress lines). */
export type SweepEvent =
  | { readonly kind: 'start'; readonly variants: number; readonly executor: string }
  | { readonly kind: 'variant'; readonly result: VariantResult; readonly done: number; readonly total: number };

/** Options of `runSweep`. */
export interface RunSweepOptions {
  readonly sweep: Sweep;
  /** Where variants run; default in this thread on `environment`. */
  readonly executor?: VariantExecutor;
  /** Needed without an executor (the in-thread one is made from it). */
  readonly environment?: VariantEnvironment;
  readonly onEvent?: (event: SweepEvent) => void;
}

/** What `runSweep` returns: every variant, in the sweep's order, failed ones included. */
export interface SweepResult {
  readonly name: string;
  readonly description: string;
  readonly base: StrategyDefinition;
  readonly axes: Sweep['axes'];
  readonly variants: readonly VariantResult[];
  /** Where they ran (executor label). */
  readonly executor: string;
  readonly ms: number;
}
