import {
  type GroupReport,
  type Problem,
  type SolveOptions,
  type SolveStatus,
  type Solution,
  failedSolution as coreFailedSolution,
  objectiveValue,
  problemResiduals,
} from '@factorkit/core';
import type { BasisInput, Model, OptionValue } from 'highs';
import { hasQuadratic, toModelData, validateProblem } from './model.js';
import { describeThrown } from './runtime.js';
import type { HighsSession } from './session.js';
import { HIGHS_MODEL_STATUS, highsStatusName, mapModelStatus } from './status.js';
import { checkWarmStart } from './warm.js';

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

function timeLimitOf(settings: HighsSettings, options: SolveOptions): number {
  return options.timeLimitMs ?? settings.timeLimitMs;
}

/** HiGHS refuses an infinite option value; this is as good as none. */
const NO_TIME_LIMIT = Number.MAX_VALUE;

/** Every option a solve depends on, so that a reused model never keeps another solve's value. */
function highsOptions(settings: HighsSettings, options: SolveOptions): Record<string, OptionValue> {
  const timeLimitMs = timeLimitOf(settings, options);
  return {
    // Output stays on so that the log callback sees HiGHS's errors; the console only gets it when asked.
    output_flag: true,
    log_to_console: settings.log,
    presolve: settings.presolve ? 'on' : 'off',
    solver: settings.solver,
    primal_feasibility_tolerance: settings.primalFeasibilityTolerance,
    dual_feasibility_tolerance: settings.dualFeasibilityTolerance,
    // 0 (or any non-positive value) means no limit.
    time_limit: timeLimitMs > 0 ? timeLimitMs / 1000 : NO_TIME_LIMIT,
  };
}

/**
 * The basis to start from, or (with a message) why a warm start is not used. HiGHS's simplex
 * starts from a basis, not a point: the one it can use is the basis of the instance's own last
 * LP when the point is that LP's solution and the problem has its shape (the next rebalance).
 */
function warmBasis(session: HighsSession, problem: Problem, settings: HighsSettings, options: SolveOptions, quadratic: boolean, messages: string[]): BasisInput | undefined {
  const warm = options.warmStart;
  if (!warm) return undefined;
  checkWarmStart(problem, warm);
  if (quadratic) {
    messages.push('warm start ignored: HiGHS starts a quadratic objective from scratch');
    return undefined;
  }
  if (settings.solver === 'ipm') {
    messages.push('warm start ignored: a starting basis only helps the simplex solver, not `solver: ipm`');
    return undefined;
  }
  const basis = session.basisFor(problem, warm.x);
  if (!basis) {
    messages.push(
      "warm start ignored: HiGHS starts from a basis, and the point is not the solution of this instance's last LP " +
        'with as many variables and rows',
    );
  }
  return basis;
}

/** At most this many HiGHS log lines (errors first) are copied into a solution's messages. */
const MAX_LOG_LINES = 4;
const MAX_LINE = 200;

