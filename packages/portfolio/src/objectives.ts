import { type ConstraintContext, FactorkitError, type ProblemBuilder, type RiskModelView, show } from '@factorkit/core';

/**
 * An objective: the sense it needs and what it adds to the problem (`c`, `P`, offset and, for
 * factor-structured risk, auxiliary variables with their defining rows). Plain typed data.
 */
export interface PortfolioObjective {
  readonly id: string;
  readonly sense: 'minimize' | 'maximize';
  build(this: void, problem: ProblemBuilder, context: ConstraintContext): void;
}

/**
 * Priority of groups that define auxiliary variables (never relaxed, never reported as a
 * cause of infeasibility): `Infinity`.
 */
export const STRUCTURAL_PRIORITY = Number.POSITIVE_INFINITY;

/** A score vector or the name of an exposure in the context. `NaN` is rejected: fill or drop it first. */
export type AlphaInput = Float64Array | readonly number[] | string;

function resolveAlpha(alpha: AlphaInput, context: ConstraintContext, where: string): Float64Array {
  let values: Float64Array;
  if (typeof alpha === 'string') {
    const found = context.exposures[alpha];
    if (!found) {
      throw new FactorkitError('FK_MISSING_INPUT', `${where}: alpha names exposure \`${alpha}\`, but the context has ${Object.keys(context.exposures).map((k) => `\`${k}\``).join(', ') || 'none'}`);
    }
    values = found;
  } else values = Float64Array.from(alpha);
  const n = context.assets.length;
  if (values.length !== n) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: alpha has ${values.length} entries, the context ${n} assets`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i]!)) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: alpha[${i}] (asset \`${context.assets[i]}\`) is ${show(values[i])}; fill or drop missing exposures before optimising`);
    }
  }
  return values;
}

function resolveRisk(risk: RiskModelView | undefined, context: ConstraintContext, where: string): RiskModelView {
  const view = risk ?? context.risk;
  if (!view) throw new FactorkitError('FK_MISSING_INPUT', `${where}: needs a risk model (option \`risk\` or \`context.risk\`)`);
  const n = context.assets.length;
  const k = view.factors.length;
  if (view.exposures.length !== n * k) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: risk.exposures has ${view.exposures.length} entries, expected ${n} assets × ${k} factors = ${n * k}`);
  if (view.covariance.length !== k * k) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: risk.covariance has ${view.covariance.length} entries, expected ${k}×${k}`);
  if (view.specificVariance.length !== n) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: risk.specificVariance has ${view.specificVariance.length} entries, expected ${n}`);
  const checks: [string, Float64Array][] = [['exposures', view.exposures], ['covariance', view.covariance], ['specificVariance', view.specificVariance]];
  for (const [name, arr] of checks) {
    for (let i = 0; i < arr.length; i++) if (!Number.isFinite(arr[i]!)) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: risk.${name}[${i}] is ${show(arr[i])}`);
  }
  return view;
}

function resolveBenchmark(benchmark: Float64Array | readonly number[] | 'none' | undefined, context: ConstraintContext, where: string): Float64Array {
  const n = context.assets.length;
  if (benchmark === 'none') return new Float64Array(n);
  const b = benchmark === undefined ? context.benchmark : Float64Array.from(benchmark);
  if (b.length !== n) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: benchmark has ${b.length} entries, the context ${n} assets`);
  for (let i = 0; i < n; i++) if (!Number.isFinite(b[i]!)) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}: benchmark[${i}] is ${show(b[i])}`);
  return b;
}

/**
 * Add `scale · (w − b)ᵀ Σ (w − b)` to a minimised objective, with Σ = X F Xᵀ + diag(D) in
 * factor form: auxiliary variables `y = Xᵀ(w − b)` (block `riskFactors`, defined by equality
 * rows in the structural group `objective:factor-exposure`), `P += 2·scale·D` on `w` and
 * `2·scale·F` on `y`, `c_w −= 2·scale·D b`, offset `+= scale · bᵀ D b`. No n × n matrix is formed.
 */
