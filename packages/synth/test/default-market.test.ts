/**
 * The default market (3,000 stocks × 10 years): sizes, exact index counts, and recovery of the
 * planted premia by an independent computation (slow: about 10–20 s).
 */
import { type Table, dateColumn, stringAt, stringColumn } from '@factorkit/data';
import { beforeAll, describe, expect, it } from 'vitest';
import { type MarketTruth, generateMarket } from '../src/index.js';
import { type Panels, meanT, monthEnds, momentum, monthlyIc, panels, pastReturn, spearman } from './helpers.js';

let tables: Map<string, Table>;
let truth: MarketTruth;
let p: Panels;
beforeAll(() => {
  ({ tables, truth } = generateMarket());
  p = panels(tables);
});

/** Skip the first year: one-year momentum needs it. */
const afterFirstYear = (f: (s: number, t: number) => number) => (s: number, t: number) => (t < 250 ? Number.NaN : f(s, t));

describe('the default market', () => {
  it('has 3,000 stocks over ten years from 2014-01-02', () => {
    expect(tables.get('stocks')!.rowCount).toBe(3000);
    expect(p.dates[0]).toBe(20140102);
    expect(p.dates[p.T - 1]).toBe(20231229);
    expect(p.T).toBeGreaterThan(2420);
    expect(p.T).toBeLessThan(2460);
    expect(tables.get('daily')!.rowCount).toBeGreaterThan(5_500_000);
    expect(truth.stats.ipos).toBeGreaterThan(700);
    expect(truth.stats.delisted).toBeGreaterThan(50);
  });

  it('keeps CSI 300 / 500 / 1000 / A500 at exactly 300 / 500 / 1000 / 500 members every day', () => {
    expect(truth.indexSizes).toMatchObject({ '000300.SH': 300, '000905.SH': 500, '000852.SH': 1000, '000510.SH': 500 });
    const members = tables.get('index_members')!;
    const idx = stringColumn(members, 'index_code');
    const inDate = dateColumn(members, 'in_date');
    const outDate = dateColumn(members, 'out_date');
    const dayOf = new Map<number, number>();
    p.dates.forEach((d, t) => dayOf.set(d, t));
    for (const [code, size] of Object.entries(truth.indexSizes)) {
      const delta = new Int32Array(p.T + 1);
      for (let r = 0; r < members.rowCount; r++) {
        if (stringAt(idx, r) !== code) continue;
        delta[dayOf.get(inDate[r]!)!]!++;
        if (outDate[r] !== 0) delta[dayOf.get(outDate[r]!)!]!--;
      }
      let count = 0;
      for (let t = 0; t < p.T; t++) {
        count += delta[t]!;
        if (count !== size) expect.fail(`${code}: ${count} members on ${p.dates[t]}`);
      }
    }
    // CSI 300 and CSI 500 never overlap: checked on the month ends.
    const memberOn = (code: string, day: number): Set<string> => {
      const out = new Set<string>();
      const ts = stringColumn(members, 'ts_code');
      for (let r = 0; r < members.rowCount; r++) {
        if (stringAt(idx, r) === code && inDate[r]! <= day && (outDate[r] === 0 || day < outDate[r]!)) out.add(stringAt(ts, r)!);
      }
      return out;
    };
    for (const t of monthEnds(p.dates).filter((_, m) => m % 12 === 5)) {
      const a = memberOn('000300.SH', p.dates[t]!);
      for (const code of memberOn('000905.SH', p.dates[t]!)) expect(a.has(code)).toBe(false);
    }
  });

  it('recovers planted one-year momentum (skip a month): positive monthly rank IC, t > 2', () => {
    const pct = p.field('pct_chg');
    const ic = meanT(monthlyIc(p, afterFirstYear((s, t) => momentum(pct, p.T, s, t))));
    expect(ic.n).toBeGreaterThan(100);
    expect(ic.mean).toBeGreaterThan(0.01);
    expect(ic.mean).toBeLessThan(0.08);
    expect(ic.t).toBeGreaterThan(2);
  });

  it('recovers planted value (EP = 1 / pe_ttm): positive monthly rank IC, t > 2', () => {
    const pe = p.field('pe_ttm');
    const ic = meanT(monthlyIc(p, afterFirstYear((s, t) => 1 / pe[s * p.T + t]!)));
    expect(ic.mean).toBeGreaterThan(0.01);
    expect(ic.mean).toBeLessThan(0.08);
    expect(ic.t).toBeGreaterThan(2);
  });

  it('recovers one-month reversal and one-month turnover with negative ICs', () => {
    const pct = p.field('pct_chg');
    const turnover = p.field('turnover_rate');
    const rev = meanT(monthlyIc(p, afterFirstYear((s, t) => pastReturn(pct, p.T, s, t, 20))));
    expect(rev.mean).toBeLessThan(-0.01);
    expect(rev.t).toBeLessThan(-2);
    const turn = meanT(
      monthlyIc(
        p,
        afterFirstYear((s, t) => {
          let sum = 0;
          let n = 0;
          for (let d = t - 19; d <= t; d++) {
            const v = turnover[s * p.T + d]!;
            if (!Number.isNaN(v)) {
              sum += v;
              n++;
            }
          }
          return n >= 10 ? sum / n : Number.NaN;
        }),
      ),
    );
    expect(turn.mean).toBeLessThan(-0.01);
    expect(turn.t).toBeLessThan(-2);
  });

  it('plants characteristics that a pipeline computes the same way (truth exposures rank like the recomputed factors)', () => {
    const pct = p.field('pct_chg');
    const pe = p.field('pe_ttm');
    const codeIndex = new Map(truth.codes.map((c, i) => [c, i]));
    const N = truth.codes.length;
    const m = truth.exposures.dates.indexOf(20201231);
    const t = p.dates.indexOf(20201231);
    expect(m).toBeGreaterThanOrEqual(0);
    const pairs = (values: Float64Array, mine: (s: number) => number): number => {
      const x: number[] = [];
      const y: number[] = [];
      for (let s = 0; s < p.S; s++) {
        const a = values[m * N + codeIndex.get(p.codes[s]!)!]!;
        const b = mine(s);
        if (Number.isFinite(a) && a !== 0 && Number.isFinite(b)) {
          x.push(a);
          y.push(b);
        }
      }
      return spearman(x, y);
    };
    expect(pairs(truth.exposures.values.momentum_1y!, (s) => momentum(pct, p.T, s, t))).toBeGreaterThan(0.99);
    expect(pairs(truth.exposures.values.ep_ttm!, (s) => 1 / pe[s * p.T + t]!)).toBeGreaterThan(0.99);
    expect(pairs(truth.exposures.values.reversal_1m!, (s) => pastReturn(pct, p.T, s, t, 20))).toBeGreaterThan(0.99);
  });
});
