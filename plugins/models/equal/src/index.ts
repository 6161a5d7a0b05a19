/**
 * `@factorkit/model-equal`: the equal-weight combination model as a factorkit plugin.
 *
 * Score of a row: `(1 / F) Σ_f x_f`, the mean of the factor exposures with a missing exposure
 * counted as 0 (the cross-sectional mean of a standardised exposure); `NaN` when every exposure
 * is missing. It estimates nothing from the labels: the baseline every other model is compared to.
 *
 * @packageDocumentation
 */
import { type ModelPlugin, type TrainedModel, defineModel } from '@factorkit/core';
import { linearScores } from '@factorkit/ops';

const params = {};

/**
 * Equal weights: every factor gets `1 / F`. The exposures must already point the same way
 * (a factor whose low values earn more is multiplied by −1 upstream, as its `direction` says)
 * and be on one scale (standardised), or the weights are not equal in effect.
 *
 * @example
 * import { trainModel } from '@factorkit/core';
 * import { equalWeight } from '@factorkit/model-equal';
 * const model = trainModel(equalWeight, trainingSet);
 * model.weights(); // [{ factor: 'ep_ttm', value: 0.5, kind: 'weight' }, …]
 */
export const equalWeight = defineModel({
  id: 'equal',
  apiVersion: '1.1',
  meta: {
    title: '等权 (equal weights)',
    description:
      'Equal weights: the score is the mean of the factor exposures, 1/F each, a missing exposure counting as 0. ' +
      'Learns nothing from the labels; exposures must be standardised and aligned with their direction upstream.',
    weightKind: 'weight',
    params,
  },
  train({ data }): TrainedModel {
    const F = data.factors.length;
    const w = new Float64Array(F).fill(1 / F);
    return {
      predict: (features, rows) => linearScores(features, rows, w),
      weights: () => data.factors.map((factor, f) => ({ factor, value: w[f]!, kind: 'weight' as const })),
      diagnostics: { messages: [] },
    };
  },
}) satisfies ModelPlugin<typeof params>;

export default equalWeight;
