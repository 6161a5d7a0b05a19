/**
 * Seeded optimisation test problems with the structure of index-enhancement rebalances, built
 * through core's `ProblemBuilder` with named groups: factor-exposure LPs (MFE portfolios) and
 * tracking-error QPs with a factor risk model, plus a "next week" step for warm-start tests.
 *
 * Every problem is feasible by construction: the benchmark weights themselves satisfy every
 * constraint (unless a turnover limit is set tighter than the distance to them).
 */
import { FactorkitError, type Problem, ProblemBuilder, show } from '@factorkit/core';
import { Rng } from './rng.js';

/** A problem generator's stream id (kept apart from the market generator's streams). */
const PROBLEM_STREAM = 101;

/** A turnover limit: Σ|w − previous| ≤ limit, through buy/sell split variables. */
export interface TurnoverOptions {
  /** Weights held before the rebalance (length = assets). */
  readonly previous: Float64Array;
  /** Largest one-way-plus-other-way turnover Σ|w − previous|. */
  readonly limit: number;
}

/** Options of {@link generateMfeProblem}. */
export interface MfeProblemOptions {
  readonly assets: number;
  /** Number of industries (default 30). */
  readonly industries?: number;
  /** Number of style factors (default 10). */
  readonly styles?: number;
  /** Per-stock deviation from the benchmark weight (default 0.01). */
  readonly deviation?: number;
  /** Industry weight band around the benchmark's; 0 = exactly neutral (default 0). */
  readonly industryBand?: number;
  /** Style exposure band around the benchmark's, in standardised units (default 0.05). */
  readonly styleBand?: number;
  readonly turnover?: TurnoverOptions;
  readonly seed: number;
}

/** Options of {@link generateTrackingErrorProblem}. */
export interface TrackingErrorProblemOptions {
  readonly assets: number;
  /** Number of risk-model factors (default 40). */
  readonly factors?: number;
  /** Number of industries for the industry band rows (default 30). */
  readonly industries?: number;
  /** Risk aversion λ (default 10). */
  readonly riskAversion?: number;
  /** Per-stock deviation from the benchmark weight (default 0.01). */
  readonly deviation?: number;
  /** Industry weight band around the benchmark's (default 0.02). */
  readonly industryBand?: number;
  readonly turnover?: TurnoverOptions;
  readonly seed: number;
}

/** The inputs a generated problem was built from (so a next-week version can be made). */
export interface ProblemInputs {
  readonly kind: 'mfe' | 'tracking-error';
  readonly assets: number;
  /** Benchmark weights, summing to 1. */
  readonly benchmark: Float64Array;
  /** MFE: the factor whose exposure is maximised; tracking error: expected returns α. */
  readonly signal: Float64Array;
  /** Industry code of each asset. */
  readonly industry: Int32Array;
  readonly industries: number;
  /** MFE: style exposures; tracking error: risk-model exposures X. Row-major assets × count. */
  readonly exposures: Float64Array;
  readonly exposureCount: number;
  /** Tracking error: k × k factor covariance, row-major; empty for MFE. */
  readonly factorCovariance: Float64Array;
  /** Tracking error: specific variances; empty for MFE. */
  readonly specificVariance: Float64Array;
  readonly deviation: number;
  readonly industryBand: number;
  readonly styleBand: number;
  readonly riskAversion: number;
  readonly turnover?: TurnoverOptions;
  readonly seed: number;
}

/** A generated problem and what it was made from. */
export interface GeneratedProblem {
  readonly problem: Problem;
  readonly inputs: ProblemInputs;
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new FactorkitError('FK_INVALID_ARGUMENT', `problems: \`${name}\` must be a positive integer, got ${show(value)}`);
  return value;
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `problems: \`${name}\` must be a finite number ≥ 0, got ${show(value)}`);
  return value;
}

function checkTurnover(turnover: TurnoverOptions | undefined, assets: number): void {
  if (!turnover) return;
  if (turnover.previous.length !== assets) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `problems: \`turnover.previous\` has ${turnover.previous.length} weights for ${assets} assets`);
  }
  nonNegative(turnover.limit, 'turnover.limit');
}

/** Cap-like benchmark weights (log-normal, heavy-tailed), summing to 1. */
function benchmarkWeights(rng: Rng, n: number): Float64Array {
  const b = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    b[i] = Math.exp(1.1 * rng.normal());
    sum += b[i]!;
  }
  for (let i = 0; i < n; i++) b[i]! /= sum;
  return b;
}

