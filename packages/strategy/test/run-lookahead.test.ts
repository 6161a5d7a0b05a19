/**
 * No look-ahead: the targets decided at the close of a date do not change when every field
 * after that date is replaced by garbage (each later row permuted across the stocks), while
 * later targets do change — so the garbage reaches the run, and only after the date.
 */
import { describe, expect, it } from 'vitest';
import { type StrategyResult, runStrategy } from '../src/index.js';
import { garbledAfter, strategyOf, syntheticMarket } from './run-helpers.js';

const data = syntheticMarket();
const strategy = strategyOf({ start: '2015-03-02', end: '2015-09-30', model: { ...strategyOf().model, retrainEvery: 10 } });

const weights = (result: StrategyResult, date: string): Map<string, number> => new Map((result.rebalances.find((r) => r.date === date)?.targets ?? []).map((row) => [row.code, row.weight]));

describe('runStrategy reads nothing after the decision date', () => {
  it('gives the same targets up to the date on data garbled after it', async () => {
    const clean = await runStrategy(data, strategy);
    const cut = clean.rebalances[12]!.date;
    const garbled = await runStrategy(garbledAfter(data, data.calendar.indexOf(cut)), strategy);
    let compared = 0;
    for (const record of clean.rebalances) {
      if (record.date > cut) break;
      const other = garbled.rebalances.find((r) => r.date === record.date)!;
      expect(other.status).toBe(record.status);
      expect(record.targets.length).toBeGreaterThan(0);
      const mine = weights(clean, record.date);
      const theirs = weights(garbled, record.date);
      expect([...theirs.keys()].sort()).toEqual([...mine.keys()].sort());
      for (const [code, w] of mine) expect(Math.abs(theirs.get(code)! - w), `${record.date} ${code}`).toBeLessThan(1e-9);
      compared++;
    }
    expect(compared).toBe(13);
    // After the date the garbage shows: the next rebalance's targets differ.
    const next = clean.rebalances[13]!.date;
    const a = weights(clean, next);
    const b = weights(garbled, next);
    let difference = 0;
    for (const code of new Set([...a.keys(), ...b.keys()])) difference += Math.abs((a.get(code) ?? 0) - (b.get(code) ?? 0));
    expect(difference).toBeGreaterThan(0.01);
  }, 120_000);
});
