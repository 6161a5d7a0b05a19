import {
  type OptimizerInstance,
  type Problem,
  type QuadraticConstraint,
  type SparseMatrix,
  type Solution,
  type SolveOptions,
  objectiveValue,
  problemResiduals,
  quadraticRowValue,
} from '@factorkit/core';
import { type RowSpec, assemble, disassemble, symmetricTimes } from './assemble.js';

/** Options of the outer-approximation loop for quadratic rows. */
export interface CutOptions {
  /** Stop when every quadratic row satisfies `g(x) − u ≤ tolerance · max(|u|, 1e-12)`. Default `1e-8`. */
  readonly tolerance?: number;
  /** Most LP/QP solves. Default 500. */
  readonly maxIterations?: number;
  /**
   * `auto` (default): one quadratic row → Lagrangian search ({@link solveByLagrangian}), falling
   * back to cuts if the optimizer cannot solve its QPs; several rows → cuts. `cuts` or
   * `lagrangian` force one.
   */
  readonly method?: 'auto' | 'cuts' | 'lagrangian';
}

export interface CutResult {
  /** How the quadratic rows were handled (`none` without quadratic rows). */
  readonly method: 'none' | 'cuts' | 'lagrangian';
  /** The last sub-solve's solution, re-evaluated against the original problem. */
  readonly solution: Solution;
  /** Number of tangent cuts added. */
  readonly cuts: number;
  /** Number of solves. */
  readonly iterations: number;
  /** Largest relative violation of a quadratic row at the returned point (0 without quadratic rows). */
  readonly quadraticViolation: number;
}

/** `problem` without its quadratic rows. */
export function withoutQuadratic(problem: Problem): Problem {
  if (!problem.quadraticConstraints) return problem;
  const { quadraticConstraints: _dropped, ...rest } = problem;
  return rest;
}

function linearFeasible(problem: Problem, x: ArrayLike<number>, tol = 1e-9): boolean {
  return problemResiduals(withoutQuadratic(problem), x).maxViolation <= tol;
}

/** Whether every quadratic row is strictly inside its bound at `x`. */
function strictlyInside(quads: readonly QuadraticConstraint[], x: ArrayLike<number>): boolean {
  return quads.every((row) => quadraticRowValue(row, x) < row.upper - 1e-9 * Math.max(Math.abs(row.upper), 1e-12));
}

/**
 * For each quadratic row, a variable that appears in it only linearly with a negative
 * coefficient, nowhere else (no objective quadratic, no linear row, no other quadratic row) and
 * is unbounded above: an elastic slack. Raising it moves the row inside without touching
 * anything else.
 */
function elasticVariables(problem: Problem): (number | undefined)[] {
  const quads = problem.quadraticConstraints ?? [];
  const n = problem.numVariables;
  const used = new Int32Array(n);
  for (let k = 0; k < problem.A.index.length; k++) used[problem.A.index[k]!] = 1;
  const P = problem.P;
  if (P) for (let col = 0; col < P.cols; col++) if (P.start[col + 1]! > P.start[col]!) used[col] = 1;
  const inQuads = new Int32Array(n);
  for (const row of quads) {
    for (let col = 0; col < row.Q.cols; col++) if (row.Q.start[col + 1]! > row.Q.start[col]!) used[col] = 1;
    row.Q.index.forEach((r) => (used[r] = 1));
    row.q.forEach((v, i) => v !== 0 && inQuads[i]!++);
  }
  return quads.map((row) => {
    for (let i = 0; i < n; i++) {
      if (row.q[i]! < 0 && used[i] === 0 && inQuads[i] === 1 && problem.upper[i] === Number.POSITIVE_INFINITY) return i;
    }
    return undefined;
  });
}

/** Largest t in [0, 1] with g(x0 + t d) ≤ u, for convex g and g(x0) ≤ u. */
function boundaryStep(row: QuadraticConstraint, x0: Float64Array, d: Float64Array, scratch: Float64Array): number {
  const g0 = quadraticRowValue(row, x0) - row.upper;
  symmetricTimes(row.Q, x0, scratch);
  let slope = 0;
  for (let i = 0; i < d.length; i++) slope += (scratch[i]! + row.q[i]!) * d[i]!;
  symmetricTimes(row.Q, d, scratch);
  let curv = 0;
  for (let i = 0; i < d.length; i++) curv += scratch[i]! * d[i]!;
  // g0 + slope·t + ½curv·t² = 0, g0 ≤ 0: the positive root.
  const a = 0.5 * curv;
  let t: number;
  if (a <= 1e-300) t = slope > 0 ? -g0 / slope : Number.POSITIVE_INFINITY;
  else t = (-slope + Math.sqrt(Math.max(0, slope * slope - 4 * a * g0))) / (2 * a);
  return Math.max(0, Math.min(1, t));
}

