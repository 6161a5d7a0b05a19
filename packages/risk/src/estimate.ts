import { type AssetId, type CategoricalPanel, type DateString, FactorkitError, Panel, lowerBound, show, upperBound } from '@factorkit/core';
import { solveSpd } from './linalg.js';

/** How assets are weighted in the daily cross-sectional regression. */
export type RegressionWeights = 'sqrt-cap' | 'cap' | 'equal';

/**
 * The panels a risk model is estimated from, all `dates × assets` and point in time: row `t`
 * holds what was known at the close of day `t`. `NaN` = missing everywhere.
 */
export interface RiskPanels {
  readonly dates: readonly DateString[];
  readonly assets: readonly AssetId[];
  /** Day-`t` simple returns (close `t−1` → close `t`). */
  readonly returns: Panel;
  /** Industry in effect on day `t` (codes index `levels`, −1 = none). */
  readonly industry: CategoricalPanel;
  /** Raw style exposures as known at the close of `t`, by factor name (standardised here). */
  readonly styles: Readonly<Record<string, Panel>>;
  /** Market capitalisation at the close of `t` (CNY): regression and standardisation weights. */
  readonly marketCap: Panel;
  /** 1 when the asset is in the estimation universe on day `t` (default: every asset with a cap). */
  readonly universe?: Panel;
  /** 1 when the asset traded on day `t`, so its day-`t` return is a real observation (default: all). */
  readonly tradable?: Panel;
}

/** Options of {@link estimateRiskModel}; the model options are used by `modelAt`. */
export interface RiskEstimationOptions {
  /** Regression weights (default `'sqrt-cap'`, Barra's choice: specific variance ∝ 1/√cap). */
  readonly weights?: RegressionWeights;
  /** First date whose return is regressed (default: the second calendar date). */
  readonly start?: DateString;
  /** Last date whose return is regressed (default: the last calendar date). */
  readonly end?: DateString;
  /** A date is skipped when fewer assets enter its regression (default 50; always > factors + 1). */
  readonly minAssets?: number;
  /** MAD winsorisation of raw styles at `median ± k·1.4826·MAD` before standardising (default 5; `false` = off). */
  readonly winsorize?: number | false;
  /**
   * Standardise styles per date over the estimation universe: cap-weighted mean 0,
   * equal-weighted standard deviation 1 (default `true`). `false` uses the styles as given.
   */
  readonly standardize?: boolean;
}

/** Why a date got no regression. */
export interface RiskEstimationReport {
  /** Dates regressed. */
  readonly regressed: number;
  /** Dates skipped, by reason (`tooFewAssets`: fewer than `minAssets` usable assets). */
  readonly skipped: { readonly tooFewAssets: number };
  /** Factor-dates whose column was dropped as empty or collinear (its return set to `NaN`). */
  readonly droppedFactorDates: number;
  /** Universe asset-dates whose style exposure was missing and filled with 0 (the cap-weighted mean). */
  readonly filledStyleValues: number;
}

/** What kind of factor a column is. */
export type FactorKind = 'country' | 'industry' | 'style';

/** The result of the regressions: factor returns, residuals and fit, date by date. */
export interface RiskEstimate {
  readonly dates: readonly DateString[];
  readonly assets: readonly AssetId[];
  /** Every factor that can appear: `country`, `industry:<level>` for each level, then the styles. */
  readonly factors: readonly string[];
  readonly factorKinds: readonly FactorKind[];
  /** `dates × factors` row-major daily factor returns; `NaN` when not estimated that day. */
  readonly factorReturns: Float64Array;
  /** Day-`t` residuals of the assets in that day's regression; `NaN` otherwise. */
  readonly residuals: Panel;
  /** Weighted R² per date (`NaN` when not regressed). */
  readonly rSquared: Float64Array;
  /** Assets in each date's regression (0 when not regressed). */
  readonly sampleSize: Int32Array;
  readonly report: RiskEstimationReport;
  readonly options: Required<Omit<RiskEstimationOptions, 'start' | 'end'>> & { readonly start: DateString; readonly end: DateString };
  /** The input panels (kept by reference for `modelAt` and the forecast backtest). */
  readonly panels: RiskPanels;
  /** Standardised exposures of every asset on day `t` (see {@link ExposureSnapshot}). */
  exposuresAt(t: number): ExposureSnapshot;
}

/**
 * Exposures on one date as the model uses them: industry codes, standardised styles (`n × S`
 * row-major; missing → 0), the estimation-universe flag and the cap.
 */
