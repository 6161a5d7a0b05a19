import { type Issue, PLUGIN_ID_PATTERN, dateToInt, isFactorkitError, param, show } from '@factorkit/core';
import { BACKTEST_SETTINGS, type BacktestSettings, checkSettings } from '@factorkit/backtest';
import { tryParseBenchmark } from '@factorkit/benchmark';
import { type PreprocessConfig, checkPreprocessConfig } from '@factorkit/ops';
import { type RelaxationStep, relaxationFromJSON } from '@factorkit/portfolio';
import { type RiskModelOptions, checkRiskModelOptions } from '@factorkit/risk';
import { resolveIndexCode } from '@factorkit/universe-index';
import { DEFAULT_CONSTRAINTS, MODEL_DEFAULTS, defaultPreprocess } from './defaults.js';
import { copyPlain, field, isRecord, optional, pluginParams, stripUnknown, unknownKeys } from './fields.js';
import { suggestion } from './suggest.js';
import type {
  ConstraintEntry,
  FactorEntry,
  InfeasibleDefinition,
  ModelEntry,
  ObjectiveDefinition,
  RebalanceDefinition,
  RiskDefinition,
  StrategyDefinition,
  UniverseDefinitionEntry,
} from './types.js';

/** A strategy name: lower-case letters and digits, then also `-` and `_`. */
export const STRATEGY_NAME_PATTERN = /^[a-z0-9][a-z0-9-_]*$/;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const id = () => param.string({ pattern: PLUGIN_ID_PATTERN, description: 'a plugin id' });

/**
 * The fields of a strategy file that core's parameter specs express, as a core `ParamSchema`
 * (checked with `checkParams`, every problem at once, paths under `strategy`). The other fields
 * take forms a spec cannot (a string or an object, `false` or an object, free-form plugin
 * parameters, optional values without a default) and are checked field by field with core specs
 * by {@link checkStrategyDefinition}: `benchmark`, `start`, `end`, `factors`, `preprocess`,
 * `constraints`, `rebalance`, `risk`, `universe.params`, `universe.investable`, `model.params`,
 * `model.minDates`, `objective.riskAversion`, `objective.trackingError`, `optimizer.params`,
 * `infeasible.relax`. The backtest's settings are `@factorkit/backtest`'s `BACKTEST_SETTINGS`.
 */
export const STRATEGY_SCHEMA = {
  name: param.string({ pattern: STRATEGY_NAME_PATTERN, description: 'the strategy’s name, used in file and report names' }),
  description: param.string({ default: '', description: 'what the strategy does, in words' }),
  universe: param.object({
    index: param.string({ minLength: 1, description: 'index code (`000300.SH`) or alias (`csi300`)' }),
    plugin: param.string({ default: 'index', pattern: PLUGIN_ID_PATTERN, description: 'the universe plugin' }),
  }),
  model: param.object({
    id: id(),
    horizon: param.integer({ default: MODEL_DEFAULTS.horizon, min: 1, description: 'label horizon, trading days' }),
    retrainEvery: param.integer({ default: MODEL_DEFAULTS.retrainEvery, min: 1, description: 'retrain every this many trading days' }),
    window: param.integer({ default: MODEL_DEFAULTS.window, min: 1, description: 'training window, label dates' }),
    labelTransform: param.enum(['rank-normal', 'zscore'], { default: MODEL_DEFAULTS.labelTransform, description: 'how labels are normalised per date' }),
  }),
  objective: param.object({
    kind: param.enum(['max-alpha', 'mean-variance', 'min-tracking-error'], { default: 'max-alpha', description: 'what each rebalance optimises' }),
  }),
  optimizer: param.object({ id: param.string({ default: 'highs', pattern: PLUGIN_ID_PATTERN, description: 'the optimizer plugin' }) }),
  infeasible: param.object({
    policy: param.enum(['hold', 'relax', 'stop'], { default: 'hold', description: 'on an infeasible rebalance: keep the holdings, relax in order, or stop' }),
  }),
  ...BACKTEST_SETTINGS,
};

