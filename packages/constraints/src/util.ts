import { type ConstraintContext, FactorkitError, show } from '@factorkit/core';

/** The core plugin contract these constraints are written for. */
export const API_VERSION = '1.0';

/** How errors name a constraint: its id, and its group when that differs. */
export function ownerOf(id: string, group: string): string {
  return group === id ? `constraint \`${id}\`` : `constraint \`${id}\` (group \`${group}\`)`;
}

/**
 * Check that `values` has one finite entry per asset; `NaN` entries are reported with the
 * first few asset ids so the data problem can be found.
 */
export function checkVector(
  values: ArrayLike<number>,
  context: ConstraintContext,
  what: string,
  owner: string,
  options: { nonNegative?: boolean } = {},
): void {
  const n = context.assets.length;
  if (values.length !== n) {
    throw new FactorkitError('FK_INVALID_DATA', `${owner}: ${what} has ${values.length} entries, expected one per asset (${n})`, {
      details: { owner, input: what },
    });
  }
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || (options.nonNegative === true && v < 0)) {
      count++;
      if (bad.length < 5) bad.push(`\`${context.assets[i]}\` = ${show(v).slice(1, -1)}`);
    }
  }
  if (count > 0) {
    const expected = options.nonNegative === true ? 'finite and ≥ 0' : 'finite';
    throw new FactorkitError(
      'FK_INVALID_DATA',
      `${owner}: ${what} must be ${expected}; ${count} ${count === 1 ? 'entry is' : 'entries are'} not (${bad.join(', ')}${count > bad.length ? ', …' : ''})`,
      { details: { owner, input: what, count } },
    );
  }
}

/** The benchmark weights, checked: one finite, non-negative weight per asset. */
export function benchmarkOf(context: ConstraintContext, owner: string): Float64Array {
  checkVector(context.benchmark, context, 'benchmark weights', owner, { nonNegative: true });
  return context.benchmark;
}

/** The weights held before this rebalance, or `FK_MISSING_INPUT` naming the constraint. */
export function previousOf(context: ConstraintContext, owner: string): Float64Array {
  const previous = context.previous;
  if (previous === undefined) {
    throw new FactorkitError(
      'FK_MISSING_INPUT',
      `${owner} needs the previous weights (\`context.previous\`), but the context has none; pass zeros for a portfolio built from cash`,
      { details: { owner, missing: ['previous'] } },
    );
  }
  checkVector(previous, context, 'previous weights', owner);
  return previous;
}

/** Indices `0 … n−1`. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
