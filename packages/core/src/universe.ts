import type { DateString } from './calendar.js';
import type { MarketData } from './data.js';
import { type Issue, ValidationError, show } from './errors.js';
import type { ParamSchema, ParamsInput, ParamsOf } from './params.js';
import { type InputSpec, type MetaBase, type PluginBase, checkFunction, checkInputs, checkPluginBase, resolvePluginParams } from './plugin.js';

/** Benchmark weights on one date. */
export interface BenchmarkWeights {
  /** One weight per asset of the data, summing to 1 over members; 0 for non-members. */
  readonly weights: Float64Array;
  /** The publication date the weights come from (on or before the date asked for). */
  readonly asOf: DateString;
  /** True when `asOf` is earlier than the date asked for: the weights were carried forward. */
  readonly carried: boolean;
  /** True when the weights are a proxy (e.g. free-float market cap), not published index weights. */
  readonly approximate: boolean;
}

/** Whether each asset can be bought and sold on one date. 1 = yes, 0 = no. */
export interface Tradability {
  readonly canBuy: Uint8Array;
  readonly canSell: Uint8Array;
}

/**
 * A universe resolved against a dataset. `t` is an index into that dataset's calendar; every
 * answer is as of that date, using nothing later.
 */
export interface UniverseInstance {
  readonly id: string;
  /** 1 for each asset in the universe on date `t`, 0 otherwise. */
  members(t: number): Uint8Array;
  /** Benchmark weights as of `t`, for universes that are benchmarks; `undefined` otherwise. */
  weights?(t: number): BenchmarkWeights | undefined;
  /** What can be traded on `t` (suspension, price limits), when the universe knows. */
  tradability?(t: number): Tradability;
}

/** What {@link UniverseDefinition.resolve} receives. */
export interface UniverseContext<P> {
  readonly params: P;
  readonly data: MarketData;
}

/** What a universe declares about itself. */
export interface UniverseMeta<S extends ParamSchema> extends MetaBase<S> {
  /** Fields the universe reads (membership, weights, listing dates…). */
  readonly inputs: readonly InputSpec[];
  /** True when the universe provides benchmark weights. */
  readonly benchmark?: boolean;
}

export interface UniverseDefinition<S extends ParamSchema> {
  readonly id: string;
  readonly apiVersion: PluginBase<'universe'>['apiVersion'];
  readonly meta: UniverseMeta<S>;
  resolve(this: void, ctx: UniverseContext<ParamsOf<S>>): UniverseInstance;
}

/** A universe plugin: plain typed data made by {@link defineUniverse}. */
export interface UniversePlugin<S extends ParamSchema = ParamSchema> extends UniverseDefinition<S>, PluginBase<'universe'> {
  readonly kind: 'universe';
  with(params?: ParamsInput<S>): UniverseSpec<S>;
}

export interface UniverseSpec<S extends ParamSchema = ParamSchema> {
  readonly plugin: UniversePlugin<S>;
  readonly params: ParamsOf<S>;
}

export function checkUniverse(value: unknown): Issue[] {
  const issues = checkPluginBase(value, 'universe');
  if (issues.some((i) => i.path === '' || i.path === 'meta')) return issues;
  const plugin = value as Record<string, unknown> & { meta: Record<string, unknown> };
  issues.push(...checkInputs(plugin.meta.inputs));
  if (plugin.meta.benchmark !== undefined && typeof plugin.meta.benchmark !== 'boolean') {
    issues.push({ path: 'meta.benchmark', message: `expected a boolean, got ${show(plugin.meta.benchmark)}` });
  }
  issues.push(...checkFunction(plugin.resolve, 'resolve'));
  return issues;
}

/** Define a universe plugin; a malformed definition throws `FK_INVALID_PLUGIN`. */
export function defineUniverse<const S extends ParamSchema>(definition: UniverseDefinition<S>): UniversePlugin<S> {
  const plugin: UniversePlugin<S> = {
    kind: 'universe',
    id: definition.id,
    apiVersion: definition.apiVersion,
    meta: definition.meta,
    resolve: definition.resolve,
    with(params) {
      return { plugin, params: resolvePluginParams(definition.meta, params, `universe \`${definition.id}\``) };
    },
  };
  const issues = checkUniverse(plugin);
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PLUGIN', `universe ${show(definition.id)} is malformed`, issues);
  return Object.freeze(plugin);
}
