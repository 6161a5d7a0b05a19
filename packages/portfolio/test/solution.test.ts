// The `factorkit-solution` v1 file: written next to the problem format, read back with every
// field checked, and still the same fields as the files `factorkit optimize` wrote before.
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FactorkitError, type Problem, ProblemBuilder, ValidationError, isFactorkitError } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import { type SolutionJSON, relaxationFromJSON, solutionFromJSON, solutionToJSON, solvePortfolio } from '../src/index.js';
import { readProblemFile, readSolutionFile, writeProblemFile, writeSolutionFile } from '../src/node.js';
import { testHighsOptimizer } from './helpers/highs.js';

const assets = ['600000.SH', '600036.SH', '000001.SZ', '300750.SZ'];

/**
 * Four assets, benchmark (0.4, 0.3, 0.2, 0.1), alpha (1, 2, 3, 4), |w − b| ≤ 0.05, fully
 * invested, a floor on the first two. By hand, without the floor: w = (0.35, 0.25, 0.25, 0.15),
 * objective 0.35 + 0.5 + 0.75 + 0.6 = 2.2; the first two can hold at most 0.45 + 0.35 = 0.8.
 */
function problem(floor: number): Problem {
  const b = [0.4, 0.3, 0.2, 0.1];
  const p = new ProblemBuilder({ assets });
  p.addLinearObjective([1, 2, 3, 4]);
  p.group('budget', 10).addWeightRow([1, 1, 1, 1], 1, 1, 'sum of weights');
  const deviation = p.group('deviation', 5);
  b.forEach((bi, i) => deviation.bound(i, Math.max(0, bi - 0.05), bi + 0.05));
  p.group('industry', 3).addWeightRow([1, 1, 0, 0], floor, Number.POSITIVE_INFINITY, 'industry:银行');
  return p.build();
}

/** The top-level fields, in order, of the files the CLI wrote before the format moved here. */
const V1_FIELDS = ['format', 'version', 'problem', 'solver', 'status', 'objective', 'weights', 'x', 'primalResidual', 'dualResidual', 'groups', 'relaxations', 'infeasibility', 'diagnostics'];

