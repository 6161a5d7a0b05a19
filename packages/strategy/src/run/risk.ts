import { type ConstraintSpec, type FactorPlugin, type FactorSpec, FactorkitError, type MarketData, Panel, type RiskModelView, computeFactor, show } from '@factorkit/core';
import { type RiskEstimationOptions, type RiskModel, type RiskModelEstimate, type RiskModelOptions, estimateRiskModel, forEachRiskModel } from '@factorkit/risk';

/** Trading days per year: the risk model's daily variances are annualised with it. */
export const PERIODS_PER_YEAR = 252;

/** Style inputs of the strategy's risk model: names (`size` = log market cap) or factor plugins / specs. */
export type RiskStyle = string | FactorPlugin<any> | FactorSpec<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The risk options of a strategy: the model's options and its styles. */
export type StrategyRiskOptions = RiskModelOptions & RiskEstimationOptions & { readonly styles?: readonly RiskStyle[] | undefined };

/** The risk model of a strategy as of one rebalance date, kept small: the exposures as industry columns and style values. */
export interface RebalanceRisk {
  readonly factors: readonly string[];
  /** k × k, daily (as `@factorkit/risk` forecasts the next day's returns). */
  readonly covariance: Float64Array;
  /** n, daily. */
  readonly specificVariance: Float64Array;
  /** Per asset of the data: the column of its industry factor, −1 for none. */
  readonly industryColumn: Int32Array;
  /** The columns of the styles, and their exposures (`n × S` row-major). */
  readonly styleColumns: Int32Array;
  readonly styleNames: readonly string[];
  readonly styles: Float64Array;
}

/** Log market cap (`market_cap`, else `float_market_cap`) as a style panel. */
function logCap(data: MarketData, notes: string[]): Panel {
  const field = data.hasField('market_cap') ? 'market_cap' : data.hasField('float_market_cap') ? 'float_market_cap' : undefined;
  if (!field) throw new FactorkitError('FK_MISSING_INPUT', 'strategy.risk: the style `size` needs `market_cap` (or `float_market_cap`), which the dataset does not have');
  if (field !== 'market_cap') notes.push('risk model: the dataset has no `market_cap`; the style `size` is the log float market cap');
  const cap = data.field(field);
  return new Panel(cap.dates, cap.assets, Float64Array.from(cap.values, (v) => (v > 0 ? Math.log(v) : Number.NaN)));
}

/**
 * Estimate the strategy's risk model once over the run (daily regressions from `from` to
 * `last`): country, industries and the styles (default `size`).
 */
export function estimateStrategyRisk(data: MarketData, options: StrategyRiskOptions, from: number, last: number, notes: string[]): RiskModelEstimate {
  const { styles: given, ...modelOptions } = options;
  const list: readonly RiskStyle[] = given && given.length > 0 ? given : ['size'];
  const styles: Record<string, Panel> = {};
  list.forEach((style, i) => {
    if (typeof style === 'string') {
      if (style !== 'size') {
        throw new FactorkitError('FK_INVALID_ARGUMENT', `strategy.risk.styles[${i}]: ${show(style)} is not a style this runner computes by name (only \`size\`); give a factor plugin or spec`);
      }
      styles.size = logCap(data, notes);
      return;
    }
    const id = 'plugin' in style ? style.plugin.id : style.id;
    styles[id] = computeFactor(style, data).values;
  });
  const dates = data.calendar.dates;
  return estimateRiskModel({
    dates,
    assets: data.assets,
    returns: data.field('ret'),
    industry: data.categorical('industry'),
    styles,
    marketCap: data.field(data.hasField('market_cap') ? 'market_cap' : 'float_market_cap'),
    ...(data.hasField('is_trading') ? { tradable: data.field('is_trading') } : {}),
    ...modelOptions,
    start: dates[Math.max(1, from)]!,
    end: dates[last]!,
  });
}

