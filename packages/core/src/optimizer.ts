import { FactorkitError, type Issue, ValidationError, show } from './errors.js';
import type { ParamSchema, ParamsInput, ParamsOf } from './params.js';
import type { GroupResidual, Problem } from './problem.js';
import { type MetaBase, type PluginBase, checkFunction, checkPluginBase, resolvePluginParams } from './plugin.js';

/** How a solve ended. Only `optimal` carries usable weights. */
export type SolveStatus = 'optimal' | 'infeasible' | 'unbounded' | 'iteration_limit' | 'time_limit' | 'numerical_error' | 'error';

/** Per-group outcome: residual and, where the solver gives them, row duals. */
export interface GroupReport extends GroupResidual {
  /** Duals of the group's rows (sign convention: ∂objective/∂row bound), when available. */
  readonly duals?: Float64Array;
}

/** What a solver returns. It never substitutes other weights for a failed solve. */
export interface Solution {
  readonly status: SolveStatus;
  /** All variables; meaningful only when `status` is `optimal`. */
  readonly x: Float64Array;
  /** The first `numWeights` entries of `x`. */
  readonly weights: Float64Array;
  readonly objective: number;
  /** Largest violation of any row or bound at `x`. */
  readonly primalResidual: number;
  readonly dualResidual?: number;
  readonly groups: readonly GroupReport[];
  readonly rowDuals?: Float64Array;
  readonly diagnostics: SolveDiagnostics;
}

export interface SolveDiagnostics {
  readonly solver: string;
  readonly timeMs: number;
  readonly iterations?: number;
  /** Human-readable notes: the solver's status text, warnings, relaxations applied. */
  readonly messages: readonly string[];
  readonly [key: string]: unknown;
}

export interface SolveOptions {
  /** A starting point, e.g. the previous rebalance's solution. */
  readonly warmStart?: { readonly x: Float64Array; readonly y?: Float64Array };
  readonly timeLimitMs?: number;
}

/** A ready solver. Call `dispose` when done if it holds native or WebAssembly resources. */
export interface OptimizerInstance {
  readonly id: string;
  solve(problem: Problem, options?: SolveOptions): Promise<Solution>;
  dispose?(): void | Promise<void>;
}

export interface OptimizerMeta<S extends ParamSchema> extends MetaBase<S> {
  readonly capabilities: {
    readonly linear: boolean;
    readonly quadratic: boolean;
    readonly duals: boolean;
    readonly warmStart: boolean;
  };
}

export interface OptimizerDefinition<S extends ParamSchema> {
  readonly id: string;
  readonly apiVersion: PluginBase<'optimizer'>['apiVersion'];
  readonly meta: OptimizerMeta<S>;
  create(this: void, params: ParamsOf<S>): OptimizerInstance | Promise<OptimizerInstance>;
}

/** An optimizer plugin: plain typed data made by {@link defineOptimizer}. */
export interface OptimizerPlugin<S extends ParamSchema = ParamSchema> extends OptimizerDefinition<S>, PluginBase<'optimizer'> {
  readonly kind: 'optimizer';
  with(params?: ParamsInput<S>): OptimizerSpec<S>;
}

export interface OptimizerSpec<S extends ParamSchema = ParamSchema> {
  readonly plugin: OptimizerPlugin<S>;
  readonly params: ParamsOf<S>;
}

export function checkOptimizer(value: unknown): Issue[] {
  const issues = checkPluginBase(value, 'optimizer');
  if (issues.some((i) => i.path === '' || i.path === 'meta')) return issues;
  const plugin = value as Record<string, unknown> & { meta: Record<string, unknown> };
  const caps = plugin.meta.capabilities as Record<string, unknown> | undefined;
  if (typeof caps !== 'object' || caps === null) {
    issues.push({ path: 'meta.capabilities', message: `expected { linear, quadratic, duals, warmStart }, got ${show(caps)}` });
  } else {
    for (const key of ['linear', 'quadratic', 'duals', 'warmStart']) {
      if (typeof caps[key] !== 'boolean') issues.push({ path: `meta.capabilities.${key}`, message: `expected a boolean, got ${show(caps[key])}` });
    }
  }
  issues.push(...checkFunction(plugin.create, 'create'));
  return issues;
}

/** Define an optimizer plugin; a malformed definition throws `FK_INVALID_PLUGIN`. */
export function defineOptimizer<const S extends ParamSchema>(definition: OptimizerDefinition<S>): OptimizerPlugin<S> {
  const plugin: OptimizerPlugin<S> = {
    kind: 'optimizer',
    id: definition.id,
    apiVersion: definition.apiVersion,
    meta: definition.meta,
    create: definition.create,
    with(params) {
      return { plugin, params: resolvePluginParams(definition.meta, params, `optimizer \`${definition.id}\``) };
    },
  };
  const issues = checkOptimizer(plugin);
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PLUGIN', `optimizer ${show(definition.id)} is malformed`, issues);
  return Object.freeze(plugin);
}

/**
 * The solution of a failed solve: `x` and weights all `NaN`, objective and residuals `NaN`, no
 * duals — a status and the reasons, never other weights standing in for the missing ones.
 */
export function failedSolution(problem: Problem, status: Exclude<SolveStatus, 'optimal'>, diagnostics: SolveDiagnostics): Solution {
  const x = new Float64Array(problem.numVariables).fill(Number.NaN);
  return {
    status,
    x,
    weights: x.subarray(0, problem.numWeights),
    objective: Number.NaN,
    primalResidual: Number.NaN,
    groups: problem.groups.map((g) => ({ name: g.name, priority: g.priority, maxViolation: Number.NaN })),
    diagnostics,
  };
}

/**
 * Throw `FK_NOT_SOLVED` unless the solve was optimal. The error carries the status, the
 * solver's messages and the groups still violated, so a failed rebalance is never mistaken
 * for one that kept the old weights.
 */
export function assertSolved(solution: Solution): void {
  if (solution.status === 'optimal') return;
  const violated = solution.groups.filter((g) => g.maxViolation > 1e-7);
  const lines = [
    `optimizer \`${solution.diagnostics.solver}\` ended with status \`${solution.status}\``,
    ...solution.diagnostics.messages.map((m) => `  ${m}`),
    ...violated.map((g) => `  group \`${g.name}\` violated by ${g.maxViolation.toExponential(2)}${g.worst ? ` (at ${g.worst})` : ''}`),
  ];
  throw new FactorkitError('FK_NOT_SOLVED', lines.join('\n'), { details: { status: solution.status, diagnostics: solution.diagnostics, violated } });
}