/** Keys checked outside {@link STRATEGY_SCHEMA}, by where they sit. */
const EXTRA: Readonly<Record<string, readonly string[]>> = {
  strategy: ['benchmark', 'start', 'end', 'factors', 'preprocess', 'constraints', 'rebalance', 'risk'],
  'strategy.universe': ['params', 'investable'],
  'strategy.model': ['params', 'minDates'],
  'strategy.objective': ['riskAversion', 'trackingError'],
  'strategy.optimizer': ['params'],
  'strategy.infeasible': ['relax'],
};

const BACKTEST_KEYS = Object.keys(BACKTEST_SETTINGS) as (keyof typeof BACKTEST_SETTINGS)[];
const RISK_KEYS: readonly (keyof RiskModelOptions)[] = ['halfLife', 'specificHalfLife', 'neweyWestLags', 'regimeHalfLife', 'minFactorObservations', 'specificMinObservations'];

/** The keys of a preprocessing object (both forms of `checkPreprocessConfig`), by where they sit. */
const PREPROCESS_KEYS: Readonly<Record<string, readonly string[]>> = {
  'strategy.preprocess': ['winsorize', 'winsorizeK', 'neutralize', 'standardize', 'fill'],
  'strategy.preprocess.winsorize': ['method', 'k'],
  'strategy.preprocess.standardize': ['weights'],
};

/** The objective kinds that need a risk model. */
const RISK_OBJECTIVES = new Set(['mean-variance', 'min-tracking-error']);

/** A problem of a field, and how far into its text (a benchmark's error position). */
export interface PositionedIssue extends Issue {
  /** Characters into the field's string value. */
  readonly offset?: number;
}

/** The result of {@link checkStrategyDefinition}. */
export type CheckedDefinition =
  | { ok: true; value: StrategyDefinition }
  /** `partial`: the fields that passed (so their plugins can still be checked). */
  | { ok: false; issues: PositionedIssue[]; partial: Partial<StrategyDefinition> };

/**
 * Check a strategy definition (plain data) and fill in the defaults that need no plugin: every
 * problem at once, each with its path under `strategy`. Plugin ids and parameters are checked
 * by `createStrategy`, which knows the plugins.
 */