export function addActiveRisk(problem: ProblemBuilder, risk: RiskModelView, benchmark: Float64Array, scale: number): void {
  const n = problem.numWeights;
  const k = risk.factors.length;
  const D = risk.specificVariance;
  const linear = new Float64Array(n);
  let offset = 0;
  for (let i = 0; i < n; i++) {
    if (D[i] !== 0) problem.addQuadratic(i, i, 2 * scale * D[i]!);
    linear[i] = -2 * scale * D[i]! * benchmark[i]!;
    offset += scale * D[i]! * benchmark[i]! * benchmark[i]!;
  }
  problem.addLinearObjective(linear, 0);
  problem.addObjectiveOffset(offset);
  if (k === 0) return;
  const y = problem.addVariables('riskFactors', k);
  const rows = problem.group('objective:factor-exposure', STRUCTURAL_PRIORITY);
  for (let f = 0; f < k; f++) {
    const index: number[] = [y.start + f];
    const value: number[] = [1];
    let rhs = 0;
    for (let i = 0; i < n; i++) {
      const x = risk.exposures[i * k + f]!;
      if (x !== 0) {
        index.push(i);
        value.push(-x);
        rhs -= x * benchmark[i]!;
      }
    }
    rows.addRow({ index, value, lower: rhs, upper: rhs, label: `factor exposure ${risk.factors[f]}` });
  }
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const v = a === b ? risk.covariance[a * k + a]! : 0.5 * (risk.covariance[a * k + b]! + risk.covariance[b * k + a]!);
      if (v !== 0) problem.addQuadratic(y.start + a, y.start + b, 2 * scale * v);
    }
  }
}

/**
 * Maximise `Σ wᵢ·alphaᵢ` (linear): the MFE ("maximum factor exposure") test objective.
 * `alpha` is a vector or the name of an exposure in the constraint context.
 */
export function maxExposure(alpha: AlphaInput): PortfolioObjective {
  return {
    id: 'maxExposure',
    sense: 'maximize',
    build(problem, context) {
      problem.addLinearObjective(resolveAlpha(alpha, context, 'maxExposure'), 0);
    },
  };
}

export interface MeanVarianceOptions {
  readonly alpha: AlphaInput;
  /** λ ≥ 0. */
  readonly riskAversion: number;
  /** Default: `context.risk`. */
  readonly risk?: RiskModelView;
  /** Default: `context.benchmark`; `'none'` for absolute (not active) risk. */
  readonly benchmark?: Float64Array | readonly number[] | 'none';
}

/**
 * Mean-variance on active weights: the problem *minimises*
 * `L(w) = λ·(w − b)ᵀ Σ (w − b) − αᵀw`, i.e. maximises the utility `αᵀw − λ·(w − b)ᵀΣ(w − b) = −L(w)`.
 * It is stated as a minimisation so that `P` stays positive semidefinite, as core's contract
 * and every QP optimizer want; the objective value reported is exactly `L(w)` (constant
 * offset included).
 */
export function meanVariance(options: MeanVarianceOptions): PortfolioObjective {
  const lambda = options.riskAversion;
  if (!Number.isFinite(lambda) || lambda < 0) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `meanVariance: riskAversion must be a finite number ≥ 0, got ${show(lambda)}`);
  }
  return {
    id: 'meanVariance',
    sense: 'minimize',
    build(problem, context) {
      const alpha = resolveAlpha(options.alpha, context, 'meanVariance');
      const risk = resolveRisk(options.risk, context, 'meanVariance');
      const b = resolveBenchmark(options.benchmark, context, 'meanVariance');
      problem.addLinearObjective(alpha.map((a) => -a), 0);
      if (lambda > 0) addActiveRisk(problem, risk, b, lambda);
    },
  };
}

export interface MinTrackingErrorOptions {
  /** Default: `context.risk`. */
  readonly risk?: RiskModelView;
  /** Default: `context.benchmark`. */
  readonly benchmark?: Float64Array | readonly number[];
  /** Required exposure: `Σ wᵢ·alphaᵢ ≥ target` (or `= target` with `equal`). */
  readonly exposure: { readonly alpha: AlphaInput; readonly target: number; readonly equal?: boolean };
  /** Group name of the exposure row (default `exposure-target`). */
  readonly group?: string;
  /** Priority of the exposure row's group (default 0: the first to give when infeasible). */
  readonly priority?: number;
}

/**
 * Minimise the ex-ante tracking error squared `(w − b)ᵀ Σ (w − b)` subject to a target alpha
 * exposure (one row in its own group, label `exposure ≥ target`).
 */
export function minTrackingError(options: MinTrackingErrorOptions): PortfolioObjective {
  const target = options.exposure.target;
  if (!Number.isFinite(target)) throw new FactorkitError('FK_INVALID_ARGUMENT', `minTrackingError: exposure.target must be a finite number, got ${show(target)}`);
  return {
    id: 'minTrackingError',
    sense: 'minimize',
    build(problem, context) {
      const alpha = resolveAlpha(options.exposure.alpha, context, 'minTrackingError');
      const risk = resolveRisk(options.risk, context, 'minTrackingError');
      const b = resolveBenchmark(options.benchmark, context, 'minTrackingError');
      addActiveRisk(problem, risk, b, 1);
      const rows = problem.group(options.group ?? 'exposure-target', options.priority ?? 0);
      rows.addWeightRow(alpha, target, options.exposure.equal ? target : Number.POSITIVE_INFINITY, options.exposure.equal ? 'exposure = target' : 'exposure ≥ target');
    },
  };
}
