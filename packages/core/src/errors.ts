/**
 * Stable error codes. Code that handles factorkit errors switches on `error.code`, never on
 * the message text, which may be reworded.
 */
export type ErrorCode =
  /** A parameter or configuration value failed validation; see `issues`. */
  | 'FK_INVALID_PARAMS'
  /** A plugin object does not have the shape its kind requires. */
  | 'FK_INVALID_PLUGIN'
  /** Two plugins of one kind share an id (and `override` was not set). */
  | 'FK_DUPLICATE_ID'
  /** A plugin targets a core API version this core cannot run. */
  | 'FK_API_VERSION'
  /** A plugin needs data fields the dataset does not have. */
  | 'FK_MISSING_INPUT'
  /** A strategy file or definition failed validation; see `issues` (each with its dot-path under `strategy`, and its file, line and column when read from a file). */
  | 'FK_INVALID_STRATEGY'
  /** A plugin package could not be found from the given directory. */
  | 'FK_PLUGIN_NOT_FOUND'
  /** A plugin package was found but importing it failed or it exported no plugin. */
  | 'FK_PLUGIN_LOAD'
  /** No plugin of that kind and id is registered. */
  | 'FK_UNKNOWN_PLUGIN'
  /** Data handed to a function is malformed (shape, order, values). */
  | 'FK_INVALID_DATA'
  /** A composite benchmark text (`95% 000852.SH + 5% deposit`, or a published one) cannot be read; `details: { text, position }`. */
  | 'FK_INVALID_BENCHMARK'
  /** A plugin returned something that breaks its contract (e.g. an output of the wrong shape). */
  | 'FK_INVALID_OUTPUT'
  /** An optimisation problem is malformed. */
  | 'FK_INVALID_PROBLEM'
  /** A solver did not reach an optimal solution and the caller required one. */
  | 'FK_NOT_SOLVED'
  /** An optimisation problem has no feasible point; `details.report` says which constraint groups conflict. */
  | 'FK_INFEASIBLE'
  /** A function was called with an argument outside its domain. */
  | 'FK_INVALID_ARGUMENT'
  /** A plugin failed a conformance check of a test kit (`@factorkit/factor-testkit`). */
  | 'FK_CHECK_FAILED'
  /** A plugin's own code threw while running (its `compute`, `resolve`…); the message names the plugin and its package, `cause` holds what it threw. */
  | 'FK_PLUGIN_FAILED'
  /** Data problems above the accepted threshold: rows rejected beyond `maxRejected`, a required table emptied, rows naming unknown assets. */
  | 'FK_DATA_REJECTED'
  /** A computation that must yield values yielded none; the message names the stage that removed them. */
  | 'FK_NO_VALUES'
  /** A worker thread (or its link to the run) failed outside the task's own code: it could not start, crashed, or stopped answering. */
  | 'FK_WORKER_FAILED';

/** One problem found by a validation, located by a dot-path such as `params.window`. */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

/** Options accepted by every factorkit error. */
export interface FactorkitErrorOptions {
  readonly cause?: unknown;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * The base class of every error factorkit throws on purpose. `code` is stable; `details`
 * carries machine-readable context (the plugin id, the missing fields, …).
 */
export class FactorkitError extends Error {
  override readonly name: string = 'FactorkitError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: FactorkitErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** A validation that found one or more problems; the message lists all of them. */
export class ValidationError extends FactorkitError {
  override readonly name: string = 'ValidationError';
  readonly issues: readonly Issue[];

  constructor(code: ErrorCode, summary: string, issues: readonly Issue[], options: FactorkitErrorOptions = {}) {
    super(code, formatIssues(summary, issues), { ...options, details: { ...options.details, issues } });
    this.issues = issues;
  }
}

/** `summary:` followed by one `- path: message` line per issue. */
export function formatIssues(summary: string, issues: readonly Issue[]): string {
  if (issues.length === 0) return summary;
  return `${summary}:\n${issues.map((issue) => `  - ${issue.path ? `${issue.path}: ` : ''}${issue.message}`).join('\n')}`;
}

/**
 * Whether `value` is a factorkit error. Works across copies of this package (no `instanceof`),
 * which matters when a plugin and the host each resolve their own `@factorkit/core`.
 */
export function isFactorkitError(value: unknown): value is FactorkitError {
  return (
    value instanceof Error &&
    typeof (value as unknown as { code?: unknown }).code === 'string' &&
    (value as unknown as { code: string }).code.startsWith('FK_')
  );
}

/** Render a value for an error message: short, in backticks. */
export function show(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) text = String(value);
  else if (typeof value === 'function') text = 'function';
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (typeof value === 'symbol') text = value.toString();
  else if (ArrayBuffer.isView(value)) text = `${value.constructor.name}(${(value as unknown as { length: number }).length})`;
  else {
    try {
      // Objects only here; JSON.stringify throws on cycles and BigInt members.
      text = JSON.stringify(value) ?? Object.prototype.toString.call(value);
    } catch {
      text = Object.prototype.toString.call(value);
    }
  }
  if (text.length > 80) text = `${text.slice(0, 77)}...`;
  return `\`${text}\``;
}
