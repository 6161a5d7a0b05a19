import { type Document, LineCounter, type Node, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import { jsonErrorOffset } from './json-position.js';
import type { StrategyIssue } from './types.js';

/** A 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Where the value at a path was written, for a text that was parsed. */
export interface SourceMap {
  readonly file?: string;
  /** The position of the value at `path` (a strategy path), or of its closest written ancestor. */
  locate(path: string, offset?: number): Position | undefined;
}

/** What {@link readSource} found: the value, or the syntax problems. */
export type SourceResult = { ok: true; value: unknown; map: SourceMap } | { ok: false; issues: StrategyIssue[] };

/** `strategy.factors[1].params["a b"]` → `['factors', 1, 'params', 'a b']` (the root `strategy` dropped). */
export function pathSegments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  const rest = path.startsWith('strategy') ? path.slice('strategy'.length) : path;
  let match: RegExpExecArray | null;
  let at = 0;
  while ((match = re.exec(rest)) !== null) {
    if (match.index !== at) break;
    at = re.lastIndex;
    if (match[1] !== undefined) out.push(match[1]);
    else if (match[2] !== undefined) out.push(Number(match[2]));
    else out.push(JSON.parse(match[3]!) as string);
  }
  return out;
}

/** The YAML node (or map key) at `segments`, or the deepest one that exists. */
function nodeAt(doc: Document, segments: readonly (string | number)[]): { node: Node; exact: boolean } | undefined {
  let node: unknown = doc.contents;
  if (!node) return undefined;
  let target = node as Node;
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment));
      if (!pair) return { node: target, exact: false };
      // A map entry is located at its key: that is where an editor should put the cursor.
      target = (pair.key as Node | null) ?? target;
      node = pair.value;
      if (!node) return { node: target, exact: true };
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      node = node.items[segment];
      target = node as Node;
    } else return { node: target, exact: false };
  }
  return { node: target, exact: true };
}

/**
 * Parse strategy text. YAML (`yaml`'s `parseDocument`: duplicate keys, several documents and
 * syntax errors are problems with their line and column) or JSON (`JSON.parse`; its syntax
 * errors located by the offset it names; duplicate keys found by reading the text as YAML too).
 */
export function readSource(text: string, format: 'yaml' | 'json', file: string | undefined): SourceResult {
  const lines = new LineCounter();
  const at = (offset: number): Position => {
    const p = lines.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const where = (p: Position | undefined) => ({ ...(file !== undefined ? { file } : {}), ...(p ? { line: p.line, column: p.column } : {}) });
  let value: unknown;
  if (format === 'json') {
    try {
      value = JSON.parse(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const offset = jsonErrorOffset(text);
      parseDocument(text, { lineCounter: lines }); // only to fill the line counter
      const p = offset >= 0 ? at(offset) : undefined;
      return { ok: false, issues: [{ path: '', message: `invalid JSON: ${message.replace(/ in JSON at position \d+.*$/s, '')}`, ...where(p) }] };
    }
  }
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const problems = format === 'json' ? doc.errors.filter((e) => e.code === 'DUPLICATE_KEY') : [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    return {
      ok: false,
      issues: problems.map((e) => ({
        path: '',
        message: `${format === 'json' ? 'invalid JSON' : 'invalid YAML'}: ${e.code === 'DUPLICATE_KEY' ? 'a key is given twice (map keys must be unique)' : e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
        ...where(at(e.pos[0])),
      })),
    };
  }
  if (format === 'yaml') value = doc.toJS({ maxAliasCount: 100 });
  // JSON that YAML cannot read back (rare) keeps its value, without positions.
  const usable = format === 'yaml' || doc.errors.length === 0;
  const map: SourceMap = {
    ...(file !== undefined ? { file } : {}),
    locate(path, offset) {
      if (!usable) return undefined;
      const segments = pathSegments(path);
      if (offset !== undefined) {
        const inText = offsetPosition(doc, text, segments, offset, at);
        if (inText) return inText;
      }
      const range = nodeAt(doc, segments)?.node.range;
      return range ? at(range[0]) : undefined;
    },
  };
  return { ok: true, value, map };
}

/** Where the `offset`-th character of a one-line plain or quoted scalar is (escapes aside). */
function offsetPosition(doc: Document, text: string, segments: readonly (string | number)[], offset: number, at: (o: number) => Position): Position | undefined {
  const value = doc.getIn(segments, true);
  if (!isScalar(value) || !value.range) return undefined;
  const quoted = value.type === 'QUOTE_DOUBLE' || value.type === 'QUOTE_SINGLE';
  if ((value.type !== 'PLAIN' && !quoted) || text.slice(value.range[0], value.range[1]).includes('\n')) return undefined;
  return at(value.range[0] + (quoted ? 1 : 0) + offset);
}
