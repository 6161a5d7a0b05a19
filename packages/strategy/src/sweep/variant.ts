import { isFactorkitError } from '@factorkit/core';
import { runStrategy } from '../run/run.js';
import type { RebalanceRecord, RebalanceStatus, StrategyResult } from '../run/types.js';
import { createStrategy } from '../spec/create.js';
import type { VariantEnvironment, VariantResult, VariantTask } from './types.js';

/** The statuses in the order a variant's counts list them (so that results compare equal whatever ran them). */
export const REBALANCE_STATUSES: readonly RebalanceStatus[] = ['optimal', 'relaxed', 'held', 'skipped', 'stopped'];

/** Rebalances by status, in {@link REBALANCE_STATUSES} order, statuses that never occurred left out. */
function countStatuses(records: readonly Pick<RebalanceRecord, 'status'>[]): Partial<Record<RebalanceStatus, number>> {
  const counts: Partial<Record<RebalanceStatus, number>> = {};
  for (const status of REBALANCE_STATUSES) {
    const n = records.reduce((sum, r) => sum + (r.status === status ? 1 : 0), 0);
    if (n > 0) counts[status] = n;
  }
  return counts;
}

/**
 * The rebalances an `FK_INFEASIBLE` of policy `stop` carries (`details.rebalances` of
 * `runStrategy`'s error, the stopped one last), or `undefined` for any other error.
 */
function stoppedRebalances(error: { code: string; details?: Readonly<Record<string, unknown>> }): readonly Pick<RebalanceRecord, 'status'>[] | undefined {
  if (error.code !== 'FK_INFEASIBLE') return undefined;
  const records = error.details?.rebalances;
  if (!Array.isArray(records)) return undefined;
  const last: unknown = records[records.length - 1];
  const stopped = typeof last === 'object' && last !== null && (last as { status?: unknown }).status === 'stopped';
  return stopped ? (records as Pick<RebalanceRecord, 'status'>[]) : undefined;
}

/** A variant's result from a finished run. */
function fromRun(task: VariantTask, result: StrategyResult, ms: number): VariantResult {
  const backtest = result.backtest;
  return {
    index: task.index,
    name: task.name,
    parameters: task.parameters,
    status: result.rebalances.some((r) => r.status === 'stopped') ? 'stopped' : 'ok',
    metrics: backtest.metrics,
    hitRate: result.hitRate.mean,
    rebalances: countStatuses(result.rebalances),
    // Copies: a view into a larger buffer would carry the whole buffer through a structured clone.
    daily: { dates: [...backtest.dates], nav: Float64Array.from(backtest.nav), benchmark: Float64Array.from(backtest.benchmarkNav) },
    notes: [...result.notes],
    ms,
  };
}

/**
 * Run one variant of a sweep: `createStrategy(task.definition, { registry: env.registry })`, then
 * `runStrategy(env.data, strategy, { benchmarkData })`, reduced to a {@link VariantResult} — the
 * backtest's metrics, the mean stock-level hit rate, the rebalances by status, the daily NAV and
 * benchmark NAV (both from 1 on the backtest's first day), the run's notes, and the time taken.
 *
 * The same task on the same data gives the same result (`ms` aside) in any thread or process, so
 * a sweep's files do not depend on where its variants ran.
 *
 * A factorkit error (`isFactorkitError`: an invalid definition, a missing input, an infeasible
 * rebalance…) is a deterministic outcome of the task, not a fault of where it ran: the promise
 * resolves with `status: 'failed'` and the error's code and message (no metrics, empty daily
 * series), so that a queue does not retry it. Policy `stop` ending the run at an infeasible
 * rebalance resolves `status: 'stopped'` with the `FK_INFEASIBLE` error and the rebalances up to
 * the stopped one.
 *
 * @throws whatever else the run throws (a bug, out of memory): the executor's failure, not the variant's.
 */
export async function runVariant(task: VariantTask, env: VariantEnvironment): Promise<VariantResult> {
  const began = performance.now();
  try {
    const strategy = createStrategy(task.definition, { registry: env.registry });
    const result = await runStrategy(env.data, strategy, env.benchmarkData ? { benchmarkData: env.benchmarkData } : {});
    return fromRun(task, result, performance.now() - began);
  } catch (error) {
    if (!isFactorkitError(error)) throw error;
    const stopped = stoppedRebalances(error);
    return {
      index: task.index,
      name: task.name,
      parameters: task.parameters,
      status: stopped ? 'stopped' : 'failed',
      error: { code: error.code, message: error.message },
      hitRate: Number.NaN,
      rebalances: stopped ? countStatuses(stopped) : {},
      daily: { dates: [], nav: new Float64Array(0), benchmark: new Float64Array(0) },
      notes: [],
      ms: performance.now() - began,
    };
  }
}
