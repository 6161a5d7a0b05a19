import { type ConstraintPlugin, FactorkitError, type ParamsOf, type RiskModelView, defineConstraint, param } from '@factorkit/core';
import { API_VERSION, benchmarkOf, ownerOf } from './util.js';

const params = {
  cap: param.number({
    default: 0.05,
    min: 0,
    exclusiveMin: true,
    description: 'Largest annualised ex-ante tracking error (0.05 = 5% a year).',
  }),
  periodsPerYear: param.number({
    default: 1,
    min: 0,
    exclusiveMin: true,
    description:
      'Periods per year of the risk model’s covariances: 1 when they are already annual (the default), 252 for daily, 52 weekly, 12 monthly. ' +
      'The per-period variance cap is cap² / periodsPerYear.',
  }),
};

/** The validated parameters of {@link trackingErrorCap}. */
export type TrackingErrorCapParams = ParamsOf<typeof params>;

function checkRisk(risk: RiskModelView, n: number, owner: string): void {
  const k = risk.factors.length;
  const fail = (message: string): never => {
    throw new FactorkitError('FK_INVALID_DATA', `${owner}: risk model ${message}`, { details: { owner } });
  };
  if (risk.exposures.length !== n * k) fail(`exposures have ${risk.exposures.length} entries, expected assets × factors = ${n} × ${k}`);
  if (risk.covariance.length !== k * k) fail(`covariance has ${risk.covariance.length} entries, expected ${k} × ${k}`);
  if (risk.specificVariance.length !== n) fail(`specificVariance has ${risk.specificVariance.length} entries, expected one per asset (${n})`);
  for (let e = 0; e < risk.exposures.length; e++) {
    if (!Number.isFinite(risk.exposures[e]!)) fail(`exposure of asset ${Math.floor(e / k)} to \`${risk.factors[e % k]}\` is ${risk.exposures[e]}`);
  }
  for (let i = 0; i < n; i++) {
    const d = risk.specificVariance[i]!;
    if (!Number.isFinite(d) || d < 0) fail(`specificVariance of asset ${i} is ${d}; expected finite and ≥ 0`);
  }
  for (let f = 0; f < k; f++) {
    for (let g = 0; g < k; g++) {
      const a = risk.covariance[f * k + g]!;
      const c = risk.covariance[g * k + f]!;
      if (!Number.isFinite(a)) fail(`covariance[${risk.factors[f]}][${risk.factors[g]}] is ${a}`);
      if (Math.abs(a - c) > 1e-12 * Math.max(1, Math.abs(a), Math.abs(c))) {
        fail(`covariance is not symmetric at (\`${risk.factors[f]}\`, \`${risk.factors[g]}\`): ${a} vs ${c}`);
      }
    }
    if (risk.covariance[f * k + f]! < 0) fail(`covariance has a negative variance for \`${risk.factors[f]}\``);
  }
}

/**
 * Ex-ante tracking-error cap under a factor risk model Σ = X F Xᵀ + D (never formed densely):
 * `(w − b)ᵀ Σ (w − b) ≤ cap² / periodsPerYear`.
 *
 * Adds `k` free variables `y = Xᵀ(w − b)` (block `<group>:y`) with one equality row per factor
 * (`y_f − Σᵢ X_if wᵢ = −Σᵢ X_if bᵢ`, label `te:y:<factor>`), and one quadratic row (label
 * `tracking-error`) `½ xᵀQx + qᵀx ≤ u` with `Q = 2·blockdiag(D on w, F on y)`,
 * `q = −2·D·b` on `w` and `u = cap²/periodsPerYear − bᵀDb`, because
 * `(w − b)ᵀΣ(w − b) = yᵀFy + wᵀDw − 2 bᵀDw + bᵀDb`.
 *
 * @example
 * trackingErrorCap.with({ cap: 0.05 })                        // annual covariances
 * trackingErrorCap.with({ cap: 0.05, periodsPerYear: 252 })   // daily covariances
 */
export const trackingErrorCap: ConstraintPlugin<typeof params> = defineConstraint({
  id: 'tracking-error-cap',
  apiVersion: API_VERSION,
  meta: {
    title: 'Ex-ante tracking-error cap (跟踪误差约束)',
    description:
      'Annualised ex-ante tracking error √(periodsPerYear · (w − b)ᵀΣ(w − b)) ≤ cap under the factor risk model Σ = XFXᵀ + D, ' +
      'as k auxiliary variables y = Xᵀ(w − b) and one convex quadratic row.',
    priority: 30,
    params,
  },
  build(ctx) {
    const owner = ownerOf('tracking-error-cap', ctx.rows.name);
    const risk = ctx.risk;
    if (risk === undefined) {
      throw new FactorkitError('FK_MISSING_INPUT', `${owner} needs a risk model (\`context.risk\`: exposures, factor covariance, specific variances), but the context has none`, {
        details: { owner, missing: ['risk'] },
      });
    }
    const n = ctx.assets.length;
    const b = benchmarkOf(ctx, owner);
    checkRisk(risk, n, owner);
    const k = risk.factors.length;
    const X = risk.exposures;
    const F = risk.covariance;
    const D = risk.specificVariance;
    const y = ctx.problem.addVariables(`${ctx.rows.name}:y`, k);

    // y_f = Σᵢ X_if (wᵢ − bᵢ), written as y_f − Σᵢ X_if wᵢ = −Σᵢ X_if bᵢ.
    for (let f = 0; f < k; f++) {
      const index: number[] = [];
      const value: number[] = [];
      let target = 0;
      for (let i = 0; i < n; i++) {
        const x = X[i * k + f]!;
        target -= x * b[i]!;
        if (x !== 0) {
          index.push(i);
          value.push(-x);
        }
      }
      index.push(y.start + f);
      value.push(1);
      ctx.rows.addRow({ index, value, lower: target, upper: target, label: `te:y:${risk.factors[f]}` });
    }

    const rows: number[] = [];
    const cols: number[] = [];
    const values: number[] = [];
    const linIndex: number[] = [];
    const linValue: number[] = [];
    let bDb = 0;
    for (let i = 0; i < n; i++) {
      const d = D[i]!;
      if (d === 0) continue;
      rows.push(i);
      cols.push(i);
      values.push(2 * d);
      if (b[i]! !== 0) {
        linIndex.push(i);
        linValue.push(-2 * d * b[i]!);
        bDb += d * b[i]! * b[i]!;
      }
    }
    // Each off-diagonal pair once: the builder mirrors it.
    for (let f = 0; f < k; f++) {
      for (let g = f; g < k; g++) {
        const v = F[f * k + g]!;
        if (v === 0) continue;
        rows.push(y.start + f);
        cols.push(y.start + g);
        values.push(2 * v);
      }
    }
    const cap = ctx.params.cap;
    ctx.rows.addQuadraticConstraint({
      rows,
      cols,
      values,
      linear: { index: linIndex, value: linValue },
      upper: (cap * cap) / ctx.params.periodsPerYear - bDb,
      label: 'tracking-error',
    });
  },
});