/**
 * Solve `problem`, handling its quadratic rows `g(x) = ½xᵀQx + qᵀx ≤ u` by outer approximation
 * with tangent cuts (Kelley), accelerated by supporting hyperplanes (Veinott) when an interior
 * point is known:
 *
 * 1. solve without the quadratic rows;
 * 2. for every row violated at the solution x_k, add a tangent cut `g(x̂) + ∇g(x̂)ᵀ(x − x̂) ≤ u`
 *    into the row's group, where x̂ = x_k (Kelley), or, given an interior point x°
 *    (`g(x°) < u`, linear rows satisfied), the point where the segment x° → x_k crosses the
 *    row's boundary, which also yields a feasible point of the whole problem;
 * 3. re-solve from x_k; stop when x_k violates no row by more than `tolerance` (relative to
 *    `|u|`), or when the best feasible point's objective is within `tolerance` (relative) of the
 *    sub-problem's bound; then return x_k, or that feasible point, which satisfies every row.
 *
 * Every cut is valid for the convex feasible set, so each sub-problem relaxes the original and
 * its optimum bounds the true optimum. The interior point is the warm start when strictly
 * feasible; else, for elastic rows, the first solution with each row's slack raised; else the
 * minimiser of `Σ g_j(x)/|u_j|` under the linear rows (one QP solve; for a single quadratic row
 * a minimum above `u` proves the problem infeasible). A non-optimal sub-solve ends the loop
 * with that status; running out of iterations ends it with `iteration_limit`.
 */
