import type { TrackingSeries } from '@factorkit/evaluate';
import type { VariantResult } from '@factorkit/strategy';
import { deserialize, serialize } from 'node:v8';

/**
 * What a series job returns (stored in Redis as the job's return value). The series travels as
 * V8's structured-clone serialisation (base64): typed arrays, `NaN`, `-0` and `undefined` come
 * back exactly as a worker thread's `postMessage` would deliver them, so the run assembles the
 * same result as a local one.
 */
export type SeriesJobResult =
  | { readonly kind: 'series'; readonly series: string }
  /** The factor was left out on the worker (`missingInputs: 'skip'`) or had no values: the run says so itself. */
  | { readonly kind: 'none'; readonly message: string };

/** A series as a job's return value. */
export function encodeSeries(series: Omit<TrackingSeries, 'state'>): SeriesJobResult {
  return { kind: 'series', series: serialize(series).toString('base64') };
}

/** The series of a job's return value. */
export function decodeSeries(text: string): Omit<TrackingSeries, 'state'> {
  return deserialize(Buffer.from(text, 'base64')) as Omit<TrackingSeries, 'state'>;
}

/** What a variant job returns: the `VariantResult`, V8-serialised (its `Float64Array`s and `NaN`s intact), base64. */
export interface VariantJobResult {
  readonly kind: 'variant';
  readonly result: string;
}

/** A variant's result as a job's return value. */
export function encodeVariant(result: VariantResult): VariantJobResult {
  return { kind: 'variant', result: serialize(result).toString('base64') };
}

/** The variant's result of a job's return value. */
export function decodeVariant(text: string): VariantResult {
  return deserialize(Buffer.from(text, 'base64')) as VariantResult;
}