/** The HiGHS log lines worth showing a user: errors, then warnings, cut short. */
function logProblems(log: readonly string[]): string[] {
  const lines = log.join('').split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
  const errors = lines.filter((l) => l.startsWith('ERROR'));
  const warnings = lines.filter((l) => l.startsWith('WARNING'));
  return [...errors, ...warnings].slice(0, MAX_LOG_LINES).map((l) => `HiGHS log: ${l.length > MAX_LINE ? `${l.slice(0, MAX_LINE - 3)}...` : l}`);
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

/** A solution with no usable point (core's `failedSolution`) with this solver's diagnostics. */
export function failedSolution(problem: Problem, status: Exclude<SolveStatus, 'optimal'>, started: number, messages: string[], extra: Record<string, unknown> = {}): Solution {
  return coreFailedSolution(problem, status, { solver: SOLVER, timeMs: performance.now() - started, messages, ...extra });
}

/**
 * Solve `problem` on the session's HiGHS model (the whole model is replaced; options that
 * changed are set). With `options.warmStart` set to the solution of the session's last LP, an
 * LP of the same shape starts from that LP's basis. Misuse (a malformed problem or warm start)
 * throws `FK_INVALID_PROBLEM` / `FK_INVALID_ARGUMENT`; everything the solver or its wrapper
 * throws becomes a solution with status `error` and a short message, and the session's model
 * is discarded.
 */
export function solveWithHighs(session: HighsSession, problem: Problem, settings: HighsSettings, options: SolveOptions = {}): Solution {
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
  const quadratic = hasQuadratic(problem);
  const basis = warmBasis(session, problem, settings, options, quadratic, messages);
  let warmStarted = false;
  // Cleared once the solve ended in a state worth keeping the model for.
  let discard = true;
  let modelStatus: number = HIGHS_MODEL_STATUS.notSet;
  const log: string[] = [];
  const callbacks = {
    0: (event: { message: string }): undefined => {
      log.push(event.message);
    },
  };
  try {
    const data = toModelData(session.highs, problem);
    let model = session.load(data);
    session.setOptions(model, highsOptions(settings, options));
    if (basis) {
      try {
        model.setBasis(basis);
        warmStarted = true;
        messages.push("warm start: HiGHS starts from the basis of this instance's solve that gave the point");
      } catch (error) {
        messages.push(`warm start not used: HiGHS refused the basis (${describeThrown(error)})`);
        model = session.load(data);
      }
    }
    const run = (m: Model): void => {
      try {
        m.run(callbacks);
      } catch (error) {
        // HiGHS's run returns "error" when its solver ends in a model status such as
        // `solveError`; the wrapper throws then. The model status says what happened.
        const code = m.getModelStatus();
        if (code === HIGHS_MODEL_STATUS.notSet || code === HIGHS_MODEL_STATUS.loadError || code === HIGHS_MODEL_STATUS.modelError) throw error;
        messages.push(`HiGHS run returned an error: ${describeThrown(error)}`);
      }
    };
    run(model);
    modelStatus = model.getModelStatus();
    if (modelStatus === HIGHS_MODEL_STATUS.unboundedOrInfeasible && settings.presolve) {
      // Presolve proved "infeasible or unbounded" without saying which; the full solver can.
      messages.push('presolve found the problem infeasible or unbounded; solved again without presolve to tell which');
      session.setOptions(model, { presolve: 'off' });
      run(model);
      modelStatus = model.getModelStatus();
    }
    const status = mapModelStatus(modelStatus);
    const statusName = highsStatusName(modelStatus);
    messages.push(`HiGHS model status: ${statusName}`);
    if (modelStatus === HIGHS_MODEL_STATUS.unboundedOrInfeasible) messages.push('HiGHS could not tell infeasible from unbounded; reported as infeasible');
    if (status === 'time_limit') messages.push(`stopped at the time limit of ${timeLimitOf(settings, options)} ms (parameter \`timeLimitMs\`)`);
    if (status === 'numerical_error' && quadratic) {
      messages.push(
        'HiGHS\'s active-set QP solver failed numerically on this problem (a known limitation of HiGHS, not a sign that P is indefinite); ' +
          'try the ADMM optimizer (@factorkit/optimizer-admm) or regularise',
      );
    }
    const extra = { modelStatus: statusName, iterations: iterations(model), ...(warmStarted ? { warmStart: 'previous basis' } : {}) };
    // HiGHS's own failures end the model's life; the usual outcomes leave nothing passModel does not reset.
    discard = status === 'error' || status === 'numerical_error';
    if (status !== 'optimal' || quadratic) session.forget();
    if (status !== 'optimal') {
      messages.push(...logProblems(log));
      return failedSolution(problem, status, started, messages, extra);
    }

    const solution = model.getSolution();
    const x = solution.colValue;
    if (!quadratic) session.remember(model, problem, x);
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
        ...(warmStarted ? { warmStart: 'previous basis' } : {}),
        ...(quadratic ? { quadratic: true } : {}),
      },
    };
  } catch (error) {
    discard = true;
    messages.push(`HiGHS failed: ${describeThrown(error)}`);
    // Only name convexity when HiGHS's own log points at it; other failures say what the log says.
    const convexity = /semi-?definite|convex|concave/i.test(log.join(''));
    if (quadratic && convexity && problem.sense === 'maximize') {
      messages.push('a maximised quadratic objective needs P negative semidefinite (concave); HiGHS rejects anything else');
    } else if (quadratic && convexity) {
      messages.push('a minimised quadratic objective needs P positive semidefinite (convex)');
    }
    messages.push(...logProblems(log));
    return failedSolution(problem, 'error', started, messages, { modelStatus: highsStatusName(modelStatus) });
  } finally {
    if (discard) session.discard();
  }
}
