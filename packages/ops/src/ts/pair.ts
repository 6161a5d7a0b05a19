import { checkDdof, checkMinObs, checkWindow, prepare2 } from '../internal/check.js';
import { MIN_RECOMPUTE, type RollingOptions, type VarianceOptions } from './options.js';

const COV = 0;
const CORR = 1;
const SLOPE = 2;
const RESIDUAL = 3;
const RESIDUAL_STD = 4;

/**
 * Shared O(n) engine for two-series windows. An observation is a date where both series are
 * finite (pairwise complete). Shifted running sums of x, y, x², y², xy are recomputed from the
 * window every `max(window, 128)` steps; runs of equal x (and y) values make a constant window's
 * variance exactly 0 rather than rounding noise.
 */
function pairMoments(op: string, kind: number, x: Float64Array, y: Float64Array, window: number, minObs: number, ddof: number, out: Float64Array | undefined): Float64Array {
  const w = checkWindow(op, window);
  const [xs, ys, dst] = prepare2(op, x, y, out);
  const n = xs.length;
  let cnt = 0;
  let cx = 0;
  let cy = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let runX = Number.NaN;
  let runXLength = 0;
  let runY = Number.NaN;
  let runYLength = 0;
  const every = Math.max(w, MIN_RECOMPUTE);
  let untilRecompute = every;
  for (let t = 0; t < n; t++) {
    if (t >= w) {
      const u = xs[t - w]!;
      const v = ys[t - w]!;
      if (u - u === 0 && v - v === 0) {
        const du = u - cx;
        const dv = v - cy;
        sx -= du;
        sy -= dv;
        sxx -= du * du;
        syy -= dv * dv;
        sxy -= du * dv;
        if (--cnt === 0) {
          sx = sy = sxx = syy = sxy = 0;
        }
      }
    }
    const u = xs[t]!;
    const v = ys[t]!;
    if (u - u === 0 && v - v === 0) {
      if (cnt === 0) {
        cx = u;
        cy = v;
      }
      const du = u - cx;
      const dv = v - cy;
      sx += du;
      sy += dv;
      sxx += du * du;
      syy += dv * dv;
      sxy += du * dv;
      cnt++;
      if (u === runX) runXLength++;
      else {
        runX = u;
        runXLength = 1;
      }
      if (v === runY) runYLength++;
      else {
        runY = v;
        runYLength = 1;
      }
    }
    if (--untilRecompute === 0) {
      untilRecompute = every;
      if (cnt > 0) {
        let mx = 0;
        let my = 0;
        for (let i = t - w + 1; i <= t; i++) {
          const a = xs[i]!;
          const b = ys[i]!;
          if (a - a === 0 && b - b === 0) {
            mx += a;
            my += b;
          }
        }
        cx = mx / cnt;
        cy = my / cnt;
        sx = sy = sxx = syy = sxy = 0;
        for (let i = t - w + 1; i <= t; i++) {
          const a = xs[i]!;
          const b = ys[i]!;
          if (a - a === 0 && b - b === 0) {
            const da = a - cx;
            const db = b - cy;
            sx += da;
            sy += db;
            sxx += da * da;
            syy += db * db;
            sxy += da * db;
          }
        }
      }
    }
    if (cnt < minObs || cnt <= ddof) {
      dst[t] = Number.NaN;
      continue;
    }
    // Centred sums of squares and cross-products of the window.
    let qxx = runXLength >= cnt ? 0 : sxx - (sx * sx) / cnt;
    let qyy = runYLength >= cnt ? 0 : syy - (sy * sy) / cnt;
    const qxy = runXLength >= cnt || runYLength >= cnt ? 0 : sxy - (sx * sy) / cnt;
    if (qxx < 0) qxx = 0;
    if (qyy < 0) qyy = 0;
    if (kind === COV) {
      dst[t] = qxy / (cnt - ddof);
    } else if (kind === CORR) {
      if (qxx <= 0 || qyy <= 0) dst[t] = Number.NaN;
      else {
        const r = qxy / Math.sqrt(qxx * qyy);
        dst[t] = r > 1 ? 1 : r < -1 ? -1 : r;
      }
    } else if (qxx <= 0) {
      dst[t] = Number.NaN;
    } else {
      const beta = qxy / qxx;
      if (kind === SLOPE) dst[t] = beta;
      else if (kind === RESIDUAL) {
        // The latest date's residual; it must itself be an observation.
        dst[t] = u - u === 0 && v - v === 0 ? v - cy - sy / cnt - beta * (u - cx - sx / cnt) : Number.NaN;
      } else {
        let ssr = qyy - beta * qxy;
        if (ssr < 0) ssr = 0;
        dst[t] = Math.sqrt(ssr / (cnt - ddof));
      }
    }
  }
  return dst;
}

