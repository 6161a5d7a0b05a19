import { Panel } from '@factorkit/core';
import { evaluateFactor } from '../analytics/evaluate.js';
import type { FactorEvaluation } from '../analytics/types.js';
import { mfeAggregates } from '../mfe/aggregates.js';
import { checkMfeResume, runMfe } from '../mfe/run.js';
import type { MfeCheckpoint, MfeOptions } from '../mfe/types.js';
import type { SeriesReuse, TrackSeriesInput, TrackingAnalytics, TrackingSeries } from './types.js';

/**
 * One (universe, factor) series of a tracking run — the unit of work, pure and self-contained so
 * that a worker thread can run it with the same inputs: the MFE test of the factor against the
 * universe's benchmark (`runMfe`, on the preprocessed values when there are any), its tracking
 * aggregates as of `asOf` (`mfeAggregates`), and the classic analytics within the universe's
 * members (`evaluateFactor`) of the raw values and, when preprocessed, of the processed values
 * times the direction (the MFE's signal, so a working factor has a positive `processed` IC
 * whatever its direction). Rebalance dates that cannot be solved are reported in the MFE result
 * and counted; they do not stop the series.
 */
export async function trackSeries(input: TrackSeriesInput): Promise<TrackingSeries> {
  const started = performance.now();
  const { data, universe, factor, config } = input;
  const signal = factor.processed ?? factor.raw;
  const options: MfeOptions = {
    data,
    factor: { values: signal, dates: factor.dates },
    direction: factor.direction,
    universe: universe.instance,
    ...(input.investable ? { investable: input.investable } : {}),
    optimizer: input.optimizer,
    schedule: input.frequency,
    constraints: config.constraints,
    execution: config.execution,
    ...(universe.benchmarkReturns ? { benchmarkReturns: universe.benchmarkReturns } : {}),
    ...(config.timeLimitMs === undefined ? {} : { timeLimitMs: config.timeLimitMs }),
    diagnose: config.diagnose,
    ...(config.relaxation.length > 0 ? { relaxation: config.relaxation } : {}),
    ...(input.onProblem ? { onProblem: ({ date, problem }) => input.onProblem!({ universe: universe.name, factor: factor.name, date, problem }) } : {}),
  };
  // A previous run's state is used only when runMfe accepts it; otherwise the series starts over, and says why.
  let reuse: SeriesReuse = { status: 'new' };
  let resume: MfeCheckpoint | undefined;
  if (input.resume) {
    const check = checkMfeResume(options, input.resume);
    if (check.ok) resume = input.resume;
    else reuse = { status: 'recomputed', reason: check.reason, message: check.message };
  } else if (input.resumeRefused) reuse = { status: 'recomputed', reason: input.resumeRefused.reason, message: input.resumeRefused.message };
  const mfe = await runMfe(resume ? { ...options, resume } : options);
  if (resume) {
    const from = resume.dates[resume.dates.length - 1]!;
    reuse = { status: 'resumed', from, newRebalances: mfe.rebalances.filter((r) => r.date > from).length };
  }
  const analyse = (values: Panel, stage: TrackingAnalytics['stage']): TrackingAnalytics =>
    analytics(
      evaluateFactor({ data, values, dates: factor.dates, universe: universe.instance, horizons: config.horizons, groups: config.groups, decayLags: 0, ...(input.forward ? { forward: input.forward } : {}) }),
      stage,
    );
  const raw = analyse(factor.raw, 'raw');
  const processed = factor.processed ? analyse(withDirection(factor.processed, factor.direction), 'processed') : undefined;
  const tested = mfe.rebalances.some((r) => r.status !== 'skipped');
  return {
    universe: universe.name,
    factor: factor.name,
    direction: factor.direction,
    mfe,
    aggregates: mfeAggregates(mfe.daily, input.asOf),
    analytics: { raw, ...(processed ? { processed } : {}) },
    outcome: tested ? 'ok' : 'empty',
    reuse,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The values times the direction (a copy when it is −1). */
function withDirection(values: Panel, direction: 1 | -1): Panel {
  if (direction === 1) return values;
  const out = new Float64Array(values.values.length);
  for (let i = 0; i < out.length; i++) out[i] = -values.values[i]!;
  return new Panel(values.dates, values.assets, out);
}

/** What a tracking run keeps of an evaluation: everything but the per-date quantile tables. */
function analytics(evaluation: FactorEvaluation, stage: TrackingAnalytics['stage']): TrackingAnalytics {
  return {
    stage,
    horizons: evaluation.horizons,
    groups: evaluation.groups,
    ic: evaluation.ic,
    summary: evaluation.summary,
    quantiles: evaluation.quantiles.summary,
    coverage: evaluation.coverage.totals,
    benchmark: evaluation.benchmark,
    notes: evaluation.notes,
  };
}
