/**
 * The infeasible policies on a strategy made infeasible on purpose: a second size constraint
 * (group `size-tilt`) asks for an active size exposure in [2, 3] while the usual one keeps it
 * within ±0.3. `hold` keeps the holdings (here: cash, nothing ever trades), `relax` widens
 * `size-tilt` in the declared steps until a solve succeeds, `stop` ends the run with
 * `FK_INFEASIBLE` naming the date.
 */
import { styleExposure } from '@factorkit/constraints';
import { isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { runStrategy } from '../src/index.js';
import { strategyOf, syntheticMarket, usualConstraints } from './run-helpers.js';

const data = syntheticMarket();
const tilt = styleExposure.with({ styles: ['size'], limits: { size: { lower: 2, upper: 3 } }, missing: 'zero' }, { group: 'size-tilt' });
const base = { start: '2015-03-02', end: '2015-04-30', constraints: [...usualConstraints(), tilt] };

describe('infeasible rebalances follow the declared policy', () => {
  it('hold: keeps the holdings and records why', async () => {
    const result = await runStrategy(data, strategyOf({ ...base, infeasible: { policy: 'hold', relax: [] } }));
    expect(result.rebalances.length).toBeGreaterThan(5);
    for (const record of result.rebalances) {
      expect(record.status).toBe('held');
      expect(record.targets).toEqual([]);
      expect(record.messages.join('\n')).toContain('size-tilt');
    }
    expect(result.backtest.trades.length).toBe(0);
    expect(result.backtest.counts.rebalances).toBe(0);
    expect(result.notes.some((n) => n.includes('holdings were kept'))).toBe(true);
  }, 60_000);

  it('relax: widens the declared group step by step and records each step', async () => {
    const relax = [{ group: 'size-tilt', steps: [1, 2.5] }];
    const result = await runStrategy(data, strategyOf({ ...base, infeasible: { policy: 'relax', relax } }));
    for (const record of result.rebalances) {
      expect(record.status).toBe('relaxed');
      // The row Σ w·x ∈ [2, 3] + Σ b·x widened by 1 (width 3) is still infeasible; by 2.5 (width 6) it is not.
      expect(record.relaxations).toHaveLength(2);
      const widths = record.relaxations.map((text) => {
        const [l0, u0, l1, u1] = [...text.matchAll(/-?\d+(?:\.\d+)?(?:e-?\d+)?/g)].slice(-4).map((m) => Number(m[0]));
        return [u0! - l0!, u1! - l1!];
      });
      expect(record.relaxations[0]).toContain('`size-tilt` step 1 (widen by 1)');
      expect(record.relaxations[1]).toContain('`size-tilt` step 2 (widen by 2.5)');
      expect(widths[0]![0]).toBeCloseTo(1, 4);
      expect(widths[0]![1]).toBeCloseTo(3, 4);
      expect(widths[1]![0]).toBeCloseTo(3, 4);
      expect(widths[1]![1]).toBeCloseTo(6, 4);
      expect(record.targets.reduce((s, r) => s + r.weight, 0)).toBeCloseTo(1, 6);
    }
    expect(result.backtest.counts.rebalances).toBe(result.rebalances.length);
    expect(result.notes.some((n) => n.includes('relaxing'))).toBe(true);
  }, 60_000);

  it('stop: throws FK_INFEASIBLE naming the date and the conflict', async () => {
    const error = await runStrategy(data, strategyOf({ ...base, infeasible: { policy: 'stop', relax: [] } })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isFactorkitError(error)).toBe(true);
    if (!isFactorkitError(error)) return;
    expect(error.code).toBe('FK_INFEASIBLE');
    const first = data.calendar.dates.find((d) => d >= '2015-03-06')!;
    expect(error.message).toContain(first);
    expect(error.message).toContain('size-tilt');
  }, 60_000);
});
