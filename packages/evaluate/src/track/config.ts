import { type Issue, ValidationError, show } from '@factorkit/core';
import { type PreprocessConfig, checkPreprocessConfig } from '@factorkit/ops';
import { DEFAULT_HORIZONS, checkHorizons } from '../analytics/forward.js';
import type { RelaxationStep } from '@factorkit/portfolio';
import type { MfeConstraintsConfig, MfeExecution } from '../mfe/types.js';

/**
 * The settings of a tracking run, as a JSON file holds them (`factorkit track --config FILE`).
 * Every entry is optional; the defaults are documented beside each and in `TRACKING_DEFAULTS`.
 */
export interface TrackingConfig {
  /**
   * The MFE portfolio's constraints, as `runMfe` takes them (`MfeConstraintsConfig`): industry
   * and size neutrality, per-stock deviation (default ±1%), constituent share (≥ 80%), turnover
   * (≤ 30% one-way), tradability. A style exposure from a file can only be `log-market-cap`.
   */
  readonly constraints?: MfeConstraintsConfig;
  /** Execution price (`vwap` default, or `close`) and round-trip cost (default 0.003). */
  readonly execution?: MfeExecution;
  /**
   * Preprocessing of each factor before the MFE test and the `processed` IC stage, over the
   * investable universe: `true` (default: MAD ×5 winsorising, industry + size neutralising,
   * equal-weighted z-score), `false` (raw values everywhere), or a `PreprocessConfig` of
   * `@factorkit/ops`.
   */
  readonly preprocess?: boolean | PreprocessConfig;
  /** Forward-return horizons of the IC and quantile analytics, trading days. Default `[1, 5, 20]`. */
  readonly horizons?: readonly number[];
  /** Quantile groups per date. Default 10. */
  readonly groups?: number;
  /**
   * Parameters of the benchmark universe plugin besides `index` (for the `index` plugin:
   * `weights` `auto`/`published`/`float-cap`, `drift`, `excludeSt`, `excludeSuspended`,
   * `minListedDays`, `tradeAt`), checked by the plugin's own schema.
   */
  readonly universe?: Readonly<Record<string, unknown>>;
  /**
   * Parameters of the investable universe plugin (`market`): where the MFE portfolio may go
   * outside the benchmark, and the universe the factor is preprocessed in. `false`: no
   * investable universe — every stock with a factor value may be bought, and preprocessing
   * covers them all.
   */
  readonly investable?: Readonly<Record<string, unknown>> | false;
  /** Time limit per solve, milliseconds (the optimizer's own default when absent). */
  readonly timeLimitMs?: number;
  /**
   * How an infeasible rebalance date is explained (`@factorkit/portfolio`'s `DiagnoseOptions`):
   * `maxConflicts` minimal conflicting sets of constraint groups (default 1), and the elastic
   * view — which groups would give and by how much, with a drop-one search of up to `maxSolves`
   * groups — only with `elastic: true` (default `false`: a weekly run can meet hundreds of
   * infeasible dates, and the elastic view is most of a diagnosis's solves).
   */
  readonly diagnose?: { readonly elastic?: boolean; readonly maxConflicts?: number; readonly maxSolves?: number };
  /**
   * What to loosen, in order, when a rebalance date is infeasible (`@factorkit/portfolio`'s
   * `RelaxationStep`s: `{ group, factor, maxSteps? }` or `{ group, steps }`, optionally `rows`).
   * Default none: the date is reported and the previous weights are held. Held weights drift, and
   * under a turnover limit a series can stay infeasible for good (a portfolio that cannot get back
   * to neutrality within the limit): `[{ "group": "turnover-limit", "factor": 1.5, "maxSteps": 4 }]`
   * lets such dates trade more, each relaxation recorded with the date (`message` in `mfe.csv`).
   */
  readonly relaxation?: readonly RelaxationStep[];
}

/** The documented defaults of {@link TrackingConfig} that the tracking run owns (the MFE's own are `MFE_DEFAULTS`). */
export const TRACKING_DEFAULTS = Object.freeze({
  frequency: 'monthly' as const,
  preprocess: true,
  horizons: DEFAULT_HORIZONS,
  groups: 10,
  diagnose: Object.freeze({ elastic: false, maxConflicts: 1, maxSolves: 20 }),
});

const TOP = ['constraints', 'execution', 'preprocess', 'horizons', 'groups', 'universe', 'investable', 'timeLimitMs', 'diagnose', 'relaxation'];
const CONSTRAINTS = ['industry', 'styles', 'deviation', 'constituentShare', 'turnover', 'tradability'];
const EXECUTION = ['price', 'cost'];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function unknownKeys(value: Record<string, unknown>, known: readonly string[], path: string, issues: Issue[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) issues.push({ path: path ? `${path}.${key}` : key, message: `unknown setting; expected one of ${known.map((k) => `\`${k}\``).join(', ')}` });
  }
}

function expectObject(value: unknown, path: string, issues: Issue[], orFalse = false): value is Record<string, unknown> {
  if (isObject(value)) return true;
  if (!(orFalse && value === false)) issues.push({ path, message: `expected an object${orFalse ? ' or `false`' : ''}, got ${show(value)}` });
  return false;
}

/**
 * Check a tracking configuration read from JSON, every problem at once with its dot-path:
 * unknown settings (a typo is an error, not a default), the shape of every section, and the
 * values the tracking run owns (`horizons`, `groups`, `preprocess`, `timeLimitMs`). The values of
 * `constraints` and `execution` are checked by `runMfe`'s own validation, against the data, when
 * {@link runTracking} starts (before any factor is computed); `universe` and `investable` by the
 * universe plugins' schemas.
 *
 * @param source names the configuration in the error (`--config \`track.json\``).
 * @throws ValidationError `FK_INVALID_PARAMS` listing every problem.
 */