export async function solveWithCuts(problem: Problem, optimizer: OptimizerInstance, options: CutOptions & { warmStart?: SolveOptions['warmStart']; timeLimitMs?: number } = {}): Promise<CutResult> {
  const quads = problem.quadraticConstraints ?? [];
  const tol = options.tolerance ?? 1e-8;
  const maxIterations = options.maxIterations ?? 500;
  const base = withoutQuadratic(problem);
  const solveOptions = (warm: SolveOptions['warmStart'] | undefined): SolveOptions => ({
    ...(warm ? { warmStart: warm } : {}),
    ...(options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs }),
  });
  if (quads.length === 0) {
    const solution = await optimizer.solve(base, solveOptions(options.warmStart));
    return { method: 'none', solution, cuts: 0, iterations: 1, quadraticViolation: 0 };
  }
  if (quads.length === 1 && options.method !== 'cuts') {
    const result = await solveByLagrangian(problem, optimizer, options);
    if (result) return result;
  }
  const n = problem.numVariables;
  const maximise = problem.sense === 'maximize';
  const parts = disassemble(base);
  const extra: RowSpec[][] = parts.groups.map(() => []);
  const grad = new Float64Array(n);
  const scratch = new Float64Array(n);
  const notes: string[] = [];
  let warm = options.warmStart;
  let cuts = 0;
  let last: Solution | undefined;
  let violation = Number.POSITIVE_INFINITY;
  let iterations = 0;
  let subIterations = 0;
  const started = Date.now();
  let interior: Float64Array | undefined;
  if (warm && warm.x.length === n && linearFeasible(problem, warm.x) && strictlyInside(quads, warm.x)) interior = Float64Array.from(warm.x);
  let best: { x: Float64Array; objective: number } | undefined;
  let provenInfeasible = false;
  let gapClosed = false;

  const addCut = (row: QuadraticConstraint, qi: number, at: ArrayLike<number>): void => {
    const g = quadraticRowValue(row, at);
    symmetricTimes(row.Q, at, grad);
    let gx = 0;
    const index: number[] = [];
    const value: number[] = [];
    for (let j = 0; j < n; j++) {
      const d = grad[j]! + row.q[j]!;
      if (d !== 0) {
        index.push(j);
        value.push(d);
        gx += d * at[j]!;
      }
    }
    // g(x̂) + d·(x − x̂) ≤ u  ⇔  d·x ≤ u − g(x̂) + d·x̂, scaled to a unit normal so that the
    // solver's feasibility tolerance means a distance in x, however small TE² numbers are.
    let norm = 0;
    for (const v of value) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < value.length; k++) value[k]! /= norm;
    extra[row.group]!.push({ index, value, lower: Number.NEGATIVE_INFINITY, upper: (row.upper - g + gx) / norm, label: `${row.label || `quadratic ${qi}`} cut ${++cuts}` });
  };

  while (iterations < maxIterations) {
    iterations++;
    const sub = assemble({ ...parts, groups: parts.groups.map((g, i) => ({ ...g, rows: [...g.rows, ...extra[i]!] })) });
    const solution = await optimizer.solve(sub, solveOptions(warm));
    subIterations += solution.diagnostics.iterations ?? 0;
    last = solution;
    if (solution.status !== 'optimal') break;
    const x = solution.x;
    const values = quads.map((row) => quadraticRowValue(row, x));
    violation = Math.max(0, ...quads.map((row, qi) => (values[qi]! - row.upper) / Math.max(Math.abs(row.upper), 1e-12)));
    if (violation <= tol) break;

    if (!interior && iterations === 1) {
      const found = await findInterior(problem, quads, x, optimizer, notes, solveOptions(undefined));
      if (found === null) {
        provenInfeasible = true;
        break;
      }
      interior = found;
    }
    if (interior) {
      const d = new Float64Array(n);
      for (let i = 0; i < n; i++) d[i] = x[i]! - interior[i]!;
      let tMin = 1;
      quads.forEach((row, qi) => {
        if (values[qi]! <= row.upper) return;
        const t = boundaryStep(row, interior!, d, scratch);
        tMin = Math.min(tMin, t);
        const at = new Float64Array(n);
        for (let i = 0; i < n; i++) at[i] = interior![i]! + t * d[i]!;
        addCut(row, qi, at);
      });
      const feasible = new Float64Array(n);
      for (let i = 0; i < n; i++) feasible[i] = interior[i]! + tMin * d[i]!;
      const objective = objectiveValue(problem, feasible);
      if (!best || (maximise ? objective > best.objective : objective < best.objective)) best = { x: feasible, objective };
      const bound = objectiveValue(problem, x);
      if (Math.abs(bound - best.objective) <= tol * Math.max(1, Math.abs(best.objective))) {
        gapClosed = true;
        break;
      }
    } else {
      quads.forEach((row, qi) => {
        if ((values[qi]! - row.upper) / Math.max(Math.abs(row.upper), 1e-12) > tol) addCut(row, qi, x);
      });
    }
    warm = { x: Float64Array.from(x) };
  }
  const solution = last!;
  const converged = solution.status === 'optimal' && (violation <= tol || gapClosed);
  const xOut = gapClosed && best ? best.x : solution.x.length === n ? solution.x : new Float64Array(n);
  if (gapClosed && best) violation = Math.max(0, ...quads.map((row) => (quadraticRowValue(row, xOut) - row.upper) / Math.max(Math.abs(row.upper), 1e-12)));
  const residuals = problemResiduals(problem, xOut);
  const messages = [
    ...solution.diagnostics.messages,
    ...notes,
    `cutting planes: ${cuts} cut(s) in ${iterations} solve(s)${interior ? ' (supporting hyperplanes from an interior point)' : ' (Kelley tangents)'}, largest relative quadratic violation ${Number.isFinite(violation) ? violation.toExponential(2) : 'n/a'}${gapClosed ? ', stopped on the objective gap with a feasible point' : ''}`,
  ];
  let status: Solution['status'] = solution.status;
  if (provenInfeasible) status = 'infeasible';
  else if (solution.status === 'optimal' && !converged) {
    status = 'iteration_limit';
    messages.push(`cutting planes: stopped after ${maxIterations} solves with quadratic rows still violated beyond tolerance ${tol}`);
  }
  const { rowDuals: _duals, ...rest } = solution;
  return {
    method: 'cuts',
    solution: {
      ...rest,
      status,
      x: xOut,
      weights: xOut.subarray(0, problem.numWeights),
      objective: status === 'optimal' || status === 'iteration_limit' ? objectiveValue(problem, xOut) : solution.objective,
      primalResidual: residuals.maxViolation,
      groups: residuals.groups,
      diagnostics: { ...solution.diagnostics, timeMs: Date.now() - started, iterations: subIterations, messages },
    },
    cuts,
    iterations,
    quadraticViolation: Number.isFinite(violation) ? violation : 0,
  };
}

