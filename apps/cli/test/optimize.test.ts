import { ProblemBuilder, type Problem } from '@factorkit/core';
import { type SolutionJSON, problemToJSON } from '@factorkit/portfolio';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_NO_SOLUTION, EXIT_OK, EXIT_USAGE } from '../src/exit.js';
import { type CliResult, runCli } from './helpers.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'factorkit-cli-optimize-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = (args: string[], cwd = root): Promise<CliResult> => runCli(args, cwd);

/**
 * Four assets, benchmark (0.4, 0.3, 0.2, 0.1), alpha (1, 2, 3, 4), |w − b| ≤ 0.05, long only,
 * fully invested, and a floor on the "银行" industry (assets 0 and 1).
 *
 * By hand, without the floor: the two high-alpha assets go to their caps (0.25 + 0.15), the
 * remaining 0.6 goes to asset 1 up to what asset 0's floor of 0.35 leaves: w = (0.35, 0.25,
 * 0.25, 0.15), objective 0.35 + 0.5 + 0.75 + 0.6 = 2.2. The industry's members can hold at most
 * 0.45 + 0.35 = 0.8, so a floor of 0.9 is infeasible.
 */
function problem(bankFloor: number): Problem {
  const assets = ['600000.SH', '600036.SH', '000001.SZ', '300750.SZ'];
  const b = [0.4, 0.3, 0.2, 0.1];
  const builder = new ProblemBuilder({ assets });
  builder.addLinearObjective([1, 2, 3, 4]);
  builder.group('budget', 10).addWeightRow([1, 1, 1, 1], 1, 1, 'sum of weights');
  const deviation = builder.group('deviation', 5);
  b.forEach((bi, i) => deviation.bound(i, Math.max(0, bi - 0.05), bi + 0.05));
  builder.group('industry', 3).addWeightRow([1, 1, 0, 0], bankFloor, Number.POSITIVE_INFINITY, 'industry:银行');
  return builder.build();
}

