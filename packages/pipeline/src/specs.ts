import {
  FactorkitError,
  type FactorPlugin,
  type Issue,
  PLUGIN_ID_PATTERN,
  type ParamSchema,
  type ParamSpec,
  type PluginRegistry,
  type PluginSource,
  ValidationError,
  isFactorkitError,
  resolvePluginParams,
} from '@factorkit/core';

/** A factor as written in a factor list, before it is looked up: see {@link parseFactorSpecs}. */
export interface FactorRequest {
  readonly id: string;
  /**
   * The parameters written, typed by their look: `true`/`false` as booleans, numerals as
   * numbers, anything else as text; `a.b=1` as `{ a: { b: 1 } }`. {@link resolveFactorSpecs}
   * re-reads each by the plugin's schema (a string parameter keeps `000300` as text).
   */
  readonly params: Readonly<Record<string, unknown>>;
  /** Each parameter's text as written, by its dotted key. */
  readonly written: Readonly<Record<string, string>>;
  /** 1-based position in the list (the `n`th factor), for messages. */
  readonly position: number;
  /** The entry as written: `momentum_1y:window=60,skip=20`. */
  readonly text: string;
}

/** A factor looked up and its parameters validated: what `computeFactors` takes. */
export interface ResolvedFactor {
  /** The name its values are written under: the id, or `id[param=value,…]` (see {@link factorNames}). */
  readonly name: string;
  readonly plugin: FactorPlugin;
  /** Validated, defaults filled in. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Where the registry got the plugin (package and version), when known. */
  readonly source?: PluginSource;
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const NUMERAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A parameter's text read by its look: booleans, numbers, else the text. */
function guess(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (NUMERAL.test(text)) return Number(text);
  return text;
}

/** Set `target[a][b]… = value` for the dotted `key`; false when a prefix is already a value. */
function setPath(target: Record<string, unknown>, key: string, value: unknown): boolean {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === undefined) node = node[part] = {};
    else if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
    else return false;
  }
  const last = parts[parts.length - 1]!;
  if (typeof node[last] === 'object' && node[last] !== null) return false;
  node[last] = value;
  return true;
}

/**
 * Read a factor list: comma-separated factor ids, each optionally followed by `:` and
 * `key=value` parameters; a `key=value` entry after a parameter belongs to the same factor.
 *
 * `momentum_1y:window=60,skip=20,ep_ttm` → `momentum_1y` with `{ window: 60, skip: 20 }`, then
 * `ep_ttm` with `{}`. Values: `true`/`false`, numbers, or text (no commas); `a.b=1` sets a nested
 * parameter. Spaces around entries are ignored.
 *
 * Every problem is reported at once, by entry (`what[3]`).
 *
 * @param what names the list in messages (the CLI passes `--factors`).
 * @throws ValidationError `FK_INVALID_ARGUMENT` listing every malformed entry.
 */
