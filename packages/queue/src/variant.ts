import { type PluginKind, type PluginRegistry, type PluginSource, isFactorkitError, show } from '@factorkit/core';
import { type Strategy, createStrategy, runVariant } from '@factorkit/strategy';
import { JobRefusedError, type WorkerEnvironment, findPlugin, short, wantedPlugin } from './compute.js';
import { type VariantJobResult, encodeVariant } from './result.js';
import { type PluginRef, VARIANT_JOB_FORMAT, VARIANT_JOB_FORMAT_VERSION, type VariantJobSpec } from './spec.js';

/**
 * Every plugin a resolved strategy uses — its universe and investable universe, factors, risk
 * styles, model, constraints and optimizer — by kind, id, package and version (ordered by kind,
 * then id; each once). The package and version come from the plugin's registry entry: the one
 * `createStrategy` resolved it from, else `registry`'s entry of the same plugin or id; `null`
 * for a plugin given in code or a built-in fallback without a version (any version accepted).
 */
export function strategyPluginRefs(strategy: Strategy, registry?: PluginRegistry): PluginRef[] {
  const refs = new Map<string, PluginRef>();
  const add = (kind: PluginKind, plugin: { readonly id: string }, source?: PluginSource): void => {
    const entries = registry?.list(kind) ?? [];
    const from = source ?? (entries.find((e) => e.plugin === plugin) ?? entries.find((e) => e.plugin.id === plugin.id))?.source;
    refs.set(`${kind}\0${plugin.id}`, { kind, id: plugin.id, package: from?.package ?? null, version: from?.version ?? null });
  };
  add('universe', strategy.universe.plugin, strategy.universe.source);
  if (strategy.investable) add('universe', strategy.investable.plugin, strategy.investable.source);
  for (const factor of strategy.factors) add('factor', factor.plugin, factor.source);
  if (strategy.risk !== false) for (const style of strategy.risk.styles ?? []) if (typeof style !== 'string') add('factor', style.plugin);
  add('model', strategy.model.plugin, strategy.model.source);
  for (const constraint of strategy.constraints) add('constraint', constraint.plugin);
  add('optimizer', strategy.optimizer.plugin, strategy.optimizer.source);
  return [...refs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, ref]) => ref);
}

/**
 * Compute one variant job on this worker: check the job (format, dataset fingerprint, every
 * plugin and version it names), then `runVariant` of `@factorkit/strategy` — the function a
 * local sweep calls — on the worker's data and plugins, and return the variant's result. A
 * deterministic error of the variant (an infeasible rebalance, a missing input) is a `failed`
 * result, as in a local sweep, not an error of the job.
 *
 * @throws JobRefusedError (`FK_INVALID_DATA` other dataset, `FK_UNKNOWN_PLUGIN` a plugin or
 *   version this worker lacks, `FK_INVALID_ARGUMENT` a job of another format); what
 *   `runVariant` throws (not a factorkit error: a fault of the worker, retried).
 */
export async function computeVariantJob(job: unknown, env: WorkerEnvironment): Promise<VariantJobResult> {
  const spec = checkVariantSpec(job);
  const label = `variant ${spec.task.name}`;
  if (spec.data !== env.fingerprint) {
    throw new JobRefusedError(
      'FK_INVALID_DATA',
      `${label}: this worker's dataset (fingerprint ${short(env.fingerprint)}) is not the sweep's (fingerprint ${short(spec.data)}); give the worker a copy of the sweep's dataset with --data (and the same --with folders)`,
      { details: { worker: env.fingerprint, job: spec.data } },
    );
  }
  // Plugins of this worker's registry: the same package and version as the job's.
  for (const ref of spec.plugins) {
    if (env.registry.has(ref.kind, ref.id)) findPlugin(env.registry, ref, label);
    else if (ref.version !== null) throw notInstalled(label, [ref]);
  }
  // The others must resolve as on the client (built-in fallbacks of @factorkit/strategy).
  let strategy: Strategy | undefined;
  try {
    strategy = createStrategy(spec.task.definition, { registry: env.registry });
  } catch (error) {
    if (isFactorkitError(error) && error.code === 'FK_UNKNOWN_PLUGIN') {
      const missing = spec.plugins.filter((ref) => !env.registry.has(ref.kind, ref.id));
      throw notInstalled(label, missing, error.message);
    }
    // Any other problem of the definition is the variant's own (a `failed` result, from runVariant below).
  }
  if (strategy) {
    const here = strategyPluginRefs(strategy, env.registry);
    for (const ref of spec.plugins) {
      const have = here.find((h) => h.kind === ref.kind && h.id === ref.id);
      if (ref.version !== null && have && (have.package !== ref.package || have.version !== ref.version)) {
        throw new JobRefusedError(
          'FK_UNKNOWN_PLUGIN',
          `${label}: the job needs ${wantedPlugin(ref)}, this worker has ${ref.kind} \`${ref.id}\` from ${have.package ?? 'code'}@${have.version ?? '?'}; install the same version on the worker`,
          { details: { ...ref, have: { package: have.package, version: have.version } } },
        );
      }
    }
  }
  const data = typeof env.data === 'function' ? await env.data() : env.data;
  return encodeVariant(await runVariant(spec.task, { data, registry: env.registry }));
}

function notInstalled(label: string, refs: readonly PluginRef[], reason?: string): JobRefusedError {
  const wanted = refs.length > 0 ? refs.map(wantedPlugin).join(', ') : 'a plugin';
  return new JobRefusedError(
    'FK_UNKNOWN_PLUGIN',
    `${label}: the job needs ${wanted}, which ${refs.length > 1 ? 'are' : 'is'} not installed on this worker (the worker runs only its own plugins: install the same package and version, and restart it)${reason ? `: ${reason}` : ''}`,
    { details: { plugins: refs } },
  );
}

/** The job data checked for the fields a worker reads (a job from another version of this package is refused, not guessed at). */
function checkVariantSpec(job: unknown): VariantJobSpec {
  const spec = job as Partial<VariantJobSpec> | null;
  if (spec === null || typeof spec !== 'object' || spec.format !== VARIANT_JOB_FORMAT) {
    throw new JobRefusedError('FK_INVALID_ARGUMENT', `not a factorkit variant job (format ${show((spec as { format?: unknown } | null)?.format)})`);
  }
  if (spec.version !== VARIANT_JOB_FORMAT_VERSION) {
    throw new JobRefusedError('FK_INVALID_ARGUMENT', `variant job format version ${show(spec.version)}; this worker reads version ${VARIANT_JOB_FORMAT_VERSION}: run the same @factorkit/queue version on the client and the workers`);
  }
  const task = spec.task as Partial<VariantJobSpec['task']> | undefined;
  if (!task || typeof task.name !== 'string' || typeof task.definition !== 'object' || task.definition === null || !Array.isArray(spec.plugins) || typeof spec.data !== 'string') {
    throw new JobRefusedError('FK_INVALID_ARGUMENT', 'variant job without task, plugins or dataset fingerprint');
  }
  return spec as VariantJobSpec;
}

/** A job the processor does not know. */
export function unknownJob(job: unknown): JobRefusedError {
  return new JobRefusedError('FK_INVALID_ARGUMENT', `not a factorkit job (format ${show((job as { format?: unknown } | null)?.format)}): this worker reads series and variant jobs`);
}
