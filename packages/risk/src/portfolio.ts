import { FactorkitError, type RiskModelView, show } from '@factorkit/core';

/** How a daily variance is scaled to the horizon reported. */
export interface HorizonOptions {
  /** Trading days the forecast covers (variance × horizon; default 1). */
  readonly horizon?: number;
  /** Shorthand for `horizon: periodsPerYear` (default `false`). */
  readonly annualize?: boolean;
  /** Trading days per year for `annualize` (default 252). */
  readonly periodsPerYear?: number;
}

/** A portfolio's (or an active position's) risk, split into the factor and specific parts. */
export interface PortfolioRisk {
  /** Total volatility `√(xᵀ F x + Σ a² d)` at the horizon. */
  readonly total: number;
  /** Factor variance `xᵀ F x` and specific variance `Σ a_i² d_i`, at the horizon. */
  readonly factorVariance: number;
  readonly specificVariance: number;
  /** The portfolio's factor exposures `x = Xᵀ a`, in `model.factors` order. */
  readonly exposures: Float64Array;
  /** Each factor's share of the total variance, `x_f (F x)_f / σ²` (sums to the factor share). */
  readonly factorContributions: Float64Array;
}

function scale(options: HorizonOptions): number {
  if (options.annualize) {
    const p = options.periodsPerYear ?? 252;
    if (!(p > 0)) throw new FactorkitError('FK_INVALID_ARGUMENT', `periodsPerYear must be positive, got ${show(p)}`);
    return p;
  }
  const h = options.horizon ?? 1;
  if (!(h > 0) || !Number.isFinite(h)) throw new FactorkitError('FK_INVALID_ARGUMENT', `horizon must be a positive number of days, got ${show(h)}`);
  return h;
}

function modelSize(model: RiskModelView): { n: number; k: number } {
  const k = model.factors.length;
  const n = model.specificVariance.length;
  if (model.exposures.length !== n * k || model.covariance.length !== k * k) {
    throw new FactorkitError(
      'FK_INVALID_DATA',
      `risk model: ${n} assets × ${k} factors needs ${n * k} exposures and ${k * k} covariances, got ${model.exposures.length} and ${model.covariance.length}`,
    );
  }
  return { n, k };
}

/** `w − b` checked against the model's assets (NaN or wrong length → `FK_INVALID_ARGUMENT`). */
function active(model: RiskModelView, weights: ArrayLike<number>, benchmark?: ArrayLike<number>): Float64Array {
  const { n } = modelSize(model);
  if (weights.length !== n) throw new FactorkitError('FK_INVALID_ARGUMENT', `weights: length ${weights.length}, the model has ${n} assets`);
  if (benchmark && benchmark.length !== n) throw new FactorkitError('FK_INVALID_ARGUMENT', `benchmark: length ${benchmark.length}, the model has ${n} assets`);
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    const b = benchmark ? benchmark[i]! : 0;
    if (!Number.isFinite(w)) throw new FactorkitError('FK_INVALID_ARGUMENT', `weights[${i}] is ${show(w)}, expected a finite number`);
    if (!Number.isFinite(b)) throw new FactorkitError('FK_INVALID_ARGUMENT', `benchmark[${i}] is ${show(b)}, expected a finite number`);
    a[i] = w - b;
  }
  return a;
}

/** `Xᵀ a` (k). */
function factorExposures(model: RiskModelView, a: Float64Array, n: number, k: number): Float64Array {
  const x = new Float64Array(k);
  const X = model.exposures;
  for (let i = 0; i < n; i++) {
    const ai = a[i]!;
    if (ai === 0) continue;
    for (let f = 0; f < k; f++) x[f]! += ai * X[i * k + f]!;
  }
  return x;
}

function times(F: Float64Array, x: Float64Array, k: number): Float64Array {
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += F[i * k + j]! * x[j]!;
    y[i] = s;
  }
  return y;
}

/**
 * Risk of `weights` (or of the active position `weights − benchmark`) under the factor
 * structure, in O(n·k + k²) without forming the n × n covariance.
 */
export function portfolioRisk(model: RiskModelView, weights: ArrayLike<number>, benchmark?: ArrayLike<number>, options: HorizonOptions = {}): PortfolioRisk {
  const { n, k } = modelSize(model);
  const h = scale(options);
  const a = active(model, weights, benchmark);
  const x = factorExposures(model, a, n, k);
  const Fx = times(model.covariance, x, k);
  let factorVariance = 0;
  for (let f = 0; f < k; f++) factorVariance += x[f]! * Fx[f]!;
  let specificVariance = 0;
  for (let i = 0; i < n; i++) specificVariance += a[i]! * a[i]! * model.specificVariance[i]!;
  const total = factorVariance + specificVariance;
  const factorContributions = new Float64Array(k);
  for (let f = 0; f < k; f++) factorContributions[f] = total > 0 ? (x[f]! * Fx[f]!) / total : 0;
  return {
    total: Math.sqrt(Math.max(0, total) * h),
    factorVariance: factorVariance * h,
    specificVariance: specificVariance * h,
    exposures: x,
    factorContributions,
  };
}

/**
 * Tracking error `√((w − b)ᵀ (X F Xᵀ + D) (w − b))` at the horizon (daily by default,
 * `{ annualize: true }` for × 252).
 */
export function trackingError(model: RiskModelView, weights: ArrayLike<number>, benchmark: ArrayLike<number>, options: HorizonOptions = {}): number {
  return portfolioRisk(model, weights, benchmark, options).total;
}

/**
 * Each asset's contribution to the risk of `weights − benchmark`: `a_i (Σ a)_i / σ`, summing to
 * `σ` (Euler), with `Σ a = X (F (Xᵀ a)) + D a`. Horizon scaling as in {@link portfolioRisk}.
 */
export function riskContributions(model: RiskModelView, weights: ArrayLike<number>, benchmark?: ArrayLike<number>, options: HorizonOptions = {}): Float64Array {
  const { n, k } = modelSize(model);
  const h = scale(options);
  const a = active(model, weights, benchmark);
  const x = factorExposures(model, a, n, k);
  const Fx = times(model.covariance, x, k);
  const sigmaA = new Float64Array(n);
  let variance = 0;
  for (let i = 0; i < n; i++) {
    let s = model.specificVariance[i]! * a[i]!;
    for (let f = 0; f < k; f++) s += model.exposures[i * k + f]! * Fx[f]!;
    sigmaA[i] = s;
    variance += a[i]! * s;
  }
  const sigma = Math.sqrt(Math.max(0, variance));
  const out = new Float64Array(n);
  if (sigma === 0) return out;
  for (let i = 0; i < n; i++) out[i] = ((a[i]! * sigmaA[i]!) / sigma) * Math.sqrt(h);
  return out;
}
