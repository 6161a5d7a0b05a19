import { type DateString, type Issue, type ModelPlugin, type ModelSpec, Panel, ValidationError, checkModel, isDateString, lowerBound, show, upperBound } from '@factorkit/core';
import type { DateAssetValues, LabelTransform, WalkForwardFactor, WalkForwardInput, WalkForwardOptions } from './types.js';

/** Values over dates × assets read through strides: `values[t × tStride + a × aStride]`. */
export interface Grid {
  readonly values: Float64Array;
  readonly tStride: number;
  readonly aStride: number;
}

/** Input and options, checked and resolved. */
export interface Resolved {
  readonly T: number;
  readonly N: number;
  readonly factors: readonly string[];
  readonly exposures: readonly Grid[];
  readonly labels: Grid;
  readonly horizon: number;
  readonly retrainEvery: number;
  readonly window: number;
  readonly transform: LabelTransform;
  readonly minDates: number;
  readonly minAssets: number;
  readonly first: number;
  readonly last: number;
  readonly model: ModelPlugin | ModelSpec;
}

const LABEL_TRANSFORMS: readonly LabelTransform[] = ['rank-normal', 'zscore'];

const positiveInteger = (value: unknown, path: string, issues: Issue[], min = 1): value is number => {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return true;
  issues.push({ path, message: `expected an integer ≥ ${min}, got ${show(value)}` });
  return false;
};

function grid(value: DateAssetValues | undefined, T: number, N: number, path: string, issues: Issue[]): Grid | undefined {
  if (value instanceof Panel) {
    if (value.dates !== T || value.assets !== N) issues.push({ path, message: `expected a panel of ${T} dates × ${N} assets, got ${value.dates} × ${value.assets}` });
    return { values: value.values, tStride: 1, aStride: T };
  }
  if (value instanceof Float64Array) {
    if (value.length !== T * N) issues.push({ path, message: `expected ${T} dates × ${N} assets = ${T * N} date-major values, got ${value.length}` });
    return { values: value, tStride: N, aStride: 1 };
  }
  issues.push({ path, message: `expected a Panel or a date-major Float64Array, got ${show(value)}` });
  return undefined;
}

/** A date (snapped: `ceil` forward, `floor` back) or an index into `dates`; `undefined` when outside. */
function resolveIndex(value: DateString | number, dates: readonly DateString[], mode: 'ceil' | 'floor', path: string, issues: Issue[]): number | undefined {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value < dates.length) return value;
    issues.push({ path, message: `expected an index in 0..${dates.length - 1}, got ${show(value)}` });
    return undefined;
  }
  if (!isDateString(value)) {
    issues.push({ path, message: `expected a date (YYYY-MM-DD) or an index, got ${show(value)}` });
    return undefined;
  }
  const index = mode === 'ceil' ? lowerBound(dates, value) : upperBound(dates, value) - 1;
  if (index < 0 || index >= dates.length) {
    issues.push({ path, message: `${show(value)} is outside the dates (${dates[0] ?? '-'} .. ${dates[dates.length - 1] ?? '-'})` });
    return undefined;
  }
  return index;
}

/**
 * Check everything {@link walkForward} is given, all problems at once.
 * @throws ValidationError `FK_INVALID_PARAMS`
 */
export function resolveWalkForward(input: WalkForwardInput, options: WalkForwardOptions): Resolved {
  const issues: Issue[] = [];
  const { dates, assets } = input;
  const datesOk = Array.isArray(dates) && dates.length > 0 && dates.every((d, i) => isDateString(d) && (i === 0 || dates[i - 1]! < d));
  if (!datesOk) issues.push({ path: 'input.dates', message: 'expected a non-empty list of dates (YYYY-MM-DD), strictly ascending' });
  if (!Array.isArray(assets) || assets.length === 0) issues.push({ path: 'input.assets', message: `expected a non-empty list of assets, got ${show(assets)}` });
  const T = datesOk ? dates.length : 0;
  const N = Array.isArray(assets) ? assets.length : 0;
  const exposures: Grid[] = [];
  const names: string[] = [];
  if (!Array.isArray(input.factors) || input.factors.length === 0) {
    issues.push({ path: 'input.factors', message: `expected a non-empty list of { name, values }, got ${show(input.factors)}` });
  } else {
    (input.factors as readonly (WalkForwardFactor | undefined)[]).forEach((factor, i) => {
      const name = factor?.name;
      if (typeof name !== 'string' || name === '') issues.push({ path: `input.factors[${i}].name`, message: `expected a non-empty name, got ${show(name)}` });
      else if (names.includes(name)) issues.push({ path: `input.factors[${i}].name`, message: `factor \`${name}\` is listed twice` });
      names.push(String(name));
      const g = grid(factor?.values, T, N, `input.factors[${i}].values`, issues);
      if (g) exposures.push(g);
    });
  }
  const labels = grid(input.labels, T, N, 'input.labels', issues);
  const horizonOk = positiveInteger(input.horizon, 'input.horizon', issues);
  if (input.members !== undefined && typeof input.members !== 'function') issues.push({ path: 'input.members', message: `expected a function of the date index, got ${show(input.members)}` });
  const model = options.model as unknown;
  const plugin = typeof model === 'object' && model !== null && 'plugin' in model ? (model as ModelSpec).plugin : model;
  for (const issue of checkModel(plugin)) issues.push({ path: `options.model${issue.path ? `.${issue.path}` : ''}`, message: issue.message });
  positiveInteger(options.retrainEvery, 'options.retrainEvery', issues);
  const windowOk = positiveInteger(options.window, 'options.window', issues);
  const transform = options.labelTransform ?? 'rank-normal';
  if (!LABEL_TRANSFORMS.includes(transform)) issues.push({ path: 'options.labelTransform', message: `expected \`rank-normal\` or \`zscore\`, got ${show(transform)}` });
  const minDates = options.minDates ?? (windowOk ? options.window : 1);
  if (positiveInteger(minDates, 'options.minDates', issues) && windowOk && minDates > options.window) {
    issues.push({ path: 'options.minDates', message: `expected at most the window (${options.window}), got ${show(minDates)}` });
  }
  const minAssets = options.minAssets ?? 10;
  positiveInteger(minAssets, 'options.minAssets', issues, 2);
  let first: number | undefined;
  let last: number | undefined;
  if (datesOk) {
    last = options.end === undefined ? T - 1 : resolveIndex(options.end, dates, 'floor', 'options.end', issues);
    if (options.start !== undefined) first = resolveIndex(options.start, dates, 'ceil', 'options.start', issues);
    else if (horizonOk && Number.isInteger(minDates)) {
      first = input.horizon + minDates - 1;
      if (first >= T) {
        issues.push({
          path: 'input.dates',
          message: `${T} dates are too few: with horizon ${input.horizon} and ${minDates} label dates needed (options.minDates), the first prediction date would be index ${first}`,
        });
      }
    }
    if (first !== undefined && last !== undefined && first > last && first < T) {
      issues.push({ path: 'options.start', message: `the first prediction date ${dates[first]!} is after the last ${dates[last]!} (options.end)` });
    }
  }
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PARAMS', 'walkForward: invalid input or options', issues);
  return {
    T,
    N,
    factors: names,
    exposures,
    labels: labels!,
    horizon: input.horizon,
    retrainEvery: options.retrainEvery,
    window: options.window,
    transform,
    minDates,
    minAssets,
    first: first!,
    last: last!,
    model: options.model as ModelPlugin | ModelSpec,
  };
}
