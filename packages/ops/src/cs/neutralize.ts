import { type CategoricalPanel, FactorkitError, Panel } from '@factorkit/core';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { checkSameShape } from '../internal/check.js';
import { applyMask, forEachRow, maskRow } from '../internal/rows.js';
import type { CsOptions } from './basic.js';
import { checkCodes } from './group.js';
import { type NeutralizeDropReason, type NeutralizeReport, StageCounter } from './report.js';

/**
 * A regressor whose within-industry variation has a norm below this fraction of its raw norm
 * is treated as constant: that is far below any real variation and far above rounding noise
 * (≈ 1e-16).
 */
const CONSTANT_TOLERANCE = 1e-10;
/** A regressor is dropped as collinear when its R² on the ones kept before it exceeds 1 − this. */
const COLLINEAR_TOLERANCE = 1e-10;

export const NEUTRALIZE_REASONS: readonly NeutralizeDropReason[] = ['noIndustry', 'noSize', 'noExtra', 'tooFewObservations'];

/**
 * Per-date least squares of `y` on industry dummies plus continuous regressors, by
 * Frisch–Waugh–Lovell: demean `y` and every regressor within industries, then regress the
 * demeaned `y` on the demeaned regressors (a p × p system, p = number of continuous
 * regressors). The residuals equal those of the full regression on the n × (G + p) design,
 * without ever building it. Without industries the single "group" is the intercept.
 */
export class Neutralizer {
  private readonly groups: number;
  private readonly p: number;
  private readonly index: Int32Array;
  private readonly group: Int32Array;
  private readonly count: Int32Array;
  private readonly sums: Float64Array;
  private readonly yt: Float64Array;
  private readonly xt: Float64Array;
  private readonly raw: Float64Array;
  private readonly beta: Float64Array;
  private readonly kept: Uint8Array;
  readonly names: readonly string[];
  readonly counter: StageCounter<NeutralizeDropReason>;
  singletons = 0;
  tooFewObservationsDates = 0;
  readonly droppedRegressorDates: Record<string, number>;

  constructor(assets: number, dates: number, groups: number, regressors: readonly string[], perDate: boolean) {
    this.groups = Math.max(1, groups);
    this.p = regressors.length;
    this.names = regressors;
    this.index = new Int32Array(assets);
    this.group = new Int32Array(assets);
    this.count = new Int32Array(this.groups);
    this.sums = new Float64Array(this.groups * (this.p + 1));
    this.yt = new Float64Array(assets);
    this.xt = new Float64Array(assets * this.p);
    this.raw = new Float64Array(this.p);
    this.beta = new Float64Array(this.p);
    this.kept = new Uint8Array(this.p);
    this.counter = new StageCounter(NEUTRALIZE_REASONS, dates, perDate);
    this.droppedRegressorDates = Object.fromEntries(regressors.map((r) => [r, 0]));
  }

