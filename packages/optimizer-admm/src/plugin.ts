import {
  FactorkitError,
  type GroupReport,
  type OptimizerInstance,
  type OptimizerPlugin,
  type ParamsOf,
  type Problem,
  type Solution,
  type SolveOptions,
  type SolveStatus,
  defineOptimizer,
  objectiveValue,
  param,
  failedSolution,
  problemResiduals,
  show,
} from '@factorkit/core';
import { type AdmmResult, type AdmmSettings, DEFAULT_SETTINGS, FactorCache, type QpData, solveAdmm } from './admm.js';
import type { Csr } from './kkt.js';

const SOLVER = 'admm';

const params = {
  epsAbs: param.number({ default: DEFAULT_SETTINGS.epsAbs, min: 0, exclusiveMin: true, description: 'absolute tolerance of the termination test' }),
  epsRel: param.number({ default: DEFAULT_SETTINGS.epsRel, min: 0, description: 'relative tolerance of the termination test' }),
  epsPrimalInfeasible: param.number({ default: DEFAULT_SETTINGS.epsPrimalInfeasible, min: 0, exclusiveMin: true, description: 'tolerance of the primal infeasibility certificate' }),
  epsDualInfeasible: param.number({ default: DEFAULT_SETTINGS.epsDualInfeasible, min: 0, exclusiveMin: true, description: 'tolerance of the dual infeasibility (unboundedness) certificate' }),
  maxIterations: param.integer({ default: DEFAULT_SETTINGS.maxIterations, min: 1, description: 'ADMM iteration limit' }),
  timeLimitMs: param.number({ default: DEFAULT_SETTINGS.timeLimitMs, min: 0, exclusiveMin: true, description: 'wall-clock limit per solve, ms (SolveOptions.timeLimitMs overrides it)' }),
  rho: param.number({ default: DEFAULT_SETTINGS.rho, min: 1e-6, max: 1e6, description: 'initial ADMM step ρ' }),
  sigma: param.number({ default: DEFAULT_SETTINGS.sigma, min: 0, exclusiveMin: true, description: 'primal regularisation σ' }),
  alpha: param.number({ default: DEFAULT_SETTINGS.alpha, min: 0, max: 2, exclusiveMin: true, exclusiveMax: true, description: 'over-relaxation α in (0, 2)' }),
  adaptiveRho: param.boolean({ default: DEFAULT_SETTINGS.adaptiveRho, description: 'adapt ρ to the ratio of primal and dual residuals' }),
  adaptiveRhoTolerance: param.number({ default: DEFAULT_SETTINGS.adaptiveRhoTolerance, min: 1, exclusiveMin: true, description: 'refactor when the suggested ρ changes by more than this factor' }),
  adaptiveRhoInterval: param.integer({ default: DEFAULT_SETTINGS.adaptiveRhoInterval, min: 1, description: 'iterations between ρ updates' }),
  checkEvery: param.integer({ default: DEFAULT_SETTINGS.checkEvery, min: 1, description: 'iterations between termination checks' }),
  scalingIterations: param.integer({ default: DEFAULT_SETTINGS.scalingIterations, min: 0, description: 'Ruiz equilibration passes (0 = no scaling)' }),
  polish: param.boolean({ default: DEFAULT_SETTINGS.polish, description: 'polish the ADMM solution on the guessed active set' }),
  polishDelta: param.number({ default: DEFAULT_SETTINGS.polishDelta, min: 0, exclusiveMin: true, description: 'regularisation of the polishing KKT system' }),
  polishRefineIterations: param.integer({ default: DEFAULT_SETTINGS.polishRefineIterations, min: 0, description: 'iterative-refinement steps of polishing' }),
  polishTightening: param.number({
    default: DEFAULT_SETTINGS.polishTightening,
    min: 0,
    max: 1,
    exclusiveMin: true,
    description: 'when polishing fails, keep iterating with epsAbs/epsRel tightened 10× per stage down to this factor, retrying polishing (1 = never)',
  }),
  feasibilityTolerance: param.number({
    default: 1e-7,
    min: 0,
    exclusiveMin: true,
    description: 'max violation (core problemResiduals) a polished answer must meet; above it diagnostics.polished is false with a message',
  }),
  denseThreshold: param.integer({ default: 0, min: 0, description: 'KKT rows/columns with more neighbours than this are ordered last (0 = max(16, 10·√size))' }),
};

