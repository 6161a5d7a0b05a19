/**
 * `runBacktestAsync` is the simulation of `runBacktest` with awaited targets: on a random market
 * both give the same result to the bit, targets are asked once per day in order, each awaited
 * before the next day, and `onClose(t)` comes before `targets(t)`.
 */
import { describe, expect, it } from 'vitest';
import { runBacktest, runBacktestAsync } from '../src/index.js';
import { randomMarket } from './market.js';

describe('runBacktestAsync', () => {
  it('gives what runBacktest gives, asking for targets in order after each close', async () => {
    const { data, benchmark, targets } = randomMarket(3, { days: 120, every: 10 });
    const sync = runBacktest(data, { capital: 1_000_000, benchmark, targets: (t) => targets.get(t) });
    const events: string[] = [];
    let pending = false;
    const result = await runBacktestAsync(data, {
      capital: 1_000_000,
      benchmark,
      onClose: (t) => {
        expect(pending).toBe(false);
        events.push(`close ${t}`);
      },
      targets: async (t) => {
        events.push(`targets ${t}`);
        pending = true;
        await new Promise((resolve) => setTimeout(resolve, 0));
        pending = false;
        return targets.get(t);
      },
    });
    expect(Array.from(result.nav)).toEqual(Array.from(sync.nav));
    expect(result.trades).toEqual(sync.trades);
    expect(result.holdings).toEqual(sync.holdings);
    expect(result.metrics).toEqual(sync.metrics);
    const T = data.calendar.length;
    expect(events.slice(0, 4)).toEqual(['close 0', 'targets 0', 'close 1', 'targets 1']);
    expect(events.filter((e) => e.startsWith('targets')).length).toBe(T - 1);
    expect(events[events.length - 1]).toBe(`close ${T - 1}`);
  });
});
