import { FactorkitError, type OptimizerInstance, type Problem, isFactorkitError, resolvePluginParams } from '@factorkit/core';
import { type InfeasibilityReport, type PortfolioSolution, type RelaxationStep, problemFromJSON, solvePortfolio } from '@factorkit/portfolio';
import { writeFileAtomic } from '@factorkit/portfolio/node';
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { loadPlugins } from '../plugins.js';

interface OptimizeOptions {
  readonly problem: string;
  readonly solver: string;
  readonly out: string;
  readonly relax?: string;
  readonly timeLimit?: string;
  readonly plugin?: string[];
}

/** What `factorkit optimize --out` writes (`format: 'factorkit-solution'`, version 1). */
export interface SolutionFile {
  readonly format: 'factorkit-solution';
  readonly version: 1;
  readonly problem: string;
  readonly solver: string;
  readonly status: string;
  /** `null` unless the status is `optimal`. */
  readonly objective: number | null;
  /** Asset → weight (or `w0`, `w1`… without asset ids); `null` unless optimal. */
  readonly weights: Record<string, number> | null;
  /** Every variable, in problem order; `null` unless optimal. */
  readonly x: number[] | null;
  readonly primalResidual: number | null;
  readonly dualResidual: number | null;
  readonly groups: readonly {
    readonly name: string;
    readonly priority: number | string;
    readonly maxViolation: number | null;
    readonly worst?: string;
    readonly duals?: number[];
  }[];
  readonly relaxations: readonly unknown[];
  readonly infeasibility: InfeasibilityReport | null;
  readonly diagnostics: { readonly solver: string; readonly timeMs: number; readonly iterations?: number; readonly messages: readonly string[] };
}

/** `factorkit optimize`: solve an exported problem file with a chosen optimizer. */
export function registerOptimizeCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('optimize')
    .description('solve a problem file (factorkit-problem JSON, as written by @factorkit/portfolio) and write weights, status, objective and diagnostics as JSON')
    .requiredOption('--problem <file>', 'the problem: a factorkit-problem v1 JSON file')
    .option('--solver <id>', 'optimizer plugin id: highs (default) or admm, or one from an installed plugin package', 'highs')
    .requiredOption('--out <file>', 'where to write the result (.json)')
    .option('--relax <file>', 'a JSON file with the declared relaxation order: [{ "group": "turnover", "steps": [0.05, 0.1] }, …]')
    .option('--time-limit <ms>', 'time limit per solve, in milliseconds')
    .option('-p, --plugin <package...>', 'also load these plugin packages by name')
    .action(async (options: OptimizeOptions) => {
      const out = resolve(io.cwd, options.out);
      if (!out.endsWith('.json')) throw new FactorkitError('FK_INVALID_ARGUMENT', `--out: expected a .json file, got \`${options.out}\``);
      const timeLimitMs = options.timeLimit === undefined ? undefined : Number(options.timeLimit);
      if (timeLimitMs !== undefined && !(Number.isFinite(timeLimitMs) && timeLimitMs > 0)) {
        throw new FactorkitError('FK_INVALID_ARGUMENT', `--time-limit: expected a positive number of milliseconds, got \`${options.timeLimit}\``);
      }
      const problemPath = resolve(io.cwd, options.problem);
      const problem = problemFromJSON(await readJson(problemPath, '--problem'));
      const relaxation = options.relax === undefined ? undefined : parseRelaxation(await readJson(resolve(io.cwd, options.relax), '--relax'), options.relax);

      const { registry } = await loadPlugins({ cwd: io.cwd, packages: options.plugin ?? [] });
      const plugin = registry.get('optimizer', options.solver);
      const optimizer: OptimizerInstance = await plugin.create(resolvePluginParams(plugin.meta, {}, `optimizer \`${plugin.id}\``));
      let result: SolutionFile;
      try {
        const solution = await solvePortfolio(problem, {
          optimizer,
          ...(relaxation ? { relaxation } : {}),
          ...(timeLimitMs === undefined ? {} : { timeLimitMs }),
        });
        result = solutionFile(options.problem, plugin.id, problem, solution);
      } catch (error) {
        if (!isFactorkitError(error) || error.code !== 'FK_INFEASIBLE') throw error;
        const details = error.details as { report: InfeasibilityReport; relaxations: unknown[]; diagnostics: SolutionFile['diagnostics'] };
        result = infeasibleFile(options.problem, plugin.id, problem, details);
      } finally {
        await optimizer.dispose?.();
      }
      await writeFileAtomic(out, `${JSON.stringify(result, null, 2)}\n`);
      const summary = result.status === 'optimal' ? `objective ${String(result.objective)}, max violation ${(result.primalResidual ?? 0).toExponential(2)}` : result.diagnostics.messages.join('\n  ');
      io.stdout(`${plugin.id}: ${result.status} in ${result.diagnostics.timeMs.toFixed(0)} ms${result.relaxations.length ? ` after ${result.relaxations.length} relaxation step(s)` : ''}: ${summary}\nwrote ${out}\n`);
      if (result.status !== 'optimal') setExitCode(1);
    });
}