/** The parameters of {@link admmOptimizer}. */
export type AdmmParams = ParamsOf<typeof params>;

interface Converted {
  readonly data: QpData;
  /** +1 to minimise, −1 when the problem maximises (we minimise the negation). */
  readonly sign: 1 | -1;
  /** For each appended bound row: the variable. */
  readonly boundVariable: Int32Array;
}

/** Problem → OSQP form: A stacked with identity rows for variables with a finite bound. */
export function toOsqpForm(problem: Problem): Converted {
  const n = problem.numVariables;
  const sign = problem.sense === 'maximize' ? -1 : 1;
  const { A, P } = problem;
  const m0 = A.rows;
  const bounded: number[] = [];
  for (let j = 0; j < n; j++) if (problem.lower[j] !== Number.NEGATIVE_INFINITY || problem.upper[j] !== Number.POSITIVE_INFINITY) bounded.push(j);
  const m = m0 + bounded.length;
  const nnz = A.start[m0]! + bounded.length;
  const start = new Int32Array(m + 1);
  start.set(A.start.subarray(0, m0 + 1));
  const index = new Int32Array(nnz);
  index.set(A.index.subarray(0, A.start[m0]));
  const value = new Float64Array(nnz);
  value.set(A.value.subarray(0, A.start[m0]));
  const l = new Float64Array(m);
  const u = new Float64Array(m);
  l.set(problem.rowLower);
  u.set(problem.rowUpper);
  let q = A.start[m0]!;
  bounded.forEach((j, r) => {
    index[q] = j;
    value[q++] = 1;
    start[m0 + r + 1] = q;
    l[m0 + r] = problem.lower[j]!;
    u[m0 + r] = problem.upper[j]!;
  });
  const Aosqp: Csr = { rows: m, cols: n, start, index, value };
  const qv = new Float64Array(n);
  for (let j = 0; j < n; j++) qv[j] = sign * problem.c[j]!;
  const data: QpData = {
    n,
    m,
    ...(P && P.start[n]! > 0 ? { P: { n, start: P.start, index: P.index, value: sign === 1 ? P.value : P.value.map((v) => -v) } } : {}),
    q: qv,
    A: Aosqp,
    l,
    u,
  };
  return { data, sign, boundVariable: Int32Array.from(bounded) };
}

