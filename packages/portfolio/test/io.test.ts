import { mkdtemp, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FactorkitError, type Problem, ProblemBuilder, ValidationError, defineConstraint, isFactorkitError, objectiveValue } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { buildPortfolioProblem, meanVariance, problemFromJSON, problemToJSON, solvePortfolio, toLP, toMPS } from '../src/index.js';
import { writeProblemFile } from '../src/node.js';
import { context } from './fixture.js';
import { loadHighs, testHighsOptimizer } from './helpers/highs.js';

/** An LP exercising every kind of row and bound, with labels that need sanitising. */
function lpProblem(): Problem {
  const p = new ProblemBuilder({ assets: ['000001.SZ', '000002.SZ', '600000.SH', '600036.SH'] }, 'maximize');
  p.addLinearObjective([0.03, -0.01, 0.02, 0.015]);
  p.addObjectiveOffset(0.25);
  const aux = p.addVariables('free aux', 1);
  p.group('budget', 100).addWeightRow([1, 1, 1, 1], 1, 1, 'budget');
  const b = p.group('bounds', 50);
  for (let i = 0; i < 4; i++) b.bound(i, i === 1 ? -0.1 : 0, 0.45);
  const ind = p.group('industry', 10);
  ind.addWeightRow([1, 1, 0, 0], 0.35, 0.55, 'industry:银行');
  ind.addWeightRow([0, 0, 1, 1], -Infinity, 0.6, 'industry:非银金融');
  ind.addWeightRow([0, 1, 1, 0], -Infinity, Infinity, 'free row');
  p.group('aux', 5).addRow({ index: [aux.start, 0, 2], value: [1, -2, 1], lower: 0, upper: 0, label: 'aux = 2w0 − w2' });
  p.addLinearObjective([0.001], aux.start);
  return p.build();
}

const budgetPlugin = defineConstraint({
  id: 'budget',
  apiVersion: '1.0',
  meta: { description: 'Σw = 1', params: {} },
  build({ rows, assets }) {
    rows.addWeightRow(new Array<number>(assets.length).fill(1), 1, 1, 'budget');
    for (let i = 0; i < assets.length; i++) rows.bound(i, 0, 0.5);
  },
});

function qpProblem(): Problem {
  return buildPortfolioProblem({ context, objective: meanVariance({ alpha: 'alpha', riskAversion: 2 }), constraints: [budgetPlugin.with()] });
}

function withQuadratic(): Problem {
  const p = new ProblemBuilder({ numWeights: 3 }, 'maximize');
  p.addLinearObjective([1, 2, 3]);
  p.group('te', 3).addQuadraticConstraint({ rows: [0, 0, 2], cols: [0, 1, 2], values: [2, 0.5, 1], linear: { index: [1], value: [-0.25] }, upper: 0.01, label: 'TE' });
  p.group('caps', 1).bound(2, -Infinity, 0.7);
  return p.build();
}

function expectSameProblem(a: Problem, b: Problem): void {
  expect(b).toEqual(a);
}

