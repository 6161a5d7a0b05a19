import { type OptimizerInstance, type Problem, type QuadraticConstraint, quadraticRowValue } from '@factorkit/core';
import { type RowSpec, appendVariables, disassemble, assemble, rowNorm } from './assemble.js';
import { isSumRow, variableName } from './certificate.js';
import { type MinimalConflict, findMinimalConflicts, groupHasContent } from './conflict.js';
import { type CutOptions, solveWithCuts } from './cuts.js';
import { conflictMessages, formatValue } from './explain.js';

/**
 * One row (or bound, or quadratic row) that carries slack in the elastic solution of an
 * {@link InfeasibilityReport}. Where several placements of the slack cost the same (five equal
 * weight caps, any of which could give), which rows carry it depends on the optimizer: read
 * {@link InfeasibilityReport.minimalConflicts} for the explanation.
 */
export interface ConflictRow {
  /** The row's label, `bound on …` for a variable bound. */
  readonly label: string;
  readonly kind: 'row' | 'bound' | 'quadratic';
  /** Which side of the row is violated. */
  readonly side: 'lower' | 'upper';
  /** The bound the row asks for (row units). */
  readonly bound: number;
  /** The row's value at the elastic solution (the closest to `bound` while the other groups hold, when only this row gives). */
  readonly achievable: number;
  /** `|bound − achievable|`: how much the bound moves in the elastic solution. */
  readonly slack: number;
  /** Whether the row is a sum of weights (coefficients ±1), so its numbers read as percentages. */
  readonly percent: boolean;
}

/** One constraint group in the elastic view of an {@link InfeasibilityReport}. */
export interface Conflict {
  readonly group: string;
  readonly priority: number;
  /** `true`: this group carries slack in the elastic solution (its rows are listed). `false`: it conflicts with those groups. */
  readonly violated: boolean;
  readonly rows: readonly ConflictRow[];
  /** For a non-violated group: dropping it alone makes the problem feasible. */
  readonly resolves?: boolean;
}

/** Why a problem is infeasible, group by group, in the units of its rows. */
export interface InfeasibilityReport {
  /**
   * The explanation: minimal sets of groups that cannot hold together, each with the rows and
   * numbers that show it, found by feasibility checks and sums of the problem's own bounds —
   * the same whichever optimizer is used. `messages` is written from these.
   */
  readonly minimalConflicts: readonly MinimalConflict[];
  /**
   * The elastic view, for planning a relaxation: the groups the priorities say should give
   * (`violated`, with the slack of their rows) and the groups they conflict with (drop-one
   * search). Row-level slack may be placed differently by different optimizers when several
   * placements cost the same.
   */
  readonly conflicts: readonly Conflict[];
  /** Human-readable lines: for each minimal conflict a headline (`\`max-weight\` × \`fully-invested\` cannot both hold; …`) and its reasons. */
  readonly messages: readonly string[];
  /** Weighted total slack of the elastic problem (`NaN` when it was not solved). */
  readonly elasticObjective: number;
  /** Solves used (elastic, drop-one, feasibility checks; cut-loop solves counted once each). */
  readonly solves: number;
  /** `false` when `maxSolves` stopped the drop-one search, or a feasibility check could not tell. */
  readonly complete: boolean;
}

export interface DiagnoseOptions {
  /**
   * Solve the elastic relaxation and run its drop-one search (`conflicts`, `elasticObjective`).
   * Default `true`. `false` keeps only the explanation (`minimalConflicts` and `messages`, which
   * are written from it) — for runs that meet many infeasible problems and report them rather
   * than plan a relaxation: the elastic view is most of a diagnosis's solves.
   */
  readonly elastic?: boolean;
  /** Most groups re-solved with that group dropped, to find the groups the violated ones conflict with. Default 20. */
  readonly maxSolves?: number;
  /** Most minimal conflicts to look for (see {@link findMinimalConflicts}). Default 3. */
  readonly maxConflicts?: number;
  /**
   * Cost per unit of slack for a group, from its priority and the rank of that priority among
   * the problem's distinct finite priorities (0 = lowest). Default `100 ** min(rank, 4)`.
   */
  readonly priorityWeight?: (priority: number, rank: number) => number;
  readonly cuts?: CutOptions;
}

interface SlackRef {
  readonly group: number;
  readonly kind: ConflictRow['kind'];
  readonly side: 'lower' | 'upper';
  /** Row index, variable index or quadratic-row index in the original problem. */
  readonly ref: number;
}

