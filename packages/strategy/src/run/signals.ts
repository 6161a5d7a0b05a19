import { type FactorPlugin, type MarketData, type ModelPlugin, Panel, type PluginSource, type UniverseInstance } from '@factorkit/core';
import { forwardReturns } from '@factorkit/evaluate';
import type { PreprocessConfig, PreprocessParams } from '@factorkit/ops';
import { type ComputeFactorsResult, type FactorReport, computeFactors, noValuesError } from '@factorkit/pipeline';
import { walkForward } from '../walk-forward/run.js';
import type { LabelTransform, WalkForwardFactor, WalkForwardResult } from '../walk-forward/types.js';

type AnyFactor = FactorPlugin<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type AnyModel = ModelPlugin<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The factors and model of a strategy, as the signal stage needs them. */
export interface SignalSpec {
  readonly factors: readonly { readonly name: string; readonly plugin: AnyFactor; readonly params: unknown; readonly direction: 1 | -1; readonly source?: PluginSource }[];
  readonly preprocess: boolean | PreprocessConfig | PreprocessParams;
  readonly model: {
    readonly plugin: AnyModel;
    readonly params: Readonly<Record<string, unknown>>;
    readonly horizon: number;
    readonly retrainEvery: number;
    readonly window: number;
    readonly labelTransform: LabelTransform;
    readonly minDates?: number | undefined;
    readonly source?: PluginSource;
  };
}

/** Scores of every asset on the dates of the run, and how they were made. */
export interface Signals {
  /** Calendar index of the first row of `scores` (and of every factor panel). */
  readonly first: number;
  /** The walk-forward's result over `first … last` (its `scores` rows are calendar rows `first + s`). */
  readonly walk: WalkForwardResult;
  /** The preprocessed factor values with their direction applied, over the same rows. */
  readonly factors: readonly WalkForwardFactor[];
  readonly reports: readonly FactorReport[];
  readonly timings: { readonly factors: number; readonly model: number };
}

/**
 * Compute the factors over `[first, last]` — `first` lying `window + horizon` trading days
 * before the run's start, so the first training at the start has a full window — within the
 * factor universe, preprocessed; apply each factor's direction; label each date with the forward
 * return over the model's horizon; and walk the model forward from `start` to `last`.
 *
 * @throws the pipeline's errors; FactorkitError `FK_NO_VALUES` when a factor has no value at all.
 */
export function computeSignals(data: MarketData, spec: SignalSpec, universe: Pick<UniverseInstance, 'members'>, start: number, last: number, notes: string[]): Signals {
  const { model } = spec;
  const first = Math.max(0, start - model.window - model.horizon);
  const dates = data.calendar.dates;
  const began = performance.now();
  const computed: ComputeFactorsResult = computeFactors({
    data,
    factors: spec.factors.map((f) => ({ plugin: f.plugin, params: f.params, name: f.name, ...(f.source ? { source: f.source } : {}) })),
    universe,
    range: { start: dates[first]!, end: dates[last]! },
    preprocess: spec.preprocess,
  });
  const empty = noValuesError(computed.reports);
  if (empty) throw empty;
  for (const report of computed.reports) for (const note of report.notes) notes.push(`factor \`${report.name}\`: ${note}`);
  const factors: WalkForwardFactor[] = computed.factors.map((f, i) => {
    const direction = spec.factors[i]!.direction;
    if (direction === 1) return { name: f.name, values: f.values };
    const flipped = new Panel(f.values.dates, f.values.assets, Float64Array.from(f.values.values, (v) => -v));
    return { name: f.name, values: flipped };
  });
  const factorsMs = performance.now() - began;

  const training = performance.now();
  const view = data.window(first, last + 1);
  const labels = forwardReturns(view, { horizons: [model.horizon] }).panels[0]!;
  if (start - first < model.horizon + (model.minDates ?? model.window) - 1) {
    notes.push(
      `the data starts ${start - first} trading day(s) before the run (${dates[start]}); the model needs ${model.horizon + (model.minDates ?? model.window) - 1} (horizon ${model.horizon} + ${model.minDates ?? model.window} label dates), so its first trainings are skipped and those dates have no scores`,
    );
  }
  const walk = walkForward(
    { dates: computed.dates, assets: computed.assets, factors, labels, horizon: model.horizon, members: (s) => universe.members(first + s) },
    {
      model: model.plugin.with(model.params),
      retrainEvery: model.retrainEvery,
      window: model.window,
      labelTransform: model.labelTransform,
      ...(model.minDates === undefined ? {} : { minDates: model.minDates }),
      start: start - first,
      end: last - first,
      ...(model.source ? { source: model.source } : {}),
    },
  );
  const skipped = walk.trainings.filter((t) => t.status === 'skipped');
  if (skipped.length > 0) {
    notes.push(`${skipped.length} of ${walk.trainings.length} trainings of the model were skipped (first ${skipped[0]!.date}: ${skipped[0]!.reason ?? 'no reason given'}); their dates have no scores`);
  }
  return { first, walk, factors, reports: computed.reports, timings: { factors: factorsMs, model: performance.now() - training } };
}
