import { type Problem, type QuadraticConstraint, type SparseMatrix, ValidationError } from '@factorkit/core';
import { Reader, parseJsonInput } from './reader.js';

/** `+∞`/`−∞` in JSON (which has no Infinity): the strings `"inf"` and `"-inf"`; `null` is read as the side's infinity. */
export type JsonNumber = number | 'inf' | '-inf' | null;

export interface JsonSparse {
  readonly start: number[];
  readonly index: number[];
  readonly value: number[];
}

/** The `factorkit-problem` v1 document. See the README for the field-by-field specification. */
export interface ProblemJSON {
  readonly format: 'factorkit-problem';
  readonly version: 1;
  readonly sense: 'minimize' | 'maximize';
  readonly numVariables: number;
  readonly numWeights: number;
  readonly assets?: string[];
  readonly blocks: { name: string; start: number; count: number }[];
  readonly c: number[];
  readonly offset: number;
  /** Upper triangle of P, column-compressed; `null` for a linear objective. */
  readonly P: JsonSparse | null;
  readonly lower: JsonNumber[];
  readonly upper: JsonNumber[];
  readonly lowerOwner: number[];
  readonly upperOwner: number[];
  /** Row-compressed constraint matrix with `rows` rows. */
  readonly A: JsonSparse & { rows: number };
  readonly rowLower: JsonNumber[];
  readonly rowUpper: JsonNumber[];
  readonly rowLabels: string[];
  readonly groups: { name: string; priority: JsonNumber; rowStart: number; rowCount: number }[];
  readonly quadraticConstraints: { group: number; label: string; Q: JsonSparse; q: { index: number[]; value: number[] }; upper: number }[];
}

const enc = (v: number): JsonNumber => (v === Number.POSITIVE_INFINITY ? 'inf' : v === Number.NEGATIVE_INFINITY ? '-inf' : v);
const sparse = (M: SparseMatrix): JsonSparse => ({ start: Array.from(M.start), index: Array.from(M.index), value: Array.from(M.value) });

/** The problem as a `factorkit-problem` v1 JSON value (pass to `JSON.stringify`). */
export function problemToJSON(problem: Problem): ProblemJSON {
  return {
    format: 'factorkit-problem',
    version: 1,
    sense: problem.sense,
    numVariables: problem.numVariables,
    numWeights: problem.numWeights,
    ...(problem.assets ? { assets: [...problem.assets] } : {}),
    blocks: problem.blocks.map((b) => ({ name: b.name, start: b.start, count: b.count })),
    c: Array.from(problem.c),
    offset: problem.offset,
    P: problem.P ? sparse(problem.P) : null,
    lower: Array.from(problem.lower, enc),
    upper: Array.from(problem.upper, enc),
    lowerOwner: Array.from(problem.lowerOwner),
    upperOwner: Array.from(problem.upperOwner),
    A: { rows: problem.A.rows, ...sparse(problem.A) },
    rowLower: Array.from(problem.rowLower, enc),
    rowUpper: Array.from(problem.rowUpper, enc),
    rowLabels: [...problem.rowLabels],
    groups: problem.groups.map((g) => ({ name: g.name, priority: enc(g.priority), rowStart: g.rowStart, rowCount: g.rowCount })),
    quadraticConstraints: (problem.quadraticConstraints ?? []).map((qc) => {
      const index: number[] = [];
      const value: number[] = [];
      qc.q.forEach((v, i) => {
        if (v !== 0) {
          index.push(i);
          value.push(v);
        }
      });
      return { group: qc.group, label: qc.label, Q: sparse(qc.Q), q: { index, value }, upper: qc.upper };
    }),
  };
}

/**
 * Read a `factorkit-problem` v1 document (a parsed value or JSON text). Everything is checked;
 * all problems are reported at once (up to 20) as `FK_INVALID_PROBLEM` with JSON paths, e.g.
 * `A.index[17]: column 900 out of range (numVariables 800)`. `source` (a file name) is named
 * in the message.
 */