/** Group weights by priority rank (lower priority = cheaper to violate). */
export function priorityWeights(problem: Problem, weight: DiagnoseOptions['priorityWeight']): number[] {
  const distinct = [...new Set(problem.groups.map((g) => g.priority).filter((p) => Number.isFinite(p)))].sort((a, b) => a - b);
  const fn = weight ?? ((_p: number, rank: number) => 100 ** Math.min(rank, 4));
  return problem.groups.map((g) => (Number.isFinite(g.priority) ? fn(g.priority, distinct.indexOf(g.priority)) : Number.POSITIVE_INFINITY));
}

/**
 * The elastic relaxation of `problem`: every row side and every group-owned bound side of a
 * relaxable group (finite priority) gets its own non-negative slack; quadratic rows get one
 * slack each. The objective is the weighted sum of slacks, a row's slack costing
 * `weight(group) / ‖row‖₂` (so a slack measures distance in variable space), a bound's
 * `weight(group)`, a quadratic row's `weight(group)` per unit of relative violation
 * (`g(x) ≤ u + |u|·s`). Groups in
 * `dropped` lose their rows, bounds and quadratic rows. Rows that merely define a free auxiliary
 * variable (it appears in no other row) get no slack: they can always be met.
 */
export function elasticProblem(problem: Problem, weights: readonly number[], dropped: ReadonlySet<number> = new Set()): { problem: Problem; slacks: SlackRef[] } {
  const parts = disassemble(problem);
  const n = problem.numVariables;
  const slacks: SlackRef[] = [];
  const cost: number[] = [];
  const newSlack = (ref: SlackRef, c: number): number => {
    slacks.push(ref);
    cost.push(c);
    return n + slacks.length - 1;
  };
  const hard = (g: number): boolean => !Number.isFinite(weights[g]!);
  // A row holding a free, unowned variable that appears in no other row can always be met by
  // that variable alone: it only defines it (te:y:<factor> rows of a TE cap). Never relax it.
  const colCount = new Int32Array(n);
  for (let k = 0; k < problem.A.index.length; k++) colCount[problem.A.index[k]!]!++;
  const definesVariable = (r: number): boolean => {
    for (let k = problem.A.start[r]!; k < problem.A.start[r + 1]!; k++) {
      const j = problem.A.index[k]!;
      if (colCount[j] === 1 && problem.lower[j] === Number.NEGATIVE_INFINITY && problem.upper[j] === Number.POSITIVE_INFINITY) return true;
    }
    return false;
  };
  parts.groups = parts.groups.map((group, gi) => {
    const rowStart = problem.groups[gi]!.rowStart;
    const rows: RowSpec[] = group.rows.map((row, ri) => {
      if (dropped.has(gi)) return { ...row, lower: Number.NEGATIVE_INFINITY, upper: Number.POSITIVE_INFINITY };
      if (hard(gi) || definesVariable(rowStart + ri)) return row;
      const index = Array.from(row.index);
      const value = Array.from(row.value);
      const per = weights[gi]! / (rowNorm(row) || 1);
      if (Number.isFinite(row.lower)) {
        index.push(newSlack({ group: gi, kind: 'row', side: 'lower', ref: rowStart + ri }, per));
        value.push(1);
      }
      if (Number.isFinite(row.upper)) {
        index.push(newSlack({ group: gi, kind: 'row', side: 'upper', ref: rowStart + ri }, per));
        value.push(-1);
      }
      return { ...row, index, value };
    });
    return { ...group, rows };
  });
  for (let i = 0; i < n; i++) {
    for (const side of ['lower', 'upper'] as const) {
      const owner = side === 'lower' ? problem.lowerOwner[i]! : problem.upperOwner[i]!;
      const bound = side === 'lower' ? problem.lower[i]! : problem.upper[i]!;
      if (owner < 0 || owner >= problem.groups.length || hard(owner) || !Number.isFinite(bound)) continue;
      (side === 'lower' ? parts.lower : parts.upper)[i] = side === 'lower' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      if (dropped.has(owner)) continue;
      const s = newSlack({ group: owner, kind: 'bound', side, ref: i }, weights[owner]!);
      parts.groups[owner]!.rows.push(
        side === 'lower'
          ? { index: [i, s], value: [1, 1], lower: bound, upper: Number.POSITIVE_INFINITY, label: `elastic lower bound ${i}` }
          : { index: [i, s], value: [1, -1], lower: Number.NEGATIVE_INFINITY, upper: bound, label: `elastic upper bound ${i}` },
      );
    }
  }
  const quadSlack: (number | undefined)[] = [];
  const keptQuads: QuadraticConstraint[] = [];
  (problem.quadraticConstraints ?? []).forEach((qc, qi) => {
    if (dropped.has(qc.group)) return;
    keptQuads.push(qc);
    quadSlack.push(hard(qc.group) ? undefined : newSlack({ group: qc.group, kind: 'quadratic', side: 'upper', ref: qi }, weights[qc.group]!));
  });
  parts.quadraticConstraints = keptQuads;
  parts.sense = 'minimize';
  parts.c = new Float64Array(n);
  parts.offset = 0;
  parts.P = undefined;
  appendVariables(parts, 'elastic', slacks.length, { lower: 0, upper: Number.POSITIVE_INFINITY, cost });
  parts.quadraticConstraints = (parts.quadraticConstraints ?? []).map((qc, k) => {
    const s = quadSlack[k];
    if (s === undefined) return qc;
    const q = Float64Array.from(qc.q);
    // g(x) − |u|·s ≤ u: the slack is a relative violation, so its scale matches the row's.
    q[s] = -Math.max(Math.abs(qc.upper), 1e-12);
    return { ...qc, q };
  });
  return { problem: assemble(parts), slacks };
}