  /**
   * Replace the finite values of `y` (a masked row) by their residuals, in place. `codes` is
   * the industry row (or undefined: intercept only); `x[j]` the rows of the continuous regressors.
   */
  row(t: number, y: Float64Array, codes: Int32Array | undefined, x: readonly Float64Array[], sizeIsFirst: boolean): void {
    const { p, index, group, count, sums, yt, xt, raw, beta, kept, counter } = this;
    const G = this.groups;
    const stride = p + 1;
    let input = 0;
    let dropped = 0;
    let n = 0;
    // 1. The sample: finite y with an industry and every regressor present.
    for (let a = 0; a < y.length; a++) {
      const v = y[a]!;
      if (v !== v) continue;
      input++;
      const g = codes ? codes[a]! : 0;
      let reason: NeutralizeDropReason | undefined;
      if (g < 0) reason = 'noIndustry';
      else {
        for (let j = 0; j < p; j++) {
          const xv = x[j]![a]!;
          if (xv - xv !== 0) {
            reason = j === 0 && sizeIsFirst ? 'noSize' : 'noExtra';
            break;
          }
        }
      }
      if (reason) {
        counter.drop(reason);
        dropped++;
        y[a] = Number.NaN;
        continue;
      }
      index[n] = a;
      group[n] = g;
      n++;
    }
    // 2. Group means of y and of each regressor.
    count.fill(0);
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      const a = index[i]!;
      const g = group[i]!;
      count[g]!++;
      const base = g * stride;
      sums[base]! += y[a]!;
      for (let j = 0; j < p; j++) sums[base + 1 + j]! += x[j]![a]!;
    }
    let used = 0;
    let singles = 0;
    for (let g = 0; g < G; g++) {
      const c = count[g]!;
      if (c === 0) continue;
      used++;
      if (c === 1) singles++;
      for (let j = 0; j <= p; j++) sums[g * stride + j]! /= c;
    }
    // 3. Demean within groups; remember each regressor's raw sum of squares for the tolerance.
    raw.fill(0);
    for (let i = 0; i < n; i++) {
      const a = index[i]!;
      const base = group[i]! * stride;
      yt[i] = y[a]! - sums[base]!;
      for (let j = 0; j < p; j++) {
        const xv = x[j]![a]!;
        raw[j]! += xv * xv;
        xt[j * n + i] = xv - sums[base + 1 + j]!;
      }
    }
    // 4. Normal equations of the demeaned problem, and which regressors can be kept.
    const rank = p > 0 && n > used ? this.solve(n) : 0;
    if (n - used - rank <= 0) {
      if (n > 0) {
        for (let i = 0; i < n; i++) y[index[i]!] = Number.NaN;
        counter.drop('tooFewObservations', n);
        dropped += n;
        this.tooFewObservationsDates++;
      }
      counter.add(t, input, 0, dropped);
      return;
    }
    // 5. Residuals.
    for (let i = 0; i < n; i++) {
      let e = yt[i]!;
      for (let j = 0; j < p; j++) if (kept[j]) e -= beta[j]! * xt[j * n + i]!;
      y[index[i]!] = e;
    }
    this.singletons += singles;
    counter.add(t, input, n, dropped);
  }

  /** Solve for `beta` on the demeaned data of `n` observations; returns the number of regressors kept. */
  private solve(n: number): number {
    const { p, yt, xt, raw, beta, kept } = this;
    const a = new Float64Array(p * p);
    const b = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      const xj = j * n;
      let bj = 0;
      for (let i = 0; i < n; i++) bj += xt[xj + i]! * yt[i]!;
      b[j] = bj;
      for (let k = 0; k <= j; k++) {
        const xk = k * n;
        let s = 0;
        for (let i = 0; i < n; i++) s += xt[xj + i]! * xt[xk + i]!;
        a[j * p + k] = s;
        a[k * p + j] = s;
      }
    }
    // Scale to unit diagonal (a correlation matrix) so the tolerances are scale-free; a
    // regressor with no within-industry variation is dropped first.
    const scale = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      const d = a[j * p + j]!;
      kept[j] = d > CONSTANT_TOLERANCE * CONSTANT_TOLERANCE * raw[j]! && d > 0 ? 1 : 0;
      scale[j] = kept[j] ? 1 / Math.sqrt(d) : 0;
    }
    // Greedy pivoted Cholesky in column order: keep a regressor only if it is not (nearly)
    // a combination of those kept before it. Later regressors are the ones dropped.
    const l = new Float64Array(p * p);
    for (let j = 0; j < p; j++) {
      if (!kept[j]) continue;
      let d = 1;
      for (let k = 0; k < j; k++) {
        if (!kept[k]) continue;
        let s = a[j * p + k]! * scale[j]! * scale[k]!;
        for (let m = 0; m < k; m++) if (kept[m]) s -= l[j * p + m]! * l[k * p + m]!;
        const ljk = s / l[k * p + k]!;
        l[j * p + k] = ljk;
        d -= ljk * ljk;
      }
      if (d <= COLLINEAR_TOLERANCE) kept[j] = 0;
      else l[j * p + j] = Math.sqrt(d);
    }
    const idx: number[] = [];
    for (let j = 0; j < p; j++) {
      beta[j] = 0;
      if (kept[j]) idx.push(j);
      else this.droppedRegressorDates[this.names[j]!]!++;
    }
    if (idx.length === 1) {
      const j = idx[0]!;
      beta[j] = b[j]! / a[j * p + j]!;
    } else if (idx.length > 1) {
      // The kept system is positive definite: solve it with ml-matrix's Cholesky.
      const c = new Matrix(idx.length, idx.length);
      const rhs = new Matrix(idx.length, 1);
      idx.forEach((j, r) => {
        rhs.set(r, 0, b[j]! * scale[j]!);
        for (let s = 0; s <= r; s++) {
          const k = idx[s]!;
          const v = a[j * p + k]! * scale[j]! * scale[k]!;
          c.set(r, s, v);
          c.set(s, r, v);
        }
      });
      const solution = new CholeskyDecomposition(c).solve(rhs);
      idx.forEach((j, r) => (beta[j] = solution.get(r, 0) * scale[j]!));
    }
    return idx.length;
  }

  report(): NeutralizeReport {
    return {
      ...this.counter.base('neutralize'),
      regressors: [],
      singletons: this.singletons,
      droppedRegressorDates: { ...this.droppedRegressorDates },
      tooFewObservationsDates: this.tooFewObservationsDates,
    };
  }
}

