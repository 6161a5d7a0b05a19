import { isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { type FactorTestError, type TestFramework, assertFactor, catchError, createFactorTester, isFactorTestError, planFactorTests, verifyFactor } from '../src/index.js';
import { imputer, leaky, makePeeker, noisy, retSum, sharpeFromOne, shortLookback, zMomentum } from './factors.js';
import { HAND_RET_SUM_3, handData } from './helpers.js';

const golden = [{ name: 'hand panel', data: handData(), expected: HAND_RET_SUM_3 }];

/** A recording test framework: the tree of describe/it names, and every test body. */
function recorder() {
  const lines: string[] = [];
  const tests: { path: string; fn: () => void }[] = [];
  const stack: string[] = [];
  const framework: TestFramework = {
    describe: (name, fn) => {
      lines.push(`${'  '.repeat(stack.length)}describe ${name}`);
      stack.push(name);
      fn();
      stack.pop();
    },
    it: (name, fn) => {
      lines.push(`${'  '.repeat(stack.length)}it ${name}`);
      tests.push({ path: [...stack, name].join(' > '), fn });
    },
  };
  /** Run every test; the errors of the failing ones by path. */
  const run = () => {
    const failures = new Map<string, FactorTestError>();
    for (const test of tests) {
      try {
        test.fn();
      } catch (error) {
        if (!isFactorTestError(error)) throw error;
        failures.set(test.path, error);
      }
    }
    return failures;
  };
  return { framework, lines, run };
}

describe('planFactorTests', () => {
  it('plans metadata, one test per golden case, then six property checks per parameter set', () => {
    const cases = planFactorTests(retSum, { golden, params: [{}, { window: 10 }] });
    expect(cases.map((c) => [c.group, c.check])).toEqual([
      [undefined, 'metadata'],
      [undefined, 'golden'],
      ...['default params', 'params {"window":10}'].flatMap((group) =>
        (['lookback', 'missing-data', 'short-history', 'cross-asset', 'look-ahead', 'determinism'] as const).map((check) => [group, check]),
      ),
    ]);
    expect(cases.every((c) => c.name.startsWith(`${c.check}: `))).toBe(true);
    expect(cases[1]!.name).toBe('golden: hand panel');
  });

  it('skips the checks asked for and needs at least one parameter set', () => {
    expect(planFactorTests(retSum, { skip: ['metadata', 'look-ahead', 'determinism'] }).map((c) => c.check)).toEqual(['lookback', 'missing-data', 'short-history', 'cross-asset']);
    const error = catchError(() => planFactorTests(retSum, { params: [] }));
    expect(isFactorkitError(error) && error.code).toBe('FK_INVALID_ARGUMENT');
  });

  it('runs nothing until a case runs, and shares the sample between the checks of a parameter set', () => {
    let computed = 0;
    const counting = { ...retSum, compute: (ctx: Parameters<typeof retSum.compute>[0]) => (computed++, retSum.compute(ctx)) };
    const cases = planFactorTests(counting, {});
    expect(computed).toBe(0);
    cases.find((c) => c.check === 'missing-data')!.run(); // baseline + the blanked run
    expect(computed).toBe(2);
    cases.find((c) => c.check === 'cross-asset')!.run(); // the baseline is reused: two scenario runs
    expect(computed).toBe(4);
  });
});

describe('verifyFactor and assertFactor', () => {
  it('pass a correct factor on every check', () => {
    const report = verifyFactor(retSum, { golden, params: [{}, { window: 30 }] });
    expect(report.results.filter((r) => !r.ok).map((r) => r.failures[0]!.message)).toEqual([]);
    expect(report).toMatchObject({ factor: 'ret_sum', ok: true });
    expect(report.results).toHaveLength(14);
    expect(assertFactor(zMomentum).ok).toBe(true);
  });

  it('assertFactor throws the first failed check', () => {
    const error = catchError(() => assertFactor(imputer)) as FactorTestError;
    expect(isFactorTestError(error)).toBe(true);
    expect(error.check).toBe('missing-data');
    expect(error.message).toMatch(/^missing-data: factor `imputer` value on 2021-01-04 for asset `\d{6}\.(SH|SZ|BJ)` is 0, expected NaN/);
  });
});

describe('createFactorTester', () => {
  it('declares describe(plugin.id) with one it per check, nested per parameter set', () => {
    const { framework, lines } = recorder();
    createFactorTester(framework).run(retSum, { golden, params: [{}, { window: 10 }], skip: ['cross-asset'] });
    expect(lines).toEqual([
      'describe ret_sum',
      '  it metadata: the plugin, its API version, parameters and declared inputs are valid',
      '  it golden: hand panel',
      '  describe default params',
      '    it lookback: values from exactly the declared lookback equal values from more history',
      '    it missing-data: an asset whose inputs are all missing gets NaN',
      '    it short-history: every value is finite or NaN, however short the history',
      '    it look-ahead: garbage in the inputs after t leaves every value up to t unchanged',
      '    it determinism: repeated runs and later starts give the same values',
      '  describe params {"window":10}',
      '    it lookback: values from exactly the declared lookback equal values from more history',
      '    it missing-data: an asset whose inputs are all missing gets NaN',
      '    it short-history: every value is finite or NaN, however short the history',
      '    it look-ahead: garbage in the inputs after t leaves every value up to t unchanged',
      '    it determinism: repeated runs and later starts give the same values',
    ]);
  });

  it('does not nest a lone default parameter set', () => {
    const { framework, lines } = recorder();
    createFactorTester(framework).run(retSum, { skip: ['lookback', 'missing-data', 'short-history', 'cross-asset', 'look-ahead'] });
    expect(lines).toEqual(['describe ret_sum', '  it metadata: the plugin, its API version, parameters and declared inputs are valid', '  it determinism: repeated runs and later starts give the same values']);
  });

  it('passes every test of a correct factor', () => {
    const { framework, run } = recorder();
    createFactorTester(framework).run(retSum, { golden, params: [{}, { window: 8 }] });
    expect([...run().values()].map((e) => e.message)).toEqual([]);
  });

  it('fails exactly the test of the rule each broken factor breaks (and names it)', () => {
    const expectations = [
      [imputer, 'missing-data'],
      [sharpeFromOne, 'short-history'],
      [leaky, 'cross-asset'],
      [makePeeker(), 'look-ahead'],
      [noisy, 'determinism'],
      [shortLookback, 'lookback'],
    ] as const;
    for (const [plugin, check] of expectations) {
      const { framework, run } = recorder();
      createFactorTester(framework).run(plugin, {});
      const failures = [...run().values()];
      const failed = failures.find((e) => e.check === check);
      expect(failed, `${plugin.id} should fail ${check}`).toBeDefined();
      expect(failed!.message.startsWith(`${check}: factor \`${plugin.id}\``)).toBe(true);
      expect(failures.some((e) => e.check === 'metadata')).toBe(false);
    }
  });

  it('merges defaults under each run’s options', () => {
    const { framework, lines } = recorder();
    createFactorTester({ ...framework, defaults: { skip: ['lookback', 'missing-data', 'short-history', 'cross-asset', 'look-ahead', 'determinism'] } }).run(retSum, { golden });
    expect(lines).toEqual(['describe ret_sum', '  it metadata: the plugin, its API version, parameters and declared inputs are valid', '  it golden: hand panel']);
  });

  it('asks for describe and it when there are no globals', () => {
    const error = catchError(() => createFactorTester().run(retSum));
    expect(isFactorkitError(error) && error.code).toBe('FK_INVALID_ARGUMENT');
    expect((error as Error).message).toContain("runFactorTests from '@factorkit/factor-testkit/vitest'");
  });

  it('uses global describe and it when they exist (jest, mocha, vitest globals)', () => {
    const { framework, lines } = recorder();
    const globals = globalThis as Record<string, unknown>;
    globals.describe = framework.describe;
    globals.it = framework.it;
    try {
      createFactorTester().run(retSum, { skip: ['lookback', 'missing-data', 'short-history', 'cross-asset', 'look-ahead', 'determinism'] });
    } finally {
      delete globals.describe;
      delete globals.it;
    }
    expect(lines).toEqual(['describe ret_sum', '  it metadata: the plugin, its API version, parameters and declared inputs are valid']);
  });
});
