import type {
  ConstraintPlugin,
  ConstraintSpec,
  FactorPlugin,
  FactorSpec,
  Issue,
  ModelPlugin,
  ModelSpec,
  OptimizerPlugin,
  OptimizerSpec,
  PluginRegistry,
  PluginSource,
  UniversePlugin,
  UniverseSpec,
} from '@factorkit/core';
import type { BacktestSettings, BacktestSettingsInput } from '@factorkit/backtest';
import type { PreprocessConfig } from '@factorkit/ops';
import type { RelaxationStep } from '@factorkit/portfolio';
import type { RiskEstimationOptions, RiskModelOptions } from '@factorkit/risk';
import type { LabelTransform } from '../walk-forward/types.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- plugins of any parameter schema */

/** Plugin parameters as written: validated later by the plugin's own schema. */
export type PluginParams = Readonly<Record<string, unknown>>;

/** The universe as written: an index and the universe plugin that reads it. */
export interface UniverseDefinitionEntry {
  /** Index code (`000300.SH`) or alias (`csi300`); passed to the plugin as its `index` parameter when it has one. */
  readonly index: string;
  /** Universe plugin id, default `index` (`@factorkit/universe-index`). */
  readonly plugin?: string;
  /** More parameters of the universe plugin (`excludeSt`, `minListedDays`, …). */
  readonly params?: PluginParams;
  /**
   * The investable universe beyond the benchmark's constituents: parameters of the `market`
   * universe plugin (default `{}`: every listed stock with the default filters), or `false` for
   * constituents only.
   */
  readonly investable?: PluginParams | false;
}

/** A factor as written: an id, or the id with a display name, parameters and direction. */
export interface FactorEntry {
  readonly id: string;
  /** The name its values and weights are reported under (default the id; must be unique). */
  readonly name?: string;
  readonly params?: PluginParams;
  /** `1`: higher is better, `-1`: lower is better. Default the plugin's `meta.direction`. */
  readonly direction?: 1 | -1;
}

/** The combination model and its walk-forward schedule. */
export interface ModelEntry {
  readonly id: string;
  readonly params?: PluginParams;
  /** Label horizon in trading days (default 5). */
  readonly horizon?: number;
  /** Retrain every this many trading days (default 20). */
  readonly retrainEvery?: number;
  /** Training window in label dates (default 240). */
  readonly window?: number;
  /** How labels are normalised per date (default `rank-normal`). */
  readonly labelTransform?: LabelTransform;
  /** Least label dates a training needs (default: the runner's, a full `window`); ≤ `window`. */
  readonly minDates?: number;
}

/** The objective kinds a strategy can optimise. */
export type ObjectiveKind = 'max-alpha' | 'mean-variance' | 'min-tracking-error';

/** What the optimizer maximises or minimises each rebalance. */
export interface ObjectiveDefinition {
  /** Default `max-alpha`. */
  readonly kind: ObjectiveKind;
  /** λ of `mean-variance` (`αᵀw − λ·(w − b)ᵀΣ(w − b)`); required for that kind, ≥ 0. */
  readonly riskAversion?: number;
  /**
   * Annualised ex-ante tracking-error cap (`0.05` = 5%): adds a `tracking-error-cap` constraint
   * (`cap`, `periodsPerYear: 252` for the daily covariances of `@factorkit/risk`), so the runner
   * needs a risk model: `risk` must not be `false`.
   */
  readonly trackingError?: number;
}

/** A constraint as written. */
export interface ConstraintEntry {
  readonly id: string;
  readonly params?: PluginParams;
  /** Name of its rows' group (default the id); unique within a strategy. */
  readonly group?: string;
  /** Priority of the group when diagnosing infeasibility (default the plugin's). */
  readonly priority?: number;
}

/** A plugin by id with parameters (the optimizer). */
export interface PluginEntry {
  readonly id: string;
  readonly params?: PluginParams;
}

/** When the portfolio is rebalanced. */
export interface RebalanceDefinition {
  /** `week`: the last trading day of each week (default); `month`: of each month; `N`: every N trading days. */
  readonly every: 'week' | 'month' | number;
}

/** A style of the risk model as written: a factor plugin id (with parameters), or `size` (log market cap, computed by the runner). */
export type RiskStyleEntry = string | { readonly id: string; readonly params?: PluginParams };

