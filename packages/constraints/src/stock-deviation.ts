import { type ConstraintPlugin, type ParamsOf, defineConstraint, param } from '@factorkit/core';
import { API_VERSION, benchmarkOf, ownerOf } from './util.js';

const params = {
  mode: param.enum(['absolute', 'relative'], {
    default: 'absolute',
    description: '`absolute`: |w − b| ≤ limit; `relative`: |w − b| ≤ limit · b.',
  }),
  limit: param.number({
    default: 0.01,
    min: 0,
    description: 'Largest deviation: a weight (0.01 = 1 percentage point) in `absolute` mode, a fraction of b in `relative` mode.',
  }),
  longOnly: param.boolean({ default: true, description: 'Also keep w ≥ 0 (the lower bound becomes max(0, b − d)).' }),
  nonMembers: param.enum(['allow', 'zero'], {
    default: 'allow',
    description: 'Assets with benchmark weight 0: `allow` = up to `nonMemberMax`; `zero` = not held.',
  }),
  nonMemberMax: param.number({
    default: 0.01,
    min: 0,
    max: 1,
    description: 'With `nonMembers: allow`, the largest weight of a non-benchmark asset.',
  }),
};

/** The validated parameters of {@link stockDeviation}. */
export type StockDeviationParams = ParamsOf<typeof params>;

/**
 * Per-stock deviation from the benchmark weight, as variable bounds owned by this group (no
 * rows). For a benchmark member (bᵢ > 0), with d = `limit` (absolute) or `limit · bᵢ`
 * (relative): `bᵢ − d ≤ wᵢ ≤ bᵢ + d`, the lower end raised to 0 when `longOnly`. For a
 * non-member (bᵢ = 0): `0 ≤ wᵢ ≤ nonMemberMax` (`allow`) or `wᵢ = 0` (`zero`); without
 * `longOnly` an allowed non-member may also go to `−nonMemberMax`.
 *
 * @example
 * stockDeviation.with({ limit: 0.01 })                 // |w − b| ≤ 1%
 * stockDeviation.with({ mode: 'relative', limit: 0.5 }) // w ∈ [0.5 b, 1.5 b]
 */
export const stockDeviation: ConstraintPlugin<typeof params> = defineConstraint({
  id: 'stock-deviation',
  apiVersion: API_VERSION,
  meta: {
    title: 'Per-stock deviation from benchmark (个股偏离)',
    description:
      'Each weight stays within a band around its benchmark weight: |w − b| ≤ limit (absolute) or ≤ limit · b (relative); ' +
      'non-benchmark assets are capped at nonMemberMax or excluded.',
    priority: 50,
    params,
  },
  build(ctx) {
    const p = ctx.params;
    const b = benchmarkOf(ctx, ownerOf('stock-deviation', ctx.rows.name));
    for (let i = 0; i < b.length; i++) {
      const bi = b[i]!;
      let lower: number;
      let upper: number;
      if (bi > 0) {
        const d = p.mode === 'absolute' ? p.limit : p.limit * bi;
        lower = bi - d;
        upper = bi + d;
      } else if (p.nonMembers === 'zero') {
        lower = 0;
        upper = 0;
      } else {
        lower = -p.nonMemberMax;
        upper = p.nonMemberMax;
      }
      if (p.longOnly) lower = Math.max(0, lower);
      ctx.rows.bound(i, lower, upper);
    }
  },
});
