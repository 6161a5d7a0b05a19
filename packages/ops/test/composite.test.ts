import { Panel } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { combineZscores, mapRows, winsorizeMad, winsorizeSigma, zscore, zscoreInPlace } from '../src/index.js';

/** A seeded panel with missing values, one constant date and one date with a single value. */
function panel(dates: number, assets: number, seed: number): Panel {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const p = new Panel(dates, assets);
  for (let t = 0; t < dates; t++) {
    for (let a = 0; a < assets; a++) {
      const u = next();
      p.set(t, a, u < 0.1 ? Number.NaN : t === 3 ? 7 : t === 4 && a > 0 ? Number.NaN : Math.exp(4 * next()) - (u > 0.97 ? 1e6 : 0));
    }
  }
  p.set(5, 0, Number.POSITIVE_INFINITY);
  return p;
}

/** The same composite through the separate operators: zscore(winsorize(d)) then a renormalised weighted mean. */
function reference(ds: Panel[], weights: number[], winsor: 'mad' | 'sigma' | undefined, centre: Panel | undefined, requireFirst: boolean, zeroUndefined: boolean): Panel {
  const zs = ds.map((d) => {
    const clipped = winsor === 'mad' ? winsorizeMad(d, { k: 3 }).values : winsor === 'sigma' ? winsorizeSigma(d, { k: 2 }).values : d;
    const z = zscore(clipped, centre ? { weights: centre } : {});
    if (zeroUndefined) for (let i = 0; i < z.values.length; i++) if (Number.isNaN(z.values[i]!) && Number.isFinite(d.values[i]!)) z.values[i] = 0;
    return z;
  });
  const out = new Panel(ds[0]!.dates, ds[0]!.assets);
  for (let i = 0; i < out.values.length; i++) {
    if (requireFirst && Number.isNaN(zs[0]!.values[i]!)) continue;
    let sum = 0;
    let total = 0;
    zs.forEach((z, k) => {
      if (weights[k]! > 0 && !Number.isNaN(z.values[i]!)) {
        sum += weights[k]! * z.values[i]!;
        total += weights[k]!;
      }
    });
    if (total > 0) out.values[i] = sum / total;
  }
  return out;
}

describe('combineZscores', () => {
  const ds = [panel(40, 25, 1), panel(40, 25, 2), panel(40, 25, 3)];
  const cap = panel(40, 25, 4);
  for (const winsor of [undefined, 'mad', 'sigma'] as const) {
    for (const requireFirst of [false, true]) {
      for (const zeroUndefined of [false, true]) {
        it(`equals zscore∘winsorize per descriptor then the renormalised mean (winsorize ${winsor ?? 'none'}, require ${requireFirst ? 'first' : 'any'}, undefined z ${zeroUndefined ? '0' : 'NaN'})`, () => {
          const weights = [0.5, 0.3, 0.2];
          const options = {
            ...(winsor ? { winsorize: { method: winsor, k: winsor === 'mad' ? 3 : 2 } } : {}),
            require: requireFirst ? ('first' as const) : ('any' as const),
            ...(zeroUndefined ? { undefinedZ: 0 as const } : {}),
          };
          for (const centre of [undefined, cap]) {
            const got = combineZscores(ds, weights, { ...options, ...(centre ? { centreWeights: centre } : {}) });
            const want = reference(ds, weights, winsor, centre, requireFirst, zeroUndefined);
            expect(got.values.length).toBe(want.values.length);
            for (let i = 0; i < got.values.length; i++) {
              if (Number.isNaN(want.values[i]!)) expect(got.values[i], `cell ${i}`).toBeNaN();
              else expect(got.values[i]!, `cell ${i}`).toBeCloseTo(want.values[i]!, 12);
            }
          }
        });
      }
    }
  }

  for (const count of [1, 2, 4, 5]) {
    it(`${count} descriptor${count > 1 ? 's' : ''}: the same composite as the separate operators (MAD, require first)`, () => {
      const many = Array.from({ length: count }, (_, k) => panel(40, 25, 10 + k));
      const weights = many.map((_, k) => (k === 1 ? 0 : 1 + k));
      const got = combineZscores(many, weights, { winsorize: { method: 'mad', k: 3 }, require: 'first' });
      const want = reference(many, weights, 'mad', undefined, true, false);
      for (let i = 0; i < got.values.length; i++) {
        if (Number.isNaN(want.values[i]!)) expect(got.values[i], `cell ${i}`).toBeNaN();
        else expect(got.values[i]!, `cell ${i}`).toBeCloseTo(want.values[i]!, 12);
      }
    });
  }

  it('drops a descriptor of weight 0 and gives NaN where no descriptor has a value', () => {
    const a = Panel.fromRows([[1, 2, 3, Number.NaN]]);
    const b = Panel.fromRows([[3, 1, 2, Number.NaN]]);
    const got = combineZscores([a, b], [1, 0]);
    expect(got.toRows()[0]!.slice(0, 3)).toEqual(zscore(a).toRows()[0]!.slice(0, 3));
    expect(got.get(0, 3)).toBeNaN();
  });

  it('rejects mismatched weights, shapes and bad k with the operator named', () => {
    const a = new Panel(2, 3);
    expect(() => combineZscores([a], [1, 2])).toThrow(/combineZscores: got 1 descriptors and 2 weights/);
    expect(() => combineZscores([a, new Panel(3, 3)], [1, 1])).toThrow(/combineZscores/);
    expect(() => combineZscores([a], [-1])).toThrow(/weight 0/);
    expect(() => combineZscores([a], [1], { winsorize: { method: 'mad', k: 0 } })).toThrow(/winsorize\.k/);
    expect(() => combineZscores([], [])).toThrow(/at least one descriptor/);
  });
});