export interface ExposureSnapshot {
  readonly industry: Int32Array;
  readonly styles: Float64Array;
  readonly inUniverse: Uint8Array;
  readonly cap: Float64Array;
  /** Universe assets whose style value was missing and set to 0. */
  readonly filled: number;
}

const MAD_TO_SIGMA = 1.4826;

/**
 * Run the daily cross-sectional regressions of a Barra-style model.
 *
 * For every date `t` in `[start, end]`: the day-`t` returns of the assets that were in the
 * estimation universe at `t − 1`, have an industry and a cap at `t − 1` and traded on `t` are
 * regressed, by weighted least squares, on exposures known at the close of `t − 1` (never
 * later): a country factor (exposure 1), industry dummies and standardised styles. The country
 * and industry columns are collinear (dummies sum to the country column); the regression is
 * made well posed by the constraint `Σ_k c_k f_k = 0` on the industry factor returns, `c_k`
 * being industry `k`'s market cap in the regression sample. It is imposed by substitution:
 * with a reference industry `K` (the largest by cap), `f_K = −Σ_{k≠K} (c_k / c_K) f_k`, so the
 * design has columns `D_k − (c_k / c_K) D_K` for `k ≠ K`, and the country factor is then the
 * return of the cap-weighted sample portfolio net of its style exposures.
 */
