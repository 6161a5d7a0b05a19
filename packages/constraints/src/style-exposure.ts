import { type ConstraintPlugin, FactorkitError, type Issue, type ParamsOf, defineConstraint, param, requireExposure } from '@factorkit/core';
import { API_VERSION, benchmarkOf, ownerOf } from './util.js';

const params = {
  styles: param.array(param.string({ minLength: 1 }), {
    minItems: 1,
    description: 'Names of the exposures in `context.exposures` to control (e.g. `size`, `beta`).',
  }),
  band: param.number({
    default: 0,
    min: 0,
    description: 'Default allowed active exposure, in exposure units: Σ (w − b)·x within [−band, band]. 0 = exactly neutral.',
  }),
  bands: param.record(param.number({ min: 0 }), {
    default: {},
    description: 'Per-style symmetric band overriding `band`, e.g. `{ size: 0, beta: 0.1 }`.',
  }),
  limits: param.record(param.object({ lower: param.number(), upper: param.number() }), {
    default: {},
    description: 'Per-style asymmetric range [lower, upper] of active exposure, overriding `band` and `bands`.',
  }),
  missing: param.enum(['error', 'zero'], {
    default: 'error',
    description: '`NaN` exposures: `error` = throw, naming the style and assets; `zero` = treat as 0 (the cross-sectional mean of a z-scored style).',
  }),
};

/** The validated parameters of {@link styleExposure}. */
export type StyleExposureParams = ParamsOf<typeof params>;

function validate(p: StyleExposureParams): Issue[] {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  p.styles.forEach((s, i) => {
    if (seen.has(s)) issues.push({ path: `styles[${i}]`, message: `style \`${s}\` is listed twice` });
    seen.add(s);
  });
  for (const key of Object.keys(p.bands)) {
    if (!seen.has(key)) issues.push({ path: `bands.${key}`, message: `\`${key}\` is not in \`styles\`` });
  }
  for (const [key, range] of Object.entries(p.limits)) {
    if (!seen.has(key)) issues.push({ path: `limits.${key}`, message: `\`${key}\` is not in \`styles\`` });
    else if (range.lower > range.upper) issues.push({ path: `limits.${key}`, message: `lower ${range.lower} is greater than upper ${range.upper}` });
  }
  return issues;
}

/** The active-exposure range `[lower, upper]` for one style under these parameters. */
export function styleRange(p: StyleExposureParams, style: string): { lower: number; upper: number } {
  const limit = p.limits[style];
  if (limit) return { lower: limit.lower, upper: limit.upper };
  const band = p.bands[style] ?? p.band;
  return { lower: -band, upper: band };
}

/**
 * Style exposure control: for each style `s` with exposures `x`,
 * `lower_s ≤ Σᵢ (wᵢ − bᵢ)·xᵢ ≤ upper_s`, written as one row over the weights,
 * `lower_s + bᵀx ≤ xᵀw ≤ upper_s + bᵀx`, labelled `style:<name>`.
 *
 * @example
 * styleExposure.with({ styles: ['size'] })                                    // size-neutral
 * styleExposure.with({ styles: ['size', 'beta'], bands: { beta: 0.1 } })       // beta within ±0.1
 * styleExposure.with({ styles: ['size'], limits: { size: { lower: -0.2, upper: 0 } } })
 */
export const styleExposure: ConstraintPlugin<typeof params> = defineConstraint({
  id: 'style-exposure',
  apiVersion: API_VERSION,
  meta: {
    title: 'Style exposure (风格暴露约束)',
    description: 'For each named style, the active exposure Σ (w − b)·x stays within a range in exposure units; one row per style.',
    priority: 30,
    params,
    validate,
  },
  build(ctx) {
    const p = ctx.params;
    const owner = ownerOf('style-exposure', ctx.rows.name);
    const b = benchmarkOf(ctx, owner);
    const n = ctx.assets.length;
    for (const style of p.styles) {
      const raw = requireExposure(ctx, style, owner);
      if (raw.length !== n) {
        throw new FactorkitError('FK_INVALID_DATA', `${owner}: exposure \`${style}\` has ${raw.length} entries, expected one per asset (${n})`);
      }
      const x = new Float64Array(n);
      const missing: number[] = [];
      for (let i = 0; i < n; i++) {
        const v = raw[i]!;
        if (Number.isNaN(v)) missing.push(i);
        else if (!Number.isFinite(v)) {
          throw new FactorkitError('FK_INVALID_DATA', `${owner}: exposure \`${style}\` of \`${ctx.assets[i]}\` is ${v}`);
        } else x[i] = v;
      }
      if (missing.length > 0 && p.missing === 'error') {
        const names = missing.slice(0, 5).map((i) => `\`${ctx.assets[i]}\``);
        throw new FactorkitError(
          'FK_INVALID_DATA',
          `${owner}: exposure \`${style}\` is missing (NaN) for ${missing.length} ${missing.length === 1 ? 'asset' : 'assets'} ` +
            `(${names.join(', ')}${missing.length > 5 ? ', …' : ''}); fill it upstream or set \`missing: 'zero'\``,
          { details: { owner, style, missing: missing.map((i) => ctx.assets[i]) } },
        );
      }
      let benchmarkExposure = 0;
      for (let i = 0; i < n; i++) benchmarkExposure += b[i]! * x[i]!;
      const range = styleRange(p, style);
      ctx.rows.addWeightRow(x, range.lower + benchmarkExposure, range.upper + benchmarkExposure, `style:${style}`);
    }
  },
});
