import {
  type GroupReport,
  type Problem,
  type SolveOptions,
  type SolveStatus,
  type Solution,
  objectiveValue,
  problemResiduals,
} from '@factorkit/core';
import type { Highs, Model, OptionValue } from 'highs';
import { hasQuadratic, toModelData, validateProblem } from './model.js';
import { describeThrown } from './runtime.js';
import { HIGHS_MODEL_STATUS, highsStatusName, mapModelStatus } from './status.js';

/** Solver settings, as validated by the plugin's parameter schema. */
export interface HighsSettings {
  readonly timeLimitMs: number;
  readonly primalFeasibilityTolerance: number;
  readonly dualFeasibilityTolerance: number;
  readonly presolve: boolean;
  readonly solver: 'choose' | 'simplex' | 'ipm';
  readonly log: boolean;
}

const SOLVER = 'highs';
/** Relative gap above which HiGHS's own objective and the recomputed one are reported. */
const OBJECTIVE_CHECK = 1e-6;

function highsOptions(settings: HighsSettings, options: SolveOptions): Record<string, OptionValue> {
  const timeLimitMs = options.timeLimitMs ?? settings.timeLimitMs;
  return {
    output_flag: settings.log,
    presolve: settings.presolve ? 'on' : 'off',
    solver: settings.solver,
    primal_feasibility_tolerance: settings.primalFeasibilityTolerance,
    dual_feasibility_tolerance: settings.dualFeasibilityTolerance,
    // 0 (or any non-positive value) means no limit, the HiGHS default.
    ...(timeLimitMs > 0 ? { time_limit: timeLimitMs / 1000 } : {}),
  };
}

function iterations(model: Model): number {
  let total = 0;
  for (const name of ['simplex_iteration_count', 'ipm_iteration_count', 'qp_iteration_count', 'pdlp_iteration_count', 'crossover_iteration_count']) {
    try {
      const value = Number(model.info.get(name));
      if (value > 0) total += value;
    } catch {
      // An info item unavailable for this model or algorithm counts as zero.
    }
  }
  return total;
}

function infoNumber(model: Model, name: string): number | undefined {
  try {
    const value = Number(model.info.get(name));
    return Number.isFinite(value) && value >= 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A solution with no usable point: `x` all `NaN`, residuals `NaN`, no duals. */
export function failedSolution(problem: Problem, status: SolveStatus, started: number, messages: string[], extra: Record<string, unknown> = {}): Solution {
  const x = new Float64Array(problem.numVariables).fill(Number.NaN);
  return {
    status,
    x,
    weights: x.subarray(0, problem.numWeights),
    objective: Number.NaN,
    primalResidual: Number.NaN,
    groups: problem.groups.map((g) => ({ name: g.name, priority: g.priority, maxViolation: Number.NaN })),
    diagnostics: { solver: SOLVER, timeMs: performance.now() - started, messages, ...extra },
  };
}

/**
 * Solve `problem` with a fresh HiGHS model, disposed before returning. Misuse (a malformed
 * problem) throws `FK_INVALID_PROBLEM`; everything the solver or its wrapper throws becomes a
 * solution with status `error` and a short message.
 */
export function solveWithHighs(highs: Highs, problem: Problem, settings: HighsSettings, options: SolveOptions = {}): Solution {
  const started = performance.now();
  // Another package owns quadratic constraints; the field may not exist on this core yet.
  const quadraticConstraints = (problem as { quadraticConstraints?: readonly { label?: unknown }[] }).quadraticConstraints;
  if (quadraticConstraints?.length) {
    const labels = quadraticConstraints
      .slice(0, 3)
      .map((q) => (typeof q?.label === 'string' && q.label ? `\`${q.label}\`` : '(unlabelled)'))
      .join(', ');
    const more = quadraticConstraints.length > 3 ? ` and ${quadraticConstraints.length - 3} more` : '';
    return failedSolution(problem, 'error', started, [
      `HiGHS cannot solve quadratic constraints directly (${labels}${more}); ` +
        'problems with quadratic constraints (risk limits, tracking error) must be handled by @factorkit/portfolio',
    ]);
  }
  validateProblem(problem);

  const messages: string[] = [];
  if (options.warmStart) messages.push('warm start ignored: this optimizer does not support warm starts');
  const quadratic = hasQuadratic(problem);
  let model: Model | undefined;
  let modelStatus: number = HIGHS_MODEL_STATUS.notSet;
  try {
    model = highs.createModel(toModelData(highs, problem));
    model.options.set(highsOptions(settings, options));
    model.run();
    modelStatus = model.getModelStatus();
    if (modelStatus === HIGHS_MODEL_STATUS.unboundedOrInfeasible && settings.presolve) {
      // Presolve proved "infeasible or unbounded" without saying which; the full solver can.
      messages.push('presolve found the problem infeasible or unbounded; solved again without presolve to tell which');
      model.options.set('presolve', 'off');
      model.run();
      modelStatus = model.getModelStatus();
    }
    const status = mapModelStatus(modelStatus);
    const statusName = highsStatusName(modelStatus);
    messages.push(`HiGHS model status: ${statusName}`);
    if (modelStatus === HIGHS_MODEL_STATUS.unboundedOrInfeasible) messages.push('HiGHS could not tell infeasible from unbounded; reported as infeasible');
    const extra = { modelStatus: statusName, iterations: iterations(model) };
    if (status !== 'optimal') return failedSolution(problem, status, started, messages, extra);

    const solution = model.getSolution();
    const x = solution.colValue;
    const objective = objectiveValue(problem, x);
    const highsObjective = model.getObjectiveValue();
    if (Math.abs(objective - highsObjective) > OBJECTIVE_CHECK * Math.max(1, Math.abs(objective))) {
      messages.push(`objective recomputed at x (${objective}) differs from HiGHS's (${highsObjective})`);
    }
    const residuals = problemResiduals(problem, x);
    const rowDuals = solution.rowDual;
    const groups: GroupReport[] = residuals.groups.map((g, gi) => {
      const group = problem.groups[gi]!;
      return { ...g, duals: rowDuals.slice(group.rowStart, group.rowStart + group.rowCount) };
    });
    const dualResidual = infoNumber(model, 'max_dual_infeasibility');
    return {
      status,
      x,
      weights: x.subarray(0, problem.numWeights),
      objective,
      primalResidual: residuals.maxViolation,
      ...(dualResidual === undefined ? {} : { dualResidual }),
      groups,
      rowDuals,
      diagnostics: {
        solver: SOLVER,
        timeMs: performance.now() - started,
        iterations: extra.iterations,
        messages,
        modelStatus: statusName,
        highsObjective,
        highsRunMs: model.getRunTime() * 1000,
        ...(quadratic ? { quadratic: true } : {}),
      },
    };
  } catch (error) {
    messages.push(`HiGHS failed: ${describeThrown(error)}`);
    if (quadratic && problem.sense === 'maximize') {
      messages.push('a maximised quadratic objective needs P negative semidefinite (concave); HiGHS rejects anything else');
    } else if (quadratic) {
      messages.push('a minimised quadratic objective needs P positive semidefinite (convex)');
    }
    return failedSolution(problem, 'error', started, messages, { modelStatus: highsStatusName(modelStatus) });
  } finally {
    model?.dispose();
  }
}
