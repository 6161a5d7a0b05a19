import { type CategoricalPanel, Panel, ValidationError, checkParams, param } from '@factorkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type PreprocessConfig,
  checkPreprocessConfig,
  logSize,
  neutralize,
  parsePreprocessConfig,
  preprocess,
  preprocessParams,
  toPreprocessConfig,
  winsorizeMad,
  winsorizeSigma,
  zscore,
} from '../src/index.js';
import { close, median } from './naive.js';

const industry: CategoricalPanel = {
  dates: 2,
  assets: 6,
  // column-major: asset a's codes at [2a, 2a + 1]
  codes: Int32Array.from([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, -1, -1]),
  levels: ['bank', 'tech'],
};

describe('preprocess: a hand-counted case', () => {
  const values = Panel.fromRows([
    [1, 2, 100, 3, 5, 7],
    [null, 2, 4, 6, Number.POSITIVE_INFINITY, 1],
  ]);
  const maskRows = [Uint8Array.from([1, 1, 1, 1, 1, 0]), Uint8Array.from([1, 1, 1, 1, 1, 1])];
  const config: PreprocessConfig = {
    winsorize: { method: 'mad', k: 3 },
    neutralize: 'industry',
    standardize: { weights: 'equal' },
    fill: 'industry-median',
  };
  const { values: out, report } = preprocess(values, config, { mask: (t) => maskRows[t]!, industry }, { perDate: true });

  it('counts cells before the stages', () => {
    expect(report).toMatchObject({ dates: 2, assets: 6, eligible: 11, outsideMask: 1, missingInput: 2, valid: 10, missingOutput: 1 });
    expect(Array.from(report.perDate!.eligible)).toEqual([5, 6]);
    expect(Array.from(report.perDate!.missingInput)).toEqual([0, 2]);
    expect(Array.from(report.perDate!.valid)).toEqual([5, 5]);
    expect(report.stages.map((s) => s.stage)).toEqual(['winsorize', 'neutralize', 'standardize', 'fill']);
  });

  it('reports every stage', () => {
    const [win, neu, std, fill] = report.stages;
    // Date 0: median 3, MAD 2 → upper bound 3 + 3 · 1.4826 · 2: only 100 is clipped. Date 1: nothing.
    expect(win).toMatchObject({ stage: 'winsorize', input: 9, changed: 1, output: 9, clippedLow: 0, clippedHigh: 1, zeroScaleDates: 0 });
    expect(Array.from(win!.perDate!.changed)).toEqual([1, 0]);
    // Date 1: asset 5 has no industry (dropped), asset 3 is alone in `tech` (residual 0).
    expect(neu).toMatchObject({
      stage: 'neutralize',
      regressors: ['industry'],
      input: 9,
      changed: 8,
      output: 8,
      dropped: { noIndustry: 1, noSize: 0, noExtra: 0, tooFewObservations: 0 },
      singletons: 1,
    });
    expect(std).toMatchObject({ stage: 'standardize', weights: 'equal', input: 8, changed: 8, output: 8, dropped: { zeroDispersion: 0, noWeights: 0 } });
    // Date 1: asset 0 (bank) and asset 4 (tech) are filled; asset 5 has no industry.
    expect(fill).toMatchObject({ stage: 'fill', method: 'industry-median', input: 8, changed: 2, output: 10, unfilled: { noIndustry: 1, emptyIndustry: 0 } });
  });

  it('computes the values', () => {
    const rows = out.toRows();
    // Date 1 residuals: bank 2 − 3, 4 − 3; tech 0 → z-scores −1, 1, 0 (σ = 1).
    expect(rows[1]).toEqual([0, -1, 1, 0, 0, Number.NaN]);
    expect(rows[0]![5]).toBeNaN();
    // Date 0: bank 1, 2, 3 + 3·1.4826·2 and tech 3, 5 demeaned, then z-scored.
    const hi = 3 + 3 * 1.4826 * 2;
    const bankMean = (1 + 2 + hi) / 3;
    const resid = [1 - bankMean, 2 - bankMean, hi - bankMean, -1, 1];
    const m = resid.reduce((s, v) => s + v, 0) / 5;
    const sd = Math.sqrt(resid.reduce((s, v) => s + (v - m) ** 2, 0) / 4);
    resid.forEach((r, a) => expect(rows[0]![a]).toBeCloseTo((r - m) / sd, 13));
  });
});

