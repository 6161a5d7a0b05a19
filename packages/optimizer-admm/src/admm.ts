/**
 * The OSQP algorithm (Stellato, Banjac, Goulart, Bemporad & Boyd, "OSQP: an operator splitting
 * solver for quadratic programs", Math. Prog. Comp. 12, 2020) on
 *
 *     minimise ½xᵀPx + qᵀx   subject to   l ≤ Ax ≤ u,
 *
 * written from the paper's Algorithm 1 and sections 3–5: ADMM whose only linear algebra is one
 * quasi-definite KKT solve per iteration, modified Ruiz equilibration, per-row and adaptive ρ,
 * infeasibility certificates from successive iterate differences, and solution polishing.
 */
import { type Csr, type KktStructure, KktSystem, kktStructure } from './kkt.js';
import { type UpperCsc, ldlNumeric, ldlSolveInPlace, ldlSymbolic, permuteUpper } from './ldl.js';

/** A QP in OSQP form. Infinite bounds are `±Infinity`. */
export interface QpData {
  readonly n: number;
  readonly m: number;
  /** Upper triangle, compressed columns; absent for an LP. */
  readonly P?: UpperCsc;
  readonly q: Float64Array;
  /** Compressed rows, m × n. */
  readonly A: Csr;
  readonly l: Float64Array;
  readonly u: Float64Array;
}

export interface AdmmSettings {
  readonly epsAbs: number;
  readonly epsRel: number;
  readonly epsPrimalInfeasible: number;
  readonly epsDualInfeasible: number;
  readonly maxIterations: number;
  readonly timeLimitMs: number;
  readonly rho: number;
  readonly sigma: number;
  readonly alpha: number;
  readonly adaptiveRho: boolean;
  /** Refactor when the suggested ρ differs from the current one by more than this factor. */
  readonly adaptiveRhoTolerance: number;
  /** Iterations between ρ updates. */
  readonly adaptiveRhoInterval: number;
  /** Iterations between termination checks. */
  readonly checkEvery: number;
  readonly scalingIterations: number;
  readonly polish: boolean;
  readonly polishDelta: number;
  readonly polishRefineIterations: number;
  /**
   * When polishing fails at the termination tolerances, keep iterating with epsAbs/epsRel
   * tightened 10× per stage, retrying polishing at each stage, down to this factor of the
   * requested tolerances (1 = never tighten). Bounded by the iteration and time limits.
   */
  readonly polishTightening: number;
}

export const DEFAULT_SETTINGS: AdmmSettings = {
  epsAbs: 1e-5,
  epsRel: 1e-5,
  epsPrimalInfeasible: 1e-6,
  epsDualInfeasible: 1e-6,
  maxIterations: 10_000,
  timeLimitMs: 60_000,
  rho: 1,
  sigma: 1e-6,
  alpha: 1.6,
  adaptiveRho: true,
  adaptiveRhoTolerance: 5,
  adaptiveRhoInterval: 25,
  checkEvery: 10,
  scalingIterations: 10,
  polish: true,
  polishDelta: 1e-6,
  polishRefineIterations: 10,
  polishTightening: 1e-4,
};

export type AdmmStatus = 'solved' | 'primal_infeasible' | 'dual_infeasible' | 'iteration_limit' | 'time_limit' | 'numerical_error';

export interface AdmmResult {
  readonly status: AdmmStatus;
  /** Unscaled primal solution. */
  readonly x: Float64Array;
  /** Unscaled duals (OSQP sign: yᵢ > 0 at an active upper bound, < 0 at an active lower). */
  readonly y: Float64Array;
  readonly z: Float64Array;
  readonly iterations: number;
  readonly rhoUpdates: number;
  readonly factorizations: number;
  readonly polished: boolean;
  /** Active-set rounds (reduced KKT solves) spent polishing. */
  readonly polishRounds: number;
  /** Wall-clock time spent polishing, and in setup (ordering, scaling, factorisation), ms. */
  readonly polishMs: number;
  readonly setupMs: number;
  /** Unscaled ‖Ax − z‖∞ and ‖Px + q + Aᵀy‖∞ of the returned point. */
  readonly primalResidual: number;
  /** The ADMM point's residuals at the last polishing attempt (or at the end when none was made). */
  readonly admmResiduals: { readonly primal: number; readonly dual: number };
  /** The polished point's residuals at the last attempt that produced a point; undefined when none did. */
  readonly polishResiduals: { readonly primal: number; readonly dual: number } | undefined;
  /** Factor (≤ 1) the termination tolerances were tightened by while retrying polishing. */
  readonly tightening: number;
  readonly dualResidual: number;
  /** The final scalar ρ, to start the next solve of a similar problem. */
  readonly rho: number;
  /** Whether the symbolic factorisation came from the cache. */
  readonly reusedStructure: boolean;
  readonly reusedScaling: boolean;
  readonly messages: string[];
}

const RHO_MIN = 1e-6;
const EARLY_POLISH_RATIO = 100;
const RHO_MAX = 1e6;
const RHO_EQUALITY_FACTOR = 1e3;
const MIN_SCALING = 1e-4;
const MAX_SCALING = 1e4;

// ---------------------------------------------------------------------------------------------
// Small sparse kernels.

/** out = A x (CSR). */
function csrMul(A: Csr, value: Float64Array, x: Float64Array, out: Float64Array): void {
  const { start, index } = A;
  for (let i = 0; i < A.rows; i++) {
    let s = 0;
    for (let p = start[i]!; p < start[i + 1]!; p++) s += value[p]! * x[index[p]!]!;
    out[i] = s;
  }
}

/** out = Aᵀ y (CSR). */
function csrMulT(A: Csr, value: Float64Array, y: Float64Array, out: Float64Array): void {
  out.fill(0);
  const { start, index } = A;
  for (let i = 0; i < A.rows; i++) {
    const yi = y[i]!;
    if (yi === 0) continue;
    for (let p = start[i]!; p < start[i + 1]!; p++) out[index[p]!]! += value[p]! * yi;
  }
}

/** out = P x for symmetric P stored as its upper triangle (CSC). */
function symMul(P: UpperCsc | undefined, value: Float64Array | undefined, x: Float64Array, out: Float64Array): void {
  out.fill(0);
  if (!P || !value) return;
  for (let j = 0; j < P.n; j++) {
    const xj = x[j]!;
    let s = 0;
    for (let p = P.start[j]!; p < P.start[j + 1]!; p++) {
      const i = P.index[p]!;
      const v = value[p]!;
      s += v * x[i]!;
      if (i !== j) out[i]! += v * xj;
    }
    out[j]! += s;
  }
}

