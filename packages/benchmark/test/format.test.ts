import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompositeBenchmark, formatBenchmark, parseBenchmark } from '../src/index.js';
import { thrown } from './helpers.js';

describe('formatBenchmark', () => {
  it('writes the canonical syntax', () => {
    expect(formatBenchmark(parseBenchmark('  95%000852.SH+5%deposit '))).toBe('95% 000852.SH + 5% deposit');
    expect(formatBenchmark(parseBenchmark('90% 399303.SZ + 5% HSI + 5% deposit'))).toBe('90% 399303.SZ + 5% HSI + 5% deposit');
    expect(formatBenchmark(parseBenchmark('100% 000905.SH'))).toBe('000905.SH');
    expect(formatBenchmark(parseBenchmark('000905.SH'))).toBe('000905.SH');
    expect(formatBenchmark(parseBenchmark('deposit'))).toBe('100% deposit');
    expect(formatBenchmark(parseBenchmark('93% 000905.SH + 7% deposit'))).toBe('93% 000905.SH + 7% deposit');
    expect(formatBenchmark(parseBenchmark('92.5% 000905.SH + 7.5% deposit'))).toBe('92.5% 000905.SH + 7.5% deposit');
  });

  it('writes published texts whose series all have codes', () => {
    expect(formatBenchmark(parseBenchmark('中证500指数收益率*95%+同期银行活期存款利率(税后)*5%'))).toBe('95% 000905.SH + 5% deposit');
    expect(formatBenchmark(parseBenchmark('沪深300指数收益率*95%+1.5%(指年收益率,评价时按期间折算)'))).toBe('95% 000300.SH + 1.5% p.a.');
    expect(formatBenchmark(parseBenchmark('中证500指数收益率*93%+同期银行活期存款利率(税后)*5%+恒生指数收益率*2%'))).toBe(
      '93% 000905.SH + 5% deposit + 2% HSI',
    );
  });

  it('refuses a series without a code', () => {
    const error = thrown(() => formatBenchmark(parseBenchmark('沪深300指数收益率*50%+中债综合指数收益率*50%')));
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toContain('`"中债综合指数"` has no code');
  });

  it('round-trips: parse(format(b)) has the terms of b, format(parse(format(b))) is format(b)', () => {
    const codes = ['000300.SH', '000905.SH', '000852.SH', '000906.SH', '399303.SZ', '000510.SH', '932000.CSI', 'HSI', 'deposit'];
    const benchmark = fc
      .record({
        picks: fc.shuffledSubarray(codes, { minLength: 1, maxLength: 5 }),
        cuts: fc.array(fc.integer({ min: 1, max: 999 }), { minLength: 4, maxLength: 4 }),
        constant: fc.option(fc.integer({ min: 1, max: 500 }), { nil: undefined }),
      })
      .map(({ picks, cuts, constant }) => {
        // Weights in tenths of a percent summing to 1000: cut [0, 1000] at distinct points.
        const points = [...new Set(cuts.slice(0, picks.length - 1))].sort((a, b) => a - b);
        const bounds = [0, ...points, 1000];
        const series = picks.slice(0, bounds.length - 1);
        const terms = series.map((code, k) => `${(bounds[k + 1]! - bounds[k]!) / 10}% ${code}`);
        if (constant !== undefined) terms.push(`${constant / 100}% p.a.`);
        return terms.join(' + ');
      });
    fc.assert(
      fc.property(benchmark, (text) => {
        const b = parseBenchmark(text);
        const written = formatBenchmark(b);
        const again = parseBenchmark(written);
        expect(again.terms).toEqual(b.terms);
        expect(formatBenchmark(again)).toBe(written);
        // Canonical input is written back unchanged, but a lone 100% index is its bare code.
        const lone = /^100% (\S+)$/.exec(text);
        expect(written).toBe(lone && lone[1] !== 'deposit' ? lone[1] : text);
      }),
      { numRuns: 300 },
    );
  });

  it('writes weights given as fractions without float noise', () => {
    const b: CompositeBenchmark = {
      text: 'by hand',
      terms: [
        { kind: 'index', code: '000905.SH', weight: 0.07 * 10 },
        { kind: 'deposit', weight: 0.3 },
      ],
    };
    expect(formatBenchmark(b)).toBe('70% 000905.SH + 30% deposit');
  });
});