/**
 * Rolling covariance of `x` and `y` over the dates in the window where both are present:
 * `Σ (x − x̄)(y − ȳ) / (count − ddof)`, `ddof` = 1 by default. `NaN` when fewer than `minObs`
 * pairs or `count ≤ ddof`. O(n).
 */
export function rollingCov(x: Float64Array, y: Float64Array, window: number, options: VarianceOptions = {}, out?: Float64Array): Float64Array {
  const w = checkWindow('rollingCov', window);
  return pairMoments('rollingCov', COV, x, y, w, checkMinObs('rollingCov', options.minObs, w), checkDdof('rollingCov', options.ddof, 1), out);
}

/**
 * Rolling Pearson correlation over the dates where both are present, clamped to `[−1, 1]`.
 * `NaN` when fewer than `max(minObs, 2)` pairs, or when either series is constant in the
 * window. O(n).
 */
export function rollingCorr(x: Float64Array, y: Float64Array, window: number, options: RollingOptions = {}, out?: Float64Array): Float64Array {
  const w = checkWindow('rollingCorr', window);
  return pairMoments('rollingCorr', CORR, x, y, w, checkMinObs('rollingCorr', options.minObs, w), 1, out);
}

/**
 * Rolling OLS slope of `y` on `x` with an intercept (note the order: the regressand first),
 * over the dates where both are present: `β = Σ (x − x̄)(y − ȳ) / Σ (x − x̄)²`. A stock's beta
 * to the market is `rollingSlope(stockRet, marketRet, 250)`. `NaN` when fewer than
 * `max(minObs, 2)` pairs or `x` is constant in the window. O(n).
 */
export function rollingSlope(y: Float64Array, x: Float64Array, window: number, options: RollingOptions = {}, out?: Float64Array): Float64Array {
  const w = checkWindow('rollingSlope', window);
  return pairMoments('rollingSlope', SLOPE, x, y, w, checkMinObs('rollingSlope', options.minObs, w), 1, out);
}

/**
 * The latest residual of the rolling regression of `y` on `x` (with intercept):
 * `y[t] − α − β x[t]` with `α`, `β` fitted on the window ending at `t` (which includes `t`).
 * `NaN` when `x[t]` or `y[t]` is missing, or as for {@link rollingSlope}. O(n).
 */
export function rollingResidual(y: Float64Array, x: Float64Array, window: number, options: RollingOptions = {}, out?: Float64Array): Float64Array {
  const w = checkWindow('rollingResidual', window);
  return pairMoments('rollingResidual', RESIDUAL, x, y, w, checkMinObs('rollingResidual', options.minObs, w), 1, out);
}

/**
 * The standard deviation of the residuals of the rolling regression of `y` on `x` (with
 * intercept), `sqrt(SSR / (count − ddof))` with `ddof` = 2 by default (two fitted
 * parameters; pass 1 for the plain sample std of the residuals). The idiosyncratic volatility
 * of a stock against the market is `rollingResidualStd(stockRet, marketRet, 60)`. `NaN` when
 * fewer than `max(minObs, ddof + 1)` pairs or `x` is constant in the window. O(n).
 */
export function rollingResidualStd(y: Float64Array, x: Float64Array, window: number, options: VarianceOptions = {}, out?: Float64Array): Float64Array {
  const w = checkWindow('rollingResidualStd', window);
  return pairMoments(
    'rollingResidualStd',
    RESIDUAL_STD,
    x,
    y,
    w,
    checkMinObs('rollingResidualStd', options.minObs, w),
    checkDdof('rollingResidualStd', options.ddof, 2),
    out,
  );
}
