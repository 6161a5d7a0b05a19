import {
  type ConstraintContext,
  type ConstraintSpec,
  FactorkitError,
  type OptimizerInstance,
  type Problem,
  ProblemBuilder,
  type Solution,
  type SolveOptions,
  type SolveStatus,
  applyConstraints,
  assertSolved,
  show,
} from '@factorkit/core';
import { assemble, disassemble } from './assemble.js';
import { type CutOptions, type CutResult, solveWithCuts, withoutQuadratic } from './cuts.js';
import { type DiagnoseOptions, type InfeasibilityReport, diagnoseInfeasibility } from './diagnose.js';
import { formatValue } from './explain.js';
import type { PortfolioObjective } from './objectives.js';

/** What {@link buildPortfolioProblem} takes. */
export interface PortfolioInput {
  readonly context: ConstraintContext;
  readonly objective: PortfolioObjective;
  readonly constraints: readonly ConstraintSpec<any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * Assemble the problem: a {@link ProblemBuilder} over `context.assets` with the objective's
 * sense, the objective's terms (and risk variables), then every constraint in its own group via
 * core's `applyConstraints`.
 */
export function buildPortfolioProblem(input: PortfolioInput): Problem {
  const builder = new ProblemBuilder({ assets: input.context.assets }, input.objective.sense);
  input.objective.build(builder, input.context);
  applyConstraints(builder, input.context, input.constraints);
  return builder.build();
}

/**
 * One entry of the declared relaxation order: loosen group `group` step by step. `steps` are
 * absolute widenings from the group's original bounds, in row units and increasing (`[0.05, 0.1]`:
 * a turnover cap of 0.3 becomes 0.35, then 0.4); `factor` multiplies the allowance at each step
 * (`factor^k`) for up to `maxSteps` steps (default 5): a one-sided bound's magnitude, a
 * two-sided row's half-width around its midpoint, a quadratic row's upper bound.
 */
export type RelaxationStep = (
  | { readonly group: string; readonly steps: readonly number[] }
  | { readonly group: string; readonly factor: number; readonly maxSteps?: number }
) & {
  /**
   * Labels of the rows (and quadratic rows) of the group to loosen; default all rows and the
   * bounds the group owns. Use it to leave defining rows alone, e.g. `['turnover ≤ cap']`.
   */
  readonly rows?: readonly string[];
};

/** Bounds of one row before and after a relaxation. */
export interface RelaxedRow {
  readonly label: string;
  readonly from: { readonly lower: number; readonly upper: number };
  readonly to: { readonly lower: number; readonly upper: number };
}

/** One relaxation applied by {@link solvePortfolio}. */
export interface RelaxationRecord {
  readonly group: string;
  /** 1-based step within the group's declared steps. */
  readonly step: number;
  /** `widen by 0.1` or `factor 1.5^2`. */
  readonly amount: string;
  /** Every row, bound and quadratic row of the group this step changed, bounds before and after. */
  readonly rows: readonly RelaxedRow[];
  /** Bounds of the first changed row, before and after (the turnover cap, the TE cap…). */
  readonly from: { readonly lower: number; readonly upper: number };
  readonly to: { readonly lower: number; readonly upper: number };
}

export interface SolvePortfolioOptions {
  readonly optimizer: OptimizerInstance;
  /** Declared relaxation order, tried when the problem is infeasible. */
  readonly relaxation?: readonly RelaxationStep[];
  readonly warmStart?: SolveOptions['warmStart'];
  readonly timeLimitMs?: number;
  /** Tangent-cut loop for quadratic rows. */
  readonly cuts?: CutOptions;
  readonly diagnose?: DiagnoseOptions;
}

/** What every outcome of {@link solvePortfolio} carries besides the {@link Solution}. */
export interface PortfolioOutcome extends Solution {
  /** The problem finally solved (after relaxations; without the cuts). */
  readonly problem: Problem;
  /** How quadratic rows were handled in the final solve (`none` without any). */
  readonly quadraticMethod: 'none' | 'cuts' | 'lagrangian';
  /** Tangent cuts added for quadratic rows in the final solve (0 unless `quadraticMethod` is `cuts`). */
  readonly cuts: number;
  /** The declared relaxation steps applied, in order (all of them when still infeasible). */
  readonly relaxations: readonly RelaxationRecord[];
}

/**
 * A solve that ended with anything but `infeasible`: `optimal`, or `unbounded`,
 * `iteration_limit`, `time_limit`, `numerical_error`, `error` as the optimizer reported it
 * (never replaced by other weights; only `optimal` weights are usable).
 */
export interface PortfolioSolution extends PortfolioOutcome {
  readonly status: Exclude<SolveStatus, 'infeasible'>;
  /** The diagnosis of the original problem, when it was infeasible and a relaxation made it feasible. */
  readonly infeasibility?: InfeasibilityReport;
}

/**
 * An infeasible problem, an expected outcome: `infeasibility` says which groups conflict and
 * why (for the most relaxed problem tried, `problem`, when relaxation steps were declared).
 * `x` and `weights` are the optimizer's (`NaN` for the bundled ones): no weights.
 */
export interface PortfolioInfeasible extends PortfolioOutcome {
  readonly status: 'infeasible';
  readonly infeasibility: InfeasibilityReport;
}

/** What {@link solvePortfolio} resolves to: switch on `status`. */
export type PortfolioResult = PortfolioSolution | PortfolioInfeasible;

function isProblem(value: Problem | PortfolioInput): value is Problem {
  return typeof (value as Problem).numVariables === 'number' && (value as Problem).A !== undefined;
}

/**
 * Solve a portfolio problem (or build it first). Quadratic rows go through the cutting-plane
 * loop ({@link solveWithCuts}). When the solve is `infeasible`, {@link diagnoseInfeasibility}
 * says which groups conflict and why; then the declared `relaxation` order, if any, is applied
 * step by step until a solve is feasible (each step in `relaxations` and
 * `diagnostics.messages`). An infeasible problem is a result, not an error: `status:
 * 'infeasible'` with `infeasibility` (see {@link PortfolioInfeasible}). Other non-optimal
 * statuses (`numerical_error`, `iteration_limit`, …) are returned as they are. Callers that need
 * weights pass the result to {@link requireOptimal}.
 *
 * @throws FK_INVALID_ARGUMENT for a relaxation order that does not fit the problem (before any solve).
 */
export async function solvePortfolio(input: Problem | PortfolioInput, options: SolvePortfolioOptions): Promise<PortfolioResult> {
  const problem = isProblem(input) ? input : buildPortfolioProblem(input);
  const relaxation = options.relaxation ?? [];
  validateRelaxation(problem, relaxation);
  const cutOptions = (): Parameters<typeof solveWithCuts>[2] => ({
    ...(options.cuts ?? {}),
    ...(options.warmStart ? { warmStart: options.warmStart } : {}),
    ...(options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs }),
  });
  const diagnoseOptions = { ...(options.diagnose ?? {}), ...(options.cuts ? { cuts: options.cuts } : {}) };
  // A conflict among the linear rows alone is a conflict of the whole problem, and explaining it
  // without the quadratic rows costs LP solves instead of a quadratic loop per feasibility check
  // (seconds to a minute per date on a tracking-error-capped CSI 300 in 2015 otherwise).
  const diagnose = async (p: Problem): Promise<InfeasibilityReport> => {
    if (p.quadraticConstraints && p.quadraticConstraints.length > 0) {
      const linear = withoutQuadratic(p);
      const check = await options.optimizer.solve(linear, options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs });
      if (check.status === 'infeasible') return diagnoseInfeasibility(linear, options.optimizer, diagnoseOptions);
    }
    return diagnoseInfeasibility(p, options.optimizer, diagnoseOptions);
  };
  const first = await solveWithCuts(problem, options.optimizer, cutOptions());
  if (first.solution.status !== 'infeasible') return finish(first, problem, [], undefined);

  const report = await diagnose(problem);
  if (relaxation.length === 0) return infeasible(first, problem, report, []);

  const records: RelaxationRecord[] = [];
  let current = problem;
  let last = first;
  for (const entry of relaxation) {
    const gi = problem.groups.findIndex((g) => g.name === entry.group);
    const amounts = 'steps' in entry ? entry.steps : Array.from({ length: entry.maxSteps ?? 5 }, (_, k) => entry.factor ** (k + 1));
    for (let k = 0; k < amounts.length; k++) {
      const before = current;
      current = relaxGroup(problem, current, gi, 'steps' in entry ? { widen: amounts[k]! } : { factor: amounts[k]! }, entry.rows ? new Set(entry.rows) : undefined);
      records.push(relaxationRecord(problem, before, current, gi, k + 1, 'steps' in entry ? `widen by ${amounts[k]}` : `factor ${entry.factor}^${k + 1}`));
      last = await solveWithCuts(current, options.optimizer, cutOptions());
      if (last.solution.status !== 'infeasible') return finish(last, current, records, report);
    }
  }
  return infeasible(last, current, await diagnose(current), records);
}

