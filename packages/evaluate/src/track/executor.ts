import type { DateString, MarketData, OptimizerInstance, UniverseInstance } from '@factorkit/core';
import type { ForwardReturnsByDate } from '../analytics/forward.js';
import { trackSeries } from './series.js';
import type { ResolvedTrackingConfig, TrackSeriesInput, TrackingFrequency, TrackingProblemEntry, TrackingSeries } from './types.js';

/** What every series of a tracking run shares: the data view, the benchmarks, the settings. */
export interface SeriesContext {
  /** The data as the run sees it (cut at the last date used). */
  readonly data: MarketData;
  readonly asOf: DateString;
  readonly frequency: TrackingFrequency;
  /** The benchmarks in run order; a task names one by its position. */
  readonly universes: readonly TrackSeriesInput['universe'][];
  readonly investable?: UniverseInstance;
  readonly config: ResolvedTrackingConfig;
  /** Forward returns for the analytics, computed once per run (`forwardReturnsByDate`) and shared by every series. */
  readonly forward?: ForwardReturnsByDate;
  /** The run's optimizer (an executor running elsewhere makes its own of the same kind). */
  readonly optimizer: OptimizerInstance;
  readonly onProblem?: (entry: TrackingProblemEntry) => void | Promise<void>;
}

/** One (universe, factor) series to run. */
export interface SeriesTask {
  /** Position of the universe in {@link SeriesContext.universes}. */
  readonly universe: number;
  readonly factor: TrackSeriesInput['factor'];
  /** A previous run's MFE state for this series (see `TrackSeriesInput.resume`). */
  readonly resume?: TrackSeriesInput['resume'];
  readonly resumeRefused?: TrackSeriesInput['resumeRefused'];
  /** The previous evaluations to continue (see `TrackSeriesInput.continued`). */
  readonly continued?: TrackSeriesInput['continued'];
}

/** An executor opened for one run: runs tasks, then is closed (always, also after a failure). */
export interface SeriesRunner {
  run(task: SeriesTask): Promise<TrackingSeries>;
  close(): Promise<void>;
}

/**
 * Where a tracking run's series are computed. `runTracking` computes the factors and hands each
 * (universe, factor) series to the executor, keeping up to `2 × concurrency` of them in flight;
 * results are put back in run order whatever order they finish in. The default runs them one
 * after the other in this thread ({@link inProcessExecutor}); `@factorkit/evaluate/node`'s
 * `workerExecutor` runs them on worker threads sharing the data and the factor panels.
 *
 * An executor must give the result {@link trackSeries} gives for the same task.
 */
export interface SeriesExecutor {
  /** Series it computes at the same time (≥ 1). */
  readonly concurrency: number;
  /** A short description for messages (`in-process`, `4 worker threads`). */
  readonly label: string;
  open(context: SeriesContext): Promise<SeriesRunner>;
}

/** Runs each series in the calling thread with the run's optimizer, one at a time. */
export const inProcessExecutor: SeriesExecutor = Object.freeze({
  concurrency: 1,
  label: 'in-process',
  open: (context: SeriesContext): Promise<SeriesRunner> =>
    Promise.resolve({
      run: (task) => trackSeries(seriesInput(context, task, context.optimizer)),
      close: () => Promise.resolve(),
    }),
});

/** The {@link trackSeries} input of a task, with the optimizer given. */
export function seriesInput(context: Omit<SeriesContext, 'optimizer'>, task: SeriesTask, optimizer: OptimizerInstance): TrackSeriesInput {
  const universe = context.universes[task.universe];
  if (!universe) throw new RangeError(`series task: universe #${task.universe} is not one of the run's ${context.universes.length}`);
  return {
    data: context.data,
    asOf: context.asOf,
    frequency: context.frequency,
    universe,
    ...(context.investable ? { investable: context.investable } : {}),
    factor: task.factor,
    optimizer,
    config: context.config,
    ...(context.forward ? { forward: context.forward } : {}),
    ...(context.onProblem ? { onProblem: context.onProblem } : {}),
    ...(task.resume ? { resume: task.resume } : {}),
    ...(task.resumeRefused ? { resumeRefused: task.resumeRefused } : {}),
    ...(task.continued ? { continued: task.continued } : {}),
  };
}
