/** An independent LP solve of a core Problem with GLPK's simplex (`glpk.js`), for cross-checks. */
import type { Problem } from '@factorkit/core';
import GLPK from 'glpk.js/node';

type Glpk = Awaited<ReturnType<typeof GLPK>>;
let instance: Promise<Glpk> | undefined;

function boundsOf(g: Glpk, lower: number, upper: number): { type: number; lb: number; ub: number } {
  if (Number.isFinite(lower) && Number.isFinite(upper)) return { type: lower === upper ? g.GLP_FX : g.GLP_DB, lb: lower, ub: upper };
  if (Number.isFinite(lower)) return { type: g.GLP_LO, lb: lower, ub: 0 };
  if (Number.isFinite(upper)) return { type: g.GLP_UP, lb: 0, ub: upper };
  return { type: g.GLP_FR, lb: 0, ub: 0 };
}

/**
 * GLPK's verdict: `optimal` (with the objective), `infeasible` (no primal feasible point), or another status by GLPK's name.
 * With `presolve` (GLPK's default), an infeasible problem found so by the presolver comes back `undefined`; without it, `infeasible`.
 */
export async function solveWithGlpk(problem: Problem, options: { presolve?: boolean } = {}): Promise<{ optimal: boolean; objective: number; status: 'optimal' | 'infeasible' | 'unbounded' | 'undefined' | 'feasible' | 'other' }> {
  if (problem.P) throw new Error('GLPK cross-check: linear problems only');
  instance ??= GLPK();
  const g = await instance;
  const v = (j: number): string => `v${j}`;
  const rows = [];
  for (let r = 0; r < problem.A.rows; r++) {
    const vars = [];
    for (let k = problem.A.start[r]!; k < problem.A.start[r + 1]!; k++) vars.push({ name: v(problem.A.index[k]!), coef: problem.A.value[k]! });
    rows.push({ name: `r${r}`, vars, bnds: boundsOf(g, problem.rowLower[r]!, problem.rowUpper[r]!) });
  }
  const solved = g.solve(
    {
      name: 'mfe',
      objective: { direction: problem.sense === 'maximize' ? g.GLP_MAX : g.GLP_MIN, name: 'objective', vars: Array.from(problem.c, (coef, j) => ({ name: v(j), coef })) },
      subjectTo: rows,
      bounds: Array.from({ length: problem.numVariables }, (_, j) => ({ name: v(j), ...boundsOf(g, problem.lower[j]!, problem.upper[j]!) })),
    },
    { msglev: g.GLP_MSG_OFF, ...(options.presolve === false ? { presol: false } : {}) },
  );
  const code = solved.result.status;
  const status = code === g.GLP_OPT ? 'optimal' : code === g.GLP_NOFEAS ? 'infeasible' : code === g.GLP_UNBND ? 'unbounded' : code === g.GLP_UNDEF ? 'undefined' : code === g.GLP_FEAS ? 'feasible' : 'other';
  return { optimal: code === g.GLP_OPT, objective: solved.result.z + problem.offset, status };
}
