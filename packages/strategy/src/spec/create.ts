import {
  type ConstraintSpec,
  type FactorSpec,
  type Issue,
  type ParamSchema,
  type PluginKind,
  type PluginOf,
  type PluginRegistry,
  type PluginSource,
  isFactorkitError,
  resolvePluginParams,
  show,
} from '@factorkit/core';
import { BACKTEST_SETTINGS, type BacktestSettings } from '@factorkit/backtest';
import { formatBenchmark, parseBenchmark as readBenchmark } from '@factorkit/benchmark';
import { builtinRegistry } from './builtins.js';
import { type Provided, fromCode } from './code.js';
import { RISK_PERIODS_PER_YEAR, RUNNER_SIZE, deepFreeze } from './defaults.js';
import { locate, sourceOf, strategyError } from './errors.js';
import { type PositionedIssue, checkStrategyDefinition } from './schema.js';
import { knownIds } from './suggest.js';
import type {
  ConstraintEntry,
  CreateStrategyOptions,
  FactorEntry,
  ResolvedPlugin,
  RiskDefinition,
  RiskStyleEntry,
  Strategy,
  StrategyDefinition,
  StrategyFactor,
  StrategyInput,
  StrategyRisk,
  UniverseDefinitionEntry,
} from './types.js';

/** Looks ids up: plugins given in code, then the registry, then the built-ins. */
class Resolver {
  /** Issues that are unknown ids (the error's code is `FK_UNKNOWN_PLUGIN` when every issue is one). */
  readonly unknown = new Set<Issue>();
  private readonly sources: readonly PluginRegistry[];

  constructor(
    provided: Provided,
    registry: PluginRegistry | undefined,
    private readonly issues: PositionedIssue[],
  ) {
    this.sources = [provided.registry, ...(registry ? [registry] : []), builtinRegistry()];
  }

  /** Whether some source has the plugin. */
  has(kind: PluginKind, id: string): boolean {
    return this.sources.some((r) => r.has(kind, id));
  }

  /** The plugin of `kind` with `id`, or an issue at `path` listing the close ids. */
  plugin<K extends PluginKind>(kind: K, id: string, path: string): { plugin: PluginOf<K>; source: PluginSource | undefined } | undefined {
    for (const [i, registry] of this.sources.entries()) {
      if (!registry.has(kind, id)) continue;
      const entry = registry.list(kind).find((e) => e.plugin.id === id);
      return { plugin: registry.get(kind, id), source: i === 0 ? undefined : entry?.source };
    }
    const known = [...new Set(this.sources.flatMap((r) => r.list(kind).map((e) => e.plugin.id)))];
    const issue = { path, message: `unknown ${kind} plugin \`${id}\`; ${knownIds(id, known)}` };
    this.unknown.add(issue);
    this.issues.push(issue);
    return undefined;
  }

  /**
   * `input` checked by the plugin's schema and its `validate` hook, defaults filled; problems at
   * `path` + the parameter's path (`where` renames the parameter paths, e.g. `params.index`).
   */
  params(plugin: PluginOf<PluginKind>, input: Readonly<Record<string, unknown>>, path: string, where: (paramPath: string) => string = (p) => `${path}.${p}`): Record<string, unknown> | undefined {
    try {
      return resolvePluginParams(plugin.meta, input, `${plugin.kind} \`${plugin.id}\``) as Record<string, unknown>;
    } catch (error) {
      if (isFactorkitError(error) && 'issues' in error) {
        for (const issue of error.issues as readonly Issue[]) this.issues.push({ path: where(issue.path), message: issue.message });
        return undefined;
      }
      this.issues.push({ path, message: `the parameters of ${plugin.kind} \`${plugin.id}\` could not be checked: ${error instanceof Error ? error.message : show(error)}` });
      return undefined;
    }
  }
}

/** A resolved plugin with its parameters, or `undefined` when either failed. */
function resolved<K extends PluginKind>(
  resolver: Resolver,
  kind: K,
  id: string,
  params: Readonly<Record<string, unknown>>,
  idPath: string,
  path: string,
  where?: (paramPath: string) => string,
): (ResolvedPlugin<PluginOf<K>> & { source?: PluginSource }) | undefined {
  const found = resolver.plugin(kind, id, idPath);
  if (!found) return undefined;
  const checked = resolver.params(found.plugin, params, path, where);
  if (!checked) return undefined;
  return { plugin: found.plugin, params: checked, ...(found.source ? { source: found.source } : {}) };
}