export function checkStrategyDefinition(input: unknown): CheckedDefinition {
  const issues: PositionedIssue[] = [];
  if (!isRecord(input)) return { ok: false, issues: [{ path: 'strategy', message: `expected an object (a mapping of strategy fields), got ${show(input)}` }], partial: {} };
  const raw = copyPlain(input);
  stripUnknown(param.object(STRATEGY_SCHEMA), raw, 'strategy', issues, EXTRA);
  // The nested keys checked outside the schema, taken out of the copy before core checks it.
  const take = (key: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const inner = raw[key];
    if (!isRecord(inner)) return out;
    for (const k of EXTRA[`strategy.${key}`]!) {
      out[k] = inner[k];
      delete inner[k];
    }
    return out;
  };
  const extra = { universe: take('universe'), model: take('model'), objective: take('objective'), optimizer: take('optimizer'), infeasible: take('infeasible') };

  const name = field(STRATEGY_SCHEMA.name, raw.name, 'strategy', 'name', issues);
  const description = field(STRATEGY_SCHEMA.description, raw.description, 'strategy', 'description', issues);
  const universe = checkUniverse(raw.universe, extra.universe, issues);
  const dates = checkDates(raw.start, raw.end, issues);
  const factors = checkFactors(raw.factors, issues);
  const preprocess = checkPreprocess(raw.preprocess, issues);
  const model = checkModel(raw.model, extra.model, issues);
  const objective = checkObjective(raw.objective, extra.objective, issues);
  const constraints = checkConstraints(raw.constraints, issues);
  const optimizer = field(STRATEGY_SCHEMA.optimizer, raw.optimizer, 'strategy', 'optimizer', issues);
  const optimizerParams = pluginParams(extra.optimizer.params, 'strategy.optimizer.params', issues);
  const rebalance = checkRebalance(raw.rebalance, issues);
  const risk = checkRisk(raw.risk, issues);
  const infeasible = checkInfeasible(raw.infeasible, extra.infeasible, issues);
  const backtest = checkBacktest(raw, issues);
  const benchmark = checkBenchmark(raw.benchmark, universe?.index, issues);

  if (objective && risk === false && (RISK_OBJECTIVES.has(objective.kind) || objective.trackingError !== undefined)) {
    const why = objective.trackingError !== undefined ? '`objective.trackingError`' : `objective \`${objective.kind}\``;
    issues.push({ path: 'strategy.risk', message: `${why} needs a risk model; remove \`risk: false\`` });
  }
  if (constraints) {
    const te = constraints.findIndex((c) => c.id === 'tracking-error-cap');
    if (te >= 0 && objective?.trackingError !== undefined) {
      issues.push({ path: `strategy.constraints[${te}]`, message: 'a `tracking-error-cap` constraint and `objective.trackingError` both cap the tracking error; give one' });
    } else if (te >= 0 && risk === false) {
      issues.push({ path: `strategy.constraints[${te}]`, message: '`tracking-error-cap` needs a risk model; remove `risk: false`' });
    }
  }
  if (constraints && objective && infeasible) checkRelaxGroups(infeasible, constraints, objective, issues);

  const parts: { -readonly [K in keyof StrategyDefinition]?: StrategyDefinition[K] | undefined } = {
    name,
    description,
    universe,
    benchmark,
    ...dates,
    factors,
    preprocess,
    model,
    objective,
    constraints,
    optimizer: optimizer && optimizerParams ? { id: optimizer.id, params: optimizerParams } : undefined,
    rebalance,
    risk,
    infeasible,
    ...backtest,
  };
  const value = Object.fromEntries(Object.entries(parts).filter(([, v]) => v !== undefined)) as Partial<StrategyDefinition>;
  if (issues.length > 0) return { ok: false, issues, partial: value };
  return { ok: true, value: value as StrategyDefinition };
}

function checkUniverse(value: unknown, given: Record<string, unknown>, issues: Issue[]): Required<UniverseDefinitionEntry> | undefined {
  const base = field(STRATEGY_SCHEMA.universe, value, 'strategy', 'universe', issues);
  if (!base) return undefined;
  const params = pluginParams(given.params, 'strategy.universe.params', issues);
  if (params && Object.hasOwn(params, 'index')) issues.push({ path: 'strategy.universe.params.index', message: 'give the index as `universe.index`' });
  let investable: Record<string, unknown> | false | undefined = {};
  if (given.investable === false) investable = false;
  else if (given.investable !== undefined) {
    investable = isRecord(given.investable) ? given.investable : undefined;
    if (!investable) issues.push({ path: 'strategy.universe.investable', message: `expected \`false\` or an object of \`market\` universe parameters, got ${show(given.investable)}` });
  }
  if (!params || investable === undefined) return undefined;
  return { index: base.index, plugin: base.plugin, params, investable };
}

function checkDates(start: unknown, end: unknown, issues: Issue[]): { start?: string; end?: string } {
  const day = (value: unknown, key: string): { text: string; int: number } | undefined => {
    const text = optional(param.string({ pattern: DATE }), value, 'strategy', key, issues);
    if (text === undefined) return undefined;
    const int = dateToInt(text);
    if (Number.isNaN(int)) {
      issues.push({ path: `strategy.${key}`, message: `${show(text)} is not a real date` });
      return undefined;
    }
    return { text, int };
  };
  const s = day(start, 'start');
  const e = day(end, 'end');
  if (s && e && s.int > e.int) issues.push({ path: 'strategy.end', message: `${show(e.text)} is before \`start\` ${show(s.text)}` });
  return { ...(s ? { start: s.text } : {}), ...(e ? { end: e.text } : {}) };
}

