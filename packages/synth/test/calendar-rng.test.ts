import { epochDayToDateInt } from '@factorkit/data';
import { describe, expect, it } from 'vitest';
import { Rng, dragonBoat, midAutumn, springFestival, tradingDays } from '../src/index.js';
import { fastExp } from '../src/kernel.js';

describe('trading calendar', () => {
  it('has 240–246 weekdays a year, without the holidays', () => {
    for (let year = 2005; year <= 2035; year++) {
      const days = tradingDays(year * 10_000 + 101, year * 10_000 + 1231);
      expect(days.length, String(year)).toBeGreaterThanOrEqual(240);
      expect(days.length, String(year)).toBeLessThanOrEqual(246);
      for (const d of days) {
        const dow = new Date(Date.UTC(Math.floor(d / 1e4), (Math.floor(d / 100) % 100) - 1, d % 100)).getUTCDay();
        expect(dow === 0 || dow === 6).toBe(false);
      }
      expect(days).not.toContain(year * 10_000 + 1001);
      expect(days).not.toContain(year * 10_000 + 501);
    }
  });

  it('finds the lunar festivals on their published dates', () => {
    // Public calendars: Spring Festival, Dragon Boat, Mid-Autumn.
    const known: [number, number, number, number][] = [
      [2014, 20140131, 20140602, 20140908],
      [2016, 20160208, 20160609, 20160915],
      [2017, 20170128, 20170530, 20171004],
      [2020, 20200125, 20200625, 20201001],
      [2023, 20230122, 20230622, 20230929],
      [2024, 20240210, 20240610, 20240917],
    ];
    for (const [year, sf, db, ma] of known) {
      expect(epochDayToDateInt(springFestival(year))).toBe(sf);
      expect(epochDayToDateInt(dragonBoat(year))).toBe(db);
      expect(epochDayToDateInt(midAutumn(year))).toBe(ma);
    }
    // The Spring Festival week is closed.
    const days = tradingDays(20230101, 20231231);
    for (let d = 20230123; d <= 20230127; d++) expect(days).not.toContain(d);
  });
});

describe('Rng', () => {
  it('is reproducible per seed and stream, and streams differ', () => {
    const a = new Rng(42, 1);
    const b = new Rng(42, 1);
    const c = new Rng(42, 2);
    const xs = Array.from({ length: 5 }, () => a.u32());
    expect(Array.from({ length: 5 }, () => b.u32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.u32())).not.toEqual(xs);
  });

  it('draws uniforms and normals with the right moments', () => {
    const rng = new Rng(7, 3);
    const n = 200_000;
    let su = 0;
    let sz = 0;
    let sz2 = 0;
    let tail = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.float();
      if (!(u > 0 && u < 1)) expect.fail(`uniform ${u} outside (0, 1)`);
      su += u;
      const z = rng.normal();
      sz += z;
      sz2 += z * z;
      if (Math.abs(z) > 3) tail++;
    }
    expect(Math.abs(su / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sz / n)).toBeLessThan(0.01);
    expect(Math.abs(sz2 / n - 1)).toBeLessThan(0.02);
    expect(tail / n).toBeGreaterThan(0.0018);
    expect(tail / n).toBeLessThan(0.0036);
  });

  it('fills buffers with exactly the numbers the one-at-a-time calls give', () => {
    const a = new Rng(9, 4);
    const b = new Rng(9, 4);
    const normals = new Float64Array(10_000);
    a.fillNormal(normals, normals.length);
    expect(Array.from(normals)).toEqual(Array.from({ length: normals.length }, () => b.normal()));
    const uniforms = new Float64Array(1000);
    a.fillUniform(uniforms, uniforms.length);
    expect(Array.from(uniforms)).toEqual(Array.from({ length: uniforms.length }, () => b.float()));
  });
});

describe('fastExp', () => {
  it('agrees with Math.exp to 1e-6 relative over the range the volume model uses', () => {
    for (let x = -12; x <= 12; x += 0.0137) {
      const rel = Math.abs(fastExp(x) / Math.exp(x) - 1);
      if (rel > 1e-6) expect.fail(`fastExp(${x}) off by ${rel}`);
    }
  });
});