function rowActivity(problem: Problem, r: number, x: ArrayLike<number>): number {
  let v = 0;
  for (let k = problem.A.start[r]!; k < problem.A.start[r + 1]!; k++) v += problem.A.value[k]! * x[problem.A.index[k]!]!;
  return v;
}

/**
 * Explain why `problem` is infeasible.
 *
 * - **The explanation** ({@link findMinimalConflicts}): minimal sets of groups that cannot
 *   hold together, found by feasibility checks, each shown by rows whose variables' bounds
 *   alone keep them from their bound (sums of the problem's numbers) or by one row pushed as
 *   far as the other groups allow. `messages` is written from it, so it reads the same
 *   whichever optimizer is passed.
 * - **The elastic view** (`conflicts`): the elastic relaxation ({@link elasticProblem}) says
 *   which groups the priorities make give and by how much; a drop-one search (at most
 *   `maxSolves` groups) which groups hold them back.
 */
export async function diagnoseInfeasibility(problem: Problem, optimizer: OptimizerInstance, options: DiagnoseOptions = {}): Promise<InfeasibilityReport> {
  const elastic = options.elastic === false ? NO_ELASTIC_VIEW : await elasticView(problem, optimizer, options);
  const search = await findMinimalConflicts(problem, optimizer, { ...(options.maxConflicts === undefined ? {} : { maxConflicts: options.maxConflicts }), ...(options.cuts ? { cuts: options.cuts } : {}) });
  const structural = problem.groups.filter((g) => !Number.isFinite(g.priority)).map((g) => g.name);
  const messages = search.conflicts.flatMap((c, k) => conflictMessages(c, { first: k === 0, structural }));
  // Without a minimal conflict (every feasibility check undecided), the elastic lines are all there is.
  if (messages.length === 0) messages.push(...elastic.messages);
  if (messages.length === 0) messages.push('infeasible, and the feasibility checks could not isolate a conflict (the elastic view, `elastic: true`, says which groups would have to give)');
  if (!search.complete) messages.push('some feasibility checks ended neither optimal nor infeasible: a group listed may not be needed');
  if (elastic.stopped) messages.push(`drop-one search stopped after ${elastic.stopped} groups: \`conflicts\` may miss groups`);
  return {
    minimalConflicts: search.conflicts,
    conflicts: elastic.conflicts,
    messages,
    elasticObjective: elastic.objective,
    solves: elastic.solves + search.solves,
    complete: elastic.complete && search.complete,
  };
}

/** What stands for the elastic view when it is not asked for (`elastic: false`). */
const NO_ELASTIC_VIEW = Object.freeze({ conflicts: [] as Conflict[], messages: [] as string[], objective: Number.NaN, solves: 0, complete: true, stopped: undefined as number | undefined });

