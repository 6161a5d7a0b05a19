/**
 * `@factorkit/model-ic`: the IC-weighted combination model as a factorkit plugin.
 *
 * Weights `w_f = IC̄_f / Σ_g |IC̄_g|`, `IC̄_f` the mean over the training window's dates of the
 * cross-sectional correlation (Spearman by default) between factor `f` and the label.
 *
 * @packageDocumentation
 */
import { FactorkitError, type ModelPlugin, type ParamsOf, type TrainedModel, defineModel } from '@factorkit/core';
import { IC_MODEL_PARAMS, icByDate, linearScores } from '@factorkit/ops';

const params = {
  ...IC_MODEL_PARAMS,
};

/** The validated parameters of {@link icWeight}: `{ method, minAssets }`. */
export type IcWeightParams = ParamsOf<typeof params>;

/**
 * IC-weighted: each factor weighted by its mean IC over the training dates, normalised so the
 * absolute weights sum to 1. A factor with a negative mean IC gets a negative weight. A factor
 * with no IC on any date (too few rows with it present) gets weight 0, said in
 * `diagnostics.messages`; when no factor has one, training throws `FK_NO_VALUES`.
 *
 * Scores: `Σ_f w_f x_f`, a missing exposure counting as 0; `NaN` when all are missing.
 *
 * @example
 * import { trainModel } from '@factorkit/core';
 * import { icWeight } from '@factorkit/model-ic';
 * const model = trainModel(icWeight.with({ method: 'pearson' }), trainingSet);
 */
export const icWeight = defineModel({
  id: 'ic',
  apiVersion: '1.1',
  meta: {
    title: 'IC 加权 (IC-weighted)',
    description:
      'Weights proportional to each factor’s mean cross-sectional IC (Spearman or Pearson) with the label over the training dates, ' +
      'normalised to Σ|w| = 1. A missing exposure counts as 0 in the score.',
    weightKind: 'weight',
    params,
    references: ['Qian, E., Hua, R. & Sorensen, E. (2007). Quantitative Equity Portfolio Management. Chapman & Hall/CRC (IC-weighted composites).'],
  },
  train({ params: p, data, cache }): TrainedModel {
    const ic = icByDate(data, { method: p.method, minPairs: p.minAssets, ...(cache ? { cache } : {}) });
    const F = data.factors.length;
    const w = new Float64Array(F);
    const messages: string[] = [];
    let total = 0;
    for (let f = 0; f < F; f++) {
      const mean = ic.summary.mean[f]!;
      if (Number.isNaN(mean)) {
        messages.push(`factor \`${data.factors[f]!}\`: no date with ${p.minAssets} or more rows and a defined IC; weight 0`);
        continue;
      }
      w[f] = mean;
      total += Math.abs(mean);
    }
    if (!(total > 0)) {
      throw new FactorkitError('FK_NO_VALUES', `model \`ic\`: no factor has a non-zero mean IC over the ${ic.dates.length} training dates (at least ${p.minAssets} rows per date)`);
    }
    for (let f = 0; f < F; f++) w[f] = w[f]! / total;
    return {
      predict: (features, rows) => linearScores(features, rows, w),
      weights: () => data.factors.map((factor, f) => ({ factor, value: w[f]!, kind: 'weight' as const })),
      diagnostics: { messages, dates: ic.dates.length, icDates: Array.from(ic.summary.count), meanIc: Array.from(ic.summary.mean) },
    };
  },
}) satisfies ModelPlugin<typeof params>;

export default icWeight;