/** Options of {@link neutralize}. */
export interface NeutralizeOptions extends CsOptions {
  /** Industry classification: one dummy per industry (no separate intercept needed). */
  readonly industry?: CategoricalPanel;
  /**
   * The size regressor, used linearly as given: pass the log of market cap
   * (`logSize(marketCap)`), not the cap itself.
   */
  readonly size?: Panel;
  /** More continuous regressors (other style factors), used as given. */
  readonly extra?: readonly Panel[];
  /** Also report counts per date. */
  readonly perDate?: boolean;
}

/**
 * Neutralise per date: the residuals of the least-squares regression, over the eligible
 * assets, of `y` on industry dummies (when `industry` is given, else an intercept) plus `size`
 * and `extra` regressors. Computed by Frisch–Waugh–Lovell (demean within industries, then a
 * p × p solve), which is exact and avoids the n × (industries + p) dummy matrix.
 *
 * Missing data and degenerate cases, all counted in the report:
 * - an eligible value with no industry, or with a missing regressor, becomes `NaN`;
 * - an asset alone in its industry on a date gets residual exactly 0 (its dummy fits it);
 * - a regressor with no variation within industries, or collinear with the regressors
 *   before it (`size` first, then `extra` in order), is left out for that date;
 * - a date with no more observations than fitted parameters comes out all `NaN`.
 */
export function neutralize(y: Panel, options: NeutralizeOptions): { values: Panel; report: NeutralizeReport } {
  const { industry, size } = options;
  const extra = options.extra ?? [];
  if (industry) {
    checkSameShape('neutralize', 'industry', y, industry);
    checkCodes('neutralize', industry);
  }
  if (size) checkSameShape('neutralize', 'size', y, size);
  extra.forEach((e, i) => checkSameShape('neutralize', `extra[${i}]`, y, e));
  if (!industry && !size && extra.length === 0) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', 'neutralize: give at least one of `industry`, `size` and `extra`');
  }
  const regressors = [...(size ? ['size'] : []), ...extra.map((_, i) => `extra[${i}]`)];
  const solver = new Neutralizer(y.assets, y.dates, industry ? industry.levels.length : 1, regressors, options.perDate === true);
  const numeric = [y.values, ...(size ? [size.values] : []), ...extra.map((e) => e.values)];
  const [values] = forEachRow({ dates: y.dates, assets: y.assets, numeric, codes: [industry?.codes], outputs: 1 }, (t, rows, codes, outs) => {
    const row = rows[0]!;
    applyMask(row, maskRow('neutralize', options.mask, t, y.assets));
    solver.row(t, row, codes[0], rows.slice(1) as Float64Array[], size !== undefined);
    outs[0]!.set(row);
  });
  return {
    values: new Panel(y.dates, y.assets, values),
    report: { ...solver.report(), regressors: [...(industry ? ['industry'] : []), ...regressors] },
  };
}
