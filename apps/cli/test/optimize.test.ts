import { ProblemBuilder, type Problem } from '@factorkit/core';
import { problemToJSON } from '@factorkit/portfolio';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, run } from '../src/index.js';
import type { SolutionFile } from '../src/commands/optimize.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'factorkit-cli-optimize-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd: root };
  return { code: await run(args, io), out, err };
}

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
      const file = JSON.parse(readFileSync(join(root, `solution-${solver}.json`), 'utf8')) as SolutionFile;
      expect(file).toMatchObject({ format: 'factorkit-solution', version: 1, solver, status: 'optimal' });
      expect(file.objective!).toBeCloseTo(2.2, 6);
      const expected = { '600000.SH': 0.35, '600036.SH': 0.25, '000001.SZ': 0.25, '300750.SZ': 0.15 };
      for (const [asset, w] of Object.entries(expected)) expect(file.weights![asset]!).toBeCloseTo(w, 6);
      expect(file.primalResidual!).toBeLessThanOrEqual(1e-7);
      expect(file.groups.map((g) => g.name)).toEqual(['budget', 'deviation', 'industry']);
    });
  }

  it('reports an infeasible problem with the conflicting groups and numbers, exit code 1, no weights', async () => {
    // The bank members can hold at most 0.45 + 0.35 = 0.8; ask for 0.9.
    writeFileSync(join(root, 'infeasible.json'), JSON.stringify(problemToJSON(problem(0.9))));
    const { code, out } = await cli(['optimize', '--problem', 'infeasible.json', '--out', 'infeasible-solution.json']);
    expect(code).toBe(1);
    expect(out).toMatch(/^highs: infeasible/);
    expect(out).toMatch(/industry:银行/);
    const file = JSON.parse(readFileSync(join(root, 'infeasible-solution.json'), 'utf8')) as SolutionFile;
    expect(file.status).toBe('infeasible');
    expect(file.weights).toBeNull();
    expect(file.infeasibility).not.toBeNull();
    const groups = file.infeasibility!.conflicts.map((c) => c.group);
    expect(groups).toContain('industry');
    expect(file.diagnostics.messages.join('\n')).toMatch(/needs ≥ 90(\.0+)?\s?% but `deviation` allows? at most 80(\.0+)?\s?%/);
  });

  it('applies a declared relaxation order and reports it', async () => {
    writeFileSync(join(root, 'relax.json'), JSON.stringify([{ group: 'industry', steps: [0.05, 0.1, 0.2] }]));
    const { code } = await cli(['optimize', '--problem', 'infeasible.json', '--relax', 'relax.json', '--out', 'relaxed.json']);
    expect(code).toBe(0);
    const file = JSON.parse(readFileSync(join(root, 'relaxed.json'), 'utf8')) as SolutionFile;
    expect(file.status).toBe('optimal');
    // 0.9 − 0.05 = 0.85 is still above 0.8; 0.9 − 0.1 = 0.8 is feasible: two steps.
    expect(file.relaxations).toHaveLength(2);
    const bank = file.weights!['600000.SH']! + file.weights!['600036.SH']!;
    expect(bank).toBeCloseTo(0.8, 6);
  });

  it('names the file and JSON path of a malformed problem and writes nothing', async () => {
    const json = problemToJSON(problem(0)) as unknown as { A: { index: number[] } };
    json.A.index[0] = 99;
    writeFileSync(join(root, 'bad.json'), JSON.stringify(json));
    const { code, err } = await cli(['optimize', '--problem', 'bad.json', '--out', 'bad-solution.json']);
    expect(code).toBe(1);
    expect(err).toMatch(/A\.index\[0\]/);
    expect(existsSync(join(root, 'bad-solution.json'))).toBe(false);
    writeFileSync(join(root, 'broken.json'), '{"format": ');
    const broken = await cli(['optimize', '--problem', 'broken.json', '--out', 'bad-solution.json']);
    expect(broken.err).toMatch(/--problem: `.*broken\.json` is not valid JSON/);
    const unknown = await cli(['optimize', '--problem', 'mfe.json', '--solver', 'cplex', '--out', 'bad-solution.json']);
    expect(unknown.err).toMatch(/FK_UNKNOWN_PLUGIN[\s\S]*cplex/);
    expect(readdirSync(root).filter((f) => f.includes('bad-solution'))).toEqual([]);
  });
});