describe('factorkit optimize', () => {
  for (const solver of ['highs', 'admm']) {
    it(`solves a problem file with ${solver} and writes weights, status, objective and residuals`, async () => {
      writeFileSync(join(root, 'mfe.json'), JSON.stringify(problemToJSON(problem(0))));
      const { code, out, err } = await cli(['optimize', '--problem', 'mfe.json', '--solver', solver, '--out', `solution-${solver}.json`]);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out).toMatch(new RegExp(`^${solver}: optimal in \\d+ ms: objective`));
      const file = JSON.parse(readFileSync(join(root, `solution-${solver}.json`), 'utf8')) as SolutionJSON;
      expect(file).toMatchObject({ format: 'factorkit-solution', version: 1, solver, status: 'optimal' });
      expect(file.objective!).toBeCloseTo(2.2, 6);
      const expected = { '600000.SH': 0.35, '600036.SH': 0.25, '000001.SZ': 0.25, '300750.SZ': 0.15 };
      for (const [asset, w] of Object.entries(expected)) expect(file.weights![asset]!).toBeCloseTo(w, 6);
      expect(file.primalResidual!).toBeLessThanOrEqual(1e-7);
      expect(file.groups.map((g) => g.name)).toEqual(['budget', 'deviation', 'industry']);
    });
  }

  it('an infeasible problem is a result: exit 2, the file written with the report, the same explanation from both solvers', async () => {
    // The bank members can hold at most 0.45 + 0.35 = 0.8; ask for 0.9.
    writeFileSync(join(root, 'infeasible.json'), JSON.stringify(problemToJSON(problem(0.9))));
    const explanations: string[] = [];
    for (const solver of ['highs', 'admm']) {
      const { code, out, err } = await cli(['optimize', '--problem', 'infeasible.json', '--solver', solver, '--out', `infeasible-${solver}.json`]);
      expect(err).toBe('');
      expect(code).toBe(EXIT_NO_SOLUTION);
      expect(out).toMatch(new RegExp(`^${solver}: infeasible in \\d+ ms\n`));
      // The groups in conflict and the numbers, summed from the bounds: 0.45 + 0.35 = 0.8 < 0.9.
      expect(out).toContain('  infeasible: `industry` × `deviation` cannot both hold; relax `industry` (priority 3, the lowest) first\n');
      expect(out).toContain('  2 assets with caps summing to 80.00% (`deviation`) < 90.00% required by `industry` (row `industry:银行`)\n');
      explanations.push(out.split('\n').slice(1).join('\n').replace(/infeasible-\w+\.json/, ''));
      const file = JSON.parse(readFileSync(join(root, `infeasible-${solver}.json`), 'utf8')) as SolutionJSON;
      expect(file).toMatchObject({ format: 'factorkit-solution', version: 1, solver, status: 'infeasible', weights: null, x: null, objective: null });
      expect(file.infeasibility!.minimalConflicts[0]!.groups).toEqual(['industry', 'deviation']);
      expect(file.infeasibility!.minimalConflicts[0]!.reasons[0]).toMatchObject({ kind: 'bounds', required: 0.9, reachable: 0.8 });
    }
    expect(explanations[1]).toBe(explanations[0]);
  });

  it('other results that are not a solution exit 2 too, with the file written', async () => {
    // Maximise w0 with w0 + w1 = 1 and no bounds: unbounded.
    const p = new ProblemBuilder({ assets: ['A', 'B'] }, 'maximize');
    p.addLinearObjective([1, 0]);
    p.group('budget', 10).addWeightRow([1, 1], 1, 1, 'budget');
    writeFileSync(join(root, 'unbounded.json'), JSON.stringify(problemToJSON(p.build())));
    const { code, out } = await cli(['optimize', '--problem', 'unbounded.json', '--out', 'unbounded-solution.json']);
    expect(code).toBe(EXIT_NO_SOLUTION);
    expect(out).toMatch(/^highs: unbounded/);
    const file = JSON.parse(readFileSync(join(root, 'unbounded-solution.json'), 'utf8')) as SolutionJSON;
    expect(file).toMatchObject({ status: 'unbounded', weights: null, infeasibility: null });
  });

  it('applies a declared relaxation order and reports it', async () => {
    writeFileSync(join(root, 'relax.json'), JSON.stringify([{ group: 'industry', steps: [0.05, 0.1, 0.2] }]));
    const { code, out } = await cli(['optimize', '--problem', 'infeasible.json', '--relax', 'relax.json', '--out', 'relaxed.json']);
    expect(code).toBe(EXIT_OK);
    expect(out).toMatch(/^highs: optimal in \d+ ms after 2 relaxation step\(s\): objective/);
    expect(out).toContain('  relaxed `industry` (step 2, widen by 0.1)');
    const file = JSON.parse(readFileSync(join(root, 'relaxed.json'), 'utf8')) as SolutionJSON;
    expect(file.status).toBe('optimal');
    // 0.9 − 0.05 = 0.85 is still above 0.8; 0.9 − 0.1 = 0.8 is feasible: two steps.
    expect(file.relaxations).toHaveLength(2);
    const bank = file.weights!['600000.SH']! + file.weights!['600036.SH']!;
    expect(bank).toBeCloseTo(0.8, 6);
  });

  it('bad input exits 1 and writes nothing: a malformed problem (file and JSON path named), broken JSON, an unknown solver, bad flags', async () => {
    const json = problemToJSON(problem(0)) as unknown as { A: { index: number[] } };
    json.A.index[0] = 99;
    writeFileSync(join(root, 'bad.json'), JSON.stringify(json));
    const { code, err } = await cli(['optimize', '--problem', 'bad.json', '--out', 'bad-solution.json']);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(/`.*bad\.json` is not a valid factorkit-problem v1 document:\n\s+- A\.index\[0\]: column 99 out of range/);
    expect(existsSync(join(root, 'bad-solution.json'))).toBe(false);
    writeFileSync(join(root, 'broken.json'), '{"format": ');
    const broken = await cli(['optimize', '--problem', 'broken.json', '--out', 'bad-solution.json']);
    expect(broken.code).toBe(EXIT_USAGE);
    expect(broken.err).toMatch(/`.*broken\.json` is not valid JSON/);
    const unknown = await cli(['optimize', '--problem', 'mfe.json', '--solver', 'cplex', '--out', 'bad-solution.json']);
    expect(unknown.code).toBe(EXIT_USAGE);
    expect(unknown.err).toMatch(/FK_UNKNOWN_PLUGIN[\s\S]*cplex/);
    const limit = await cli(['optimize', '--problem', 'mfe.json', '--time-limit', '-5', '--out', 'bad-solution.json']);
    expect(limit.code).toBe(EXIT_USAGE);
    expect(limit.err).toMatch(/--time-limit: expected a positive number of milliseconds, got `-5`/);
    writeFileSync(join(root, 'bad-relax.json'), JSON.stringify([{ group: 'industry', step: [0.1] }]));
    const relax = await cli(['optimize', '--problem', 'mfe.json', '--relax', 'bad-relax.json', '--out', 'bad-solution.json']);
    expect(relax.code).toBe(EXIT_USAGE);
    expect(relax.err).toMatch(/`.*bad-relax\.json` is not a valid relaxation order:\n\s+- \[0\]\.step: unknown key/);
    expect(readdirSync(root).filter((f) => f.includes('bad-solution') || f.endsWith('.tmp'))).toEqual([]);
  });

  it('checks that --out can be written before reading or solving anything', async () => {
    // The problem file does not exist either: the --out error comes first, naming the user's path.
    const { code, err } = await cli(['optimize', '--problem', 'missing.json', '--out', 'no-such-folder/solution.json']);
    expect(code).toBe(EXIT_USAGE);
    expect(err).toMatch(/--out: cannot write `.*no-such-folder\/solution\.json`: the folder `.*no-such-folder` does not exist/);
    expect(err).not.toMatch(/missing\.json/);
  });
});
