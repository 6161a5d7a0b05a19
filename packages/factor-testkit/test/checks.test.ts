import { FIELD, Panel, computeFactor, createMemoryData, defineFactor, isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import {
  type CheckResult,
  FactorTestError,
  assertCheck,
  catchError,
  checkCrossAsset,
  checkDeterminism,
  checkGolden,
  checkLookAhead,
  checkLookback,
  checkMetadata,
  checkMissingData,
  checkShortHistory,
  isFactorTestError,
  randomMarketData,
  sampleDataFor,
} from '../src/index.js';
import { imputer, inPlace, industryEp, leaky, makePeeker, noisy, retSum, sharpeFromOne, shortLookback, zMomentum } from './factors.js';
import { HAND_ASSETS, HAND_DATES, HAND_RET, HAND_RET_SUM_3, NAN, handData } from './helpers.js';

const DATE = String.raw`\d{4}-\d{2}-\d{2}`;
const ID = String.raw`\d{6}\.(?:SH|SZ|BJ)`;
const NUMBER = String.raw`-?(?:\d[\d.e+-]*|Infinity|NaN)`;

/** The first failure's message, failing the test when the check passed. */
function firstMessage(result: CheckResult): string {
  expect(result.ok, 'the check should fail').toBe(false);
  return result.failures[0]!.message;
}

function expectPass(result: CheckResult): void {
  expect(result.failures.map((f) => f.message)).toEqual([]);
  expect(result.ok).toBe(true);
  expect(result.failureCount).toBe(0);
}

const minimal = (overrides: Record<string, unknown> = {}) =>
  defineFactor({
    id: 'minimal',
    apiVersion: '1.0',
    meta: { description: 'the return', category: 'other', inputs: [{ field: FIELD.ret }], lookback: 0, direction: 1, params: {}, ...overrides },
    compute: (ctx) => ctx.input(FIELD.ret),
  });

describe('checkMetadata', () => {
  it('passes correct plugins, with their golden and sample data', () => {
    expectPass(checkMetadata(retSum, { params: [{}, { window: 10 }], data: [{ name: 'golden data `hand`', data: handData() }] }));
    expectPass(checkMetadata(industryEp, { data: [{ name: 'sample data', data: sampleDataFor(industryEp) }] }));
    expectPass(checkMetadata(zMomentum));
  });

  it('reports core’s shape problems with their paths', () => {
    const broken = { ...retSum, meta: { ...retSum.meta, direction: 0, category: 'magic' } };
    const result = checkMetadata(broken as unknown as typeof retSum);
    expect(result.failures.map((f) => f.message)).toEqual([
      'metadata: factor `ret_sum`: meta.category: expected one of value, growth, quality, momentum, reversal, volatility, liquidity, size, analyst, governance, sentiment, style, other, got `"magic"`',
      'metadata: factor `ret_sum`: meta.direction: expected 1 or -1, got `0`',
    ]);
  });

  it('fails a plugin built for another core API, naming both versions', () => {
    const future = defineFactor({ ...minimal(), apiVersion: '2.0' });
    expect(firstMessage(checkMetadata(future))).toBe('metadata: factor `minimal` targets core API `2.0` but this core provides `1.1` (major versions differ)');
    const newer = defineFactor({ ...minimal(), apiVersion: '1.7' });
    expect(firstMessage(checkMetadata(newer))).toContain('this core provides only `1.1` (upgrade @factorkit/core)');
  });

  it('fails parameter sets that do not validate, and lookbacks that are not non-negative integers', () => {
    expect(firstMessage(checkMetadata(retSum, { params: [{ window: 0 }] }))).toBe(
      'metadata: factor `ret_sum` (params `{"window":0}`): invalid parameters: params.window: expected an integer ≥ 1, got `0`',
    );
    const fractional = minimal({ lookback: () => 2.5 });
    expect(firstMessage(checkMetadata(fractional))).toBe('metadata: factor `minimal`: meta.lookback gives `2.5` for these parameters, expected a non-negative integer');
    const throwing = minimal({
      lookback: () => {
        throw new Error('no');
      },
    });
    expect(firstMessage(checkMetadata(throwing))).toBe('metadata: factor `minimal`: meta.lookback threw: no');
  });

  it('fails when a dataset lacks a declared input, naming the field, the dataset and what it has', () => {
    const data = handData({ close: HAND_RET });
    const result = checkMetadata(retSum, { data: [{ name: 'golden data `hand panel`', data }] });
    expect(firstMessage(result)).toBe('metadata: factor `ret_sum` declares input `ret`, which the golden data `hand panel` does not have (it has: close)');
    // Optional inputs may be absent.
    const optional = minimal({ inputs: [{ field: FIELD.ret }, { field: 'close', optional: true }] });
    expectPass(checkMetadata(optional, { data: [{ name: 'sample data', data: handData() }] }));
  });

  it('fails an input declared categorical that the data has as numeric (and the reverse)', () => {
    const data = createMemoryData({
      calendar: HAND_DATES,
      assets: HAND_ASSETS,
      fields: { net_profit_ttm: Panel.fromRows(HAND_RET), market_cap: Panel.fromRows(HAND_RET), industry: Panel.fromRows(HAND_RET) },
    });
    expect(firstMessage(checkMetadata(industryEp, { data: [{ name: 'sample data', data }] }))).toBe(
      'metadata: factor `industry_ep` declares input `industry` as categorical, but in the sample data it is numeric (market)',
    );
  });
});

describe('checkGolden', () => {
  const data = handData();

  it('passes values added up by hand, given as rows, a Panel or single cells', () => {
    expectPass(checkGolden(retSum, { name: 'hand panel', data, expected: HAND_RET_SUM_3 }));
    expectPass(checkGolden(retSum, { data, expected: Panel.fromRows(HAND_RET_SUM_3) }));
    const result = checkGolden(retSum, {
      data,
      expected: [
        { date: '2024-01-05', asset: '600000.SH', value: 0.04 },
        { date: '2024-01-08', asset: '000001.SZ', value: 0 },
        { date: '2024-01-05', asset: '000001.SZ', value: null },
      ],
    });
    expectPass(result);
    expect(result.cells).toBe(3);
  });

  it('follows `range` and `params`', () => {
    expectPass(checkGolden(retSum, { data, range: { start: '2024-01-05' }, expected: HAND_RET_SUM_3.slice(3) }));
    expectPass(checkGolden(retSum, { data, params: { window: 1 }, expected: HAND_RET }));
  });

  it('names the date, the asset, both values and the tolerance when a value is off', () => {
    const expected = HAND_RET_SUM_3.map((row) => [...row]);
    expected[3]![0] = 0.05;
    const result = checkGolden(retSum, { name: 'hand panel', data, expected });
    expect(firstMessage(result)).toMatch(
      /^golden \(hand panel\): factor `ret_sum` value on 2024-01-05 for asset `600000\.SH` is 0\.0[34]\d*, expected 0\.05 \(difference 0\.0(?:1|09\d*)\d* > tolerance 5\.\d+e-11\)$/,
    );
    expect(result.failures[0]).toMatchObject({ check: 'golden', factor: 'ret_sum', date: '2024-01-05', asset: '600000.SH', expected: 0.05 });
    expect(result.failureCount).toBe(1);
  });

  it('requires NaN exactly where NaN is expected', () => {
    const valueForNaN = HAND_RET_SUM_3.map((row) => [...row]);
    valueForNaN[1]![0] = 0;
    expect(firstMessage(checkGolden(retSum, { data, expected: valueForNaN }))).toBe('golden (case 1): factor `ret_sum` value on 2024-01-03 for asset `600000.SH` is NaN, expected 0');
    const nanForValue = HAND_RET_SUM_3.map((row) => [...row]);
    nanForValue[4]![1] = NAN;
    expect(firstMessage(checkGolden(retSum, { data, expected: nanForValue }))).toBe('golden (case 1): factor `ret_sum` value on 2024-01-08 for asset `000001.SZ` is 0, expected NaN');
  });

  it('applies the tolerance as abs + rel × |expected|', () => {
    const off = HAND_RET_SUM_3.map((row) => row.map((v) => (Number.isNaN(v) ? v : v + 1e-6)));
    expect(checkGolden(retSum, { data, expected: off }).ok).toBe(false);
    expectPass(checkGolden(retSum, { data, expected: off, tolerance: { abs: 2e-6 } }));
    expectPass(checkGolden(retSum, { data, expected: off }, { tolerance: { abs: 2e-6 } }));
  });

  it('reports expected values of the wrong shape, or for cells outside the data', () => {
    expect(firstMessage(checkGolden(retSum, { data, expected: HAND_RET_SUM_3.slice(1) }))).toBe(
      'golden (case 1): expected values are 4 dates × 2 assets, but the range has 5 dates (2024-01-02 … 2024-01-08) × 2 assets',
    );
    expect(firstMessage(checkGolden(retSum, { data, expected: [{ date: '2023-12-29', asset: '600000.SH', value: 1 }] }))).toBe(
      'golden (case 1): expected a value on `"2023-12-29"` for asset `"600000.SH"`, but that date is not in the computed range (2024-01-02 … 2024-01-08)',
    );
    expect(firstMessage(checkGolden(retSum, { data, expected: [] }))).toBe('golden (case 1): no expected values given');
  });

  it('reports golden data without a declared input, and errors thrown while computing', () => {
    expect(firstMessage(checkGolden(retSum, { name: 'prices', data: handData({ close: HAND_RET }), expected: HAND_RET_SUM_3 }))).toBe(
      'golden (prices): factor `ret_sum` declares input `ret`, which the golden data does not have (it has: close)',
    );
    const result = checkGolden(retSum, { data, params: { window: 0 }, expected: HAND_RET_SUM_3 });
    expect(firstMessage(result)).toMatch(/^golden \(case 1\): factor `ret_sum` \(params `\{"window":0\}`\): computing on the golden data threw: invalid parameters/);
    expect(isFactorkitError(result.failures[0]!.cause)).toBe(true);
  });
});

describe('correct factors pass every property check', () => {
  const cases = [
    ['ret_sum (defaults)', retSum, {}],
    ['ret_sum (window 20)', retSum, { params: { window: 20 } }],
    ['z_momentum (cross-sectional z-score)', zMomentum, {}],
    ['industry_ep (fundamental, lag 1, categorical)', industryEp, {}],
  ] as const;
  for (const [name, plugin, options] of cases) {
    it(name, () => {
      for (const check of [checkLookback, checkMissingData, checkShortHistory, checkCrossAsset, checkLookAhead, checkDeterminism]) {
        const result = check(plugin as typeof retSum, options);
        expectPass(result);
        expect(result.cells).toBeGreaterThan(0);
      }
    });
  }
});

describe('checkLookback', () => {
  it('catches a lookback declared too short', () => {
    const result = checkLookback(shortLookback);
    expect(firstMessage(result)).toMatch(
      new RegExp(`^lookback: factor \`short_lookback\` declared 5 but values change with more history: on ${DATE} for asset \`${ID}\` the value is NaN with 5 days of history and ${NUMBER} with \\d+$`),
    );
    expect(result.failures[0]).toMatchObject({ check: 'lookback', actual: NAN });
    expect(Number.isFinite(result.failures[0]!.expected)).toBe(true);
  });

  it('says when the data is too short to check the lookback', () => {
    expect(firstMessage(checkLookback(retSum, { data: handData(), params: { window: 5 } }))).toBe(
      'lookback: factor `ret_sum` (params `{"window":5}`): the sample data has 5 dates; checking a lookback of 4 needs at least 6',
    );
    expectPass(checkLookback(retSum, { data: handData(), params: { window: 4 } }));
  });

  it('takes the sample data as a function of the params and lookback', () => {
    const seen: unknown[] = [];
    const result = checkLookback(retSum, {
      params: { window: 7 },
      data: (params, lookback) => {
        seen.push(params, lookback);
        return randomMarketData({ fields: ['ret'], dates: 40, seed: 9 });
      },
    });
    expectPass(result);
    expect(seen).toEqual([{ window: 7 }, 6]);
  });
});

describe('checkMissingData', () => {
  it('catches a factor that fills missing inputs in', () => {
    const result = checkMissingData(imputer);
    expect(firstMessage(result)).toMatch(new RegExp(`^missing-data: factor \`imputer\` value on 2021-01-04 for asset \`(${ID})\` is 0, expected NaN: every input of \`\\1\` was missing on every date$`));
    expect(result.failures[0]).toMatchObject({ check: 'missing-data', date: '2021-01-04', expected: NAN, actual: 0 });
    expect(result.failureCount).toBe(120);
  });

  it('refuses to pass vacuously when the factor gives no value at all', () => {
    const never = minimal({});
    const nothing = defineFactor({ ...never, compute: (ctx) => new Panel(ctx.data.calendar.length, ctx.data.assets.length) });
    expect(firstMessage(checkMissingData(nothing))).toBe(
      'missing-data: factor `minimal` gives no finite value on the sample data, so this check would prove nothing; pass `data` (or params) the factor can compute values on',
    );
  });
});

describe('checkShortHistory', () => {
  it('catches ±Infinity from a statistic over a single observation', () => {
    const result = checkShortHistory(sharpeFromOne);
    expect(firstMessage(result)).toMatch(/^short-history: factor `sharpe_from_one` value on 2021-01-04 for asset `600000\.SH` is -?Infinity on the sample data; values must be finite or NaN$/);
    expect(result.failures.some((f) => /with only 1 date of data/.test(f.message))).toBe(true);
    expect(result.failures[0]).toMatchObject({ check: 'short-history', date: '2021-01-04', asset: '600000.SH' });
  });

  it('reports a factor that throws on short data', () => {
    const fragile = defineFactor({
      ...minimal(),
      compute: (ctx) => {
        if (ctx.data.calendar.length < 5) throw new RangeError('need 5 dates');
        return ctx.input(FIELD.ret);
      },
    });
    expect(firstMessage(checkShortHistory(fragile))).toBe('short-history: factor `minimal` threw with only 1 date of data: need 5 dates');
  });
});

describe('checkCrossAsset', () => {
  it('catches one asset’s NaN poisoning every other asset', () => {
    const result = checkCrossAsset(leaky);
    expect(firstMessage(result)).toMatch(
      new RegExp(`^cross-asset: factor \`leaky\` value on ${DATE} for asset \`${ID}\` became NaN \\(was ${NUMBER}\\) when asset \`${ID}\` had every input missing on every date$`),
    );
    // Every finite value of the other assets turns NaN: with asset 0 missing throughout, and
    // with asset 1 (the next best covered) missing on the middle third of the dates.
    const baseline = computeFactor(leaky, sampleDataFor(leaky)).values;
    const n = baseline.dates;
    const finite = (a: number, from: number, to: number) => Array.from(baseline.column(a).subarray(from, to)).filter(Number.isFinite).length;
    const others = (skip: number, from: number, to: number) => [...Array(baseline.assets).keys()].filter((a) => a !== skip).reduce((sum, a) => sum + finite(a, from, to), 0);
    expect(result.failureCount).toBe(others(0, 0, n) + others(1, Math.floor(n / 3), Math.floor((2 * n) / 3)));
    expect(result.failures).toHaveLength(50);
  });

  it('needs two assets', () => {
    const one = randomMarketData({ fields: ['ret'], assets: 1, dates: 30 });
    expect(firstMessage(checkCrossAsset(retSum, { data: one }))).toBe('cross-asset: factor `ret_sum`: the sample data has 1 asset; the check needs at least 2');
  });
});

describe('checkLookAhead', () => {
  it('catches a factor reading tomorrow through a cache kept between runs, naming date and asset', () => {
    const result = checkLookAhead(makePeeker());
    const message = firstMessage(result);
    const match = new RegExp(`^look-ahead: factor \`peeker\` value on (${DATE}) for asset \`600000\\.SH\` changed from (${NUMBER}) to (${NUMBER}) when inputs after (${DATE}) were replaced by garbage \\(huge\\)$`).exec(message);
    expect(match, message).not.toBeNull();
    expect(match![1]).toBe(match![4]);
    const failure = result.failures[0]!;
    expect(failure).toMatchObject({ check: 'look-ahead', factor: 'peeker', date: match![1], asset: '600000.SH' });
    expect(failure.actual).not.toBe(failure.expected);
  });

  it('runs garbled data under fresh asset ids: without them a first-value-wins cache hides the cheat', () => {
    expect(checkLookAhead(makePeeker(), { renameAssets: false }).ok).toBe(true);
  });

  it('catches a factor that reads the next row directly', () => {
    const tomorrow = defineFactor({
      ...minimal(),
      compute: (ctx) => {
        const ret = ctx.input(FIELD.ret);
        const out = new Panel(ret.dates, ret.assets);
        for (let a = 0; a < ret.assets; a++) for (let t = 0; t + 1 < ret.dates; t++) out.set(t, a, ret.get(t + 1, a));
        return out;
      },
    });
    const result = checkLookAhead(tomorrow, { cuts: ['2021-03-01'], garbage: ['nan'] });
    expect(firstMessage(result)).toMatch(/^look-ahead: factor `minimal` value on 2021-03-01 for asset `600000\.SH` changed from -?0\.\d+ to NaN when inputs after 2021-03-01 were replaced by garbage \(nan\)$/);
    expect(result.failureCount).toBe(9); // one cell per listed asset: only 2021-03-01 reads past the cut
  });

  it('garbles categorical inputs too', () => {
    const industryPeek = defineFactor({
      ...minimal({ inputs: [{ field: FIELD.industry, kind: 'categorical' }] }),
      compute: (ctx) => {
        const industry = ctx.categorical(FIELD.industry);
        const out = new Panel(industry.dates, industry.assets);
        for (let a = 0; a < industry.assets; a++) for (let t = 0; t + 1 < industry.dates; t++) out.set(t, a, industry.codes[a * industry.dates + t + 1]!);
        return out;
      },
    });
    for (const kind of ['huge', 'negative', 'nan', 'shuffled'] as const) {
      expect(checkLookAhead(industryPeek, { garbage: [kind], seed: 3 }).ok, kind).toBe(false);
    }
  });

  it('reports a factor that throws on garbage after the cut', () => {
    const strict = defineFactor({
      ...minimal(),
      compute: (ctx) => {
        const ret = ctx.input(FIELD.ret);
        if (ret.values.some((r) => r < -1)) throw new RangeError('a return below −100 %');
        return ret;
      },
    });
    expect(firstMessage(checkLookAhead(strict, { garbage: ['negative'] }))).toMatch(
      new RegExp(`^look-ahead: factor \`minimal\` threw when inputs after ${DATE} were replaced by garbage \\(negative\\): a return below −100 %$`),
    );
  });

  it('takes cut dates as dates or indices and rejects cuts that leave nothing after them', () => {
    expectPass(checkLookAhead(retSum, { cuts: ['2021-02-01', 100] }));
    expect(firstMessage(checkLookAhead(retSum, { cuts: ['2030-01-01'] }))).toMatch(/^look-ahead: factor `ret_sum`: could not run on the sample data: cut `"2030-01-01"` is not a date of the sample before its last/);
  });
});

describe('checkDeterminism', () => {
  it('catches a factor using Math.random', () => {
    const result = checkDeterminism(noisy);
    expect(firstMessage(result)).toMatch(new RegExp(`^determinism: factor \`noisy\` value on 2021-01-04 for asset \`600000\\.SH\` differs between two runs on the same data: ${NUMBER} then ${NUMBER}$`));
  });

  it('catches values that depend on where the computation starts', () => {
    const result = checkDeterminism(shortLookback);
    expect(result.failures.some((f) => new RegExp(`^determinism: factor \`short_lookback\` value on ${DATE} for asset \`${ID}\` is NaN when computed from ${DATE} but ${NUMBER} when computed from 2021-01-04 \\(same data\\)$`).test(f.message))).toBe(
      true,
    );
  });

  it('catches a factor that writes into its (shared, read-only) input panels', () => {
    const result = checkDeterminism(inPlace);
    const message = result.failures.map((f) => f.message).find((m) => m.includes('modified its input'));
    expect(message).toMatch(new RegExp(`^determinism: factor \`in_place\` modified its input \`ret\` in place \\(${DATE}, asset \`${ID}\`: NaN became 0\\); inputs are the data store's panels and read-only, write results into new arrays$`));
    expect(checkDeterminism(retSum).failures).toEqual([]);
  });

  it('reports a factor that cannot run on the sample data', () => {
    const broken = defineFactor({
      ...minimal(),
      compute: () => {
        throw new Error('boom');
      },
    });
    const result = checkDeterminism(broken);
    expect(firstMessage(result)).toBe('determinism: factor `minimal`: could not run on the sample data: boom');
    // The cause is core's FK_PLUGIN_FAILED wrapping, which keeps what the factor threw.
    expect((result.failures[0]!.cause as { code?: string }).code).toBe('FK_PLUGIN_FAILED');
    expect(((result.failures[0]!.cause as Error).cause as Error).message).toBe('boom');
  });
});

describe('FactorTestError', () => {
  it('carries check, date, asset, expected and actual of the first failure', () => {
    const result = checkMissingData(imputer);
    const error = catchError(() => assertCheck(result));
    expect(error).toBeInstanceOf(FactorTestError);
    expect(isFactorTestError(error)).toBe(true);
    const e = error as FactorTestError;
    expect(e).toMatchObject({ name: 'FactorTestError', code: 'FK_CHECK_FAILED', check: 'missing-data', factor: 'imputer', date: '2021-01-04', actual: 0 });
    expect(e.expected).toBeNaN();
    expect(e.failureCount).toBe(120);
    const lines = e.message.split('\n');
    expect(lines[0]).toBe(result.failures[0]!.message);
    expect(lines[1]).toBe('119 more failures in this check, starting with:');
    expect(lines.slice(2, 6).every((line) => line.startsWith('  - missing-data: factor `imputer` value on '))).toBe(true);
    expect(lines[6]).toBe('  - … and 115 more');
    expect(assertCheck(checkMissingData(retSum)).ok).toBe(true);
    expect(isFactorTestError(new Error('x'))).toBe(false);
  });
});
