import { type CategoricalPanel, type Issue, Panel, type ParamsOf, ValidationError, checkParams, param, show } from '@factorkit/core';
import { RobustState, winsorizeRow, zscoreRow } from './cs/kernels.js';
import { checkCodes } from './cs/group.js';
import type { Mask } from './cs/mask.js';
import { Neutralizer } from './cs/neutralize.js';
import {
  type FillReport,
  type FillSkipReason,
  type NeutralizeReport,
  StageCounter,
  type StandardizeDropReason,
  type StandardizeReport,
  type WinsorizeReport,
} from './cs/report.js';
import { checkSameShape } from './internal/check.js';
import { applyMask, forEachRow, maskRow } from './internal/rows.js';
import { medianOf } from './internal/select.js';

/** How to winsorise: by the median absolute deviation or by the standard deviation. */
export type WinsorizeMethod = 'mad' | 'sigma';
/** What to neutralise against: industry dummies, log market cap, or both. */
export type NeutralizeMode = 'industry' | 'size' | 'both';
/** How to fill eligible values still missing after standardising. */
export type FillMethod = 'none' | 'industry-median' | 'zero';

/**
 * A preprocessing pipeline. Stages run in the fixed order winsorise → neutralise →
 * standardise → fill; a stage that is omitted or `false` is skipped.
 */
export interface PreprocessConfig {
  /** Clip outliers per date to `centre ± k · scale` (see `winsorizeMad`, `winsorizeSigma`). */
  readonly winsorize?: { readonly method: WinsorizeMethod; readonly k: number } | false;
  /** Replace values by the residuals of a per-date regression (see `neutralize`). */
  readonly neutralize?: NeutralizeMode | false;
  /** Per-date z-score: equal-weighted std, plain or cap-weighted mean (see `zscore`). */
  readonly standardize?: { readonly weights?: 'equal' | 'cap' } | false;
  /** Fill eligible values still missing at the end. Default `'none'`. */
  readonly fill?: FillMethod;
}

/**
 * The pipeline as a flat `param` schema, for factor plugins and the CLI: validate user input
 * with `checkParams` / `parseParams` from `@factorkit/core` (every problem at once) or with
 * {@link parsePreprocessConfig}. Its defaults are the usual A-share pipeline: MAD ×5 →
 * industry + size → equal-weighted z-score → no fill. `'none'` turns a stage off.
 *
 * @example
 * // in a factor plugin's params:
 * params: { window: param.integer({ default: 20 }), preprocess: param.object(preprocessParams) }
 * // in compute:
 * preprocess(raw, ctx.params.preprocess, { industry, marketCap });
 */
export const preprocessParams = {
  winsorize: param.enum(['mad', 'sigma', 'none'], {
    default: 'mad',
    description: 'Outlier clipping per date: `mad` (median ± k·1.4826·MAD), `sigma` (mean ± k·σ) or `none`.',
  }),
  winsorizeK: param.number({
    default: 5,
    min: 0,
    exclusiveMin: true,
    max: 100,
    description: 'Half-width of the winsorising band in (robust) standard deviations; 5 is usual for `mad`, 3 for `sigma`.',
  }),
  neutralize: param.enum(['both', 'industry', 'size', 'none'], {
    default: 'both',
    description: 'Regress out, per date: industry dummies, log market cap, `both`, or `none`.',
  }),
  standardize: param.enum(['equal', 'cap', 'none'], {
    default: 'equal',
    description: 'Per-date z-score around the `equal`-weighted or `cap`-weighted mean (std always equal-weighted), or `none`.',
  }),
  fill: param.enum(['none', 'industry-median', 'zero'], {
    default: 'none',
    description: 'Fill eligible values still missing after standardising: `industry-median`, `zero` (the mean), or `none`.',
  }),
} as const;

/** The validated value of {@link preprocessParams}. */
export type PreprocessParams = ParamsOf<typeof preprocessParams>;

