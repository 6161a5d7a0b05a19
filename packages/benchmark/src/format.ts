import { FactorkitError, show } from '@factorkit/core';
import type { BenchmarkTerm, CompositeBenchmark } from './types.js';

/**
 * A percent for the syntax: 12 significant digits (so `0.07 × 100` is `7`, not
 * `7.000000000000001`), in plain decimal notation.
 */
function percent(fraction: number): string {
  const value = Number((fraction * 100).toPrecision(12));
  const text = String(value);
  if (!text.includes('e')) return text;
  return value.toFixed(20).replace(/\.?0+$/, '');
}

function formatTerm(term: BenchmarkTerm, b: CompositeBenchmark): string {
  switch (term.kind) {
    case 'deposit':
      return `${percent(term.weight)}% deposit`;
    case 'constant':
      return `${percent(term.annualRate)}% p.a.`;
    case 'index':
      if (term.code === undefined) {
        throw new FactorkitError(
          'FK_INVALID_ARGUMENT',
          `benchmark \`${b.text}\`: the series ${show(term.name ?? '')} has no code, so the composite syntax cannot write it; map its name with the parse option \`names\``,
          { details: { text: b.text, name: term.name } },
        );
      }
      return `${percent(term.weight)}% ${term.code}`;
  }
}

/**
 * The benchmark in the canonical composite syntax: terms in their order, joined by ` + `, each
 * `W% CODE`, `W% deposit` or `W% p.a.` (an additive constant), weights in percent to 12
 * significant digits; a single index at 100 % is its bare code. `parseBenchmark` of the result
 * gives the same terms (without the published `name` / `annotation`).
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` when an index term has no code (a published
 *   name the table does not know).
 */
export function formatBenchmark(b: CompositeBenchmark): string {
  const only = b.terms.length === 1 ? b.terms[0] : undefined;
  if (only?.kind === 'index' && only.code !== undefined && Math.abs(only.weight - 1) <= 1e-11) return only.code;
  return b.terms.map((term) => formatTerm(term, b)).join(' + ');
}

