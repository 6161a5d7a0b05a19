import { type Problem, type SolveStatus, ValidationError } from '@factorkit/core';
import type { BoundTerm } from './certificate.js';
import type { InfeasibilityReport } from './diagnose.js';
import type { JsonNumber } from './json.js';
import { Reader, parseJsonInput } from './reader.js';
import type { PortfolioResult, RelaxationRecord } from './solve.js';

/** Lower and upper bound of a row in a solution document; infinite sides are `null` (or `"inf"`/`"-inf"`). */
export interface JsonBounds {
  readonly lower: JsonNumber;
  readonly upper: JsonNumber;
}

/** One constraint group's outcome in a `factorkit-solution` document. */
export interface SolutionGroupJSON {
  readonly name: string;
  /** A number, or `"Infinity"` for a structural group. */
  readonly priority: number | 'Infinity' | '-Infinity';
  /** Largest violation of the group's rows and bounds at the solution; `null` without one. */
  readonly maxViolation: number | null;
  /** The worst row or bound, when one is violated. */
  readonly worst?: string;
  /** Row duals, when the optimizer gives them (`null` for a non-finite entry). */
  readonly duals?: (number | null)[];
}

/** A {@link RelaxationRecord} in a solution document. */
export interface RelaxationRecordJSON {
  readonly group: string;
  readonly step: number;
  readonly amount: string;
  readonly rows: readonly { readonly label: string; readonly from: JsonBounds; readonly to: JsonBounds }[];
  readonly from: JsonBounds;
  readonly to: JsonBounds;
}

/** An {@link InfeasibilityReport} in a solution document (`elasticObjective` `null` when it was not computed). */
export interface InfeasibilityReportJSON extends Omit<InfeasibilityReport, 'elasticObjective'> {
  readonly elasticObjective: number | null;
}

/**
 * The `factorkit-solution` v1 document: the outcome of one solve, written by
 * `factorkit optimize --out` ({@link writeSolutionFile}). See the README for the fields.
 */
export interface SolutionJSON {
  readonly format: 'factorkit-solution';
  readonly version: 1;
  /** The problem solved, as the caller named it (a file path). */
  readonly problem: string;
  /** The optimizer plugin's id. */
  readonly solver: string;
  readonly status: SolveStatus;
  /** `null` unless the status is `optimal`. */
  readonly objective: number | null;
  /** Asset → weight (`w0`, `w1`… without asset ids); `null` unless optimal. */
  readonly weights: Readonly<Record<string, number>> | null;
  /** Every variable, in problem order; `null` unless optimal. */
  readonly x: readonly number[] | null;
  readonly primalResidual: number | null;
  readonly dualResidual: number | null;
  readonly groups: readonly SolutionGroupJSON[];
  readonly relaxations: readonly RelaxationRecordJSON[];
  /** Why the problem is infeasible (or was, before a relaxation); `null` when it never was. */
  readonly infeasibility: InfeasibilityReportJSON | null;
  readonly diagnostics: { readonly solver: string; readonly timeMs: number; readonly iterations?: number; readonly messages: readonly string[] };
}

/** What a solution document says about where it came from. */
export interface SolutionMeta {
  /** The problem, as the reader should find it (a file path as given). */
  readonly problem: string;
  /** The optimizer plugin's id. */
  readonly solver: string;
}

const STATUSES: readonly SolveStatus[] = ['optimal', 'infeasible', 'unbounded', 'iteration_limit', 'time_limit', 'numerical_error', 'error'];

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
const bounds = (b: { lower: number; upper: number }): JsonBounds => ({ lower: finite(b.lower), upper: finite(b.upper) });

function relaxationJSON(r: RelaxationRecord): RelaxationRecordJSON {
  return { group: r.group, step: r.step, amount: r.amount, rows: r.rows.map((row) => ({ label: row.label, from: bounds(row.from), to: bounds(row.to) })), from: bounds(r.from), to: bounds(r.to) };
}

/**
 * The outcome of {@link solvePortfolio} as a `factorkit-solution` v1 value (pass to
 * `JSON.stringify`). Weights, `x` and the objective only for an `optimal` result; an infeasible
 * one carries its report in `infeasibility`. Non-finite numbers are written as `null`.
 */
