import { FactorkitError, type FieldInfo, Panel, ValidationError, isFactorkitError } from '@factorkit/core';
import type { MessagePort } from 'node:worker_threads';
import type { ForwardReturnsByDate } from '../analytics/forward.js';
import type { MfeConstraintsConfig } from '../mfe/types.js';
import type { SeriesTask } from '../track/executor.js';
import type { ResolvedTrackingConfig, TrackingFrequency } from '../track/types.js';

/**
 * The messages between a tracking run's thread and its worker threads. Panels travel as
 * `Float64Array`s over `SharedArrayBuffer`s: every worker reads the same memory, nothing is
 * copied per worker or per series.
 */

/** A panel whose values live in a `SharedArrayBuffer`. */
export interface SharedPanel {
  readonly dates: number;
  readonly assets: number;
  readonly values: Float64Array;
}

export interface SharedCategorical {
  readonly dates: number;
  readonly assets: number;
  readonly codes: Int32Array;
  readonly levels: readonly string[];
}

/** How a worker makes its optimizer: the module exporting the optimizer plugin, its id and parameters. */
export interface WorkerOptimizerSpec {
  /** What `import()` takes in the worker: a package name resolvable from this package, or a `file:` URL. */
  readonly module: string;
  readonly id: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** Synchronous data requests of a worker, answered by the run's thread. */
export type DataRequest =
  | { readonly op: 'field'; readonly name: string }
  | { readonly op: 'categorical'; readonly name: string }
  /** `universe` −1 is the investable universe. Rows `from … to − 1`, one byte per asset each. */
  | { readonly op: 'members'; readonly universe: number; readonly from: number; readonly to: number }
  | { readonly op: 'tradability'; readonly universe: number; readonly from: number; readonly to: number }
  | { readonly op: 'weights'; readonly universe: number; readonly t: number };

export type DataReply = { readonly ok: unknown } | { readonly error: SerializedError };

/** What a worker is started with. */
export interface WorkerSetup {
  readonly calendar: readonly string[];
  readonly assets: readonly string[];
  readonly fields: readonly FieldInfo[];
  readonly universes: readonly {
    readonly name: string;
    readonly id: string;
    readonly weights: boolean;
    readonly tradability: boolean;
    readonly benchmarkReturns?: Float64Array;
  }[];
  readonly investable?: { readonly id: string };
  readonly asOf: string;
  readonly frequency: TrackingFrequency;
  readonly config: ResolvedTrackingConfig;
  /** The run's forward returns, their arrays shared. */
  readonly forward?: ForwardReturnsByDate;
  readonly optimizer: WorkerOptimizerSpec;
  /** Whether the run's thread wants every problem (`onProblem`). */
  readonly problems: boolean;
  /** `Int32Array` over it: 0 while a data request waits, 1 when its reply has been posted. */
  readonly signal: SharedArrayBuffer;
  /** The port of the synchronous data requests (the worker reads replies with `receiveMessageOnPort`). */
  readonly port: MessagePort;
}

/** A series task as posted: the factor panels shared. */
export interface WorkerTask {
  readonly type: 'task';
  readonly id: number;
  readonly universe: number;
  readonly factor: {
    readonly name: string;
    readonly direction: 1 | -1;
    readonly raw: SharedPanel;
    readonly processed?: SharedPanel;
    readonly dates: readonly string[];
  };
  readonly resume?: SeriesTask['resume'];
  readonly resumeRefused?: SeriesTask['resumeRefused'];
  readonly continued?: SeriesTask['continued'];
}

/** Messages a worker posts to the run's thread. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly error: SerializedError }
  | { readonly type: 'result'; readonly id: number; readonly series: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError }
  | { readonly type: 'problem'; readonly id: number; readonly ack: number; readonly entry: unknown };

/** Messages the run's thread posts to a worker. */
export type MainMessage = WorkerTask | { readonly type: 'ack'; readonly ack: number; readonly error?: SerializedError };

/** An error as it crosses threads: code, message, details and issues survive. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly details?: unknown;
  readonly issues?: readonly { readonly path: string; readonly message: string }[];
  readonly stack?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (isFactorkitError(error)) {
    const issues = 'issues' in error ? (error as ValidationError).issues : undefined;
    return { name: error.name, message: error.message, code: error.code, details: plain(error.details), ...(issues ? { issues } : {}), ...(error.stack ? { stack: error.stack } : {}) };
  }
  if (error instanceof Error) return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}) };
  return { name: 'Error', message: String(error) };
}

/** The error again on this side: a `FactorkitError` (or `ValidationError`) with its code when it was one. */
export function reviveError(error: SerializedError, context?: string): Error {
  const message = context ? `${context}: ${error.message}` : error.message;
  let revived: Error;
  if (error.code && error.issues) revived = new ValidationError(error.code as never, message, error.issues);
  else if (error.code) revived = new FactorkitError(error.code as never, message, { details: (error.details ?? {}) as Record<string, unknown> });
  else {
    revived = new Error(message);
    revived.name = error.name;
  }
  if (error.stack) revived.stack = `${revived.name}: ${message}\n    (in a worker thread)\n${error.stack.split('\n').slice(1).join('\n')}`;
  return revived;
}

/** Details made structured-clone safe (functions and symbols dropped). */
function plain(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return JSON.parse(JSON.stringify(value ?? {})) as unknown;
  }
}

