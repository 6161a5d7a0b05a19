/**
 * `@factorkit/model-icir`: the ICIR-weighted combination model as a factorkit plugin.
 *
 * Weights `w_f ∝ IC̄_f / σ(IC_f)`, the mean of factor `f`'s per-date IC over the training
 * window divided by its standard deviation (its information ratio), normalised to `Σ|w| = 1`.
 *
 * @packageDocumentation
 */
import { FactorkitError, type ModelPlugin, type ParamsOf, type TrainedModel, defineModel } from '@factorkit/core';
import { IC_MODEL_PARAMS, icByDate, linearScores } from '@factorkit/ops';

const params = {
  ...IC_MODEL_PARAMS,
};

/** The validated parameters of {@link icirWeight}: `{ method, minAssets }`. */
export type IcirWeightParams = ParamsOf<typeof params>;

/**
 * ICIR-weighted: each factor weighted by its mean IC over its standard deviation across the
 * training dates (`n − 1` in the denominator), normalised so the absolute weights sum to 1. A
 * factor with fewer than 2 dates with an IC, or an IC that never varies, gets weight 0, said in
 * `diagnostics.messages`; when no factor can be weighted, training throws `FK_NO_VALUES`.
 *
 * Scores: `Σ_f w_f x_f`, a missing exposure counting as 0; `NaN` when all are missing.
 *
 * @example
 * import { trainModel } from '@factorkit/core';
 * import { icirWeight } from '@factorkit/model-icir';
 * trainModel(icirWeight, trainingSet).weights();
 */
export const icirWeight = defineModel({
  id: 'icir',
  apiVersion: '1.1',
  meta: {
    title: 'ICIR 加权 (ICIR-weighted)',
    description:
      'Weights proportional to each factor’s mean IC divided by the standard deviation of its IC over the training dates ' +
      '(Spearman or Pearson ICs), normalised to Σ|w| = 1. A missing exposure counts as 0 in the score.',
    weightKind: 'weight',
    params,
    references: ['Qian, E., Hua, R. & Sorensen, E. (2007). Quantitative Equity Portfolio Management. Chapman & Hall/CRC (IC information ratio).'],
  },
  train({ params: p, data, cache }): TrainedModel {
    const ic = icByDate(data, { method: p.method, minPairs: p.minAssets, ...(cache ? { cache } : {}) });
    const F = data.factors.length;
    const w = new Float64Array(F);
    const icir = new Float64Array(F).fill(Number.NaN);
    const messages: string[] = [];
    let total = 0;
    for (let f = 0; f < F; f++) {
      const count = ic.summary.count[f]!;
      const std = ic.summary.std[f]!;
      if (count < 2 || !(std > 0)) {
        messages.push(`factor \`${data.factors[f]!}\`: ${count < 2 ? `${count} date${count === 1 ? '' : 's'} with an IC (2 needed)` : 'its IC never varies'}; weight 0`);
        continue;
      }
      icir[f] = ic.summary.mean[f]! / std;
      w[f] = icir[f]!;
      total += Math.abs(w[f]!);
    }
    if (!(total > 0)) {
      throw new FactorkitError('FK_NO_VALUES', `model \`icir\`: no factor has a non-zero ICIR over the ${ic.dates.length} training dates (at least ${p.minAssets} rows per date)`);
    }
    for (let f = 0; f < F; f++) w[f] = w[f]! / total;
    return {
      predict: (features, rows) => linearScores(features, rows, w),
      weights: () => data.factors.map((factor, f) => ({ factor, value: w[f]!, kind: 'weight' as const })),
      diagnostics: {
        messages,
        dates: ic.dates.length,
        icDates: Array.from(ic.summary.count),
        meanIc: Array.from(ic.summary.mean),
        stdIc: Array.from(ic.summary.std),
        icir: Array.from(icir),
      },
    };
  },
}) satisfies ModelPlugin<typeof params>;

export default icirWeight;
