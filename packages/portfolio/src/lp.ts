import type { Problem } from '@factorkit/core';

/** Variable names for LP/MPS: `<block>_<i>` sanitised (`w_0`, `riskFactors_3`). */
export function variableNames(problem: Problem): string[] {
  const names: string[] = new Array<string>(problem.numVariables);
  for (const b of problem.blocks) {
    let base = b.name.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-DF-Za-df-z_]/.test(base)) base = `x_${base}`;
    for (let i = 0; i < b.count; i++) names[b.start + i] = `${base}_${i}`;
  }
  for (let i = 0; i < names.length; i++) names[i] ??= `x_${i}`;
  return names;
}

/**
 * Row names: `r<index>_<label>` with every character outside `[A-Za-z0-9_]` replaced by `_`
 * (so `industry:银行` on row 7 becomes `r7_industry___`), at most 64 characters. The index keeps
 * them unique; the label keeps them readable.
 */
export function rowNames(problem: Problem): string[] {
  return problem.rowLabels.map((label, r) => `r${r}_${label.replace(/[^A-Za-z0-9_]/g, '_')}`.slice(0, 64));
}

const num = (v: number): string => {
  const s = String(v);
  return s.includes('e') ? v.toExponential(17).replace(/\.?0+e/, 'e') : s;
};

function term(coef: number, name: string, first: boolean): string {
  const sign = coef < 0 ? '-' : '+';
  const mag = Math.abs(coef);
  return `${first && sign === '+' ? '' : `${sign} `}${num(mag)} ${name}`;
}

/** Wrap long expressions: CPLEX LP lines are limited (255 characters in some readers). */
function wrap(parts: string[], indent = '   '): string {
  const lines: string[] = [];
  let line = '';
  for (const p of parts) {
    if (line.length + p.length + 1 > 200) {
      lines.push(line);
      line = indent;
    }
    line += (line.trim() === '' ? '' : ' ') + p;
  }
  lines.push(line);
  return lines.join('\n');
}

/** `½ xᵀMx` terms of an upper-triangle CSC matrix, for the inside of `[ … ]`. */
function quadTerms(M: Problem['P'], names: string[], halve: boolean): string[] {
  const out: string[] = [];
  if (!M) return out;
  for (let col = 0; col < M.cols; col++) {
    for (let k = M.start[col]!; k < M.start[col + 1]!; k++) {
      const row = M.index[k]!;
      const v = M.value[k]!;
      if (v === 0) continue;
      // ½·(Σ M_ii x_i² + 2 Σ_{i<j} M_ij x_i x_j); the objective's "/ 2" supplies the ½.
      const coef = (row === col ? v : 2 * v) * (halve ? 0.5 : 1);
      const body = row === col ? `${names[row]} ^ 2` : `${names[row]} * ${names[col]}`;
      out.push(term(coef, body, out.length === 0));
    }
  }
  return out;
}

/**
 * The problem in CPLEX LP format (readable by HiGHS, glpk, CPLEX, Gurobi): objective (with its
 * constant and, for a QP, `[ … ] / 2`), one row per finite side (ranged rows become `_lo`/`_hi`
 * pairs, free rows are left out), quadratic rows as `[ … ]` constraints (QCP: HiGHS and glpk
 * do not read those), bounds with `free` and `-inf`.
 */
export function toLP(problem: Problem): string {
  const names = variableNames(problem);
  const rnames = rowNames(problem);
  const out: string[] = [`\\ factorkit-problem exported by @factorkit/portfolio: ${problem.numVariables} variables, ${problem.A.rows} rows`];
  out.push(problem.sense === 'maximize' ? 'Maximize' : 'Minimize');
  const obj: string[] = [];
  for (let i = 0; i < problem.numVariables; i++) if (problem.c[i] !== 0) obj.push(term(problem.c[i]!, names[i]!, obj.length === 0));
  if (obj.length === 0) obj.push(`0 ${names[0]}`);
  if (problem.offset !== 0) obj.push(`${problem.offset < 0 ? '-' : '+'} ${num(Math.abs(problem.offset))}`);
  const q = quadTerms(problem.P, names, false);
  if (q.length > 0) obj.push('+ [', ...q, '] / 2');
  out.push(wrap([' obj:', ...obj]));
  out.push('Subject To');
  const { A } = problem;
  for (let r = 0; r < A.rows; r++) {
    const lo = problem.rowLower[r]!;
    const hi = problem.rowUpper[r]!;
    if (!Number.isFinite(lo) && !Number.isFinite(hi)) continue;
    const expr: string[] = [];
    for (let k = A.start[r]!; k < A.start[r + 1]!; k++) expr.push(term(A.value[k]!, names[A.index[k]!]!, expr.length === 0));
    if (expr.length === 0) expr.push(`0 ${names[0]}`);
    if (lo === hi) out.push(wrap([` ${rnames[r]}:`, ...expr, '=', num(lo)]));
    else {
      if (Number.isFinite(lo)) out.push(wrap([` ${rnames[r]}${Number.isFinite(hi) ? '_lo' : ''}:`, ...expr, '>=', num(lo)]));
      if (Number.isFinite(hi)) out.push(wrap([` ${rnames[r]}${Number.isFinite(lo) ? '_hi' : ''}:`, ...expr, '<=', num(hi)]));
    }
  }
  (problem.quadraticConstraints ?? []).forEach((qc, k) => {
    const expr: string[] = [];
    for (let i = 0; i < qc.q.length; i++) if (qc.q[i] !== 0) expr.push(term(qc.q[i]!, names[i]!, expr.length === 0));
    const qt = quadTerms(qc.Q, names, true);
    if (qt.length > 0) expr.push(expr.length === 0 ? '[' : '+ [', ...qt, ']');
    out.push(wrap([` q${k}_${qc.label.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 60)}:`, ...expr, '<=', num(qc.upper)]));
  });
  out.push('Bounds');
  for (let i = 0; i < problem.numVariables; i++) {
    const lo = problem.lower[i]!;
    const hi = problem.upper[i]!;
    const nm = names[i]!;
    if (!Number.isFinite(lo) && !Number.isFinite(hi)) out.push(` ${nm} free`);
    else if (lo === hi) out.push(` ${nm} = ${num(lo)}`);
    else out.push(` ${Number.isFinite(lo) ? num(lo) : '-inf'} <= ${nm} <= ${Number.isFinite(hi) ? num(hi) : '+inf'}`);
  }
  out.push('End', '');
  return out.join('\n');
}

