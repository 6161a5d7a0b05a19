import type { ApiVersion } from './version.js';
import { type Issue, ValidationError, show } from './errors.js';
import type { FieldKind } from './data.js';
import { type ParamSchema, type ParamsOf, checkSchema, parseParams } from './params.js';

/** The five kinds of plugin factorkit composes (`model` since core API 1.1). */
export type PluginKind = 'factor' | 'universe' | 'constraint' | 'optimizer' | 'model';

export const PLUGIN_KINDS: readonly PluginKind[] = ['factor', 'universe', 'constraint', 'optimizer', 'model'];

/**
 * A plugin id: lower case, starting with a letter; digits, `_`, `-` and `.` allowed
 * (`momentum_1y`, `acme.quality-score`). Ids are unique per kind within a registry.
 */
export const PLUGIN_ID_PATTERN = /^[a-z][a-z0-9_.-]*$/;

/** Fields every plugin has, whatever its kind. */
export interface PluginBase<K extends PluginKind> {
  readonly kind: K;
  readonly id: string;
  /** The core API version (`MAJOR.MINOR`) the plugin was written for. */
  readonly apiVersion: ApiVersion | (string & {});
}

/** Metadata every plugin kind has. */
export interface MetaBase<S extends ParamSchema> {
  /** A short human title, e.g. `一年动量 (one-year momentum)`. */
  readonly title?: string;
  readonly description: string;
  readonly params: S;
  /**
   * Checks across parameters that the per-parameter specs cannot express (for example
   * `skip < window`). Runs after the specs passed; returns problems with paths relative to the
   * parameters (`skip`, `bands[1].max`). Called by `with()` and wherever params are resolved.
   */
  readonly validate?: (params: ParamsOf<S>) => readonly Issue[];
}

/**
 * Validate `input` against a plugin's parameter specs and its `validate` hook, filling in
 * defaults; every problem is reported at once.
 * @throws ValidationError `FK_INVALID_PARAMS`
 */
export function resolvePluginParams<S extends ParamSchema>(meta: MetaBase<S>, input: unknown, owner: string): ParamsOf<S> {
  const params = parseParams(meta.params, input ?? {}, owner);
  const issues = meta.validate?.(params) ?? [];
  if (issues.length > 0) {
    throw new ValidationError(
      'FK_INVALID_PARAMS',
      `invalid parameters for ${owner}`,
      issues.map((issue) => ({ path: issue.path ? `params.${issue.path}` : 'params', message: issue.message })),
      { details: { owner } },
    );
  }
  return params;
}

/**
 * A data field a plugin reads, with its point-in-time lag.
 *
 * `lag` is an extra delay in trading days on top of the field's own availability: with
 * `lag: 1`, a fundamental announced on day `d` is first seen on the trading day after `d`.
 */
export interface InputSpec {
  readonly field: string;
  readonly kind?: FieldKind;
  /** Trading days of extra delay, ≥ 0. Default 0. */
  readonly lag?: number;
  /** When true, the plugin runs without this field (and must handle its absence). */
  readonly optional?: boolean;
  readonly description?: string;
}

/** The source of a registered plugin, as shown by `factorkit plugins list`. */
export interface PluginSource {
  /** `builtin`: shipped with the CLI; `package`: loaded by package name; `object`: registered in code. */
  readonly type: 'builtin' | 'package' | 'object';
  readonly package?: string;
  readonly version?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Shape problems of the fields every plugin shares. */
export function checkPluginBase(value: unknown, kind: PluginKind): Issue[] {
  if (!isRecord(value)) return [{ path: '', message: `expected a ${kind} plugin object, got ${show(value)}` }];
  const issues: Issue[] = [];
  if (value.kind !== kind) issues.push({ path: 'kind', message: `expected \`${kind}\`, got ${show(value.kind)}` });
  if (typeof value.id !== 'string' || !PLUGIN_ID_PATTERN.test(value.id)) {
    issues.push({ path: 'id', message: `expected an id matching ${String(PLUGIN_ID_PATTERN)}, got ${show(value.id)}` });
  }
  if (typeof value.apiVersion !== 'string' || !/^\d+\.\d+$/.test(value.apiVersion)) {
    issues.push({ path: 'apiVersion', message: `expected the core API version the plugin targets, as MAJOR.MINOR (e.g. "1.0"), got ${show(value.apiVersion)}` });
  }
  if (!isRecord(value.meta)) {
    issues.push({ path: 'meta', message: `expected an object, got ${show(value.meta)}` });
    return issues;
  }
  const meta = value.meta;
  if (typeof meta.description !== 'string' || meta.description.trim() === '') {
    issues.push({ path: 'meta.description', message: `expected a non-empty string, got ${show(meta.description)}` });
  }
  if (meta.title !== undefined && typeof meta.title !== 'string') {
    issues.push({ path: 'meta.title', message: `expected a string, got ${show(meta.title)}` });
  }
  issues.push(...checkSchema(meta.params ?? {}, 'meta.params'));
  if (meta.validate !== undefined && typeof meta.validate !== 'function') {
    issues.push({ path: 'meta.validate', message: `expected a function, got ${show(meta.validate)}` });
  }
  return issues;
}

/** Shape problems of a list of {@link InputSpec}. */
export function checkInputs(value: unknown, path = 'meta.inputs'): Issue[] {
  if (!Array.isArray(value)) return [{ path, message: `expected an array of inputs, got ${show(value)}` }];
  const issues: Issue[] = [];
  const seen = new Set<string>();
  value.forEach((input: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(input)) {
      issues.push({ path: at, message: `expected { field, lag? }, got ${show(input)}` });
      return;
    }
    if (typeof input.field !== 'string' || input.field === '') {
      issues.push({ path: `${at}.field`, message: `expected a field name, got ${show(input.field)}` });
    } else if (seen.has(input.field)) {
      issues.push({ path: `${at}.field`, message: `field \`${input.field}\` is declared twice` });
    } else seen.add(input.field);
    if (input.lag !== undefined && !(Number.isInteger(input.lag) && (input.lag as number) >= 0)) {
      issues.push({ path: `${at}.lag`, message: `expected a non-negative integer number of trading days, got ${show(input.lag)}` });
    }
  });
  return issues;
}

export function checkFunction(value: unknown, path: string): Issue[] {
  return typeof value === 'function' ? [] : [{ path, message: `expected a function, got ${show(value)}` }];
}