function normals(rng: Rng, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = rng.normal();
  return out;
}

/**
 * A maximum-factor-exposure (MFE) LP: maximise the factor's exposure `fᵀw` subject to
 * full investment, long only, per-stock deviation `|wᵢ − bᵢ| ≤ deviation`, industry
 * neutrality (exact or within `industryBand`), style exposures within `styleBand` of the
 * benchmark's, and optionally a turnover limit. Groups: `budget`, `long-only`, `deviation`,
 * `industry`, `style`, `turnover`.
 */
export function generateMfeProblem(options: MfeProblemOptions): GeneratedProblem {
  const n = positiveInt(options.assets, 'assets');
  const industries = positiveInt(options.industries ?? 30, 'industries');
  const styles = options.styles ?? 10;
  if (!Number.isInteger(styles) || styles < 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `problems: \`styles\` must be an integer ≥ 0, got ${show(styles)}`);
  checkTurnover(options.turnover, n);
  const rng = new Rng(options.seed, PROBLEM_STREAM);
  const benchmark = benchmarkWeights(rng, n);
  const industry = new Int32Array(n);
  for (let i = 0; i < n; i++) industry[i] = i < industries ? i : rng.int(industries);
  const exposures = normals(rng, n * styles);
  // The factor is correlated with the first styles, as real alphas are.
  const signal = new Float64Array(n);
  for (let i = 0; i < n; i++) signal[i] = 0.8 * rng.normal() + (styles > 0 ? 0.4 * exposures[i * styles]! : 0) + (styles > 1 ? 0.3 * exposures[i * styles + 1]! : 0);
  const inputs: ProblemInputs = {
    kind: 'mfe',
    assets: n,
    benchmark,
    signal,
    industry,
    industries,
    exposures,
    exposureCount: styles,
    factorCovariance: new Float64Array(0),
    specificVariance: new Float64Array(0),
    deviation: nonNegative(options.deviation ?? 0.01, 'deviation'),
    industryBand: nonNegative(options.industryBand ?? 0, 'industryBand'),
    styleBand: nonNegative(options.styleBand ?? 0.05, 'styleBand'),
    riskAversion: 0,
    ...(options.turnover ? { turnover: options.turnover } : {}),
    seed: options.seed,
  };
  return { problem: buildProblem(inputs), inputs };
}

/**
 * A tracking-error QP with a factor risk model Σ = X F Xᵀ + diag(s), never formed densely:
 *
 *     minimise  −αᵀw + λ·[(w − b)ᵀ diag(s) (w − b) + yᵀ F y]   with   y = Xᵀ(w − b)
 *
 * (i.e. maximise expected return minus λ times tracking variance; `sense` is `minimize` so
 * that P is positive semidefinite). Variables: `w` then the block `y` of k factor exposures;
 * P = diag(2λs) on w and 2λF on y. Constraints: `budget`, `long-only`, `deviation`,
 * `industry` bands, `factor-exposure` definition rows, optionally `turnover`.
 */
export function generateTrackingErrorProblem(options: TrackingErrorProblemOptions): GeneratedProblem {
  const n = positiveInt(options.assets, 'assets');
  const k = positiveInt(options.factors ?? 40, 'factors');
  const industries = positiveInt(options.industries ?? 30, 'industries');
  checkTurnover(options.turnover, n);
  const rng = new Rng(options.seed, PROBLEM_STREAM + 1);
  const benchmark = benchmarkWeights(rng, n);
  const industry = new Int32Array(n);
  for (let i = 0; i < n; i++) industry[i] = i < industries ? i : rng.int(industries);
  // Exposures: a market factor (≈1), then standardised styles.
  const exposures = normals(rng, n * k);
  for (let i = 0; i < n; i++) exposures[i * k] = 1 + 0.2 * exposures[i * k]!;
  // F = G Gᵀ / k + diag, weekly-ish variances (annual vol ~ 2–20 % per factor).
  const G = normals(rng, k * k);
  const F = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let c = 0; c <= a; c++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += G[a * k + t]! * G[c * k + t]!;
      s *= 1e-4 / k;
      if (a === c) s += a === 0 ? 4e-4 : 1e-4;
      F[a * k + c] = s;
      F[c * k + a] = s;
    }
  }
  const specificVariance = new Float64Array(n);
  for (let i = 0; i < n; i++) specificVariance[i] = 1e-3 * Math.exp(0.5 * rng.normal());
  const signal = new Float64Array(n);
  for (let i = 0; i < n; i++) signal[i] = 0.002 * rng.normal();
  const inputs: ProblemInputs = {
    kind: 'tracking-error',
    assets: n,
    benchmark,
    signal,
    industry,
    industries,
    exposures,
    exposureCount: k,
    factorCovariance: F,
    specificVariance,
    deviation: nonNegative(options.deviation ?? 0.01, 'deviation'),
    industryBand: nonNegative(options.industryBand ?? 0.02, 'industryBand'),
    styleBand: 0,
    riskAversion: nonNegative(options.riskAversion ?? 10, 'riskAversion'),
    ...(options.turnover ? { turnover: options.turnover } : {}),
    seed: options.seed,
  };
  return { problem: buildProblem(inputs), inputs };
}

