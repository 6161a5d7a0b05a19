/** Solve a core Problem (LP only) with GLPK (`glpk.js/node`), an independent simplex code. */
import type { Problem } from '@factorkit/core';
import GLPK, { type LP } from 'glpk.js/node';

type Glpk = Awaited<ReturnType<typeof GLPK>>;
let glpk: Promise<Glpk> | undefined;

function bounds(g: Glpk, lb: number, ub: number): { type: number; lb: number; ub: number } {
  const hasLo = Number.isFinite(lb);
  const hasUp = Number.isFinite(ub);
  if (hasLo && hasUp) return { type: lb === ub ? g.GLP_FX : g.GLP_DB, lb, ub };
  if (hasLo) return { type: g.GLP_LO, lb, ub: 0 };
  if (hasUp) return { type: g.GLP_UP, lb: 0, ub };
  return { type: g.GLP_FR, lb: 0, ub: 0 };
}

export async function solveWithGlpk(problem: Problem): Promise<{ status: number; optimal: boolean; objective: number; x: Float64Array }> {
  if (problem.P) throw new Error('glpk cross-check: LPs only');
  glpk ??= GLPK();
  const g = await glpk;
  const name = (j: number) => `x${j}`;
  const lp: LP = {
    name: 'check',
    objective: {
      direction: problem.sense === 'maximize' ? g.GLP_MAX : g.GLP_MIN,
      name: 'obj',
      vars: Array.from(problem.c, (coef, j) => ({ name: name(j), coef })),
    },
    subjectTo: Array.from({ length: problem.A.rows }, (_, r) => {
      const vars = [];
      for (let k = problem.A.start[r]!; k < problem.A.start[r + 1]!; k++) vars.push({ name: name(problem.A.index[k]!), coef: problem.A.value[k]! });
      return { name: `r${r}`, vars, bnds: bounds(g, problem.rowLower[r]!, problem.rowUpper[r]!) };
    }),
    bounds: Array.from({ length: problem.numVariables }, (_, j) => ({ name: name(j), ...bounds(g, problem.lower[j]!, problem.upper[j]!) })),
  };
  const result = g.solve(lp, { msglev: g.GLP_MSG_OFF, presol: false });
  const x = Float64Array.from({ length: problem.numVariables }, (_, j) => result.result.vars[name(j)] ?? Number.NaN);
  return { status: result.result.status, optimal: result.result.status === g.GLP_OPT, objective: result.result.z + problem.offset, x };
}
