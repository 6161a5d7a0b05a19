import { FactorkitError, Panel } from '@factorkit/core';
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
 *
 * With `resume` (a previous run's MFE state that `runMfe` accepts) only the new rebalance dates
 * are solved, and with `continued` the previous evaluations are continued over the window
 * instead of evaluated again: the result equals a series computed from scratch.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` when `continued` leaves out rows (`from > 0`)
 *   but the MFE state is refused: the series could not be computed from scratch.
 */
export async function trackSeries(input: TrackSeriesInput): Promise<TrackingSeries> {
  const started = performance.now();
  const { data, universe, factor, config } = input;
  const options = seriesMfeOptions(input);
  // A previous run's state is used only when runMfe accepts it; otherwise the series starts over, and says why.
  let reuse: SeriesReuse = { status: 'new' };
  let resume: MfeCheckpoint | undefined;
  if (input.resume) {
    const check = checkMfeResume(options, input.resume);
    if (check.ok) resume = input.resume;
    else reuse = { status: 'recomputed', reason: check.reason, message: check.message };
  } else if (input.resumeRefused) reuse = { status: 'recomputed', reason: input.resumeRefused.reason, message: input.resumeRefused.message };
  if (!resume && input.continued && input.continued.from > 0) {
    // The run processed only the window, counting on this state: the rows before it are missing.
    const why = reuse.status === 'recomputed' ? reuse.message : 'there is none';
    throw new FactorkitError('FK_INVALID_ARGUMENT', `series ${universe.name} × ${factor.name}: the previous state cannot be continued (${why}), and the factor's rows before ${factor.dates[input.continued.from]} were not computed`);
  }
  const mfe = await runMfe(resume ? { ...options, resume } : options);
  if (resume) {
    const from = resume.dates[resume.dates.length - 1]!;
    reuse = { status: 'resumed', from, newRebalances: mfe.rebalances.filter((r) => r.date > from).length };
  }
  // With a resumed MFE state the previous evaluations are continued over the window only.
  const continued = resume ? input.continued : undefined;
  const from = continued?.from ?? 0;
  const dates = from === 0 ? factor.dates : factor.dates.slice(from);
  const analyse = (values: Panel, direction: 1 | -1, previous: FactorEvaluation | undefined): FactorEvaluation =>
    evaluateFactor({
      data,
      // Panels of every date are cut to the window; a processed panel of the window only is used as it is.
      values: withDirection(from === 0 || values.dates === dates.length ? values : values.sliceDates(from), direction),
      dates,
      universe: universe.instance,
      horizons: config.horizons,
      groups: config.groups,
      decayLags: 0,
      ...(input.forward ? { forward: input.forward } : {}),
      ...(previous ? { previous } : {}),
    });
  const raw = analyse(factor.raw, 1, continued?.raw);
  const processed = factor.processed ? analyse(factor.processed, factor.direction, continued?.processed) : undefined;
  const tested = mfe.rebalances.some((r) => r.status !== 'skipped');
  return {
    universe: universe.name,
    factor: factor.name,
    direction: factor.direction,
    mfe,
    aggregates: mfeAggregates(mfe.daily, input.asOf),
    analytics: { raw: analytics(raw, 'raw'), ...(processed ? { processed: analytics(processed, 'processed') } : {}) },
    evaluations: { raw, ...(processed ? { processed } : {}) },
    outcome: tested ? 'ok' : 'empty',
    reuse,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The `runMfe` options of a series (without `resume`). */
export function seriesMfeOptions(input: TrackSeriesInput): MfeOptions {
  const { data, universe, factor, config } = input;
  // A processed panel of the window only (a continued run) goes with its dates, the schedule still from the first date.
  const window = factor.processed !== undefined && factor.processed.dates !== factor.dates.length ? windowStart(factor.processed, input) : 0;
  const signal = factor.processed ?? factor.raw;
  return {
    data,
    factor: { values: signal, dates: window === 0 ? factor.dates : factor.dates.slice(window) },
    ...(window === 0 ? {} : { range: { start: factor.dates[0]! } }),
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
}

/** Where a processed panel of the window only starts in `factor.dates`: `continued.from`, which its rows must match. */
function windowStart(panel: Panel, input: TrackSeriesInput): number {
  const skip = input.factor.dates.length - panel.dates;
  if (skip < 0 || input.continued?.from !== skip) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `series ${input.universe.name} × ${input.factor.name}: the processed values have ${panel.dates} rows for ${input.factor.dates.length} dates, and continued.from is ${input.continued?.from ?? 'not given'}`);
  }
  return skip;
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