/** Options of {@link nextWeekProblem}. */
export interface NextWeekOptions {
  readonly seed: number;
  /** Weights held after last week's rebalance (e.g. its solution); default the benchmark. */
  readonly previous?: Float64Array;
  /** Autocorrelation of the signal from one week to the next (default 0.97). */
  readonly persistence?: number;
  /** Weekly log-return volatility of each stock, drifting benchmark and held weights (default 0.02). */
  readonly volatility?: number;
  /** Turnover limit for the new week; default: the previous problem's, if it had one. */
  readonly turnoverLimit?: number;
}

/**
 * The same universe one week later: the signal is perturbed (`persistence`), prices move so
 * benchmark and held weights drift, and — if the problem had a turnover limit or `previous`
 * is given with `turnoverLimit` — the drifted holdings become the turnover reference. Risk
 * model exposures, industries and covariances are kept, so P and A keep their sparsity
 * pattern (and, without a turnover reference change, their values): only c and bounds move.
 */
export function nextWeekProblem(last: GeneratedProblem, options: NextWeekOptions): GeneratedProblem {
  const prev = last.inputs;
  const n = prev.assets;
  const persistence = options.persistence ?? 0.97;
  const volatility = nonNegative(options.volatility ?? 0.02, 'volatility');
  if (!(persistence >= 0 && persistence <= 1)) throw new FactorkitError('FK_INVALID_ARGUMENT', `problems: \`persistence\` must be in [0, 1], got ${show(persistence)}`);
  if (options.previous && options.previous.length !== n) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `problems: \`previous\` has ${options.previous.length} weights for ${n} assets`);
  }
  const rng = new Rng(options.seed, PROBLEM_STREAM + 2);
  const growth = new Float64Array(n);
  for (let i = 0; i < n; i++) growth[i] = Math.exp(volatility * rng.normal());
  const drift = (w: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    let sum = 0;
    let before = 0;
    for (let i = 0; i < n; i++) {
      out[i] = w[i]! * growth[i]!;
      sum += out[i]!;
      before += w[i]!;
    }
    // Keep the invested fraction; only relative weights move.
    if (sum > 0) for (let i = 0; i < n; i++) out[i]! *= before / sum;
    return out;
  };
  const benchmark = drift(prev.benchmark);
  const noise = Math.sqrt(1 - persistence * persistence);
  let scale = 0;
  for (let i = 0; i < n; i++) scale += prev.signal[i]! * prev.signal[i]!;
  scale = Math.sqrt(scale / n);
  const signal = new Float64Array(n);
  for (let i = 0; i < n; i++) signal[i] = persistence * prev.signal[i]! + noise * scale * rng.normal();
  const limit = options.turnoverLimit ?? prev.turnover?.limit;
  const held = options.previous ?? prev.turnover?.previous;
  const turnover = limit !== undefined ? { previous: drift(held ?? prev.benchmark), limit } : undefined;
  const inputs: ProblemInputs = { ...prev, benchmark, signal, seed: options.seed, ...(turnover ? { turnover } : {}) };
  if (!turnover) delete (inputs as { turnover?: TurnoverOptions }).turnover;
  return { problem: buildProblem(inputs), inputs };
}

