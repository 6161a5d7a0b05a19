import { describe, expect, it } from 'vitest';
import { parseBenchmark, tryParseBenchmark } from '../src/index.js';
import { thrown } from './helpers.js';

describe('the composite syntax', () => {
  it('reads weighted terms: index codes, deposit, aliases', () => {
    expect(parseBenchmark('95% 000852.SH + 5% deposit')).toEqual({
      text: '95% 000852.SH + 5% deposit',
      syntax: 'composite',
      notes: [],
      terms: [
        { kind: 'index', code: '000852.SH', weight: 0.95 },
        { kind: 'deposit', weight: 0.05 },
      ],
    });
    expect(parseBenchmark('90% 399303.SZ + 5% HSI + 5% deposit').terms).toEqual([
      { kind: 'index', code: '399303.SZ', weight: 0.9 },
      { kind: 'index', code: 'HSI', weight: 0.05 },
      { kind: 'deposit', weight: 0.05 },
    ]);
    expect(parseBenchmark('50% 000300.SH + 30% 000905.SH + 20% 932000.CSI').terms.map((t) => t.kind === 'index' && t.code)).toEqual([
      '000300.SH',
      '000905.SH',
      '932000.CSI',
    ]);
  });

  it('takes a bare code (or alias, or deposit) for 100%', () => {
    expect(parseBenchmark('000905.SH').terms).toEqual([{ kind: 'index', code: '000905.SH', weight: 1 }]);
    expect(parseBenchmark('  000905.SH ').terms).toEqual([{ kind: 'index', code: '000905.SH', weight: 1 }]);
    expect(parseBenchmark('HSI').terms).toEqual([{ kind: 'index', code: 'HSI', weight: 1 }]);
    expect(parseBenchmark('deposit').terms).toEqual([{ kind: 'deposit', weight: 1 }]);
    expect(parseBenchmark('100% 000905.SH').terms).toEqual([{ kind: 'index', code: '000905.SH', weight: 1 }]);
  });

  it('is indifferent to white space between tokens and to full-width symbols', () => {
    const want = [
      { kind: 'index', code: '000852.SH', weight: 0.95 },
      { kind: 'deposit', weight: 0.05 },
    ];
    expect(parseBenchmark('95%000852.SH+5%deposit').terms).toEqual(want);
    expect(parseBenchmark('\t95%   000852.SH   +5% deposit  ').terms).toEqual(want);
    expect(parseBenchmark('９５％ ０００８５２.SH ＋ ５％ deposit').terms).toEqual(want);
  });

  it('reads decimal weights and an additive constant `p.a.`; with a constant the weights may sum to less than 100%', () => {
    expect(parseBenchmark('92.5% 000905.SH + 7.5% deposit').terms).toEqual([
      { kind: 'index', code: '000905.SH', weight: 0.925 },
      { kind: 'deposit', weight: 0.075 },
    ]);
    expect(parseBenchmark('95% 000300.SH + 1.5% p.a.').terms).toEqual([
      { kind: 'index', code: '000300.SH', weight: 0.95 },
      { kind: 'constant', annualRate: 0.015 },
    ]);
    expect(parseBenchmark('100% deposit + 3% p.a.').terms).toEqual([
      { kind: 'deposit', weight: 1 },
      { kind: 'constant', annualRate: 0.03 },
    ]);
    expect(parseBenchmark('4% p.a.').terms).toEqual([{ kind: 'constant', annualRate: 0.04 }]);
  });

  it('accepts a sum within 1e-9 of 100%', () => {
    expect(parseBenchmark('33.3333333333% 000300.SH + 33.3333333333% 000905.SH + 33.3333333334% 000852.SH').terms).toHaveLength(3);
    expect(tryParseBenchmark('33.33333% 000300.SH + 33.33333% 000905.SH + 33.33333% 000852.SH').ok).toBe(false);
  });

  it('takes more aliases from options, and refuses bad ones', () => {
    expect(parseBenchmark('80% 000300.SH + 20% SPX', { aliases: { SPX: 'S&P 500' } }).terms[1]).toEqual({ kind: 'index', code: 'SPX', weight: 0.2 });
    expect(tryParseBenchmark('80% 000300.SH + 20% SPX').ok).toBe(false);
    for (const alias of ['deposit', 'p.a.', '9X', 'S P', '']) {
      const error = thrown(() => parseBenchmark('000300.SH', { aliases: { [alias]: 'x' } }));
      expect(error.code).toBe('FK_INVALID_ARGUMENT');
      expect(error.message).toContain('options.aliases');
    }
  });
});

