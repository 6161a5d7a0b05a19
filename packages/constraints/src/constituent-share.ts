import { type ConstraintPlugin, FactorkitError, type ParamsOf, defineConstraint, param } from '@factorkit/core';
import { API_VERSION, benchmarkOf, ownerOf } from './util.js';

const params = {
  min: param.number({
    default: 0.8,
    min: 0,
    max: 1,
    description: 'Smallest total weight in benchmark constituents (0.8 = 80%).',
  }),
};

/** The validated parameters of {@link constituentShare}. */
export type ConstituentShareParams = ParamsOf<typeof params>;

/**
 * Constituent share: `Σ_{i : bᵢ > 0} wᵢ ≥ min` — one row labelled `constituent-share` over
 * the benchmark constituents (assets with a positive benchmark weight on the date; the
 * investable-universe flag `context.members` is not used).
 *
 * @example
 * constituentShare.with({ min: 0.8 })
 */
export const constituentShare: ConstraintPlugin<typeof params> = defineConstraint({
  id: 'constituent-share',
  apiVersion: API_VERSION,
  meta: {
    title: 'Benchmark constituent share (成分股权重占比)',
    description: 'The total weight in benchmark constituents (b > 0) is at least min.',
    priority: 80,
    params,
  },
  build(ctx) {
    const owner = ownerOf('constituent-share', ctx.rows.name);
    const b = benchmarkOf(ctx, owner);
    const index: number[] = [];
    for (let i = 0; i < b.length; i++) if (b[i]! > 0) index.push(i);
    if (index.length === 0 && ctx.params.min > 0) {
      throw new FactorkitError('FK_INVALID_DATA', `${owner}: no asset has a positive benchmark weight, so no weight can count toward \`min\` ${ctx.params.min}`);
    }
    ctx.rows.addRow({ index, value: index.map(() => 1), lower: ctx.params.min, upper: Number.POSITIVE_INFINITY, label: 'constituent-share' });
  },
});