export function estimateRiskPanels(panels: RiskPanels, options: RiskEstimationOptions = {}): RiskEstimate {
  const { dates, assets } = panels;
  const T = dates.length;
  const n = assets.length;
  checkPanels(panels);
  const styleNames = Object.keys(panels.styles);
  const S = styleNames.length;
  const styles = styleNames.map((s) => panels.styles[s]!);
  const weights = options.weights ?? 'sqrt-cap';
  if (weights !== 'sqrt-cap' && weights !== 'cap' && weights !== 'equal') {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `estimateRiskModel: weights must be 'sqrt-cap', 'cap' or 'equal', got ${show(weights)}`);
  }
  const winsorize = options.winsorize ?? 5;
  if (winsorize !== false && !(typeof winsorize === 'number' && winsorize > 0)) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `estimateRiskModel: winsorize must be a positive number or false, got ${show(winsorize)}`);
  }
  const standardize = options.standardize ?? true;
  const levels = panels.industry.levels;
  const M = levels.length;
  const K = 1 + M + S;
  const minAssets = options.minAssets ?? 50;
  if (!Number.isInteger(minAssets) || minAssets < 1) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `estimateRiskModel: minAssets must be a positive integer, got ${show(minAssets)}`);
  }
  const startIdx = Math.max(1, options.start === undefined ? 1 : ceilDate(dates, options.start, 'start'));
  const endIdx = options.end === undefined ? T - 1 : floorDate(dates, options.end, 'end');
  const factors = ['country', ...levels.map((l) => `industry:${l}`), ...styleNames];
  const factorKinds: FactorKind[] = ['country', ...levels.map(() => 'industry' as const), ...styleNames.map(() => 'style' as const)];
  if (new Set(factors).size !== factors.length) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `estimateRiskModel: factor names must be unique; styles ${show(styleNames)} clash with \`country\` or an industry`);
  }

  const ret = panels.returns.values;
  const tradable = panels.tradable?.values;
  const industryCodes = panels.industry.codes;

  const exposuresAt = (t: number): ExposureSnapshot => {
    const industry = new Int32Array(n);
    const cap = new Float64Array(n);
    const inUniverse = new Uint8Array(n);
    for (let a = 0; a < n; a++) {
      const idx = a * T + t;
      const code = industryCodes[idx]!;
      industry[a] = code;
      const c = panels.marketCap.values[idx]!;
      cap[a] = Number.isFinite(c) && c > 0 ? c : Number.NaN;
      const member = panels.universe ? panels.universe.values[idx] === 1 : true;
      if (member && code >= 0 && code < M && cap[a]! > 0) inUniverse[a] = 1;
    }
    const out = new Float64Array(n * S);
    let filled = 0;
    const buffer = new Float64Array(n);
    for (let s = 0; s < S; s++) {
      const raw = styles[s]!.values;
      const x = new Float64Array(n);
      for (let a = 0; a < n; a++) {
        const v = raw[a * T + t]!;
        x[a] = Number.isFinite(v) ? v : Number.NaN;
      }
      let lo = -Infinity;
      let hi = Infinity;
      let mean = 0;
      let sd = 1;
      if (standardize) {
        if (winsorize !== false) {
          let m = 0;
          for (let a = 0; a < n; a++) if (inUniverse[a] && !Number.isNaN(x[a]!)) buffer[m++] = x[a]!;
          if (m > 2) {
            const med = median(buffer.subarray(0, m));
            for (let i = 0; i < m; i++) buffer[i] = Math.abs(buffer[i]! - med);
            const mad = median(buffer.subarray(0, m));
            if (mad > 0) {
              lo = med - winsorize * MAD_TO_SIGMA * mad;
              hi = med + winsorize * MAD_TO_SIGMA * mad;
            }
          }
        }
        let sw = 0;
        let swx = 0;
        let count = 0;
        let sum = 0;
        for (let a = 0; a < n; a++) {
          if (!inUniverse[a] || Number.isNaN(x[a]!)) continue;
          const v = Math.min(hi, Math.max(lo, x[a]!));
          sw += cap[a]!;
          swx += cap[a]! * v;
          count++;
          sum += v;
        }
        if (count >= 2 && sw > 0) {
          mean = swx / sw;
          const plain = sum / count;
          let ss = 0;
          for (let a = 0; a < n; a++) {
            if (!inUniverse[a] || Number.isNaN(x[a]!)) continue;
            const d = Math.min(hi, Math.max(lo, x[a]!)) - plain;
            ss += d * d;
          }
          sd = Math.sqrt(ss / (count - 1));
        }
        if (!(sd > 0) || count < 2) {
          // No dispersion: the style carries no information today; its exposure is 0.
          for (let a = 0; a < n; a++) out[a * S + s] = 0;
          continue;
        }
      }
      for (let a = 0; a < n; a++) {
        const v = x[a]!;
        if (Number.isNaN(v)) {
          if (inUniverse[a]) filled++;
          out[a * S + s] = 0;
        } else {
          out[a * S + s] = (Math.min(hi, Math.max(lo, v)) - mean) / sd;
        }
      }
    }
    return { industry, styles: out, inUniverse, cap, filled };
  };

  const factorReturns = new Float64Array(T * K).fill(Number.NaN);
  const residuals = new Panel(T, n);
  const rSquared = new Float64Array(T).fill(Number.NaN);
  const sampleSize = new Int32Array(T);
  let regressed = 0;
  let tooFewAssets = 0;
  let droppedFactorDates = 0;
  let filledStyleValues = 0;

  const rows = new Int32Array(n);
  const v = new Float64Array(n);
  const industryCap = new Float64Array(M);
  const industryCount = new Int32Array(M);
  const column = new Int32Array(M);
  for (let t = startIdx; t <= endIdx; t++) {
    const x = exposuresAt(t - 1);
    filledStyleValues += x.filled;
    let m = 0;
    industryCap.fill(0);
    industryCount.fill(0);
    for (let a = 0; a < n; a++) {
      if (!x.inUniverse[a]) continue;
      const r = ret[a * T + t]!;
      if (!Number.isFinite(r)) continue;
      if (tradable && tradable[a * T + t] !== 1) continue;
      rows[m++] = a;
      const c = x.cap[a]!;
      v[a] = weights === 'equal' ? 1 : weights === 'cap' ? c : Math.sqrt(c);
      industryCap[x.industry[a]!]! += c;
      industryCount[x.industry[a]!]!++;
    }
    let ref = -1;
    let present = 0;
    for (let k = 0; k < M; k++) {
      if (industryCount[k]! > 0) {
        present++;
        if (ref < 0 || industryCap[k]! > industryCap[ref]!) ref = k;
      }
    }
    const p = present + S; // country + (present − 1) industries + S styles
    if (m < Math.max(minAssets, p + 2)) {
      tooFewAssets++;
      continue;
    }
    let col = 1;
    for (let k = 0; k < M; k++) column[k] = industryCount[k]! > 0 && k !== ref ? col++ : -1;
    const styleCol = col;
    const A = new Float64Array(p * p);
    const b = new Float64Array(p);
    const z = new Float64Array(p);
    const capRef = industryCap[ref]!;
    const fillRow = (a: number) => {
      z.fill(0);
      z[0] = 1;
      const k = x.industry[a]!;
      if (k === ref) {
        for (let j = 0; j < M; j++) if (column[j]! > 0) z[column[j]!] = -industryCap[j]! / capRef;
      } else {
        z[column[k]!] = 1;
      }
      for (let s = 0; s < S; s++) z[styleCol + s] = x.styles[a * S + s]!;
    };
    for (let i = 0; i < m; i++) {
      const a = rows[i]!;
      fillRow(a);
      const w = v[a]!;
      const r = ret[a * T + t]!;
      for (let j = 0; j < p; j++) {
        const wz = w * z[j]!;
        if (wz === 0) continue;
        b[j]! += wz * r;
        for (let l = j; l < p; l++) A[j * p + l]! += wz * z[l]!;
      }
    }
    for (let j = 0; j < p; j++) for (let l = 0; l < j; l++) A[j * p + l] = A[l * p + j]!;
    const { theta, dropped } = solveSpd(A, b, p);
    const f = factorReturns.subarray(t * K, (t + 1) * K);
    f[0] = theta[0]!;
    let refReturn = 0;
    for (let k = 0; k < M; k++) {
      if (column[k]! > 0) {
        f[1 + k] = theta[column[k]!]!;
        refReturn -= (industryCap[k]! / capRef) * theta[column[k]!]!;
      }
    }
    f[1 + ref] = refReturn;
    for (let s = 0; s < S; s++) f[1 + M + s] = dropped[styleCol + s] ? Number.NaN : theta[styleCol + s]!;
    for (let j = 0; j < p; j++) if (dropped[j]) droppedFactorDates++;
    // Residuals and weighted R² (centred on the weighted mean return).
    let sw = 0;
    let swr = 0;
    for (let i = 0; i < m; i++) {
      const a = rows[i]!;
      sw += v[a]!;
      swr += v[a]! * ret[a * T + t]!;
    }
    const rbar = swr / sw;
    let ssr = 0;
    let sst = 0;
    for (let i = 0; i < m; i++) {
      const a = rows[i]!;
      fillRow(a);
      let fit = 0;
      for (let j = 0; j < p; j++) fit += z[j]! * theta[j]!;
      const r = ret[a * T + t]!;
      const e = r - fit;
      residuals.values[a * T + t] = e;
      ssr += v[a]! * e * e;
      sst += v[a]! * (r - rbar) * (r - rbar);
    }
    rSquared[t] = sst > 0 ? 1 - ssr / sst : Number.NaN;
    sampleSize[t] = m;
    regressed++;
  }

  return {
    dates,
    assets,
    factors,
    factorKinds,
    factorReturns,
    residuals,
    rSquared,
    sampleSize,
    report: { regressed, skipped: { tooFewAssets }, droppedFactorDates, filledStyleValues },
    options: { weights, minAssets, winsorize, standardize, start: dates[startIdx] ?? '', end: dates[endIdx] ?? '' },
    panels,
    exposuresAt,
  };
}

