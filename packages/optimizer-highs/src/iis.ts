import { FactorkitError, type Problem } from '@factorkit/core';
import type { Model } from 'highs';
import { toModelData, validateProblem } from './model.js';
import { describeThrown, loadHighsRuntime } from './runtime.js';
import { HIGHS_MODEL_STATUS, highsStatusName } from './status.js';

/** Which bound of a row or variable takes part in a conflict. */
export type IisBound = 'lower' | 'upper' | 'both';

/** One row of an irreducible infeasible subsystem. */
export interface IisRow {
  readonly row: number;
  /** The row's label, `row N` when it has none. */
  readonly label: string;
  /** The constraint group that owns the row (`undefined` if none does). */
  readonly group: string | undefined;
  readonly bound: IisBound;
}

/** One variable bound of an irreducible infeasible subsystem. */
export interface IisVariableBound {
  readonly variable: number;
  readonly bound: IisBound;
  /** The group(s) that set the bound; empty for a variable's default bounds. */
  readonly groups: readonly string[];
}

/** What {@link computeIis} found. */
export interface IisReport {
  /** Whether HiGHS found a conflicting subsystem. `false` does not prove feasibility. */
  readonly found: boolean;
  readonly rows: readonly IisRow[];
  readonly bounds: readonly IisVariableBound[];
  /** The distinct groups involved, in problem order. */
  readonly groups: readonly string[];
  readonly messages: readonly string[];
}

const BOUND_CODES: Record<number, IisBound | undefined> = { 2: 'lower', 3: 'upper', 4: 'both' };

/**
 * An irreducible infeasible subsystem (IIS) of an infeasible LP, from HiGHS's `getIis` with
 * the row-priority strategy: a smallest-possible set of rows and variable bounds that cannot
 * hold together, each traced back to the constraint group that added it. The quadratic
 * objective plays no part in feasibility and is ignored.
 *
 * For a feasible problem, or when HiGHS finds no subsystem, `found` is false and `messages`
 * say why. Wrapper failures also end in `found: false` with a message, never a throw.
 *
 * @throws FactorkitError `FK_INVALID_PROBLEM` for a malformed problem.
 */
export async function computeIis(problem: Problem, options: { timeLimitMs?: number } = {}): Promise<IisReport> {
  validateProblem(problem);
  const highs = await loadHighsRuntime();
  const messages: string[] = [];
  let model: Model | undefined;
  try {
    const data = toModelData(highs, problem);
    // Feasibility does not depend on the objective; drop the Hessian so a non-convex P cannot fail the run.
    const { hessian: _hessian, ...linear } = data;
    model = highs.createModel(linear);
    model.options.set({
      output_flag: false,
      iis_strategy: highs.constants.iis.strategyRowPriority,
      ...(options.timeLimitMs && options.timeLimitMs > 0 ? { time_limit: options.timeLimitMs / 1000, iis_time_limit: options.timeLimitMs / 1000 } : {}),
    });
    model.run();
    const status = model.getModelStatus();
    if (status !== HIGHS_MODEL_STATUS.infeasible && status !== HIGHS_MODEL_STATUS.unboundedOrInfeasible) {
      messages.push(`the problem is not infeasible (HiGHS model status: ${highsStatusName(status)}); there is no IIS`);
      return { found: false, rows: [], bounds: [], groups: [], messages };
    }
    const iis = model.getIis();
    const rowGroup = new Int32Array(problem.A.rows).fill(-1);
    problem.groups.forEach((g, gi) => rowGroup.fill(gi, g.rowStart, g.rowStart + g.rowCount));
    const involved = new Set<number>();
    const rows: IisRow[] = [];
    iis.rowIndex.forEach((row, k) => {
      const gi = rowGroup[row]!;
      if (gi >= 0) involved.add(gi);
      rows.push({
        row,
        label: problem.rowLabels[row] || `row ${row}`,
        group: problem.groups[gi]?.name,
        bound: BOUND_CODES[iis.rowBound[k]!] ?? 'both',
      });
    });
    const bounds: IisVariableBound[] = [];
    iis.colIndex.forEach((variable, k) => {
      const bound = BOUND_CODES[iis.colBound[k]!];
      if (!bound) return; // the variable takes part but none of its bounds does
      const owners = new Set<number>();
      if (bound !== 'upper' && problem.lowerOwner[variable]! >= 0) owners.add(problem.lowerOwner[variable]!);
      if (bound !== 'lower' && problem.upperOwner[variable]! >= 0) owners.add(problem.upperOwner[variable]!);
      for (const o of owners) involved.add(o);
      bounds.push({ variable, bound, groups: [...owners].sort((a, b) => a - b).map((o) => problem.groups[o]?.name ?? `group ${o}`) });
    });
    const found = rows.length > 0 || bounds.length > 0;
    if (!found) messages.push('HiGHS found no infeasible subsystem');
    if (model.lastCall.warnings.length > 0) messages.push(...model.lastCall.warnings);
    return {
      found,
      rows,
      bounds,
      groups: [...involved].sort((a, b) => a - b).map((gi) => problem.groups[gi]!.name),
      messages,
    };
  } catch (error) {
    if (error instanceof FactorkitError) throw error;
    messages.push(`HiGHS failed: ${describeThrown(error)}`);
    return { found: false, rows: [], bounds: [], groups: [], messages };
  } finally {
    model?.dispose();
  }
}