export function solutionToJSON(problem: Problem, result: PortfolioResult, meta: SolutionMeta): SolutionJSON {
  const optimal = result.status === 'optimal';
  const weights: Record<string, number> = {};
  if (optimal) for (let i = 0; i < problem.numWeights; i++) weights[problem.assets?.[i] ?? `w${i}`] = result.x[i]!;
  const groups =
    result.groups.length > 0
      ? result.groups
      : problem.groups.map((g) => ({ name: g.name, priority: g.priority, maxViolation: Number.NaN, worst: undefined, duals: undefined }));
  const report = result.infeasibility;
  return {
    format: 'factorkit-solution',
    version: 1,
    problem: meta.problem,
    solver: meta.solver,
    status: result.status,
    objective: optimal ? finite(result.objective) : null,
    weights: optimal ? weights : null,
    x: optimal ? Array.from(result.x) : null,
    primalResidual: finite(result.primalResidual),
    dualResidual: result.dualResidual === undefined ? null : finite(result.dualResidual),
    groups: groups.map((g) => ({
      name: g.name,
      priority: Number.isFinite(g.priority) ? g.priority : g.priority > 0 ? 'Infinity' : '-Infinity',
      maxViolation: finite(g.maxViolation),
      ...(g.worst === undefined ? {} : { worst: g.worst }),
      ...(g.duals ? { duals: Array.from(g.duals, finite) } : {}),
    })),
    relaxations: result.relaxations.map(relaxationJSON),
    infeasibility: report ? { ...report, elasticObjective: finite(report.elasticObjective) } : null,
    diagnostics: {
      solver: result.diagnostics.solver,
      timeMs: result.diagnostics.timeMs,
      ...(result.diagnostics.iterations === undefined ? {} : { iterations: result.diagnostics.iterations }),
      messages: [...result.diagnostics.messages],
    },
  };
}

/**
 * Read a `factorkit-solution` v1 document (a parsed value or JSON text). Everything is
 * checked; all problems are reported at once (up to 20) as `FK_INVALID_DATA` with JSON paths,
 * e.g. `weights["600000.SH"]: expected a finite number, got "0.1"`. `source` (a file name) is
 * named in the message. Files written before `infeasibility.minimalConflicts` existed read
 * with an empty list.
 */
export function solutionFromJSON(input: unknown, source?: string): SolutionJSON {
  const what = source === undefined ? 'solution JSON' : `\`${source}\``;
  const value = parseJsonInput(input, what, 'FK_INVALID_DATA');
  const r = new Reader();
  const fail = (): never => {
    throw new ValidationError('FK_INVALID_DATA', `${what} is not a valid factorkit-solution v1 document`, r.issues);
  };
  const o = r.object(value, '(root)');
  if (!o) return fail();
  if (o.format !== 'factorkit-solution') r.add('format', `expected "factorkit-solution", got ${r.describe(o.format)}`);
  if (o.version !== 1) r.add('version', `expected 1, got ${r.describe(o.version)}`);
  const problem = r.string(o.problem, 'problem');
  const solver = r.string(o.solver, 'solver', true);
  const status = o.status as SolveStatus;
  if (!STATUSES.includes(status)) r.add('status', `expected one of ${STATUSES.map((s) => `"${s}"`).join(', ')}, got ${r.describe(o.status)}`);
  const optimal = status === 'optimal';
  const objective = r.finiteOrNull(o.objective, 'objective');
  let weights: Record<string, number> | null = null;
  let x: number[] | null = null;
  if (optimal) {
    const wo = r.object(o.weights, 'weights');
    if (wo) {
      weights = {};
      for (const [asset, w] of Object.entries(wo)) weights[asset] = r.finite(w, `weights[${JSON.stringify(asset)}]`);
    }
    x = (r.array(o.x, 'x') ?? []).map((v, i) => r.finite(v, `x[${i}]`));
    if (weights && x && Object.keys(weights).length > x.length) r.add('x', `has ${x.length} entries, fewer than the ${Object.keys(weights).length} weights`);
    if (objective === null) r.add('objective', 'expected a finite number for an optimal solution, got null');
  } else {
    if (o.weights !== null) r.add('weights', `expected null for status ${r.describe(status)}, got ${r.describe(o.weights)}`);
    if (o.x !== null) r.add('x', `expected null for status ${r.describe(status)}, got ${r.describe(o.x)}`);
  }
  const primalResidual = r.finiteOrNull(o.primalResidual, 'primalResidual');
  const dualResidual = r.finiteOrNull(o.dualResidual, 'dualResidual');
  const groups = (r.array(o.groups, 'groups') ?? []).map((g, i) => readGroup(r, g, `groups[${i}]`));
  const relaxations = (r.array(o.relaxations, 'relaxations') ?? []).map((e, i) => readRelaxation(r, e, `relaxations[${i}]`));
  const infeasibility = o.infeasibility === null ? null : readReport(r, o.infeasibility, 'infeasibility');
  if (status === 'infeasible' && infeasibility === null) r.add('infeasibility', 'expected the report of an infeasible solve, got null');
  const d = r.object(o.diagnostics, 'diagnostics');
  const diagnostics = {
    solver: d ? r.string(d.solver, 'diagnostics.solver') : '',
    timeMs: d ? r.finite(d.timeMs, 'diagnostics.timeMs') : 0,
    ...(d && d.iterations !== undefined ? { iterations: r.int(d.iterations, 'diagnostics.iterations', 0, Number.MAX_SAFE_INTEGER, 'a non-negative integer') ?? 0 } : {}),
    messages: d ? r.strings(d.messages, 'diagnostics.messages') : [],
  };
  if (r.issues.length > 0) return fail();
  return { format: 'factorkit-solution', version: 1, problem, solver, status, objective, weights, x, primalResidual, dualResidual, groups, relaxations, infeasibility, diagnostics };
}

