import { type ConstraintPlugin, FactorkitError, type ParamsOf, defineConstraint, param } from '@factorkit/core';
import { API_VERSION, benchmarkOf, ownerOf } from './util.js';

const params = {
  classification: param.string({
    default: 'industry',
    minLength: 1,
    description: 'Which of `context.categories` holds the industry codes (e.g. SW level 1 or CITIC level 1).',
  }),
  band: param.number({
    default: 0,
    min: 0,
    max: 1,
    description: 'Allowed active weight per industry: Σ (w − b) over the industry within [−band, band]. 0 = exactly neutral.',
  }),
  missing: param.enum(['group', 'zero', 'error'], {
    default: 'group',
    description:
      'Assets whose code is −1 (unclassified): `group` = treat them as one more industry, `(missing)`; ' +
      '`zero` = they may not be held (w = 0, a bound of this group); `error` = throw, listing them.',
  }),
};

/** The validated parameters of {@link industryNeutral}. */
export type IndustryNeutralParams = ParamsOf<typeof params>;

/** Label of the pseudo-industry of unclassified assets under `missing: 'group'`. */
export const MISSING_INDUSTRY = '(missing)';

/**
 * Industry neutrality: for every industry `j` that has at least one asset,
 * `Σ_{i∈j} bᵢ − band ≤ Σ_{i∈j} wᵢ ≤ Σ_{i∈j} bᵢ + band`, one row labelled
 * `<classification>:<industry>` (with the default classification, `industry:银行`). Levels
 * with no asset on the date get no row. Unclassified assets follow `missing`.
 *
 * @example
 * industryNeutral.with()                 // exact neutrality on `categories.industry`
 * industryNeutral.with({ band: 0.02 })   // ±2% active weight per industry
 */
export const industryNeutral: ConstraintPlugin<typeof params> = defineConstraint({
  id: 'industry-neutral',
  apiVersion: API_VERSION,
  meta: {
    title: 'Industry neutral (行业中性)',
    description: 'For each industry, the portfolio weight equals the benchmark weight within ±band; one row per industry.',
    priority: 40,
    params,
  },
  build(ctx) {
    const p = ctx.params;
    const owner = ownerOf('industry-neutral', ctx.rows.name);
    const b = benchmarkOf(ctx, owner);
    const category = ctx.categories[p.classification];
    if (category === undefined) {
      const known = Object.keys(ctx.categories);
      throw new FactorkitError(
        'FK_MISSING_INPUT',
        `${owner} needs categories \`${p.classification}\` (param \`classification\`); the context has ${known.length ? known.map((k) => `\`${k}\``).join(', ') : 'none'}`,
        { details: { owner, missing: [p.classification], available: known } },
      );
    }
    const { codes, levels } = category;
    const n = ctx.assets.length;
    if (codes.length !== n) {
      throw new FactorkitError('FK_INVALID_DATA', `${owner}: categories \`${p.classification}\` has ${codes.length} codes, expected one per asset (${n})`);
    }
    const members: number[][] = levels.map(() => []);
    const unclassified: number[] = [];
    for (let i = 0; i < n; i++) {
      const code = codes[i]!;
      if (code === -1) unclassified.push(i);
      else if (Number.isInteger(code) && code >= 0 && code < levels.length) members[code]!.push(i);
      else {
        throw new FactorkitError(
          'FK_INVALID_DATA',
          `${owner}: categories \`${p.classification}\` gives asset \`${ctx.assets[i]}\` code ${code}, but there are ${levels.length} levels (−1 = missing)`,
        );
      }
    }
    if (unclassified.length > 0 && p.missing === 'error') {
      const names = unclassified.slice(0, 5).map((i) => `\`${ctx.assets[i]}\``);
      throw new FactorkitError(
        'FK_INVALID_DATA',
        `${owner}: ${unclassified.length} ${unclassified.length === 1 ? 'asset has' : 'assets have'} no \`${p.classification}\` code (${names.join(', ')}${unclassified.length > 5 ? ', …' : ''}); ` +
          "set `missing: 'group'` or `'zero'` to handle them",
        { details: { owner, unclassified: unclassified.map((i) => ctx.assets[i]) } },
      );
    }
    const addIndustry = (indices: readonly number[], name: string): void => {
      if (indices.length === 0) return;
      let target = 0;
      for (const i of indices) target += b[i]!;
      ctx.rows.addRow({
        index: indices,
        value: indices.map(() => 1),
        lower: target - p.band,
        upper: target + p.band,
        label: `${p.classification}:${name}`,
      });
    };
    levels.forEach((name, j) => addIndustry(members[j]!, name));
    if (p.missing === 'group') addIndustry(unclassified, MISSING_INDUSTRY);
    else for (const i of unclassified) ctx.rows.bound(i, 0, 0);
  },
});
