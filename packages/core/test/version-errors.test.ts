import { describe, expect, it } from 'vitest';
import {
  CORE_API_VERSION,
  FactorkitError,
  ValidationError,
  checkApiCompatibility,
  formatIssues,
  isFactorkitError,
  parseApiVersion,
  show,
} from '../src/index.js';

describe('parseApiVersion', () => {
  it('parses MAJOR.MINOR', () => {
    expect(parseApiVersion('1.0')).toEqual({ major: 1, minor: 0 });
    expect(parseApiVersion('12.34')).toEqual({ major: 12, minor: 34 });
  });

  it('rejects anything else', () => {
    for (const text of ['1', '1.0.0', '01.0', '1.01', 'v1.0', ' 1.0', '1.x', '', '-1.0']) expect(parseApiVersion(text), text).toBeUndefined();
    expect(parseApiVersion(1)).toBeUndefined();
    expect(parseApiVersion(undefined)).toBeUndefined();
  });
});

describe('checkApiCompatibility', () => {
  it('the core version is MAJOR.MINOR', () => {
    expect(parseApiVersion(CORE_API_VERSION)).toBeDefined();
    expect(checkApiCompatibility(CORE_API_VERSION)).toEqual({ compatible: true });
  });

  it('accepts the same major with a plugin minor ≤ the core minor', () => {
    expect(checkApiCompatibility('1.0', '1.0')).toEqual({ compatible: true });
    expect(checkApiCompatibility('1.0', '1.3')).toEqual({ compatible: true });
    expect(checkApiCompatibility('1.3', '1.3')).toEqual({ compatible: true });
  });

  it('rejects a newer plugin minor, naming both versions', () => {
    expect(checkApiCompatibility('1.5', '1.0')).toEqual({
      compatible: false,
      reason: 'targets core API `1.5` but this core provides only `1.0` (upgrade @factorkit/core)',
    });
  });

  it('rejects another major in either direction, naming both versions', () => {
    expect(checkApiCompatibility('2.0', '1.0')).toEqual({
      compatible: false,
      reason: 'targets core API `2.0` but this core provides `1.0` (major versions differ)',
    });
    const older = checkApiCompatibility('1.9', '2.0');
    expect(older.compatible).toBe(false);
    if (!older.compatible) expect(older.reason).toContain('`1.9`');
    if (!older.compatible) expect(older.reason).toContain('`2.0`');
  });

  it('compares minors as numbers, not text', () => {
    expect(checkApiCompatibility('1.9', '1.10')).toEqual({ compatible: true });
    expect(checkApiCompatibility('1.10', '1.9').compatible).toBe(false);
  });

  it('explains a malformed plugin version', () => {
    expect(checkApiCompatibility('1', '1.0')).toEqual({
      compatible: false,
      reason: 'declares API version `1`, which is not of the form MAJOR.MINOR; this core provides `1.0`',
    });
    expect(checkApiCompatibility(undefined, '1.0').compatible).toBe(false);
  });

  it('throws on a malformed core version (a programming error)', () => {
    expect(() => checkApiCompatibility('1.0', 'one')).toThrow(TypeError);
  });
});

describe('errors', () => {
  it('FactorkitError carries code, details and cause', () => {
    const cause = new Error('root');
    const error = new FactorkitError('FK_INVALID_DATA', 'bad', { cause, details: { x: 1 } });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('FactorkitError');
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toBe('bad');
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ x: 1 });
    expect(new FactorkitError('FK_INVALID_DATA', 'x').details).toEqual({});
    expect('cause' in new FactorkitError('FK_INVALID_DATA', 'x')).toBe(false);
  });

  it('ValidationError lists issues in its message and details', () => {
    const issues = [
      { path: 'a.b', message: 'is required' },
      { path: '', message: 'whole thing is wrong' },
    ];
    const error = new ValidationError('FK_INVALID_PARAMS', 'invalid', issues, { details: { owner: 'o' } });
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe('invalid:\n  - a.b: is required\n  - whole thing is wrong');
    expect(error.issues).toBe(issues);
    expect(error.details).toEqual({ owner: 'o', issues });
  });

  it('formatIssues returns the summary alone when there are no issues', () => {
    expect(formatIssues('summary', [])).toBe('summary');
  });

  it('isFactorkitError recognises errors by their FK_ code, across copies of the package', () => {
    expect(isFactorkitError(new FactorkitError('FK_NOT_SOLVED', 'x'))).toBe(true);
    expect(isFactorkitError(Object.assign(new Error('other copy'), { code: 'FK_API_VERSION' }))).toBe(true);
    expect(isFactorkitError(Object.assign(new Error('node'), { code: 'ENOENT' }))).toBe(false);
    expect(isFactorkitError({ code: 'FK_API_VERSION', message: 'not an Error' })).toBe(false);
    expect(isFactorkitError(new Error('plain'))).toBe(false);
  });

  it('show renders values short and in backticks', () => {
    expect(show('a')).toBe('`"a"`');
    expect(show(5)).toBe('`5`');
    expect(show(Number.NaN)).toBe('`NaN`');
    expect(show(null)).toBe('`null`');
    expect(show(undefined)).toBe('`undefined`');
    expect(show(true)).toBe('`true`');
    expect(show(() => 1)).toBe('`function`');
    expect(show(new Float64Array(3))).toBe('`Float64Array(3)`');
    expect(show({ a: [1, 2] })).toBe('`{"a":[1,2]}`');
    expect(show(10n)).toBe('`10n`');
    expect(show(Symbol('s'))).toBe('`Symbol(s)`');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(show(cyclic)).toBe('`[object Object]`');
    const long = show('x'.repeat(200));
    expect(long).toBe(`\`"${'x'.repeat(76)}...\``);
    expect(long.length).toBe(82);
  });
});