/**
 * Resolve a strategy: check the definition (every problem at once), look up every plugin id
 * (plugins given in code first, then `options.registry`, then the plugins this package depends
 * on: see {@link CreateStrategyOptions.registry}), check every plugin's parameters by its own
 * schema (paths such as `strategy.factors[1].params.window`), and return the frozen
 * {@link Strategy}. The plugin problems of the fields that are sound come with the definition's
 * own problems, in one error.
 *
 * `input` is a {@link StrategyDefinition} (from {@link parseStrategy} or `readStrategyFile`, whose
 * problems are then reported at their lines in the file), or the code form
 * ({@link StrategyInput}): factors, the model, constraints, the optimizer and the universe may be
 * plugin objects or `plugin.with(params)` specs. `objective.trackingError` adds a
 * `tracking-error-cap` constraint (`cap`, `periodsPerYear: 252`) after the others.
 *
 * @throws ValidationError `FK_UNKNOWN_PLUGIN` when every problem is an unknown id (each names its
 *   path and the close ids), else `FK_INVALID_STRATEGY` listing every problem.
 */
export function createStrategy(input: StrategyDefinition | StrategyInput, options: CreateStrategyOptions = {}): Strategy {
  const map = sourceOf(input);
  const code = fromCode(input);
  const checked = checkStrategyDefinition(code.definition);
  // The plugins of the fields that passed are checked even when others failed: every problem at once.
  const d: Partial<StrategyDefinition> = checked.ok ? checked.value : checked.partial;
  const issues: PositionedIssue[] = [...code.issues, ...(checked.ok ? [] : checked.issues)];
  const resolver = new Resolver(code.provided, options.registry, issues);
  const parts = resolveParts(resolver, d);
  if (issues.length > 0 || !checked.ok || !parts) {
    const kind = issues.length > 0 && issues.every((issue) => resolver.unknown.has(issue)) ? 'FK_UNKNOWN_PLUGIN' : 'FK_INVALID_STRATEGY';
    throw strategyError(kind, locate(issues, map), map?.file);
  }
  const { universe, investable, factors, model, constraints, optimizer, risk } = parts;
  const v = checked.value;
  const m = v.model;
  const entries = v.constraints as ConstraintEntry[];
  const definition: StrategyDefinition = {
    ...v,
    universe: { ...(v.universe as Required<UniverseDefinitionEntry>), params: withoutIndex(universe), investable: investable ? investable.params : false },
    factors: factors.map((f, i) => ({ id: (v.factors[i] as FactorEntry).id, name: f.name, params: f.params, direction: f.direction })),
    model: { ...m, params: model.params },
    constraints: entries.map((entry, i) => ({ id: entry.id, params: constraints[i]!.params, group: constraints[i]!.group, priority: constraints[i]!.priority })),
    optimizer: { id: optimizer.plugin.id, params: optimizer.params },
    risk: risk === false ? false : risk.definition,
  };
  const backtest = Object.fromEntries(Object.keys(BACKTEST_SETTINGS).map((k) => [k, (v as unknown as Record<string, unknown>)[k]])) as BacktestSettings;
  const strategy: Strategy = {
    name: v.name,
    description: v.description ?? '',
    definition: JSON.parse(JSON.stringify(definition)) as StrategyDefinition,
    universe,
    investable,
    benchmark: formatBenchmark(readBenchmark(v.benchmark!)),
    factors,
    preprocess: v.preprocess as Strategy['preprocess'],
    model: {
      ...model,
      horizon: m.horizon!,
      retrainEvery: m.retrainEvery!,
      window: m.window!,
      labelTransform: m.labelTransform!,
      ...(m.minDates !== undefined ? { minDates: m.minDates } : {}),
    },
    objective: v.objective!,
    constraints,
    optimizer,
    rebalance: v.rebalance!,
    risk: risk === false ? false : risk.resolved,
    infeasible: { policy: v.infeasible!.policy, relax: v.infeasible!.relax ?? [] },
    backtest,
    ...(v.start !== undefined ? { start: v.start } : {}),
    ...(v.end !== undefined ? { end: v.end } : {}),
  };
  return deepFreeze(strategy);
}