/**
 * An interior point for the supporting-hyperplane cuts, `undefined` when none was found, or
 * `null` when the search proved the problem infeasible (a single quadratic row whose minimum
 * under the linear rows exceeds its bound).
 */
async function findInterior(problem: Problem, quads: readonly QuadraticConstraint[], x: Float64Array, optimizer: OptimizerInstance, notes: string[], solveOptions: SolveOptions): Promise<Float64Array | undefined | null> {
  const lift = elasticVariables(problem);
  if (lift.every((v) => v !== undefined)) {
    const y = Float64Array.from(x);
    quads.forEach((row, qi) => {
      const excess = quadraticRowValue(row, y) - row.upper;
      const coef = -row.q[lift[qi]!]!;
      y[lift[qi]!]! += Math.max(0, excess) / coef + Math.max(Math.abs(row.upper), 1e-6) / coef;
    });
    if (strictlyInside(quads, y)) return y;
  }
  // One QP: minimise Σ g_j(x)/|u_j| under the linear rows.
  const parts = disassemble(withoutQuadratic(problem));
  const c = new Float64Array(problem.numVariables);
  const entries = new Map<number, number>();
  const stride = problem.numVariables;
  // Weights 1/|u_j| normalised so the largest is 1: HiGHS's QP fails on huge Hessian entries.
  const minU = Math.min(...quads.map((row) => Math.max(Math.abs(row.upper), 1e-12)));
  for (const row of quads) {
    const s = minU / Math.max(Math.abs(row.upper), 1e-12);
    for (let i = 0; i < c.length; i++) c[i]! += s * row.q[i]!;
    for (let col = 0; col < row.Q.cols; col++) {
      for (let k = row.Q.start[col]!; k < row.Q.start[col + 1]!; k++) {
        const key = col * stride + row.Q.index[k]!;
        entries.set(key, (entries.get(key) ?? 0) + s * row.Q.value[k]!);
      }
    }
  }
  const keys = [...entries.keys()].sort((a, b) => a - b);
  const start = new Int32Array(stride + 1);
  const index = new Int32Array(keys.length);
  const value = new Float64Array(keys.length);
  keys.forEach((key, e) => {
    start[Math.floor(key / stride) + 1]!++;
    index[e] = key % stride;
    value[e] = entries.get(key)!;
  });
  for (let col = 0; col < stride; col++) start[col + 1]! += start[col]!;
  parts.sense = 'minimize';
  parts.c = c;
  parts.offset = 0;
  parts.P = { rows: stride, cols: stride, start, index, value };
  let result: Solution;
  try {
    result = await optimizer.solve(assemble(parts), solveOptions);
  } catch (error) {
    notes.push(`cutting planes: no interior point (the optimizer could not solve the phase-one QP: ${(error as Error).message}); using Kelley tangents`);
    return undefined;
  }
  if (result.status !== 'optimal') {
    notes.push(`cutting planes: no interior point (phase-one QP ended \`${result.status}\`); using Kelley tangents`);
    return undefined;
  }
  if (strictlyInside(quads, result.x) && linearFeasible(problem, result.x, 1e-7)) return Float64Array.from(result.x);
  if (quads.length === 1) {
    const row = quads[0]!;
    notes.push(`cutting planes: \`${row.label || 'quadratic row'}\` is at least ${quadraticRowValue(row, result.x).toPrecision(6)} under the linear rows, above its bound ${row.upper.toPrecision(6)}: infeasible`);
    return null;
  }
  notes.push('cutting planes: no strictly interior point found; using Kelley tangents');
  return undefined;
}

/** `a·A + b·B` for upper-triangle CSC matrices of one size (either may be absent). */
function combine(A: SparseMatrix | undefined, a: number, B: SparseMatrix, b: number, n: number): SparseMatrix {
  const start = new Int32Array(n + 1);
  const index: number[] = [];
  const value: number[] = [];
  const acc = new Map<number, number>();
  for (let col = 0; col < n; col++) {
    acc.clear();
    if (A && col < A.cols) for (let k = A.start[col]!; k < A.start[col + 1]!; k++) acc.set(A.index[k]!, (acc.get(A.index[k]!) ?? 0) + a * A.value[k]!);
    if (col < B.cols) for (let k = B.start[col]!; k < B.start[col + 1]!; k++) acc.set(B.index[k]!, (acc.get(B.index[k]!) ?? 0) + b * B.value[k]!);
    for (const r of [...acc.keys()].sort((x, y) => x - y)) {
      const v = acc.get(r)!;
      if (v !== 0) {
        index.push(r);
        value.push(v);
      }
    }
    start[col + 1] = index.length;
  }
  return { rows: n, cols: n, start, index: Int32Array.from(index), value: Float64Array.from(value) };
}