function readGroup(r: Reader, v: unknown, path: string): SolutionGroupJSON {
  const o = r.object(v, path) ?? {};
  const priority = o.priority;
  if (!(priority === 'Infinity' || priority === '-Infinity' || (typeof priority === 'number' && Number.isFinite(priority)))) {
    r.add(`${path}.priority`, `expected a number, "Infinity" or "-Infinity", got ${r.describe(priority)}`);
  }
  const duals = o.duals === undefined ? undefined : (r.array(o.duals, `${path}.duals`) ?? []).map((x, k) => r.finiteOrNull(x, `${path}.duals[${k}]`));
  return {
    name: r.string(o.name, `${path}.name`, true),
    priority: priority as SolutionGroupJSON['priority'],
    maxViolation: r.finiteOrNull(o.maxViolation, `${path}.maxViolation`),
    ...(o.worst === undefined ? {} : { worst: r.string(o.worst, `${path}.worst`) }),
    ...(duals ? { duals } : {}),
  };
}

function readBounds(r: Reader, v: unknown, path: string): JsonBounds {
  const o = r.object(v, path) ?? {};
  const side = (x: unknown, p: string): JsonNumber => {
    if (x === null || x === 'inf' || x === '-inf' || (typeof x === 'number' && Number.isFinite(x))) return x;
    r.add(p, `expected a number, null, "inf" or "-inf", got ${r.describe(x)}`);
    return null;
  };
  return { lower: side(o.lower, `${path}.lower`), upper: side(o.upper, `${path}.upper`) };
}

function readRelaxation(r: Reader, v: unknown, path: string): RelaxationRecordJSON {
  const o = r.object(v, path) ?? {};
  return {
    group: r.string(o.group, `${path}.group`, true),
    step: r.int(o.step, `${path}.step`, 1, Number.MAX_SAFE_INTEGER, 'a positive integer') ?? 1,
    amount: r.string(o.amount, `${path}.amount`),
    rows: (r.array(o.rows, `${path}.rows`) ?? []).map((row, k) => {
      const ro = r.object(row, `${path}.rows[${k}]`) ?? {};
      return { label: r.string(ro.label, `${path}.rows[${k}].label`), from: readBounds(r, ro.from, `${path}.rows[${k}].from`), to: readBounds(r, ro.to, `${path}.rows[${k}].to`) };
    }),
    from: readBounds(r, o.from, `${path}.from`),
    to: readBounds(r, o.to, `${path}.to`),
  };
}

const oneOf = <T extends string>(r: Reader, v: unknown, path: string, values: readonly T[]): T => {
  if (values.includes(v as T)) return v as T;
  r.add(path, `expected one of ${values.map((x) => `"${x}"`).join(', ')}, got ${r.describe(v)}`);
  return values[0]!;
};