/** Build the core problem described by `inputs`. */
export function buildProblem(inputs: ProblemInputs): Problem {
  const n = inputs.assets;
  const { benchmark, industry } = inputs;
  const te = inputs.kind === 'tracking-error';
  const builder = new ProblemBuilder({ numWeights: n }, te ? 'minimize' : 'maximize');
  const k = inputs.exposureCount;

  // Objective.
  if (te) {
    const lambda = inputs.riskAversion;
    const c = new Float64Array(n);
    let offset = 0;
    for (let i = 0; i < n; i++) {
      const s = inputs.specificVariance[i]!;
      c[i] = -inputs.signal[i]! - 2 * lambda * s * benchmark[i]!;
      offset += lambda * s * benchmark[i]! * benchmark[i]!;
      builder.addQuadratic(i, i, 2 * lambda * s);
    }
    builder.addLinearObjective(c);
    builder.addObjectiveOffset(offset);
  } else {
    builder.addLinearObjective(inputs.signal);
  }
  const y = te ? builder.addVariables('y', k) : undefined;
  if (te && y) {
    const F = inputs.factorCovariance;
    for (let a = 0; a < k; a++) for (let c = a; c < k; c++) builder.addQuadratic(y.start + a, y.start + c, 2 * inputs.riskAversion * F[a * k + c]!);
  }

  builder.group('budget', 100).addWeightRow(new Float64Array(n).fill(1), 1, 1, 'budget');
  const longOnly = builder.group('long-only', 100);
  for (let i = 0; i < n; i++) longOnly.bound(i, 0, Number.POSITIVE_INFINITY);
  const deviation = builder.group('deviation', 50);
  for (let i = 0; i < n; i++) deviation.bound(i, benchmark[i]! - inputs.deviation, benchmark[i]! + inputs.deviation);

  const industryGroup = builder.group('industry', 80);
  const members: number[][] = Array.from({ length: inputs.industries }, () => []);
  for (let i = 0; i < n; i++) members[industry[i]!]!.push(i);
  members.forEach((list, g) => {
    if (list.length === 0) return;
    let weight = 0;
    for (const i of list) weight += benchmark[i]!;
    industryGroup.addRow({ index: list, value: list.map(() => 1), lower: weight - inputs.industryBand, upper: weight + inputs.industryBand, label: `industry:${g}` });
  });

  if (te && y) {
    // y_f − Σᵢ X_if wᵢ = −Σᵢ X_if bᵢ.
    const rows = builder.group('factor-exposure', 90);
    const index = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) index[i] = i;
    for (let f = 0; f < k; f++) {
      const value = new Float64Array(n + 1);
      let exposure = 0;
      for (let i = 0; i < n; i++) {
        value[i] = -inputs.exposures[i * k + f]!;
        exposure += inputs.exposures[i * k + f]! * benchmark[i]!;
      }
      index[n] = y.start + f;
      value[n] = 1;
      rows.addRow({ index, value, lower: -exposure, upper: -exposure, label: `factor:${f}` });
    }
  } else {
    const style = builder.group('style', 70);
    for (let s = 0; s < k; s++) {
      const coefficients = new Float64Array(n);
      let exposure = 0;
      for (let i = 0; i < n; i++) {
        coefficients[i] = inputs.exposures[i * k + s]!;
        exposure += coefficients[i]! * benchmark[i]!;
      }
      style.addWeightRow(coefficients, exposure - inputs.styleBand, exposure + inputs.styleBand, `style:${s}`);
    }
  }

  if (inputs.turnover) {
    // w − buy + sell = previous; Σ(buy + sell) ≤ limit.
    const { previous, limit } = inputs.turnover;
    const buy = builder.addVariables('buy', n, { lower: 0 });
    const sell = builder.addVariables('sell', n, { lower: 0 });
    const rows = builder.group('turnover', 40);
    for (let i = 0; i < n; i++) {
      rows.addRow({ index: [i, buy.start + i, sell.start + i], value: [1, -1, 1], lower: previous[i]!, upper: previous[i]!, label: `trade:${i}` });
    }
    const index = new Int32Array(2 * n);
    for (let i = 0; i < n; i++) {
      index[i] = buy.start + i;
      index[n + i] = sell.start + i;
    }
    rows.addRow({ index, value: new Float64Array(2 * n).fill(1), upper: limit, label: 'turnover' });
  }
  return builder.build();
}