describe('factorkit-problem JSON', () => {
  for (const [name, make] of [
    ['LP with infinities, free rows, offsets', lpProblem],
    ['QP with structural (priority Infinity) group', qpProblem],
    ['quadratic constraint', withQuadratic],
  ] as const) {
    it(`round-trips through JSON text: ${name}`, () => {
      const original = make();
      const text = JSON.stringify(problemToJSON(original));
      expectSameProblem(original, problemFromJSON(text));
      expectSameProblem(original, problemFromJSON(JSON.parse(text)));
    });
  }

  it('writes infinities as "inf"/"-inf" and reads null as the side’s infinity', () => {
    const json = problemToJSON(qpProblem());
    expect(json.groups.find((g) => g.name === 'objective:factor-exposure')!.priority).toBe('inf');
    expect(json.lower[5]).toBe('-inf');
    expect(json.upper[5]).toBe('inf');
    const withNulls = { ...json, lower: json.lower.map((v) => (v === '-inf' ? null : v)), upper: json.upper.map((v) => (v === 'inf' ? null : v)) };
    expect(problemFromJSON(withNulls).lower[5]).toBe(Number.NEGATIVE_INFINITY);
    expect(problemFromJSON(withNulls).upper[5]).toBe(Number.POSITIVE_INFINITY);
  });

  it('names the JSON path of an out-of-range column: A.index[17]', () => {
    const p = new ProblemBuilder({ numWeights: 800 }, 'maximize');
    p.group('g').addWeightRow(Array.from({ length: 800 }, (_, i) => (i % 40 === 0 ? 1 : 0)), 0, 1, 'sparse');
    const json = problemToJSON(p.build());
    const bad = { ...json, A: { ...json.A, index: json.A.index.map((v, k) => (k === 17 ? 900 : v)) } };
    expect(() => problemFromJSON(bad)).toThrow('A.index[17]: column 900 out of range (numVariables 800)');
  });

  it('reports every problem at once with its path', () => {
    const json = problemToJSON(lpProblem()) as unknown as Record<string, unknown>;
    const bad = { ...json, version: 2, sense: 'max', c: [1, 2], lower: ['inf', 0, 0, 0, 0], groups: (json.groups as object[]).slice(1) };
    let error: ValidationError | undefined;
    try {
      problemFromJSON(bad);
    } catch (e) {
      error = e as ValidationError;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error!.code).toBe('FK_INVALID_PROBLEM');
    const paths = error!.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['version', 'sense', 'c', 'lower[0]', 'groups[0].rowStart']));
    expect(error!.message).toContain('c: expected 5 entries (numVariables), got 2');
    expect(error!.message).toContain('lower[0]: a lower bound of +inf leaves no feasible value');
  });

  it('rejects text that is not JSON, a wrong format tag, a lower-triangle P entry and bad quadratic rows', () => {
    expect(() => problemFromJSON('{"format":')).toThrow(/problem JSON does not parse/);
    expect(() => problemFromJSON([])).toThrow(/\(root\): expected an object, got an array/);
    const qp = problemToJSON(qpProblem());
    expect(() => problemFromJSON({ ...qp, format: 'other' })).toThrow(/format: expected "factorkit-problem"/);
    const P = qp.P!;
    // Move one diagonal entry of column 0 to row 3: below the diagonal.
    expect(() => problemFromJSON({ ...qp, P: { ...P, index: P.index.map((v, k) => (k === 0 ? 3 : v)) } })).toThrow(/P\.index\[0\]: row 3 below the diagonal in column 0/);
    const q = problemToJSON(withQuadratic());
    const qc = q.quadraticConstraints[0]!;
    expect(() => problemFromJSON({ ...q, quadraticConstraints: [{ ...qc, group: 7, upper: 'inf' }] })).toThrow(/quadraticConstraints\[0\]\.group: a group index 7 out of range \[0, 1\][\s\S]*quadraticConstraints\[0\]\.upper: expected a finite number/);
    expect(() => problemFromJSON({ ...q, rowLabels: [] })).not.toThrow();
    expect(() => problemFromJSON({ ...q, numVariables: 0 })).toThrow(/numVariables: a positive integer 0 out of range/);
  });
});

async function solveText(format: 'lp' | 'mps', text: string): Promise<{ status: number; objective: number; optimal: number }> {
  const highs = await loadHighs();
  const model = highs.createModel({ format, data: text });
  try {
    model.options.set('output_flag', false);
    model.run();
    return { status: model.getModelStatus(), objective: model.getObjectiveValue(), optimal: highs.constants.modelStatus.optimal };
  } finally {
    model.dispose();
  }
}

