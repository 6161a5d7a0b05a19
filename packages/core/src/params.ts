import { type Issue, ValidationError, show } from './errors.js';

/**
 * Typed parameter schemas for plugins.
 *
 * A plugin declares its parameters as a record of specs made with {@link param}. The core
 * validates user input against it (all problems at once, with dot-paths), fills in defaults,
 * and hands the plugin a fully-typed value.
 *
 * @example
 * const params = {
 *   window: param.integer({ default: 250, min: 20, description: 'trading days' }),
 *   method: param.enum(['simple', 'log'], { default: 'simple' }),
 * };
 * type P = ParamsOf<typeof params>; // { window: number; method: 'simple' | 'log' }
 */

interface SpecBase<T> {
  readonly description?: string;
  /** Value used when the parameter is not given. A spec without a default is required. */
  readonly default?: T;
}

/** A number, optionally an integer, with optional inclusive/exclusive bounds. */
export interface NumberSpec extends SpecBase<number> {
  readonly type: 'number';
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** When true, `min` itself is not allowed. */
  readonly exclusiveMin?: boolean;
  /** When true, `max` itself is not allowed. */
  readonly exclusiveMax?: boolean;
}

/** `true` or `false`. */
export interface BooleanSpec extends SpecBase<boolean> {
  readonly type: 'boolean';
}

/** A string, optionally matching a pattern. */
export interface StringSpec extends SpecBase<string> {
  readonly type: 'string';
  readonly pattern?: RegExp;
  readonly minLength?: number;
}

/** One of a fixed list of strings. */
export interface EnumSpec<V extends string = string> extends SpecBase<V> {
  readonly type: 'enum';
  readonly values: readonly V[];
}

/** An array whose items all follow `items`. */
export interface ArraySpec<I extends ParamSpec = ParamSpec> extends SpecBase<ValueOf<I>[]> {
  readonly type: 'array';
  readonly items: I;
  readonly minItems?: number;
  readonly maxItems?: number;
}

/** A nested record of parameters. */
export interface ObjectSpec<S extends ParamSchema = ParamSchema> extends SpecBase<ParamsOf<S>> {
  readonly type: 'object';
  readonly shape: S;
}

/** A record of parameters, each with a default value of its type (a map of `string → number`). */
export interface RecordSpec<I extends ParamSpec = ParamSpec> extends SpecBase<Record<string, ValueOf<I>>> {
  readonly type: 'record';
  readonly values: I;
}

/** Any parameter spec. */
export type ParamSpec = NumberSpec | BooleanSpec | StringSpec | EnumSpec | ArraySpec<any> | ObjectSpec<any> | RecordSpec<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A plugin's parameters: name → spec. */
export type ParamSchema = Readonly<Record<string, ParamSpec>>;

/** The validated value of one spec (`unknown` for an untyped `any` spec, so types stay finite). */
export type ValueOf<S> = 0 extends 1 & S
  ? unknown
  : S extends NumberSpec
  ? number
  : S extends BooleanSpec
    ? boolean
    : S extends StringSpec
      ? string
      : S extends EnumSpec<infer V>
        ? V
        : S extends ArraySpec<infer I>
          ? ValueOf<I>[]
          : S extends ObjectSpec<infer O>
            ? ParamsOf<O>
            : S extends RecordSpec<infer I>
              ? Record<string, ValueOf<I>>
              : never;

/** The validated parameters of a schema: every key present, defaults filled in. */
export type ParamsOf<S extends ParamSchema> = { -readonly [K in keyof S]: ValueOf<S[K]> };

/** What a user may pass: any subset of the parameters (missing ones take their defaults). */
export type ParamsInput<S extends ParamSchema> = { readonly [K in keyof S]?: InputOf<S[K]> };

type InputOf<S> = S extends ObjectSpec<infer O> ? ParamsInput<O> : ValueOf<S>;

type Options<T extends ParamSpec> = Omit<T, 'type'>;

/** Constructors for parameter specs. */
export const param = {
  number: (options: Options<NumberSpec> = {}): NumberSpec => ({ type: 'number', ...options }),
  integer: (options: Omit<Options<NumberSpec>, 'integer'> = {}): NumberSpec => ({ type: 'number', integer: true, ...options }),
  boolean: (options: Options<BooleanSpec> = {}): BooleanSpec => ({ type: 'boolean', ...options }),
  string: (options: Options<StringSpec> = {}): StringSpec => ({ type: 'string', ...options }),
  enum: <const V extends string>(values: readonly V[], options: Omit<Options<EnumSpec<V>>, 'values'> = {}): EnumSpec<V> => ({
    type: 'enum',
    values,
    ...options,
  }),
  array: <I extends ParamSpec>(
    items: I,
    options: { description?: string; default?: ValueOf<I>[]; minItems?: number; maxItems?: number } = {},
  ): ArraySpec<I> => ({
    type: 'array',
    items,
    ...options,
  }),
  object: <S extends ParamSchema>(shape: S, options: { description?: string; default?: ParamsOf<S> } = {}): ObjectSpec<S> => ({
    type: 'object',
    shape,
    ...options,
  }),
  record: <I extends ParamSpec>(values: I, options: { description?: string; default?: Record<string, ValueOf<I>> } = {}): RecordSpec<I> => ({
    type: 'record',
    values,
    ...options,
  }),
} as const;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);

