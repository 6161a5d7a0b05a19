import type { CategoricalPanel, ConstraintContext, ConstraintSpec, MarketData, Tradability, UniverseInstance } from '@factorkit/core';
import { constituentShare, fullyInvested, industryNeutral, longOnly, stockDeviation, styleExposure, tradability, turnoverLimit } from '@factorkit/constraints';
import { zscoreInPlace } from '@factorkit/ops';
import type { Holdings } from './holdings.js';
import { type AlignedPanel, type ResolvedMfe, valueAt } from './options.js';

/** The panels a run reads on rebalance dates, read once. */
export interface RebalanceInputs {
  readonly data: MarketData;
  readonly factor: AlignedPanel;
  readonly direction: 1 | -1;
  readonly industry: CategoricalPanel | undefined;
  readonly styles: readonly { readonly name: string; readonly values: AlignedPanel; readonly log: boolean }[];
  readonly investable: Pick<UniverseInstance, 'members'> | undefined;
  readonly universe: UniverseInstance;
  readonly settings: ResolvedMfe['settings'];
  /** The constraint specs, the same on every date (made once per run). */
  readonly specs: MfeSpecs;
}

type AnySpec = ConstraintSpec<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The constraint specs of a run; `undefined` where the setting drops the constraint. */
interface MfeSpecs {
  readonly fullyInvested: AnySpec;
  readonly longOnly: AnySpec;
  readonly deviation: AnySpec;
  readonly industry: AnySpec | undefined;
  readonly styles: AnySpec | undefined;
  readonly constituentShare: AnySpec | undefined;
  readonly turnover: AnySpec | undefined;
  readonly tradability: AnySpec;
}

/**
 * The specs of {@link MfeConstraintsConfig}'s constraints. The turnover limit uses the `held`
 * formulation of `turnover-limit` (buy/sell variables only for the stocks held; the weights are
 * long-only): the same limit as the default `split` in a far smaller LP — csi500 on the
 * synthetic market with the whole market investable, ~2,150 candidates of which ~100 held:
 * ~2,350 variables and ~135 rows instead of ~6,450 and ~2,190.
 */
function mfeSpecs(c: ResolvedMfe['settings']['constraints']): MfeSpecs {
  return {
    fullyInvested: fullyInvested.with(),
    longOnly: longOnly.with(),
    deviation: stockDeviation.with({ limit: c.deviation, nonMembers: 'allow', nonMemberMax: c.deviation }),
    industry: c.industry ? industryNeutral.with({ classification: c.industry.field, band: c.industry.band, missing: 'group' }) : undefined,
    styles: c.styles ? styleExposure.with({ styles: [...c.styles.names], band: c.styles.band, bands: { ...c.styles.bands }, missing: 'zero' }) : undefined,
    constituentShare: c.constituentShare !== false ? constituentShare.with({ min: c.constituentShare }) : undefined,
    turnover: c.turnover !== false ? turnoverLimit.with({ limit: c.turnover, side: 'one-way', formulation: 'held' }) : undefined,
    tradability: tradability.with(),
  };
}

/** The problem's inputs on one rebalance date. */
export interface RebalanceContext {
  /** Column indices (into `data.assets`) of the candidates, ascending. */
  readonly columns: Int32Array;
  /** α = direction × factor value, missing values filled with the candidates' mean. */
  readonly alpha: Float64Array;
  readonly context: ConstraintContext;
  /** Each constraint with the context it is built from (the deviation band sees {@link pinUntradable}'s benchmark). */
  readonly groups: readonly { readonly spec: AnySpec; readonly context: ConstraintContext }[];
  readonly missingFactor: number;
  readonly missingStyle: Readonly<Record<string, number>>;
  /** Stocks whose deviation band was moved to contain the weight they cannot trade away from. */
  readonly pinned: number;
}

/** A rebalance date with nothing to optimise, and why. */
export interface Skip {
  readonly skip: string;
}