/** The risk model's options (estimation and forecast, of `@factorkit/risk`) and the styles it is built on. */
export type RiskDefinition = RiskModelOptions &
  Pick<RiskEstimationOptions, 'weights' | 'minAssets' | 'winsorize' | 'standardize'> & {
    /** The style factors of the risk model (the runner's default, `size`, when absent). */
    readonly styles?: readonly RiskStyleEntry[];
  };

/** The risk model of a resolved {@link Strategy}: styles that are factor plugins come as specs; `size` without a plugin stays a name. */
export type StrategyRisk = Omit<RiskDefinition, 'styles'> & { readonly styles?: readonly (string | FactorSpec<any>)[] };

/** What to do when a rebalance's problem is infeasible. */
export interface InfeasibleDefinition {
  /** `hold` (default): keep the holdings; `relax`: loosen the groups in `relax` in order; `stop`: end the run. */
  readonly policy: 'hold' | 'relax' | 'stop';
  /** The declared relaxation order of `@factorkit/portfolio` (required and non-empty for `relax`). */
  readonly relax?: readonly RelaxationStep[];
}

/**
 * A strategy as written in a YAML or JSON file, or in code: plain data. {@link parseStrategy}
 * reads and checks one; {@link createStrategy} resolves its plugins. Every optional field has a
 * default, filled in `Strategy.definition`.
 */
export interface StrategyDefinition {
  /** `[a-z0-9][a-z0-9-_]*`. */
  readonly name: string;
  readonly description?: string;
  readonly universe: UniverseDefinitionEntry;
  /** Composite benchmark text (`95% 000852.SH + 5% deposit`); default `100% <universe.index code>`. */
  readonly benchmark?: string;
  /** First and last day (`YYYY-MM-DD`) of the backtest; default the data's range. */
  readonly start?: string;
  readonly end?: string;
  readonly factors: readonly (string | FactorEntry)[];
  /**
   * Factor preprocessing: `true` (default) = the usual pipeline (MAD ×5 → industry + size
   * neutralisation → equal-weighted z-score → no fill); an object overrides stages of it (either
   * form of `@factorkit/ops`' `checkPreprocessConfig`); `false` = none.
   */
  readonly preprocess?: boolean | PreprocessConfig;
  readonly model: ModelEntry;
  readonly objective?: ObjectiveDefinition;
  /** Default (when absent): `DEFAULT_CONSTRAINTS`. */
  readonly constraints?: readonly ConstraintEntry[];
  /** Default `{ id: 'highs' }`. */
  readonly optimizer?: PluginEntry;
  /** Default `{ every: 'week' }`. */
  readonly rebalance?: RebalanceDefinition;
  /** Default `{}` (a risk model with its default options); `false` = none. */
  readonly risk?: RiskDefinition | false;
  /** Default `{ policy: 'hold' }`. */
  readonly infeasible?: InfeasibleDefinition;
  readonly capital?: number;
  readonly execution?: BacktestSettingsInput['execution'];
  readonly costs?: BacktestSettingsInput['costs'];
  readonly depositRate?: number;
  readonly dayBasis?: number;
}

/** A factor of a resolved {@link Strategy}. */
export interface StrategyFactor {
  readonly name: string;
  readonly plugin: FactorPlugin<any>;
  /** Validated by the plugin's schema, defaults filled. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly direction: 1 | -1;
  /** Where the plugin came from (its registry entry); `undefined` for a plugin given in code. */
  readonly source?: PluginSource;
}

/** A resolved plugin with validated parameters. */
export interface ResolvedPlugin<P> {
  readonly plugin: P;
  readonly params: Readonly<Record<string, unknown>>;
  readonly source?: PluginSource;
}

/** The resolved combination model and its schedule. */
export interface StrategyModel extends ResolvedPlugin<ModelPlugin<any>> {
  readonly horizon: number;
  readonly retrainEvery: number;
  readonly window: number;
  readonly labelTransform: LabelTransform;
  readonly minDates?: number;
}

/**
 * A strategy with every plugin resolved and every parameter validated: what `runStrategy` takes.
 * Frozen. `definition` is the plain data it was made from with every default filled in
 * (JSON-serialisable; plugins given in code are recorded by id and parameters).
 */