describe('mapRows', () => {
  it('hands each date as contiguous rows and writes outputs column-major', () => {
    const x = panel(150, 7, 9);
    const y = panel(150, 7, 10);
    const [sum, first] = mapRows({ panels: [x, undefined, y], outputs: 2 }, (t, rows, out) => {
      expect(rows[1]).toBeUndefined();
      for (let a = 0; a < 7; a++) out[0]![a] = rows[0]![a]! + rows[2]![a]!;
      if (t === 0) out[1]!.fill(1);
    });
    for (let t = 0; t < 150; t++) {
      for (let a = 0; a < 7; a++) {
        expect(Object.is(sum!.get(t, a), x.get(t, a) + y.get(t, a))).toBe(true);
        if (t === 0) expect(first!.get(t, a)).toBe(1);
        else expect(first!.get(t, a)).toBeNaN();
      }
    }
  });

  it('rejects no panels, mismatched shapes and a bad output count', () => {
    expect(() => mapRows({ panels: [] }, () => {})).toThrow(/mapRows: needs at least one panel/);
    expect(() => mapRows({ panels: [new Panel(2, 2), new Panel(2, 3)] }, () => {})).toThrow(/mapRows/);
    expect(() => mapRows({ panels: [new Panel(2, 2)], outputs: 0 }, () => {})).toThrow(/outputs must be a positive integer/);
  });
});

describe('zscoreInPlace', () => {
  it('is zscore on one cross-section, plain and cap-weighted', () => {
    const x = panel(12, 30, 21);
    const w = panel(12, 30, 22);
    for (const weights of [undefined, w]) {
      const want = zscore(x, weights ? { weights } : {});
      for (let t = 0; t < x.dates; t++) {
        const row = zscoreInPlace(x.row(t), weights ? { weights: weights.row(t) } : {});
        for (let a = 0; a < x.assets; a++) {
          if (Number.isNaN(want.get(t, a))) expect(row[a], `${t},${a}`).toBeNaN();
          else expect(row[a]!, `${t},${a}`).toBeCloseTo(want.get(t, a), 13);
        }
      }
    }
  });

  it('rejects weights of another length', () => {
    expect(() => zscoreInPlace(new Float64Array(3), { weights: new Float64Array(2) })).toThrow(/zscoreInPlace: weights have 2 entries for a row of 3/);
  });
});