export function parseFactorSpecs(text: string, what = 'factors'): FactorRequest[] {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: name at least one factor id (for example \`momentum_1y:window=60,ep_ttm\`)`);
  }
  const issues: Issue[] = [];
  const out: { id: string; params: Record<string, unknown>; written: Record<string, string>; entries: string[] }[] = [];
  // Whether the last entry opened or continued a parameter list (so `k=v` may follow it).
  let open = false;
  const entries = text.split(',');
  entries.forEach((raw, i) => {
    const entry = raw.trim();
    const at = `${what}[${i + 1}]`;
    const addParam = (target: (typeof out)[number], assignment: string): boolean => {
      const eq = assignment.indexOf('=');
      const key = eq < 0 ? assignment.trim() : assignment.slice(0, eq).trim();
      const value = eq < 0 ? '' : assignment.slice(eq + 1).trim();
      if (eq < 0 || value === '') {
        issues.push({ path: at, message: `parameter \`${assignment}\` of \`${target.id}\` has no value: write \`${key || 'name'}=value\`` });
        return false;
      }
      if (!KEY.test(key)) {
        issues.push({ path: at, message: `\`${key}\` is not a parameter name (letters, digits and \`_\`, dots for nested parameters)` });
        return false;
      }
      if (key in target.written || Object.keys(target.written).some((k) => k.startsWith(`${key}.`) || key.startsWith(`${k}.`))) {
        issues.push({ path: at, message: `parameter \`${key}\` of \`${target.id}\` is given twice` });
        return false;
      }
      if (!setPath(target.params, key, guess(value))) {
        issues.push({ path: at, message: `parameter \`${key}\` of \`${target.id}\` conflicts with another` });
        return false;
      }
      target.written[key] = value;
      return true;
    };
    if (entry === '') {
      issues.push({ path: at, message: 'is empty (two commas in a row, or a comma at either end)' });
      open = false;
      return;
    }
    const colon = entry.indexOf(':');
    const eq = entry.indexOf('=');
    if (colon >= 0 && (eq < 0 || colon < eq)) {
      const id = entry.slice(0, colon).trim();
      const first = entry.slice(colon + 1).trim();
      if (!PLUGIN_ID_PATTERN.test(id)) {
        issues.push({ path: at, message: `\`${id}\` is not a factor id (lower case, starting with a letter: \`momentum_1y\`)` });
        open = false;
        return;
      }
      const factor = { id, params: {}, written: {}, entries: [entry] };
      out.push(factor);
      addParam(factor, first);
      open = true;
      return;
    }
    if (eq >= 0) {
      const previous = out[out.length - 1];
      if (!previous || !open) {
        const hint = previous ? `; to give it to \`${previous.id}\`, write \`${previous.id}:${entry}\`` : '';
        issues.push({ path: at, message: `parameter \`${entry}\` follows no factor with parameters${hint}` });
        return;
      }
      previous.entries.push(entry);
      addParam(previous, entry);
      return;
    }
    if (!PLUGIN_ID_PATTERN.test(entry)) {
      issues.push({ path: at, message: `\`${entry}\` is not a factor id (lower case, starting with a letter: \`momentum_1y\`)` });
      open = false;
      return;
    }
    out.push({ id: entry, params: {}, written: {}, entries: [entry] });
    open = false;
  });
  if (issues.length > 0) throw new ValidationError('FK_INVALID_ARGUMENT', `${what}: cannot read the factor list`, issues, { details: { what, text } });
  return out.map((f, k) => ({ id: f.id, params: f.params, written: f.written, position: k + 1, text: f.entries.join(',') }));
}

/** The spec of the parameter at a dotted key, if the schema has one. */
function specAt(schema: ParamSchema, key: string): ParamSpec | undefined {
  let spec: ParamSpec | undefined;
  let shape: ParamSchema | undefined = schema;
  for (const part of key.split('.')) {
    if (spec?.type === 'record') spec = spec.values as ParamSpec;
    else if (shape) spec = shape[part];
    else return undefined;
    shape = spec?.type === 'object' ? (spec.shape as ParamSchema) : undefined;
  }
  return spec;
}

/** The written parameters read by the plugin's schema: text stays text where a string is expected. */
function readParams(request: FactorRequest, schema: ParamSchema): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(request.written)) {
    const spec = specAt(schema, key);
    setPath(params, key, spec?.type === 'string' || spec?.type === 'enum' ? text : guess(text));
  }
  return params;
}

/** Parameters as a canonical string (keys sorted at every level), to compare parameter sets. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? String(value);
}

/** `{ a: { b: 1 }, c: 2 }` → `[['a.b', 1], ['c', 2]]`. */
function flatten(params: Readonly<Record<string, unknown>>, prefix = ''): [string, unknown][] {
  return Object.entries(params).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null && !Array.isArray(value) ? flatten(value as Record<string, unknown>, `${prefix}${key}.`) : [[`${prefix}${key}`, value] as [string, unknown]],
  );
}

