import type { SolveStatus } from '@factorkit/core';

/** HiGHS model-status codes (`highs.constants.modelStatus`), by name. */
export const HIGHS_MODEL_STATUS = {
  notSet: 0,
  loadError: 1,
  modelError: 2,
  presolveError: 3,
  solveError: 4,
  postsolveError: 5,
  empty: 6,
  optimal: 7,
  infeasible: 8,
  unboundedOrInfeasible: 9,
  unbounded: 10,
  objectiveBound: 11,
  objectiveTarget: 12,
  timeLimit: 13,
  iterationLimit: 14,
  unknown: 15,
  solutionLimit: 16,
  interrupted: 17,
} as const;

const NAMES: readonly string[] = Object.entries(HIGHS_MODEL_STATUS)
  .sort((a, b) => a[1] - b[1])
  .map(([name]) => name);

/** The HiGHS name of a model-status code (`optimal`, `solveError`…), or `status N`. */
export function highsStatusName(code: number): string {
  return NAMES[code] ?? `status ${code}`;
}

/**
 * The core {@link SolveStatus} for a HiGHS model status.
 *
 * | HiGHS | core |
 * | --- | --- |
 * | optimal, empty | `optimal` |
 * | infeasible, unboundedOrInfeasible | `infeasible` |
 * | unbounded | `unbounded` |
 * | timeLimit, interrupted | `time_limit` |
 * | iterationLimit | `iteration_limit` |
 * | solveError, presolveError, postsolveError, unknown | `numerical_error` |
 * | notSet, loadError, modelError, objectiveBound/Target, solutionLimit | `error` |
 *
 * `unboundedOrInfeasible` is only mapped after a re-solve without presolve failed to tell the
 * two apart (see the solver), and is reported as infeasible with a message saying so.
 */
export function mapModelStatus(code: number): SolveStatus {
  switch (code) {
    case HIGHS_MODEL_STATUS.optimal:
    case HIGHS_MODEL_STATUS.empty:
      return 'optimal';
    case HIGHS_MODEL_STATUS.infeasible:
    case HIGHS_MODEL_STATUS.unboundedOrInfeasible:
      return 'infeasible';
    case HIGHS_MODEL_STATUS.unbounded:
      return 'unbounded';
    case HIGHS_MODEL_STATUS.timeLimit:
    case HIGHS_MODEL_STATUS.interrupted:
      return 'time_limit';
    case HIGHS_MODEL_STATUS.iterationLimit:
      return 'iteration_limit';
    case HIGHS_MODEL_STATUS.presolveError:
    case HIGHS_MODEL_STATUS.solveError:
    case HIGHS_MODEL_STATUS.postsolveError:
    case HIGHS_MODEL_STATUS.unknown:
      return 'numerical_error';
    default:
      return 'error';
  }
}