function normInf(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!);
    if (a > s) s = a;
  }
  return s;
}

function scaledNormInf(x: Float64Array, scale: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]! * scale[i]!);
    if (a > s) s = a;
  }
  return s;
}

function sameArray(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Scaling.

/** Modified Ruiz equilibration of [[P, Aᵀ], [A, 0]] plus cost scaling (OSQP §5.1). */
export interface Scaling {
  /** Variable scaling D (x = D x̄). */
  readonly D: Float64Array;
  readonly Dinv: Float64Array;
  /** Row scaling E (z̄ = E z). */
  readonly E: Float64Array;
  readonly Einv: Float64Array;
  /** Cost scaling c (objective multiplied by c). */
  readonly c: number;
  /** Scaled values of P and A. */
  readonly pValue: Float64Array | undefined;
  readonly aValue: Float64Array;
}

function limitScaling(v: number): number {
  if (v < MIN_SCALING) return 1;
  return Math.min(v, MAX_SCALING);
}

export function ruizScaling(data: QpData, iterations: number): Scaling {
  const { n, m, P, A, q } = data;
  const D = new Float64Array(n).fill(1);
  const E = new Float64Array(m).fill(1);
  const pValue = P ? Float64Array.from(P.value) : undefined;
  const aValue = Float64Array.from(A.value);
  const qs = Float64Array.from(q);
  let c = 1;
  const colNorm = new Float64Array(n);
  const rowNorm = new Float64Array(m);
  const dTemp = new Float64Array(n);
  const eTemp = new Float64Array(m);
  for (let it = 0; it < iterations; it++) {
    colNorm.fill(0);
    rowNorm.fill(0);
    if (P && pValue) {
      for (let j = 0; j < n; j++) {
        for (let p = P.start[j]!; p < P.start[j + 1]!; p++) {
          const a = Math.abs(pValue[p]!);
          const i = P.index[p]!;
          if (a > colNorm[j]!) colNorm[j] = a;
          if (a > colNorm[i]!) colNorm[i] = a;
        }
      }
    }
    for (let i = 0; i < m; i++) {
      for (let p = A.start[i]!; p < A.start[i + 1]!; p++) {
        const a = Math.abs(aValue[p]!);
        const j = A.index[p]!;
        if (a > rowNorm[i]!) rowNorm[i] = a;
        if (a > colNorm[j]!) colNorm[j] = a;
      }
    }
    for (let j = 0; j < n; j++) dTemp[j] = 1 / Math.sqrt(limitScaling(colNorm[j]!));
    for (let i = 0; i < m; i++) eTemp[i] = 1 / Math.sqrt(limitScaling(rowNorm[i]!));
    if (P && pValue) {
      for (let j = 0; j < n; j++) for (let p = P.start[j]!; p < P.start[j + 1]!; p++) pValue[p]! *= dTemp[P.index[p]!]! * dTemp[j]!;
    }
    for (let i = 0; i < m; i++) for (let p = A.start[i]!; p < A.start[i + 1]!; p++) aValue[p]! *= eTemp[i]! * dTemp[A.index[p]!]!;
    for (let j = 0; j < n; j++) {
      D[j]! *= dTemp[j]!;
      qs[j]! *= dTemp[j]!;
    }
    for (let i = 0; i < m; i++) E[i]! *= eTemp[i]!;
    // Cost scaling: bring the mean column norm of P and ‖q‖∞ towards 1.
    let meanP = 0;
    if (P && pValue) {
      colNorm.fill(0);
      for (let j = 0; j < n; j++) {
        for (let p = P.start[j]!; p < P.start[j + 1]!; p++) {
          const a = Math.abs(pValue[p]!);
          const i = P.index[p]!;
          if (a > colNorm[j]!) colNorm[j] = a;
          if (a > colNorm[i]!) colNorm[i] = a;
        }
      }
      for (let j = 0; j < n; j++) meanP += colNorm[j]!;
      meanP /= n;
    }
    const gamma = 1 / limitScaling(Math.max(meanP, normInf(qs)));
    if (pValue) for (let p = 0; p < pValue.length; p++) pValue[p]! *= gamma;
    for (let j = 0; j < n; j++) qs[j]! *= gamma;
    c *= gamma;
  }
  const Dinv = D.map((v) => 1 / v);
  const Einv = E.map((v) => 1 / v);
  return { D, Dinv, E, Einv, c, pValue, aValue };
}

// ---------------------------------------------------------------------------------------------
// The factorisation cache.

/**
 * What a solver instance keeps between solves: the KKT structure (ordering + symbolic factor)
 * keyed on the sparsity pattern, and — when P and A are unchanged too — the scaling and the
 * numeric factorisation at the last ρ.
 */
export class FactorCache {
  private entries: {
    n: number;
    pStart: Int32Array;
    pIndex: Int32Array;
    aStart: Int32Array;
    aIndex: Int32Array;
    denseThreshold: number | undefined;
    structure: KktStructure;
    values?: {
      pValue: Float64Array | undefined;
      aValue: Float64Array;
      scalingIterations: number;
      scaling: Scaling;
      system: KktSystem;
      rhoVector: Float64Array;
      sigma: number;
      rho: number;
    };
  }[] = [];
  readonly capacity: number;
  /**
   * The last solution's full primal-dual point (unscaled, OSQP form, bound rows included), so a
   * warm start from that solution's x also gets the duals of the bound rows, which the core
   * `Solution` does not carry.
   */
  lastPoint: { x: Float64Array; y: Float64Array } | undefined;

  constructor(capacity = 4) {
    this.capacity = capacity;
  }

  /** Find or build the structure for `data`; `hit` says whether it came from the cache. */
  lookup(data: QpData, denseThreshold: number | undefined): { entry: FactorCache['entries'][number]; hit: boolean } {
    const empty = new Int32Array(0);
    const pStart = data.P?.start ?? empty;
    const pIndex = data.P?.index ?? empty;
    const found = this.entries.findIndex(
      (e) =>
        e.n === data.n &&
        e.denseThreshold === denseThreshold &&
        sameArray(e.aStart, data.A.start) &&
        sameArray(e.pStart, pStart) &&
        sameArray(e.aIndex, data.A.index) &&
        sameArray(e.pIndex, pIndex),
    );
    if (found >= 0) {
      const entry = this.entries[found]!;
      this.entries.splice(found, 1);
      this.entries.unshift(entry);
      return { entry, hit: true };
    }
    const structure = kktStructure(data.n, data.P, data.A, denseThreshold === undefined ? {} : { denseThreshold });
    const entry = { n: data.n, pStart: pStart.slice(), pIndex: pIndex.slice(), aStart: data.A.start.slice(), aIndex: data.A.index.slice(), denseThreshold, structure };
    this.entries.unshift(entry);
    if (this.entries.length > this.capacity) this.entries.pop();
    return { entry, hit: false };
  }

  clear(): void {
    this.entries = [];
    this.lastPoint = undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The solver.

export interface WarmStart {
  /** Unscaled primal start (length n). */
  readonly x?: Float64Array;
  /** Unscaled dual start (length m, OSQP sign). */
  readonly y?: Float64Array;
  /** Scalar ρ to start from (e.g. the previous solve's final ρ). */
  readonly rho?: number;
}

function rowRho(l: Float64Array, u: Float64Array, rho: number, out: Float64Array): void {
  for (let i = 0; i < l.length; i++) {
    const lo = l[i]!;
    const hi = u[i]!;
    if (lo === Number.NEGATIVE_INFINITY && hi === Number.POSITIVE_INFINITY) out[i] = RHO_MIN;
    else if (lo === hi) out[i] = Math.min(RHO_MAX, RHO_EQUALITY_FACTOR * rho);
    else out[i] = rho;
  }
}

/** Solve a QP in OSQP form. `cache` (optional) carries factorisations between calls. */
export function solveAdmm(
  data: QpData,
  settings: AdmmSettings = DEFAULT_SETTINGS,
  options: { warmStart?: WarmStart; cache?: FactorCache; denseThreshold?: number } = {},
): AdmmResult {
  const t0 = performance.now();
  const { n, m, P } = data;
  const messages: string[] = [];
  const cache = options.cache ?? new FactorCache(1);
  const { entry, hit } = cache.lookup(data, options.denseThreshold);
  const structure = entry.structure;

  // Scaling and numeric factor: reused when P and A values (and σ) are unchanged.
  let values = entry.values;
  const reusedScaling = reusedScalingCandidate(values, settings, data);
  // A warm start of a problem with unchanged P and A also starts from the last solve's ρ.
  const cachedRho = options.warmStart && reusedScalingCandidate(values, settings, data) ? values?.rho : undefined;
  let rho = Math.min(RHO_MAX, Math.max(RHO_MIN, options.warmStart?.rho ?? cachedRho ?? settings.rho));
  const rhoVector = new Float64Array(m);
  if (!reusedScaling || !values) {
    const scaling = ruizScaling(data, settings.scalingIterations);
    // Cost scaling depends on q, which is not part of the cached key: keep it only with the data.
    const system = new KktSystem(structure);
    rowRho(scaleBounds(data.l, scaling.E), scaleBounds(data.u, scaling.E), rho, rhoVector);
    try {
      system.setValues(scaling.pValue, scaling.aValue, settings.sigma, rhoVector, P);
    } catch (error) {
      return failed(data, 'numerical_error', `KKT factorisation failed: ${(error as Error).message}`, hit, t0);
    }
    values = {
      pValue: P ? Float64Array.from(P.value) : undefined,
      aValue: Float64Array.from(data.A.value),
      scalingIterations: settings.scalingIterations,
      scaling,
      system,
      rhoVector: Float64Array.from(rhoVector),
      sigma: settings.sigma,
      rho,
    };
    entry.values = values;
  }
  const { scaling, system } = values;
  const { D, Dinv, E, Einv } = scaling;
  // The cached scaling's cost factor came from the first q; the cost is rescaled with it so
  // that the factorisation (which contains c·P) stays valid.
  const cScale = scaling.c;
  const pBar = scaling.pValue;
  const aBar = scaling.aValue;
  const qBar = new Float64Array(n);
  for (let j = 0; j < n; j++) qBar[j] = cScale * D[j]! * data.q[j]!;
  const lBar = scaleBounds(data.l, E);
  const uBar = scaleBounds(data.u, E);
  rowRho(lBar, uBar, rho, rhoVector);
  if (!sameArray(rhoVector, values.rhoVector)) {
    try {
      system.setRho(rhoVector);
    } catch (error) {
      return failed(data, 'numerical_error', `KKT factorisation failed: ${(error as Error).message}`, hit, t0);
    }
    values.rhoVector.set(rhoVector);
  }
  const factorizationsBefore = system.factorizations;
  const setupMs = performance.now() - t0;

  // Iterates (scaled).
  const x = new Float64Array(n);
  const z = new Float64Array(m);
  const y = new Float64Array(m);
  const ws = options.warmStart;
  if (ws?.x) for (let j = 0; j < n; j++) x[j] = Dinv[j]! * ws.x[j]!;
  if (ws?.y) for (let i = 0; i < m; i++) y[i] = cScale * Einv[i]! * ws.y[i]!;
  if (ws?.x) {
    csrMul(data.A, aBar, x, z);
    for (let i = 0; i < m; i++) z[i] = Math.min(uBar[i]!, Math.max(lBar[i]!, z[i]!));
  }
  const xPrev = new Float64Array(n);
  const yPrev = new Float64Array(m);
  const rhs = new Float64Array(n + m);
  const zTilde = new Float64Array(m);
  const work = { Ax: new Float64Array(m), Px: new Float64Array(n), ATy: new Float64Array(n), tmpN: new Float64Array(n), tmpM: new Float64Array(m) };
  const { sigma, alpha } = settings;

  const polishContext: PolishContext = { data, P, pBar, aBar, qBar, lBar, uBar, scaling, settings, work, iperm: structure.ordering.iperm };
  let polished = false;
  let polishRounds = 0;
  let polishMs = 0;
  // Polishing is tried before ADMM converges once the residuals are within this factor of the
  // tolerances, then again after each further 3× decrease: on LPs it usually finds the exact
  // optimum long before ADMM's slow tail would.
  let nextPolishRatio = EARLY_POLISH_RATIO;
  let tightening = 1;
  let converged: { x: Float64Array; y: Float64Array; z: Float64Array; residuals: Residuals } | undefined;
  let lastPolishFailure = '';
  let admmResiduals: { primal: number; dual: number } | undefined;
  let polishResiduals: { primal: number; dual: number } | undefined;
  const guess = new Int8Array(m).fill(3);
  let status: AdmmStatus = 'iteration_limit';
  let iterations = 0;
  let rhoUpdates = 0;
  let residuals: Residuals = { prim: Infinity, dual: Infinity, primNorm: 0, dualNorm: 0 };
  for (let k = 1; k <= settings.maxIterations; k++) {
    xPrev.set(x);
    yPrev.set(y);
    for (let j = 0; j < n; j++) rhs[j] = sigma * x[j]! - qBar[j]!;
    for (let i = 0; i < m; i++) rhs[n + i] = z[i]! - y[i]! / rhoVector[i]!;
    system.solveInPlace(rhs);
    for (let i = 0; i < m; i++) zTilde[i] = z[i]! + (rhs[n + i]! - y[i]!) / rhoVector[i]!;
    for (let j = 0; j < n; j++) x[j] = alpha * rhs[j]! + (1 - alpha) * x[j]!;
    for (let i = 0; i < m; i++) {
      const zr = alpha * zTilde[i]! + (1 - alpha) * z[i]!;
      const zNew = Math.min(uBar[i]!, Math.max(lBar[i]!, zr + y[i]! / rhoVector[i]!));
      y[i]! += rhoVector[i]! * (zr - zNew);
      z[i] = zNew;
    }
    iterations = k;
    const check = k % settings.checkEvery === 0 || k === settings.maxIterations;
    const adapt = settings.adaptiveRho && k % settings.adaptiveRhoInterval === 0;
    if (!check && !adapt) continue;
    residuals = computeResiduals(data, P, pBar, aBar, qBar, scaling, x, y, z, work);
    if (check) {
      const epsPrim = tightening * (settings.epsAbs + settings.epsRel * residuals.primNorm);
      const epsDual = tightening * (settings.epsAbs + settings.epsRel * residuals.dualNorm);
      if (residuals.prim <= epsPrim && residuals.dual <= epsDual) {
        if (!settings.polish) {
          status = 'solved';
          break;
        }
        // Converged at this stage: polish. When that fails, keep the point (it meets the
        // requested tolerances) and, if allowed, go on with 10× tighter tolerances: on
        // degenerate LPs the active set is only identified well close to the optimum.
        const tp = performance.now();
        const result = polish(polishContext, x, y, z, residuals);
        polishMs += performance.now() - tp;
        polishRounds += result.rounds;
        admmResiduals = { primal: residuals.prim, dual: residuals.dual };
        if (Number.isFinite(result.prim)) polishResiduals = { primal: result.prim, dual: result.dual };
        if (result.accepted) {
          polished = true;
          x.set(result.x);
          y.set(result.y);
          z.set(result.z);
          residuals = { ...residuals, prim: result.prim, dual: result.dual };
          status = 'solved';
          break;
        }
        lastPolishFailure = result.reason;
        if (!converged) {
          converged = { x: Float64Array.from(x), y: Float64Array.from(y), z: Float64Array.from(z), residuals };
        } else {
          converged.x.set(x);
          converged.y.set(y);
          converged.z.set(z);
          converged.residuals = residuals;
        }
        if (tightening / 10 < settings.polishTightening * (1 - 1e-12) || k === settings.maxIterations) {
          status = 'solved';
          break;
        }
        tightening /= 10;
        nextPolishRatio = 3;
        continue;
      }
      const ratio = Math.max(residuals.prim / epsPrim, residuals.dual / epsDual);
      // Only try when the guessed active set (nearly) held still over the last interval: a set that
      // is still moving is rarely right, and each failed attempt costs several factorisations.
      const guessChanges = settings.polish && ratio <= nextPolishRatio ? updateGuess(lBar, uBar, y, z, guess) : -1;
      if (guessChanges >= 0 && guessChanges <= Math.max(2, m / 1000)) {
        nextPolishRatio = ratio / 3;
        const tp = performance.now();
        const result = polish(polishContext, x, y, z, residuals, true);
        polishMs += performance.now() - tp;
        polishRounds += result.rounds;
        if (result.accepted && result.prim <= epsPrim && result.dual <= epsDual) {
          admmResiduals = { primal: residuals.prim, dual: residuals.dual };
          polishResiduals = { primal: result.prim, dual: result.dual };
          polished = true;
          x.set(result.x);
          y.set(result.y);
          z.set(result.z);
          residuals = { ...residuals, prim: result.prim, dual: result.dual };
          status = 'solved';
          break;
        }
      }
      if (primalInfeasible(data, aBar, scaling, y, yPrev, lBar, uBar, settings.epsPrimalInfeasible, work)) {
        status = 'primal_infeasible';
        break;
      }
      if (dualInfeasible(data, P, pBar, aBar, qBar, scaling, x, xPrev, lBar, uBar, settings.epsDualInfeasible, work)) {
        status = 'dual_infeasible';
        break;
      }
      if (performance.now() - t0 > settings.timeLimitMs) {
        status = 'time_limit';
        break;
      }
      if (!Number.isFinite(residuals.prim) || !Number.isFinite(residuals.dual)) {
        status = 'numerical_error';
        messages.push('ADMM iterates became non-finite');
        break;
      }
    }
    if (adapt) {
      // OSQP balances the residuals relative to the norms they are measured against. We balance
      // them relative to the tolerances they must meet (eps_abs + eps_rel·norm): on portfolio
      // problems the dual quantities are tiny next to eps_abs, and the plain norm ratio drove ρ
      // ~10× too low (measured: 5–10× more iterations on the tracking-error QPs).
      const ratio =
        residuals.prim / (settings.epsAbs + settings.epsRel * residuals.primNorm) / Math.max(residuals.dual / (settings.epsAbs + settings.epsRel * residuals.dualNorm), 1e-30);
      const suggested = Math.min(RHO_MAX, Math.max(RHO_MIN, rho * Math.sqrt(Math.max(ratio, 1e-30))));
      if (suggested > rho * settings.adaptiveRhoTolerance || suggested < rho / settings.adaptiveRhoTolerance) {
        rho = suggested;
        rowRho(lBar, uBar, rho, rhoVector);
        try {
          system.setRho(rhoVector);
        } catch (error) {
          status = 'numerical_error';
          messages.push(`KKT refactorisation at ρ = ${rho.toExponential(2)} failed: ${(error as Error).message}`);
          break;
        }
        values.rhoVector.set(rhoVector);
        values.rho = rho;
        rhoUpdates++;
      }
    }
  }

  if (converged && status !== 'solved' && status !== 'numerical_error') {
    // The requested tolerances were met before the limits stopped the tighter stages: return
    // that point (a later one is kept when it still meets them, which it usually does).
    const now = computeResiduals(data, P, pBar, aBar, qBar, scaling, x, y, z, work);
    const meets = now.prim <= settings.epsAbs + settings.epsRel * now.primNorm && now.dual <= settings.epsAbs + settings.epsRel * now.dualNorm;
    if (!meets) {
      x.set(converged.x);
      y.set(converged.y);
      z.set(converged.z);
    }
    messages.push(`tighter tolerances (×${tightening.toExponential(0)}) stopped by the ${status === 'time_limit' ? 'time' : 'iteration'} limit`);
    status = 'solved';
  }
  if (status === 'solved' && settings.polish && !polished && lastPolishFailure) {
    messages.push(`polishing rejected: ${lastPolishFailure}${tightening < 1 ? ` (also at tolerances tightened ×${tightening.toExponential(0)})` : ''}`);
  }
  if (status !== 'solved' || !polished) {
    // Final residuals at the returned point (the loop may have stopped between checks).
    residuals = computeResiduals(data, P, pBar, aBar, qBar, scaling, x, y, z, work);
  }

  // Unscale. For certificates, report the iterate difference (the certificate direction).
  const xOut = new Float64Array(n);
  const yOut = new Float64Array(m);
  const zOut = new Float64Array(m);
  if (status === 'primal_infeasible') {
    for (let i = 0; i < m; i++) yOut[i] = (E[i]! * (y[i]! - yPrev[i]!)) / cScale;
  } else {
    for (let i = 0; i < m; i++) yOut[i] = (E[i]! * y[i]!) / cScale;
  }
  if (status === 'dual_infeasible') {
    for (let j = 0; j < n; j++) xOut[j] = D[j]! * (x[j]! - xPrev[j]!);
  } else {
    for (let j = 0; j < n; j++) xOut[j] = D[j]! * x[j]!;
  }
  for (let i = 0; i < m; i++) zOut[i] = Einv[i]! * z[i]!;
  return {
    status,
    x: xOut,
    y: yOut,
    z: zOut,
    iterations,
    rhoUpdates,
    factorizations: system.factorizations - factorizationsBefore,
    polished,
    polishRounds,
    polishMs,
    setupMs,
    primalResidual: residuals.prim,
    dualResidual: residuals.dual,
    admmResiduals: admmResiduals ?? { primal: residuals.prim, dual: residuals.dual },
    polishResiduals,
    tightening,
    rho,
    reusedStructure: hit,
    reusedScaling,
    messages,
  };
}

/** Recompute the active-set guess into `guess`; returns how many rows changed. */
function updateGuess(lBar: Float64Array, uBar: Float64Array, y: Float64Array, z: Float64Array, guess: Int8Array): number {
  let changes = 0;
  for (let i = 0; i < guess.length; i++) {
    const g = z[i]! - lBar[i]! < -y[i]! ? -1 : uBar[i]! - z[i]! < y[i]! ? 1 : 0;
    if (g !== guess[i]) {
      guess[i] = g;
      changes++;
    }
  }
  return changes;
}

function reusedScalingCandidate(
  values: { scalingIterations: number; sigma: number; aValue: Float64Array; pValue: Float64Array | undefined } | undefined,
  settings: AdmmSettings,
  data: QpData,
): boolean {
  return (
    values !== undefined &&
    values.scalingIterations === settings.scalingIterations &&
    values.sigma === settings.sigma &&
    sameArray(values.aValue, data.A.value) &&
    (data.P ? values.pValue !== undefined && sameArray(values.pValue, data.P.value) : values.pValue === undefined)
  );
}

function scaleBounds(b: Float64Array, E: Float64Array): Float64Array {
  const out = new Float64Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = E[i]! * b[i]!;
  return out;
}

function failed(data: QpData, status: AdmmStatus, message: string, hit: boolean, _t0: number): AdmmResult {
  return {
    status,
    x: new Float64Array(data.n).fill(Number.NaN),
    y: new Float64Array(data.m).fill(Number.NaN),
    z: new Float64Array(data.m).fill(Number.NaN),
    iterations: 0,
    rhoUpdates: 0,
    factorizations: 0,
    polished: false,
    polishRounds: 0,
    polishMs: 0,
    setupMs: 0,
    primalResidual: Number.NaN,
    dualResidual: Number.NaN,
    admmResiduals: { primal: Number.NaN, dual: Number.NaN },
    polishResiduals: undefined,
    tightening: 1,
    rho: Number.NaN,
    reusedStructure: hit,
    reusedScaling: false,
    messages: [message],
  };
}

interface Work {
  readonly Ax: Float64Array;
  readonly Px: Float64Array;
  readonly ATy: Float64Array;
  readonly tmpN: Float64Array;
  readonly tmpM: Float64Array;
}

interface Residuals {
  /** Unscaled ‖Ax − z‖∞ and ‖Px + q + Aᵀy‖∞. */
  prim: number;
  dual: number;
  /** max(‖Ax‖, ‖z‖) and max(‖Px‖, ‖Aᵀy‖, ‖q‖), unscaled, for the relative tolerances. */
  primNorm: number;
  dualNorm: number;
}

function computeResiduals(
  data: QpData,
  P: UpperCsc | undefined,
  pBar: Float64Array | undefined,
  aBar: Float64Array,
  qBar: Float64Array,
  scaling: Scaling,
  x: Float64Array,
  y: Float64Array,
  z: Float64Array,
  work: Work,
): Residuals {
  const { n, m } = data;
  const { Dinv, Einv, c } = scaling;
  const { Ax, Px, ATy, tmpN, tmpM } = work;
  csrMul(data.A, aBar, x, Ax);
  symMul(P, pBar, x, Px);
  csrMulT(data.A, aBar, y, ATy);
  for (let i = 0; i < m; i++) tmpM[i] = Ax[i]! - z[i]!;
  const prim = scaledNormInf(tmpM, Einv);
  const primNorm = Math.max(scaledNormInf(Ax, Einv), scaledNormInf(z, Einv));
  for (let j = 0; j < n; j++) tmpN[j] = Px[j]! + qBar[j]! + ATy[j]!;
  const dual = scaledNormInf(tmpN, Dinv) / c;
  const dualNorm = Math.max(scaledNormInf(Px, Dinv), scaledNormInf(ATy, Dinv), scaledNormInf(qBar, Dinv)) / c;
  return {
    prim,
    dual,
    primNorm,
    dualNorm,
  };
}

/** OSQP §3.4: δy with ‖Aᵀδy‖ ≈ 0 and uᵀδy₊ + lᵀδy₋ < 0 certifies primal infeasibility. */
function primalInfeasible(
  data: QpData,
  aBar: Float64Array,
  scaling: Scaling,
  y: Float64Array,
  yPrev: Float64Array,
  lBar: Float64Array,
  uBar: Float64Array,
  eps: number,
  work: Work,
): boolean {
  const { m, n } = data;
  const { E, Dinv } = scaling;
  const dy = work.tmpM;
  for (let i = 0; i < m; i++) {
    let d = y[i]! - yPrev[i]!;
    // Components that a bound at infinity would make +∞ cannot certify anything: drop them.
    if ((d > 0 && uBar[i] === Number.POSITIVE_INFINITY) || (d < 0 && lBar[i] === Number.NEGATIVE_INFINITY)) d = 0;
    dy[i] = d;
  }
  const norm = scaledNormInf(dy, E);
  if (norm < 1e-30) return false;
  let support = 0;
  for (let i = 0; i < m; i++) {
    const d = dy[i]!;
    if (d > 0) support += uBar[i]! * d;
    else if (d < 0) support += lBar[i]! * d;
  }
  if (!(support < -eps * norm)) return false;
  csrMulT(data.A, aBar, dy, work.tmpN);
  let atdy = 0;
  for (let j = 0; j < n; j++) atdy = Math.max(atdy, Math.abs(Dinv[j]! * work.tmpN[j]!));
  return atdy <= eps * norm;
}

/** OSQP §3.4: δx with Pδx ≈ 0, qᵀδx < 0 and Aδx in the recession cone certifies unboundedness. */
function dualInfeasible(
  data: QpData,
  P: UpperCsc | undefined,
  pBar: Float64Array | undefined,
  aBar: Float64Array,
  qBar: Float64Array,
  scaling: Scaling,
  x: Float64Array,
  xPrev: Float64Array,
  lBar: Float64Array,
  uBar: Float64Array,
  eps: number,
  work: Work,
): boolean {
  const { n, m } = data;
  const { D, Dinv, Einv, c } = scaling;
  const dx = work.tmpN;
  for (let j = 0; j < n; j++) dx[j] = x[j]! - xPrev[j]!;
  const norm = scaledNormInf(dx, D);
  if (norm < 1e-30) return false;
  let qdx = 0;
  for (let j = 0; j < n; j++) qdx += qBar[j]! * dx[j]!;
  if (!(qdx < -c * eps * norm)) return false;
  symMul(P, pBar, dx, work.Px);
  for (let j = 0; j < n; j++) if (Math.abs(Dinv[j]! * work.Px[j]!) > c * eps * norm) return false;
  csrMul(data.A, aBar, dx, work.tmpM);
  for (let i = 0; i < m; i++) {
    const v = Einv[i]! * work.tmpM[i]!;
    if (uBar[i] !== Number.POSITIVE_INFINITY && v > eps * norm) return false;
    if (lBar[i] !== Number.NEGATIVE_INFINITY && v < -eps * norm) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Polishing (OSQP §4), extended with primal-dual active-set corrections: after solving the
// equality-constrained QP on the guessed active set, rows whose dual has the wrong sign are
// released and violated inactive rows are added, for a few rounds. When a round ends with
// neither, the point satisfies the KKT conditions up to rounding: it is the exact optimum.

interface PolishResult {
  accepted: boolean;
  /** The last round changed nothing: KKT conditions hold. */
  clean: boolean;
  reason: string;
  x: Float64Array;
  y: Float64Array;
  z: Float64Array;
  prim: number;
  dual: number;
  rounds: number;
}

const POLISH_ROUNDS = 16;
const EARLY_POLISH_ROUNDS = 8;
/** Successive polishing attempts: guessed rows with |yᵢ| ≤ prune·‖y‖∞ start inactive. */
const POLISH_PRUNE = [0, 1e-4, 1e-3, 1e-2];
/**
 * Alternative prune levels relative to the ADMM dual residual: a row whose contribution to
 * stationarity, |yᵢ|·‖Aᵢ‖∞ (unscaled), is within a few times the dual residual cannot be told
 * from an inactive row at this accuracy (on an LP: a basic variable's bound).
 */
const POLISH_PRUNE_DUAL = [10, 100, 1000];
const POLISH_PRIMAL_TOL = 1e-9;
/** Rows whose polishing multiplier moved by at least this fraction of the largest move are in the conflict. */
const BLOW_FRACTION = 0.1;
const POLISH_DUAL_TOL = 1e-9;

interface PolishContext {
  data: QpData;
  P: UpperCsc | undefined;
  pBar: Float64Array | undefined;
  aBar: Float64Array;
  qBar: Float64Array;
  lBar: Float64Array;
  uBar: Float64Array;
  scaling: Scaling;
  settings: AdmmSettings;
  work: Work;
  /** The full KKT's inverse permutation (x first, then rows). */
  iperm: Int32Array;
}

/** Solve the equality-constrained QP on rows `active` (with targets) by regularised LDLᵀ + refinement from (x, y). */
function solveReduced(ctx: PolishContext, active: number[], target: number[], x: Float64Array, y: Float64Array): { x: Float64Array; yActive: Float64Array; consistent: boolean } | string {
  const { data, P, pBar, aBar, qBar, settings } = ctx;
  const { n, A } = data;
  const k = active.length;
  const N = n + k;
  const delta = settings.polishDelta;
  let nnz = n + k;
  if (P) for (let j = 0; j < n; j++) for (let p = P.start[j]!; p < P.start[j + 1]!; p++) if (P.index[p]! < j) nnz++;
  for (const i of active) nnz += A.start[i + 1]! - A.start[i]!;
  const start = new Int32Array(N + 1);
  const index = new Int32Array(nnz);
  const value = new Float64Array(nnz);
  let q = 0;
  for (let j = 0; j < n; j++) {
    start[j] = q;
    let diag = delta;
    if (P && pBar) {
      for (let p = P.start[j]!; p < P.start[j + 1]!; p++) {
        const i = P.index[p]!;
        if (i < j) {
          index[q] = i;
          value[q++] = pBar[p]!;
        } else diag += pBar[p]!;
      }
    }
    index[q] = j;
    value[q++] = diag;
  }
  for (let r = 0; r < k; r++) {
    start[n + r] = q;
    const i = active[r]!;
    for (let p = A.start[i]!; p < A.start[i + 1]!; p++) {
      index[q] = A.index[p]!;
      value[q++] = aBar[p]!;
    }
    index[q] = n + r;
    value[q++] = -delta;
  }
  start[N] = q;
  const K = { n: N, start, index, value };
  // The reduced matrix is a principal submatrix of the full KKT: the full ordering restricted
  // to it is a good ordering too (its fill is a subset), so no new ordering is computed.
  const fullIperm = ctx.iperm;
  const slot = new Int32Array(fullIperm.length).fill(-1);
  for (let j = 0; j < n; j++) slot[fullIperm[j]!] = j;
  for (let r = 0; r < k; r++) slot[fullIperm[n + active[r]!]!] = n + r;
  const ordering = { perm: new Int32Array(N), iperm: new Int32Array(N) };
  for (let p = 0, q2 = 0; p < slot.length; p++) if (slot[p]! >= 0) ordering.perm[q2++] = slot[p]!;
  for (let i = 0; i < N; i++) ordering.iperm[ordering.perm[i]!] = i;
  const { matrix } = permuteUpper(K, ordering.iperm);
  let factor;
  try {
    factor = ldlNumeric(matrix, ldlSymbolic(matrix));
  } catch (error) {
    return `reduced KKT factorisation failed: ${(error as Error).message}`;
  }
  // Iterative refinement towards the unregularised system, started from the ADMM point so
  // that directions the active set leaves free stay where ADMM put them.
  const sol = new Float64Array(N);
  sol.set(x);
  for (let r = 0; r < k; r++) sol[n + r] = y[active[r]!]!;
  const rhs = new Float64Array(N);
  // Proximal polishing: the x block keeps its δ·(x − x_ADMM) term, so directions the active
  // set leaves free (LPs) stay at the ADMM point instead of making the system singular; the
  // stationarity error this leaves is δ‖x − x_ADMM‖, far below any tolerance.
  for (let j = 0; j < n; j++) rhs[j] = -qBar[j]! + delta * x[j]!;
  for (let r = 0; r < k; r++) rhs[n + r] = target[r]!;
  const residual = new Float64Array(N);
  const permuted = new Float64Array(N);
  const Kx = new Float64Array(N);
  const mulTrue = (v: Float64Array, out: Float64Array): void => {
    // [[P + δI, Aᵀ], [A, 0]] v: K without the dual regularisation.
    out.fill(0);
    for (let col = 0; col < N; col++) {
      const vc = v[col]!;
      let s = 0;
      for (let p = start[col]!; p < start[col + 1]!; p++) {
        const row = index[p]!;
        const a = value[p]!;
        if (row === col) {
          s += (col < n ? a : a + delta) * vc;
        } else {
          s += a * v[row]!;
          out[row]! += a * vc;
        }
      }
      out[col]! += s;
    }
  };
  let rnorm = 0;
  let rhsNorm = 0;
  for (let i = 0; i < N; i++) rhsNorm = Math.max(rhsNorm, Math.abs(rhs[i]!));
  for (let it = 0; it <= settings.polishRefineIterations; it++) {
    mulTrue(sol, Kx);
    rnorm = 0;
    for (let i = 0; i < N; i++) {
      residual[i] = rhs[i]! - Kx[i]!;
      rnorm = Math.max(rnorm, Math.abs(residual[i]!));
    }
    if (rnorm <= 1e-13 * Math.max(1, rhsNorm)) break;
    for (let i = 0; i < N; i++) permuted[i] = residual[ordering.perm[i]!]!;
    ldlSolveInPlace(factor, permuted);
    for (let i = 0; i < N; i++) sol[ordering.perm[i]!]! += permuted[i]!;
  }
  if (rnorm > 1e-13 * Math.max(1, rhsNorm)) {
    mulTrue(sol, Kx);
    rnorm = 0;
    for (let i = 0; i < N; i++) rnorm = Math.max(rnorm, Math.abs(rhs[i]! - Kx[i]!));
  }
  // A residual refinement cannot remove means the guessed rows are inconsistent (too many).
  return { x: sol.slice(0, n), yActive: sol.slice(n), consistent: rnorm <= 1e-9 * Math.max(1, rhsNorm) };
}

/**
 * Polish with the plain OSQP guess first; when its active set does not settle (typically a
 * degenerate LP where ADMM's guess holds rows too many and the reduced system is
 * inconsistent), retry with guessed inequality rows whose contribution to stationarity is
 * tiny left out: below 1e-4 / 1e-3 / 1e-2 of the largest, or below 10 / 100 / 1000 times the
 * ADMM dual residual (rows that weak cannot be told from inactive ones at this accuracy).
 * Dependent but consistent active rows (budget = Σ exact industry rows) need no special care:
 * the δ-regularised reduced KKT plus refinement solves such systems.
 */
function polish(ctx: PolishContext, x: Float64Array, y: Float64Array, z: Float64Array, before: Residuals, early = false): PolishResult {
  let rounds = 0;
  let result: PolishResult | undefined;
  // An early attempt (ADMM not yet converged) is one cheap try; the final one tries harder.
  const strength = rowStrength(ctx, y);
  const levels = early ? [0] : [...POLISH_PRUNE.map((f) => f * normInf(strength)), ...POLISH_PRUNE_DUAL.map((f) => f * before.dual)].sort((a, b) => a - b);
  for (const small of levels) {
    result = polishOnce(ctx, x, y, z, before, strength, small, early ? EARLY_POLISH_ROUNDS : POLISH_ROUNDS);
    rounds += result.rounds;
    if (result.accepted || result.reason.startsWith('reduced KKT')) break;
  }
  return { ...result!, rounds };
}

/** Each row's unscaled contribution to stationarity, |yᵢ|·max_j |Aᵢⱼ| (y scaled as in ADMM). */
function rowStrength(ctx: PolishContext, y: Float64Array): Float64Array {
  const { data, aBar, scaling } = ctx;
  const { A } = data;
  const out = new Float64Array(data.m);
  for (let i = 0; i < data.m; i++) {
    let a = 0;
    for (let p = A.start[i]!; p < A.start[i + 1]!; p++) a = Math.max(a, Math.abs(aBar[p]! * scaling.Dinv[A.index[p]!]!));
    out[i] = (Math.abs(y[i]!) * a) / scaling.c;
  }
  return out;
}

function polishOnce(ctx: PolishContext, x: Float64Array, y: Float64Array, z: Float64Array, before: Residuals, strength: Float64Array, small: number, maxRounds: number): PolishResult {
  const { data, P, pBar, aBar, qBar, lBar, uBar, scaling, work } = ctx;
  const { m, A } = data;
  // Guess: lower-active where zᵢ − lᵢ < −yᵢ, upper-active where uᵢ − zᵢ < yᵢ; equality rows always.
  const side = new Int8Array(m); // 0 inactive, −1 lower, +1 upper, 2 equality
  for (let i = 0; i < m; i++) {
    const lo = lBar[i]!;
    const hi = uBar[i]!;
    if (lo === hi) side[i] = 2;
    else if (small > 0 && strength[i]! <= small) side[i] = 0;
    else if (z[i]! - lo < -y[i]!) side[i] = -1;
    else if (hi - z[i]! < y[i]!) side[i] = 1;
  }
  let xs = x;
  let ys = y;
  const ax = new Float64Array(m);
  let clean = false;
  let rounds = 0;
  let failure = '';
  let added: number[] = [];
  let lastY: Float64Array | undefined;
  for (; rounds < maxRounds && !clean; rounds++) {
    const active: number[] = [];
    const target: number[] = [];
    for (let i = 0; i < m; i++) {
      if (side[i] === 0) continue;
      active.push(i);
      target.push(side[i] === -1 ? lBar[i]! : uBar[i]!);
    }
    const solved = solveReduced(ctx, active, target, xs, ys);
    if (typeof solved === 'string') {
      failure = solved;
      break;
    }
    if (!solved.consistent) {
      // Rows just added made the set over-determined: as in a simplex pivot, let as many of
      // the previous round's weakest rows (smallest |yᵢ|, never equalities) leave.
      // Without rows just added, the ADMM guess itself holds a row too many: drop its weakest.
      // The rows of an inconsistent subset are those whose regularised multipliers blew up
      // (≈ residual / δ): only they are candidates, weakest first.
      const weights = lastY ? rowStrength(ctx, lastY) : strength;
      const justAdded = new Set(added);
      const blow = new Float64Array(m);
      let maxBlow = 0;
      for (let r = 0; r < active.length; r++) {
        const i = active[r]!;
        const b = Math.abs(solved.yActive[r]! - ys[i]!);
        blow[i] = b;
        if (side[i] !== 2 && b > maxBlow) maxBlow = b;
      }
      const candidates = active
        .filter((i) => side[i] !== 2 && !justAdded.has(i) && blow[i]! >= BLOW_FRACTION * maxBlow)
        .sort((a, b) => Math.abs(weights[a]!) - Math.abs(weights[b]!));
      if (candidates.length === 0) {
        failure = `the guessed active set (${active.length} rows) is inconsistent`;
        break;
      }
      for (const i of candidates.slice(0, Math.max(1, added.length))) side[i] = 0;
      added = [];
      continue;
    }
    xs = solved.x;
    ys = new Float64Array(m);
    for (let r = 0; r < active.length; r++) ys[active[r]!] = solved.yActive[r]!;
    lastY = ys;
    added = [];
    // Corrections: release wrong-sign duals, add violated rows.
    csrMul(A, aBar, xs, ax);
    let changes = 0;
    const dualTol = POLISH_DUAL_TOL * Math.max(1, normInf(ys));
    for (let i = 0; i < m; i++) {
      const s = side[i]!;
      if (s === -1 && ys[i]! > dualTol) {
        side[i] = 0;
        changes++;
      } else if (s === 1 && ys[i]! < -dualTol) {
        side[i] = 0;
        changes++;
      } else if (s === 0) {
        const tol = POLISH_PRIMAL_TOL * Math.max(1, Math.abs(ax[i]!));
        if (ax[i]! < lBar[i]! - tol) {
          side[i] = -1;
          added.push(i);
          changes++;
        } else if (ax[i]! > uBar[i]! + tol) {
          side[i] = 1;
          added.push(i);
          changes++;
        }
      }
    }
    clean = changes === 0;
  }
  const zp = new Float64Array(m);
  csrMul(A, aBar, xs, zp);
  for (let i = 0; i < m; i++) zp[i] = Math.min(uBar[i]!, Math.max(lBar[i]!, zp[i]!));
  if (failure) return { accepted: false, clean: false, reason: failure, x, y, z, prim: Infinity, dual: Infinity, rounds: rounds + 1 };
  // Duals of released rows are zero in ys already; signs of the kept ones are right if clean.
  const after = computeResiduals(data, P, pBar, aBar, qBar, scaling, xs, ys, zp, work);
  if (!Number.isFinite(after.prim) || !Number.isFinite(after.dual)) {
    return { accepted: false, clean, reason: 'non-finite polished point', x, y, z, prim: after.prim, dual: after.dual, rounds };
  }
  if (!clean) {
    return { accepted: false, clean, reason: `the active set did not settle in ${maxRounds} rounds`, x, y, z, prim: after.prim, dual: after.dual, rounds };
  }
  if (after.prim > Math.max(before.prim, 1e-9) || after.dual > Math.max(before.dual, 1e-9)) {
    return {
      accepted: false,
      clean,
      reason: `residuals did not improve (primal ${after.prim.toExponential(2)} vs ${before.prim.toExponential(2)}, dual ${after.dual.toExponential(2)} vs ${before.dual.toExponential(2)})`,
      x,
      y,
      z,
      prim: after.prim,
      dual: after.dual,
      rounds,
    };
  }
  return { accepted: true, clean, reason: '', x: xs, y: ys, z: zp, prim: after.prim, dual: after.dual, rounds };
}