function readReport(r: Reader, v: unknown, path: string): InfeasibilityReportJSON | null {
  const o = r.object(v, path);
  if (!o) return null;
  const conflicts = (r.array(o.conflicts, `${path}.conflicts`) ?? []).map((c, i) => {
    const p = `${path}.conflicts[${i}]`;
    const co = r.object(c, p) ?? {};
    return {
      group: r.string(co.group, `${p}.group`, true),
      priority: r.finite(co.priority, `${p}.priority`),
      violated: r.boolean(co.violated, `${p}.violated`),
      rows: (r.array(co.rows, `${p}.rows`) ?? []).map((row, k) => {
        const q = `${p}.rows[${k}]`;
        const ro = r.object(row, q) ?? {};
        return {
          label: r.string(ro.label, `${q}.label`),
          kind: oneOf(r, ro.kind, `${q}.kind`, ['row', 'bound', 'quadratic'] as const),
          side: oneOf(r, ro.side, `${q}.side`, ['lower', 'upper'] as const),
          bound: r.finite(ro.bound, `${q}.bound`),
          achievable: r.finite(ro.achievable, `${q}.achievable`),
          slack: r.finite(ro.slack, `${q}.slack`),
          percent: r.boolean(ro.percent, `${q}.percent`),
        };
      }),
      ...(co.resolves === undefined ? {} : { resolves: r.boolean(co.resolves, `${p}.resolves`) }),
    };
  });
  const minimalConflicts = o.minimalConflicts === undefined ? [] : (r.array(o.minimalConflicts, `${path}.minimalConflicts`) ?? []).map((c, i) => readMinimalConflict(r, c, `${path}.minimalConflicts[${i}]`));
  return {
    minimalConflicts,
    conflicts,
    messages: r.strings(o.messages, `${path}.messages`),
    elasticObjective: r.finiteOrNull(o.elasticObjective, `${path}.elasticObjective`),
    solves: r.int(o.solves, `${path}.solves`, 0, Number.MAX_SAFE_INTEGER, 'a non-negative integer') ?? 0,
    complete: r.boolean(o.complete, `${path}.complete`),
  };
}

function readMinimalConflict(r: Reader, v: unknown, path: string): InfeasibilityReport['minimalConflicts'][number] {
  const o = r.object(v, path) ?? {};
  const reasons = (r.array(o.reasons, `${path}.reasons`) ?? []).map((x, k) => readReason(r, x, `${path}.reasons[${k}]`));
  return {
    groups: r.strings(o.groups, `${path}.groups`),
    relax: r.strings(o.relax, `${path}.relax`),
    priorities: (r.array(o.priorities, `${path}.priorities`) ?? []).map((p, k) => r.finite(p, `${path}.priorities[${k}]`)),
    reasons,
    moreReasons: r.int(o.moreReasons, `${path}.moreReasons`, 0, Number.MAX_SAFE_INTEGER, 'a non-negative integer') ?? 0,
  };
}

type Reason = InfeasibilityReport['minimalConflicts'][number]['reasons'][number];

function readReason(r: Reader, v: unknown, path: string): Reason {
  const o = r.object(v, path) ?? {};
  const kind = oneOf(r, o.kind, `${path}.kind`, ['bounds', 'range', 'crossed-bounds'] as const);
  const groupOrNull = (x: unknown, p: string): string | null => (x === null ? null : r.string(x, p, true));
  if (kind === 'crossed-bounds') {
    return {
      kind,
      variable: r.string(o.variable, `${path}.variable`),
      lower: r.finite(o.lower, `${path}.lower`),
      lowerGroup: groupOrNull(o.lowerGroup, `${path}.lowerGroup`),
      upper: r.finite(o.upper, `${path}.upper`),
      upperGroup: groupOrNull(o.upperGroup, `${path}.upperGroup`),
      percent: r.boolean(o.percent, `${path}.percent`),
    };
  }
  const base = {
    row: r.string(o.row, `${path}.row`),
    group: r.string(o.group, `${path}.group`, true),
    side: oneOf(r, o.side, `${path}.side`, ['lower', 'upper'] as const),
    required: r.finite(o.required, `${path}.required`),
    reachable: r.finite(o.reachable, `${path}.reachable`),
    percent: r.boolean(o.percent, `${path}.percent`),
    by: r.strings(o.by, `${path}.by`),
  };
  if (kind === 'range') return { kind, quadratic: r.boolean(o.quadratic, `${path}.quadratic`), ownRows: r.boolean(o.ownRows, `${path}.ownRows`), ...base };
  const terms = (r.array(o.terms, `${path}.terms`) ?? []).map((t, k): BoundTerm => {
    const p = `${path}.terms[${k}]`;
    const to = r.object(t, p) ?? {};
    const coefficient = to.coefficient === 1 ? 1 : to.coefficient === -1 ? -1 : undefined;
    if (to.coefficient !== undefined && coefficient === undefined) r.add(`${p}.coefficient`, `expected 1 or -1, got ${r.describe(to.coefficient)}`);
    return {
      group: groupOrNull(to.group, `${p}.group`),
      bound: oneOf(r, to.bound, `${p}.bound`, ['lower', 'upper'] as const),
      ...(coefficient === undefined ? {} : { coefficient }),
      count: r.int(to.count, `${p}.count`, 1, Number.MAX_SAFE_INTEGER, 'a positive integer') ?? 1,
      weights: r.boolean(to.weights, `${p}.weights`),
      sum: r.finite(to.sum, `${p}.sum`),
      ...(to.each === undefined ? {} : { each: r.finite(to.each, `${p}.each`) }),
    };
  });
  return { kind, terms, ...base };
}
