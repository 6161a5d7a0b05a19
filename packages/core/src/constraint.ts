import type { DateString } from './calendar.js';
import type { AssetId } from './data.js';
import { FactorkitError, type Issue, ValidationError, show } from './errors.js';
import type { ParamSchema, ParamsInput, ParamsOf } from './params.js';
import type { GroupBuilder, ProblemBuilder } from './problem.js';
import { type MetaBase, type PluginBase, checkFunction, checkPluginBase, resolvePluginParams } from './plugin.js';
import type { Tradability } from './universe.js';

/**
 * A factor risk model seen by constraints and objectives: Σ = X F Xᵀ + diag(specific), never
 * formed as a dense n × n matrix.
 */
export interface RiskModelView {
  readonly factors: readonly string[];
  /** n × k exposures, row-major: `exposures[i * k + f]`. */
  readonly exposures: Float64Array;
  /** k × k factor covariance, row-major. */
  readonly covariance: Float64Array;
  /** n specific variances. */
  readonly specificVariance: Float64Array;
}

/** Everything a constraint may look at on one rebalance date. Vectors have one entry per asset. */
export interface ConstraintContext {
  readonly date: DateString;
  readonly assets: readonly AssetId[];
  /** Benchmark weights, summing to 1; 0 for non-members. */
  readonly benchmark: Float64Array;
  /** 1 for assets in the investable universe. */
  readonly members?: Uint8Array;
  /** Weights held going into this rebalance (after drift), summing to ≤ 1. */
  readonly previous?: Float64Array;
  /** Exposures by name (factors, styles); `NaN` = missing. */
  readonly exposures: Readonly<Record<string, Float64Array>>;
  /** Classifications by name (industry…): codes index `levels`, −1 = missing. */
  readonly categories: Readonly<Record<string, { readonly codes: Int32Array; readonly levels: readonly string[] }>>;
  readonly tradability?: Tradability;
  readonly risk?: RiskModelView;
}

/** What {@link ConstraintDefinition.build} receives. */
export interface ConstraintBuildContext<P> extends ConstraintContext {
  readonly params: P;
  /** Rows and bounds added here belong to this constraint's group. */
  readonly rows: GroupBuilder;
  /** The whole problem, for constraints that need auxiliary variables. */
  readonly problem: ProblemBuilder;
}

export interface ConstraintMeta<S extends ParamSchema> extends MetaBase<S> {
  /** Default priority (higher = more important, relaxed last). */
  readonly priority?: number;
}

export interface ConstraintDefinition<S extends ParamSchema> {
  readonly id: string;
  readonly apiVersion: PluginBase<'constraint'>['apiVersion'];
  readonly meta: ConstraintMeta<S>;
  /** Add this constraint's rows, bounds and auxiliary variables. */
  build(this: void, ctx: ConstraintBuildContext<ParamsOf<S>>): void;
}

/** A constraint plugin: plain typed data made by {@link defineConstraint}. */
export interface ConstraintPlugin<S extends ParamSchema = ParamSchema> extends ConstraintDefinition<S>, PluginBase<'constraint'> {
  readonly kind: 'constraint';
  /** This constraint with parameters; `group` names its rows (default: the id). */
  with(params?: ParamsInput<S>, options?: { group?: string; priority?: number }): ConstraintSpec<S>;
}

export interface ConstraintSpec<S extends ParamSchema = ParamSchema> {
  readonly plugin: ConstraintPlugin<S>;
  readonly params: ParamsOf<S>;
  readonly group: string;
  readonly priority: number;
}

export function checkConstraint(value: unknown): Issue[] {
  const issues = checkPluginBase(value, 'constraint');
  if (issues.some((i) => i.path === '' || i.path === 'meta')) return issues;
  const plugin = value as Record<string, unknown> & { meta: Record<string, unknown> };
  if (plugin.meta.priority !== undefined && !Number.isFinite(plugin.meta.priority)) {
    issues.push({ path: 'meta.priority', message: `expected a number, got ${show(plugin.meta.priority)}` });
  }
  issues.push(...checkFunction(plugin.build, 'build'));
  return issues;
}

/** Define a constraint plugin; a malformed definition throws `FK_INVALID_PLUGIN`. */
export function defineConstraint<const S extends ParamSchema>(definition: ConstraintDefinition<S>): ConstraintPlugin<S> {
  const plugin: ConstraintPlugin<S> = {
    kind: 'constraint',
    id: definition.id,
    apiVersion: definition.apiVersion,
    meta: definition.meta,
    build: definition.build,
    with(params, options = {}) {
      return {
        plugin,
        params: resolvePluginParams(definition.meta, params, `constraint \`${definition.id}\``),
        group: options.group ?? definition.id,
        priority: options.priority ?? definition.meta.priority ?? 0,
      };
    },
  };
  const issues = checkConstraint(plugin);
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PLUGIN', `constraint ${show(definition.id)} is malformed`, issues);
  return Object.freeze(plugin);
}

/** Add every constraint's rows to `problem`, each in its own named group. */
export function applyConstraints(problem: ProblemBuilder, context: ConstraintContext, constraints: readonly ConstraintSpec<any>[]): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const spec of constraints) {
    if (context.assets.length !== problem.numWeights) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `constraints: context has ${context.assets.length} assets, the problem ${problem.numWeights} weights`);
    }
    spec.plugin.build({ ...context, params: spec.params, rows: problem.group(spec.group, spec.priority), problem });
  }
}

/** The exposure `name` from a constraint context, or a clear `FK_MISSING_INPUT` error. */
export function requireExposure(context: ConstraintContext, name: string, owner: string): Float64Array {
  const values = context.exposures[name];
  if (!values) {
    const known = Object.keys(context.exposures);
    throw new FactorkitError('FK_MISSING_INPUT', `${owner} needs exposure \`${name}\`; the context has ${known.length ? known.map((k) => `\`${k}\``).join(', ') : 'none'}`, {
      details: { owner, missing: [name], available: known },
    });
  }
  return values;
}