/** The elastic relaxation and the drop-one search: which groups give, by how much, and against which. */
async function elasticView(
  problem: Problem,
  optimizer: OptimizerInstance,
  options: DiagnoseOptions,
): Promise<{ conflicts: Conflict[]; messages: string[]; objective: number; solves: number; complete: boolean; stopped?: number }> {
  const weights = priorityWeights(problem, options.priorityWeight);
  const maxSolves = options.maxSolves ?? 20;
  let solves = 0;
  const solveElastic = async (dropped: ReadonlySet<number>) => {
    const { problem: elastic, slacks } = elasticProblem(problem, weights, dropped);
    // A diagnosis needs a few digits, not eight: a looser cut tolerance by default. Cuts, not
    // the Lagrangian: the elastic slack makes its sub-problems unbounded for large multipliers.
    const result = await solveWithCuts(elastic, optimizer, { tolerance: 1e-7, ...(options.cuts ?? {}), method: 'cuts' });
    solves += result.iterations;
    return { result, slacks };
  };
  const { result, slacks } = await solveElastic(new Set());
  if (result.solution.status !== 'optimal') {
    return {
      conflicts: [],
      messages: [`infeasible, and the elastic relaxation ended with status \`${result.solution.status}\``, ...result.solution.diagnostics.messages],
      objective: Number.NaN,
      solves,
      complete: result.solution.status === 'infeasible',
    };
  }
  const x = result.solution.x;
  const n = problem.numVariables;
  const byGroup = new Map<number, ConflictRow[]>();
  for (let s = 0; s < slacks.length; s++) {
    const slack = x[n + s]!;
    const ref = slacks[s]!;
    let bound: number;
    let achievable: number;
    let label: string;
    let percent: boolean;
    let threshold = 1e-7;
    if (ref.kind === 'row') {
      bound = ref.side === 'lower' ? problem.rowLower[ref.ref]! : problem.rowUpper[ref.ref]!;
      achievable = rowActivity(problem, ref.ref, x);
      label = problem.rowLabels[ref.ref] || `row ${ref.ref}`;
      percent = isSumRow(problem, ref.ref);
    } else if (ref.kind === 'bound') {
      bound = ref.side === 'lower' ? problem.lower[ref.ref]! : problem.upper[ref.ref]!;
      achievable = x[ref.ref]!;
      label = `bound on ${variableName(problem, ref.ref)}`;
      percent = ref.ref < problem.numWeights;
    } else {
      const qc = problem.quadraticConstraints![ref.ref]!;
      bound = qc.upper;
      achievable = quadraticRowValue(qc, x);
      label = qc.label || `quadratic row ${ref.ref}`;
      percent = false;
      threshold = 1e-6;
    }
    if (!(slack > threshold)) continue;
    const list = byGroup.get(ref.group) ?? [];
    list.push({ label, kind: ref.kind, side: ref.side, bound, achievable, slack: Math.abs(achievable - bound), percent });
    byGroup.set(ref.group, list);
  }
  const conflicts: Conflict[] = [...byGroup].sort((a, b) => a[0] - b[0]).map(([g, rows]) => ({ group: problem.groups[g]!.name, priority: problem.groups[g]!.priority, violated: true, rows }));
  const base = result.solution.objective;
  // Drop-one search over the groups that carry no slack: which of them hold the violated rows back?
  const candidates = problem.groups
    .map((g, gi) => ({ g, gi }))
    .filter(({ g, gi }) => Number.isFinite(g.priority) && !byGroup.has(gi) && groupHasContent(problem, gi));
  let stopped: number | undefined;
  let tried = 0;
  for (const { g, gi } of candidates) {
    if (tried >= maxSolves) {
      stopped = maxSolves;
      break;
    }
    tried++;
    const attempt = await solveElastic(new Set([gi]));
    if (attempt.result.solution.status !== 'optimal') continue;
    const reduced = attempt.result.solution.objective;
    // Well above the cut loop's accuracy, so that round-off is not mistaken for a conflict.
    if (reduced < base * (1 - 1e-5) - 1e-9) conflicts.push({ group: g.name, priority: g.priority, violated: false, rows: [], resolves: reduced <= 1e-8 });
  }
  const others = conflicts.filter((c) => !c.violated).map((c) => `\`${c.group}\``);
  const othersText = others.length > 0 ? others.join(', ') : 'the other constraints';
  const plural = others.length !== 1;
  const violated = conflicts.filter((c) => c.violated);
  const messages: string[] = [`infeasible: ${violated.map((c) => `\`${c.group}\` (priority ${c.priority})`).join(', ')} must be relaxed${others.length ? `; it conflicts with ${others.join(', ')}` : ''}`];
  for (const c of violated) {
    for (const row of c.rows) {
      const b = formatValue(row.bound, row.percent);
      const a = formatValue(row.achievable, row.percent);
      messages.push(
        row.side === 'lower'
          ? `${row.label} (group \`${c.group}\`) needs ≥ ${b} but ${othersText} ${plural ? 'allow' : 'allows'} at most ${a}`
          : `${row.label} (group \`${c.group}\`) needs ≤ ${b} but ${othersText} ${plural ? 'force' : 'forces'} at least ${a}`,
      );
    }
  }
  return { conflicts, messages, objective: base, solves, complete: stopped === undefined, ...(stopped === undefined ? {} : { stopped }) };
}
