import { type AnyPlugin, type Issue, type PluginKind, type PluginRegistry, createRegistry, isFactorkitError } from '@factorkit/core';
import { isRecord } from './fields.js';

/** Plugins given as objects in code, by kind and id, with where each was first given. */
export interface Provided {
  readonly registry: PluginRegistry;
  readonly paths: ReadonlyMap<string, string>;
}

const key = (kind: string, id: string) => `${kind}\u0000${id}`;

const isPlugin = (value: unknown, kind: PluginKind): value is AnyPlugin => isRecord(value) && value.kind === kind && typeof value.id === 'string' && isRecord(value.meta);

const SPEC_KEYS = new Set(['plugin', 'params', 'group', 'priority']);

/** What `plugin.with(params)` returns (a constraint's also has `group` and `priority`), and nothing more. */
const isSpec = (value: unknown, kind: PluginKind): value is { plugin: AnyPlugin; params: Record<string, unknown>; group?: string; priority?: number } =>
  isRecord(value) && isPlugin(value.plugin, kind) && isRecord(value.params) && Object.keys(value).every((k) => SPEC_KEYS.has(k));

/**
 * The plain definition of a strategy given in code: plugin objects and `plugin.with(params)` specs
 * replaced by their ids and parameters; the plugins themselves collected (and checked like a
 * registry checks them) so ids resolve to them first.
 */
export function fromCode(input: unknown): { definition: unknown; provided: Provided; issues: Issue[] } {
  const issues: Issue[] = [];
  const given = new Map<string, { plugin: AnyPlugin; path: string }>();
  const provide = (plugin: AnyPlugin, path: string): string => {
    const k = key(plugin.kind, plugin.id);
    const earlier = given.get(k);
    if (earlier && earlier.plugin !== plugin) {
      issues.push({ path, message: `another ${plugin.kind} plugin with the id \`${plugin.id}\` is given at ${earlier.path}; one id, one plugin` });
    } else if (!earlier) given.set(k, { plugin, path });
    return plugin.id;
  };

  /** A plugin, a spec, or an entry whose `id` (or `plugin`) is one: the entry with the id and the spec's params under the entry's own. */
  const entry = (value: unknown, kind: PluginKind, path: string): unknown => {
    if (isPlugin(value, kind)) return { id: provide(value, path) };
    if (isSpec(value, kind)) {
      const { plugin, params, group, priority } = value;
      return { id: provide(plugin, path), params, ...(kind === 'constraint' ? { group, priority } : {}) };
    }
    if (!isRecord(value)) return value;
    const ref = value.plugin !== undefined ? value.plugin : value.id;
    const refKey = value.plugin !== undefined ? 'plugin' : 'id';
    const at = `${path}.${refKey}`;
    if (isPlugin(ref, kind) || isSpec(ref, kind)) {
      const { [refKey]: _, ...rest } = value;
      const inner = entry(ref, kind, at) as Record<string, unknown>;
      return { ...inner, ...rest, id: inner.id, params: { ...(inner.params as object | undefined), ...(isRecord(rest.params) ? rest.params : {}) } };
    }
    return value;
  };

  if (!isRecord(input)) return { definition: input, provided: { registry: createRegistry(), paths: new Map() }, issues };
  const out: Record<string, unknown> = { ...input };
  out.universe = universe(input.universe, provide);
  if (Array.isArray(input.factors)) out.factors = input.factors.map((f: unknown, i) => entry(f, 'factor', `strategy.factors[${i}]`));
  if (input.model !== undefined) out.model = entry(input.model, 'model', 'strategy.model');
  if (Array.isArray(input.constraints)) out.constraints = input.constraints.map((c: unknown, i) => entry(c, 'constraint', `strategy.constraints[${i}]`));
  if (input.optimizer !== undefined) out.optimizer = entry(input.optimizer, 'optimizer', 'strategy.optimizer');
  if (isRecord(input.risk) && Array.isArray(input.risk.styles)) {
    out.risk = { ...input.risk, styles: input.risk.styles.map((style: unknown, i) => entry(style, 'factor', `strategy.risk.styles[${i}]`)) };
  }

  const registry = createRegistry();
  const paths = new Map<string, string>();
  for (const [k, { path }] of given) paths.set(k, path);
  if (given.size > 0) {
    try {
      registry.register([...given.values()].map((g) => g.plugin), { source: { type: 'object' } });
    } catch (error) {
      if (!isFactorkitError(error) || !('problems' in error)) throw error;
      for (const problem of error.problems as readonly { plugin: string; message: string; issues?: readonly Issue[] }[]) {
        const match = /^(\w+) `([^`]*)`/.exec(problem.plugin);
        const path = (match && paths.get(key(match[1]!, match[2]!))) ?? 'strategy';
        const details = problem.issues?.length ? `: ${problem.issues.map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`).join('; ')}` : '';
        issues.push({ path, message: `the ${problem.plugin} given in code ${problem.message}${details}` });
      }
    }
  }
  return { definition: out, provided: { registry, paths }, issues };
}

/** The universe in code: a spec (`indexUniverse.with({ index })`), or the entry with a plugin or spec as its `plugin`. */
function universe(value: unknown, provide: (plugin: AnyPlugin, path: string) => string): unknown {
  const split = (params: Record<string, unknown>) => {
    const { index, ...rest } = params;
    return { index, rest };
  };
  if (isSpec(value, 'universe')) {
    const { index, rest } = split(value.params);
    return { ...(index !== undefined ? { index } : {}), plugin: provide(value.plugin, 'strategy.universe'), params: rest };
  }
  if (isPlugin(value, 'universe')) return { plugin: provide(value, 'strategy.universe') };
  if (!isRecord(value)) return value;
  const ref = value.plugin;
  if (isPlugin(ref, 'universe')) return { ...value, plugin: provide(ref, 'strategy.universe.plugin') };
  if (isSpec(ref, 'universe')) {
    const { index, rest } = split(ref.params);
    return {
      ...value,
      ...(value.index === undefined && index !== undefined ? { index } : {}),
      plugin: provide(ref.plugin, 'strategy.universe.plugin'),
      params: { ...rest, ...(isRecord(value.params) ? value.params : {}) },
    };
  }
  return value;
}