/** Read the panels once; `log-market-cap` reads `market_cap` (else `float_market_cap`, noted). */
export function rebalanceInputs(data: MarketData, resolved: ResolvedMfe, universe: UniverseInstance, investable: Pick<UniverseInstance, 'members'> | undefined, notes: string[]): RebalanceInputs {
  const { settings } = resolved;
  const styles = resolved.styles.map(({ name, source }) => {
    if (source !== 'log-market-cap') return { name, values: source, log: false };
    const field = data.hasField('market_cap') ? 'market_cap' : 'float_market_cap';
    if (field !== 'market_cap') notes.push(`style \`${name}\`: the dataset has no \`market_cap\`; log float market cap is used instead`);
    return { name, values: { values: data.field(field), offset: 0 }, log: true };
  });
  return {
    data,
    factor: resolved.factor,
    direction: settings.direction,
    industry: settings.constraints.industry ? data.categorical(settings.constraints.industry.field) : undefined,
    styles,
    investable,
    universe,
    settings,
    specs: mfeSpecs(settings.constraints),
  };
}

/**
 * The candidates and constraint context of rebalance date `t`: benchmark constituents (b > 0),
 * stocks held, and investable stocks (members of `investable`, default all) with a factor value.
 * A held stock that is neither in the benchmark nor investable may be kept or sold, not bought.
 */
export function rebalanceContext(inputs: RebalanceInputs, t: number, benchmark: Float64Array, holdings: Holdings): RebalanceContext | Skip {
  const { data, factor, direction, settings } = inputs;
  const N = data.assets.length;
  const investable = inputs.investable?.members(t);
  const held = holdings.weight;
  // The factor's row t, read straight from its column-major values (a date outside the panel reads NaN).
  const row = t - factor.offset;
  const inside = row >= 0 && row < factor.values.dates;
  const stride = factor.values.dates;
  const cells = factor.values.values;
  const candidates = new Int32Array(N);
  const raw = new Float64Array(N);
  let n = 0;
  let finite = 0;
  let sum = 0;
  for (let a = 0; a < N; a++) {
    const v = inside ? cells[a * stride + row]! : Number.NaN;
    const has = Number.isFinite(v);
    if (benchmark[a]! > 0 || held[a]! !== 0 || (has && (!investable || investable[a] === 1))) {
      candidates[n] = a;
      raw[n++] = v;
      if (has) {
        finite++;
        sum += direction * v;
      }
    }
  }
  if (finite === 0) return { skip: 'the factor has no value for any candidate on this date' };
  const columns = candidates.slice(0, n);
  const mean = sum / finite;
  const alpha = new Float64Array(n);
  const b = new Float64Array(n);
  const previous = new Float64Array(n);
  let missingFactor = 0;
  for (let k = 0; k < n; k++) {
    const a = columns[k]!;
    const v = raw[k]!;
    if (Number.isFinite(v)) alpha[k] = direction * v;
    else {
      alpha[k] = mean;
      missingFactor++;
    }
    b[k] = benchmark[a]! > 0 ? benchmark[a]! : 0;
    previous[k] = held[a]!;
  }

  const exposures: Record<string, Float64Array> = {};
  const missingStyle: Record<string, number> = {};
  for (const style of inputs.styles) {
    const x = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const v = valueAt(style.values, t, columns[k]!);
      x[k] = style.log ? (v > 0 ? Math.log(v) : Number.NaN) : v;
    }
    zscoreInPlace(x);
    let missing = 0;
    for (let k = 0; k < n; k++) if (Number.isNaN(x[k]!)) missing++;
    exposures[style.name] = x;
    missingStyle[style.name] = missing;
  }

  const categories: Record<string, { codes: Int32Array; levels: readonly string[] }> = {};
  const industry = settings.constraints.industry;
  if (industry && inputs.industry) {
    const panel = inputs.industry;
    const codes = new Int32Array(n);
    for (let k = 0; k < n; k++) codes[k] = panel.codes[columns[k]! * panel.dates + t]!;
    categories[industry.field] = { codes, levels: panel.levels };
  }

  const flags = settings.constraints.tradability ? inputs.universe.tradability?.(t) : undefined;
  let tradable: Tradability | undefined;
  if (settings.constraints.tradability || investable) {
    const canBuy = new Uint8Array(n).fill(1);
    const canSell = new Uint8Array(n).fill(1);
    for (let k = 0; k < n; k++) {
      const a = columns[k]!;
      if (flags) {
        canBuy[k] = flags.canBuy[a]!;
        canSell[k] = flags.canSell[a]!;
      }
      // Held, but neither a constituent nor investable: keep or sell only.
      if (investable && investable[a] !== 1 && !(benchmark[a]! > 0)) canBuy[k] = 0;
    }
    tradable = { canBuy, canSell };
  }

  const context: ConstraintContext = {
    date: data.calendar.at(t),
    assets: Array.from(columns, (a) => data.assets[a]!),
    benchmark: b,
    previous,
    exposures,
    categories,
    ...(tradable ? { tradability: tradable } : {}),
  };
  const { deviationContext, pinned } = pinUntradable(context, settings.constraints.deviation);
  const { specs } = inputs;
  const groups: { spec: AnySpec; context: ConstraintContext }[] = [
    { spec: specs.fullyInvested, context },
    { spec: specs.longOnly, context },
    { spec: specs.deviation, context: deviationContext },
  ];
  if (specs.industry) groups.push({ spec: specs.industry, context });
  if (specs.styles) groups.push({ spec: specs.styles, context });
  if (specs.constituentShare) groups.push({ spec: specs.constituentShare, context });
  if (specs.turnover && holdings.invested) groups.push({ spec: specs.turnover, context });
  if (tradable) groups.push({ spec: specs.tradability, context });
  return { columns, alpha, context, groups, missingFactor, missingStyle, pinned };
}