/**
 * The problem in free MPS: `OBJSENSE`, `ROWS`/`COLUMNS`/`RHS` (the objective constant as
 * `−offset` on the objective row), `RANGES` for two-sided rows, `BOUNDS` (`FR`, `MI`, `FX`,
 * `LO`, `UP`), `QUADOBJ` (upper triangle of P) for a QP, and `QCMATRIX` sections for
 * quadratic rows (a CPLEX extension HiGHS does not read).
 */
export function toMPS(problem: Problem): string {
  const names = variableNames(problem);
  const rnames = rowNames(problem);
  const { A } = problem;
  const out: string[] = ['NAME factorkit', 'OBJSENSE', problem.sense === 'maximize' ? '    MAX' : '    MIN', 'ROWS', ' N obj'];
  const kept: number[] = [];
  for (let r = 0; r < A.rows; r++) {
    const lo = problem.rowLower[r]!;
    const hi = problem.rowUpper[r]!;
    if (!Number.isFinite(lo) && !Number.isFinite(hi)) continue;
    kept.push(r);
    out.push(` ${lo === hi ? 'E' : Number.isFinite(lo) ? 'G' : 'L'} ${rnames[r]}`);
  }
  const quads = problem.quadraticConstraints ?? [];
  const qnames = quads.map((qc, k) => `q${k}_${qc.label.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 60)}`);
  qnames.forEach((nm) => out.push(` L ${nm}`));
  // Columns: gather each column's entries from the CSR rows.
  const cols: string[][] = Array.from({ length: problem.numVariables }, () => []);
  for (let i = 0; i < problem.numVariables; i++) if (problem.c[i] !== 0) cols[i]!.push(`obj ${num(problem.c[i]!)}`);
  for (const r of kept) for (let k = A.start[r]!; k < A.start[r + 1]!; k++) cols[A.index[k]!]!.push(`${rnames[r]} ${num(A.value[k]!)}`);
  quads.forEach((qc, k) => qc.q.forEach((v, i) => v !== 0 && cols[i]!.push(`${qnames[k]} ${num(v)}`)));
  out.push('COLUMNS');
  cols.forEach((entries, i) => {
    if (entries.length === 0) entries.push('obj 0');
    for (const e of entries) out.push(`    ${names[i]} ${e}`);
  });
  out.push('RHS');
  if (problem.offset !== 0) out.push(`    RHS obj ${num(-problem.offset)}`);
  const ranges: string[] = [];
  for (const r of kept) {
    const lo = problem.rowLower[r]!;
    const hi = problem.rowUpper[r]!;
    const rhs = lo === hi || Number.isFinite(lo) ? lo : hi;
    if (rhs !== 0) out.push(`    RHS ${rnames[r]} ${num(rhs)}`);
    if (lo !== hi && Number.isFinite(lo) && Number.isFinite(hi)) ranges.push(`    RNG ${rnames[r]} ${num(hi - lo)}`);
  }
  quads.forEach((qc, k) => qc.upper !== 0 && out.push(`    RHS ${qnames[k]} ${num(qc.upper)}`));
  if (ranges.length > 0) out.push('RANGES', ...ranges);
  out.push('BOUNDS');
  for (let i = 0; i < problem.numVariables; i++) {
    const lo = problem.lower[i]!;
    const hi = problem.upper[i]!;
    const nm = names[i]!;
    if (!Number.isFinite(lo) && !Number.isFinite(hi)) out.push(` FR BND ${nm}`);
    else if (lo === hi) out.push(` FX BND ${nm} ${num(lo)}`);
    else {
      out.push(Number.isFinite(lo) ? ` LO BND ${nm} ${num(lo)}` : ` MI BND ${nm}`);
      if (Number.isFinite(hi)) out.push(` UP BND ${nm} ${num(hi)}`);
    }
  }
  if (problem.P && problem.P.index.length > 0) {
    out.push('QUADOBJ');
    const P = problem.P;
    for (let col = 0; col < P.cols; col++) for (let k = P.start[col]!; k < P.start[col + 1]!; k++) if (P.value[k] !== 0) out.push(`    ${names[P.index[k]!]} ${names[col]} ${num(P.value[k]!)}`);
  }
  quads.forEach((qc, k) => {
    // QCMATRIX holds the full symmetric matrix of xᵀMx; our row is ½xᵀQx, so M = Q/2.
    out.push(`QCMATRIX ${qnames[k]}`);
    const Q = qc.Q;
    for (let col = 0; col < Q.cols; col++) {
      for (let j = Q.start[col]!; j < Q.start[col + 1]!; j++) {
        const row = Q.index[j]!;
        const v = Q.value[j]! / 2;
        out.push(`    ${names[row]} ${names[col]} ${num(v)}`);
        if (row !== col) out.push(`    ${names[col]} ${names[row]} ${num(v)}`);
      }
    }
  });
  out.push('ENDATA', '');
  return out.join('\n');
}
