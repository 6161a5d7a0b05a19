import { FactorkitError, type PluginKind } from '@factorkit/core';
import type { TrackingConfig, TrackingFrequency } from '@factorkit/evaluate';
import type { VariantTask } from '@factorkit/strategy';
import { createHash } from 'node:crypto';

/** A plugin a job needs, by id and the package and version it came from: a worker must have the same. */
export interface PluginRef {
  readonly kind: PluginKind;
  readonly id: string;
  /** The npm package it came from, `null` for a plugin registered in code. */
  readonly package: string | null;
  /** That package's version, `null` when unknown (then any version of the id is accepted). */
  readonly version: string | null;
}

/** What every series of one tracking run shares: plain data, the same for every job of the run. */
export interface RunSpec {
  readonly asOf: string;
  readonly start?: string;
  readonly frequency: TrackingFrequency;
  /** The tracking config as given (JSON). */
  readonly config?: TrackingConfig;
  readonly benchmark: PluginRef;
  /** Universe names resolved by a benchmark plugin of their own (`fund-holdings`). */
  readonly namedBenchmarks: Readonly<Record<string, PluginRef>>;
  readonly investable: PluginRef | null;
  readonly optimizer: PluginRef & { readonly params: Readonly<Record<string, unknown>> };
  readonly missingInputs: 'error' | 'skip';
  /** The caller's code version (part of the series key). */
  readonly codeVersion: string;
  /** The content fingerprint of the dataset (`datasetFingerprint`). */
  readonly data: string;
}

/** One job: a (universe, factor) series of a run. Data only — ids, parameters, versions, fingerprints — never code. */
export interface SeriesJobSpec {
  readonly format: typeof JOB_FORMAT;
  readonly version: typeof JOB_FORMAT_VERSION;
  readonly run: RunSpec;
  readonly universe: string;
  readonly factor: PluginRef & { readonly name: string; readonly params: unknown; readonly direction: 1 | -1 };
}

export const JOB_FORMAT = 'factorkit-queue-series';
export const JOB_FORMAT_VERSION = 1;

/**
 * `value` as JSON with object keys sorted at every level: equal data, equal text, whatever the
 * order its keys were set in.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` for what JSON cannot hold as it is (functions,
 *   typed arrays, non-finite numbers, `undefined` in arrays): a job carries plain data only.
 */
export function canonicalJson(value: unknown, path = 'job'): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new FactorkitError('FK_INVALID_ARGUMENT', `${path}: \`${value}\` cannot be sent in a job (plain JSON data only)`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`)).join(',')}]`;
  if (typeof value === 'object' && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v, `${path}.${k}`)}`).join(',')}}`;
  }
  throw new FactorkitError('FK_INVALID_ARGUMENT', `${path}: a ${typeof value === 'object' ? ((value).constructor?.name ?? 'object') : typeof value} cannot be sent in a job (plain JSON data only)`);
}

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The job id of a series: a hash of everything that decides its result — the run's settings,
 * the plugins with their versions, the dataset's fingerprint, the universe and the factor. The
 * same inputs give the same id on every machine, so a rerun finds the finished job.
 */
export function seriesJobId(spec: SeriesJobSpec): string {
  return `s-${digest(canonicalJson(spec))}`;
}

/** The id of a run's parent job: a hash of the run's shared settings and its dataset. */
export function runJobId(run: RunSpec, universes: readonly string[], factors: readonly unknown[]): string {
  return `r-${digest(canonicalJson({ format: JOB_FORMAT, version: JOB_FORMAT_VERSION, run, universes, factors }))}`;
}

export const VARIANT_JOB_FORMAT = 'factorkit-queue-variant';
export const VARIANT_JOB_FORMAT_VERSION = 1;

/**
 * One job: a variant of a sweep. Data only — the variant (its definition is plain JSON), every
 * plugin it uses with package and version, the dataset's fingerprint, the code version — never
 * code.
 */
export interface VariantJobSpec {
  readonly format: typeof VARIANT_JOB_FORMAT;
  readonly version: typeof VARIANT_JOB_FORMAT_VERSION;
  /** The sweep's name. */
  readonly sweep: string;
  /** The variant as `runVariant` of `@factorkit/strategy` takes it. */
  readonly task: VariantTask;
  /** Every plugin the variant's strategy uses (ordered by kind, then id): a worker must have the same. */
  readonly plugins: readonly PluginRef[];
  /** The content fingerprint of the dataset (`datasetFingerprint`). */
  readonly data: string;
  /** The caller's code version (part of the job's id: new code computes again). */
  readonly codeVersion: string;
}

/** The job id of a variant: a hash of everything that decides its result (the same on every machine). */
export function variantJobId(spec: VariantJobSpec): string {
  return `v-${digest(canonicalJson(spec))}`;
}

/** The id of a sweep's parent job: a hash of its variants' job ids (which hold the dataset's fingerprint) and the fingerprint. */
export function sweepJobId(sweep: string, variantIds: readonly string[], data: string): string {
  return `w-${digest(canonicalJson({ format: VARIANT_JOB_FORMAT, version: VARIANT_JOB_FORMAT_VERSION, sweep, variants: variantIds, data }))}`;
}
