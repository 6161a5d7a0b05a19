import { FactorkitError, type MarketData, type PluginKind, type PluginOf, type PluginRegistry, isFactorkitError, resolvePluginParams, show } from '@factorkit/core';
import { type TrackingSeries, runTracking } from '@factorkit/evaluate';
import { type SeriesJobResult, encodeSeries } from './result.js';
import { JOB_FORMAT, JOB_FORMAT_VERSION, type PluginRef, type SeriesJobSpec } from './spec.js';

/** What a worker brings to every job: its own copy of the data, its fingerprint, its installed plugins. */
export interface WorkerEnvironment {
  /** The data, or a function loading it when the first job that passes the checks needs it (called once per job: keep its promise). */
  readonly data: MarketData | (() => Promise<MarketData>);
  /** `datasetFingerprint` of the folders `data` was loaded from. */
  readonly fingerprint: string;
  /** The plugins installed on this machine, each with the package and version it came from. */
  readonly registry: PluginRegistry;
}

/**
 * A job this worker must not compute: its data or plugins differ from the job's. Retrying it
 * elsewhere may succeed, retrying it here cannot; the worker marks it unrecoverable for this
 * attempt (BullMQ's `UnrecoverableError` name) so it fails at once with this message.
 */
export class JobRefusedError extends FactorkitError {
  override readonly name: string = 'JobRefusedError';
}

/**
 * Compute one series job on this worker: check the job (format, dataset fingerprint, every
 * plugin and version), then run the tracking run of the job's one universe and one factor with
 * `runTracking` — the function a local run calls — on the worker's data, and return its series.
 * The series equals the one a local run of all universes and factors computes for the pair:
 * every input of a series (the data cut at `asOf`, the universe, the factor computed and
 * preprocessed, the forward returns, the settings) depends on that pair and the run's settings
 * only.
 *
 * @throws JobRefusedError (`FK_INVALID_DATA` other dataset, `FK_UNKNOWN_PLUGIN` a plugin or
 *   version this worker lacks, `FK_INVALID_ARGUMENT` a job of another format); what
 *   `runTracking` throws.
 */
export async function computeSeriesJob(job: unknown, env: WorkerEnvironment): Promise<SeriesJobResult> {
  const spec = checkSpec(job);
  const { run } = spec;
  if (run.data !== env.fingerprint) {
    throw new JobRefusedError(
      'FK_INVALID_DATA',
      `series ${spec.universe} × ${spec.factor.name}: this worker's dataset (fingerprint ${short(env.fingerprint)}) is not the run's (fingerprint ${short(run.data)}); give the worker a copy of the run's dataset with --data (and the same --with folders)`,
      { details: { worker: env.fingerprint, job: run.data } },
    );
  }
  const plugin = <K extends PluginKind>(ref: PluginRef & { kind: K }): PluginOf<K> => findPlugin(env.registry, ref, `series ${spec.universe} × ${spec.factor.name}`);
  const factor = plugin({ ...spec.factor, kind: 'factor' });
  const named = Object.hasOwn(run.namedBenchmarks, spec.universe) ? run.namedBenchmarks[spec.universe]! : undefined;
  const benchmark = plugin({ ...run.benchmark, kind: 'universe' });
  const namedPlugin = named ? plugin({ ...named, kind: 'universe' }) : undefined;
  const investable = run.investable ? plugin({ ...run.investable, kind: 'universe' }) : undefined;
  const solver = plugin({ ...run.optimizer, kind: 'optimizer' });
  const data = typeof env.data === 'function' ? await env.data() : env.data;
  const optimizer = await solver.create(resolvePluginParams(solver.meta, run.optimizer.params, `optimizer \`${solver.id}\``));
  let series: TrackingSeries | undefined;
  let none = '';
  try {
    const result = await runTracking({
      data,
      asOf: run.asOf,
      ...(run.start === undefined ? {} : { start: run.start }),
      frequency: run.frequency,
      universes: [spec.universe],
      benchmark,
      ...(namedPlugin ? { namedBenchmarks: { [spec.universe]: namedPlugin } } : {}),
      ...(investable ? { investable } : {}),
      factors: [{ plugin: factor, params: spec.factor.params, name: spec.factor.name }],
      missingInputs: run.missingInputs,
      optimizer,
      codeVersion: run.codeVersion,
      ...(run.config === undefined ? {} : { config: run.config }),
    });
    series = result.series[0];
    if (!series) none = result.notes.join('; ') || `factor \`${spec.factor.name}\` has no values`;
  } catch (error) {
    // The run's own client leaves such a factor out with a note: the job has nothing to return.
    if (run.missingInputs === 'skip' && isFactorkitError(error) && error.code === 'FK_MISSING_INPUT') none = error.message;
    else throw error;
  } finally {
    await optimizer.dispose?.();
  }
  if (!series) return { kind: 'none', message: none };
  const { state: _state, ...rest } = series;
  return encodeSeries(rest);
}

/** A fingerprint as messages show it: its first 12 hex digits. */
export function short(fingerprint: string): string {
  return `\`${fingerprint.slice(0, 12)}…\``;
}

/** How a refusal names a plugin a job needs. */
export function wantedPlugin(ref: PluginRef): string {
  return `${ref.kind} \`${ref.id}\`${ref.package ? ` from ${ref.package}@${ref.version ?? '?'}` : ''}`;
}

/** The plugin of the job's kind, id and version from this worker's registry (`label` names the job in refusals). */
export function findPlugin<K extends PluginKind>(registry: PluginRegistry, ref: PluginRef & { kind: K }, label: string): PluginOf<K> {
  const wanted = wantedPlugin(ref);
  if (!registry.has(ref.kind, ref.id)) {
    throw new JobRefusedError('FK_UNKNOWN_PLUGIN', `${label}: the job needs ${wanted}, which is not installed on this worker (the worker runs only its own plugins: install the same package and version, and restart it)`, { details: { ...ref } });
  }
  const entry = registry.list(ref.kind).find((e) => e.plugin.id === ref.id)!;
  const have = entry.source;
  if (ref.version !== null && (have.package !== (ref.package ?? undefined) || have.version !== ref.version)) {
    throw new JobRefusedError(
      'FK_UNKNOWN_PLUGIN',
      `${label}: the job needs ${wanted}, this worker has ${ref.kind} \`${ref.id}\` from ${have.package ?? 'code'}@${have.version ?? '?'}; install the same version on the worker`,
      { details: { ...ref, have: { package: have.package ?? null, version: have.version ?? null } } },
    );
  }
  return entry.plugin as PluginOf<K>;
}

/** The job data checked for the fields a worker reads (a job from another version of this package is refused, not guessed at). */
function checkSpec(job: unknown): SeriesJobSpec {
  const spec = job as Partial<SeriesJobSpec> | null;
  if (spec === null || typeof spec !== 'object' || spec.format !== JOB_FORMAT) {
    throw new JobRefusedError('FK_INVALID_ARGUMENT', `not a factorkit series job (format ${show((spec as { format?: unknown } | null)?.format)})`);
  }
  if (spec.version !== JOB_FORMAT_VERSION) {
    throw new JobRefusedError('FK_INVALID_ARGUMENT', `series job format version ${show(spec.version)}; this worker reads version ${JOB_FORMAT_VERSION}: run the same @factorkit/queue version on the client and the workers`);
  }
  if (!spec.run || !spec.factor || typeof spec.universe !== 'string') throw new JobRefusedError('FK_INVALID_ARGUMENT', 'series job without run, universe or factor');
  return spec as SeriesJobSpec;
}