async function readJson(path: string, option: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${option}: cannot read \`${path}\`: ${(cause as Error).message}`, { cause });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new FactorkitError('FK_INVALID_DATA', `${option}: \`${path}\` is not valid JSON: ${(cause as Error).message}`, { cause });
  }
}

/** The relaxation order from JSON; solvePortfolio checks groups, rows and steps against the problem. */
function parseRelaxation(value: unknown, file: string): RelaxationStep[] {
  if (!Array.isArray(value)) throw new FactorkitError('FK_INVALID_DATA', `--relax: \`${file}\` must hold an array of { group, steps | factor } entries`);
  return value.map((entry: unknown, i) => {
    const e = entry as Record<string, unknown> | null;
    if (typeof e !== 'object' || e === null || typeof e.group !== 'string' || (!Array.isArray(e.steps) && typeof e.factor !== 'number')) {
      throw new FactorkitError('FK_INVALID_DATA', `--relax: \`${file}\` [${i}]: expected { "group": string, "steps": number[] } or { "group": string, "factor": number, "maxSteps"?: number }`);
    }
    return e as unknown as RelaxationStep;
  });
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

function weightsOf(problem: Problem, x: Float64Array): Record<string, number> {
  const weights: Record<string, number> = {};
  for (let i = 0; i < problem.numWeights; i++) weights[problem.assets?.[i] ?? `w${i}`] = x[i]!;
  return weights;
}

function solutionFile(problemFile: string, solver: string, problem: Problem, s: PortfolioSolution): SolutionFile {
  const optimal = s.status === 'optimal';
  return {
    format: 'factorkit-solution',
    version: 1,
    problem: problemFile,
    solver,
    status: s.status,
    objective: optimal ? finite(s.objective) : null,
    weights: optimal ? weightsOf(problem, s.x) : null,
    x: optimal ? Array.from(s.x) : null,
    primalResidual: finite(s.primalResidual),
    dualResidual: s.dualResidual === undefined ? null : finite(s.dualResidual),
    groups: s.groups.map((g) => ({
      name: g.name,
      priority: Number.isFinite(g.priority) ? g.priority : String(g.priority),
      maxViolation: finite(g.maxViolation),
      ...(g.worst === undefined ? {} : { worst: g.worst }),
      ...(g.duals ? { duals: Array.from(g.duals) } : {}),
    })),
    relaxations: s.relaxations,
    infeasibility: s.infeasibility ?? null,
    diagnostics: { solver: s.diagnostics.solver, timeMs: s.diagnostics.timeMs, ...(s.diagnostics.iterations === undefined ? {} : { iterations: s.diagnostics.iterations }), messages: s.diagnostics.messages },
  };
}

function infeasibleFile(problemFile: string, solver: string, problem: Problem, details: { report: InfeasibilityReport; relaxations: unknown[]; diagnostics: SolutionFile['diagnostics'] }): SolutionFile {
  return {
    format: 'factorkit-solution',
    version: 1,
    problem: problemFile,
    solver,
    status: 'infeasible',
    objective: null,
    weights: null,
    x: null,
    primalResidual: null,
    dualResidual: null,
    groups: problem.groups.map((g) => ({ name: g.name, priority: Number.isFinite(g.priority) ? g.priority : String(g.priority), maxViolation: null })),
    relaxations: details.relaxations,
    infeasibility: details.report,
    diagnostics: { solver: details.diagnostics.solver, timeMs: details.diagnostics.timeMs, messages: details.diagnostics.messages },
  };
}
