import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ParamsOf, ValidationError, checkParams, checkSchema, describeParams, param, parseParams } from '../src/index.js';
import { thrown } from './helpers.js';

/** The issues of a failed check, as `path: message` lines (fails the test if the check passed). */
function issuesOf(schema: Parameters<typeof checkParams>[0], input: unknown): string[] {
  const result = checkParams(schema, input);
  if (result.ok) throw new Error(`expected issues, got ${JSON.stringify(result.value)}`);
  return result.issues.map((i) => `${i.path}: ${i.message}`);
}

describe('param constructors', () => {
  it('build plain spec objects', () => {
    expect(param.number({ min: 0 })).toEqual({ type: 'number', min: 0 });
    expect(param.integer({ default: 3 })).toEqual({ type: 'number', integer: true, default: 3 });
    expect(param.boolean()).toEqual({ type: 'boolean' });
    expect(param.string({ minLength: 1 })).toEqual({ type: 'string', minLength: 1 });
    expect(param.enum(['a', 'b'], { default: 'a' })).toEqual({ type: 'enum', values: ['a', 'b'], default: 'a' });
    expect(param.array(param.number(), { maxItems: 3 })).toEqual({ type: 'array', items: { type: 'number' }, maxItems: 3 });
    expect(param.object({ x: param.number() })).toEqual({ type: 'object', shape: { x: { type: 'number' } } });
    expect(param.record(param.number())).toEqual({ type: 'record', values: { type: 'number' } });
  });
});

describe('checkParams: numbers', () => {
  it('accepts values inside inclusive bounds, including the bounds', () => {
    const schema = { x: param.number({ min: 0, max: 1 }) };
    for (const x of [0, 0.25, 1]) expect(checkParams(schema, { x })).toEqual({ ok: true, value: { x } });
  });

  it('describes the bounds in the message', () => {
    expect(issuesOf({ window: param.integer({ min: 20 }) }, { window: 5 })).toEqual(['params.window: expected an integer ≥ 20, got `5`']);
    expect(issuesOf({ x: param.number({ min: 0, max: 1 }) }, { x: 1.5 })).toEqual(['params.x: expected a number ≥ 0 and ≤ 1, got `1.5`']);
    expect(issuesOf({ x: param.number({ max: 1 }) }, { x: 2 })).toEqual(['params.x: expected a number ≤ 1, got `2`']);
  });

  it('honours exclusive bounds', () => {
    const schema = { x: param.number({ min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }) };
    expect(issuesOf(schema, { x: 0 })).toEqual(['params.x: expected a number > 0 and < 1, got `0`']);
    expect(issuesOf(schema, { x: 1 })).toEqual(['params.x: expected a number > 0 and < 1, got `1`']);
    expect(checkParams(schema, { x: 1e-9 }).ok).toBe(true);
  });

  it('rejects non-integers for integer specs', () => {
    expect(issuesOf({ n: param.integer() }, { n: 2.5 })).toEqual(['params.n: expected an integer, got `2.5`']);
  });

  it('rejects NaN, infinities and non-numbers', () => {
    const schema = { x: param.number() };
    expect(issuesOf(schema, { x: Number.NaN })).toEqual(['params.x: expected a number, got `NaN`']);
    expect(issuesOf(schema, { x: Number.POSITIVE_INFINITY })).toEqual(['params.x: expected a number, got `Infinity`']);
    expect(issuesOf(schema, { x: '3' })).toEqual(['params.x: expected a number, got `"3"`']);
    expect(issuesOf(schema, { x: null })).toEqual(['params.x: expected a number, got `null`']);
  });
});

describe('checkParams: booleans, strings, enums', () => {
  it('checks booleans', () => {
    expect(checkParams({ b: param.boolean() }, { b: false })).toEqual({ ok: true, value: { b: false } });
    expect(issuesOf({ b: param.boolean() }, { b: 'yes' })).toEqual(['params.b: expected a boolean, got `"yes"`']);
  });

  it('checks strings, their minimum length and pattern', () => {
    const schema = { s: param.string({ minLength: 3, pattern: /^[A-Z]+$/ }) };
    expect(checkParams(schema, { s: 'ABC' })).toEqual({ ok: true, value: { s: 'ABC' } });
    expect(issuesOf(schema, { s: 'AB' })).toEqual(['params.s: expected a string of at least 3 characters, got `"AB"`']);
    expect(issuesOf(schema, { s: 'abc' })).toEqual(['params.s: expected a string matching /^[A-Z]+$/, got `"abc"`']);
    expect(issuesOf(schema, { s: 7 })).toEqual(['params.s: expected a string, got `7`']);
  });

  it('checks enums', () => {
    const schema = { method: param.enum(['simple', 'log']) };
    expect(checkParams(schema, { method: 'log' })).toEqual({ ok: true, value: { method: 'log' } });
    expect(issuesOf(schema, { method: 'exp' })).toEqual(['params.method: expected one of `simple`, `log`, got `"exp"`']);
    expect(issuesOf(schema, { method: 1 })).toEqual(['params.method: expected one of `simple`, `log`, got `1`']);
  });
});