function checkFactors(value: unknown, issues: Issue[]): FactorEntry[] | undefined {
  if (value === undefined) {
    issues.push({ path: 'strategy.factors', message: 'is required: a list of factor ids or `{ id, name?, params?, direction? }`' });
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0) {
    issues.push({ path: 'strategy.factors', message: `expected a non-empty list of factors, got ${show(value)}` });
    return undefined;
  }
  const before = issues.length;
  const out = value.map((entry: unknown, i): FactorEntry | undefined => {
    const path = `strategy.factors[${i}]`;
    if (typeof entry === 'string') {
      if (PLUGIN_ID_PATTERN.test(entry)) return { id: entry, name: entry, params: {} };
      issues.push({ path, message: `expected a factor id matching ${String(PLUGIN_ID_PATTERN)}, got ${show(entry)}` });
      return undefined;
    }
    if (!isRecord(entry)) {
      issues.push({ path, message: `expected a factor id or \`{ id, name?, params?, direction? }\`, got ${show(entry)}` });
      return undefined;
    }
    unknownKeys(entry, ['id', 'name', 'params', 'direction'], path, issues);
    const factorId = field(id(), entry.id, path, 'id', issues);
    const name = optional(param.string({ minLength: 1 }), entry.name, path, 'name', issues);
    const params = pluginParams(entry.params, `${path}.params`, issues);
    if (entry.direction !== undefined && entry.direction !== 1 && entry.direction !== -1) {
      issues.push({ path: `${path}.direction`, message: `expected \`1\` (higher is better) or \`-1\` (lower is better), got ${show(entry.direction)}` });
    }
    if (factorId === undefined || params === undefined) return undefined;
    return { id: factorId, name: name ?? factorId, params, ...(entry.direction === 1 || entry.direction === -1 ? { direction: entry.direction } : {}) };
  });
  const seen = new Map<string, number>();
  out.forEach((entry, i) => {
    if (!entry) return;
    const earlier = seen.get(entry.name!);
    if (earlier !== undefined) {
      issues.push({ path: `strategy.factors[${i}]`, message: `the name \`${entry.name}\` is also that of factors[${earlier}]; give this one another \`name\`` });
    } else seen.set(entry.name!, i);
  });
  return issues.length > before ? undefined : (out as FactorEntry[]);
}

/** A preprocessing object (either form of `checkPreprocessConfig`) as overrides of the default pipeline. */
function checkPreprocess(value: unknown, issues: Issue[]): PreprocessConfig | false | undefined {
  if (value === undefined || value === true) return defaultPreprocess();
  if (value === false) return false;
  const found = checkPreprocessConfig(value, 'strategy.preprocess');
  if (found.length > 0) {
    for (const issue of found) {
      // ops lists the allowed keys; a strategy file also says which one was meant.
      const unknown = /^unknown setting/.test(issue.message) ? /^(.*)\.([^.]+)$/.exec(issue.path) : null;
      const known = unknown ? PREPROCESS_KEYS[unknown[1]!] : undefined;
      issues.push(unknown && known ? { path: issue.path, message: `unknown key; ${suggestion(unknown[2]!, known, 'key')}` } : issue);
    }
    return undefined;
  }
  const given = value as Record<string, unknown>;
  const base = defaultPreprocess() as { -readonly [K in keyof PreprocessConfig]: PreprocessConfig[K] };
  const w = given.winsorize;
  const k = typeof given.winsorizeK === 'number' ? given.winsorizeK : undefined;
  if (w === false || w === 'none') base.winsorize = false;
  else if (isRecord(w)) base.winsorize = w as { method: 'mad' | 'sigma'; k: number };
  else if (w === 'mad' || w === 'sigma') base.winsorize = { method: w, k: k ?? (base.winsorize ? base.winsorize.k : 5) };
  else if (k !== undefined && base.winsorize) base.winsorize = { ...base.winsorize, k };
  const n = given.neutralize;
  if (n === false || n === 'none') base.neutralize = false;
  else if (n !== undefined) base.neutralize = n as 'industry' | 'size' | 'both';
  const s = given.standardize;
  if (s === false || s === 'none') base.standardize = false;
  else if (s === 'equal' || s === 'cap') base.standardize = { weights: s };
  else if (isRecord(s)) base.standardize = s;
  if (given.fill !== undefined) base.fill = given.fill as 'none' | 'industry-median' | 'zero';
  return base;
}

