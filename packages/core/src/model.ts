import type { DateString } from './calendar.js';
import { FactorkitError, type Issue, ValidationError, isFactorkitError, show } from './errors.js';
import type { ParamSchema, ParamsInput, ParamsOf } from './params.js';
import { type MetaBase, type PluginBase, type PluginSource, checkFunction, checkPluginBase, resolvePluginParams } from './plugin.js';

/**
 * How a model explains its scores: `weight`, a signed linear weight per factor (the score is
 * `Σ weight × exposure`, up to a constant); `importance`, a non-linear model's share of each
 * factor in its fit (gain, splits…), not a direction.
 */
export type FactorWeightKind = 'weight' | 'importance';

/** The weight or importance of one factor in a trained model. */
export interface FactorWeight {
  readonly factor: string;
  readonly value: number;
  readonly kind: FactorWeightKind;
}

/**
 * The rows a combination model is trained on: one row per (date, asset) with the asset's
 * preprocessed factor exposures on that date and its label.
 *
 * - `features`: `rows × factors.length`, **row-major** (`features[r × F + f]`), `NaN` = the
 *   exposure is missing (each model says how it treats one);
 * - `labels`: one finite number per row, the forward return of the row's date normalised across
 *   that date's rows (rank-normal or z-score: what the builder of the set chose);
 * - `dateIndex`: the row's date, an integer ≥ 0, **non-decreasing** (the rows of a date are
 *   contiguous, dates in order), so that per-date statistics (IC) read one block per date;
 * - `dates`: when given, the date each index stands for (`dates[dateIndex[r]]`).
 *
 * Check one with {@link checkTrainingSet}.
 */
export interface TrainingSet {
  /** Factor names, one per feature column, distinct. */
  readonly factors: readonly string[];
  /** Number of rows. */
  readonly rows: number;
  readonly features: Float64Array;
  readonly labels: Float64Array;
  readonly dateIndex: Int32Array;
  readonly dates?: readonly DateString[];
}

/** What training found worth saying: messages (factors left out, dates skipped…) and figures. */
export interface ModelDiagnostics {
  readonly messages: readonly string[];
  readonly [key: string]: unknown;
}

/** A model trained on a {@link TrainingSet}. */
export interface TrainedModel {
  /**
   * Scores of `rows` rows of `features` (row-major, `rows × F` with the training set's factors in
   * its order, `NaN` = missing): a new `Float64Array` of `rows` scores, higher = expected to earn
   * more; `NaN` where the model gives none. Must not modify `features`.
   */
  predict(features: Float64Array, rows: number): Float64Array;
  /** One entry per factor of the training set: its weight or importance (`meta.weightKind`). */
  weights(): readonly FactorWeight[];
  readonly diagnostics?: ModelDiagnostics;
}

/** What {@link ModelDefinition.train} receives. */
export interface ModelTrainContext<P> {
  readonly params: P;
  /** The training rows (checked: shapes, finite labels, ordered dates). Read-only. */
  readonly data: TrainingSet;
  /**
   * A store the caller keeps across the trainings of one walk-forward run (absent otherwise), for
   * per-date statistics a model would otherwise recompute in every window holding the date (a
   * date's IC is computed once, not `window / retrainEvery` times). Valid only because each label
   * date's rows are the same in every training set of the run, which the caller guarantees; a key
   * must name everything its value depends on (statistic, parameters, factors and the date of
   * `data.dates`), and a model without `data.dates` must not use it.
   */
  readonly cache?: ModelCache;
}

/** See {@link ModelTrainContext.cache}: a plain map the caller owns for one run. */
export type ModelCache = Map<string, unknown>;

/** What a combination model declares about itself. */
export interface ModelMeta<S extends ParamSchema> extends MetaBase<S> {
  /** What `weights()` of its trained models gives. */
  readonly weightKind: FactorWeightKind;
  /** Papers or reports the method follows. */
  readonly references?: readonly string[];
}