describe('checkParams: arrays, objects, records', () => {
  it('checks array length and every item, with indexed paths', () => {
    const schema = { xs: param.array(param.integer({ min: 0 }), { minItems: 2, maxItems: 3 }) };
    expect(checkParams(schema, { xs: [0, 4] })).toEqual({ ok: true, value: { xs: [0, 4] } });
    expect(issuesOf(schema, { xs: [1] })).toEqual(['params.xs: expected at least 2 items, got 1']);
    expect(issuesOf(schema, { xs: [1, 2, 3, 4] })).toEqual(['params.xs: expected at most 3 items, got 4']);
    expect(issuesOf(schema, { xs: [1, -1, 0.5] })).toEqual([
      'params.xs[1]: expected an integer ≥ 0, got `-1`',
      'params.xs[2]: expected an integer ≥ 0, got `0.5`',
    ]);
    expect(issuesOf(schema, { xs: 5 })).toEqual(['params.xs: expected an array, got `5`']);
  });

  it('locates problems inside arrays of objects', () => {
    const schema = { bands: param.array(param.object({ min: param.number(), max: param.number({ max: 1 }) })) };
    expect(issuesOf(schema, { bands: [{ min: 0, max: 0.5 }, { min: 0, max: 2 }] })).toEqual(['params.bands[1].max: expected a number ≤ 1, got `2`']);
    expect(issuesOf(schema, { bands: [{ min: 0 }] })).toEqual(['params.bands[0].max: is required']);
    expect(issuesOf(schema, { bands: [{ min: 0, max: 1, width: 3 }] })).toEqual([
      'params.bands[0].width: unknown parameter; expected one of `min`, `max`',
    ]);
  });

  it('fills nested defaults when an object is omitted, and reports nested required fields', () => {
    const schema = { opt: param.object({ a: param.number({ default: 1 }), b: param.boolean({ default: true }) }) };
    expect(checkParams(schema, {})).toEqual({ ok: true, value: { opt: { a: 1, b: true } } });
    expect(checkParams(schema, { opt: { a: 2 } })).toEqual({ ok: true, value: { opt: { a: 2, b: true } } });
    expect(issuesOf({ opt: param.object({ x: param.number() }) }, {})).toEqual(['params.opt.x: is required']);
    expect(issuesOf(schema, { opt: [1] })).toEqual(['params.opt: expected an object, got `[1]`']);
  });

  it('checks every value of a record, quoting keys that are not identifiers', () => {
    const schema = { weights: param.record(param.number({ min: 0 })) };
    expect(checkParams(schema, { weights: { a: 1, 'b-c': 2 } })).toEqual({ ok: true, value: { weights: { a: 1, 'b-c': 2 } } });
    expect(issuesOf(schema, { weights: { a: -1, 'b-c': -2 } })).toEqual([
      'params.weights.a: expected a number ≥ 0, got `-1`',
      'params.weights["b-c"]: expected a number ≥ 0, got `-2`',
    ]);
    expect(issuesOf(schema, { weights: 3 })).toEqual(['params.weights: expected an object, got `3`']);
  });
});

