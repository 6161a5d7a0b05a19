import { type AssetId, type DateString, FactorkitError, type RiskModelView, show } from '@factorkit/core';
import { type FactorKind, type RiskEstimate, floorDate } from './estimate.js';
import { repairPsd } from './linalg.js';

/** How the covariance and specific variances are formed from the estimated history. */
export interface RiskModelOptions {
  /** Half-life (trading days) of the EWMA factor covariance (default 90). */
  readonly halfLife?: number;
  /** Half-life (trading days) of the EWMA of squared residuals (default 42). */
  readonly specificHalfLife?: number;
  /** Newey–West lags for the factor covariance, Bartlett weights (default 0 = none). */
  readonly neweyWestLags?: number;
  /**
   * Volatility regime adjustment: half-life (trading days) of the EWMA of the squared
   * cross-sectional bias of daily factor (and specific) returns; `false` or 0 = off (default 42,
   * which measurably steadies the rolling bias on cn-csi300, see the README).
   */
  readonly regimeHalfLife?: number | false;
  /** A factor with fewer daily observations gets the fallback variance (default 20). */
  readonly minFactorObservations?: number;
  /**
   * Residual observations needed for an asset's own specific variance to be used alone; with
   * `m` < this, `σ² = (m / this)·σ²_ewma + (1 − m / this)·σ²_prior` (default = `specificHalfLife`).
   */
  readonly specificMinObservations?: number;
}

/**
 * A factor risk model as of one date: `Σ = X F Xᵀ + diag(specificVariance)` for the next day's
 * returns (daily variances). Satisfies core's {@link RiskModelView}.
 */
export interface RiskModel extends RiskModelView {
  readonly date: DateString;
  readonly assets: readonly AssetId[];
  readonly factorKinds: readonly FactorKind[];
  /** Daily observations behind each factor's variance (fallback used when < `minFactorObservations`). */
  readonly factorObservations: Int32Array;
  /** 1 for assets in the estimation universe on `date`. */
  readonly inUniverse: Uint8Array;
  readonly diagnostics: {
    /** Factors whose covariance row is the fallback (too short a history). */
    readonly fallbackFactors: readonly string[];
    /** Assets whose specific variance is (partly) the structural prior. */
    readonly shrunkAssets: number;
    /** Assets with no residual history at all (pure prior). */
    readonly priorOnlyAssets: number;
    /** Whether negative eigenvalues of the pairwise covariance were clipped. */
    readonly psdRepaired: boolean;
    /** Volatility-regime multipliers applied to factor and specific variances (1 when off). */
    readonly factorRegime: number;
    readonly specificRegime: number;
  };
}

/** Squared standardised returns are capped here in the regime bias (a near-zero forecast must not explode it). */
const REGIME_CLIP = 25;

interface Resolved {
  halfLife: number;
  specificHalfLife: number;
  neweyWestLags: number;
  regimeHalfLife: number;
  minFactorObservations: number;
  specificMinObservations: number;
}

/** Validate model options; throws `FK_INVALID_ARGUMENT` naming the option. */
export function checkRiskModelOptions(options: RiskModelOptions): void {
  resolve(options);
}

function resolve(options: RiskModelOptions): Resolved {
  const halfLife = options.halfLife ?? 90;
  const specificHalfLife = options.specificHalfLife ?? 42;
  const neweyWestLags = options.neweyWestLags ?? 0;
  const regime = options.regimeHalfLife ?? 42;
  const minFactorObservations = options.minFactorObservations ?? 20;
  const specificMinObservations = options.specificMinObservations ?? specificHalfLife;
  const bad = (name: string, value: unknown, what: string) => {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `risk model: ${name} must be ${what}, got ${show(value)}`);
  };
  if (!(halfLife > 0) || !Number.isFinite(halfLife)) bad('halfLife', halfLife, 'a positive number of trading days');
  if (!(specificHalfLife > 0) || !Number.isFinite(specificHalfLife)) bad('specificHalfLife', specificHalfLife, 'a positive number of trading days');
  if (!Number.isInteger(neweyWestLags) || neweyWestLags < 0 || neweyWestLags > 20) bad('neweyWestLags', neweyWestLags, 'an integer in 0..20');
  if (regime !== false && !(regime === 0 || (regime > 0 && Number.isFinite(regime)))) bad('regimeHalfLife', regime, 'a positive number, 0 or false');
  if (!Number.isInteger(minFactorObservations) || minFactorObservations < 1) bad('minFactorObservations', minFactorObservations, 'a positive integer');
  if (!(specificMinObservations >= 1) || !Number.isFinite(specificMinObservations)) bad('specificMinObservations', specificMinObservations, 'a number ≥ 1');
  return { halfLife, specificHalfLife, neweyWestLags, regimeHalfLife: regime === false ? 0 : regime, minFactorObservations, specificMinObservations };
}