/** What a plugin author passes to {@link defineModel}. */
export interface ModelDefinition<S extends ParamSchema> {
  readonly id: string;
  readonly apiVersion: PluginBase<'model'>['apiVersion'];
  readonly meta: ModelMeta<S>;
  /**
   * Fit the model on `ctx.data`. Synchronous and deterministic; reads nothing but `ctx`. A model
   * that cannot be fitted on these rows (no factor with an estimable weight…) throws a
   * `FactorkitError` with its own code (`FK_NO_VALUES`) naming the reason.
   */
  train(this: void, ctx: ModelTrainContext<ParamsOf<S>>): TrainedModel;
}

/**
 * A combination model plugin: plain typed data made by {@link defineModel}. It turns the
 * exposures of many factors into one score per asset and date, and says which weight (or
 * importance) each factor got.
 */
export interface ModelPlugin<S extends ParamSchema = ParamSchema> extends ModelDefinition<S>, PluginBase<'model'> {
  readonly kind: 'model';
  /** This model with parameters (validated now; defaults filled in). */
  with(params?: ParamsInput<S>): ModelSpec<S>;
}

/** A model together with validated parameters: what a walk-forward run and {@link trainModel} take. */
export interface ModelSpec<S extends ParamSchema = ParamSchema> {
  readonly plugin: ModelPlugin<S>;
  readonly params: ParamsOf<S>;
}

/** Shape problems of a model plugin object (used by `defineModel` and the registry). */
export function checkModel(value: unknown): Issue[] {
  const issues = checkPluginBase(value, 'model');
  if (issues.some((i) => i.path === '' || i.path === 'meta')) return issues;
  const plugin = value as Record<string, unknown> & { meta: Record<string, unknown> };
  const { meta } = plugin;
  if (meta.weightKind !== 'weight' && meta.weightKind !== 'importance') {
    issues.push({ path: 'meta.weightKind', message: `expected \`weight\` or \`importance\`, got ${show(meta.weightKind)}` });
  }
  if (meta.references !== undefined && !(Array.isArray(meta.references) && meta.references.every((r) => typeof r === 'string'))) {
    issues.push({ path: 'meta.references', message: `expected an array of strings, got ${show(meta.references)}` });
  }
  issues.push(...checkFunction(plugin.train, 'train'));
  return issues;
}

/**
 * Define a combination model plugin. The definition is checked now (a malformed one throws
 * `FK_INVALID_PLUGIN` listing every problem); compatibility with the running core is checked
 * when the plugin is registered.
 *
 * @example
 * export const equalWeight = defineModel({
 *   id: 'equal',
 *   apiVersion: '1.1',
 *   meta: { description: 'Equal weights.', weightKind: 'weight', params: {} },
 *   train: ({ data }) => { … return { predict, weights }; },
 * }) satisfies ModelPlugin;
 */
export function defineModel<const S extends ParamSchema>(definition: ModelDefinition<S>): ModelPlugin<S> {
  const plugin: ModelPlugin<S> = {
    kind: 'model',
    id: definition.id,
    apiVersion: definition.apiVersion,
    meta: definition.meta,
    train: definition.train,
    with(params) {
      return { plugin, params: resolvePluginParams(definition.meta, params, `model \`${definition.id}\``) };
    },
  };
  const issues = checkModel(plugin);
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PLUGIN', `model ${show(definition.id)} is malformed`, issues);
  return Object.freeze(plugin);
}

/**
 * Shape problems of a {@link TrainingSet} (empty when it is well formed): array types and
 * lengths, distinct factor names, finite labels, integer date indices ≥ 0 in non-decreasing
 * order (and below `dates.length` when `dates` is given). O(rows); stops listing a kind of
 * problem after its first offending row.
 */
