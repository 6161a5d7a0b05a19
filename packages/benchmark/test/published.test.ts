import { describe, expect, it } from 'vitest';
import { DEFAULT_INDEX_NAMES, parseBenchmark, primaryIndex, tryParseBenchmark } from '../src/index.js';
import { thrown } from './helpers.js';

describe('published Chinese benchmark texts', () => {
  it('maps index names to codes and the deposit wording to deposit', () => {
    expect(parseBenchmark('中证500指数收益率*95%+同期银行活期存款利率(税后)*5%')).toEqual({
      text: '中证500指数收益率*95%+同期银行活期存款利率(税后)*5%',
      syntax: 'published',
      notes: [],
      terms: [
        { kind: 'index', code: '000905.SH', weight: 0.95, name: '中证500指数' },
        { kind: 'deposit', weight: 0.05, name: '同期银行活期存款利率(税后)' },
      ],
    });
    const codes: Record<string, string> = {
      沪深300指数收益率: '000300.SH',
      中证1000指数收益率: '000852.SH',
      中证800指数收益率: '000906.SH',
      国证2000指数收益率: '399303.SZ',
      中证A500指数收益率: '000510.SH',
      恒生指数收益率: 'HSI',
    };
    for (const [name, code] of Object.entries(codes)) {
      expect(parseBenchmark(`${name}*90%+银行活期存款利率(税后)*10%`).terms[0]).toMatchObject({ kind: 'index', code, weight: 0.9 });
    }
  });

  it('reads the deposit wordings of real texts as deposit, and term-deposit rates as named series', () => {
    for (const wording of ['银行活期存款利率(税后)', '商业银行活期存款利率(税后)', '金融机构人民币活期存款利率(税后)', '活期存款收益率', '人民币活期存款利率(税后)', '同期银行活存款利率(税后)']) {
      expect(parseBenchmark(`沪深300指数收益率*95%+${wording}*5%`).terms[1]).toMatchObject({ kind: 'deposit', weight: 0.05 });
    }
    expect(parseBenchmark('一年期定期存款利率(税后)').terms).toEqual([{ kind: 'index', code: undefined, weight: 1, name: '一年期定期存款利率(税后)' }]);
    expect(parseBenchmark('沪深300指数收益率*80%+同业存款利率(税后)*20%').terms[1]).toEqual({ kind: 'index', code: undefined, weight: 0.2, name: '同业存款利率(税后)' });
  });

  it('keeps unknown indices as index terms without a code, with their name', () => {
    expect(parseBenchmark('国证2000指数收益率*90%+中证港股通综合指数(人民币)收益率*5%+银行活期存款利率(税后)*5%').terms).toEqual([
      { kind: 'index', code: '399303.SZ', weight: 0.9, name: '国证2000指数' },
      { kind: 'index', code: undefined, weight: 0.05, name: '中证港股通综合指数(人民币)' },
      { kind: 'deposit', weight: 0.05, name: '银行活期存款利率(税后)' },
    ]);
    expect(parseBenchmark('沪深300指数收益率*50%+中债综合财富(总值)指数收益率*50%').terms[1]).toEqual({
      kind: 'index',
      code: undefined,
      weight: 0.5,
      name: '中债综合财富(总值)指数',
    });
  });

  it('reads HSI through its currency qualifiers, and keeps annotations after the weight', () => {
    expect(parseBenchmark('沪深300指数收益率*70%+中证综合债指数收益率*20%+恒生指数收益率*10%(经汇率估值调整)').terms[2]).toEqual({
      kind: 'index',
      code: 'HSI',
      weight: 0.1,
      name: '恒生指数',
      annotation: '(经汇率估值调整)',
    });
    expect(parseBenchmark('沪深300指数收益率*60%+恒生指数收益率(使用估值汇率折算)*20%+中债综合指数收益率*20%').terms[1]).toEqual({
      kind: 'index',
      code: 'HSI',
      weight: 0.2,
      name: '恒生指数(使用估值汇率折算)',
    });
    expect(parseBenchmark('沪深300指数收益率*60%+人民币计价的恒生指数收益率*25%+中债新综合财富(总值)指数收益率*15%').terms[1]).toMatchObject({
      code: 'HSI',
      name: '人民币计价的恒生指数',
    });
    // A parenthetical that names another series is not a currency qualifier.
    expect(parseBenchmark('沪深300指数(全收益)收益率*95%+银行活期存款利率(税后)*5%').terms[0]).toMatchObject({ code: undefined, name: '沪深300指数(全收益)' });
  });

  it('reads additive constants', () => {
    expect(parseBenchmark('沪深300指数收益率*95%+1.5%(指年收益率,评价时按期间折算)').terms).toEqual([
      { kind: 'index', code: '000300.SH', weight: 0.95, name: '沪深300指数' },
      { kind: 'constant', annualRate: 0.015, annotation: '(指年收益率,评价时按期间折算)' },
    ]);
    expect(parseBenchmark('中国人民银行公布的同期一年期定期存款基准利率(税后)+3%').terms).toEqual([
      { kind: 'index', code: undefined, weight: 1, name: '中国人民银行公布的同期一年期定期存款基准利率(税后)' },
      { kind: 'constant', annualRate: 0.03 },
    ]);
  });

  it('splits at `+` outside parentheses only, and keeps words inside them', () => {
    const b = parseBenchmark('(每个封闭期首日的中债企业债AA+两年到期收益率+1%)*50%+沪深300指数收益率*40%+恒生指数收益率(经汇率调整)*10%');
    expect(b.terms).toEqual([
      { kind: 'index', code: undefined, weight: 0.5, name: '(每个封闭期首日的中债企业债AA+两年到期收益率+1%)' },
      { kind: 'index', code: '000300.SH', weight: 0.4, name: '沪深300指数' },
      { kind: 'index', code: 'HSI', weight: 0.1, name: '恒生指数(经汇率调整)' },
    ]);
  });

  it('reads `W%*NAME`, `×`, full-width symbols and codes written as names', () => {
    const want = [
      { kind: 'index', code: '000905.SH', weight: 0.95, name: '中证500指数' },
      { kind: 'deposit', weight: 0.05, name: '银行活期存款利率(税后)' },
    ];
    expect(parseBenchmark('95%*中证500指数收益率+5%*银行活期存款利率(税后)').terms).toEqual(want);
    expect(parseBenchmark('中证500指数收益率×95%+银行活期存款利率(税后)×5%').terms).toEqual(want);
    expect(parseBenchmark('中证500指数收益率＊95％＋银行活期存款利率（税后）＊5％').terms).toEqual(want);
    expect(parseBenchmark('中证500指数收益率 * 95% + 银行活期存款利率(税后) * 5%').terms).toEqual(want);
    expect(parseBenchmark('95% 中证500指数 + 5% 银行活期存款利率(税后)').terms).toEqual(want);
    expect(parseBenchmark('95% 中证500指数 + 5% deposit').terms[1]).toEqual({ kind: 'deposit', weight: 0.05, name: 'deposit' });
    expect(parseBenchmark('000905.SH*95%+银行活期存款利率(税后)*5%').terms[0]).toEqual({ kind: 'index', code: '000905.SH', weight: 0.95, name: '000905.SH' });
  });

  it('repairs the slips of real texts, each with a note naming its position', () => {
    // 011481: a stray `%` between two `+`.
    const stray = parseBenchmark('沪深300指数收益率*65%+%+中证全债指数收益率*20%+人民币计价的恒生指数收益率*15%');
    expect(stray.notes).toEqual(['position 15: a stray `%` between terms, skipped']);
    expect(stray.terms.map((t) => (t.kind === 'constant' ? t.annualRate : t.weight))).toEqual([0.65, 0.2, 0.15]);
    // 012258: no `+` between two terms.
    const joined = parseBenchmark('中证800指数收益率*65%+中证综合债指数收益率*30%恒生指数收益率(经汇率调整)*5%');
    expect(joined.notes).toEqual(['position 29: no `+` before `恒`, read as a new term']);
    expect(joined.terms[2]).toEqual({ kind: 'index', code: 'HSI', weight: 0.05, name: '恒生指数(经汇率调整)' });
    // 013641: no `*` before the weight.
    const noStar = parseBenchmark('中信成长风格指数收益率*90%+银行活期存款利率(税后)10%');
    expect(noStar.notes).toEqual(['position 28: no `*` before the weight `10%`, read as `*10%`']);
    expect(noStar.terms[1]).toEqual({ kind: 'deposit', weight: 0.1, name: '银行活期存款利率(税后)' });
    // 015867: no `%` after the weight.
    const noPercent = parseBenchmark('中证1000指数收益率*95%+同期银行活期存款利率(税后)*5');
    expect(noPercent.notes).toEqual(['position 32: no `%` after the weight `5`, read as `5%`']);
    expect(noPercent.terms[1]).toEqual({ kind: 'deposit', weight: 0.05, name: '同期银行活期存款利率(税后)' });
  });

  it('takes more names from options (codes, aliases, deposit), and refuses bad targets', () => {
    const names = { 中证红利指数: '000922.CSI', 中债综合财富指数: 'CBA', 某某利率: 'deposit' };
    const b = parseBenchmark('中证红利指数收益率*80%+中债综合财富指数收益率*15%+某某利率*5%', { names, aliases: { CBA: 'ChinaBond composite wealth' } });
    expect(b.terms.map((t) => (t.kind === 'index' ? t.code : t.kind))).toEqual(['000922.CSI', 'CBA', 'deposit']);
    // A name of the default table can be remapped.
    expect(parseBenchmark('沪深300指数收益率*100%', { names: { 沪深300指数: '000300.CSI' } }).terms[0]).toMatchObject({ code: '000300.CSI' });
    for (const target of ['CBA', '000922', 'Deposit', '']) {
      const error = thrown(() => parseBenchmark('沪深300指数收益率*100%', { names: { 中证红利指数: target } }));
      expect(error.code).toBe('FK_INVALID_ARGUMENT');
      expect(error.message).toContain('options.names["中证红利指数"]');
    }
    expect(DEFAULT_INDEX_NAMES['中证1000指数']).toBe('000852.SH');
  });

  it('finds the main index: the heaviest index term, the first of equal ones', () => {
    expect(primaryIndex(parseBenchmark('中债综合指数收益率*80%+沪深300指数收益率*20%'))).toMatchObject({ name: '中债综合指数', weight: 0.8 });
    expect(primaryIndex(parseBenchmark('沪深300指数收益率*50%+中证500指数收益率*50%'))).toMatchObject({ code: '000300.SH' });
    expect(primaryIndex(parseBenchmark('一年期定期存款利率(税后)'))).toMatchObject({ code: undefined });
    expect(primaryIndex(parseBenchmark('100% deposit'))).toBeUndefined();
  });
});

