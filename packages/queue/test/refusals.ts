import { type MarketData, defineFactor } from '@factorkit/core';
import { expect } from 'vitest';
import { JobRefusedError } from '../src/index.js';

/** The refusal a job computation throws (it must be a `JobRefusedError`). */
export async function refusal(computing: Promise<unknown>): Promise<JobRefusedError> {
  try {
    await computing;
  } catch (error) {
    expect(error).toBeInstanceOf(JobRefusedError);
    return error as JobRefusedError;
  }
  throw new Error('expected a refusal');
}

/** Data that must never be read: a refused job does not load it. */
export const untouchable = (): Promise<MarketData> => Promise.reject(new Error('the data was loaded for a refused job'));

/** A factor plugin `value` that is only looked up, never computed (a worker's installed version of the job's plugin). */
export const valueFactor = defineFactor({
  id: 'value',
  apiVersion: '1.0',
  meta: { title: 'value', description: 'a test factor', category: 'value', inputs: [{ field: 'close', kind: 'market', lag: 0, description: 'close' }], lookback: () => 0, direction: 1, params: {} },
  compute: () => {
    throw new Error('never computed');
  },
} as never);