export function checkTrainingSet(value: unknown): Issue[] {
  if (typeof value !== 'object' || value === null) return [{ path: '', message: `expected a training set object, got ${show(value)}` }];
  const set = value as Record<string, unknown>;
  const issues: Issue[] = [];
  const factors = set.factors;
  if (!Array.isArray(factors) || factors.length === 0 || !factors.every((f) => typeof f === 'string' && f !== '')) {
    issues.push({ path: 'factors', message: `expected a non-empty array of factor names, got ${show(factors)}` });
  } else {
    const seen = new Set<string>();
    factors.forEach((f: string, i) => {
      if (seen.has(f)) issues.push({ path: `factors[${i}]`, message: `factor \`${f}\` is listed twice` });
      seen.add(f);
    });
  }
  const rows = set.rows;
  if (!Number.isInteger(rows) || (rows as number) < 1) issues.push({ path: 'rows', message: `expected an integer ≥ 1, got ${show(rows)}` });
  if (!(set.features instanceof Float64Array)) issues.push({ path: 'features', message: `expected a Float64Array, got ${show(set.features)}` });
  if (!(set.labels instanceof Float64Array)) issues.push({ path: 'labels', message: `expected a Float64Array, got ${show(set.labels)}` });
  if (!(set.dateIndex instanceof Int32Array)) issues.push({ path: 'dateIndex', message: `expected an Int32Array, got ${show(set.dateIndex)}` });
  const dates = set.dates;
  if (dates !== undefined && !(Array.isArray(dates) && dates.every((d) => typeof d === 'string'))) {
    issues.push({ path: 'dates', message: `expected an array of dates, got ${show(dates)}` });
  }
  if (issues.length > 0) return issues;
  const n = rows as number;
  const F = (factors as string[]).length;
  const features = set.features as Float64Array;
  const labels = set.labels as Float64Array;
  const dateIndex = set.dateIndex as Int32Array;
  if (features.length !== n * F) issues.push({ path: 'features', message: `expected ${n} rows × ${F} factors = ${n * F} values, got ${features.length}` });
  if (labels.length !== n) issues.push({ path: 'labels', message: `expected ${n} labels (one per row), got ${labels.length}` });
  if (dateIndex.length !== n) issues.push({ path: 'dateIndex', message: `expected ${n} date indices (one per row), got ${dateIndex.length}` });
  if (issues.length > 0) return issues;
  const dateCount = (dates as readonly string[] | undefined)?.length;
  for (let r = 0; r < n; r++) {
    const y = labels[r]!;
    if (y - y !== 0) {
      issues.push({ path: `labels[${r}]`, message: `expected a finite label, got ${show(y)} (rows without a label belong out of the set)` });
      break;
    }
  }
  for (let r = 0; r < n; r++) {
    const d = dateIndex[r]!;
    if (d < 0 || (dateCount !== undefined && d >= dateCount)) {
      issues.push({ path: `dateIndex[${r}]`, message: `expected ${dateCount === undefined ? 'an integer ≥ 0' : `an index in 0..${dateCount - 1} (into dates)`}, got ${show(d)}` });
      break;
    }
    if (r > 0 && d < dateIndex[r - 1]!) {
      issues.push({ path: `dateIndex[${r}]`, message: `rows must be ordered by date: ${d} follows ${dateIndex[r - 1]!}` });
      break;
    }
  }
  return issues;
}

/** Options of {@link trainModel}. */
export interface TrainModelOptions {
  /** Where the plugin came from (a registry entry's `source`): named when its own code throws. */
  readonly source?: PluginSource;
  /** Handed to the plugin as `ctx.cache` (see {@link ModelTrainContext.cache}). */
  readonly cache?: ModelCache;
}

/** `model \`id\`` plus, when known, ` from package \`name@version\``, for messages. */
function describeModel(id: string, source?: PluginSource): string {
  const from = source?.package ? ` from package \`${source.package}${source.version ? `@${source.version}` : ''}\`` : '';
  return `model \`${id}\`${from}`;
}

/**
 * Train a model plugin: validates the parameters and the training set, runs `train`, and checks
 * what it returns. The model returned checks every `predict` call (input and output shapes) and
 * gives `weights()` in the training set's factor order, checked once.
 *
 * A factorkit error thrown by the plugin (a deliberate refusal with its own code) passes through
 * unchanged; anything else it throws becomes `FK_PLUGIN_FAILED` naming the model and, with
 * `options.source`, its package, with the original as `cause`.
 *
 * @throws ValidationError `FK_INVALID_PARAMS`, `FK_INVALID_DATA` (the training set, every
 *   problem listed); FactorkitError `FK_INVALID_OUTPUT`, `FK_PLUGIN_FAILED`.
 */
