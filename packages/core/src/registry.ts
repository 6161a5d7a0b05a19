import { type ConstraintPlugin, checkConstraint, defineConstraint } from './constraint.js';
import { type ErrorCode, FactorkitError, type Issue, formatIssues, show } from './errors.js';
import { type FactorPlugin, checkFactor, defineFactor } from './factor.js';
import { type ModelPlugin, checkModel, defineModel } from './model.js';
import { type OptimizerPlugin, checkOptimizer, defineOptimizer } from './optimizer.js';
import { PLUGIN_KINDS, type PluginKind, type PluginSource } from './plugin.js';
import { type UniversePlugin, checkUniverse, defineUniverse } from './universe.js';
import { CORE_API_VERSION, checkApiCompatibility } from './version.js';

/** Any plugin. */
export type AnyPlugin = FactorPlugin<any> | UniversePlugin<any> | ConstraintPlugin<any> | OptimizerPlugin<any> | ModelPlugin<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The plugin type of kind `K`. */
export type PluginOf<K extends PluginKind> = Extract<AnyPlugin, { kind: K }>;

/** A plugin in a registry, with where it came from. */
export interface RegisteredPlugin<P extends AnyPlugin = AnyPlugin> {
  readonly plugin: P;
  readonly source: PluginSource;
}

/** One problem found while registering, naming the plugin it concerns. */
export interface RegistrationProblem {
  readonly code: ErrorCode;
  /** `kind \`id\`` or, when the object is not recognisable, its position. */
  readonly plugin: string;
  readonly message: string;
  readonly issues?: readonly Issue[];
}

/**
 * Thrown when a batch of plugins cannot be registered. Nothing of the batch was added.
 * `code` is the problems' shared code (`FK_DUPLICATE_ID`, `FK_API_VERSION`, …), or
 * `FK_INVALID_PLUGIN` when they differ; `problems` lists each.
 */
export class PluginRegistrationError extends FactorkitError {
  override readonly name: string = 'PluginRegistrationError';
  readonly problems: readonly RegistrationProblem[];

  constructor(problems: readonly RegistrationProblem[], sourceText: string) {
    const codes = new Set(problems.map((p) => p.code));
    const code = codes.size === 1 ? problems[0]!.code : 'FK_INVALID_PLUGIN';
    const body = problems
      .map((p) => (p.issues && p.issues.length > 0 ? formatIssues(`${p.plugin}: ${p.message}`, p.issues) : `${p.plugin}: ${p.message}`))
      .join('\n');
    super(code, `cannot register plugins${sourceText}:\n${body}`, { details: { problems } });
    this.problems = problems;
  }
}

export interface RegisterOptions {
  readonly source?: PluginSource;
  /** Replace already-registered plugins with the same kind and id instead of failing. */
  readonly override?: boolean;
}

/** A validated set of plugins, addressable by kind and id. */
export interface PluginRegistry {
  /** The core API version plugins are checked against. */
  readonly apiVersion: string;
  /**
   * Validate every plugin, then add them all, or none: shape, API compatibility and id
   * uniqueness are checked for the whole batch first, and every problem is reported at once.
   * @throws PluginRegistrationError
   */
  register(plugins: AnyPlugin | readonly AnyPlugin[], options?: RegisterOptions): void;
  /** The plugins a module exports (see {@link pluginsFromModule}), registered as one batch. */
  registerModule(moduleValue: unknown, options?: RegisterOptions): readonly AnyPlugin[];
  has(kind: PluginKind, id: string): boolean;
  /** @throws FactorkitError `FK_UNKNOWN_PLUGIN`, listing the ids that do exist. */
  get<K extends PluginKind>(kind: K, id: string): PluginOf<K>;
  list(kind?: PluginKind): readonly RegisteredPlugin[];
}

const CHECKS: Record<PluginKind, (value: unknown) => Issue[]> = {
  factor: checkFactor,
  universe: checkUniverse,
  constraint: checkConstraint,
  optimizer: checkOptimizer,
  model: checkModel,
};

/**
 * A plugin written as a plain object (not made by its `define*` helper, or made by another copy
 * of core) gets the same `with()` the helpers give, so every registered plugin can be configured.
 */