/** The runtime view of a spec: every field optional, no recursive generics to instantiate. */
interface LooseSpec {
  readonly type: 'number' | 'boolean' | 'string' | 'enum' | 'array' | 'object' | 'record';
  readonly default?: unknown;
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly exclusiveMin?: boolean;
  readonly exclusiveMax?: boolean;
  readonly pattern?: RegExp;
  readonly minLength?: number;
  /** enum: the allowed strings; record: the spec of each value. */
  readonly values?: readonly string[] | LooseSpec;
  readonly items?: LooseSpec;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly shape?: Readonly<Record<string, LooseSpec>>;
}

function describeNumber(spec: LooseSpec): string {
  const parts = [spec.integer ? 'an integer' : 'a number'];
  if (spec.min !== undefined) parts.push(`${spec.exclusiveMin ? '>' : '≥'} ${spec.min}`);
  if (spec.max !== undefined) parts.push(`${spec.min !== undefined ? 'and ' : ''}${spec.exclusiveMax ? '<' : '≤'} ${spec.max}`);
  return parts.join(' ');
}

function checkValue(spec: LooseSpec, value: unknown, path: string, issues: Issue[]): unknown {
  switch (spec.type) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        issues.push({ path, message: `expected ${describeNumber(spec)}, got ${show(value)}` });
        return undefined;
      }
      const bad =
        (spec.integer === true && !Number.isInteger(value)) ||
        (spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min)) ||
        (spec.max !== undefined && (spec.exclusiveMax ? value >= spec.max : value > spec.max));
      if (bad) issues.push({ path, message: `expected ${describeNumber(spec)}, got ${show(value)}` });
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') issues.push({ path, message: `expected a boolean, got ${show(value)}` });
      return value;
    case 'string':
      if (typeof value !== 'string') {
        issues.push({ path, message: `expected a string, got ${show(value)}` });
      } else if (spec.minLength !== undefined && value.length < spec.minLength) {
        issues.push({ path, message: `expected a string of at least ${spec.minLength} characters, got ${show(value)}` });
      } else if (spec.pattern && !spec.pattern.test(value)) {
        issues.push({ path, message: `expected a string matching ${String(spec.pattern)}, got ${show(value)}` });
      }
      return value;
    case 'enum': {
      const allowed = spec.values as readonly string[];
      if (typeof value !== 'string' || !allowed.includes(value)) {
        issues.push({ path, message: `expected one of ${allowed.map((v) => `\`${v}\``).join(', ')}, got ${show(value)}` });
      }
      return value;
    }
    case 'array': {
      if (!Array.isArray(value)) {
        issues.push({ path, message: `expected an array, got ${show(value)}` });
        return undefined;
      }
      if (spec.minItems !== undefined && value.length < spec.minItems) {
        issues.push({ path, message: `expected at least ${spec.minItems} items, got ${value.length}` });
      }
      if (spec.maxItems !== undefined && value.length > spec.maxItems) {
        issues.push({ path, message: `expected at most ${spec.maxItems} items, got ${value.length}` });
      }
      return value.map((item, i) => resolveValue(spec.items!, item, `${path}[${i}]`, issues));
    }
    case 'object':
      if (!isPlainObject(value)) {
        issues.push({ path, message: `expected an object, got ${show(value)}` });
        return undefined;
      }
      return resolveObject(spec.shape!, value, path, issues);
    case 'record': {
      if (!isPlainObject(value)) {
        issues.push({ path, message: `expected an object, got ${show(value)}` });
        return undefined;
      }
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = resolveValue(spec.values as LooseSpec, item, join(path, key), issues);
      return out;
    }
  }
}

function resolveValue(spec: LooseSpec, value: unknown, path: string, issues: Issue[]): unknown {
  if (value === undefined) {
    if (spec.default !== undefined) return structuredCloneSafe(spec.default);
    if (spec.type === 'object') return resolveObject(spec.shape!, {}, path, issues);
    issues.push({ path, message: 'is required' });
    return undefined;
  }
  return checkValue(spec, value, path, issues);
}

function join(path: string, key: string): string {
  const safe = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  if (!path) return safe;
  return safe.startsWith('"') ? `${path}[${safe}]` : `${path}.${safe}`;
}

function resolveObject(schema: Readonly<Record<string, LooseSpec>>, input: Record<string, unknown>, path: string, issues: Issue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const known = Object.keys(schema);
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(schema, key)) {
      issues.push({
        path: join(path, key),
        message: `unknown parameter${known.length ? `; expected one of ${known.map((k) => `\`${k}\``).join(', ')}` : ' (this plugin takes none)'}`,
      });
    }
  }
  for (const key of known) out[key] = resolveValue(schema[key]!, input[key], join(path, key), issues);
  return out;
}

