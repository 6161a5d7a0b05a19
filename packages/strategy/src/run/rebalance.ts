import { type CategoricalPanel, type ConstraintContext, type ConstraintSpec, type MarketData, type Panel, type Problem, ProblemBuilder, type RiskModelView, type Tradability, type UniverseInstance, applyConstraints } from '@factorkit/core';
import { pinUntradable } from '@factorkit/evaluate';
import { zscoreInPlace } from '@factorkit/ops';
import { type PortfolioObjective, maxExposure, meanVariance, minTrackingError } from '@factorkit/portfolio';
import type { ObjectiveDefinition } from '../spec/types.js';
import { type RebalanceRisk, candidateRisk } from './risk.js';

type AnySpec = ConstraintSpec<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The active alpha exposure `min-tracking-error` asks for by default, in z-scores of the scores. */
export const MIN_TE_ACTIVE_EXPOSURE = 0.5;

/** What every rebalance of a run reads, gathered once. */
export interface RebalanceInputs {
  readonly data: MarketData;
  readonly universe: UniverseInstance;
  readonly investable: UniverseInstance | undefined;
  /** Scores over the signal rows (`scores.get(t − offset, a)`). */
  readonly scores: Panel;
  readonly offset: number;
  /** Factor values by name (direction applied), over the same rows: a style a constraint names may be one. */
  readonly factors: ReadonlyMap<string, Panel>;
  /** Market cap (for the style `size`: z-scored log cap), when the data has one. */
  readonly cap: Panel | undefined;
  /** Categorical panels the constraints classify by (`industry`…), by field name. */
  readonly categories: ReadonlyMap<string, CategoricalPanel>;
  /** Style names the constraints need besides `size`. */
  readonly styles: readonly string[];
  readonly constraints: readonly AnySpec[];
  readonly objective: ObjectiveDefinition;
  /** The risk model as of each rebalance date, when one was estimated. */
  readonly risk: ReadonlyMap<number, RebalanceRisk> | undefined;
}

/** The problem of one rebalance date, with what the record and the exposures need. */
export interface RebalanceProblem {
  /** Candidate columns (into `data.assets`), ascending. */
  readonly columns: Int32Array;
  readonly alpha: Float64Array;
  readonly context: ConstraintContext;
  readonly problem: Problem;
  readonly riskView: RiskModelView | undefined;
  readonly missingScores: number;
  /** Per style, candidates without a value (their exposure is taken as missing by the constraint). */
  readonly missingStyles: Readonly<Record<string, number>>;
  /** Per classification, candidates without a category. */
  readonly missingCategories: Readonly<Record<string, number>>;
  readonly pinned: number;
}

/** A date with nothing to optimise, and why. */
export interface Skip {
  readonly skip: string;
}

/** The z-scored values of `read(a)` over the candidates; `NaN` stays `NaN`. */
function standardised(columns: Int32Array, read: (a: number) => number): { values: Float64Array; missing: number } {
  const values = Float64Array.from(columns, (a) => read(a));
  zscoreInPlace(values);
  let missing = 0;
  for (const v of values) if (v !== v) missing++;
  return { values, missing };
}

/**
 * The candidates, constraint context and problem of rebalance date `t` (following the MFE
 * engine of `@factorkit/evaluate`): candidates are the benchmark constituents, the stocks held
 * and the investable stocks with a score; a held stock that is neither a constituent nor
 * investable may be kept or sold, not bought; a stock whose band it cannot trade back into keeps
 * its weight (`pinUntradable`). Alpha is the score z-scored among the candidates, 0 where there
 * is none. The turnover limit applies once the portfolio is invested. Only data as of the close
 * of `t` is read.
 */