/**
 * One quadratic row `g(x) ≤ u` by its Lagrangian: for a multiplier μ ≥ 0 solve the QP
 * `min ±f(x) + μ·g(x)` under the linear rows (f the original objective, sign making it a
 * minimisation), whose solution x(μ) has `φ(μ) = g(x(μ)) − u` non-increasing in μ. μ = 0 is the
 * problem without the row: if it already satisfies the row, done. Otherwise μ is bracketed by
 * multiplying by 10 until φ ≤ 0 and then found by the Illinois variant of regula falsi on φ,
 * keeping the bracket; the answer is the feasible end (φ ≤ 0) once `−tolerance·|u| ≤ φ ≤ 0`.
 * Before bracketing, one QP minimises g under the linear rows: a minimum above `u` proves the
 * problem infeasible (status `infeasible`, no large multipliers tried).
 * By convex duality (Slater: an interior point exists when φ < 0 somewhere) x(μ*) with
 * φ(μ*) = 0 solves the constrained problem. Returns `undefined` (so the caller uses cuts) when
 * the optimizer cannot solve the QP or no μ up to 10⁴⁰ satisfies the row.
 */
export async function solveByLagrangian(problem: Problem, optimizer: OptimizerInstance, options: CutOptions & { warmStart?: SolveOptions['warmStart']; timeLimitMs?: number } = {}): Promise<CutResult | undefined> {
  const row = problem.quadraticConstraints![0]!;
  const tol = options.tolerance ?? 1e-8;
  const maxIterations = options.maxIterations ?? 100;
  const n = problem.numVariables;
  const sign = problem.sense === 'maximize' ? -1 : 1;
  const base = withoutQuadratic(problem);
  const started = Date.now();
  const scale = Math.max(Math.abs(row.upper), 1e-12);
  let solves = 0;
  let subIterations = 0;
  const solveOptions = (warm: SolveOptions['warmStart'] | undefined): SolveOptions => ({
    ...(warm ? { warmStart: warm } : {}),
    ...(options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs }),
  });
  const at = async (mu: number, warm: SolveOptions['warmStart'] | undefined): Promise<{ solution: Solution; phi: number }> => {
    let sub: Problem = base;
    if (mu > 0) {
      const parts = disassemble(base);
      parts.sense = 'minimize';
      parts.c = Float64Array.from(problem.c, (v, i) => sign * v + mu * row.q[i]!);
      parts.offset = 0;
      parts.P = combine(problem.P, sign, row.Q, mu, n);
      sub = assemble(parts);
    }
    let solution: Solution;
    try {
      solution = await optimizer.solve(sub, solveOptions(warm));
    } catch (error) {
      const message = (error as Error).message;
      solution = { status: 'error', x: new Float64Array(n), weights: new Float64Array(problem.numWeights), objective: Number.NaN, primalResidual: Number.NaN, groups: [], diagnostics: { solver: optimizer.id, timeMs: 0, messages: [message] } };
    }
    solves++;
    subIterations += solution.diagnostics.iterations ?? 0;
    const phi = solution.status === 'optimal' ? quadraticRowValue(row, solution.x) - row.upper : Number.NaN;
    return { solution, phi };
  };
  const finish = (solution: Solution, mu: number, converged: boolean, note?: string): CutResult => {
    const x = solution.x.length === n ? solution.x : new Float64Array(n);
    const residuals = problemResiduals(problem, x);
    const violation = solution.status === 'optimal' ? Math.max(0, (quadraticRowValue(row, x) - row.upper) / scale) : 0;
    let status: Solution['status'] = solution.status;
    const messages = [...solution.diagnostics.messages];
    if (status === 'optimal' && !converged) {
      status = 'iteration_limit';
      messages.push(`lagrangian: stopped after ${maxIterations} solves before \`${row.label || 'quadratic row'}\` was met to tolerance ${tol}`);
    }
    messages.push(`lagrangian: \`${row.label || 'quadratic row'}\` handled with multiplier ${mu.toPrecision(6)} in ${solves} solve(s)${note ? `; ${note}` : ''}`);
    const { rowDuals: _duals, ...rest } = solution;
    return {
      method: 'lagrangian',
      solution: {
        ...rest,
        status,
        x,
        weights: x.subarray(0, problem.numWeights),
        objective: status === 'optimal' || status === 'iteration_limit' ? objectiveValue(problem, x) : Number.NaN,
        primalResidual: residuals.maxViolation,
        groups: residuals.groups,
        diagnostics: { ...solution.diagnostics, timeMs: Date.now() - started, iterations: subIterations, messages, multiplier: mu },
      },
      cuts: 0,
      iterations: solves,
      quadraticViolation: violation,
    };
  };

  const zero = await at(0, options.warmStart);
  if (zero.solution.status === 'infeasible') return finish(zero.solution, 0, true, 'the linear rows alone are infeasible');
  if (zero.solution.status === 'optimal' && zero.phi <= tol * scale) return finish(zero.solution, 0, true, 'the row is not binding');
  if (zero.solution.status !== 'optimal' && zero.solution.status !== 'unbounded') return finish(zero.solution, 0, false);
  // Is the row satisfiable at all under the linear rows? (One QP: min g.) This also proves a
  // finite multiplier exists before any large μ is tried.
  const notes: string[] = [];
  const interior = await findInterior(problem, [row], zero.solution.x, optimizer, notes, solveOptions(undefined));
  solves++;
  if (interior === null) return finish({ ...zero.solution, status: 'infeasible', diagnostics: { ...zero.solution.diagnostics, messages: [...zero.solution.diagnostics.messages, ...notes] } }, 0, true, 'no multiplier can meet the row');
  if (interior === undefined) return undefined;

  // Bracket: φ(lo) > 0 (or unbounded at lo = 0), φ(hi) ≤ 0.
  let cNorm = 0;
  for (const v of problem.c) cNorm = Math.max(cNorm, Math.abs(v));
  let lo = 0;
  let phiLo = Number.isFinite(zero.phi) ? zero.phi : Number.POSITIVE_INFINITY;
  let mu = Math.max(cNorm, 1e-8) / scale;
  let hi: { mu: number; solution: Solution; phi: number } | undefined;
  let warm: SolveOptions['warmStart'] | undefined = zero.solution.status === 'optimal' ? { x: zero.solution.x } : options.warmStart;
  for (let k = 0; k < 40 && solves < maxIterations; k++) {
    const probe = await at(mu, warm);
    if (probe.solution.status !== 'optimal') {
      if (probe.solution.status === 'unbounded') {
        lo = mu;
        mu *= 10;
        continue;
      }
      return undefined; // the optimizer does not take this QP: use cuts
    }
    warm = { x: probe.solution.x };
    if (probe.phi <= 0) {
      hi = { mu, ...probe };
      break;
    }
    lo = mu;
    phiLo = probe.phi;
    mu *= 10;
  }
  if (!hi) return undefined;
  if (hi.phi >= -tol * scale) return finish(hi.solution, hi.mu, true);
  // Illinois regula falsi on φ over [lo, hi.mu].
  let side = 0;
  while (solves < maxIterations) {
    let next: number;
    if (Number.isFinite(phiLo)) next = (lo * hi.phi - hi.mu * phiLo) / (hi.phi - phiLo);
    else next = (lo + hi.mu) / 2;
    if (!(next > lo && next < hi.mu)) next = (lo + hi.mu) / 2;
    if (hi.mu - lo <= 1e-15 * hi.mu) break;
    const probe = await at(next, warm);
    if (probe.solution.status !== 'optimal') return finish(probe.solution, next, false);
    warm = { x: probe.solution.x };
    if (probe.phi <= 0) {
      hi = { mu: next, ...probe };
      if (probe.phi >= -tol * scale) return finish(hi.solution, hi.mu, true);
      if (side === -1) phiLo /= 2;
      side = -1;
    } else {
      lo = next;
      phiLo = probe.phi;
      if (side === 1) hi = { ...hi, phi: hi.phi / 2 };
      side = 1;
    }
  }
  // The bracket collapsed (φ jumps across 0, e.g. a kink) or the budget ran out: the feasible end.
  return finish(hi.solution, hi.mu, hi.mu - lo <= 1e-15 * hi.mu, 'the multiplier bracket collapsed before φ reached the tolerance');
}