export function parseTrackingConfig(value: unknown, source = 'config'): TrackingConfig {
  const issues: Issue[] = [];
  if (!isObject(value)) {
    throw new ValidationError('FK_INVALID_PARAMS', `${source}: invalid tracking config`, [{ path: '', message: `expected a JSON object, got ${show(value)}` }]);
  }
  unknownKeys(value, TOP, '', issues);
  const { constraints, execution } = value;
  if (constraints !== undefined && expectObject(constraints, 'constraints', issues)) {
    unknownKeys(constraints, CONSTRAINTS, 'constraints', issues);
    const industry = constraints.industry;
    if (industry !== undefined && expectObject(industry, 'constraints.industry', issues, true)) unknownKeys(industry, ['field', 'band'], 'constraints.industry', issues);
    const styles = constraints.styles;
    if (styles !== undefined && expectObject(styles, 'constraints.styles', issues, true)) {
      unknownKeys(styles, ['exposures', 'band', 'bands'], 'constraints.styles', issues);
      if (styles.exposures !== undefined && expectObject(styles.exposures, 'constraints.styles.exposures', issues)) {
        for (const [name, source] of Object.entries(styles.exposures)) {
          if (source !== 'log-market-cap') issues.push({ path: `constraints.styles.exposures.${name}`, message: `expected \`log-market-cap\` (the only style a config file can name), got ${show(source)}` });
        }
      }
      if (styles.bands !== undefined) expectObject(styles.bands, 'constraints.styles.bands', issues);
    }
  }
  if (execution !== undefined && expectObject(execution, 'execution', issues)) unknownKeys(execution, EXECUTION, 'execution', issues);
  if (value.preprocess !== undefined && typeof value.preprocess !== 'boolean') issues.push(...checkPreprocessConfig(value.preprocess, 'preprocess'));
  if (value.horizons !== undefined) checkHorizons(value.horizons, 'horizons', issues);
  const groups = value.groups;
  if (groups !== undefined && (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 2 || groups > 1000)) {
    issues.push({ path: 'groups', message: `expected an integer in 2 … 1000, got ${show(groups)}` });
  }
  if (value.universe !== undefined && expectObject(value.universe, 'universe', issues) && 'index' in value.universe) {
    issues.push({ path: 'universe.index', message: 'the indices come from the list of universes (`--universes`), not from the config' });
  }
  if (value.investable !== undefined) expectObject(value.investable, 'investable', issues, true);
  const limit = value.timeLimitMs;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isFinite(limit) || limit <= 0)) issues.push({ path: 'timeLimitMs', message: `expected a number > 0, got ${show(limit)}` });
  const diagnose = value.diagnose;
  if (diagnose !== undefined && expectObject(diagnose, 'diagnose', issues)) {
    unknownKeys(diagnose, ['elastic', 'maxConflicts', 'maxSolves'], 'diagnose', issues);
    if (diagnose.elastic !== undefined && typeof diagnose.elastic !== 'boolean') issues.push({ path: 'diagnose.elastic', message: `expected a boolean, got ${show(diagnose.elastic)}` });
    for (const [key, low, high] of [['maxConflicts', 1, 20], ['maxSolves', 0, 1000]] as const) {
      const n = diagnose[key];
      if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < low || n > high)) issues.push({ path: `diagnose.${key}`, message: `expected an integer in ${low} … ${high}, got ${show(n)}` });
    }
  }
  if (value.relaxation !== undefined) checkRelaxation(value.relaxation, issues);
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PARAMS', `${source}: invalid tracking config`, issues);
  return value;
}

/** The shape of `relaxation` (the groups themselves are checked against the MFE problems by `runMfe`). */
function checkRelaxation(value: unknown, issues: Issue[]): void {
  if (!Array.isArray(value)) {
    issues.push({ path: 'relaxation', message: `expected an array of steps, got ${show(value)}` });
    return;
  }
  value.forEach((step: unknown, k) => {
    const path = `relaxation[${k}]`;
    if (!expectObject(step, path, issues)) return;
    unknownKeys(step, ['group', 'factor', 'maxSteps', 'steps', 'rows'], path, issues);
    if (typeof step.group !== 'string' || step.group === '') issues.push({ path: `${path}.group`, message: `expected a constraint group name, got ${show(step.group)}` });
    const positive = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v > 0;
    if ('steps' in step === 'factor' in step) issues.push({ path, message: 'give either `steps` (amounts to widen by) or `factor` (with an optional `maxSteps`)' });
    if ('steps' in step && (!Array.isArray(step.steps) || step.steps.length === 0 || !step.steps.every(positive))) issues.push({ path: `${path}.steps`, message: `expected a non-empty array of numbers > 0, got ${show(step.steps)}` });
    if ('factor' in step && !(positive(step.factor) && (step.factor as number) > 1)) issues.push({ path: `${path}.factor`, message: `expected a number > 1, got ${show(step.factor)}` });
    if ('maxSteps' in step && !(Number.isInteger(step.maxSteps) && (step.maxSteps as number) >= 1 && (step.maxSteps as number) <= 50)) issues.push({ path: `${path}.maxSteps`, message: `expected an integer in 1 … 50, got ${show(step.maxSteps)}` });
    if ('rows' in step && (!Array.isArray(step.rows) || !step.rows.every((r) => typeof r === 'string'))) issues.push({ path: `${path}.rows`, message: `expected an array of row labels, got ${show(step.rows)}` });
  });
}
