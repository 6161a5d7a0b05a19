/**
 * `@factorkit/model-gbdt`: gradient-boosted decision trees as a factorkit combination model.
 *
 * Trains `@factorkit/gbdt` (LightGBM's histogram method, in TypeScript) on the training window's
 * rows — exposures as features, the cross-sectionally normalised forward returns as labels, L2
 * loss — optionally holding out the window's last dates for early stopping. The score of a row is
 * the ensemble's prediction; the "weights" are the factors' importances (shares of the total split
 * gain, or of the split count).
 *
 * @packageDocumentation
 */
import { FactorkitError, type ModelPlugin, type ParamsOf, type TrainedModel, type TrainingSet, ValidationError, defineModel, param } from '@factorkit/core';
import { GBDT_PARAMS, type GbdtModel, trainGbdt } from '@factorkit/gbdt';

const params = {
  ...GBDT_PARAMS,
  validationShare: param.number({
    default: 0,
    min: 0,
    max: 0.5,
    description:
      'Share of the training window’s dates, the last ones, held out as the validation set of early stopping (at least one date when > 0). 0: no validation set.',
  }),
  validationGap: param.integer({
    default: 0,
    min: 0,
    description:
      'Dates left out between the training rows and the validation dates. Set it to the label horizon so that no training label overlaps a validation label.',
  }),
  importance: param.enum(['gain', 'split'], {
    default: 'gain',
    description: 'What weights() reports per factor: its share of the total split gain, or of the number of splits.',
  }),
};

/** The validated parameters of {@link gbdt}: every `@factorkit/gbdt` hyperparameter plus `validationShare`, `validationGap`, `importance`. */
export type GbdtModelParams = ParamsOf<typeof params>;

/** The rows of the window's first dates (training) and of its last dates (validation), as views. */
function splitByDate(data: TrainingSet, share: number, gap: number): { train: number; validFrom: number; validDates: number; trainDates: number } {
  const { rows, dateIndex } = data;
  // Rows are ordered by date: the starts of the distinct dates.
  const starts: number[] = [];
  for (let r = 0; r < rows; r++) if (r === 0 || dateIndex[r] !== dateIndex[r - 1]) starts.push(r);
  const dates = starts.length;
  if (share === 0) return { train: rows, validFrom: rows, validDates: 0, trainDates: dates };
  const validDates = Math.max(1, Math.round(dates * share));
  const trainDates = dates - validDates - gap;
  if (trainDates < 1) {
    throw new FactorkitError(
      'FK_NO_VALUES',
      `model \`gbdt\`: the window has ${dates} dates; ${validDates} validation dates and a gap of ${gap} leave none to train on (lower validationShare or validationGap)`,
    );
  }
  return { train: starts[trainDates]!, validFrom: starts[dates - validDates]!, validDates, trainDates };
}

/**
 * Gradient-boosted decision trees on the factor exposures (`@factorkit/gbdt`: features binned
 * into ≤ 255 quantile bins, leaf-wise trees on gradient histograms, L2 loss). A missing exposure
 * is a missing value to the trees: each split sends it to the side that fitted the training rows
 * best. `weights()` are importances — shares of the total split gain (or of the split count) of
 * the kept trees, summing to 1 (all 0 when no tree was kept) — not directions.
 *
 * With `validationShare > 0` the window's last dates are held out (after `validationGap` dates
 * left out) and their loss is watched; `earlyStoppingRounds` then stops training and keeps the
 * best round's trees. `earlyStoppingRounds` without a validation share is refused.
 *
 * @example
 * import { trainModel } from '@factorkit/core';
 * import { gbdt } from '@factorkit/model-gbdt';
 * const model = trainModel(gbdt.with({ numRounds: 300, learningRate: 0.05, validationShare: 0.2, validationGap: 20, earlyStoppingRounds: 30 }), trainingSet);
 * model.predict(features, rows);   // one score per row
 * model.weights();                 // [{ factor, value: share of gain, kind: 'importance' }, …]
 */
export const gbdt = defineModel({
  id: 'gbdt',
  apiVersion: '1.1',
  meta: {
    title: '梯度提升树 (gradient-boosted trees)',
    description:
      'Gradient-boosted decision trees (LightGBM’s histogram method, L2 loss) of the cross-sectionally normalised forward returns on the ' +
      'factor exposures; optional early stopping on the window’s last dates. Weights are importances (share of split gain).',
    weightKind: 'importance',
    params,
    references: [
      'Friedman, J. H. (2001). Greedy Function Approximation: A Gradient Boosting Machine. Annals of Statistics 29(5), 1189–1232.',
      'Ke, G. et al. (2017). LightGBM: A Highly Efficient Gradient Boosting Decision Tree. Advances in Neural Information Processing Systems 30.',
    ],
  },
  train({ params: p, data }): TrainedModel {
    const { validationShare, validationGap, importance, ...hyper } = p;
    if (hyper.earlyStoppingRounds > 0 && validationShare === 0) {
      throw new ValidationError('FK_INVALID_PARAMS', 'invalid parameters for model `gbdt`', [
        { path: 'params.earlyStoppingRounds', message: `early stopping (${hyper.earlyStoppingRounds} rounds) needs a validation set: set params.validationShare > 0` },
      ]);
    }
    const F = data.factors.length;
    const split = splitByDate(data, validationShare, validationGap);
    const model: GbdtModel = trainGbdt(data.features.subarray(0, split.train * F), split.train, F, data.labels.subarray(0, split.train), {
      ...hyper,
      featureNames: data.factors,
      ...(split.validDates > 0
        ? {
            validation: {
              features: data.features.subarray(split.validFrom * F),
              rows: data.rows - split.validFrom,
              labels: data.labels.subarray(split.validFrom),
            },
          }
        : {}),
    });
    const raw = model.importance(importance);
    const total = raw.reduce((a, b) => a + b, 0);
    const weights = data.factors.map((factor, f) => ({ factor, value: total > 0 ? raw[f]! / total : 0, kind: 'importance' as const }));
    const log = model.log!;
    const last = log.rounds.at(-1);
    const messages: string[] = [];
    if (split.validDates > 0) {
      messages.push(
        `trained on the first ${split.trainDates} dates (${split.train} rows), validated on the last ${split.validDates} (${data.rows - split.validFrom} rows)` +
          (validationGap > 0 ? `, ${validationGap} dates left out between` : ''),
      );
    }
    if (log.stopReason === 'early-stopping') messages.push(`stopped early at round ${log.rounds.length} of ${hyper.numRounds}: kept the best round, ${log.bestIteration}`);
    if (log.stopReason === 'no-split') messages.push(`stopped at round ${log.rounds.length + 1} of ${hyper.numRounds}: no split gained (${model.trees.length} trees kept)`);
    return {
      predict: (features, rows) => model.predict(features, rows),
      weights: () => weights,
      diagnostics: {
        messages,
        rows: data.rows,
        trainRows: split.train,
        validationRows: data.rows - split.validFrom,
        trees: model.trees.length,
        roundsTrained: log.rounds.length,
        bestIteration: log.bestIteration,
        stopReason: log.stopReason,
        trainLoss: last?.trainLoss ?? Number.NaN,
        validLoss: split.validDates > 0 ? (log.rounds[log.bestIteration - 1]?.validLoss ?? Number.NaN) : Number.NaN,
        importance,
      },
    };
  },
}) satisfies ModelPlugin<typeof params>;

export default gbdt;