/** Keep a model small: exposures as industry columns and styles. */
function compact(model: RiskModel): RebalanceRisk {
  const k = model.factors.length;
  const n = model.specificVariance.length;
  const styleColumns: number[] = [];
  const industryColumns: number[] = [];
  model.factorKinds.forEach((kind, j) => {
    if (kind === 'style') styleColumns.push(j);
    else if (kind === 'industry') industryColumns.push(j);
  });
  const S = styleColumns.length;
  const industryColumn = new Int32Array(n).fill(-1);
  const styles = new Float64Array(n * S);
  for (let a = 0; a < n; a++) {
    const row = a * k;
    for (const j of industryColumns) {
      if (model.exposures[row + j] === 1) {
        industryColumn[a] = j;
        break;
      }
    }
    for (let s = 0; s < S; s++) styles[a * S + s] = model.exposures[row + styleColumns[s]!]!;
  }
  return {
    factors: model.factors,
    covariance: model.covariance,
    specificVariance: model.specificVariance,
    industryColumn,
    styleColumns: Int32Array.from(styleColumns),
    styleNames: styleColumns.map((j) => model.factors[j]!),
    styles,
  };
}

/** The models as of each rebalance date (calendar indices), in one pass over the estimated history. */
export function rebalanceRisks(estimate: RiskModelEstimate, schedule: readonly number[]): Map<number, RebalanceRisk> {
  const out = new Map<number, RebalanceRisk>();
  forEachRiskModel(estimate, schedule, estimate.modelOptions, (model, _i, t) => out.set(t, compact(model)));
  return out;
}

/**
 * The model restricted to the candidates `columns`, its variances annualised (× 252): what the
 * objective and the tracking-error cap read. Annual numbers keep the quadratic row of a
 * tracking-error cap well scaled (daily TE² of ~1e-6 left HiGHS' Lagrangian and cut loops at
 * their iteration limit on the synthetic market; annualised, 13 solves).
 */
export function candidateRisk(risk: RebalanceRisk, columns: Int32Array): RiskModelView {
  const k = risk.factors.length;
  const S = risk.styleColumns.length;
  const n = columns.length;
  const exposures = new Float64Array(n * k);
  const specificVariance = new Float64Array(n);
  const covariance = Float64Array.from(risk.covariance, (v) => v * PERIODS_PER_YEAR);
  for (let i = 0; i < n; i++) {
    const a = columns[i]!;
    exposures[i * k] = 1;
    const ind = risk.industryColumn[a]!;
    if (ind >= 0) exposures[i * k + ind] = 1;
    for (let s = 0; s < S; s++) exposures[i * k + risk.styleColumns[s]!] = risk.styles[a * S + s]!;
    specificVariance[i] = risk.specificVariance[a]! * PERIODS_PER_YEAR;
  }
  return { factors: risk.factors, exposures, covariance, specificVariance };
}

/** Ex-ante tracking error `√((w − b)ᵀ Σ (w − b))` under a candidate view (annualised by {@link candidateRisk}). */
export function exAnteTrackingError(view: RiskModelView, w: ArrayLike<number>, b: ArrayLike<number>): number {
  const k = view.factors.length;
  const n = view.specificVariance.length;
  const y = new Float64Array(k);
  let specific = 0;
  for (let i = 0; i < n; i++) {
    const d = w[i]! - b[i]!;
    if (d === 0) continue;
    specific += d * d * view.specificVariance[i]!;
    for (let f = 0; f < k; f++) y[f]! += d * view.exposures[i * k + f]!;
  }
  let factor = 0;
  for (let f = 0; f < k; f++) for (let g = 0; g < k; g++) factor += y[f]! * view.covariance[f * k + g]! * y[g]!;
  return Math.sqrt(Math.max(0, factor + specific));
}

/**
 * A `tracking-error-cap` spec stated for the risk model's daily covariances
 * (`periodsPerYear: 252`) restated for the annualised candidate view: the cap
 * `(w − b)ᵀΣ_daily(w − b) ≤ cap² / p` is `(w − b)ᵀΣ_annual(w − b) ≤ cap² / (p / 252)`.
 */
export function annualisedCap(spec: ConstraintSpec<any>): ConstraintSpec<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (spec.plugin.id !== 'tracking-error-cap') return spec;
  const params = spec.params as { cap: number; periodsPerYear: number };
  return spec.plugin.with({ ...params, periodsPerYear: params.periodsPerYear / PERIODS_PER_YEAR }, { group: spec.group, priority: spec.priority });
}
