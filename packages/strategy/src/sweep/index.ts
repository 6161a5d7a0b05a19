/**
 * Parameter sweeps: a base strategy and the values to try (`GRID.yaml`), every variant made and
 * checked before any runs (`parseSweep`, `createSweep`), run in this thread, on worker threads or
 * on a queue's workers (`runVariant`, `runSweep`), and ranked (`sweepReport`).
 */
export { runVariant, REBALANCE_STATUSES } from './variant.js';
export { type CheckedSweep, type ParseSweepOptions, checkSweepDefinition, parseSweep } from './definition.js';
export { type CreateSweepOptions, type SweepIssue, MAX_VARIANTS, createSweep } from './create.js';
export { inThreadExecutor, runSweep } from './run.js';
export { RANKING_ROWS, SENSITIVITY_BARS, type SweepReportOptions, TOP_CURVES, sweepReport } from './report.js';
export type {
  RunSweepOptions,
  Sweep,
  SweepDefinition,
  SweepEvent,
  SweepResult,
  VariantEnvironment,
  VariantExecutor,
  VariantResult,
  VariantRunner,
  VariantTask,
} from './types.js';
