import { type ErrorCode, ValidationError } from '@factorkit/core';
import type { PositionedIssue } from './schema.js';
import type { SourceMap } from './source.js';
import type { StrategyIssue } from './types.js';

/**
 * Where a definition read from text came from, so that `createStrategy` can locate its problems
 * too: a hidden (non-enumerable) property under a registered symbol, which every copy of this
 * package sees (`@factorkit/strategy/node` bundles its own copy of the parser) and which
 * copies and JSON of the definition leave out.
 */
const SOURCE = Symbol.for('@factorkit/strategy:source');

/** Remember where `definition` was read from (before it is frozen). */
export function rememberSource(definition: object, map: SourceMap): void {
  Object.defineProperty(definition, SOURCE, { value: map, enumerable: false });
}

/** Where `definition` was read from, when it came from {@link rememberSource}. */
export function sourceOf(definition: unknown): SourceMap | undefined {
  if (typeof definition !== 'object' || definition === null || !Object.hasOwn(definition, SOURCE)) return undefined;
  const map = (definition as Record<symbol, unknown>)[SOURCE] as SourceMap | undefined;
  return map && typeof map.locate === 'function' ? map : undefined;
}

/** Each issue with its file, line and column where the map knows them. */
export function locate(issues: readonly PositionedIssue[], map: SourceMap | undefined): StrategyIssue[] {
  const located = issues.map((issue): StrategyIssue => {
    const { offset, ...rest } = issue;
    const p = map && issue.path ? map.locate(issue.path, offset) : undefined;
    return { ...rest, ...(map?.file !== undefined ? { file: map.file } : {}), ...(p ? { line: p.line, column: p.column } : {}) };
  });
  // In the order of the file (stable: problems of one place keep the order they were found in).
  const key = (issue: StrategyIssue) => (issue.line ?? Number.MAX_SAFE_INTEGER) * 1e6 + (issue.column ?? 0);
  return map ? located.sort((a, b) => key(a) - key(b)) : located;
}

/** `file:line:column` (what is known of it) before a problem, compiler-style. */
function where(issue: StrategyIssue): string {
  const position = issue.line !== undefined ? `${issue.line}:${issue.column ?? 1}` : '';
  if (issue.file !== undefined) return position ? `${issue.file}:${position} ` : `${issue.file}: `;
  return position ? `${position} ` : '';
}

/** How {@link strategyError} words a list of problems of something else made of strategies (a sweep). */
export interface ProblemListOptions {
  /** What was invalid, in the summary (default `strategy`). */
  readonly subject?: string;
  /** The label of an issue before its message (default its path). */
  readonly label?: (issue: StrategyIssue) => string;
  /** At most this many problems are listed in the message (all of them stay in `issues`); default all. */
  readonly shown?: number;
}

/**
 * The error of a strategy with problems: a `ValidationError` whose `issues` are the
 * {@link StrategyIssue}s (paths unchanged; file, line and column beside them) and whose message
 * lists each as `file:line:column strategy.path: problem`.
 */
export function strategyError(code: ErrorCode, issues: readonly StrategyIssue[], file: string | undefined, options: ProblemListOptions = {}): ValidationError {
  const count = `${issues.length} problem${issues.length === 1 ? '' : 's'}`;
  const summary = `invalid ${options.subject ?? 'strategy'}${file !== undefined ? ` \`${file}\`` : ''} (${count})`;
  const error = new ValidationError(code, summary, issues, { details: { ...(file !== undefined ? { file } : {}) } });
  const label = options.label ?? ((issue: StrategyIssue) => issue.path);
  const shown = issues.slice(0, options.shown ?? issues.length);
  const more = issues.length - shown.length;
  const lines = shown.map((issue) => {
    const name = issue.path ? label(issue) : '';
    return `  - ${where(issue)}${name ? `${name}: ` : ''}${issue.message}`;
  });
  if (more > 0) lines.push(`  … and ${more} more (the error's \`issues\` hold every one)`);
  const message = `${summary}:\n${lines.join('\n')}`;
  const before = error.message;
  // The core class lists `path: message`; a strategy's problems lead with where they were written.
  Object.defineProperty(error, 'message', { value: message, writable: true, configurable: true, enumerable: false });
  if (typeof error.stack === 'string') error.stack = error.stack.replace(before, message);
  return error;
}