/**
 * Risk models as of each of `asOf` (dates or calendar indices, any order), in one chronological
 * pass over the estimated history. The model as of `T` uses only factor returns and residuals
 * of dates `≤ T` and exposures of `T`: it forecasts the return of day `T + 1`.
 *
 * - Factor covariance: zero-mean EWMA, `F_ij = Σ_s w_s f_i(s) f_j(s) / Σ_s w_s` over the dates
 *   where both were estimated, `w_s = 2^{−(T−s)/halfLife}`; with Newey–West lags `L`,
 *   `F += Σ_{l=1..L} (1 − l/(L+1)) (Γ_l + Γ_lᵀ)`, `Γ_l` the EWMA of `f(s) f(s−l)ᵀ`. Factors with
 *   fewer than `minFactorObservations` observations (an industry created by a reclassification)
 *   get the median variance of their kind and no covariance. Negative eigenvalues (possible
 *   with pairwise histories) are clipped to 0.
 * - Specific variance: EWMA of squared residuals (`specificHalfLife`), shrunk toward a
 *   structural prior (the median EWMA specific variance of the asset's industry among assets
 *   with a full history, or of all such assets when the industry has fewer than 5) in
 *   proportion to how short the asset's history is.
 * - Volatility regime adjustment (when `regimeHalfLife > 0`): the factor covariance is scaled by
 *   `λ_F² = EWMA_s[mean_k min(25, f_k(s)² / σ̂_k²(s−1))]` and the specific variances by the
 *   cap-weighted analogue `λ_S²` of the residuals, each day's predicted variance coming from the
 *   EWMA of the day before (the cap at 25 keeps an asset whose residuals were ~0, alone in its
 *   industry, from blowing the multiplier up).
 */
export function riskModelsAt(estimate: RiskEstimate, asOf: readonly (DateString | number)[], options: RiskModelOptions = {}): RiskModel[] {
  const out: RiskModel[] = new Array<RiskModel>(asOf.length);
  forEachRiskModel(estimate, asOf, options, (model, i) => {
    out[i] = model;
  });
  return out;
}

/**
 * Like {@link riskModelsAt}, but hands each model to `visit` (in date order, with its position
 * in `asOf`) instead of keeping them all: memory stays at one model however many dates.
 */
