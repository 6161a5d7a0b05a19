/**
 * Shared by the cn-csi300 test and bench: load the dataset, compute the styles, estimate the
 * model, and define the test portfolios of the bias study.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Panel } from '@factorkit/core';
import { loadDataset } from '@factorkit/data';
import { momentum } from '@factorkit/factor-momentum';
import { beta } from '@factorkit/factor-style-beta';
import { bookToPrice } from '@factorkit/factor-style-book-to-price';
import { earningsYield } from '@factorkit/factor-style-earnings-yield';
import { growth } from '@factorkit/factor-style-growth';
import { liquidity } from '@factorkit/factor-style-liquidity';
import { nonlinearSize } from '@factorkit/factor-style-nonlinear-size';
import { residualVolatility } from '@factorkit/factor-style-residual-volatility';
import { size } from '@factorkit/factor-style-size';
import { type RiskModel, type RiskPanels, type TestPortfolio, riskPanelsFromDataset } from '../src/index.js';

export const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/cn-csi300');
export const BENCHMARK = 'index_weight:000300.SH';
export const UNIVERSE = 'index_member:000300.SH';

/** The cn-csi300 panels with nine style factors (leverage needs balance-sheet data the set lacks). */
export async function loadRealPanels(): Promise<{ panels: RiskPanels; benchmark: Panel }> {
  const { dataset } = await loadDataset(DATA_DIR);
  const panels = riskPanelsFromDataset({
    dataset,
    styles: [size, beta, momentum, residualVolatility, liquidity, bookToPrice, earningsYield, growth, nonlinearSize],
    universe: UNIVERSE,
  });
  return { panels, benchmark: dataset.field(BENCHMARK) };
}

/** A small seeded generator (mulberry32) for the random portfolios. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The test portfolios on date `t`, all active against the CSI 300 weights as of `t`:
 * `random-<i>`: 50 random members equally weighted (5 of them, a fresh draw each date);
 * `top-<style>`: the top quintile of members by the model's standardised exposure, equally weighted.
 */
export function testPortfolios(benchmark: Panel, randomCount = 5): (model: RiskModel, t: number) => TestPortfolio[] {
  const draw = rng(20240601);
  return (model, t) => {
    const n = model.assets.length;
    const T = benchmark.dates;
    const b = new Float64Array(n);
    let sum = 0;
    for (let a = 0; a < n; a++) {
      const w = benchmark.values[a * T + t]!;
      if (Number.isFinite(w) && w > 0) {
        b[a] = w;
        sum += w;
      }
    }
    for (let a = 0; a < n; a++) b[a]! /= sum;
    const members: number[] = [];
    for (let a = 0; a < n; a++) if (model.inUniverse[a] && b[a]! > 0) members.push(a);
    const out: TestPortfolio[] = [];
    const active = (chosen: number[]) => {
      const w = new Float64Array(n);
      for (const a of chosen) w[a] = 1 / chosen.length;
      for (let a = 0; a < n; a++) w[a]! -= b[a]!;
      return w;
    };
    for (let r = 0; r < randomCount; r++) {
      const pool = members.slice();
      for (let i = 0; i < 50; i++) {
        const j = i + Math.floor(draw() * (pool.length - i));
        [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      }
      out.push({ name: `random-${r}`, weights: active(pool.slice(0, 50)) });
    }
    const k = model.factors.length;
    model.factors.forEach((f, j) => {
      if (model.factorKinds[j] !== 'style') return;
      const ranked = members.slice().sort((x, y) => model.exposures[y * k + j]! - model.exposures[x * k + j]!);
      out.push({ name: `top-${f}`, weights: active(ranked.slice(0, Math.floor(members.length / 5))) });
    });
    return out;
  };
}

/** Every `step`-th calendar index from the first date ≥ `from` to the last one with `horizon` days after it. */
export function forecastDates(dates: readonly string[], from: string, step: number, horizon: number): number[] {
  const out: number[] = [];
  let t = dates.findIndex((d) => d >= from);
  for (; t >= 0 && t + horizon < dates.length; t += step) out.push(t);
  return out;
}
