import type { CompositeBenchmark, IndexTerm } from './types.js';

/**
 * The benchmark's main index: the index term with the largest weight, the first of equal
 * ones; `undefined` when there is no index term. Its `code` may be `undefined` (a published
 * name not in the table: group such funds by `name`).
 */
export function primaryIndex(b: CompositeBenchmark): IndexTerm | undefined {
  let best: IndexTerm | undefined;
  for (const term of b.terms) if (term.kind === 'index' && (best === undefined || term.weight > best.weight)) best = term;
  return best;
}