describe('solutionToJSON / solutionFromJSON', () => {
  it('an optimal solve: weights by asset, the same fields as before, read back unchanged', async () => {
    const p = problem(0);
    const result = await solvePortfolio(p, { optimizer: testHighsOptimizer() });
    const doc = solutionToJSON(p, result, { problem: 'mfe.json', solver: 'highs' });
    expect(Object.keys(doc)).toEqual(V1_FIELDS);
    expect(doc).toMatchObject({ format: 'factorkit-solution', version: 1, problem: 'mfe.json', solver: 'highs', status: 'optimal', infeasibility: null, relaxations: [] });
    expect(doc.objective!).toBeCloseTo(2.2, 9);
    const expected = { '600000.SH': 0.35, '600036.SH': 0.25, '000001.SZ': 0.25, '300750.SZ': 0.15 };
    expect(Object.keys(doc.weights!)).toEqual(assets);
    for (const [asset, w] of Object.entries(expected)) expect(doc.weights![asset]!).toBeCloseTo(w, 9);
    expect(doc.x).toHaveLength(4);
    expect(doc.groups.map((g) => [g.name, g.priority])).toEqual([
      ['budget', 10],
      ['deviation', 5],
      ['industry', 3],
    ]);
    const text = JSON.stringify(doc);
    expect(solutionFromJSON(text)).toEqual(JSON.parse(text));
  });

  it('an infeasible solve: no weights, the report with its minimal conflict, read back unchanged', async () => {
    const p = problem(0.9);
    const result = await solvePortfolio(p, { optimizer: testHighsOptimizer() });
    const doc = solutionToJSON(p, result, { problem: 'infeasible.json', solver: 'highs' });
    expect(Object.keys(doc)).toEqual(V1_FIELDS);
    expect(doc).toMatchObject({ status: 'infeasible', objective: null, weights: null, x: null });
    expect(doc.infeasibility!.minimalConflicts[0]!.groups).toEqual(['industry', 'deviation']);
    expect(doc.diagnostics.messages).toContain('2 assets with caps summing to 80.00% (`deviation`) < 90.00% required by `industry` (row `industry:银行`)');
    const text = JSON.stringify(doc);
    expect(text).not.toMatch(/NaN|Infinity(?!")/);
    expect(solutionFromJSON(text)).toEqual(JSON.parse(text));
  });

  it('relaxation steps: infinite sides are written as null and read back', async () => {
    const p = problem(0.9);
    const result = await solvePortfolio(p, { optimizer: testHighsOptimizer(), relaxation: [{ group: 'industry', steps: [0.05, 0.1] }] });
    expect(result.status).toBe('optimal');
    const doc = solutionToJSON(p, result, { problem: 'p.json', solver: 'highs' });
    // 0.9 − 0.05 = 0.85 > 0.8 still infeasible; 0.9 − 0.1 = 0.8 feasible: two steps.
    expect(doc.relaxations.map((r) => r.to)).toEqual([
      { lower: 0.85, upper: null },
      { lower: 0.8, upper: null },
    ]);
    expect(doc.infeasibility!.minimalConflicts[0]!.groups).toEqual(['industry', 'deviation']);
    expect(solutionFromJSON(JSON.parse(JSON.stringify(doc)))).toEqual(JSON.parse(JSON.stringify(doc)));
  });

  it('reads a file written by the CLI before the format moved here (no minimalConflicts, "Infinity" priorities)', () => {
    const old = {
      format: 'factorkit-solution',
      version: 1,
      problem: 'infeasible.json',
      solver: 'highs',
      status: 'infeasible',
      objective: null,
      weights: null,
      x: null,
      primalResidual: null,
      dualResidual: null,
      groups: [
        { name: 'objective:factor-exposure', priority: 'Infinity', maxViolation: null },
        { name: 'industry', priority: 3, maxViolation: null },
      ],
      relaxations: [{ group: 'industry', step: 1, amount: 'widen by 0.05', rows: [{ label: 'industry:银行', from: { lower: 0.9, upper: null }, to: { lower: 0.85, upper: null } }], from: { lower: 0.9, upper: null }, to: { lower: 0.85, upper: null } }],
      infeasibility: {
        conflicts: [{ group: 'industry', priority: 3, violated: true, rows: [{ label: 'industry:银行', kind: 'row', side: 'lower', bound: 0.9, achievable: 0.8, slack: 0.1, percent: true }] }],
        messages: ['infeasible: `industry` (priority 3) must be relaxed'],
        elasticObjective: 0.05,
        solves: 3,
        complete: true,
      },
      diagnostics: { solver: 'highs', timeMs: 3, messages: ['infeasible'] },
    };
    const read = solutionFromJSON(old);
    expect(read.infeasibility!.minimalConflicts).toEqual([]);
    expect(read.infeasibility!.conflicts[0]!.rows[0]!.achievable).toBe(0.8);
    expect(read.groups[0]!.priority).toBe('Infinity');
    expect(read.relaxations[0]!.to).toEqual({ lower: 0.85, upper: null });
  });

  it('names every field at fault, all at once, and the file', () => {
    const bad = {
      format: 'factorkit-solution',
      version: 2,
      problem: 'p.json',
      solver: 'highs',
      status: 'done',
      objective: 'high',
      weights: { '600000.SH': '0.1' },
      x: null,
      primalResidual: -Infinity,
      dualResidual: null,
      groups: [{ name: 'budget', priority: 'inf', maxViolation: null }],
      relaxations: [],
      infeasibility: null,
      diagnostics: { solver: 'highs', timeMs: 1, messages: [1] },
    };
    const error = (() => {
      try {
        solutionFromJSON(bad, 'out/solution.json');
      } catch (e) {
        return e as ValidationError;
      }
      throw new Error('solutionFromJSON accepted a bad document');
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toMatch(/^`out\/solution\.json` is not a valid factorkit-solution v1 document:/);
    expect(error.issues.map((i) => i.path)).toEqual(['version', 'status', 'objective', 'weights', 'primalResidual', 'groups[0].priority', 'diagnostics.messages[0]']);
    expect(error.message).toContain('- status: expected one of "optimal", "infeasible"');
    // An optimal solution must carry finite weights, each named by its asset.
    expect(() => solutionFromJSON({ ...bad, version: 1, status: 'optimal', objective: 1, weights: { '600000.SH': '0.1' }, x: [0.1], primalResidual: 0, groups: [], diagnostics: { solver: 'highs', timeMs: 1, messages: [] } })).toThrow(
      /weights\["600000\.SH"\]: expected a finite number, got "0\.1"/,
    );
    expect(() => solutionFromJSON('{"format": ', 'broken.json')).toThrow(/`broken\.json` is not valid JSON/);
    expect(() => solutionFromJSON({ ...JSON.parse(JSON.stringify(bad)), status: 'infeasible', version: 1, objective: null, weights: null, primalResidual: null, groups: [], diagnostics: { solver: 'x', timeMs: 0, messages: [] } })).toThrow(
      /infeasibility: expected the report of an infeasible solve, got null/,
    );
  });
});

describe('writeSolutionFile / readSolutionFile / readProblemFile', () => {
  it('writes atomically, leaves no temporary file, and reads back what it wrote', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fk-solution-'));
    const p = problem(0.9);
    await writeProblemFile(join(dir, 'p.json'), p);
    const read = await readProblemFile(join(dir, 'p.json'));
    expect(read.rowLower[1]).toBe(0.9);
    const result = await solvePortfolio(read, { optimizer: testHighsOptimizer() });
    const written: SolutionJSON = await writeSolutionFile(join(dir, 's.json'), read, result, { problem: 'p.json', solver: 'highs' });
    expect((await readdir(dir)).sort()).toEqual(['p.json', 's.json']);
    expect(await readSolutionFile(join(dir, 's.json'))).toEqual(JSON.parse(JSON.stringify(written)));
    expect(JSON.parse(await readFile(join(dir, 's.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(written)));
  });

  it('a target that cannot be written: FK_INVALID_ARGUMENT naming it, nothing left behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fk-solution-'));
    const target = join(dir, 'occupied.json');
    await mkdir(target);
    const p = problem(0);
    const result = await solvePortfolio(p, { optimizer: testHighsOptimizer() });
    const error = (await writeSolutionFile(target, p, result, { problem: 'p.json', solver: 'highs' }).catch((e: unknown) => e)) as FactorkitError;
    // `@factorkit/core/node` bundles its own copy of the error class: check by code, not instanceof.
    expect(isFactorkitError(error)).toBe(true);
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toContain(`writeSolutionFile: could not write \`${target}\``);
    expect(await readdir(dir)).toEqual(['occupied.json']);
  });

  it('reading: a missing file names the option, a malformed one the file and the JSON path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fk-solution-'));
    await expect(readProblemFile(join(dir, 'none.json'), '--problem')).rejects.toThrow(/^--problem: cannot read `.*none\.json`/);
    const json = JSON.parse(JSON.stringify(await import('../src/index.js').then((m) => m.problemToJSON(problem(0))))) as { A: { index: number[] } };
    json.A.index[0] = 99;
    await writeFile(join(dir, 'bad.json'), JSON.stringify(json));
    await expect(readProblemFile(join(dir, 'bad.json'))).rejects.toThrow(/`.*bad\.json` is not a valid factorkit-problem v1 document:\n {2}- A\.index\[0\]: column 99 out of range/);
    await writeFile(join(dir, 'broken.json'), '{"format": ');
    await expect(readSolutionFile(join(dir, 'broken.json'))).rejects.toThrow(/`.*broken\.json` is not valid JSON/);
  });
});

describe('relaxationFromJSON', () => {
  it('reads steps and factor entries', () => {
    expect(relaxationFromJSON('[{ "group": "turnover-limit", "steps": [0.05, 0.1], "rows": ["turnover"] }, { "group": "te", "factor": 1.2, "maxSteps": 3 }]')).toEqual([
      { group: 'turnover-limit', steps: [0.05, 0.1], rows: ['turnover'] },
      { group: 'te', factor: 1.2, maxSteps: 3 },
    ]);
  });

  it('names every entry and key at fault, and the file', () => {
    const bad = [{ group: 'a', step: [0.1] }, { group: '', steps: [0.1, 'x'] }, { group: 'c', steps: [1], factor: 2 }, 'd', { group: 'e', factor: 2, maxSteps: 0.5 }];
    expect(() => relaxationFromJSON(bad, 'relax.json')).toThrow(ValidationError);
    const issues = (() => {
      try {
        relaxationFromJSON(bad, 'relax.json');
      } catch (e) {
        expect((e as ValidationError).message).toMatch(/^`relax\.json` is not a valid relaxation order:/);
        return (e as ValidationError).issues.map((i) => i.path);
      }
      return [];
    })();
    expect(issues).toEqual(['[0].step', '[0]', '[1].group', '[1].steps[1]', '[2]', '[3]', '[4].maxSteps']);
    expect(() => relaxationFromJSON({ group: 'a' })).toThrow(/\(root\): expected an array, got an object/);
  });
});