/**
 * `result` if it is `optimal`; otherwise throws, for callers that cannot go on without
 * weights: `FK_INFEASIBLE` (the report's lines in the message, the report in
 * `details.report`) for an infeasible problem, `FK_NOT_SOLVED` (core's `assertSolved`) for
 * any other status.
 */
export function requireOptimal(result: PortfolioResult): PortfolioSolution & { readonly status: 'optimal' } {
  if (result.status === 'infeasible') {
    throw new FactorkitError('FK_INFEASIBLE', infeasibleLines(result.infeasibility, result.relaxations).join('\n'), {
      details: { report: result.infeasibility, relaxations: result.relaxations, status: result.status },
    });
  }
  assertSolved(result);
  return result as PortfolioSolution & { readonly status: 'optimal' };
}

function infeasibleLines(report: InfeasibilityReport, relaxations: readonly RelaxationRecord[]): string[] {
  return [...(relaxations.length > 0 ? ['still infeasible after every declared relaxation step:'] : []), ...report.messages, ...relaxations.map(relaxationMessage)];
}

function finish(result: CutResult, problem: Problem, relaxations: RelaxationRecord[], report: InfeasibilityReport | undefined): PortfolioSolution {
  const { solution, cuts } = result;
  const messages = [
    ...solution.diagnostics.messages,
    ...(report ? report.messages : []),
    ...relaxations.map(relaxationMessage),
  ];
  return {
    ...solution,
    status: solution.status as PortfolioSolution['status'],
    diagnostics: { ...solution.diagnostics, messages, ...(report ? { infeasibility: report } : {}), ...(relaxations.length ? { relaxations } : {}) },
    problem,
    quadraticMethod: result.method,
    cuts,
    relaxations,
    ...(report ? { infeasibility: report } : {}),
  };
}