function normalise(plugin: AnyPlugin): AnyPlugin {
  if (typeof (plugin as { with?: unknown }).with === 'function') return plugin;
  switch (plugin.kind) {
    case 'factor':
      return defineFactor(plugin);
    case 'universe':
      return defineUniverse(plugin);
    case 'constraint':
      return defineConstraint(plugin);
    case 'optimizer':
      return defineOptimizer(plugin);
    case 'model':
      return defineModel(plugin);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const looksLikePlugin = (value: unknown): boolean =>
  isRecord(value) && typeof value.kind === 'string' && PLUGIN_KINDS.includes(value.kind as PluginKind) && 'id' in value;

/**
 * The plugins a module exports. A plugin package exports, in order of preference:
 * a `default` export that is a plugin, an array of plugins or `{ plugins: [...] }`; a named
 * `plugins` array; or named exports that are plugins.
 */
export function pluginsFromModule(moduleValue: unknown): unknown[] {
  if (!isRecord(moduleValue) && !Array.isArray(moduleValue)) return [];
  const fromValue = (value: unknown): unknown[] | undefined => {
    if (Array.isArray(value)) return value as unknown[];
    if (looksLikePlugin(value)) return [value];
    if (isRecord(value) && Array.isArray(value.plugins)) return value.plugins as unknown[];
    return undefined;
  };
  if (Array.isArray(moduleValue) || looksLikePlugin(moduleValue)) return fromValue(moduleValue) ?? [];
  const record = moduleValue;
  const fromDefault = fromValue(record.default);
  if (fromDefault) return fromDefault;
  if (Array.isArray(record.plugins)) return record.plugins as unknown[];
  // CommonJS seen through `import()`: the exports object may sit under `default`.
  if (isRecord(record.default)) {
    const nested = pluginsFromModule(record.default);
    if (nested.length > 0) return nested;
  }
  const seen = new Set<unknown>();
  return Object.values(record).filter((value) => {
    if (!looksLikePlugin(value) || seen.has(value)) return false;
    seen.add(value);
    return true;
  });
}

/**
 * Create an empty registry.
 *
 * @example
 * const registry = createRegistry();
 * registry.register([momentum, myFactor]);
 * registry.get('factor', 'momentum_1y');
 */
export function createRegistry(options: { apiVersion?: string } = {}): PluginRegistry {
  const apiVersion = options.apiVersion ?? CORE_API_VERSION;
  const entries = new Map<string, RegisteredPlugin>();
  const key = (kind: string, id: string) => `${kind}\u0000${id}`;

  const describe = (value: unknown, position: number): string =>
    isRecord(value) && typeof value.kind === 'string' && typeof value.id === 'string' ? `${value.kind} \`${value.id}\`` : `plugin #${position} (${show(value)})`;

  function register(input: AnyPlugin | readonly AnyPlugin[], registerOptions: RegisterOptions = {}): void {
    const batch: unknown[] = Array.isArray(input) ? [...(input as unknown[])] : [input];
    const source = registerOptions.source ?? { type: 'object' as const };
    const problems: RegistrationProblem[] = [];
    const batchKeys = new Map<string, number>();
    batch.forEach((value, position) => {
      const name = describe(value, position);
      const kind = isRecord(value) ? value.kind : undefined;
      if (typeof kind !== 'string' || !PLUGIN_KINDS.includes(kind as PluginKind)) {
        problems.push({ code: 'FK_INVALID_PLUGIN', plugin: name, message: `\`kind\` must be one of ${PLUGIN_KINDS.join(', ')}, got ${show(kind)}` });
        return;
      }
      const plugin = value as Record<string, unknown>;
      // Compatibility first: a plugin for another major may legitimately have another shape.
      const compatibility = checkApiCompatibility(plugin.apiVersion, apiVersion);
      if (!compatibility.compatible) {
        problems.push({ code: 'FK_API_VERSION', plugin: name, message: compatibility.reason });
        return;
      }
      const issues = CHECKS[kind as PluginKind](value);
      if (issues.length > 0) {
        problems.push({ code: 'FK_INVALID_PLUGIN', plugin: name, message: 'is malformed', issues });
        return;
      }
      const k = key(kind, plugin.id as string);
      const earlier = batchKeys.get(k);
      if (earlier !== undefined) {
        problems.push({ code: 'FK_DUPLICATE_ID', plugin: name, message: `has the same id as plugin #${earlier} of this batch` });
        return;
      }
      batchKeys.set(k, position);
      const existing = entries.get(k);
      if (existing && !registerOptions.override) {
        const from = existing.source.package ? ` from \`${existing.source.package}\`` : '';
        problems.push({ code: 'FK_DUPLICATE_ID', plugin: name, message: `is already registered${from}; pass \`override: true\` to replace it` });
      }
    });
    if (problems.length > 0) {
      throw new PluginRegistrationError(problems, source.package ? ` from \`${source.package}\`` : '');
    }
    for (const value of batch) {
      const plugin = normalise(value as AnyPlugin);
      entries.set(key(plugin.kind, plugin.id), { plugin, source });
    }
  }

  return {
    apiVersion,
    register,
    registerModule(moduleValue, registerOptions = {}) {
      const plugins = pluginsFromModule(moduleValue);
      if (plugins.length === 0) {
        const where = registerOptions.source?.package ? `\`${registerOptions.source.package}\`` : 'the module';
        throw new FactorkitError(
          'FK_PLUGIN_LOAD',
          `${where} exports no factorkit plugin (expected a default export that is a plugin, an array of plugins or { plugins: [...] })`,
        );
      }
      register(plugins as AnyPlugin[], registerOptions);
      return plugins as AnyPlugin[];
    },
    has: (kind, id) => entries.has(key(kind, id)),
    get<K extends PluginKind>(kind: K, id: string): PluginOf<K> {
      const entry = entries.get(key(kind, id));
      if (!entry) {
        const known = [...entries.values()].filter((e) => e.plugin.kind === kind).map((e) => e.plugin.id);
        throw new FactorkitError(
          'FK_UNKNOWN_PLUGIN',
          `no ${kind} plugin with id \`${id}\`${known.length ? `; registered: ${known.map((k) => `\`${k}\``).join(', ')}` : `; no ${kind} plugins are registered`}`,
          { details: { kind, id, known } },
        );
      }
      return entry.plugin as PluginOf<K>;
    },
    list: (kind) =>
      [...entries.values()]
        .filter((e) => kind === undefined || e.plugin.kind === kind)
        .sort((a, b) => (a.plugin.kind === b.plugin.kind ? a.plugin.id.localeCompare(b.plugin.id) : a.plugin.kind.localeCompare(b.plugin.kind))),
  };
}
