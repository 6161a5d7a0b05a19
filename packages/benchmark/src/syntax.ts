import type { RawTerm } from './internal/finalize.js';
import { fail, isDigit, isSpace, readNumber } from './internal/text.js';
import { INDEX_CODE_PATTERN, type NameContext, resolveSyntaxSeries } from './names.js';

/** Characters of a code, an alias, `deposit` or `p.a.`. */
function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_.-]/.test(c);
}

/**
 * Read the composite syntax (`95% 000852.SH + 5% deposit`, `000905.SH`) from `s` (the text made
 * half-width, positions unchanged) into raw terms; the weights are checked afterwards.
 *
 * Grammar (white space allowed between tokens, none inside a weight):
 * ```
 * benchmark := series | term ( "+" term )*
 * term      := weight "%" series | weight "%" "p.a."
 * weight    := digits [ "." digits ]
 * series    := code | "deposit" | alias
 * code      := 6 digits "." ( "SH" | "SZ" | "CSI" )
 * ```
 */
export function readComposite(s: string, context: NameContext): RawTerm[] {
  const n = s.length;
  let i = 0;
  const skip = (): void => {
    while (isSpace(s[i])) i++;
  };
  const terms: RawTerm[] = [];
  const aliasList = (): string => [...context.aliases.keys()].map((a) => `\`${a}\``).join(', ');

  /** A word at `i` (a code, alias, `deposit`, `p.a.`), classified; `constant` allowed after a weight only. */
  const readSeries = (afterWeight: boolean): { kind: RawTerm['kind']; code?: string; word: string; start: number } => {
    const start = i;
    while (isWordChar(s[i])) i++;
    const word = s.slice(start, i);
    if (word === '') {
      fail(start, `expected an index code such as \`000905.SH\`, \`deposit\`, an alias (${aliasList()}) or \`p.a.\` after the weight`);
    }
    if (word === 'p.a.') {
      if (!afterWeight) fail(start, 'expected a weight such as `1.5%` before `p.a.`');
      return { kind: 'constant', word, start };
    }
    const resolved = resolveSyntaxSeries(word, context);
    if (resolved?.kind === 'deposit') return { kind: 'deposit', word, start };
    if (resolved) return { kind: 'index', code: resolved.code!, word, start };
    if (INDEX_CODE_PATTERN.test(word.toUpperCase())) {
      fail(start, `index code \`${word}\`: write the exchange in upper case (\`${word.toUpperCase()}\`)`);
    }
    return fail(
      start,
      `unknown series \`${word}\`: expected an index code (6 digits and \`.SH\`, \`.SZ\` or \`.CSI\`, e.g. \`000905.SH\`), \`deposit\`, \`p.a.\` or an alias (${aliasList()})`,
    );
  };

  skip();
  if (i === n) fail(i, 'expected a term such as `95% 000905.SH`, or an index code');
  for (;;) {
    const start = i;
    const number = readNumber(s, i);
    if (number && s[number.end] === '%') {
      i = number.end + 1;
      skip();
      if (i === n || s[i] === '+') {
        fail(i, `expected an index code such as \`000905.SH\`, \`deposit\`, an alias (${aliasList()}) or \`p.a.\` after the weight`);
      }
      const series = readSeries(true);
      terms.push({
        kind: series.kind,
        ...(series.code === undefined ? {} : { code: series.code }),
        percent: number.value,
        start,
        weightAt: start,
        end: i,
        written: s.slice(start, i),
      });
    } else {
      // A bare series (`000905.SH` = 100%) is read whole, digits included.
      while (isWordChar(s[i])) i++;
      const word = s.slice(start, i);
      const bare = word === '' ? undefined : resolveSyntaxSeries(word, context);
      if (!bare) {
        if (number) fail(number.end, 'expected `%` after the weight');
        if (word !== '' && !isDigit(word[0])) {
          i = start;
          readSeries(false); // throws: the word is not a series
        }
        fail(start, 'expected a weight such as `95%`, or an index code');
      }
      if (terms.length > 0) fail(start, `expected a weight such as \`95%\` before \`${word}\``);
      skip();
      if (i < n) fail(start, `expected a weight such as \`95%\` before \`${word}\` (a bare series stands alone, for 100%)`);
      terms.push({
        kind: bare.kind,
        ...(bare.kind === 'index' ? { code: bare.code } : {}),
        percent: undefined,
        start,
        weightAt: start,
        end: start + word.length,
        written: word,
      });
      return terms;
    }
    skip();
    if (i === n) return terms;
    if (s[i] !== '+') fail(i, 'expected `+` or the end of the text');
    i++;
    skip();
    if (i === n) fail(i, 'expected a term after `+`');
  }
}