function infeasible(result: CutResult, problem: Problem, report: InfeasibilityReport, relaxations: RelaxationRecord[]): PortfolioInfeasible {
  const { solution, cuts } = result;
  const lines = infeasibleLines(report, relaxations);
  return {
    ...solution,
    status: 'infeasible',
    diagnostics: { ...solution.diagnostics, messages: [...solution.diagnostics.messages, ...lines], infeasibility: report, ...(relaxations.length ? { relaxations } : {}) },
    problem,
    quadraticMethod: result.method,
    cuts,
    relaxations,
    infeasibility: report,
  };
}

function boundsText(b: { lower: number; upper: number }, percent: boolean): string {
  if (b.lower === b.upper) return `= ${formatValue(b.lower, percent)}`;
  if (!Number.isFinite(b.lower)) return `≤ ${formatValue(b.upper, percent)}`;
  if (!Number.isFinite(b.upper)) return `≥ ${formatValue(b.lower, percent)}`;
  return `in [${formatValue(b.lower, percent)}, ${formatValue(b.upper, percent)}]`;
}

function relaxationMessage(r: RelaxationRecord): string {
  const shown = r.rows.slice(0, 3).map((row) => `${row.label} ${boundsText(row.from, false)} → ${boundsText(row.to, false)}`);
  return `relaxed \`${r.group}\` (step ${r.step}, ${r.amount}): ${shown.join('; ')}${r.rows.length > 3 ? `; … and ${r.rows.length - 3} more` : ''}`;
}

function validateRelaxation(problem: Problem, relaxation: readonly RelaxationStep[]): void {
  relaxation.forEach((entry, i) => {
    const where = `solvePortfolio: relaxation[${i}]`;
    const gi = problem.groups.findIndex((g) => g.name === entry.group);
    if (gi < 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}.group: no constraint group ${show(entry.group)}; the problem has ${problem.groups.map((g) => `\`${g.name}\``).join(', ')}`);
    if (!Number.isFinite(problem.groups[gi]!.priority)) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}.group: \`${entry.group}\` is structural (priority Infinity) and cannot be relaxed`);
    if (entry.rows) {
      const g = problem.groups[gi]!;
      const labels = new Set([...problem.rowLabels.slice(g.rowStart, g.rowStart + g.rowCount), ...(problem.quadraticConstraints ?? []).filter((q) => q.group === gi).map((q) => q.label)]);
      entry.rows.forEach((label, k) => {
        if (!labels.has(label)) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}.rows[${k}]: group \`${g.name}\` has no row labelled ${show(label)}`);
      });
    }
    if ('steps' in entry) {
      if (!Array.isArray(entry.steps) || entry.steps.length === 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}.steps: expected a non-empty array of increasing positive numbers`);
      entry.steps.forEach((s, k) => {
        if (!Number.isFinite(s) || s <= 0 || (k > 0 && s <= entry.steps[k - 1]!)) {
          throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}.steps[${k}]: expected a positive number larger than the previous step, got ${show(s)}`);
        }
      });
    } else {
      if (!Number.isFinite(entry.factor) || entry.factor <= 1) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}.factor: expected a number > 1, got ${show(entry.factor)}`);
      if (entry.maxSteps !== undefined && (!Number.isInteger(entry.maxSteps) || entry.maxSteps < 1)) throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}.maxSteps: expected a positive integer, got ${show(entry.maxSteps)}`);
      const g = problem.groups[gi]!;
      for (let r = g.rowStart; r < g.rowStart + g.rowCount; r++) {
        if (problem.rowLower[r] === problem.rowUpper[r] && problem.rowLower[r] === 0) {
          throw new FactorkitError('FK_INVALID_ARGUMENT', `${where}.factor: row \`${problem.rowLabels[r] || r}\` of group \`${g.name}\` is \`= 0\`; a factor cannot widen it, declare \`steps\` instead`);
        }
      }
    }
  });
}