describe('preprocess equals the operators chained', () => {
  it('for random panels and configs', () => {
    const cell = fc.oneof(
      { weight: 1, arbitrary: fc.constant(Number.NaN) },
      { weight: 8, arbitrary: fc.integer({ min: -400, max: 400 }).map((i) => i / 8) },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }).chain((dates) =>
          fc.record({
            dates: fc.constant(dates),
            values: fc.array(cell, { minLength: dates * 12, maxLength: dates * 12 }),
            caps: fc.array(fc.oneof(fc.constant(Number.NaN), fc.integer({ min: 1, max: 1000 }).map((i) => i * 1e7)), { minLength: dates * 12, maxLength: dates * 12 }),
            codes: fc.array(fc.integer({ min: -1, max: 2 }), { minLength: dates * 12, maxLength: dates * 12 }),
            mask: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: dates * 12, maxLength: dates * 12 }),
          }),
        ),
        fc.record({
          winsorize: fc.constantFrom(false as const, { method: 'mad' as const, k: 3 }, { method: 'sigma' as const, k: 2 }),
          neutralize: fc.constantFrom(false as const, 'industry' as const, 'size' as const, 'both' as const),
          standardize: fc.constantFrom(false as const, { weights: 'equal' as const }, { weights: 'cap' as const }),
          fill: fc.constantFrom('none' as const, 'zero' as const, 'industry-median' as const),
        }),
        (data, config) => {
          const { dates } = data;
          const x = new Panel(dates, 12, Float64Array.from(data.values));
          const cap = new Panel(dates, 12, Float64Array.from(data.caps));
          const groups: CategoricalPanel = { dates, assets: 12, codes: Int32Array.from(data.codes), levels: ['a', 'b', 'c'] };
          const rows = Array.from({ length: dates }, (_, t) => Uint8Array.from({ length: 12 }, (_, a) => (data.mask[a * dates + t]! > 0 ? 1 : 0)));
          const mask = (t: number) => rows[t]!;
          const { values, report } = preprocess(x, config, { mask, industry: groups, marketCap: cap });

          let expected = config.winsorize
            ? (config.winsorize.method === 'mad' ? winsorizeMad : winsorizeSigma)(x, { mask, k: config.winsorize.k }).values
            : maskOnly(x, rows);
          if (config.neutralize) {
            expected = neutralize(expected, {
              mask,
              ...(config.neutralize !== 'size' ? { industry: groups } : {}),
              ...(config.neutralize !== 'industry' ? { size: logSize(cap) } : {}),
            }).values;
          }
          if (config.standardize) expected = zscore(expected, { mask, ...(config.standardize.weights === 'cap' ? { weights: cap } : {}) });
          if (config.fill !== 'none') {
            for (let t = 0; t < dates; t++) {
              const medians = [0, 1, 2].map((g) => {
                const v: number[] = [];
                for (let a = 0; a < 12; a++) if (groups.codes[a * dates + t] === g && Number.isFinite(expected.get(t, a))) v.push(expected.get(t, a));
                return v.length ? median(v) : Number.NaN;
              });
              for (let a = 0; a < 12; a++) {
                if (rows[t]![a] === 0 || Number.isFinite(expected.get(t, a))) continue;
                const g = groups.codes[a * dates + t]!;
                expected.set(t, a, config.fill === 'zero' ? 0 : g < 0 ? Number.NaN : medians[g]!);
              }
            }
          }
          for (let i = 0; i < values.values.length; i++) {
            if (!close(values.values[i]!, expected.values[i]!, 1e-9)) expect.fail(`cell ${i}: got ${values.values[i]}, expected ${expected.values[i]}`);
          }
          // The bookkeeping adds up.
          let valid = 0;
          for (let i = 0; i < values.values.length; i++) if (Number.isFinite(values.values[i])) valid++;
          expect(report.valid).toBe(valid);
          for (const stage of report.stages) {
            const dropped = Object.values(stage.dropped as Record<string, number>).reduce((s, v) => s + v, 0);
            const added = stage.stage === 'fill' ? stage.changed : 0;
            expect(stage.input - dropped + added).toBe(stage.output);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

function maskOnly(x: Panel, rows: readonly Uint8Array[]): Panel {
  const out = new Panel(x.dates, x.assets);
  for (let t = 0; t < x.dates; t++) for (let a = 0; a < x.assets; a++) if (rows[t]![a] && Number.isFinite(x.get(t, a))) out.set(t, a, x.get(t, a));
  return out;
}

describe('preprocess config', () => {
  it('every stage is optional: an empty config only applies the mask', () => {
    const x = Panel.fromRows([[1, Number.POSITIVE_INFINITY, 3]]);
    const { values, report } = preprocess(x, {}, { mask: () => Uint8Array.from([1, 1, 0]) });
    expect(values.toRows()[0]).toEqual([1, Number.NaN, Number.NaN]);
    expect(report).toMatchObject({ eligible: 2, outsideMask: 1, missingInput: 1, valid: 1, missingOutput: 1, stages: [] });
  });

  it('the param schema validates with every problem at once, and has the usual defaults', () => {
    expect(parsePreprocessConfig({})).toEqual({
      winsorize: { method: 'mad', k: 5 },
      neutralize: 'both',
      standardize: { weights: 'equal' },
      fill: 'none',
    });
    expect(parsePreprocessConfig({ winsorize: 'none', neutralize: 'none', standardize: 'cap', fill: 'zero' })).toEqual({
      winsorize: false,
      neutralize: false,
      standardize: { weights: 'cap' },
      fill: 'zero',
    });
    try {
      parsePreprocessConfig({ winsorize: 'iqr', winsorizeK: -1, fill: 'mean', extra: 1 });
      expect.fail('should throw');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const issues = (error as ValidationError).issues.map((i) => i.path);
      expect(issues.sort()).toEqual(['preprocess.extra', 'preprocess.fill', 'preprocess.winsorize', 'preprocess.winsorizeK']);
      expect((error as ValidationError).code).toBe('FK_INVALID_PARAMS');
    }
  });

  it('nests in a factor plugin schema, and preprocess takes the validated params directly', () => {
    const schema = { window: param.integer({ default: 20 }), preprocess: param.object(preprocessParams) };
    const checked = checkParams(schema, { preprocess: { neutralize: 'industry', fill: 'zero' } });
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    const p = checked.value.preprocess;
    expect(toPreprocessConfig(p)).toEqual({ winsorize: { method: 'mad', k: 5 }, neutralize: 'industry', standardize: { weights: 'equal' }, fill: 'zero' });
    const x = Panel.fromRows([[1, 2, 3, 4]]);
    const ind: CategoricalPanel = { dates: 1, assets: 4, codes: Int32Array.from([0, 0, 1, 1]), levels: ['a', 'b'] };
    const a = preprocess(x, p, { industry: ind });
    const b = preprocess(x, toPreprocessConfig(p), { industry: ind });
    expect(a.values.toRows()).toEqual(b.values.toRows());
    const bad = checkParams(schema, { preprocess: { standardize: 'rank' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0]!.path).toBe('params.preprocess.standardize');
  });

  it('checks the programmatic config and the context, listing every problem', () => {
    expect(checkPreprocessConfig({ winsorize: { method: 'iqr', k: 0 }, neutralize: 'sector', standardize: { weights: 'float' } }).map((i) => i.path)).toEqual([
      'preprocess.winsorize.method',
      'preprocess.winsorize.k',
      'preprocess.neutralize',
      'preprocess.standardize.weights',
    ]);
    const x = Panel.fromRows([[1, 2]]);
    expect(() => preprocess(x, { neutralize: 'both', standardize: { weights: 'cap' } })).toThrow(
      /context\.industry: is required to neutralise on `both`[\s\S]*context\.marketCap: is required to neutralise on `both`[\s\S]*context\.marketCap: is required for cap-weighted/,
    );
    expect(() => preprocess(x, { neutralize: 'size' }, { marketCap: Panel.fromRows([[1, 2, 3]]) })).toThrow(/context\.marketCap` is 1 dates × 3 assets/);
  });

  it('reports degenerate dates in standardising and cap weighting', () => {
    const x = Panel.fromRows([
      [1, 1, 1],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    const cap = Panel.fromRows([
      [1, 1, 1],
      [Number.NaN, Number.NaN, 0],
      [Number.NaN, 5, 5],
    ]);
    const { values, report } = preprocess(x, { standardize: { weights: 'cap' } }, { marketCap: cap });
    expect(report.stages[0]).toMatchObject({ stage: 'standardize', input: 9, changed: 3, dropped: { zeroDispersion: 3, noWeights: 3 }, output: 3, unweighted: 1 });
    // Date 2: centre = the cap-weighted mean of 2 and 3 = 2.5, σ = 1.
    expect(values.toRows()[2]).toEqual([-1.5, -0.5, 0.5]);
  });
});
