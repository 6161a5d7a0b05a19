import type { BenchmarkTerm, CompositeBenchmark } from '../types.js';
import { fail } from './text.js';

/** A term as read, before the weights are checked. Percent values, positions in the text. */
export interface RawTerm {
  readonly kind: 'index' | 'deposit' | 'constant';
  readonly code?: string | undefined;
  /** `undefined`: written without a weight (a bare code, or a published text's only series). */
  readonly percent: number | undefined;
  /** Where the term starts. */
  readonly start: number;
  /** Where its weight is written (the term's start when it has none). */
  readonly weightAt: number;
  /** Just after its last character. */
  readonly end: number;
  /** As written, for messages: `000905.SH`, `中证500指数收益率`. */
  readonly written: string;
  readonly name?: string;
  readonly annotation?: string;
}

/** Tolerance of the 100 % sum, in percent. */
const SUM_TOLERANCE = 1e-9;

/**
 * Check the weights of the terms read from `text` and build the benchmark: an unweighted series
 * is 100 % when it is the only one; each weight in (0 %, 100 %]; no series twice; at most one
 * constant; the weights sum to 100 % (at most 100 % next to a constant).
 */
export function finalize(
  text: string,
  raw: readonly RawTerm[],
  syntax: 'composite' | 'published',
  notes: readonly string[],
): CompositeBenchmark {
  const series = raw.filter((t) => t.kind !== 'constant');
  const unweighted = series.filter((t) => t.percent === undefined);
  if (unweighted.length > 0 && series.length > 1) {
    const first = unweighted[0]!;
    fail(first.end, syntax === 'composite' ? `expected a weight such as \`95%\` before \`${first.written}\`` : `expected a weight (\`*W%\`) after \`${first.written}\``);
  }
  const seen = new Map<string, RawTerm>();
  let constants = 0;
  let sum = 0;
  const terms: BenchmarkTerm[] = [];
  for (const t of raw) {
    const percent = t.percent ?? 100;
    if (!(percent > 0 && percent <= 100)) {
      fail(t.weightAt, t.kind === 'constant' ? `annual rate \`${percent}%\` is not in (0%, 100%]` : `weight \`${percent}%\` is not in (0%, 100%]`);
    }
    if (t.kind === 'constant') {
      constants++;
      if (constants > 1) fail(t.start, 'a second constant: write one constant term at most');
      terms.push(withText({ kind: 'constant', annualRate: percent / 100 }, undefined, t.annotation));
      continue;
    }
    const key = t.kind === 'deposit' ? 'deposit' : (t.code ?? `name:${t.name ?? t.written}`);
    const before = seen.get(key);
    if (before) fail(t.start, `\`${t.written}\` names the same series as \`${before.written}\` at position ${before.start}`);
    seen.set(key, t);
    sum += percent;
    const weight = percent / 100;
    terms.push(
      t.kind === 'deposit'
        ? withText({ kind: 'deposit', weight }, t.name, t.annotation)
        : withText({ kind: 'index', code: t.code, weight }, t.name, t.annotation),
    );
  }
  if (constants === 0 && Math.abs(sum - 100) > SUM_TOLERANCE) {
    fail(text.length, `the weights sum to ${round(sum)}%, not 100%`);
  }
  if (constants > 0 && sum > 100 + SUM_TOLERANCE) fail(text.length, `the weights sum to ${round(sum)}%, more than 100%`);
  return { text, terms, syntax, notes };
}

/** A term with `name` and `annotation` set only when present (exact optional properties). */
function withText<T extends BenchmarkTerm>(term: T, name: string | undefined, annotation: string | undefined): T {
  let out: T = term;
  if (name !== undefined && term.kind !== 'constant') out = { ...out, name };
  if (annotation !== undefined) out = { ...out, annotation };
  return out;
}

/** A percent sum for a message, without float noise (`99.99999999999999` → `100`). */
function round(value: number): number {
  return Number(value.toPrecision(15));
}
