import type { RawTerm } from './internal/finalize.js';
import { fail, isDigit, isSpace, readNumber } from './internal/text.js';
import { type NameContext, nameKey, resolvePublishedName } from './names.js';

/** A weight written without `*` at the end of a name: `银行活期存款利率(税后)10%`. */
const TRAILING_WEIGHT = /(\d+(?:\.\d+)?)%$/;

/**
 * Read a published benchmark text (`中证500指数收益率*95%+同期银行活期存款利率(税后)*5%`) from
 * `s` (the text made half-width, positions unchanged) into raw terms, and the repairs made.
 *
 * Terms are separated by `+` outside parentheses; a term is `NAME*W%`, `W%*NAME`, `W% NAME`,
 * `NAME` (the only series: 100 %) or `W%` (an additive annual constant), each optionally followed by
 * parentheticals (`*10%(经汇率估值调整)`). Repaired with a note: a weight without `%`
 * (`*5` → 5 %), a weight without `*` (`NAME10%`), a missing `+` after a weight, a stray `%`
 * between two `+`.
 */
export function readPublished(s: string, context: NameContext): { terms: RawTerm[]; notes: string[] } {
  const n = s.length;
  let i = 0;
  const terms: RawTerm[] = [];
  const notes: string[] = [];
  const skip = (): void => {
    while (isSpace(s[i])) i++;
  };

  /** Balanced parentheses from `i` (at `(`); returns their text. */
  const readGroup = (): string => {
    const start = i;
    let depth = 0;
    for (; i < n; i++) {
      if (s[i] === '(') depth++;
      else if (s[i] === ')') {
        depth--;
        if (depth === 0) {
          i++;
          return s.slice(start, i);
        }
      }
    }
    return fail(start, 'unclosed `(`');
  };

  /** Parentheticals after a weight, concatenated; `undefined` when there are none. */
  const readAnnotations = (): string | undefined => {
    let annotation: string | undefined;
    for (;;) {
      const save = i;
      skip();
      if (s[i] !== '(') {
        i = save;
        return annotation;
      }
      annotation = (annotation ?? '') + readGroup();
    }
  };

  /** A name from `i` up to `*`, `+` or the end, outside parentheses. */
  const readName = (): { start: number; end: number } => {
    const start = i;
    while (i < n) {
      const c = s[i];
      if (c === '(') {
        readGroup();
        continue;
      }
      if (c === ')') fail(i, 'unexpected `)`');
      if (c === '*' || c === '+') break;
      i++;
    }
    let end = i;
    while (end > start && isSpace(s[end - 1])) end--;
    return { start, end };
  };

  /** Resolve a name written at [start, end) into a raw term. */
  const seriesTerm = (
    start: number,
    end: number,
    percent: number | undefined,
    weightAt: number,
    termStart: number,
    termEnd: number,
    annotation: string | undefined,
  ): RawTerm => {
    const written = s.slice(start, end);
    const name = nameKey(written);
    if (name === '') fail(start, 'expected a series name');
    const resolved = resolvePublishedName(name, context);
    return {
      kind: resolved.kind,
      ...(resolved.kind === 'index' ? { code: resolved.code } : {}),
      percent,
      start: termStart,
      weightAt,
      end: termEnd,
      written,
      name,
      ...(annotation === undefined ? {} : { annotation }),
    };
  };

  /** Whether a series name may start at `c` (after a weight, or for a term written without `+` before it). */
  const startsName = (c: string | undefined): boolean => c !== undefined && !isDigit(c) && !isSpace(c) && !'*+%)'.includes(c);

  const readTerm = (): RawTerm => {
    const start = i;
    const number = readNumber(s, i);
    if (number && s[number.end] === '%') {
      // `W%*NAME`, `W% NAME` (the composite syntax with a name), or `W%` alone: an additive annual constant.
      i = number.end + 1;
      const afterWeight = i;
      skip();
      if (s[i] === '*' || (s[i] !== '(' && startsName(s[i]))) {
        if (s[i] === '*') i++;
        skip();
        const name = readName();
        if (name.end === name.start) fail(i, 'expected a series name after `*`');
        const annotation = readAnnotations();
        return seriesTerm(name.start, name.end, number.value, start, start, i, annotation);
      }
      i = afterWeight;
      const annotation = readAnnotations();
      return {
        kind: 'constant',
        percent: number.value,
        start,
        weightAt: start,
        end: i,
        written: s.slice(start, i),
        ...(annotation === undefined ? {} : { annotation }),
      };
    }
    const name = readName();
    if (name.end === name.start) fail(i, `expected a series name or a weight, found \`${s[i] ?? 'the end'}\``);
    if (s[i] === '*') {
      i++;
      skip();
      const weight = readNumber(s, i);
      if (!weight) fail(i, 'expected a weight such as `95%` after `*`');
      i = weight.end;
      if (s[i] === '%') i++;
      else notes.push(`position ${i}: no \`%\` after the weight \`${weight.raw}\`, read as \`${weight.raw}%\``);
      const annotation = readAnnotations();
      return seriesTerm(name.start, name.end, weight.value, weight.end - weight.raw.length, start, i, annotation);
    }
    const trailing = TRAILING_WEIGHT.exec(s.slice(name.start, name.end));
    if (trailing && trailing.index > 0) {
      const weightAt = name.start + trailing.index;
      notes.push(`position ${weightAt}: no \`*\` before the weight \`${trailing[0]}\`, read as \`*${trailing[0]}\``);
      let nameEnd = weightAt;
      while (nameEnd > name.start && isSpace(s[nameEnd - 1])) nameEnd--;
      const annotation = readAnnotations();
      return seriesTerm(name.start, nameEnd, Number(trailing[1]), weightAt, start, i, annotation);
    }
    return seriesTerm(name.start, name.end, undefined, start, start, name.end, undefined);
  };

  skip();
  if (i === n) fail(i, 'the text is empty');
  for (;;) {
    skip();
    if (s[i] === '%') {
      // A stray `%` between two `+` (`…*65%+%+…`): nothing is lost by skipping it.
      const at = i;
      i++;
      skip();
      if (terms.length > 0 && (i === n || s[i] === '+')) {
        notes.push(`position ${at}: a stray \`%\` between terms, skipped`);
        if (i === n) break;
        i++;
        continue;
      }
      fail(at, 'expected a series name or a weight, found `%`');
    }
    if (i === n) fail(i, 'expected a term after `+`');
    const term = readTerm();
    terms.push(term);
    skip();
    if (i === n) break;
    if (s[i] === '+') {
      i++;
      continue;
    }
    if (term.percent !== undefined && term.kind !== 'constant' && startsName(s[i])) {
      notes.push(`position ${i}: no \`+\` before \`${s[i]}\`, read as a new term`);
      continue;
    }
    fail(i, 'expected `+` between terms, or the end of the text');
  }
  return { terms, notes };
}