/** The {@link PreprocessConfig} a validated {@link PreprocessParams} stands for. */
export function toPreprocessConfig(params: PreprocessParams): PreprocessConfig {
  return {
    winsorize: params.winsorize === 'none' ? false : { method: params.winsorize, k: params.winsorizeK },
    neutralize: params.neutralize === 'none' ? false : params.neutralize,
    standardize: params.standardize === 'none' ? false : { weights: params.standardize },
    fill: params.fill,
  };
}

/**
 * Validate user input (the flat {@link preprocessParams} form; missing keys take their
 * defaults) and return the pipeline it describes. Throws a `ValidationError` (code
 * `FK_INVALID_PARAMS`) listing every problem with its dot-path.
 */
export function parsePreprocessConfig(input: unknown, path = 'preprocess'): PreprocessConfig {
  const result = checkParams(preprocessParams, input, path);
  if (!result.ok) throw new ValidationError('FK_INVALID_PARAMS', 'invalid preprocessing config', result.issues);
  return toPreprocessConfig(result.value);
}

/** Data the pipeline may need besides the values; every panel has the values' shape. */
export interface PreprocessContext {
  /** Eligible assets per date (a universe's `members`); all assets when omitted. */
  readonly mask?: Mask;
  /** Industry classification: needed to neutralise on industry and for `industry-median` fill. */
  readonly industry?: CategoricalPanel;
  /**
   * Market capitalisation (raw, e.g. CNY; the pipeline takes its log for the size regressor,
   * and uses it as is for cap weights): needed for `size` / `both` and for cap weights.
   */
  readonly marketCap?: Panel;
}

/** Options of {@link preprocess}. */
export interface PreprocessOptions {
  /** Also report counts per date (`Int32Array`s, one entry per date). */
  readonly perDate?: boolean;
}

/** Everything {@link preprocess} did, stage by stage. Counts are of (date, asset) cells. */
export interface PreprocessReport {
  readonly dates: number;
  readonly assets: number;
  /** Cells inside the mask. */
  readonly eligible: number;
  /** Finite input values outside the mask: set to `NaN` before any stage. */
  readonly outsideMask: number;
  /** Eligible cells whose input was missing (`NaN` or infinite). */
  readonly missingInput: number;
  /** The stages that ran, in order. */
  readonly stages: readonly (WinsorizeReport | NeutralizeReport | StandardizeReport | FillReport)[];
  /** Eligible cells with a finite value at the end. */
  readonly valid: number;
  /** Eligible cells still missing at the end. */
  readonly missingOutput: number;
  /** Per-date counts, when asked for. */
  readonly perDate?: {
    readonly eligible: Int32Array;
    readonly missingInput: Int32Array;
    readonly valid: Int32Array;
  };
}