describe('checkParams: defaults, unknown keys, all problems at once', () => {
  const schema = {
    window: param.integer({ default: 250, min: 20 }),
    method: param.enum(['simple', 'log'], { default: 'simple' }),
    tags: param.array(param.string(), { default: ['a'] }),
    required: param.number(),
  };

  it('fills defaults for omitted keys', () => {
    expect(checkParams(schema, { required: 1 })).toEqual({ ok: true, value: { window: 250, method: 'simple', tags: ['a'], required: 1 } });
  });

  it('treats undefined input as an empty object', () => {
    expect(checkParams({ a: param.number({ default: 2 }) }, undefined)).toEqual({ ok: true, value: { a: 2 } });
  });

  it('gives each call its own copy of an object default', () => {
    const first = checkParams(schema, { required: 1 });
    if (!first.ok) throw new Error('expected ok');
    first.value.tags.push('mutated');
    const second = checkParams(schema, { required: 1 });
    expect(second.ok && second.value.tags).toEqual(['a']);
    expect(schema.tags.default).toEqual(['a']);
  });

  it('reports every problem, in schema order after unknown keys', () => {
    expect(issuesOf(schema, { window: 5, method: 'exp', windw: 30 })).toEqual([
      'params.windw: unknown parameter; expected one of `window`, `method`, `tags`, `required`',
      'params.window: expected an integer ≥ 20, got `5`',
      'params.method: expected one of `simple`, `log`, got `"exp"`',
      'params.required: is required',
    ]);
  });

  it('says so when a plugin takes no parameters', () => {
    expect(issuesOf({}, { x: 1 })).toEqual(['params.x: unknown parameter (this plugin takes none)']);
  });

  it('rejects a non-object input at the root path', () => {
    expect(issuesOf(schema, 5)).toEqual(['params: expected an object, got `5`']);
    expect(issuesOf(schema, [1])).toEqual(['params: expected an object, got `[1]`']);
    expect(checkParams(schema, null, 'strategy.factors[0].params')).toEqual({
      ok: false,
      issues: [{ path: 'strategy.factors[0].params', message: 'expected an object, got `null`' }],
    });
  });

  it('roots paths at the given path', () => {
    const result = checkParams({ maxDeviation: param.number({ max: 0.05 }) }, { maxDeviation: 0.5 }, 'strategy.constraints[2]');
    expect(result).toEqual({
      ok: false,
      issues: [{ path: 'strategy.constraints[2].maxDeviation', message: 'expected a number ≤ 0.05, got `0.5`' }],
    });
  });

  it('types the validated value', () => {
    const result = checkParams(schema, { required: 2 });
    if (!result.ok) throw new Error('expected ok');
    const value: ParamsOf<typeof schema> = result.value;
    const method: 'simple' | 'log' = value.method;
    expect(method).toBe('simple');
  });
});

describe('parseParams', () => {
  const schema = { window: param.integer({ default: 250, min: 20 }), skip: param.integer({ default: 20, min: 0 }) };

  it('returns the value with defaults', () => {
    expect(parseParams(schema, { window: 120 }, 'factor `m`')).toEqual({ window: 120, skip: 20 });
  });

  it('throws FK_INVALID_PARAMS listing every issue', () => {
    const error = thrown(() => parseParams(schema, { window: 5, skip: -1 }, 'factor `momentum`'));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('FK_INVALID_PARAMS');
    expect(error.message).toBe(
      'invalid parameters for factor `momentum`:\n' +
        '  - params.window: expected an integer ≥ 20, got `5`\n' +
        '  - params.skip: expected an integer ≥ 0, got `-1`',
    );
    expect((error as ValidationError).issues).toHaveLength(2);
    expect(error.details.owner).toBe('factor `momentum`');
    expect(error.details.issues).toEqual((error as ValidationError).issues);
  });
});

describe('checkSchema', () => {
  it('accepts well-formed schemas', () => {
    expect(
      checkSchema({
        a: param.integer({ default: 30, min: 20 }),
        b: param.array(param.object({ x: param.number({ default: 1 }) }), { default: [{ x: 2 }] }),
        c: param.record(param.number(), { default: { q: 1 } }),
        d: param.enum(['u', 'v'], { default: 'v' }),
      }),
    ).toEqual([]);
  });

  it('catches a default that fails its own spec', () => {
    expect(checkSchema({ window: param.integer({ default: 5, min: 20 }) })).toEqual([
      { path: 'meta.params.window.default', message: 'expected an integer ≥ 20, got `5`' },
    ]);
    expect(checkSchema({ m: param.enum(['a', 'b'], { default: 'c' as 'a' }) })).toEqual([
      { path: 'meta.params.m.default', message: 'expected one of `a`, `b`, got `"c"`' },
    ]);
    expect(checkSchema({ xs: param.array(param.number({ max: 1 }), { default: [0, 3] }) })).toEqual([
      { path: 'meta.params.xs.default[1]', message: 'expected a number ≤ 1, got `3`' },
    ]);
  });

  it('catches malformed specs, with paths into nested specs', () => {
    expect(checkSchema({ a: 5 })).toEqual([{ path: 'meta.params.a', message: 'expected a parameter spec made with `param.*`, got `5`' }]);
    expect(checkSchema({ a: { type: 'date' } })).toEqual([
      { path: 'meta.params.a', message: 'expected a parameter spec made with `param.*`, got `{"type":"date"}`' },
    ]);
    expect(checkSchema({ e: param.enum([]) })).toEqual([{ path: 'meta.params.e', message: 'an enum needs at least one value' }]);
    expect(checkSchema({ n: param.number({ min: 5, max: 1 }) })).toEqual([{ path: 'meta.params.n', message: 'min 5 is greater than max 1' }]);
    expect(checkSchema({ xs: { type: 'array', items: 3 } })).toEqual([
      { path: 'meta.params.xs.items', message: 'expected a parameter spec made with `param.*`, got `3`' },
    ]);
    expect(checkSchema({ o: { type: 'object', shape: 3 } })).toEqual([
      { path: 'meta.params.o.shape', message: 'expected a record of parameter specs, got `3`' },
    ]);
    expect(checkSchema({ o: param.object({ inner: param.integer({ default: 1.5 }) }) })).toEqual([
      { path: 'meta.params.o.inner.default', message: 'expected an integer, got `1.5`' },
    ]);
    expect(checkSchema(5)).toEqual([{ path: 'meta.params', message: 'expected a record of parameter specs, got `5`' }]);
  });

  it('reports a malformed nested spec instead of crashing on its default', () => {
    // The default cannot be checked against a broken `values`/`items`/`shape`; the structure is what is wrong.
    expect(checkSchema({ r: { type: 'record', values: null, default: { x: 1 } } })).toEqual([
      { path: 'meta.params.r.values', message: 'expected a parameter spec made with `param.*`, got `null`' },
    ]);
    expect(checkSchema({ xs: { type: 'array', items: null, default: [1] } })).toEqual([
      { path: 'meta.params.xs.items', message: 'expected a parameter spec made with `param.*`, got `null`' },
    ]);
    expect(checkSchema({ o: { type: 'object', shape: null, default: { a: 1 } } })).toEqual([
      { path: 'meta.params.o.shape', message: 'expected a record of parameter specs, got `null`' },
    ]);
  });

  it('collects problems of several specs at once', () => {
    expect(checkSchema({ a: param.integer({ default: 0, min: 1 }), b: param.enum([]) }, 'params').map((i) => i.path)).toEqual([
      'params.a.default',
      'params.b',
    ]);
  });
});

