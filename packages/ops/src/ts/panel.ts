import { FactorkitError, Panel } from '@factorkit/core';
import { ewma, type EwmaOptions } from './ewma.js';
import { rollingMax, rollingMin } from './extrema.js';
import { rollingMean, rollingStd, rollingSum, rollingVar } from './moments.js';
import type { RollingOptions, VarianceOptions } from './options.js';
import { rollingCorr, rollingCov, rollingResidual, rollingResidualStd, rollingSlope } from './pair.js';
import { rollingCompound, rollingProduct } from './product.js';
import { rollingRank, type RollingRankOptions } from './rank.js';
import { delay, delta, pctChange } from './shift.js';

/**
 * A new panel whose column `a` is `fn(panel.column(a), out.column(a), a)`: a series operator
 * applied to every asset, writing straight into the output's columns (no copies).
 */
export function mapColumns(panel: Panel, fn: (x: Float64Array, out: Float64Array, asset: number) => void): Panel {
  // Every series op writes every output, so skip the NaN fill of a fresh panel.
  const out = new Panel(panel.dates, panel.assets, new Float64Array(panel.dates * panel.assets));
  for (let a = 0; a < panel.assets; a++) fn(panel.column(a), out.column(a), a);
  return out;
}

/**
 * {@link mapColumns} for two inputs. Either may be a single series (a `Float64Array` of one
 * value per date, e.g. the market return), which is paired with every column of the other.
 */
export function mapColumns2(
  x: Panel | Float64Array,
  y: Panel | Float64Array,
  fn: (x: Float64Array, y: Float64Array, out: Float64Array, asset: number) => void,
): Panel {
  const shape = x instanceof Panel ? x : y instanceof Panel ? y : undefined;
  if (!shape) throw new FactorkitError('FK_INVALID_ARGUMENT', 'mapColumns2: at least one input must be a Panel');
  for (const [name, input] of [
    ['x', x],
    ['y', y],
  ] as const) {
    if (input instanceof Panel) {
      if (input.dates !== shape.dates || input.assets !== shape.assets) {
        throw new FactorkitError('FK_INVALID_DATA', `mapColumns2: the panels differ in shape: ${shape.dates} × ${shape.assets} and ${input.dates} × ${input.assets}`);
      }
    } else if (!(input instanceof Float64Array) || input.length !== shape.dates) {
      throw new FactorkitError('FK_INVALID_DATA', `mapColumns2: \`${name}\` must be a Panel or a Float64Array of ${shape.dates} values (one per date)`);
    }
  }
  const out = new Panel(shape.dates, shape.assets, new Float64Array(shape.dates * shape.assets));
  for (let a = 0; a < shape.assets; a++) {
    fn(x instanceof Panel ? x.column(a) : x, y instanceof Panel ? y.column(a) : y, out.column(a), a);
  }
  return out;
}

/**
 * The time-series operators applied to every column of a {@link Panel} (one asset's history
 * each), with the semantics of the series functions of the same name. Each returns a new panel.
 */
export const tsPanel = Object.freeze({
  /** {@link delay} per asset. */
  delay: (x: Panel, k: number): Panel => mapColumns(x, (s, o) => delay(s, k, o)),
  /** {@link delta} per asset. */
  delta: (x: Panel, k: number): Panel => mapColumns(x, (s, o) => delta(s, k, o)),
  /** {@link pctChange} per asset. */
  pctChange: (x: Panel, k: number): Panel => mapColumns(x, (s, o) => pctChange(s, k, o)),
  /** {@link rollingSum} per asset. */
  rollingSum: (x: Panel, window: number, options: RollingOptions = {}): Panel => mapColumns(x, (s, o) => rollingSum(s, window, options, o)),
  /** {@link rollingMean} per asset. */
  rollingMean: (x: Panel, window: number, options: RollingOptions = {}): Panel => mapColumns(x, (s, o) => rollingMean(s, window, options, o)),
  /** {@link rollingVar} per asset. */
  rollingVar: (x: Panel, window: number, options: VarianceOptions = {}): Panel => mapColumns(x, (s, o) => rollingVar(s, window, options, o)),
  /** {@link rollingStd} per asset. */
  rollingStd: (x: Panel, window: number, options: VarianceOptions = {}): Panel => mapColumns(x, (s, o) => rollingStd(s, window, options, o)),
  /** {@link rollingMin} per asset. */
  rollingMin: (x: Panel, window: number, options: RollingOptions = {}): Panel => mapColumns(x, (s, o) => rollingMin(s, window, options, o)),
  /** {@link rollingMax} per asset. */
  rollingMax: (x: Panel, window: number, options: RollingOptions = {}): Panel => mapColumns(x, (s, o) => rollingMax(s, window, options, o)),
  /** {@link rollingRank} per asset. */
  rollingRank: (x: Panel, window: number, options: RollingRankOptions = {}): Panel => mapColumns(x, (s, o) => rollingRank(s, window, options, o)),
  /** {@link rollingProduct} per asset. */
  rollingProduct: (x: Panel, window: number, options: RollingOptions = {}): Panel => mapColumns(x, (s, o) => rollingProduct(s, window, options, o)),
  /** {@link rollingCompound} per asset. */
  rollingCompound: (ret: Panel, window: number, options: RollingOptions = {}): Panel => mapColumns(ret, (s, o) => rollingCompound(s, window, options, o)),
  /** {@link ewma} per asset. */
  ewma: (x: Panel, options: EwmaOptions): Panel => mapColumns(x, (s, o) => ewma(s, options, o)),
  /** {@link rollingCov} per asset; either input may be one series for all assets. */
  rollingCov: (x: Panel | Float64Array, y: Panel | Float64Array, window: number, options: VarianceOptions = {}): Panel =>
    mapColumns2(x, y, (a, b, o) => rollingCov(a, b, window, options, o)),
  /** {@link rollingCorr} per asset; either input may be one series for all assets. */
  rollingCorr: (x: Panel | Float64Array, y: Panel | Float64Array, window: number, options: RollingOptions = {}): Panel =>
    mapColumns2(x, y, (a, b, o) => rollingCorr(a, b, window, options, o)),
  /** {@link rollingSlope} of `y` on `x` per asset; `x` is typically the market return series. */
  rollingSlope: (y: Panel | Float64Array, x: Panel | Float64Array, window: number, options: RollingOptions = {}): Panel =>
    mapColumns2(y, x, (b, a, o) => rollingSlope(b, a, window, options, o)),
  /** {@link rollingResidual} of `y` on `x` per asset. */
  rollingResidual: (y: Panel | Float64Array, x: Panel | Float64Array, window: number, options: RollingOptions = {}): Panel =>
    mapColumns2(y, x, (b, a, o) => rollingResidual(b, a, window, options, o)),
  /** {@link rollingResidualStd} of `y` on `x` per asset. */
  rollingResidualStd: (y: Panel | Float64Array, x: Panel | Float64Array, window: number, options: VarianceOptions = {}): Panel =>
    mapColumns2(y, x, (b, a, o) => rollingResidualStd(b, a, window, options, o)),
});
