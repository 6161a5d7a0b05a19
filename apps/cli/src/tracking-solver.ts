import { FactorkitError, type OptimizerInstance, resolvePluginParams } from '@factorkit/core';
import type { SeriesExecutor } from '@factorkit/evaluate';
import { workerExecutor } from '@factorkit/evaluate/node';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type LoadedPlugins, cliVersion, pluginModuleUrl, requirePlugin } from './plugins.js';

/** The optimizer of a tracking run (`factorkit track`, `factorkit weekly`) and what goes with it. */
export interface TrackingSolver {
  /** The instance the run's own thread solves with; the caller disposes of it. */
  readonly optimizer: OptimizerInstance;
  /** Worker threads that make the same optimizer from its package; `undefined` with 0 workers or `threads: false`. */
  readonly executor: SeriesExecutor | undefined;
  /** The solver's id and the parameters it was made with (what a queue job names). */
  readonly spec: { readonly id: string; readonly params: Readonly<Record<string, unknown>> };
  /**
   * The code behind the series (CLI, evaluate and solver versions): the key under which series
   * states are saved and reused, the same for `track` and `weekly` so each reuses the other's.
   */
  readonly codeVersion: string;
}

/**
 * The solver `--solver` names, as both tracking commands set it up: MFE LPs run without presolve
 * when the optimizer has the switch (it reduces nothing on them and costs ~40 % of a solve,
 * measured in @factorkit/optimizer-highs' README); with `workers > 0` (and `threads` not false)
 * a worker-thread executor whose workers import the solver's own package.
 *
 * @throws FK_INVALID_ARGUMENT when workers are asked for and the optimizer was not loaded from a package.
 */
export async function trackingSolver(loaded: LoadedPlugins, id: string, options: { readonly workers: number; readonly cwd: string; readonly threads?: boolean }): Promise<TrackingSolver> {
  const solver = requirePlugin(loaded, 'optimizer', id);
  const declared = (solver.meta as { readonly params?: Readonly<Record<string, unknown>> }).params ?? {};
  const params = Object.hasOwn(declared, 'presolve') ? { presolve: false } : {};
  const { workers } = options;
  const module = workers > 0 ? pluginModuleUrl(loaded, 'optimizer', solver.id, options.cwd) : undefined;
  if (workers > 0 && !module) throw new FactorkitError('FK_INVALID_ARGUMENT', `--workers: optimizer \`${solver.id}\` was not loaded from a package, so worker threads cannot load it; use --workers 0`);
  const optimizer = await solver.create(resolvePluginParams(solver.meta, params, `optimizer \`${solver.id}\``));
  const executor = module && options.threads !== false ? workerExecutor({ workers, optimizer: { module, id: solver.id, params } }) : undefined;
  const source = loaded.registry.list('optimizer').find((e) => e.plugin.id === solver.id)?.source;
  const codeVersion = `@factorkit/cli@${cliVersion()} @factorkit/evaluate@${evaluateVersion()} ${source?.package ?? solver.id}@${source?.version ?? '?'}`;
  return { optimizer, executor, codeVersion, spec: { id: solver.id, params } };
}

function evaluateVersion(): string {
  const manifest = createRequire(import.meta.url).resolve('@factorkit/evaluate/package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