export function problemFromJSON(input: unknown, source?: string): Problem {
  const what = source === undefined ? 'problem JSON' : `\`${source}\``;
  const value = parseJsonInput(input, what, 'FK_INVALID_PROBLEM', source === undefined ? 'problem JSON does not parse' : `${what} is not valid JSON`);
  const r = new Reader();
  const fail = (): never => {
    throw new ValidationError('FK_INVALID_PROBLEM', `${what} is not a valid factorkit-problem v1 document`, r.issues);
  };
  const o = r.object(value, '(root)');
  if (!o) return fail();
  if (o.format !== 'factorkit-problem') r.add('format', `expected "factorkit-problem", got ${r.describe(o.format)}`);
  if (o.version !== 1) r.add('version', `expected 1, got ${r.describe(o.version)}`);
  if (o.sense !== 'minimize' && o.sense !== 'maximize') r.add('sense', `expected "minimize" or "maximize", got ${r.describe(o.sense)}`);
  const n = r.int(o.numVariables, 'numVariables', 1, 2 ** 31 - 1, 'a positive integer');
  if (n === undefined) return fail();
  const numWeights = r.int(o.numWeights, 'numWeights', 1, n, 'a positive integer');
  let assets: string[] | undefined;
  if (o.assets !== undefined) {
    const arr = r.array(o.assets, 'assets', numWeights, 'numWeights');
    if (arr) {
      arr.forEach((a, i) => typeof a !== 'string' && r.add(`assets[${i}]`, `expected a string, got ${r.describe(a)}`));
      assets = arr as string[];
    }
  }
  const blocks: { name: string; start: number; count: number }[] = [];
  const blockArr = r.array(o.blocks, 'blocks');
  if (blockArr) {
    let next = 0;
    blockArr.forEach((b, i) => {
      const bo = r.object(b, `blocks[${i}]`);
      if (!bo) return;
      if (typeof bo.name !== 'string' || bo.name === '') r.add(`blocks[${i}].name`, `expected a non-empty string, got ${r.describe(bo.name)}`);
      const start = r.int(bo.start, `blocks[${i}].start`, 0, n);
      const count = r.int(bo.count, `blocks[${i}].count`, 0, n);
      if (start !== undefined && start !== next) r.add(`blocks[${i}].start`, `blocks must tile the variables in order: expected ${next}, got ${start}`);
      if (start !== undefined && count !== undefined) next = start + count;
      blocks.push({ name: String(bo.name), start: start ?? 0, count: count ?? 0 });
    });
    if (next !== n) r.add('blocks', `blocks cover ${next} variables, numVariables is ${n}`);
    if (blocks[0] && (blocks[0].name !== 'w' || blocks[0].count !== numWeights)) r.add('blocks[0]', `the first block must be \`w\` with numWeights (${numWeights}) variables`);
  }
  const c = r.floats(o.c, 'c', n, 'numVariables');
  const offset = r.finite(o.offset, 'offset');
  const P = o.P === null || o.P === undefined ? undefined : r.sparse(o.P, 'P', n, n, 'numVariables', 'row', true);
  const lower = r.floats(o.lower, 'lower', n, 'numVariables', (x, p) => r.bound(x, p, Number.NEGATIVE_INFINITY));
  const upper = r.floats(o.upper, 'upper', n, 'numVariables', (x, p) => r.bound(x, p, Number.POSITIVE_INFINITY));
  for (let i = 0; i < n; i++) {
    if (lower[i] === Number.POSITIVE_INFINITY) r.add(`lower[${i}]`, 'a lower bound of +inf leaves no feasible value');
    if (upper[i] === Number.NEGATIVE_INFINITY) r.add(`upper[${i}]`, 'an upper bound of -inf leaves no feasible value');
  }
  const groupsArr = r.array(o.groups, 'groups');
  const numGroups = groupsArr?.length ?? 0;
  const owners = (v: unknown, path: string): Int32Array => {
    const arr = r.array(v, path, n, 'numVariables');
    const out = new Int32Array(n).fill(-1);
    if (arr) arr.forEach((x, i) => (out[i] = r.int(x, `${path}[${i}]`, -1, numGroups - 1, 'a group index or -1') ?? -1));
    return out;
  };
  const lowerOwner = owners(o.lowerOwner, 'lowerOwner');
  const upperOwner = owners(o.upperOwner, 'upperOwner');
  const Ao = r.object(o.A, 'A');
  const m = Ao ? r.int(Ao.rows, 'A.rows', 0, 2 ** 31 - 1, 'a non-negative integer') : undefined;
  const A = m === undefined ? undefined : r.sparse(Ao, 'A', m, n, 'A.rows', 'column', false);
  const rows = m ?? 0;
  const rowLower = r.floats(o.rowLower, 'rowLower', rows, 'A.rows', (x, p) => r.bound(x, p, Number.NEGATIVE_INFINITY));
  const rowUpper = r.floats(o.rowUpper, 'rowUpper', rows, 'A.rows', (x, p) => r.bound(x, p, Number.POSITIVE_INFINITY));
  const labelArr = r.array(o.rowLabels, 'rowLabels', rows, 'A.rows');
  const rowLabels: string[] = [];
  labelArr?.forEach((l, i) => {
    if (typeof l !== 'string') r.add(`rowLabels[${i}]`, `expected a string, got ${r.describe(l)}`);
    rowLabels.push(String(l));
  });
  const groups: { name: string; priority: number; rowStart: number; rowCount: number }[] = [];
  if (groupsArr) {
    let next = 0;
    const names = new Set<string>();
    groupsArr.forEach((g, i) => {
      const go = r.object(g, `groups[${i}]`);
      if (!go) return;
      if (typeof go.name !== 'string' || go.name === '') r.add(`groups[${i}].name`, `expected a non-empty string, got ${r.describe(go.name)}`);
      else if (names.has(go.name)) r.add(`groups[${i}].name`, `duplicate group name ${JSON.stringify(go.name)}`);
      names.add(String(go.name));
      const priority = r.bound(go.priority, `groups[${i}].priority`, Number.NaN);
      if (go.priority === null) r.add(`groups[${i}].priority`, 'expected a number, "inf" or "-inf", got null');
      const rowStart = r.int(go.rowStart, `groups[${i}].rowStart`, 0, rows);
      const rowCount = r.int(go.rowCount, `groups[${i}].rowCount`, 0, rows);
      if (rowStart !== undefined && rowStart !== next) r.add(`groups[${i}].rowStart`, `groups must tile the rows in order: expected ${next}, got ${rowStart}`);
      if (rowStart !== undefined && rowCount !== undefined) next = rowStart + rowCount;
      groups.push({ name: String(go.name), priority, rowStart: rowStart ?? 0, rowCount: rowCount ?? 0 });
    });
    if (next !== rows) r.add('groups', `groups cover ${next} rows, A has ${rows}`);
  }
  const quadraticConstraints: QuadraticConstraint[] = [];
  if (o.quadraticConstraints !== undefined) {
    r.array(o.quadraticConstraints, 'quadraticConstraints')?.forEach((qv, k) => {
      const path = `quadraticConstraints[${k}]`;
      const qo = r.object(qv, path);
      if (!qo) return;
      const group = r.int(qo.group, `${path}.group`, 0, numGroups - 1, 'a group index');
      if (typeof qo.label !== 'string') r.add(`${path}.label`, `expected a string, got ${r.describe(qo.label)}`);
      const Q = r.sparse(qo.Q, `${path}.Q`, n, n, 'numVariables', 'row', true);
      const q = new Float64Array(n);
      const lo = r.object(qo.q, `${path}.q`);
      if (lo) {
        const idx = r.array(lo.index, `${path}.q.index`);
        const val = r.array(lo.value, `${path}.q.value`, idx?.length, `as many as ${path}.q.index`);
        if (idx && val) {
          idx.forEach((x, j) => {
            const col = r.int(x, `${path}.q.index[${j}]`, 0, n - 1, 'a variable index');
            const v = r.finite(val[j], `${path}.q.value[${j}]`);
            if (col !== undefined) q[col]! += v;
          });
        }
      }
      const upperQ = r.finite(qo.upper, `${path}.upper`);
      if (group !== undefined && Q) quadraticConstraints.push({ group, label: String(qo.label), Q, q, upper: upperQ });
    });
  }
  if (r.issues.length > 0 || !A) return fail();
  return {
    sense: o.sense as Problem['sense'],
    numVariables: n,
    numWeights: numWeights!,
    ...(assets ? { assets } : {}),
    blocks,
    c,
    offset,
    ...(P ? { P } : {}),
    lower,
    upper,
    lowerOwner,
    upperOwner,
    A,
    rowLower,
    rowUpper,
    rowLabels,
    groups,
    ...(quadraticConstraints.length > 0 ? { quadraticConstraints } : {}),
  };
}