export function forEachRiskModel(
  estimate: RiskEstimate,
  asOf: readonly (DateString | number)[],
  options: RiskModelOptions,
  visit: (model: RiskModel, index: number, t: number) => void,
): void {
  const o = resolve(options);
  const { dates, factors, factorReturns, residuals } = estimate;
  const T = dates.length;
  const n = estimate.assets.length;
  const K = factors.length;
  const targets = asOf.map((d, i) => {
    const t = typeof d === 'number' ? d : floorDate(dates, d, `asOf[${i}]`);
    if (!Number.isInteger(t) || t < 0 || t >= T) throw new FactorkitError('FK_INVALID_ARGUMENT', `asOf[${i}]: index ${show(d)} is outside 0..${T - 1}`);
    return t;
  });
  const order = targets.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0]);
  if (order.length === 0) return;
  const last = order[order.length - 1]![0];

  const L = o.neweyWestLags;
  const decay = 2 ** (-1 / o.halfLife);
  const sdecay = 2 ** (-1 / o.specificHalfLife);
  const rdecay = o.regimeHalfLife > 0 ? 2 ** (-1 / o.regimeHalfLife) : 0;
  // Running EWMA sums: lag 0..L products and their weights (pairwise availability).
  const S = Array.from({ length: L + 1 }, () => new Float64Array(K * K));
  const W = Array.from({ length: L + 1 }, () => new Float64Array(K * K));
  const obs = new Int32Array(K);
  const E = new Float64Array(n);
  const EW = new Float64Array(n);
  const ecount = new Int32Array(n);
  let regimeF = 0;
  let regimeFW = 0;
  let regimeS = 0;
  let regimeSW = 0;
  const residualValues = residuals.values;

  let next = 0;
  for (let t = 0; t <= last; t++) {
    const f = factorReturns.subarray(t * K, (t + 1) * K);
    const estimated = Number.isFinite(f[0]!);
    if (rdecay > 0 && estimated) {
      // Bias of today's returns against yesterday's forecast (before today's update).
      let sum = 0;
      let count = 0;
      for (let k = 0; k < K; k++) {
        const w0 = W[0]![k * K + k]!;
        if (!Number.isFinite(f[k]!) || !(w0 > 0) || obs[k]! < o.minFactorObservations) continue;
        const variance = S[0]![k * K + k]! / w0;
        if (variance > 0) {
          sum += Math.min(REGIME_CLIP, (f[k]! * f[k]!) / variance);
          count++;
        }
      }
      if (count > 0) {
        regimeF = rdecay * regimeF + sum / count;
        regimeFW = rdecay * regimeFW + 1;
      }
      const capValues = estimate.panels.marketCap.values;
      const prev = Math.max(0, t - 1);
      let ss = 0;
      let sw = 0;
      for (let a = 0; a < n; a++) {
        const e = residualValues[a * T + t]!;
        if (!Number.isFinite(e) || ecount[a]! < o.specificMinObservations || !(EW[a]! > 0)) continue;
        const variance = E[a]! / EW[a]!;
        const c = capValues[a * T + prev]!;
        if (variance > 0 && c > 0) {
          ss += c * Math.min(REGIME_CLIP, (e * e) / variance);
          sw += c;
        }
      }
      if (sw > 0) {
        regimeS = rdecay * regimeS + ss / sw;
        regimeSW = rdecay * regimeSW + 1;
      }
    }
    for (let l = 0; l <= L; l++) {
      const s = S[l]!;
      const w = W[l]!;
      for (let i = 0; i < K * K; i++) {
        s[i]! *= decay;
        w[i]! *= decay;
      }
    }
    if (estimated) {
      for (let l = 0; l <= L; l++) {
        if (t - l < 0) continue;
        const g = factorReturns.subarray((t - l) * K, (t - l + 1) * K);
        const s = S[l]!;
        const w = W[l]!;
        for (let i = 0; i < K; i++) {
          const fi = f[i]!;
          if (!Number.isFinite(fi)) continue;
          for (let j = 0; j < K; j++) {
            const gj = g[j]!;
            if (!Number.isFinite(gj)) continue;
            s[i * K + j]! += fi * gj;
            w[i * K + j]! += 1;
          }
        }
      }
      for (let k = 0; k < K; k++) if (Number.isFinite(f[k]!)) obs[k]!++;
    }
    for (let a = 0; a < n; a++) {
      E[a]! *= sdecay;
      EW[a]! *= sdecay;
      const e = residualValues[a * T + t]!;
      if (Number.isFinite(e)) {
        E[a]! += e * e;
        EW[a]! += 1;
        ecount[a]!++;
      }
    }
    while (next < order.length && order[next]![0] === t) {
      const fr = regimeFW > 0 ? regimeF / regimeFW : 1;
      const sr = regimeSW > 0 ? regimeS / regimeSW : 1;
      visit(buildModel(estimate, t, o, S, W, obs, E, EW, ecount, rdecay > 0 ? fr : 1, rdecay > 0 ? sr : 1), order[next]![1], t);
      next++;
    }
  }
}

