/**
 * `@factorkit/optimizer-highs`: factorkit's default optimizer, HiGHS compiled to WebAssembly
 * (npm `highs`). Solves the core {@link Problem} (LP, or convex QP when `P` is given) through
 * HiGHS's sparse-array model API and returns a full core {@link Solution}: weights, objective,
 * residuals per constraint group and row duals (∂objective/∂row bound).
 *
 * @packageDocumentation
 */
import { type OptimizerInstance, type OptimizerPlugin, type ParamsOf, defineOptimizer, param } from '@factorkit/core';
import { loadHighsRuntime } from './runtime.js';
import { HighsSession } from './session.js';
import { solveWithHighs } from './solve.js';

export { computeIis, type IisBound, type IisReport, type IisRow, type IisVariableBound } from './iis.js';
export { loadHighsRuntime } from './runtime.js';
export { HIGHS_MODEL_STATUS, highsStatusName, mapModelStatus } from './status.js';
export { lowerTriangleHessian } from './model.js';

const params = {
  timeLimitMs: param.number({
    default: 60_000,
    min: 0,
    description:
      'Wall-clock limit per solve in milliseconds (default 60 s, so a stalled QP ends with status `time_limit`); 0 = none. `SolveOptions.timeLimitMs` overrides it.',
  }),
  primalFeasibilityTolerance: param.number({
    default: 1e-7,
    min: 1e-10,
    max: 1e-3,
    description: 'HiGHS `primal_feasibility_tolerance`: largest row or bound violation accepted as feasible.',
  }),
  dualFeasibilityTolerance: param.number({
    default: 1e-7,
    min: 1e-10,
    max: 1e-3,
    description: 'HiGHS `dual_feasibility_tolerance`: largest reduced-cost sign error accepted as optimal.',
  }),
  presolve: param.boolean({ default: true, description: 'Run HiGHS presolve (`presolve: on/off`).' }),
  solver: param.enum(['choose', 'simplex', 'ipm'], {
    default: 'choose',
    description: 'HiGHS LP algorithm (`solver`); QPs always use the active-set QP solver. Use `choose` for QPs.',
  }),
  log: param.boolean({ default: false, description: 'Let HiGHS print its log to stdout (`output_flag`).' }),
};

/** The validated parameters of {@link highsOptimizer}. */
export type HighsParams = ParamsOf<typeof params>;

/**
 * The HiGHS optimizer plugin. `create` loads the WebAssembly runtime once per process (shared,
 * lazily); an instance keeps one HiGHS model for all its solves, passes each problem's CSR
 * arrays into it, sets only the options that changed, and releases it on `dispose` (or after a
 * HiGHS failure, so that the next solve starts clean). `SolveOptions.warmStart` set to the
 * instance's last LP solution (the previous rebalance) starts an LP of the same shape from that
 * solve's simplex basis. The
 * WebAssembly build is single-threaded: there is no thread parameter.
 *
 * @example
 * import { highsOptimizer } from '@factorkit/optimizer-highs';
 * const solver = await highsOptimizer.create(highsOptimizer.with({ timeLimitMs: 5_000 }).params);
 * const solution = await solver.solve(problem);
 */
export const highsOptimizer = defineOptimizer({
  id: 'highs',
  apiVersion: '1.0',
  meta: {
    title: 'HiGHS (WebAssembly)',
    description:
      'HiGHS LP / convex QP solver compiled to WebAssembly (npm `highs`): dual simplex, interior point, active-set QP; ' +
      'row duals as ∂objective/∂row bound. Quadratic constraints are not supported (see @factorkit/portfolio).',
    params,
    capabilities: { linear: true, quadratic: true, duals: true, warmStart: true },
  },
  async create(settings): Promise<OptimizerInstance> {
    const session = new HighsSession(await loadHighsRuntime());
    return {
      id: 'highs',
      // HiGHS runs synchronously, one solve after the other; the promise keeps the contract uniform across optimizers.
      solve: (problem, options) => Promise.resolve().then(() => solveWithHighs(session, problem, settings, options)),
      // Releases the instance's HiGHS model; a later solve creates a new one. The runtime is shared and stays.
      dispose: () => session.discard(),
    };
  },
}) satisfies OptimizerPlugin<typeof params>;

export default highsOptimizer;