function median(values: Float64Array): number {
  const sorted = values.slice().sort();
  const m = sorted.length;
  return m % 2 === 1 ? sorted[(m - 1) / 2]! : 0.5 * (sorted[m / 2 - 1]! + sorted[m / 2]!);
}

function checkPanels(panels: RiskPanels): void {
  const T = panels.dates.length;
  const n = panels.assets.length;
  if (T < 2) throw new FactorkitError('FK_INVALID_DATA', `estimateRiskModel: need at least 2 dates, got ${T}`);
  const check = (name: string, p: { dates: number; assets: number } | undefined) => {
    if (!p) return;
    if (p.dates !== T || p.assets !== n) {
      throw new FactorkitError('FK_INVALID_DATA', `estimateRiskModel: \`${name}\` is ${p.dates} dates × ${p.assets} assets, expected ${T} × ${n}`);
    }
  };
  check('returns', panels.returns);
  check('industry', panels.industry);
  check('marketCap', panels.marketCap);
  check('universe', panels.universe);
  check('tradable', panels.tradable);
  for (const [name, p] of Object.entries(panels.styles)) check(`styles.${name}`, p);
  if (panels.industry.codes.length !== T * n) {
    throw new FactorkitError('FK_INVALID_DATA', `estimateRiskModel: \`industry\` has ${panels.industry.codes.length} codes, expected ${T * n}`);
  }
}

/** Index of the first date ≥ `date`. */
export function ceilDate(dates: readonly DateString[], date: DateString, name: string): number {
  const at = lowerBound(dates, date);
  if (at >= dates.length) throw new FactorkitError('FK_INVALID_ARGUMENT', `${name}: ${show(date)} is after the last date ${dates[dates.length - 1]}`);
  return at;
}

/** Index of the last date ≤ `date`. */
export function floorDate(dates: readonly DateString[], date: DateString, name: string): number {
  const after = upperBound(dates, date);
  if (after === 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `${name}: ${show(date)} is before the first date ${dates[0]}`);
  return after - 1;
}
