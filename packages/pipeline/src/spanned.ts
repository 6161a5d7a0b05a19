import { type CategoricalPanel, Panel } from '@factorkit/core';
import { logSize, neutralize } from '@factorkit/ops';
import type { Regressor } from './report.js';

/**
 * A neutralisation whose regressors explain at least this share of a factor's variance on every
 * date tested leaves only rounding noise: the factor *is* (a linear function of) its regressors.
 * Real factors correlated with size stay far below (|ρ| = 0.9 is R² = 0.81).
 */
export const SPANNED_R2 = 1 - 1e-8;

/** Dates sampled for the test: a structural identity shows on every date, so a few suffice. */
const SAMPLE_DATES = 16;

/** What the neutralising stage would regress on, over the range (rows = dates of the range). */
export interface RegressorData {
  readonly industry?: CategoricalPanel;
  readonly marketCap?: Panel;
}

/** The result of {@link spannedBy}. */
export interface SpanTest {
  readonly spanned: boolean;
  /** Dates tested (with enough values and some variation). */
  readonly dates: number;
  /** The smallest R² among them (1 when none was tested). */
  readonly minR2: number;
}

/**
 * Whether neutralising `values` against `regressors` would leave nothing but noise: on up to 16
 * dates spread over the range, the R² of the per-date regression (run with `@factorkit/ops`
 * `neutralize`, as preprocessing does) is at least {@link SPANNED_R2} on every date tested.
 * `eligible(t)` gives the universe's members on row `t`.
 */
export function spannedBy(values: Panel, regressors: readonly Regressor[], data: RegressorData, eligible: (t: number) => Uint8Array | undefined): SpanTest {
  const { dates, assets } = values;
  // Dates with at least 3 eligible values, evenly sampled.
  const candidates: number[] = [];
  for (let t = 0; t < dates; t++) {
    const members = eligible(t);
    let n = 0;
    for (let a = 0; a < assets && n < 3; a++) if ((!members || members[a]) && Number.isFinite(values.values[a * dates + t]!)) n++;
    if (n >= 3) candidates.push(t);
  }
  if (candidates.length === 0) return { spanned: false, dates: 0, minR2: 1 };
  const picked = candidates.length <= SAMPLE_DATES ? candidates : Array.from({ length: SAMPLE_DATES }, (_, i) => candidates[Math.floor((i * (candidates.length - 1)) / (SAMPLE_DATES - 1))]!);
  const S = picked.length;
  const y = new Panel(S, assets);
  const cap = data.marketCap ? new Panel(S, assets) : undefined;
  const codes = data.industry ? new Int32Array(S * assets) : undefined;
  const masks = picked.map((t) => Uint8Array.from(eligible(t) ?? new Uint8Array(assets).fill(1)));
  picked.forEach((t, s) => {
    for (let a = 0; a < assets; a++) {
      y.values[a * S + s] = values.values[a * dates + t]!;
      if (cap) cap.values[a * S + s] = data.marketCap!.values[a * dates + t]!;
      if (codes) codes[a * S + s] = data.industry!.codes[a * dates + t]!;
    }
  });
  const byIndustry = regressors.includes('industry') && codes !== undefined;
  const bySize = regressors.includes('size') && cap !== undefined;
  if (!byIndustry && !bySize) return { spanned: false, dates: 0, minR2: 1 };
  const { values: residuals } = neutralize(y, {
    mask: (s) => masks[s]!,
    ...(byIndustry ? { industry: { dates: S, assets, codes: codes, levels: data.industry!.levels } } : {}),
    ...(bySize ? { size: logSize(cap) } : {}),
  });
  let tested = 0;
  let minR2 = 1;
  for (let s = 0; s < S; s++) {
    // Over the values the regression used (residual present): total and residual sums of squares.
    let n = 0;
    let sum = 0;
    for (let a = 0; a < assets; a++) {
      const r = residuals.values[a * S + s]!;
      if (r === r) {
        n++;
        sum += y.values[a * S + s]!;
      }
    }
    if (n < 3) continue;
    const mean = sum / n;
    let sst = 0;
    let ssr = 0;
    for (let a = 0; a < assets; a++) {
      const r = residuals.values[a * S + s]!;
      if (r !== r) continue;
      const d = y.values[a * S + s]! - mean;
      sst += d * d;
      ssr += r * r;
    }
    if (!(sst > 0)) continue; // a constant factor: nothing to explain (standardising reports it)
    tested++;
    minR2 = Math.min(minR2, 1 - ssr / sst);
  }
  return { spanned: tested > 0 && minR2 >= SPANNED_R2, dates: tested, minR2 };
}

/**
 * The regressors to neutralise a factor against, out of those `available`: all of them unless
 * together they span the factor; then the largest subset that does not (dropping `size` first,
 * then `industry`), possibly none. Returns the regressors kept and the tests that decided.
 */
export function chooseRegressors(
  values: Panel,
  available: readonly Regressor[],
  data: RegressorData,
  eligible: (t: number) => Uint8Array | undefined,
): { used: Regressor[]; spanned: { regressor: Regressor; test: SpanTest }[] } {
  if (available.length === 0) return { used: [], spanned: [] };
  const all = spannedBy(values, available, data, eligible);
  if (!all.spanned) return { used: [...available], spanned: [] };
  if (available.length === 2) {
    for (const keep of ['industry', 'size'] as const) {
      const drop: Regressor = keep === 'industry' ? 'size' : 'industry';
      if (!spannedBy(values, [keep], data, eligible).spanned) return { used: [keep], spanned: [{ regressor: drop, test: all }] };
    }
  }
  return { used: [], spanned: available.map((regressor) => ({ regressor, test: all })) };
}
