import {
  type DateString,
  type FactorPlugin,
  type FactorSpec,
  FactorkitError,
  type MarketData,
  type Panel,
  computeFactor,
  show,
} from '@factorkit/core';
import { type RiskEstimate, type RiskEstimationOptions, type RiskPanels, estimateRiskPanels } from './estimate.js';
import { type RiskModel, type RiskModelOptions, checkRiskModelOptions, riskModelsAt } from './model.js';

/** A style given to {@link riskPanelsFromDataset}: a factor plugin or spec (named by its id), or a ready panel. */
export type StyleInput = FactorPlugin<any> | FactorSpec<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Where the inputs of a dataset-driven estimation come from. */
export interface DatasetRiskInput {
  readonly dataset: MarketData;
  /** Style factors: plugins/specs computed with `computeFactor` (named by id), or panels by name. */
  readonly styles: readonly StyleInput[] | Readonly<Record<string, Panel>>;
  /**
   * Estimation universe: a 0/1 field name (e.g. `'index_member:000300.SH'`) or panel; default:
   * every asset with a cap.
   */
  readonly universe?: string | Panel;
  /** Cap field for weights and standardisation (default `'market_cap'`). */
  readonly capField?: string;
  /** Industry classification field (default `'industry'`). */
  readonly industryField?: string;
}

/**
 * The panels of a risk model from a dataset: `ret`, the industry, the cap, `is_trading` (when
 * present) as the tradable flag, the universe field, and each style computed over the whole
 * calendar with `computeFactor` (so each style is as point in time as its plugin).
 */
export function riskPanelsFromDataset(input: DatasetRiskInput): RiskPanels {
  const { dataset } = input;
  const styles: Record<string, Panel> = {};
  if (Array.isArray(input.styles)) {
    for (const spec of input.styles as readonly StyleInput[]) {
      const id = 'plugin' in spec ? spec.plugin.id : spec.id;
      if (styles[id]) throw new FactorkitError('FK_INVALID_ARGUMENT', `styles: factor \`${id}\` is given twice`);
      styles[id] = computeFactor(spec, dataset).values;
    }
  } else {
    Object.assign(styles, input.styles);
  }
  let universe: Panel | undefined;
  if (typeof input.universe === 'string') universe = dataset.field(input.universe);
  else if (input.universe) universe = input.universe;
  const panels: RiskPanels = {
    dates: dataset.calendar.dates,
    assets: dataset.assets,
    returns: dataset.field('ret'),
    industry: dataset.categorical(input.industryField ?? 'industry'),
    styles,
    marketCap: dataset.field(input.capField ?? 'market_cap'),
    ...(universe ? { universe } : {}),
    ...(dataset.hasField('is_trading') ? { tradable: dataset.field('is_trading') } : {}),
  };
  return panels;
}

/** Everything {@link estimateRiskModel} accepts: panels or a dataset, plus the options. */
export type EstimateRiskModelInput = (RiskPanels | DatasetRiskInput) & RiskEstimationOptions & RiskModelOptions;

/** An estimated risk model history, from which a model as of any estimated date can be built. */
export interface RiskModelEstimate extends RiskEstimate {
  /** The model options given to {@link estimateRiskModel} (defaults of `modelAt`). */
  readonly modelOptions: RiskModelOptions;
  /** The model as of `date` (the last trading day on or before it), using data up to it only. */
  modelAt(date: DateString | number, options?: RiskModelOptions): RiskModel;
  /** Models as of several dates, in one pass. */
  modelsAt(dates: readonly (DateString | number)[], options?: RiskModelOptions): RiskModel[];
}

/**
 * Estimate a Barra-style factor risk model: daily cross-sectional WLS of day-`t` returns on
 * exposures known at `t − 1` (country + industries with cap-weighted industry returns summing to
 * zero + standardised styles; see {@link estimateRiskPanels}), then, per as-of date, an EWMA
 * (optionally Newey–West, optionally regime-adjusted) factor covariance and shrunk EWMA specific
 * variances (see {@link riskModelsAt}).
 *
 * @example
 * const est = estimateRiskModel({ dataset, styles: [size, beta, momentum],
 *   universe: 'index_member:000300.SH', halfLife: 90, specificHalfLife: 42 });
 * const model = est.modelAt('2023-06-30');
 * trackingError(model, weights, benchmark, { annualize: true });
 */
export function estimateRiskModel(input: EstimateRiskModelInput): RiskModelEstimate {
  if (!input || typeof input !== 'object') throw new FactorkitError('FK_INVALID_ARGUMENT', `estimateRiskModel: expected an options object, got ${show(input)}`);
  const panels: RiskPanels = 'dataset' in input ? riskPanelsFromDataset(input) : input;
  const estimationOptions: RiskEstimationOptions = {
    ...(input.weights === undefined ? {} : { weights: input.weights }),
    ...(input.start === undefined ? {} : { start: input.start }),
    ...(input.end === undefined ? {} : { end: input.end }),
    ...(input.minAssets === undefined ? {} : { minAssets: input.minAssets }),
    ...(input.winsorize === undefined ? {} : { winsorize: input.winsorize }),
    ...(input.standardize === undefined ? {} : { standardize: input.standardize }),
  };
  const modelOptions: RiskModelOptions = {
    ...(input.halfLife === undefined ? {} : { halfLife: input.halfLife }),
    ...(input.specificHalfLife === undefined ? {} : { specificHalfLife: input.specificHalfLife }),
    ...(input.neweyWestLags === undefined ? {} : { neweyWestLags: input.neweyWestLags }),
    ...(input.regimeHalfLife === undefined ? {} : { regimeHalfLife: input.regimeHalfLife }),
    ...(input.minFactorObservations === undefined ? {} : { minFactorObservations: input.minFactorObservations }),
    ...(input.specificMinObservations === undefined ? {} : { specificMinObservations: input.specificMinObservations }),
  };
  // Validate the model options now rather than at the first modelAt.
  checkRiskModelOptions(modelOptions);
  const estimate = estimateRiskPanels(panels, estimationOptions);
  return {
    ...estimate,
    modelOptions,
    modelAt: (date, options = {}) => riskModelsAt(estimate, [date], { ...modelOptions, ...options })[0]!,
    modelsAt: (dates, options = {}) => riskModelsAt(estimate, dates, { ...modelOptions, ...options }),
  };
}