describe('describeParams', () => {
  it('gives a JSON-friendly description with patterns as text', () => {
    const described = describeParams({
      code: param.string({ pattern: /^\d{6}$/, description: 'a code' }),
      xs: param.array(param.integer({ min: 1 }), { default: [1] }),
      opt: param.object({ on: param.boolean({ default: false }) }),
      map: param.record(param.number()),
    });
    expect(described).toEqual({
      code: { type: 'string', pattern: '/^\\d{6}$/', description: 'a code' },
      xs: { type: 'array', items: { type: 'number', integer: true, min: 1 }, default: [1] },
      opt: { type: 'object', shape: { on: { type: 'boolean', default: false } } },
      map: { type: 'record', values: { type: 'number' } },
    });
    expect(JSON.parse(JSON.stringify(described))).toEqual(described);
  });
});

describe('properties', () => {
  const bounds = fc.tuple(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: -1_000_000, max: 1_000_000 })).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));

  it('any integer within [min, max] validates and is returned unchanged', () => {
    fc.assert(
      fc.property(
        bounds.chain(([min, max]) => fc.tuple(fc.constant(min), fc.constant(max), fc.integer({ min, max }))),
        ([min, max, v]) => {
          expect(checkParams({ v: param.integer({ min, max }) }, { v })).toEqual({ ok: true, value: { v } });
        },
      ),
    );
  });

  it('any integer outside [min, max] fails with one issue naming the value', () => {
    fc.assert(
      fc.property(
        bounds.chain(([min, max]) =>
          fc.tuple(fc.constant(min), fc.constant(max), fc.oneof(fc.integer({ max: min - 1, min: min - 1_000_000 }), fc.integer({ min: max + 1, max: max + 1_000_000 }))),
        ),
        ([min, max, v]) => {
          expect(checkParams({ v: param.integer({ min, max }) }, { v })).toEqual({
            ok: false,
            issues: [{ path: 'params.v', message: `expected an integer ≥ ${min} and ≤ ${max}, got \`${v}\`` }],
          });
        },
      ),
    );
  });

  it('any non-integer number fails an integer spec', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
        (v) => !checkParams({ v: param.integer() }, { v }).ok,
      ),
    );
  });

  it('never throws on arbitrary input, and reports issues exactly when it fails', () => {
    const schema = {
      n: param.integer({ default: 1, min: 0 }),
      s: param.enum(['a', 'b'], { default: 'a' }),
      o: param.object({ x: param.number({ default: 0 }) }),
      xs: param.array(param.number(), { default: [] }),
    };
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ n: fc.anything(), s: fc.anything(), o: fc.anything() }, { requiredKeys: [] })), (input) => {
        const result = checkParams(schema, input);
        if (!result.ok) expect(result.issues.length).toBeGreaterThan(0);
      }),
    );
  });
});