interface NormalizedConfig {
  readonly winsorize: { readonly method: WinsorizeMethod; readonly k: number } | false;
  readonly neutralize: NeutralizeMode | false;
  readonly standardize: 'equal' | 'cap' | false;
  readonly fill: FillMethod;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Problems with a pipeline config, all at once. Accepts the {@link PreprocessConfig} form and
 * the flat {@link PreprocessParams} form (where `'none'` turns a stage off).
 */
export function checkPreprocessConfig(config: unknown, path = 'preprocess'): Issue[] {
  const issues: Issue[] = [];
  if (!isObject(config)) return [{ path, message: `expected an object, got ${show(config)}` }];
  const known = ['winsorize', 'winsorizeK', 'neutralize', 'standardize', 'fill'];
  for (const key of Object.keys(config)) {
    if (!known.includes(key)) issues.push({ path: `${path}.${key}`, message: `unknown setting; expected one of ${known.map((k) => `\`${k}\``).join(', ')}` });
  }
  const w = config.winsorize;
  const checkK = (k: unknown, at: string): void => {
    if (typeof k !== 'number' || !Number.isFinite(k) || k <= 0) issues.push({ path: at, message: `expected a number > 0, got ${show(k)}` });
  };
  if (isObject(w)) {
    if (w.method !== 'mad' && w.method !== 'sigma') issues.push({ path: `${path}.winsorize.method`, message: `expected one of \`mad\`, \`sigma\`, got ${show(w.method)}` });
    checkK(w.k, `${path}.winsorize.k`);
    for (const key of Object.keys(w)) {
      if (key !== 'method' && key !== 'k') issues.push({ path: `${path}.winsorize.${key}`, message: 'unknown setting; expected `method` or `k`' });
    }
  } else if (w !== undefined && w !== false && w !== 'mad' && w !== 'sigma' && w !== 'none') {
    issues.push({ path: `${path}.winsorize`, message: `expected \`{ method, k }\`, \`false\`, or one of \`mad\`, \`sigma\`, \`none\`, got ${show(w)}` });
  }
  if (config.winsorizeK !== undefined) checkK(config.winsorizeK, `${path}.winsorizeK`);
  const n = config.neutralize;
  if (n !== undefined && n !== false && n !== 'industry' && n !== 'size' && n !== 'both' && n !== 'none') {
    issues.push({ path: `${path}.neutralize`, message: `expected one of \`industry\`, \`size\`, \`both\`, \`none\` or \`false\`, got ${show(n)}` });
  }
  const s = config.standardize;
  if (isObject(s)) {
    if (s.weights !== undefined && s.weights !== 'equal' && s.weights !== 'cap') {
      issues.push({ path: `${path}.standardize.weights`, message: `expected one of \`equal\`, \`cap\`, got ${show(s.weights)}` });
    }
    for (const key of Object.keys(s)) if (key !== 'weights') issues.push({ path: `${path}.standardize.${key}`, message: 'unknown setting; expected `weights`' });
  } else if (s !== undefined && s !== false && s !== 'equal' && s !== 'cap' && s !== 'none') {
    issues.push({ path: `${path}.standardize`, message: `expected \`{ weights }\`, \`false\`, or one of \`equal\`, \`cap\`, \`none\`, got ${show(s)}` });
  }
  const f = config.fill;
  if (f !== undefined && f !== 'none' && f !== 'industry-median' && f !== 'zero') {
    issues.push({ path: `${path}.fill`, message: `expected one of \`none\`, \`industry-median\`, \`zero\`, got ${show(f)}` });
  }
  return issues;
}

function normalize(config: PreprocessConfig | PreprocessParams): NormalizedConfig {
  const issues = checkPreprocessConfig(config);
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PARAMS', 'invalid preprocessing config', issues);
  const c = config as Record<string, unknown>;
  const w = c.winsorize as PreprocessConfig['winsorize'] | PreprocessParams['winsorize'] | undefined;
  const k = c.winsorizeK as number | undefined;
  const s = c.standardize as PreprocessConfig['standardize'] | PreprocessParams['standardize'] | undefined;
  const n = c.neutralize as NeutralizeMode | 'none' | false | undefined;
  return {
    winsorize:
      w === undefined || w === false || w === 'none'
        ? false
        : typeof w === 'string'
          ? { method: w, k: k ?? (w === 'mad' ? 5 : 3) }
          : { method: w.method, k: w.k },
    neutralize: n === undefined || n === false || n === 'none' ? false : n,
    standardize: s === undefined || s === false || s === 'none' ? false : typeof s === 'string' ? s : (s.weights ?? 'equal'),
    fill: (c.fill as FillMethod | undefined) ?? 'none',
  };
}

const STANDARDIZE_REASONS: readonly StandardizeDropReason[] = ['zeroDispersion', 'noWeights'];

/**
 * Run a factor's preprocessing pipeline, per date over the eligible assets:
 * winsorise → neutralise → standardise → fill, each stage optional, the order fixed.
 *
 * Before any stage, cells outside the mask become `NaN` (counted as `outsideMask`), and so do
 * non-finite inputs (`missingInput`). Then each stage works as the operator of the same name
 * (`winsorizeMad` / `winsorizeSigma`, `neutralize` with `logSize(marketCap)` as the size
 * regressor, `zscore` with market-cap weights for `cap`), and fill sets every eligible cell
 * still missing — missing on input or dropped by a stage — to 0 (the standardised mean) or to
 * the median of its industry's values on that date.
 *
 * `config` is either a {@link PreprocessConfig} or the validated flat {@link PreprocessParams}.
 * The report counts, per stage, the values that came in, were changed, and were dropped and
 * why; nothing is dropped silently.
 *
 * @throws ValidationError `FK_INVALID_PARAMS` for a malformed config (every problem listed);
 *   `FK_INVALID_ARGUMENT` when the config needs context that is missing (industry, market cap);
 *   `FK_INVALID_DATA` when a context panel's shape differs from the values'.
 */
