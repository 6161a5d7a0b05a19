import { type CategoricalPanel, Panel } from '@factorkit/core';
import type { RiskPanels } from '../src/index.js';

/** A trading-day-like calendar of `T` dates starting 2020-01-01 (consecutive calendar days). */
export function makeDates(T: number): string[] {
  const out: string[] = [];
  const start = Date.UTC(2020, 0, 1);
  for (let t = 0; t < T; t++) out.push(new Date(start + t * 86_400_000).toISOString().slice(0, 10));
  return out;
}

/** A seeded normal generator (mulberry32 + Box–Muller). */
export function normals(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

export function categorical(T: number, n: number, levels: string[], code: (t: number, a: number) => number): CategoricalPanel {
  const codes = new Int32Array(T * n);
  for (let a = 0; a < n; a++) for (let t = 0; t < T; t++) codes[a * T + t] = code(t, a);
  return { dates: T, assets: n, codes, levels };
}

export function panel(T: number, n: number, value: (t: number, a: number) => number): Panel {
  const p = new Panel(T, n);
  for (let a = 0; a < n; a++) for (let t = 0; t < T; t++) p.values[a * T + t] = value(t, a);
  return p;
}

/**
 * A random market of `n` assets over `T` days with 4 industries (one of which, `D`, only exists
 * from `newIndustryFrom` on), two styles and noise; returns are generated from exposures at t−1.
 */
export function randomMarket(seed: number, T = 160, n = 60, newIndustryFrom = 150): RiskPanels {
  const z = normals(seed);
  const base = Array.from({ length: n }, () => z());
  const cap = panel(T, n, (t, a) => Math.exp(22 + base[a]! + 0.01 * t * (a % 3)));
  const styleA = panel(T, n, (t, a) => base[a]! + 0.1 * Math.sin(t / 7 + a));
  const styleB = panel(T, n, (t, a) => Math.cos(a * 1.7 + t / 30) + 0.3 * ((a * 7919) % 13) / 13);
  const industry = categorical(T, n, ['A', 'B', 'C', 'D'], (t, a) => (t >= newIndustryFrom && a % 10 === 0 ? 3 : a % 3));
  const returns = panel(T, n, () => 0);
  for (let t = 1; t < T; t++) {
    const f = [0.01 * z(), 0.005 * z(), 0.005 * z(), 0.005 * z(), 0.005 * z()];
    for (let a = 0; a < n; a++) {
      const k = industry.codes[a * T + t - 1]!;
      returns.values[a * T + t] = f[0]! + f[1 + (k % 3)]! * 0.8 + 0.004 * styleA.values[a * T + t - 1]! * z() + 0.02 * z();
    }
  }
  return { dates: makeDates(T), assets: Array.from({ length: n }, (_, a) => `S${a}`), returns, industry, styles: { a: styleA, b: styleB }, marketCap: cap };
}