function widenBounds(lower: number, upper: number, how: { widen: number } | { factor: number }): [number, number] {
  if ('widen' in how) return [lower - how.widen, upper + how.widen];
  const f = how.factor;
  if (Number.isFinite(lower) && Number.isFinite(upper)) {
    const mid = (lower + upper) / 2;
    const half = (upper - lower) / 2;
    // An equality row has no width to scale: its allowance is its magnitude.
    const h = half > 0 ? half * f : Math.abs(mid) * (f - 1);
    return [mid - h, mid + h];
  }
  return [Number.isFinite(lower) ? lower - Math.abs(lower) * (f - 1) : lower, Number.isFinite(upper) ? upper + Math.abs(upper) * (f - 1) : upper];
}

/** `current` with group `gi`'s rows, owned bounds and quadratic rows set to the original bounds widened by `how`. */
function relaxGroup(original: Problem, current: Problem, gi: number, how: { widen: number } | { factor: number }, only: ReadonlySet<string> | undefined): Problem {
  const parts = disassemble(current);
  const g = original.groups[gi]!;
  parts.groups[gi] = {
    ...parts.groups[gi]!,
    rows: parts.groups[gi]!.rows.map((row, k) => {
      if (only && !only.has(row.label)) return row;
      const [lower, upper] = widenBounds(original.rowLower[g.rowStart + k]!, original.rowUpper[g.rowStart + k]!, how);
      return { ...row, lower, upper };
    }),
  };
  if (!only) {
    for (let i = 0; i < original.numVariables; i++) {
      if (original.lowerOwner[i] === gi) parts.lower[i] = widenBounds(original.lower[i]!, Number.POSITIVE_INFINITY, how)[0];
      if (original.upperOwner[i] === gi) parts.upper[i] = widenBounds(Number.NEGATIVE_INFINITY, original.upper[i]!, how)[1];
    }
  }
  if (parts.quadraticConstraints) {
    parts.quadraticConstraints = parts.quadraticConstraints.map((qc, k) =>
      qc.group === gi && (!only || only.has(qc.label)) ? { ...qc, upper: widenBounds(Number.NEGATIVE_INFINITY, original.quadraticConstraints![k]!.upper, how)[1] } : qc,
    );
  }
  return assemble(parts);
}

function relaxationRecord(original: Problem, before: Problem, after: Problem, gi: number, step: number, amount: string): RelaxationRecord {
  const g = original.groups[gi]!;
  const rows: RelaxedRow[] = [];
  for (let r = g.rowStart; r < g.rowStart + g.rowCount; r++) {
    if (before.rowLower[r] === after.rowLower[r] && before.rowUpper[r] === after.rowUpper[r]) continue;
    rows.push({ label: original.rowLabels[r] || `row ${r}`, from: { lower: before.rowLower[r]!, upper: before.rowUpper[r]! }, to: { lower: after.rowLower[r]!, upper: after.rowUpper[r]! } });
  }
  (original.quadraticConstraints ?? []).forEach((qc, k) => {
    if (qc.group !== gi || before.quadraticConstraints![k]!.upper === after.quadraticConstraints![k]!.upper) return;
    const inf = Number.NEGATIVE_INFINITY;
    rows.push({ label: qc.label || `quadratic row ${k}`, from: { lower: inf, upper: before.quadraticConstraints![k]!.upper }, to: { lower: inf, upper: after.quadraticConstraints![k]!.upper } });
  });
  for (let i = 0; i < original.numVariables; i++) {
    if (original.lowerOwner[i] !== gi && original.upperOwner[i] !== gi) continue;
    if (before.lower[i] === after.lower[i] && before.upper[i] === after.upper[i]) continue;
    const name = i < original.numWeights && original.assets ? `bound on \`${original.assets[i]}\`` : `bound on variable ${i}`;
    rows.push({ label: name, from: { lower: before.lower[i]!, upper: before.upper[i]! }, to: { lower: after.lower[i]!, upper: after.upper[i]! } });
  }
  const first = rows[0] ?? { from: { lower: Number.NaN, upper: Number.NaN }, to: { lower: Number.NaN, upper: Number.NaN } };
  return { group: g.name, step, amount, rows, from: first.from, to: first.to };
}