export function preprocess(
  values: Panel,
  config: PreprocessConfig | PreprocessParams,
  context: PreprocessContext = {},
  options: PreprocessOptions = {},
): { values: Panel; report: PreprocessReport } {
  const cfg = normalize(config);
  const { industry, marketCap, mask } = context;
  const needs: Issue[] = [];
  const byIndustry = cfg.neutralize === 'industry' || cfg.neutralize === 'both';
  const bySize = cfg.neutralize === 'size' || cfg.neutralize === 'both';
  if (byIndustry && !industry) needs.push({ path: 'context.industry', message: `is required to neutralise on \`${String(cfg.neutralize)}\`` });
  if (cfg.fill === 'industry-median' && !industry) needs.push({ path: 'context.industry', message: 'is required for `industry-median` fill' });
  if (bySize && !marketCap) needs.push({ path: 'context.marketCap', message: `is required to neutralise on \`${String(cfg.neutralize)}\`` });
  if (cfg.standardize === 'cap' && !marketCap) needs.push({ path: 'context.marketCap', message: 'is required for cap-weighted standardising' });
  if (needs.length > 0) throw new ValidationError('FK_INVALID_ARGUMENT', 'preprocess: the context lacks data the config needs', needs);
  if (industry) {
    checkSameShape('preprocess', 'context.industry', values, industry);
    checkCodes('preprocess', industry);
  }
  if (marketCap) checkSameShape('preprocess', 'context.marketCap', values, marketCap);

  const { dates, assets } = values;
  const perDate = options.perDate === true;
  const buf = new Float64Array(assets);
  const sizeRow = new Float64Array(assets);
  const levels = industry ? Math.max(1, industry.levels.length) : 1;

  let eligibleTotal = 0;
  let outsideMask = 0;
  let missingInput = 0;
  let valid = 0;
  const days = perDate ? { eligible: new Int32Array(dates), missingInput: new Int32Array(dates), valid: new Int32Array(dates) } : undefined;

  const win = cfg.winsorize ? { counter: new StageCounter<never>([], dates, perDate), low: 0, high: 0, zeroScaleDates: 0 } : undefined;
  const neutralizer = cfg.neutralize ? new Neutralizer(assets, dates, byIndustry ? levels : 1, bySize ? ['size'] : [], perDate) : undefined;
  const std = cfg.standardize ? { counter: new StageCounter<StandardizeDropReason>(STANDARDIZE_REASONS, dates, perDate), unweighted: 0 } : undefined;
  const fill =
    cfg.fill !== 'none'
      ? { counter: new StageCounter<never>([], dates, perDate), unfilled: { noIndustry: 0, emptyIndustry: 0 } as Record<FillSkipReason, number> }
      : undefined;
  const groupCount = new Int32Array(levels + 1);
  const groupStart = new Int32Array(levels + 1);
  const groupMedian = new Float64Array(levels);
  const robust = new RobustState();

  const [out] = forEachRow({ dates, assets, numeric: [values.values, marketCap?.values], codes: [industry?.codes], outputs: 1 }, (t, rows, codeRows, outs) => {
    const row = rows[0]!;
    const cap = rows[1];
    const codes = codeRows[0];
    const eligible = maskRow('preprocess', mask, t, assets);
    const masked = applyMask(row, eligible);
    eligibleTotal += masked.eligible;
    outsideMask += masked.outside;
    missingInput += masked.missing;

    if (win && cfg.winsorize) {
      const c = winsorizeRow(row, cfg.winsorize.method, cfg.winsorize.k, buf, robust);
      win.low += c.low;
      win.high += c.high;
      if (c.zeroScale && c.count > 0) win.zeroScaleDates++;
      win.counter.add(t, c.count, c.low + c.high, 0);
    }
    if (neutralizer) {
      if (bySize) {
        for (let a = 0; a < assets; a++) {
          const v = cap![a]!;
          sizeRow[a] = v > 0 && v < Number.POSITIVE_INFINITY ? Math.log(v) : Number.NaN;
        }
      }
      neutralizer.row(t, row, byIndustry ? codes : undefined, bySize ? [sizeRow] : [], true);
    }
    if (std) {
      const z = zscoreRow(row, cfg.standardize === 'cap' ? cap : undefined, 1, buf);
      if (z.status === 'ok') std.counter.add(t, z.count, z.count, 0);
      else {
        std.counter.drop(z.status, z.count);
        std.counter.add(t, z.count, 0, z.count);
      }
      std.unweighted += z.unweighted;
    }
    if (fill) {
      let before = 0;
      for (let a = 0; a < assets; a++) if (row[a] === row[a]) before++;
      let filled = 0;
      if (cfg.fill === 'zero') {
        for (let a = 0; a < assets; a++) {
          if (eligible[a] !== 0 && row[a] !== row[a]) {
            row[a] = 0;
            filled++;
          }
        }
      } else {
        // Industry medians of the values present, by counting sort into `buf`.
        groupCount.fill(0);
        for (let a = 0; a < assets; a++) if (row[a] === row[a] && codes![a]! >= 0) groupCount[codes![a]!]!++;
        groupStart[0] = 0;
        for (let g = 0; g < levels; g++) groupStart[g + 1] = groupStart[g]! + groupCount[g]!;
        groupCount.fill(0);
        for (let a = 0; a < assets; a++) {
          const g = codes![a]!;
          if (row[a] === row[a] && g >= 0) buf[groupStart[g]! + groupCount[g]!++] = row[a]!;
        }
        for (let g = 0; g < levels; g++) {
          const m = groupCount[g]!;
          groupMedian[g] = m > 0 ? medianOf(buf.subarray(groupStart[g], groupStart[g]! + m), m) : Number.NaN;
        }
        for (let a = 0; a < assets; a++) {
          if (eligible[a] === 0 || row[a] === row[a]) continue;
          const g = codes![a]!;
          if (g < 0) fill.unfilled.noIndustry++;
          else if (groupMedian[g] !== groupMedian[g]) fill.unfilled.emptyIndustry++;
          else {
            row[a] = groupMedian[g]!;
            filled++;
          }
        }
      }
      fill.counter.add(t, before, filled, 0, filled);
    }
    let present = 0;
    for (let a = 0; a < assets; a++) if (row[a] === row[a]) present++;
    valid += present;
    if (days) {
      days.eligible[t] = masked.eligible;
      days.missingInput[t] = masked.missing;
      days.valid[t] = present;
    }
    outs[0]!.set(row);
  });

  const stages: PreprocessReport['stages'][number][] = [];
  if (win && cfg.winsorize) {
    stages.push({
      ...win.counter.base('winsorize'),
      method: cfg.winsorize.method,
      k: cfg.winsorize.k,
      clippedLow: win.low,
      clippedHigh: win.high,
      zeroScaleDates: win.zeroScaleDates,
    });
  }
  if (neutralizer) stages.push({ ...neutralizer.report(), regressors: [...(byIndustry ? ['industry'] : []), ...(bySize ? ['size'] : [])] });
  if (std && cfg.standardize) stages.push({ ...std.counter.base('standardize'), weights: cfg.standardize, unweighted: std.unweighted });
  if (fill && cfg.fill !== 'none') stages.push({ ...fill.counter.base('fill'), method: cfg.fill, unfilled: { ...fill.unfilled } });
  const report: PreprocessReport = {
    dates,
    assets,
    eligible: eligibleTotal,
    outsideMask,
    missingInput,
    stages,
    valid,
    missingOutput: eligibleTotal - valid,
    ...(days ? { perDate: days } : {}),
  };
  return { values: new Panel(dates, assets, out), report };
}