function showValue(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/**
 * Output names for factors (ids with validated parameters): a factor's name is its id, unless
 * the same id appears more than once with different parameters; then each of those gets the
 * parameters that differ among them appended, `momentum_1y[window=60]`, `momentum_1y[window=250]`
 * (nested ones by dotted key, in the schema's order).
 *
 * @throws FK_INVALID_ARGUMENT when one id appears twice with the same validated parameters
 *   (defaults included: `momentum_1y` and `momentum_1y:window=250` are the same factor).
 */
export function factorNames(
  factors: readonly { readonly id: string; readonly params: Readonly<Record<string, unknown>>; readonly text?: string }[],
  what = 'factors',
): string[] {
  const byId = new Map<string, number[]>();
  factors.forEach((f, i) => byId.set(f.id, [...(byId.get(f.id) ?? []), i]));
  const names = factors.map((f) => f.id);
  const duplicates: string[] = [];
  for (const [id, indices] of byId) {
    if (indices.length < 2) continue;
    const keys = indices.map((i) => canonical(factors[i]!.params));
    const firstOf = new Map<string, number>();
    indices.forEach((i, k) => {
      const earlier = firstOf.get(keys[k]!);
      const label = (j: number) => `\`${factors[j]!.text ?? `${id} ${canonical(factors[j]!.params)}`}\``;
      if (earlier !== undefined) duplicates.push(`\`${id}\` is listed twice with the same parameters (entries ${earlier + 1} and ${i + 1}: ${label(earlier)}, ${label(i)})`);
      else firstOf.set(keys[k]!, i);
    });
    const flat = indices.map((i) => new Map(flatten(factors[i]!.params)));
    const allKeys = [...new Set(flat.flatMap((m) => [...m.keys()]))];
    const differing = allKeys.filter((key) => new Set(flat.map((m) => canonical(m.get(key)))).size > 1);
    indices.forEach((i, k) => {
      names[i] = `${id}[${differing.map((key) => `${key}=${showValue(flat[k]!.get(key))}`).join(',')}]`;
    });
  }
  if (duplicates.length > 0) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: ${duplicates.join('; ')}; list each factor once`, { details: { what } });
  }
  return names;
}

/**
 * Look up parsed factor requests in a registry and validate their parameters with each
 * plugin's schema; every problem at once. Names follow {@link factorNames}.
 *
 * @param what names the list in messages (the CLI passes `--factors`).
 * @throws FactorkitError `FK_UNKNOWN_PLUGIN` listing every unknown id (and the known ones);
 *   ValidationError `FK_INVALID_PARAMS` with one dot-path per problem
 *   (`momentum_1y.params.window: expected an integer ≥ 20, got \`5\``); `FK_INVALID_ARGUMENT`
 *   for a factor listed twice with the same parameters.
 */
export function resolveFactorSpecs(requests: readonly FactorRequest[], registry: PluginRegistry, what = 'factors'): ResolvedFactor[] {
  const unknown = [...new Set(requests.filter((r) => !registry.has('factor', r.id)).map((r) => r.id))];
  if (unknown.length > 0) {
    const known = registry.list('factor').map((e) => `\`${e.plugin.id}\``);
    throw new FactorkitError(
      'FK_UNKNOWN_PLUGIN',
      `${what}: unknown factor ${unknown.map((u) => `\`${u}\``).join(', ')}; ${known.length > 0 ? `known factors: ${known.join(', ')}` : 'no factor plugins are registered'}`,
      { details: { kind: 'factor', ids: unknown } },
    );
  }
  const sources = new Map(registry.list('factor').map((e) => [e.plugin.id, e.source]));
  const issues: Issue[] = [];
  const resolved: { plugin: FactorPlugin; params: Record<string, unknown>; source: PluginSource | undefined; text: string }[] = [];
  for (const request of requests) {
    const plugin = registry.get('factor', request.id) as FactorPlugin;
    try {
      const params = resolvePluginParams(plugin.meta, readParams(request, plugin.meta.params), `factor \`${plugin.id}\``) as Record<string, unknown>;
      resolved.push({ plugin, params, source: sources.get(plugin.id), text: request.text });
    } catch (error) {
      if (!isFactorkitError(error) || !('issues' in error)) throw error;
      for (const issue of (error as ValidationError).issues) issues.push({ path: `${request.id}${issue.path ? `.${issue.path}` : ''}`, message: issue.message });
    }
  }
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PARAMS', `${what}: invalid factor parameters`, issues, { details: { what } });
  const names = factorNames(
    resolved.map((r) => ({ id: r.plugin.id, params: r.params, text: r.text })),
    what,
  );
  return resolved.map((r, i) => ({ name: names[i]!, plugin: r.plugin, params: r.params, ...(r.source ? { source: r.source } : {}) }));
}