function checkModel(value: unknown, given: Record<string, unknown>, issues: Issue[]): ModelEntry | undefined {
  const base = field(STRATEGY_SCHEMA.model, value, 'strategy', 'model', issues);
  if (!isRecord(value)) return undefined;
  const params = pluginParams(given.params, 'strategy.model.params', issues);
  const minDates = optional(param.integer({ min: 1 }), given.minDates, 'strategy.model', 'minDates', issues);
  const window = value.window === undefined ? MODEL_DEFAULTS.window : value.window;
  if (minDates !== undefined && typeof window === 'number' && Number.isInteger(window) && window >= 1 && minDates > window) {
    issues.push({ path: 'strategy.model.minDates', message: `expected at most \`window\` (${window}) label dates, got ${show(minDates)}` });
  }
  if (!base || !params) return undefined;
  return { ...base, params, ...(minDates !== undefined ? { minDates } : {}) };
}

function checkObjective(value: unknown, given: Record<string, unknown>, issues: Issue[]): ObjectiveDefinition | undefined {
  const base = field(STRATEGY_SCHEMA.objective, value, 'strategy', 'objective', issues);
  const riskAversion = optional(param.number({ min: 0 }), given.riskAversion, 'strategy.objective', 'riskAversion', issues);
  const trackingError = optional(param.number({ min: 0, exclusiveMin: true, max: 1 }), given.trackingError, 'strategy.objective', 'trackingError', issues);
  if (!base) return undefined;
  if (base.kind === 'mean-variance' && given.riskAversion === undefined) {
    issues.push({ path: 'strategy.objective.riskAversion', message: 'is required by `mean-variance` (λ ≥ 0 of αᵀw − λ·(w − b)ᵀΣ(w − b))' });
  }
  if (base.kind !== 'mean-variance' && given.riskAversion !== undefined) {
    issues.push({ path: 'strategy.objective.riskAversion', message: `is used by \`mean-variance\` only, not by \`${base.kind}\`` });
  }
  return { kind: base.kind, ...(riskAversion !== undefined ? { riskAversion } : {}), ...(trackingError !== undefined ? { trackingError } : {}) };
}

function checkConstraints(value: unknown, issues: Issue[]): ConstraintEntry[] | undefined {
  if (value === undefined) return copyPlain(DEFAULT_CONSTRAINTS as ConstraintEntry[]).map((c) => ({ ...c, params: c.params ?? {} }));
  if (!Array.isArray(value)) {
    issues.push({ path: 'strategy.constraints', message: `expected a list of constraints \`{ id, params?, group?, priority? }\`, got ${show(value)}` });
    return undefined;
  }
  const before = issues.length;
  const out = value.map((entry: unknown, i): ConstraintEntry | undefined => {
    const path = `strategy.constraints[${i}]`;
    const record = typeof entry === 'string' ? { id: entry } : entry;
    if (!isRecord(record)) {
      issues.push({ path, message: `expected a constraint id or \`{ id, params?, group?, priority? }\`, got ${show(entry)}` });
      return undefined;
    }
    unknownKeys(record, ['id', 'params', 'group', 'priority'], path, issues);
    const constraintId = field(id(), record.id, path, 'id', issues);
    const params = pluginParams(record.params, `${path}.params`, issues);
    const group = optional(param.string({ minLength: 1 }), record.group, path, 'group', issues);
    const priority = optional(param.number(), record.priority, path, 'priority', issues);
    if (constraintId === undefined || params === undefined) return undefined;
    return { id: constraintId, params, ...(group !== undefined ? { group } : {}), ...(priority !== undefined ? { priority } : {}) };
  });
  const groups = new Map<string, number>();
  out.forEach((entry, i) => {
    if (!entry) return;
    const group = entry.group ?? entry.id;
    const earlier = groups.get(group);
    if (earlier !== undefined) issues.push({ path: `strategy.constraints[${i}]`, message: `group \`${group}\` is also that of constraints[${earlier}]; give this one another \`group\`` });
    else groups.set(group, i);
  });
  return issues.length > before ? undefined : (out as ConstraintEntry[]);
}