/** Throw `FK_INVALID_PROBLEM` naming the first malformed part of `problem`. */
export function validateProblem(problem: Problem): void {
  const n = problem.numVariables;
  const fail = (message: string): never => {
    throw new FactorkitError('FK_INVALID_PROBLEM', `optimizer \`${SOLVER}\`: ${message}`);
  };
  if (!Number.isInteger(n) || n < 1) fail(`problem.numVariables is ${show(n)}`);
  for (const [name, arr] of [['c', problem.c], ['lower', problem.lower], ['upper', problem.upper]] as const) {
    if (arr.length !== n) fail(`problem.${name} has ${arr.length} entries for ${n} variables`);
  }
  for (let j = 0; j < n; j++) {
    if (!Number.isFinite(problem.c[j]!)) fail(`problem.c[${j}] is ${show(problem.c[j])}`);
    if (Number.isNaN(problem.lower[j]!) || Number.isNaN(problem.upper[j]!)) fail(`variable ${j} has a NaN bound`);
  }
  const { A } = problem;
  const m = A.rows;
  if (A.cols !== n) fail(`problem.A has ${A.cols} columns for ${n} variables`);
  if (A.start.length !== m + 1) fail(`problem.A.start has ${A.start.length} entries for ${m} rows`);
  if (problem.rowLower.length !== m || problem.rowUpper.length !== m) fail(`problem.rowLower/rowUpper do not have ${m} entries`);
  for (let i = 0; i < m; i++) {
    if (A.start[i + 1]! < A.start[i]!) fail(`problem.A.start is not non-decreasing at row ${i}`);
    for (let p = A.start[i]!; p < A.start[i + 1]!; p++) {
      const j = A.index[p]!;
      if (!(j >= 0 && j < n)) fail(`problem.A row ${rowName(problem, i)} refers to variable ${show(j)}`);
      if (!Number.isFinite(A.value[p]!)) fail(`problem.A row ${rowName(problem, i)} has coefficient ${show(A.value[p])} for variable ${j}`);
    }
    if (Number.isNaN(problem.rowLower[i]!) || Number.isNaN(problem.rowUpper[i]!)) fail(`row ${rowName(problem, i)} has a NaN bound`);
  }
  const P = problem.P;
  if (P) {
    if (P.rows !== n || P.cols !== n || P.start.length !== n + 1) fail(`problem.P is ${P.rows} × ${P.cols} for ${n} variables`);
    for (let j = 0; j < n; j++) {
      for (let p = P.start[j]!; p < P.start[j + 1]!; p++) {
        const i = P.index[p]!;
        if (!(i >= 0 && i <= j)) fail(`problem.P column ${j} has row ${show(i)}: P must be the upper triangle (row ≤ column)`);
        if (!Number.isFinite(P.value[p]!)) fail(`problem.P(${i}, ${j}) is ${show(P.value[p])}`);
      }
    }
  }
}

function rowName(problem: Problem, i: number): string {
  const label = problem.rowLabels[i];
  const group = problem.groups.find((g) => i >= g.rowStart && i < g.rowStart + g.rowCount);
  return `${i}${label ? ` (\`${label}\`)` : ''}${group ? ` of group \`${group.name}\`` : ''}`;
}

function settingsFrom(p: AdmmParams, options: SolveOptions | undefined): AdmmSettings {
  return {
    epsAbs: p.epsAbs,
    epsRel: p.epsRel,
    epsPrimalInfeasible: p.epsPrimalInfeasible,
    epsDualInfeasible: p.epsDualInfeasible,
    maxIterations: p.maxIterations,
    timeLimitMs: options?.timeLimitMs ?? p.timeLimitMs,
    rho: p.rho,
    sigma: p.sigma,
    alpha: p.alpha,
    adaptiveRho: p.adaptiveRho,
    adaptiveRhoTolerance: p.adaptiveRhoTolerance,
    adaptiveRhoInterval: p.adaptiveRhoInterval,
    checkEvery: p.checkEvery,
    scalingIterations: p.scalingIterations,
    polish: p.polish,
    polishDelta: p.polishDelta,
    polishRefineIterations: p.polishRefineIterations,
    polishTightening: p.polishTightening,
  };
}

const STATUS: Record<AdmmResult['status'], SolveStatus> = {
  solved: 'optimal',
  primal_infeasible: 'infeasible',
  dual_infeasible: 'unbounded',
  iteration_limit: 'iteration_limit',
  time_limit: 'time_limit',
  numerical_error: 'numerical_error',
};

/** A solution that carries no usable point: NaN weights, the status and why. */
function emptySolution(problem: Problem, status: Exclude<SolveStatus, 'optimal'>, messages: string[], t0: number): Solution {
  return failedSolution(problem, status, { solver: SOLVER, timeMs: performance.now() - t0, iterations: 0, rhoUpdates: 0, polished: false, messages });
}

/** Which groups a primal infeasibility certificate δy involves, largest share first. */
function certificateGroups(problem: Problem, converted: Converted, dy: Float64Array): string[] {
  const weight = new Map<string, number>();
  const m0 = problem.A.rows;
  let total = 0;
  for (let i = 0; i < dy.length; i++) total = Math.max(total, Math.abs(dy[i]!));
  if (!(total > 0)) return [];
  const add = (name: string, v: number): void => {
    weight.set(name, Math.max(weight.get(name) ?? 0, v));
  };
  for (let i = 0; i < dy.length; i++) {
    const v = Math.abs(dy[i]!) / total;
    if (v < 1e-3) continue;
    if (i < m0) {
      const g = problem.groups.find((gr) => i >= gr.rowStart && i < gr.rowStart + gr.rowCount);
      add(g ? `\`${g.name}\`` : `row ${i}`, v);
    } else {
      const j = converted.boundVariable[i - m0]!;
      const owner = dy[i]! > 0 ? problem.upperOwner[j]! : problem.lowerOwner[j]!;
      add(owner >= 0 ? `\`${problem.groups[owner]!.name}\`` : `bounds of variable ${j}`, v);
    }
  }
  return [...weight].sort((a, b) => b[1] - a[1]).map(([name]) => name);
}

