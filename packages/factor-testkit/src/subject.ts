import {
  type ComputeRange,
  type FactorPlugin,
  type MarketData,
  type Panel,
  type ParamSchema,
  type ParamsInput,
  type ParamsOf,
  computeFactor,
  factorLookback,
  resolvePluginParams,
} from '@factorkit/core';
import { factorLabel } from './compare.js';
import { type InputSnapshot, snapshotInputs, toMarketData } from './snapshot.js';
import { sampleDataFor } from './random.js';

/**
 * Where the property checks (lookback, missing data, short history, cross-asset, look-ahead,
 * determinism) get their data: a dataset, or a function of the validated parameters and their
 * lookback. Default: {@link sampleDataFor} the plugin at that lookback, seeded by `seed`.
 */
export type SampleData<S extends ParamSchema = ParamSchema> = MarketData | ((params: ParamsOf<S>, lookback: number) => MarketData);

/** What every property check takes. */
export interface PropertyCheckOptions<S extends ParamSchema = ParamSchema> {
  /** Parameters to run the factor with; default `{}` (the defaults). */
  readonly params?: ParamsInput<S>;
  /** The data to run on; default: seeded random data for the declared inputs (see {@link SampleData}). */
  readonly data?: SampleData<S>;
  /** Seed of the random sample data and of the garbage; default `1`. */
  readonly seed?: number;
}

/**
 * One factor with one parameter set and its sample data, shared by the property checks so that
 * the data is built and the baseline computed once. Everything is lazy; errors are kept and
 * rethrown to each check that needs the failed piece.
 */
export class Subject<S extends ParamSchema = ParamSchema> {
  readonly id: string;
  readonly label: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly seed: number;
  #resolved: { params: ParamsOf<S>; lookback: number } | undefined;
  #snapshot: InputSnapshot | undefined;
  #baseline: Panel | undefined;

  constructor(
    readonly plugin: FactorPlugin<S>,
    private readonly options: PropertyCheckOptions<S> = {},
  ) {
    this.id = plugin.id;
    this.input = (options.params ?? {});
    this.label = factorLabel(plugin.id, this.input);
    this.seed = options.seed ?? 1;
  }

  /** Validated parameters and their lookback; throws `FK_INVALID_PARAMS` or `FK_INVALID_OUTPUT`. */
  resolved(): { params: ParamsOf<S>; lookback: number } {
    if (!this.#resolved) {
      const params = resolvePluginParams(this.plugin.meta, this.input, `factor \`${this.id}\``);
      this.#resolved = { params, lookback: factorLookback(this.plugin, params) };
    }
    return this.#resolved;
  }

  /** The declared inputs of the sample data. */
  snapshot(): InputSnapshot {
    if (!this.#snapshot) {
      const { params, lookback } = this.resolved();
      const given = this.options.data;
      const data = given === undefined ? sampleDataFor(this.plugin, { seed: this.seed, lookback }) : typeof given === 'function' ? given(params, lookback) : given;
      this.#snapshot = snapshotInputs(this.plugin, data);
    }
    return this.#snapshot;
  }

  /** Values on `data` (default: the sample) for `range`, every date × asset of the range. */
  run(data: MarketData | InputSnapshot = this.snapshot(), range: ComputeRange = {}): Panel {
    const market = isSnapshot(data) ? toMarketData(data) : data;
    return computeFactor({ plugin: this.plugin, params: this.resolved().params }, market, range).values;
  }

  /** Values on the whole sample: what the checks compare against. */
  baseline(): Panel {
    return (this.#baseline ??= this.run());
  }
}

function isSnapshot(value: MarketData | InputSnapshot): value is InputSnapshot {
  return typeof (value as MarketData).field !== 'function';
}