function checkRebalance(value: unknown, issues: Issue[]): RebalanceDefinition | undefined {
  if (value === undefined) return { every: 'week' };
  if (!isRecord(value)) {
    issues.push({ path: 'strategy.rebalance', message: `expected \`{ every: week | month | N }\`, got ${show(value)}` });
    return undefined;
  }
  unknownKeys(value, ['every'], 'strategy.rebalance', issues);
  const every = value.every ?? 'week';
  if (every === 'week' || every === 'month') return { every };
  if (typeof every === 'number' && Number.isInteger(every) && every >= 1) return { every };
  issues.push({ path: 'strategy.rebalance.every', message: `expected \`week\`, \`month\` or a whole number of trading days ≥ 1, got ${show(every)}` });
  return undefined;
}

const RISK_ESTIMATION = {
  weights: param.enum(['sqrt-cap', 'cap', 'equal'], { description: 'regression weights' }),
  minAssets: param.integer({ min: 1, description: 'least assets of a regression date' }),
  standardize: param.boolean({ description: 'standardise styles per date' }),
};

function checkRisk(value: unknown, issues: Issue[]): RiskDefinition | false | undefined {
  if (value === undefined) return {};
  if (value === false) return false;
  if (!isRecord(value)) {
    issues.push({ path: 'strategy.risk', message: `expected \`false\` or an object of risk model options, got ${show(value)}` });
    return undefined;
  }
  const before = issues.length;
  unknownKeys(value, [...RISK_KEYS, ...Object.keys(RISK_ESTIMATION), 'winsorize', 'styles'], 'strategy.risk', issues);
  for (const key of RISK_KEYS) {
    if (value[key] === undefined) continue;
    if (typeof value[key] !== 'number' && !(key === 'regimeHalfLife' && value[key] === false)) {
      issues.push({ path: `strategy.risk.${key}`, message: `expected a number${key === 'regimeHalfLife' ? ' or `false`' : ''}, got ${show(value[key])}` });
      continue;
    }
    try {
      checkRiskModelOptions({ [key]: value[key] });
    } catch (error) {
      if (!isFactorkitError(error)) throw error;
      issues.push({ path: `strategy.risk.${key}`, message: error.message.replace(new RegExp(`^risk model: ${key} `), '') });
    }
  }
  for (const [key, spec] of Object.entries(RISK_ESTIMATION)) optional(spec, value[key], 'strategy.risk', key, issues);
  if (value.winsorize !== undefined && value.winsorize !== false) optional(param.number({ min: 0, exclusiveMin: true }), value.winsorize, 'strategy.risk', 'winsorize', issues);
  const styles = value.styles;
  if (styles !== undefined) {
    if (!Array.isArray(styles)) issues.push({ path: 'strategy.risk.styles', message: `expected a list of style factor ids (or \`{ id, params }\`), got ${show(styles)}` });
    else {
      const seen = new Map<string, number>();
      styles.forEach((style: unknown, i) => {
        const path = `strategy.risk.styles[${i}]`;
        let styleId: string | undefined;
        if (typeof style === 'string') styleId = style;
        else if (isRecord(style)) {
          unknownKeys(style, ['id', 'params'], path, issues);
          styleId = field(id(), style.id, path, 'id', issues);
          pluginParams(style.params, `${path}.params`, issues);
        }
        if (typeof style === 'string' && !PLUGIN_ID_PATTERN.test(style)) issues.push({ path, message: `expected a style factor id, got ${show(style)}` });
        else if (typeof style !== 'string' && !isRecord(style)) issues.push({ path, message: `expected a style factor id or \`{ id, params }\`, got ${show(style)}` });
        if (styleId === undefined) return;
        const earlier = seen.get(styleId);
        if (earlier !== undefined) issues.push({ path, message: `style \`${styleId}\` is also styles[${earlier}]` });
        else seen.set(styleId, i);
      });
    }
  }
  return issues.length > before ? undefined : value;
}