describe('refusals name the position and what was expected', () => {
  /** Position and problem of a refused text (and that parseBenchmark throws the same). */
  function refusal(text: string): { position: number; problem: string } {
    const result = tryParseBenchmark(text);
    if (result.ok) throw new Error(`\`${text}\` was accepted`);
    const error = thrown(() => parseBenchmark(text));
    expect(error.code).toBe('FK_INVALID_BENCHMARK');
    expect(error.message).toBe(result.message);
    expect(error.details).toEqual({ text, position: result.position, problem: result.problem });
    expect(result.message.startsWith(`benchmark \`${text}\`: position ${result.position}: ${result.problem}\n`)).toBe(true);
    return { position: result.position, problem: result.problem };
  }

  it('a weight without `%`, with the caret under it', () => {
    const text = '95% 000852.SH + 5 deposit';
    const result = tryParseBenchmark(text);
    expect(result).toEqual({
      ok: false,
      position: 17,
      problem: 'expected `%` after the weight',
      message:
        'benchmark `95% 000852.SH + 5 deposit`: position 17: expected `%` after the weight\n' +
        '  95% 000852.SH + 5 deposit\n' +
        '                   ^',
    });
    expect(thrown(() => parseBenchmark(text)).message).toBe(result.ok ? '' : result.message);
  });

  it('each kind of problem, at its position', () => {
    expect(refusal('')).toEqual({ position: 0, problem: 'expected a term such as `95% 000905.SH`, or an index code' });
    expect(refusal('   ')).toMatchObject({ position: 3 });
    expect(refusal('95% 000852.SH + 5% depsit')).toMatchObject({ position: 19 });
    expect(refusal('95% 000852.SH + 5% depsit').problem).toContain('unknown series `depsit`');
    expect(refusal('95% 000852.sh + 5% deposit')).toEqual({
      position: 4,
      problem: 'index code `000852.sh`: write the exchange in upper case (`000852.SH`)',
    });
    expect(refusal('95% 000852.SH 5% deposit')).toEqual({ position: 14, problem: 'expected `+` or the end of the text' });
    expect(refusal('95% 000852.SH +')).toEqual({ position: 15, problem: 'expected a term after `+`' });
    expect(refusal('95% 000852.SH + ')).toEqual({ position: 16, problem: 'expected a term after `+`' });
    expect(refusal('95% + 5% deposit')).toMatchObject({ position: 4 });
    expect(refusal('95% + 5% deposit').problem).toContain('after the weight');
    expect(refusal('+ 95% 000852.SH')).toEqual({ position: 0, problem: 'expected a weight such as `95%`, or an index code' });
    expect(refusal('000905.SH + 5% deposit')).toMatchObject({ position: 0 });
    expect(refusal('000905.SH + 5% deposit').problem).toContain('before `000905.SH`');
    expect(refusal('95% 000905.SH + HSI')).toEqual({ position: 16, problem: 'expected a weight such as `95%` before `HSI`' });
    expect(refusal('p.a.')).toEqual({ position: 0, problem: 'expected a weight such as `1.5%` before `p.a.`' });
    expect(refusal('95% 00085.SH + 5% deposit')).toMatchObject({ position: 4 });
    expect(refusal('95% 000852.BJ + 5% deposit')).toMatchObject({ position: 4 });
  });

  it('weights out of (0%, 100%], sums other than 100%, a series twice', () => {
    expect(refusal('0% 000905.SH + 100% deposit')).toEqual({ position: 0, problem: 'weight `0%` is not in (0%, 100%]' });
    expect(refusal('120% 000905.SH')).toEqual({ position: 0, problem: 'weight `120%` is not in (0%, 100%]' });
    expect(refusal('95% 000852.SH + 4% deposit')).toEqual({ position: 26, problem: 'the weights sum to 99%, not 100%' });
    expect(refusal('95% 000852.SH + 6% deposit + 1% p.a.')).toEqual({ position: 36, problem: 'the weights sum to 101%, more than 100%' });
    expect(refusal('50% 000905.SH + 50% 000905.SH')).toEqual({
      position: 16,
      problem: '`50% 000905.SH` names the same series as `50% 000905.SH` at position 0',
    });
    expect(refusal('50% deposit + 50% deposit')).toMatchObject({ position: 14 });
    expect(refusal('100% deposit + 1% p.a. + 2% p.a.')).toEqual({ position: 25, problem: 'a second constant: write one constant term at most' });
  });

  it('a non-string text or bad options throw FK_INVALID_ARGUMENT from both entry points', () => {
    expect(thrown(() => tryParseBenchmark(42 as unknown as string)).code).toBe('FK_INVALID_ARGUMENT');
    expect(thrown(() => tryParseBenchmark('000905.SH', { syntax: 'yaml' as 'auto' })).code).toBe('FK_INVALID_ARGUMENT');
  });
});
