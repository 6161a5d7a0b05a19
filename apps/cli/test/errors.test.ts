import { FactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { EXIT_DATA, EXIT_NO_SOLUTION, EXIT_USAGE, exitCodeOf, formatError } from '../src/index.js';

describe('exit codes', () => {
  it('tells a non-solution from bad input from data problems', () => {
    expect(exitCodeOf(new FactorkitError('FK_INFEASIBLE', 'x'))).toBe(EXIT_NO_SOLUTION);
    expect(exitCodeOf(new FactorkitError('FK_NOT_SOLVED', 'x'))).toBe(EXIT_NO_SOLUTION);
    expect(exitCodeOf(new FactorkitError('FK_DATA_REJECTED', 'x'))).toBe(EXIT_DATA);
    expect(exitCodeOf(new FactorkitError('FK_NO_VALUES', 'x'))).toBe(EXIT_DATA);
    expect(exitCodeOf(new FactorkitError('FK_INVALID_ARGUMENT', 'x'))).toBe(EXIT_USAGE);
    expect(exitCodeOf(new FactorkitError('FK_INVALID_DATA', 'x'))).toBe(EXIT_USAGE);
    expect(exitCodeOf(new Error('boom'))).toBe(EXIT_USAGE);
    expect([EXIT_USAGE, EXIT_NO_SOLUTION, EXIT_DATA]).toEqual([1, 2, 3]);
  });
});

describe('formatError', () => {
  it('prints no stack trace and never `Error: Error:` unless asked', () => {
    const inner = new Error('Error: ENOTDIR: not a directory, open \'/x/y\'');
    const text = formatError(inner, false);
    expect(text).toBe("error: ENOTDIR: not a directory, open '/x/y'\n");
    expect(text).not.toMatch(/\bat .*:\d+:\d+/);
  });

  it('keeps the cause of a factorkit error for --verbose', () => {
    const cause = new TypeError('Cannot read properties of undefined (reading "x")');
    const error = new FactorkitError('FK_PLUGIN_FAILED', 'factor `acme` (package `factorkit-factor-acme`) threw while computing', { cause });
    const quiet = formatError(error, false);
    expect(quiet).toBe('error [FK_PLUGIN_FAILED]: factor `acme` (package `factorkit-factor-acme`) threw while computing\n  (run with --verbose for the cause)\n');
    const verbose = formatError(error, true);
    expect(verbose).toContain('caused by: Cannot read properties of undefined (reading "x")');
    expect(verbose).toMatch(/\n {4}at /);
  });

  it('does not offer --verbose when the cause is only a factorkit error the message already restates', () => {
    const inner = new FactorkitError('FK_INVALID_PARAMS', 'params.stocks: expected an integer in 50 … 8000');
    const error = new FactorkitError('FK_INVALID_ARGUMENT', '--stocks: expected an integer in 50 … 8000, got `10`', { cause: inner });
    expect(formatError(error, false)).toBe('error [FK_INVALID_ARGUMENT]: --stocks: expected an integer in 50 … 8000, got `10`\n');
  });
});