describe('published texts refused, with the position', () => {
  function refusal(text: string): { position: number; problem: string; message: string } {
    const result = tryParseBenchmark(text);
    if (result.ok) throw new Error(`\`${text}\` was accepted`);
    expect(thrown(() => parseBenchmark(text)).details).toEqual({ text, position: result.position, problem: result.problem });
    return result;
  }

  it('a sum other than 100%, with the caret under the end of the Chinese text (two columns a character)', () => {
    const text = '沪深300指数收益率*95%+中证全债指数收益率*4%';
    const result = refusal(text);
    expect(result.position).toBe(27);
    expect(result.problem).toBe('the weights sum to 99%, not 100%');
    // 16 wide characters (32 columns) and 11 narrow ones before the end.
    expect(result.message.split('\n')[2]).toBe(`  ${' '.repeat(43)}^`);
  });

  it('each kind of problem, at its position', () => {
    expect(refusal('沪深300指数收益率*95%+(中债*5%')).toMatchObject({ position: 15, problem: 'unclosed `(`' });
    expect(refusal('沪深300指数收益率*95%+中债)*5%')).toMatchObject({ position: 17, problem: 'unexpected `)`' });
    expect(refusal('沪深300指数收益率*+中证500指数收益率*5%')).toMatchObject({ position: 11, problem: 'expected a weight such as `95%` after `*`' });
    expect(refusal('沪深300指数收益率*50%+中证500指数收益率')).toMatchObject({ position: 25, problem: 'expected a weight (`*W%`) after `中证500指数收益率`' });
    expect(refusal('沪深300指数收益率*95%+')).toMatchObject({ position: 15, problem: 'expected a term after `+`' });
    expect(refusal('沪深300指数收益率*95%++银行活期存款利率*5%')).toMatchObject({ position: 15 });
    expect(refusal('沪深300指数收益率*95%*2+银行活期存款利率*5%')).toMatchObject({ position: 14, problem: 'expected `+` between terms, or the end of the text' });
    expect(refusal('沪深300指数收益率*0%+银行活期存款利率*100%')).toMatchObject({ position: 11, problem: 'weight `0%` is not in (0%, 100%]' });
    expect(refusal('沪深300指数收益率*50%+沪深300指数收益率*50%')).toMatchObject({ position: 15 });
    expect(refusal('%+沪深300指数收益率*100%')).toMatchObject({ position: 0 });
  });
});