/** The spacing of doubles at `x` (at least the smallest positive double). */
function ulp(x: number): number {
  return Math.max(Number.MIN_VALUE, Math.abs(x) * Number.EPSILON);
}

/**
 * A stock that cannot be traded in the direction its deviation band asks — held above its upper
 * end and unsellable, or below its lower end and unbuyable — keeps its weight: the band the
 * `stock-deviation` constraint sees is centred at w₀ ∓ d (its benchmark weight in that group's
 * context only), so that the band ends at w₀ and `tradability` holds it there. Without this, one
 * limit-down stock held above b + d makes the whole date infeasible.
 */
export function pinUntradable(context: ConstraintContext, deviation: number): { deviationContext: ConstraintContext; pinned: number } {
  const flags = context.tradability;
  const previous = context.previous;
  if (!flags || !previous) return { deviationContext: context, pinned: 0 };
  let shifted: Float64Array | undefined;
  let pinned = 0;
  const b = context.benchmark;
  for (let k = 0; k < b.length; k++) {
    const bk = b[k]!;
    const w0 = previous[k]!;
    const upper = bk > 0 ? bk + deviation : deviation;
    const lower = bk > 0 ? Math.max(0, bk - deviation) : 0;
    let centre: number | undefined;
    // In floating point (w₀ + d) − d may land a hair above w₀ (and (w₀ − d) + d below it): the
    // band and `tradability`'s bound at w₀ would then cross, which HiGHS tolerates and a strict
    // solver (GLPK: "incorrect bounds") refuses. The centre is stepped until the band's end holds w₀.
    if (flags.canSell[k] === 0 && w0 > upper) {
      centre = w0 - deviation;
      while (centre + deviation < w0) centre += ulp(centre);
    } else if (flags.canBuy[k] === 0 && w0 < lower) {
      centre = w0 + deviation;
      while (centre - deviation > w0) centre -= ulp(centre);
    }
    if (centre === undefined) continue;
    shifted ??= Float64Array.from(b);
    shifted[k] = centre;
    pinned++;
  }
  return { deviationContext: shifted ? { ...context, benchmark: shifted } : context, pinned };
}
