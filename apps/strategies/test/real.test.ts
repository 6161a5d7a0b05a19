/**
 * The real-data strategies, read in place (never copied into the repository): CSI 300 enhanced on
 * ../shared/data/cn-csi300 and CSI 1000 on ../shared/data/cn-csi1000 (2023 → 2025), end to end.
 * In CI the data is present and its absence fails these tests; elsewhere they are skipped with a
 * warning. Slow (data).
 */
import { loadDataset } from '@factorkit/data';
import { createStrategy, runStrategy } from '@factorkit/strategy';
import { readStrategyFile } from '@factorkit/strategy/node';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA, cliRegistry, strategyPath } from './helpers.js';

const CSI300 = join(SHARED_DATA, 'cn-csi300');
const CSI1000 = join(SHARED_DATA, 'cn-csi1000');
const present = existsSync(join(CSI300, 'daily.csv.gz')) && existsSync(join(CSI1000, 'daily.csv.gz'));
if (!present) console.warn(`strategy real-data tests skipped: ${CSI300} or ${CSI1000} not found (present in CI, where their absence fails these tests)`);

describe.skipIf(!present && !process.env.CI)('strategies on real data (data, slow)', () => {
  it('runs CSI 300 enhanced on cn-csi300 as written: weekly rebalances under the tracking-error cap', async () => {
    const { dataset } = await loadDataset(CSI300);
    const definition = await readStrategyFile(strategyPath('csi300-enhanced.yaml'));
    const result = await runStrategy(dataset, createStrategy(definition, { registry: await cliRegistry() }));
    const m = result.backtest.metrics;
    expect(m.start >= definition.start!).toBe(true);
    expect(m.end).toBe('2023-06-30');
    // About 52 weekly decisions a year over 7.5 years, nearly all solved.
    expect(result.rebalances.length).toBeGreaterThan(350);
    const solved = result.rebalances.filter((r) => r.status === 'optimal' || r.status === 'relaxed').length;
    expect(solved / result.rebalances.length).toBeGreaterThan(0.9);
    // The cap is 4% ex ante; the realised tracking error of a capped CSI 300 portfolio stays in single digits.
    expect(m.trackingError).toBeGreaterThan(0.005);
    expect(m.trackingError).toBeLessThan(0.1);
    // The cap is met by tangent cuts. Measured 2026-12-06: 5 of 377 solved rebalances end slightly
    // above it (at most 4.0088%, 0.22% relative; reported to the runner's owner), so this checks
    // 0.5% relative: a cap that stopped binding would fail it.
    for (const r of result.rebalances) if (r.status === 'optimal') expect(r.exAnteTrackingError, r.date).toBeLessThanOrEqual(0.04 * 1.005);
  }, 900_000);

  it('runs CSI 1000 on cn-csi1000 with price/volume factors, 2023 → 2025, against the real CSI 1000 level', async () => {
    const { dataset } = await loadDataset(CSI1000);
    const definition = await readStrategyFile(strategyPath('csi1000-real.yaml'));
    const result = await runStrategy(dataset, createStrategy(definition, { registry: await cliRegistry() }));
    const { dates, benchmarkNav, metrics } = result.backtest;
    expect(metrics.start >= '2023-01-03').toBe(true);
    expect(metrics.end).toBe('2025-12-31');
    // The benchmark is the CSI 1000 price index of the dataset's index_daily (cn-index's levels).
    const close = dataset.indexLevels('000852.SH')!.close;
    const at = (d: string): number => close[dataset.calendar.indexOf(d)]!;
    const last = dates.length - 1;
    expect(benchmarkNav[last]! / benchmarkNav[0]!).toBeCloseTo(at(dates[last]!) / at(dates[0]!), 9);
    expect(result.rebalances.length).toBeGreaterThan(140);
    expect(Number.isFinite(metrics.informationRatio)).toBe(true);
  }, 900_000);
});