export interface Strategy {
  readonly name: string;
  readonly description: string;
  readonly definition: StrategyDefinition;
  readonly universe: ResolvedPlugin<UniversePlugin<any>>;
  /** The `market` universe with the investability filters, or `undefined` (`investable: false`). */
  readonly investable: ResolvedPlugin<UniversePlugin<any>> | undefined;
  /** The composite benchmark in the canonical syntax of `@factorkit/benchmark`. */
  readonly benchmark: string;
  readonly factors: readonly StrategyFactor[];
  readonly preprocess: PreprocessConfig | false;
  readonly model: StrategyModel;
  readonly objective: ObjectiveDefinition;
  /** The constraints in order, `objective.trackingError`'s `tracking-error-cap` last. */
  readonly constraints: readonly ConstraintSpec<any>[];
  readonly optimizer: ResolvedPlugin<OptimizerPlugin<any>>;
  readonly rebalance: RebalanceDefinition;
  readonly risk: StrategyRisk | false;
  readonly infeasible: { readonly policy: InfeasibleDefinition['policy']; readonly relax: readonly RelaxationStep[] };
  readonly backtest: BacktestSettings;
  readonly start?: string;
  readonly end?: string;
}

/** A plugin object or a configured spec, wherever code may give one instead of an id. */
export type PluginRef<P, S> = string | P | S;

/** A factor in code: an id, an entry, a plugin, a spec (`plugin.with(params)`), or `{ plugin, name?, direction? }`. */
export type FactorInput =
  | string
  | FactorEntry
  | FactorPlugin<any>
  | FactorSpec<any>
  | { readonly plugin: FactorPlugin<any> | FactorSpec<any>; readonly name?: string; readonly params?: PluginParams; readonly direction?: 1 | -1 };

/** The model in code: an entry whose `id` may be a plugin or a spec, or a plugin or spec alone (default schedule). */
export type ModelInput =
  | ModelPlugin<any>
  | ModelSpec<any>
  | (Omit<ModelEntry, 'id'> & { readonly id: PluginRef<ModelPlugin<any>, ModelSpec<any>> });

/** A constraint in code: an entry whose `id` may be a plugin or a spec, a plugin, or a spec (`plugin.with(params, { group, priority })`). */
export type ConstraintInput =
  | ConstraintPlugin<any>
  | ConstraintSpec<any>
  | (Omit<ConstraintEntry, 'id'> & { readonly id: PluginRef<ConstraintPlugin<any>, ConstraintSpec<any>> });

/** The optimizer in code. */
export type OptimizerInput = OptimizerPlugin<any> | OptimizerSpec<any> | { readonly id: PluginRef<OptimizerPlugin<any>, OptimizerSpec<any>>; readonly params?: PluginParams };

/** The universe in code: the entry (its `plugin` may be a plugin object), or a universe spec (`indexUniverse.with({ index })`). */
export type UniverseInput =
  | UniverseSpec<any>
  | (Omit<UniverseDefinitionEntry, 'plugin' | 'index'> & { readonly index?: string; readonly plugin?: string | UniversePlugin<any> | UniverseSpec<any> });

/**
 * A strategy in code (`createStrategy({ … })`): a {@link StrategyDefinition} where factors,
 * the model, constraints, the optimizer and the universe may be plugin objects or
 * `plugin.with(params)` specs instead of ids.
 */
export type StrategyInput = Omit<StrategyDefinition, 'universe' | 'factors' | 'model' | 'constraints' | 'optimizer' | 'risk'> & {
  readonly universe: UniverseInput;
  readonly factors: readonly FactorInput[];
  readonly model: ModelInput;
  readonly constraints?: readonly ConstraintInput[];
  readonly optimizer?: OptimizerInput;
  readonly risk?: (Omit<RiskDefinition, 'styles'> & { readonly styles?: readonly (RiskStyleEntry | FactorPlugin<any> | FactorSpec<any>)[] }) | false;
};

/** Options of {@link createStrategy}. */
export interface CreateStrategyOptions {
  /**
   * Where ids are looked up (after plugins given in code). Ids it lacks fall back to the
   * plugins this package depends on: the constraints of `@factorkit/constraints`, the `index`
   * and `market` universes, the `highs` optimizer.
   */
  readonly registry?: PluginRegistry;
}

/** Options of {@link parseStrategy}. */
export interface ParseStrategyOptions {
  /** The file's name, put before each problem's line and column. */
  readonly file?: string;
  /** Default `yaml` (JSON is YAML too, but `json` reports JSON syntax errors as JSON). */
  readonly format?: 'yaml' | 'json';
}

/** One problem of a strategy: its dot-path under `strategy` and, when read from a file, where. */
export interface StrategyIssue extends Issue {
  readonly file?: string;
  /** 1-based. */
  readonly line?: number;
  /** 1-based. */
  readonly column?: number;
}