/**
 * Solve `problem` with the OSQP algorithm. Exposed for callers that do not go through the
 * plugin; `cache` keeps factorisations between solves of same-structure problems.
 */
export function solveProblem(problem: Problem, p: AdmmParams, options: SolveOptions = {}, cache?: FactorCache): Solution {
  const t0 = performance.now();
  const qc = (problem as { quadraticConstraints?: unknown }).quadraticConstraints;
  if (Array.isArray(qc) && qc.length > 0) {
    return emptySolution(
      problem,
      'error',
      [`the problem has ${qc.length} quadratic constraint(s); optimizer \`${SOLVER}\` solves LPs and QPs only — @factorkit/portfolio handles quadratic constraints`],
      t0,
    );
  }
  validateProblem(problem);
  const n = problem.numVariables;
  // Trivially inconsistent bounds need no iterations, and the message can name the culprit.
  for (let j = 0; j < n; j++) {
    if (problem.lower[j]! > problem.upper[j]!) {
      const owners = [problem.lowerOwner[j]!, problem.upperOwner[j]!].filter((g) => g >= 0).map((g) => `\`${problem.groups[g]!.name}\``);
      return emptySolution(problem, 'infeasible', [`variable ${j}: lower bound ${problem.lower[j]} > upper bound ${problem.upper[j]}${owners.length ? ` (set by ${owners.join(' and ')})` : ''}`], t0);
    }
  }
  for (let i = 0; i < problem.A.rows; i++) {
    if (problem.rowLower[i]! > problem.rowUpper[i]!) {
      return emptySolution(problem, 'infeasible', [`row ${rowName(problem, i)}: lower ${problem.rowLower[i]} > upper ${problem.rowUpper[i]}`], t0);
    }
  }
  const converted = toOsqpForm(problem);
  const { data, sign } = converted;
  if (data.P) {
    for (let j = 0; j < n; j++) {
      for (let k = data.P.start[j]!; k < data.P.start[j + 1]!; k++) {
        if (data.P.index[k] === j && data.P.value[k]! < 0) {
          return emptySolution(problem, 'error', [`the objective is not convex: ${problem.sense === 'maximize' ? 'maximising with P(' + j + ', ' + j + ') > 0' : 'P(' + j + ', ' + j + ') < 0'}`], t0);
        }
      }
    }
  }
  const settings = settingsFrom(p, options);

  // Warm start: x as given; row duals converted from the core convention; bound duals
  // recovered from stationarity so that the start is consistent.
  let warm: { x?: Float64Array; y?: Float64Array } | undefined;
  const ws = options.warmStart;
  if (ws) {
    if (ws.x.length !== n) throw new FactorkitError('FK_INVALID_ARGUMENT', `optimizer \`${SOLVER}\`: options.warmStart.x has ${ws.x.length} entries for ${n} variables`);
    for (let j = 0; j < n; j++) if (!Number.isFinite(ws.x[j]!)) throw new FactorkitError('FK_INVALID_ARGUMENT', `optimizer \`${SOLVER}\`: options.warmStart.x[${j}] is ${show(ws.x[j])}`);
    warm = { x: ws.x };
    const last = cache?.lastPoint;
    if (last && last.y.length === data.m && last.x.length === n && last.x.every((v, j) => v === ws.x[j])) {
      // Warm start from this instance's previous solution: reuse its bound-row duals too.
      const y = Float64Array.from(last.y);
      if (ws.y) {
        if (ws.y.length !== problem.A.rows) throw new FactorkitError('FK_INVALID_ARGUMENT', `optimizer \`${SOLVER}\`: options.warmStart.y has ${ws.y.length} entries for ${problem.A.rows} rows`);
        for (let i = 0; i < problem.A.rows; i++) if (Number.isFinite(ws.y[i]!)) y[i] = -sign * ws.y[i]!;
      }
      warm.y = y;
    } else if (ws.y) {
      const m0 = problem.A.rows;
      if (ws.y.length !== m0) throw new FactorkitError('FK_INVALID_ARGUMENT', `optimizer \`${SOLVER}\`: options.warmStart.y has ${ws.y.length} entries for ${m0} rows`);
      const y = new Float64Array(data.m);
      for (let i = 0; i < m0; i++) {
        const v = -sign * ws.y[i]!;
        y[i] = Number.isFinite(v) ? v : 0;
      }
      // r = Px + q + A_rowsᵀ y_rows; a bound row's dual is −r on its variable.
      const r = Float64Array.from(data.q);
      if (data.P) {
        const { start, index, value } = data.P;
        for (let j = 0; j < n; j++) {
          for (let k = start[j]!; k < start[j + 1]!; k++) {
            const i = index[k]!;
            r[i]! += value[k]! * ws.x[j]!;
            if (i !== j) r[j]! += value[k]! * ws.x[i]!;
          }
        }
      }
      for (let i = 0; i < m0; i++) for (let k = data.A.start[i]!; k < data.A.start[i + 1]!; k++) r[data.A.index[k]!]! += data.A.value[k]! * y[i]!;
      converted.boundVariable.forEach((j, b) => {
        y[m0 + b] = -r[j]!;
      });
      warm.y = y;
    }
  }

  const result = solveAdmm(data, settings, {
    ...(warm ? { warmStart: warm } : {}),
    ...(cache ? { cache } : {}),
    ...(p.denseThreshold > 0 ? { denseThreshold: p.denseThreshold } : {}),
  });
  const status = STATUS[result.status];
  if (cache && status === 'optimal') cache.lastPoint = { x: result.x, y: result.y };
  const messages = [...result.messages];
  const diagnosticsBase = {
    solver: SOLVER,
    iterations: result.iterations,
    rhoUpdates: result.rhoUpdates,
    polished: result.polished,
    polishRounds: result.polishRounds,
    admmPrimalResidual: result.admmResiduals.primal,
    admmDualResidual: result.admmResiduals.dual,
    ...(result.polishResiduals ? { polishPrimalResidual: result.polishResiduals.primal, polishDualResidual: result.polishResiduals.dual } : {}),
    tightening: result.tightening,
    polishMs: result.polishMs,
    setupMs: result.setupMs,
    factorizations: result.factorizations,
    reusedStructure: result.reusedStructure,
    reusedFactorization: result.reusedScaling,
    rho: result.rho,
  };
  if (status === 'infeasible') {
    const groups = certificateGroups(problem, converted, result.y);
    messages.unshift(`primal infeasible (certificate after ${result.iterations} iterations)${groups.length ? `; conflicting constraints: ${groups.join(', ')}` : ''}`);
  } else if (status === 'unbounded') {
    messages.unshift(`unbounded: the objective improves without limit along a feasible direction (certificate after ${result.iterations} iterations)`);
  } else if (status === 'iteration_limit') {
    messages.unshift(`no convergence within ${settings.maxIterations} iterations (primal residual ${result.primalResidual.toExponential(2)}, dual ${result.dualResidual.toExponential(2)})`);
  } else if (status === 'time_limit') {
    messages.unshift(`stopped at the time limit of ${settings.timeLimitMs} ms after ${result.iterations} iterations`);
  } else if (status === 'numerical_error' && messages.length === 0) {
    messages.push('numerical error');
  }
  if (status === 'infeasible' || status === 'unbounded' || status === 'numerical_error') {
    const sol = emptySolution(problem, status, messages, t0);
    return { ...sol, diagnostics: { ...sol.diagnostics, ...diagnosticsBase, timeMs: performance.now() - t0, messages } };
  }

  const x = result.x;
  const m0 = problem.A.rows;
  const rowDuals = new Float64Array(m0);
  for (let i = 0; i < m0; i++) rowDuals[i] = -sign * result.y[i]!;
  const residuals = problemResiduals(problem, x);
  // Honest status: 'optimal' means the ADMM termination criteria hold; a point that is not a
  // polished one (polishing off, rejected, or a polished point that still misses the
  // feasibility tolerance) says so in diagnostics.polished and the first message.
  let polished = result.polished;
  if (status === 'optimal' && (!polished || !(residuals.maxViolation <= p.feasibilityTolerance))) {
    polished = false;
    const viol = residuals.maxViolation;
    messages.unshift(
      viol <= p.feasibilityTolerance
        ? `not polished (max violation ${viol.toExponential(1)} ≤ ${p.feasibilityTolerance.toExponential(0)}; the objective is only as accurate as epsAbs/epsRel)`
        : `not polished: max violation ${viol.toExponential(1)} > ${p.feasibilityTolerance.toExponential(0)}; the point meets only the ADMM tolerances (epsAbs ${settings.epsAbs.toExponential(0)}, epsRel ${settings.epsRel.toExponential(0)})`,
    );
  }
  const groups: GroupReport[] = residuals.groups.map((g, gi) => {
    const group = problem.groups[gi]!;
    return { ...g, duals: rowDuals.slice(group.rowStart, group.rowStart + group.rowCount) };
  });
  return {
    status,
    x,
    weights: x.subarray(0, problem.numWeights),
    objective: objectiveValue(problem, x),
    primalResidual: residuals.maxViolation,
    dualResidual: result.dualResidual,
    groups,
    rowDuals,
    diagnostics: { ...diagnosticsBase, polished, timeMs: performance.now() - t0, messages },
  };
}

