/** A problem found while reading a text: where (0-based offset) and what. Caught by the parse entry points. */
export class ParseFailure extends Error {
  constructor(
    readonly position: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}

/** Throw a {@link ParseFailure}. */
export function fail(position: number, problem: string): never {
  throw new ParseFailure(position, problem);
}

/**
 * The text with full-width ASCII variants (`（）＋％＊`, full-width digits and letters), the
 * ideographic space and the multiplication sign `×` made ASCII (`×` → `*`), one character for
 * one, so positions stay those of the text.
 */
export function halfWidth(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCharCode(code - 0xfee0);
    else if (code === 0x3000) out += ' ';
    else if (code === 0xd7) out += '*';
    else out += text[i];
  }
  return out;
}

/** Whether a character takes two columns in a monospace terminal (CJK, Hangul, full-width forms). */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6)
  );
}

/**
 * Two lines to put under a message: the text (control characters shown as spaces) and a caret
 * under `position`, counting wide characters as two columns so the caret lines up under
 * Chinese text too.
 */
export function caretLines(text: string, position: number): string {
  let shown = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    shown += code < 0x20 || code === 0x7f ? ' ' : text[i];
  }
  let columns = 0;
  for (let i = 0; i < Math.min(position, text.length); i++) columns += isWide(text.charCodeAt(i)) ? 2 : 1;
  if (position > text.length) columns += position - text.length;
  return `  ${shown}\n  ${' '.repeat(columns)}^`;
}

/** `benchmark \`TEXT\`: position N: PROBLEM` and the caret lines. */
export function failureMessage(text: string, failure: ParseFailure): string {
  return `benchmark \`${text}\`: position ${failure.position}: ${failure.problem}\n${caretLines(text, failure.position)}`;
}

/** Whether `c` is an ASCII digit. */
export function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Whether `c` is white space between tokens. */
export function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** A decimal number `95`, `2.5` at `start` of `s`: its value, text and end, or `undefined`. */
export function readNumber(s: string, start: number): { value: number; raw: string; end: number } | undefined {
  let i = start;
  while (isDigit(s[i])) i++;
  if (i === start) return undefined;
  if (s[i] === '.' && isDigit(s[i + 1])) {
    i++;
    while (isDigit(s[i])) i++;
  }
  const raw = s.slice(start, i);
  return { value: Number(raw), raw, end: i };
}
