import { FactorkitError, type MarketData, type UniverseInstance } from '@factorkit/core';

/** What {@link benchmarkReturns} returns. */
export interface BenchmarkReturns {
  /** One entry per date of `data.calendar`: the benchmark's return on that day, `NaN` where it is not computed. */
  readonly returns: Float64Array;
  /** Constituent-days with a missing return (`NaN`), counted as 0. */
  readonly missingReturns: number;
  /** Days in the range without benchmark weights on the previous day (their return is `NaN`). */
  readonly daysWithoutWeights: number;
}

/**
 * Daily returns of a universe's benchmark: on day `d`, `Σᵢ bᵢ(d − 1)·retᵢ(d)` with `b(d − 1)` the
 * weights `universe.weights(d − 1)` (as of the previous close: published weights drifted with
 * prices, so between reviews this is the return of a buy-and-hold index) and `ret` the data's daily
 * returns. Computed for days `from … to` (calendar indices, default the whole calendar); the
 * first day of the calendar has no previous close and stays `NaN`. One series serves every factor
 * tested against the universe: pass it to `runMfe` as `benchmarkReturns`.
 *
 * @throws FactorkitError `FK_MISSING_INPUT` when the universe gives no weights or the data has no `ret`.
 */
export function benchmarkReturns(data: MarketData, universe: UniverseInstance, range: { readonly from?: number; readonly to?: number } = {}): BenchmarkReturns {
  const weightsOf = universe.weights?.bind(universe);
  if (!weightsOf) throw new FactorkitError('FK_MISSING_INPUT', `benchmarkReturns: universe \`${universe.id}\` gives no benchmark weights`);
  if (!data.hasField('ret')) throw new FactorkitError('FK_MISSING_INPUT', 'benchmarkReturns: the dataset has no field `ret` (daily returns)');
  const T = data.calendar.length;
  const from = Math.max(1, range.from ?? 1);
  const to = Math.min(T - 1, range.to ?? T - 1);
  const ret = data.field('ret');
  const returns = new Float64Array(T).fill(Number.NaN);
  let missingReturns = 0;
  let daysWithoutWeights = 0;
  for (let d = from; d <= to; d++) {
    const w = weightsOf(d - 1);
    if (!w) {
      daysWithoutWeights++;
      continue;
    }
    let r = 0;
    const b = w.weights;
    for (let a = 0; a < b.length; a++) {
      const bi = b[a]!;
      if (!(bi > 0)) continue;
      const ra = ret.get(d, a);
      if (Number.isFinite(ra)) r += bi * ra;
      else missingReturns++;
    }
    returns[d] = r;
  }
  return { returns, missingReturns, daysWithoutWeights };
}