function structuredCloneSafe<T>(value: T): T {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}

/**
 * Validate `input` against `schema`, filling in defaults. Returns every problem found
 * (never only the first), each with a dot-path starting at `path`.
 */
export function checkParams<S extends ParamSchema>(
  schema: S,
  input: unknown,
  path = 'params',
): { ok: true; value: ParamsOf<S> } | { ok: false; issues: Issue[] } {
  const issues: Issue[] = [];
  if (input !== undefined && !isPlainObject(input)) {
    return { ok: false, issues: [{ path, message: `expected an object, got ${show(input)}` }] };
  }
  const value = resolveObject(schema, input ?? {}, path, issues);
  return issues.length === 0 ? { ok: true, value: value as ParamsOf<S> } : { ok: false, issues };
}

/**
 * Like {@link checkParams}, but throws a {@link ValidationError} (code `FK_INVALID_PARAMS`)
 * listing every problem. `owner` names what the parameters are for in the message.
 */
export function parseParams<S extends ParamSchema>(schema: S, input: unknown, owner: string, path = 'params'): ParamsOf<S> {
  const result = checkParams(schema, input, path);
  if (!result.ok) {
    throw new ValidationError('FK_INVALID_PARAMS', `invalid parameters for ${owner}`, result.issues, { details: { owner } });
  }
  return result.value;
}

/**
 * Problems with a schema itself (unknown spec types, defaults that fail their own spec,
 * enums without values). Used when a plugin is defined or registered.
 */
export function checkSchema(schema: unknown, path = 'meta.params'): Issue[] {
  const issues: Issue[] = [];
  if (!isPlainObject(schema)) return [{ path, message: `expected a record of parameter specs, got ${show(schema)}` }];
  for (const [key, spec] of Object.entries(schema)) checkSpec(spec, join(path, key), issues);
  return issues;
}

const SPEC_TYPES = new Set(['number', 'boolean', 'string', 'enum', 'array', 'object', 'record']);

function checkSpec(spec: unknown, path: string, issues: Issue[]): void {
  if (!isPlainObject(spec) || typeof spec.type !== 'string' || !SPEC_TYPES.has(spec.type)) {
    issues.push({ path, message: `expected a parameter spec made with \`param.*\`, got ${show(spec)}` });
    return;
  }
  const typed = spec as unknown as LooseSpec;
  const before = issues.length;
  if (typed.type === 'enum' && (!Array.isArray(typed.values) || typed.values.length === 0)) {
    issues.push({ path, message: 'an enum needs at least one value' });
    return;
  }
  if (typed.type === 'number' && typed.min !== undefined && typed.max !== undefined && typed.min > typed.max) {
    issues.push({ path, message: `min ${typed.min} is greater than max ${typed.max}` });
  }
  if (typed.type === 'array') checkSpec(typed.items, `${path}.items`, issues);
  if (typed.type === 'record') checkSpec(typed.values, `${path}.values`, issues);
  if (typed.type === 'object') {
    if (!isPlainObject(typed.shape)) issues.push({ path: `${path}.shape`, message: `expected a record of parameter specs, got ${show(typed.shape)}` });
    else for (const [key, inner] of Object.entries(typed.shape)) checkSpec(inner, join(path, key), issues);
  }
  // A default can only be checked against a well-formed spec (a malformed `items`, `values`
  // or `shape` would make the check itself fail).
  if (typed.default !== undefined && issues.length === before) checkValue(typed, typed.default, `${path}.default`, issues);
}

/** A JSON-friendly description of a schema, for `--help` output, docs and reports. */
export function describeParams(schema: ParamSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(schema)) out[key] = describeSpec(spec as LooseSpec);
  return out;
}

function describeSpec(spec: LooseSpec): Record<string, unknown> {
  const { pattern, ...rest } = spec;
  const base: Record<string, unknown> = { ...rest, ...(pattern ? { pattern: String(pattern) } : {}) };
  if (spec.type === 'array') base.items = describeSpec(spec.items!);
  if (spec.type === 'record') base.values = describeSpec(spec.values as LooseSpec);
  if (spec.type === 'object') base.shape = describeParams(spec.shape as ParamSchema);
  return base;
}