type AnyConstraintSpec = ConstraintSpec<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every plugin of the fields present, resolved with its parameters; `undefined` when any failed or is missing. */
function resolveParts(resolver: Resolver, d: Partial<StrategyDefinition>) {
  const entry = d.universe as Required<UniverseDefinitionEntry> | undefined;
  const universe = entry && resolveUniverse(resolver, entry);
  const investable =
    !entry || entry.investable === false
      ? undefined
      : resolved(resolver, 'universe', 'market', entry.investable, 'strategy.universe.investable', 'strategy.universe', (p) => `strategy.universe.${p.replace(/^params/, 'investable')}`);

  const factors = (d.factors as FactorEntry[] | undefined)?.map((f, i): StrategyFactor | undefined => {
    const path = `strategy.factors[${i}]`;
    const r = resolved(resolver, 'factor', f.id, f.params ?? {}, `${path}.id`, path);
    if (!r) return undefined;
    return { name: f.name ?? f.id, plugin: r.plugin, params: r.params, direction: f.direction ?? r.plugin.meta.direction, ...(r.source ? { source: r.source } : {}) };
  });

  const model = d.model && resolved(resolver, 'model', d.model.id, d.model.params ?? {}, 'strategy.model.id', 'strategy.model');

  const constraints = (d.constraints as ConstraintEntry[] | undefined)?.map((c, i): AnyConstraintSpec | undefined => {
    const path = `strategy.constraints[${i}]`;
    const r = resolved(resolver, 'constraint', c.id, c.params ?? {}, `${path}.id`, path);
    if (!r) return undefined;
    return { plugin: r.plugin, params: r.params, group: c.group ?? c.id, priority: c.priority ?? r.plugin.meta.priority ?? 0 };
  });
  const te = d.objective?.trackingError;
  if (te !== undefined && constraints) {
    const path = 'strategy.objective.trackingError';
    const r = resolved(resolver, 'constraint', 'tracking-error-cap', { cap: te, periodsPerYear: RISK_PERIODS_PER_YEAR }, path, path, () => path);
    constraints.push(r ? { plugin: r.plugin, params: r.params, group: 'tracking-error-cap', priority: r.plugin.meta.priority ?? 0 } : undefined);
  }

  const optimizer = d.optimizer && resolved(resolver, 'optimizer', d.optimizer.id, d.optimizer.params ?? {}, 'strategy.optimizer.id', 'strategy.optimizer');
  const risk = d.risk === undefined || d.risk === false ? d.risk : resolveRisk(resolver, d.risk);

  if (!entry || !universe || (entry.investable !== false && !investable) || !factors || factors.includes(undefined) || !model || !constraints || constraints.includes(undefined) || !optimizer || risk === undefined) return undefined;
  return { universe, investable, factors: factors as StrategyFactor[], model, constraints: constraints as AnyConstraintSpec[], optimizer, risk };
}

/**
 * The risk model with its styles resolved: a factor plugin id becomes the plugin's spec (its
 * parameters checked); `size` without a plugin of that id stays a name the runner computes.
 */
function resolveRisk(resolver: Resolver, risk: RiskDefinition): { resolved: StrategyRisk; definition: RiskDefinition } | undefined {
  if (risk.styles === undefined) return { resolved: risk as StrategyRisk, definition: risk };
  const styles = risk.styles.map((style, i): { resolved: string | FactorSpec<any>; written: RiskStyleEntry } | undefined => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const path = `strategy.risk.styles[${i}]`;
    const entry = typeof style === 'string' ? { id: style, params: {} } : { id: style.id, params: style.params ?? {} };
    if (entry.id === RUNNER_SIZE && !resolver.has('factor', entry.id) && Object.keys(entry.params).length === 0) return { resolved: RUNNER_SIZE, written: RUNNER_SIZE };
    const r = resolved(resolver, 'factor', entry.id, entry.params, typeof style === 'string' ? path : `${path}.id`, path);
    return r ? { resolved: { plugin: r.plugin, params: r.params }, written: { id: entry.id, params: r.params } } : undefined;
  });
  if (styles.includes(undefined)) return undefined;
  const done = styles as { resolved: string | FactorSpec<any>; written: RiskStyleEntry }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  return { resolved: { ...risk, styles: done.map((s) => s.resolved) }, definition: { ...risk, styles: done.map((s) => s.written) } };
}

/** The universe plugin with `universe.index` as its `index` parameter when it takes one. */
function resolveUniverse(resolver: Resolver, entry: Required<UniverseDefinitionEntry>): ResolvedPlugin<PluginOf<'universe'>> | undefined {
  const found = resolver.plugin('universe', entry.plugin, 'strategy.universe.plugin');
  if (!found) return undefined;
  const takesIndex = Object.hasOwn(found.plugin.meta.params as ParamSchema, 'index');
  const input = takesIndex ? { ...entry.params, index: entry.index } : entry.params;
  const params = resolver.params(found.plugin, input, 'strategy.universe', (p) => (p === 'params.index' ? 'strategy.universe.index' : `strategy.universe.${p}`));
  if (!params) return undefined;
  return { plugin: found.plugin, params, ...(found.source ? { source: found.source } : {}) };
}

function withoutIndex(universe: ResolvedPlugin<unknown>): Record<string, unknown> {
  const { index: _, ...rest } = universe.params;
  return rest;
}

