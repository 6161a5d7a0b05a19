/**
 * The tracking run the incremental tests share: weekly, csi300 and csi500, momentum and 3-month
 * reversal, the market universe as the investable one, on the synthetic market.
 */
import type { MarketData, OptimizerInstance } from '@factorkit/core';
import { momentum } from '@factorkit/factor-momentum';
import { reversal3m } from '@factorkit/factor-reversal-3m';
import { indexUniverse, marketUniverse } from '@factorkit/universe-index';
import type { TrackingOptions } from '../src/index.js';

export function weeklyTracking(data: MarketData, optimizer: OptimizerInstance, asOf: string, start: string, extra: Partial<TrackingOptions> = {}): TrackingOptions {
  return {
    data,
    asOf,
    start,
    frequency: 'weekly',
    universes: ['csi300', 'csi500'],
    benchmark: indexUniverse,
    investable: marketUniverse,
    factors: [{ plugin: momentum }, { plugin: reversal3m }],
    optimizer,
    codeVersion: 'test',
    ...extra,
  };
}
