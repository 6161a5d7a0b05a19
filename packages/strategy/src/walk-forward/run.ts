import { type DateString, type FactorWeight, type ModelCache, type ModelDiagnostics, Panel, type TrainedModel, isFactorkitError, trainModel } from '@factorkit/core';
import { type Resolved, resolveWalkForward } from './options.js';
import { type LabelDateCache, fillFeatures, hasExposure, membersAt, trainingRows } from './rows.js';
import type { WalkForwardInput, WalkForwardOptions, WalkForwardResult, WalkForwardTraining } from './types.js';

/**
 * Walk-forward training and scoring of a combination model.
 *
 * The model is retrained at the close of every `retrainEvery`-th date from the first
 * prediction date on, and scores that date and the following ones until the next retrain.
 * Trained at the close of date `t`, it learns from the label dates `s` with `s + h ≤ t` only
 * (`h` the labels' horizon): the label of `s`, the return from the close of `s` to the close of
 * `s + h`, is known at the close of `s + h`. The window holds the last `window` of them,
 * `t − h − window + 1 … t − h`. On each label date the rows are the members with at least one
 * exposure and a label, the labels normalised across them (`labelTransform`); dates with fewer
 * than `minAssets` rows or constant labels are left out. Rows and dates left out are counted per
 * training, by reason.
 *
 * A training with fewer than `minDates` label dates, or whose model refuses the rows
 * (`FK_NO_VALUES`), is recorded as `skipped` with the reason, and its dates are not scored
 * (`NaN`): no earlier model stands in for it. Every other error propagates.
 *
 * @throws ValidationError `FK_INVALID_PARAMS` for bad input or options (all problems at once);
 *   the model's own errors (`FK_PLUGIN_FAILED`, …).
 *
 * @example
 * const { scores, trainings } = walkForward(
 *   { dates, assets, factors: [{ name: 'ep_ttm', values: ep }, { name: 'momentum_1y', values: mom }], labels: fwd20, horizon: 20 },
 *   { model: ridge.with({ lambda: 0.01 }), retrainEvery: 20, window: 250 },
 * );
 */
export function walkForward(input: WalkForwardInput, options: WalkForwardOptions): WalkForwardResult {
  const r = resolveWalkForward(input, options);
  const { dates } = input;
  const scores = new Panel(r.T, r.N);
  const trainings: WalkForwardTraining[] = [];
  const predictions = { scored: 0, noExposure: 0, noModel: 0 };
  const cache: LabelDateCache = new Map();
  // The model's own per-date statistics (e.g. each date's IC), kept across this run's trainings:
  // valid because `trainingRows` builds each label date's rows once and every window reuses them.
  const modelCache: ModelCache = new Map();
  for (let t = r.first; t <= r.last; t += r.retrainEvery) {
    const until = Math.min(t + r.retrainEvery - 1, r.last);
    const rows = trainingRows(r, input.members, dates, t, cache);
    let model: TrainedModel | undefined;
    let reason: string | undefined;
    if (!rows.set || rows.dates < r.minDates) {
      reason =
        rows.to < 0
          ? `no label is known at the close of ${dates[t]!} (horizon ${r.horizon})`
          : `${rows.dates} label date${rows.dates === 1 ? '' : 's'} with rows in the window, ${r.minDates} needed (options.minDates)`;
    } else {
      try {
        model = trainModel(r.model, rows.set, { cache: modelCache, ...(options.source ? { source: options.source } : {}) });
      } catch (error) {
        // A model refusing these rows (nothing estimable) is an outcome of this window, not a failure of the run.
        if (!isFactorkitError(error) || error.code !== 'FK_NO_VALUES') throw error;
        reason = error.message;
      }
    }
    const weights: readonly FactorWeight[] = model ? model.weights() : [];
    for (let p = t; p <= until; p++) score(r, input.members, model, p, scores, predictions);
    trainings.push(record(r, dates, t, until, rows, model?.diagnostics, weights, reason));
  }
  return {
    dates,
    assets: input.assets,
    factors: r.factors,
    horizon: r.horizon,
    labelTransform: r.transform,
    first: r.first,
    last: r.last,
    scores,
    trainings,
    predictions,
  };
}

/** Scores of date `p`: the members with an exposure, through the model (none: counted, left `NaN`). */
function score(r: Resolved, members: WalkForwardInput['members'], model: TrainedModel | undefined, p: number, scores: Panel, counts: { scored: number; noExposure: number; noModel: number }): void {
  const member = membersAt(members, p, r.N);
  const rows: number[] = [];
  for (let a = 0; a < r.N; a++) {
    if (member && member[a] === 0) continue;
    if (hasExposure(r.exposures, p, a)) rows.push(a);
    else counts.noExposure++;
  }
  if (!model) {
    counts.noModel += rows.length;
    return;
  }
  const features = new Float64Array(rows.length * r.exposures.length);
  fillFeatures(r.exposures, p, rows, features, 0);
  const predicted = model.predict(features, rows.length);
  rows.forEach((a, i) => {
    const v = predicted[i]!;
    scores.set(p, a, v);
    if (v === v) counts.scored++;
  });
}

function record(
  r: Resolved,
  dates: readonly DateString[],
  t: number,
  until: number,
  rows: ReturnType<typeof trainingRows>,
  diagnostics: ModelDiagnostics | undefined,
  weights: readonly FactorWeight[],
  reason: string | undefined,
): WalkForwardTraining {
  return {
    date: dates[t]!,
    status: reason === undefined ? 'trained' : 'skipped',
    ...(reason === undefined ? {} : { reason }),
    trainFrom: rows.to >= 0 ? dates[rows.from] : undefined,
    trainTo: rows.to >= 0 ? dates[rows.to] : undefined,
    predictFrom: dates[t]!,
    predictTo: dates[until]!,
    dates: rows.dates,
    rows: rows.set?.rows ?? 0,
    dropped: rows.dropped,
    weights,
    ...(diagnostics ? { diagnostics } : {}),
  };
}