export function trainModel(
  model: ModelPlugin<any> | ModelSpec<any>, // eslint-disable-line @typescript-eslint/no-explicit-any
  data: TrainingSet,
  options: TrainModelOptions = {},
): TrainedModel {
  const plugin = ('plugin' in model ? model.plugin : model) as ModelPlugin;
  const owner = `model \`${plugin.id}\``;
  const params = resolvePluginParams(plugin.meta, 'plugin' in model ? model.params : {}, owner);
  const issues = checkTrainingSet(data);
  if (issues.length > 0) throw new ValidationError('FK_INVALID_DATA', `${owner}: the training set is malformed`, issues);
  const who = describeModel(plugin.id, options.source);
  const guarded = <T>(stage: string, fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (isFactorkitError(error)) throw error;
      const what = error instanceof Error ? `${error.name}: ${error.message}` : show(error);
      throw new FactorkitError('FK_PLUGIN_FAILED', `${who} failed in ${stage}: ${what}`, {
        cause: error,
        details: { model: plugin.id, ...(options.source?.package ? { package: options.source.package } : {}), ...(options.source?.version ? { version: options.source.version } : {}) },
      });
    }
  };
  const trained = guarded('train', () => plugin.train({ params, data, ...(options.cache ? { cache: options.cache } : {}) }));
  if (typeof trained !== 'object' || trained === null || typeof trained.predict !== 'function' || typeof trained.weights !== 'function') {
    throw new FactorkitError('FK_INVALID_OUTPUT', `${owner}: train must return { predict, weights }, got ${show(trained)}`);
  }
  const weights = checkWeights(owner, guarded('weights', () => trained.weights()), data.factors, plugin.meta.weightKind);
  const F = data.factors.length;
  const predict = (features: Float64Array, rows: number): Float64Array => {
    if (!Number.isInteger(rows) || rows < 0 || !(features instanceof Float64Array) || features.length !== rows * F) {
      throw new FactorkitError(
        'FK_INVALID_ARGUMENT',
        `${owner}: predict needs ${show(rows)} rows × ${F} factors as a Float64Array of that length, got ${show(features)}`,
      );
    }
    const scores = guarded('predict', () => trained.predict(features, rows));
    if (!(scores instanceof Float64Array) || scores.length !== rows) {
      throw new FactorkitError('FK_INVALID_OUTPUT', `${owner}: predict must return a Float64Array of ${rows} scores, got ${show(scores)}`);
    }
    return scores;
  };
  return Object.freeze({ predict, weights: () => weights, ...(trained.diagnostics ? { diagnostics: trained.diagnostics } : {}) });
}

/** `weights()`'s output, checked: one finite entry of the declared kind per factor, in the set's order. */
function checkWeights(owner: string, value: unknown, factors: readonly string[], kind: FactorWeightKind): readonly FactorWeight[] {
  const fail = (message: string): never => {
    throw new FactorkitError('FK_INVALID_OUTPUT', `${owner}: weights() ${message}`);
  };
  if (!Array.isArray(value)) fail(`must return an array, got ${show(value)}`);
  const byFactor = new Map<string, FactorWeight>();
  for (const entry of value as unknown[]) {
    const w = entry as Partial<FactorWeight> | null;
    if (typeof w !== 'object' || w === null || typeof w.factor !== 'string') fail(`returned ${show(entry)}, expected { factor, value, kind }`);
    const { factor, value: v, kind: k } = w as FactorWeight;
    if (!factors.includes(factor)) fail(`names factor \`${factor}\`, which the training set does not have`);
    if (byFactor.has(factor)) fail(`lists factor \`${factor}\` twice`);
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`gives factor \`${factor}\` the value ${show(v)}, expected a finite number`);
    if (k !== kind) fail(`gives factor \`${factor}\` kind ${show(k)}, but the model declares \`${kind}\` (meta.weightKind)`);
    byFactor.set(factor, Object.freeze({ factor, value: v, kind: k }));
  }
  const missing = factors.filter((f) => !byFactor.has(f));
  if (missing.length > 0) fail(`has no entry for ${missing.map((f) => `\`${f}\``).join(', ')}`);
  return Object.freeze(factors.map((f) => byFactor.get(f)!));
}