export function rebalanceProblem(inputs: RebalanceInputs, t: number, benchmark: Float64Array, held: Float64Array): RebalanceProblem | Skip {
  const { data, scores, offset } = inputs;
  const N = data.assets.length;
  const investable = inputs.investable?.members(t);
  const row = t - offset;
  const stride = scores.dates;
  const cells = scores.values;
  const picked = new Int32Array(N);
  let n = 0;
  let scored = 0;
  let invested = 0;
  for (let a = 0; a < N; a++) {
    const s = cells[a * stride + row]!;
    const has = s - s === 0;
    invested += held[a]!;
    if (benchmark[a]! > 0 || held[a]! !== 0 || (has && (!investable || investable[a] === 1))) {
      picked[n++] = a;
      if (has) scored++;
    }
  }
  if (scored === 0) return { skip: 'no stock has a score on this date (no model trained yet, or no factor value)' };
  const columns = picked.slice(0, n);
  const { values: alpha, missing: missingScores } = standardised(columns, (a) => cells[a * stride + row]!);
  for (let k = 0; k < n; k++) if (alpha[k]! !== alpha[k]!) alpha[k] = 0;

  const b = Float64Array.from(columns, (a) => (benchmark[a]! > 0 ? benchmark[a]! : 0));
  const previous = Float64Array.from(columns, (a) => held[a]!);
  const exposures: Record<string, Float64Array> = {};
  const missingStyles: Record<string, number> = {};
  const risk = inputs.risk?.get(t);
  if (inputs.cap) {
    const cap = inputs.cap;
    const size = standardised(columns, (a) => {
      const v = cap.values[a * cap.dates + t]!;
      return v > 0 ? Math.log(v) : Number.NaN;
    });
    exposures.size = size.values;
    missingStyles.size = size.missing;
  }
  for (const name of inputs.styles) {
    if (exposures[name]) continue;
    const s = risk ? risk.styleNames.indexOf(name) : -1;
    const factor = inputs.factors.get(name);
    let read: (a: number) => number = () => Number.NaN;
    if (risk && s >= 0) read = (a) => risk.styles[a * risk.styleNames.length + s]!;
    else if (factor) read = (a) => factor.values[a * factor.dates + row]!;
    const style = standardised(columns, read);
    exposures[name] = style.values;
    missingStyles[name] = style.missing;
  }

  const categories: Record<string, { codes: Int32Array; levels: readonly string[] }> = {};
  const missingCategories: Record<string, number> = {};
  for (const [field, panel] of inputs.categories) {
    const codes = Int32Array.from(columns, (a) => panel.codes[a * panel.dates + t]!);
    categories[field] = { codes, levels: panel.levels };
    missingCategories[field] = codes.reduce((m, c) => m + (c < 0 ? 1 : 0), 0);
  }

  const flags = inputs.universe.tradability?.(t) ?? inputs.investable?.tradability?.(t);
  let tradability: Tradability | undefined;
  if (flags || investable) {
    const canBuy = new Uint8Array(n).fill(1);
    const canSell = new Uint8Array(n).fill(1);
    for (let k = 0; k < n; k++) {
      const a = columns[k]!;
      if (flags) {
        canBuy[k] = flags.canBuy[a]!;
        canSell[k] = flags.canSell[a]!;
      }
      // Held, but neither a constituent nor investable: keep or sell only.
      if (investable && investable[a] !== 1 && !(benchmark[a]! > 0)) canBuy[k] = 0;
    }
    tradability = { canBuy, canSell };
  }
  const riskView = risk ? candidateRisk(risk, columns) : undefined;
  const context: ConstraintContext = {
    date: data.calendar.at(t),
    assets: Array.from(columns, (a) => data.assets[a]!),
    benchmark: b,
    previous,
    exposures,
    categories,
    ...(tradability ? { tradability } : {}),
    ...(riskView ? { risk: riskView } : {}),
  };

  const objective = objectiveOf(inputs.objective, alpha, b, riskView);
  const builder = new ProblemBuilder({ assets: context.assets }, objective.sense);
  objective.build(builder, context);
  let pinned = 0;
  for (const spec of inputs.constraints) {
    if (spec.plugin.id === 'turnover-limit' && !(invested > 0)) continue;
    if (spec.plugin.id === 'tradability' && !tradability) continue;
    let ctx = context;
    const params = spec.params as { mode?: string; limit?: number };
    if (spec.plugin.id === 'stock-deviation' && params.mode !== 'relative' && typeof params.limit === 'number') {
      const pin = pinUntradable(context, params.limit);
      ctx = pin.deviationContext;
      pinned += pin.pinned;
    }
    applyConstraints(builder, ctx, [spec]);
  }
  return { columns, alpha, context, problem: builder.build(), riskView, missingScores, missingStyles, missingCategories, pinned };
}

/** The objective of the strategy over this date's alpha (and risk model). */
function objectiveOf(objective: ObjectiveDefinition, alpha: Float64Array, b: Float64Array, risk: RiskModelView | undefined): PortfolioObjective {
  switch (objective.kind) {
    case 'mean-variance':
      // λ weighs the annualised active variance (the candidate view is annualised).
      return meanVariance({ alpha, riskAversion: objective.riskAversion ?? 1, ...(risk ? { risk } : {}) });
    case 'min-tracking-error': {
      let exposure = 0;
      for (let k = 0; k < alpha.length; k++) exposure += b[k]! * alpha[k]!;
      return minTrackingError({ ...(risk ? { risk } : {}), exposure: { alpha, target: exposure + MIN_TE_ACTIVE_EXPOSURE } });
    }
    default:
      return maxExposure(alpha);
  }
}