/**
 * The ADMM (OSQP-algorithm) optimizer plugin. Each instance keeps a factorisation cache keyed
 * on the sparsity pattern, so weekly rebalances of same-structure problems skip the ordering
 * and symbolic factorisation (and, when P and A are unchanged, the numeric one too).
 *
 * @example
 * const solver = await admmOptimizer.create(admmOptimizer.with({ epsAbs: 1e-6 }).params);
 * const first = await solver.solve(problem);
 * const next = await solver.solve(nextWeek, { warmStart: { x: first.x, y: first.rowDuals } });
 */
export const admmOptimizer = defineOptimizer({
  id: SOLVER,
  apiVersion: '1.0',
  meta: {
    title: 'ADMM (OSQP algorithm)',
    description:
      'Convex QPs and LPs by the OSQP algorithm: ADMM on the quasi-definite KKT system with a sparse LDLᵀ (dense rows ordered last, so factor risk models become a small dense block), adaptive ρ, Ruiz scaling, infeasibility certificates, polishing and warm starts.',
    params,
    capabilities: { linear: true, quadratic: true, duals: true, warmStart: true },
  },
  create(p): OptimizerInstance {
    const cache = new FactorCache(4);
    return {
      id: SOLVER,
      solve: (problem, options) => Promise.resolve(solveProblem(problem, p, options, cache)),
      dispose: () => cache.clear(),
    };
  },
}) satisfies OptimizerPlugin<typeof params>;
