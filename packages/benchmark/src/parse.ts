import { FactorkitError, show } from '@factorkit/core';
import { finalize } from './internal/finalize.js';
import { ParseFailure, failureMessage, halfWidth } from './internal/text.js';
import { nameContext } from './names.js';
import { readPublished } from './published.js';
import { readComposite } from './syntax.js';
import type { CompositeBenchmark, ParseBenchmarkOptions, TryParseResult } from './types.js';

/** What makes a text a published one under `syntax: 'auto'`: a CJK ideograph, `*` or a parenthesis. */
const PUBLISHED_MARK = /[\u3400-\u9fff\uf900-\ufaff*()]/;

/**
 * Read a composite benchmark: the composite syntax (`95% 000852.SH + 5% deposit`,
 * `90% 399303.SZ + 5% HSI + 5% deposit`, a bare `000905.SH` for 100 %) or a published Chinese
 * text (`中证500指数收益率*95%+同期银行活期存款利率(税后)*5%`), whose index names are mapped to
 * codes by `DEFAULT_INDEX_NAMES` and `options.names`. See the package README for both
 * grammars.
 *
 * @throws FactorkitError `FK_INVALID_BENCHMARK` (`details: { text, position, problem }`) when the
 *   text cannot be read: the message names the position (0-based) and what was expected there,
 *   with a caret line under the text. `FK_INVALID_ARGUMENT` for a non-string text or bad options.
 */
export function parseBenchmark(text: string, options?: ParseBenchmarkOptions): CompositeBenchmark {
  const result = tryParseBenchmark(text, options);
  if (result.ok) return result.benchmark;
  throw new FactorkitError('FK_INVALID_BENCHMARK', result.message, {
    details: { text, position: result.position, problem: result.problem },
  });
}

/**
 * {@link parseBenchmark} returning the problem instead of throwing it, for callers that count
 * refusals (a fund table with thousands of texts). Bad options still throw.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` for a non-string text or bad options.
 */
export function tryParseBenchmark(text: string, options?: ParseBenchmarkOptions): TryParseResult {
  if (typeof text !== 'string') {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `benchmark: expected a text, got ${show(text)}`, { details: { value: text } });
  }
  const syntax = options?.syntax ?? 'auto';
  if (syntax !== 'auto' && syntax !== 'composite' && syntax !== 'published') {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `options.syntax: expected \`auto\`, \`composite\` or \`published\`, got ${show(syntax)}`);
  }
  const context = nameContext(options);
  const s = halfWidth(text);
  const published = syntax === 'published' || (syntax === 'auto' && PUBLISHED_MARK.test(s));
  try {
    if (published) {
      const { terms, notes } = readPublished(s, context);
      return { ok: true, benchmark: finalize(text, terms, 'published', notes) };
    }
    return { ok: true, benchmark: finalize(text, readComposite(s, context), 'composite', []) };
  } catch (error) {
    if (!(error instanceof ParseFailure)) throw error;
    return { ok: false, position: error.position, message: failureMessage(text, error), problem: error.problem };
  }
}
