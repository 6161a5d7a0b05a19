import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCsvNumber, parseCsvDate, parseCsvNumber } from '../src/index.js';
import { scanDecimalFast } from '../src/io/numbers.js';

/** Decimal text in the reader's grammar: sign, digits, optional fraction, optional exponent. */
const decimalText = fc
  .record({
    sign: fc.constantFrom('', '-', '+'),
    int: fc.stringMatching(/^[0-9]{0,20}$/),
    frac: fc.option(fc.stringMatching(/^[0-9]{0,20}$/), { nil: undefined }),
    exp: fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '-', '+'), fc.stringMatching(/^[0-9]{1,3}$/)), { nil: undefined }),
  })
  .filter(({ int, frac }) => int.length > 0 || (frac !== undefined && frac.length > 0))
  .map(({ sign, int, frac, exp }) => `${sign}${int}${frac === undefined ? '' : `.${frac}`}${exp ? exp.join('') : ''}`);

/** Prices and ratios as data files write them: up to 10 decimals, magnitudes 1e-6 .. 1e14. */
const dataLike = fc
  .tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 8 }))
  .map(([int, frac, places]) => Number(`${int}.${String(frac).padStart(8, '0').slice(0, places) || '0'}`));

const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('parseCsvNumber', () => {
  it('gives exactly Number(text) for every text of the grammar (fast-check)', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        expect(Object.is(parseCsvNumber(text), Number(text)), text).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads back String(x) as x for any double (fast-check)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        // String(-0) is "0".
        expect(parseCsvNumber(String(x))).toBe(x === 0 ? 0 : x);
      }),
      { numRuns: 20_000 },
    );
  });

  it('the unchecked CSV fast path agrees with Number(text) and stops at the delimiter (fast-check)', () => {
    const out = new Float64Array(1);
    fc.assert(
      fc.property(decimalText, fc.constantFrom(',', '\n', '\r\n'), (text, delimiter) => {
        const end = scanDecimalFast(bytes(`${text}${delimiter}9`), 0, out, 0);
        expect(end).toBe(text.length);
        expect(Object.is(out[0], Number(text)), text).toBe(true);
      }),
      { numRuns: 10_000 },
    );
  });

  it('golden values by hand', () => {
    expect(parseCsvNumber('11474.50033')).toBe(11474.50033);
    expect(parseCsvNumber('0.1896')).toBe(0.1896);
    expect(parseCsvNumber('-78.95')).toBe(-78.95);
    expect(parseCsvNumber('242000000000')).toBe(242e9);
    expect(parseCsvNumber('2.42E+11')).toBe(242e9);
    expect(parseCsvNumber('1.')).toBe(1);
    expect(parseCsvNumber('.5')).toBe(0.5);
    expect(Object.is(parseCsvNumber('-0'), -0)).toBe(true);
    expect(parseCsvNumber('0.1') + parseCsvNumber('0.2')).toBe(0.30000000000000004);
    // 17 significant digits: the slow path, still exact.
    expect(parseCsvNumber('0.30000000000000004')).toBe(0.1 + 0.2);
    expect(parseCsvNumber('123456789012345678')).toBe(123456789012345680);
    expect(parseCsvNumber('1e400')).toBe(Infinity);
  });

  it('rejects everything outside the grammar with NaN', () => {
    for (const text of ['', ' ', ' 1', '1 ', 'abc', '1,5', '1.2.3', '--1', '+-1', '.', '-', 'e5', '1e', '1e+', 'NaN', 'Infinity', '0x10', '1_000', '١٢']) {
      expect(parseCsvNumber(text), JSON.stringify(text)).toBeNaN();
    }
  });
});

describe('formatCsvNumber', () => {
  it('writes exactly String(x) for any finite double (fast-check)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(formatCsvNumber(x)).toBe(String(x));
      }),
      { numRuns: 50_000 },
    );
  });

  it('writes exactly String(x) for data-like decimals (fast-check)', () => {
    fc.assert(
      fc.property(dataLike, (x) => {
        expect(formatCsvNumber(x)).toBe(String(x));
      }),
      { numRuns: 50_000 },
    );
  });

  it('golden values by hand', () => {
    expect(formatCsvNumber(11474.50033)).toBe('11474.50033');
    expect(formatCsvNumber(963.00398148)).toBe('963.00398148');
    expect(formatCsvNumber(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(formatCsvNumber(-0.000001)).toBe('-0.000001');
    expect(formatCsvNumber(1e-7)).toBe('1e-7');
    expect(formatCsvNumber(1e21)).toBe('1e+21');
    expect(formatCsvNumber(123456789012345)).toBe('123456789012345');
    expect(formatCsvNumber(-0)).toBe('0');
    expect(formatCsvNumber(100)).toBe('100');
    expect(formatCsvNumber(0.5)).toBe('0.5');
  });
});

describe('parseCsvDate', () => {
  it('reads YYYY-MM-DD and YYYYMMDD to yyyymmdd', () => {
    expect(parseCsvDate('2023-06-30')).toBe(20230630);
    expect(parseCsvDate('20230630')).toBe(20230630);
    expect(parseCsvDate('2024-02-29')).toBe(20240229);
    expect(parseCsvDate('2000-02-29')).toBe(20000229);
  });

  it('rejects impossible dates and other forms with 0', () => {
    for (const text of ['2023-02-29', '1900-02-29', '2023-13-01', '2023-00-10', '2023-04-31', '2023-1-05', '2023/01/05', '2023-01-05 00:00', '230105', '2023010', '202301055', 'abcdefgh', '']) {
      expect(parseCsvDate(text), text).toBe(0);
    }
  });
});