/** A copy of `values` in a `SharedArrayBuffer`. */
export function sharedFloat64(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(values.length * Float64Array.BYTES_PER_ELEMENT));
  out.set(values);
  return out;
}

export function sharePanel(panel: Panel): SharedPanel {
  const values = panel.values.buffer instanceof SharedArrayBuffer ? panel.values : sharedFloat64(panel.values);
  return { dates: panel.dates, assets: panel.assets, values };
}

export function panelOf(shared: SharedPanel): Panel {
  return new Panel(shared.dates, shared.assets, shared.values);
}

const PANEL_MARK = '__factorkitSharedPanel';

/**
 * The configuration made cloneable: style exposures given as panels (`MfeStyleSource`) travel
 * shared and come back as panels with {@link reviveConfig}; everything else is plain data.
 */
export function shareConfig(config: ResolvedTrackingConfig): ResolvedTrackingConfig {
  const styles = config.constraints.styles;
  if (!styles || !styles.exposures) return config;
  const exposures: Record<string, unknown> = {};
  for (const [name, source] of Object.entries(styles.exposures)) {
    if (source instanceof Panel) exposures[name] = { [PANEL_MARK]: sharePanel(source) };
    else if (typeof source === 'object' && source !== null && source.values instanceof Panel) exposures[name] = { [PANEL_MARK]: sharePanel(source.values), dates: source.dates };
    else exposures[name] = source;
  }
  return { ...config, constraints: { ...config.constraints, styles: { ...styles, exposures } as NonNullable<MfeConstraintsConfig['styles']> } };
}

export function reviveConfig(config: ResolvedTrackingConfig): ResolvedTrackingConfig {
  const styles = config.constraints.styles;
  if (!styles || !styles.exposures) return config;
  const exposures: Record<string, unknown> = {};
  for (const [name, source] of Object.entries(styles.exposures as Record<string, unknown>)) {
    const marked = typeof source === 'object' && source !== null && PANEL_MARK in source ? (source as Record<string, unknown>) : undefined;
    if (!marked) exposures[name] = source;
    else {
      const panel = panelOf(marked[PANEL_MARK] as SharedPanel);
      exposures[name] = marked.dates ? { values: panel, dates: marked.dates } : panel;
    }
  }
  return { ...config, constraints: { ...config.constraints, styles: { ...styles, exposures } as NonNullable<MfeConstraintsConfig['styles']> } };
}