function checkInfeasible(value: unknown, given: Record<string, unknown>, issues: Issue[]): Required<InfeasibleDefinition> | undefined {
  const base = field(STRATEGY_SCHEMA.infeasible, value, 'strategy', 'infeasible', issues);
  let relax: RelaxationStep[] | undefined = [];
  if (given.relax !== undefined) {
    try {
      relax = relaxationFromJSON(given.relax);
    } catch (error) {
      if (!isFactorkitError(error) || !('issues' in error)) throw error;
      relax = undefined;
      for (const issue of error.issues as readonly Issue[]) {
        const rest = issue.path === '(root)' ? '' : issue.path;
        issues.push({ path: `strategy.infeasible.relax${rest}`, message: issue.message });
      }
    }
  }
  if (!base || !relax) return undefined;
  if (base.policy === 'relax' && relax.length === 0) {
    issues.push({ path: 'strategy.infeasible.relax', message: 'the `relax` policy needs the relaxation order: a non-empty list of `{ group, steps }` or `{ group, factor, maxSteps? }`' });
  }
  if (base.policy !== 'relax' && relax.length > 0) {
    issues.push({ path: 'strategy.infeasible.relax', message: `is used by the \`relax\` policy only, not by \`${base.policy}\`` });
  }
  return { policy: base.policy, relax };
}

function checkRelaxGroups(infeasible: Required<InfeasibleDefinition>, constraints: readonly ConstraintEntry[], objective: ObjectiveDefinition, issues: Issue[]): void {
  const groups = [...new Set([...constraints.map((c) => c.group ?? c.id), ...(objective.trackingError !== undefined ? ['tracking-error-cap'] : []), ...(objective.kind === 'min-tracking-error' ? ['exposure-target'] : [])])];
  infeasible.relax.forEach((step, i) => {
    if (!groups.includes(step.group)) {
      issues.push({ path: `strategy.infeasible.relax[${i}].group`, message: `no constraint group \`${step.group}\`; the groups are ${groups.map((g) => `\`${g}\``).join(', ')}` });
    }
  });
}

function checkBacktest(raw: Record<string, unknown>, issues: Issue[]): BacktestSettings | undefined {
  const given: Record<string, unknown> = {};
  for (const key of BACKTEST_KEYS) if (raw[key] !== undefined) given[key] = raw[key];
  const checked = checkSettings(given, 'strategy');
  if (!checked.ok) {
    issues.push(...checked.issues);
    return undefined;
  }
  return checked.value;
}

function checkBenchmark(value: unknown, index: string | undefined, issues: PositionedIssue[]): string | undefined {
  if (value === undefined) {
    if (index === undefined) return undefined;
    const text = `100% ${resolveIndexCode(index)}`;
    if (tryParseBenchmark(text).ok) return text;
    issues.push({ path: 'strategy.benchmark', message: `no benchmark is given and \`universe.index\` ${show(index)} is not an index code or alias; write the benchmark (e.g. \`100% 000852.SH\`)` });
    return undefined;
  }
  const text = field(param.string({ minLength: 1 }), value, 'strategy', 'benchmark', issues);
  if (text === undefined) return undefined;
  const parsed = tryParseBenchmark(text);
  if (!parsed.ok) {
    issues.push({ path: 'strategy.benchmark', message: `cannot read ${show(text)} at position ${parsed.position}: ${parsed.problem}`, offset: parsed.position });
    return undefined;
  }
  const unnamed = parsed.benchmark.terms.find((t) => t.kind === 'index' && t.code === undefined);
  if (unnamed && unnamed.kind === 'index') {
    issues.push({ path: 'strategy.benchmark', message: `the series ${show(unnamed.name ?? '')} has no index code; write the benchmark with codes (\`95% 000852.SH + 5% deposit\`)` });
    return undefined;
  }
  return text;
}