function buildModel(
  estimate: RiskEstimate,
  t: number,
  o: Resolved,
  S: Float64Array[],
  W: Float64Array[],
  obs: Int32Array,
  E: Float64Array,
  EW: Float64Array,
  ecount: Int32Array,
  factorRegime: number,
  specificRegime: number,
): RiskModel {
  const { factors, factorKinds } = estimate;
  const K = factors.length;
  const n = estimate.assets.length;
  const x = estimate.exposuresAt(t);
  const styleCount = factorKinds.filter((k) => k === 'style').length;
  const M = K - 1 - styleCount;
  // Factors in today's model: the country, industries someone belongs to, every style.
  const hasIndustry = new Uint8Array(M);
  for (let a = 0; a < n; a++) if (x.industry[a]! >= 0 && x.industry[a]! < M) hasIndustry[x.industry[a]!] = 1;
  const keep: number[] = [0];
  for (let k = 0; k < M; k++) if (hasIndustry[k]) keep.push(1 + k);
  for (let s = 0; s < styleCount; s++) keep.push(1 + M + s);
  const k = keep.length;

  // Full K × K covariance (pairwise EWMA + Newey–West).
  const full = new Float64Array(K * K).fill(Number.NaN);
  const L = o.neweyWestLags;
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      const w = W[0]![i * K + j]!;
      if (!(w > 0)) continue;
      let c = S[0]![i * K + j]! / w;
      for (let l = 1; l <= L; l++) {
        const bartlett = 1 - l / (L + 1);
        const wij = W[l]![i * K + j]!;
        const wji = W[l]![j * K + i]!;
        if (wij > 0) c += (bartlett * S[l]![i * K + j]!) / wij;
        if (wji > 0) c += (bartlett * S[l]![j * K + i]!) / wji;
      }
      full[i * K + j] = c;
    }
  }
  const covariance = new Float64Array(k * k);
  const factorObservations = new Int32Array(k);
  const fallbackFactors: string[] = [];
  const medianVariance = (kind: FactorKind) => {
    const v: number[] = [];
    for (const f of keep) {
      if (factorKinds[f] === kind && obs[f]! >= o.minFactorObservations) {
        const c = full[f * K + f]!;
        if (c > 0) v.push(c);
      }
    }
    return v.length ? medianOf(v) : Number.NaN;
  };
  const ok = keep.map((f) => obs[f]! >= o.minFactorObservations && full[f * K + f]! > 0);
  for (let i = 0; i < k; i++) {
    const fi = keep[i]!;
    factorObservations[i] = obs[fi]!;
    if (!ok[i]) {
      fallbackFactors.push(factors[fi]!);
      let variance = medianVariance(factorKinds[fi]!);
      if (!Number.isFinite(variance)) variance = medianVariance('industry');
      if (!Number.isFinite(variance)) variance = medianVariance('style');
      if (!Number.isFinite(variance)) variance = 0;
      covariance[i * k + i] = variance;
      continue;
    }
    for (let j = 0; j < k; j++) {
      if (!ok[j]) continue;
      const fj = keep[j]!;
      const c = 0.5 * (full[fi * K + fj]! + full[fj * K + fi]!);
      covariance[i * k + j] = Number.isFinite(c) ? c : 0;
    }
  }
  const { matrix, repaired } = repairPsd(covariance, k);
  if (factorRegime !== 1) for (let i = 0; i < k * k; i++) matrix[i]! *= factorRegime;

  // Exposures n × k.
  const exposures = new Float64Array(n * k);
  const column = new Int32Array(K).fill(-1);
  keep.forEach((f, i) => (column[f] = i));
  for (let a = 0; a < n; a++) {
    exposures[a * k] = 1;
    const ind = x.industry[a]!;
    if (ind >= 0 && ind < M) exposures[a * k + column[1 + ind]!] = 1;
    for (let s = 0; s < styleCount; s++) exposures[a * k + column[1 + M + s]!] = x.styles[a * styleCount + s]!;
  }

  // Specific variances with the structural prior.
  const own = new Float64Array(n).fill(Number.NaN);
  for (let a = 0; a < n; a++) if (EW[a]! > 0) own[a] = E[a]! / EW[a]!;
  const byIndustry = new Map<number, number[]>();
  const all: number[] = [];
  for (let a = 0; a < n; a++) {
    if (ecount[a]! < o.specificMinObservations || !(own[a]! > 0)) continue;
    all.push(own[a]!);
    const ind = x.industry[a]!;
    const list = byIndustry.get(ind) ?? [];
    list.push(own[a]!);
    byIndustry.set(ind, list);
  }
  const overall = all.length ? medianOf(all) : Number.NaN;
  const priors = new Map<number, number>();
  for (const [ind, list] of byIndustry) if (list.length >= 5) priors.set(ind, medianOf(list));
  const specificVariance = new Float64Array(n);
  let shrunkAssets = 0;
  let priorOnlyAssets = 0;
  for (let a = 0; a < n; a++) {
    const prior = priors.get(x.industry[a]!) ?? overall;
    const m = ecount[a]!;
    let value: number;
    if (m >= o.specificMinObservations && own[a]! > 0) value = own[a]!;
    else if (m === 0 || !Number.isFinite(own[a]!)) {
      value = prior;
      priorOnlyAssets++;
    } else {
      const lambda = m / o.specificMinObservations;
      value = Number.isFinite(prior) ? lambda * own[a]! + (1 - lambda) * prior : own[a]!;
      shrunkAssets++;
    }
    specificVariance[a] = (Number.isFinite(value) ? value : 0) * specificRegime;
  }

  return {
    date: estimate.dates[t]!,
    assets: estimate.assets,
    factors: keep.map((f) => factors[f]!),
    factorKinds: keep.map((f) => factorKinds[f]!),
    exposures,
    covariance: matrix,
    specificVariance,
    factorObservations,
    inUniverse: x.inUniverse,
    diagnostics: { fallbackFactors, shrunkAssets, priorOnlyAssets, psdRepaired: repaired, factorRegime, specificRegime },
  };
}

function medianOf(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const m = s.length;
  return m % 2 === 1 ? s[(m - 1) / 2]! : 0.5 * (s[m / 2 - 1]! + s[m / 2]!);
}