describe('LP and MPS export', () => {
  for (const [name, make] of [
    ['LP', lpProblem],
    ['QP (mean-variance, factor form)', qpProblem],
  ] as const) {
    for (const format of ['lp', 'mps'] as const) {
      it(`${name}: HiGHS reading the ${format.toUpperCase()} text reaches the original problem’s optimum`, async () => {
        const problem = make();
        const direct = await solvePortfolio(problem, { optimizer: testHighsOptimizer() });
        expect(direct.status).toBe('optimal');
        const fromText = await solveText(format, format === 'lp' ? toLP(problem) : toMPS(problem));
        expect(fromText.status).toBe(fromText.optimal);
        expect(fromText.objective).toBeCloseTo(direct.objective, 9);
        expect(direct.objective).toBeCloseTo(objectiveValue(problem, direct.x), 12);
      });
    }
  }

  it('sanitises labels into valid, unique row names and writes free variables and ranges', () => {
    const lp = toLP(lpProblem());
    // `industry:银行` → `industry___` (3 characters replaced), row 1, `_lo`/`_hi` for the two sides.
    expect(lp).toContain(' r1_industry____lo: 1 w_0 + 1 w_1 >= 0.35');
    expect(lp).toContain(' r1_industry____hi: 1 w_0 + 1 w_1 <= 0.55');
    expect(lp).toContain(' r2_industry_____: 1 w_2 + 1 w_3 <= 0.6');
    expect(lp).not.toContain('free_row');
    expect(lp).toContain(' free_aux_0 free');
    expect(lp).toContain(' -0.1 <= w_1 <= 0.45');
    expect(lp).toMatch(/obj: 0\.03 w_0 - 0\.01 w_1 \+ 0\.02 w_2 \+ 0\.015 w_3 \+ 0\.001 free_aux_0 \+ 0\.25/);
    const mps = toMPS(lpProblem());
    expect(mps).toMatch(/ {4}RNG r1_industry___ 0\.2000/);
    expect(mps).toContain(' FR BND free_aux_0');
    expect(mps).toContain('    RHS obj -0.25');
  });

  it('writes the QP objective as [ … ] / 2 and QUADOBJ, quadratic rows as QCP', () => {
    const lp = toLP(withQuadratic());
    expect(lp).toContain('q0_TE: - 0.25 w_1 + [ 1 w_0 ^ 2 + 0.5 w_0 * w_1 + 0.5 w_2 ^ 2 ] <= 0.01');
    const qp = toLP(qpProblem());
    // 2λD₀ = 2 · 2 · 0.02
    expect(qp).toMatch(/\+ \[ 0\.08 w_0 \^ 2/);
    expect(qp).toContain('] / 2');
    expect(toMPS(qpProblem())).toContain('QUADOBJ\n    w_0 w_0 0.08');
    expect(toMPS(withQuadratic())).toContain('QCMATRIX q0_TE\n    w_0 w_0 1\n    w_0 w_1 0.25\n    w_1 w_0 0.25');
  });
});

describe('writeProblemFile', () => {
  it('writes JSON, LP and MPS atomically and leaves no temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fk-portfolio-'));
    await writeProblemFile(join(dir, 'p.json'), qpProblem());
    await writeProblemFile(join(dir, 'p.lp'), qpProblem());
    await writeProblemFile(join(dir, 'p.txt'), qpProblem(), 'mps');
    expect((await readdir(dir)).sort()).toEqual(['p.json', 'p.lp', 'p.txt']);
    expectSameProblem(qpProblem(), problemFromJSON(await readFile(join(dir, 'p.json'), 'utf8')));
    expect(await readFile(join(dir, 'p.txt'), 'utf8')).toMatch(/^NAME factorkit/);
  });

  it('on failure leaves the target as it was and removes the temporary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fk-portfolio-'));
    const target = join(dir, 'occupied.json');
    await mkdir(target);
    await writeFile(join(target, 'keep'), 'x');
    const error = (await writeProblemFile(target, qpProblem()).catch((e: unknown) => e)) as FactorkitError;
    // Written through `@factorkit/core/node`, which bundles its own copy of the error class.
    expect(isFactorkitError(error)).toBe(true);
    expect(error.message).toContain('could not write');
    expect(await readdir(dir)).toEqual(['occupied.json']);
    expect(await readdir(target)).toEqual(['keep']);
    await expect(writeProblemFile(join(dir, 'p.xyz'), qpProblem())).rejects.toThrow(/cannot tell the format/);
  });
});
