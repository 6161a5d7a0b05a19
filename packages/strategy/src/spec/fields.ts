import { type Issue, type ParamSpec, type ValueOf, checkParams, show } from '@factorkit/core';
import { suggestion } from './suggest.js';

/** A plain object (not an array, not a typed array, not null). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);

/** `path.key`, or `path["odd key"]` as core writes parameter paths. */
export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/**
 * Check one value against a core parameter spec, the issue (if any) at `parent.key`; the value
 * with defaults filled, or `undefined` when it failed.
 */
export function field<S extends ParamSpec>(spec: S, value: unknown, parent: string, key: string, issues: Issue[]): ValueOf<S> | undefined {
  const checked = checkParams({ [key]: spec }, { [key]: value }, parent);
  if (!checked.ok) {
    issues.push(...checked.issues);
    return undefined;
  }
  return (checked.value as Record<string, unknown>)[key] as ValueOf<S>;
}

/** {@link field} for a value that may be absent (then `undefined`, no issue). */
export function optional<S extends ParamSpec>(spec: S, value: unknown, parent: string, key: string, issues: Issue[]): ValueOf<S> | undefined {
  return value === undefined ? undefined : field(spec, value, parent, key, issues);
}

/** An issue for each key of `value` not in `known`, suggesting the closest known key. */
export function unknownKeys(value: Record<string, unknown>, known: readonly string[], path: string, issues: Issue[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) issues.push({ path: join(path, key), message: `unknown key; ${suggestion(key, known, 'key')}` });
  }
}

/** A plain object of plugin parameters, or an issue. */
export function pluginParams(value: unknown, path: string, issues: Issue[]): Record<string, unknown> | undefined {
  if (value === undefined) return {};
  if (isRecord(value)) return value;
  issues.push({ path, message: `expected an object of parameters, got ${show(value)}` });
  return undefined;
}

/**
 * Report and remove the keys that `spec` (a core object, array or record spec, recursively)
 * does not know, so that core's own check reports no "unknown parameter" twice; `extra` lists
 * keys known at a path besides the spec's (checked elsewhere).
 */
export function stripUnknown(spec: ParamSpec, value: unknown, path: string, issues: Issue[], extra: Readonly<Record<string, readonly string[]>> = {}): void {
  if (spec.type === 'object' && isRecord(value)) {
    const shape = spec.shape as Readonly<Record<string, ParamSpec>>;
    const more = extra[path] ?? [];
    const known = [...Object.keys(shape), ...more];
    for (const key of Object.keys(value)) {
      if (Object.hasOwn(shape, key)) stripUnknown(shape[key]!, value[key], join(path, key), issues, extra);
      else if (!more.includes(key)) {
        issues.push({ path: join(path, key), message: `unknown key; ${suggestion(key, known, 'key')}` });
        delete value[key];
      }
    }
  } else if (spec.type === 'array' && Array.isArray(value)) {
    value.forEach((item, i) => stripUnknown(spec.items as ParamSpec, item, join(path, i), issues, extra));
  } else if (spec.type === 'record' && isRecord(value)) {
    for (const [key, item] of Object.entries(value)) stripUnknown(spec.values as ParamSpec, item, join(path, key), issues, extra);
  }
}

/** A copy of plain data (objects and arrays copied, anything else kept as it is). */
export function copyPlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => copyPlain(v)) as T;
  if (isRecord(value) && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = copyPlain(v);
    return out as T;
  }
  return value;
}
