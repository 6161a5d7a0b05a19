/**
 * `@factorkit/universe-index`: index universes from point-in-time membership and weights, and
 * the whole listed market, each with the usual investability filters.
 *
 * @packageDocumentation
 */
import {
  type BenchmarkWeights,
  FactorkitError,
  type InputSpec,
  type MarketData,
  type Panel,
  type Tradability,
  type UniverseInstance,
  type UniversePlugin,
  dateToInt,
  defineUniverse,
  intToDate,
  param,
} from '@factorkit/core';

/** Short names for the indices enhanced-index strategies benchmark against. */
export const INDEX_ALIASES: Readonly<Record<string, string>> = {
  csi300: '000300.SH',
  csi500: '000905.SH',
  csi800: '000906.SH',
  csi1000: '000852.SH',
  csia500: '000510.SH',
  cni2000: '399303.SZ',
};

/** The index code for an alias (`csi300`) or a code (`000300.SH`). */
export function resolveIndexCode(index: string): string {
  return INDEX_ALIASES[index.toLowerCase()] ?? index;
}

const filterParams = {
  excludeSt: param.boolean({ default: true, description: 'leave out stocks that are ST or *ST on the date' }),
  excludeSuspended: param.boolean({ default: true, description: 'leave out stocks suspended on the date' }),
  minListedDays: param.integer({ default: 0, min: 0, description: 'leave out stocks listed fewer than this many trading days before the date' }),
  tradeAt: param.enum(['open', 'close'], {
    default: 'close',
    description: 'when orders execute, for tradability: at the open (limit status at the open) or at the close',
  }),
};

const FILTER_INPUTS: readonly InputSpec[] = [
  { field: 'is_trading', kind: 'market', description: '1 on a normal trading day, 0 when suspended' },
  { field: 'is_st', kind: 'market', optional: true, description: '1 while ST or *ST' },
  { field: 'listed_days', kind: 'reference', optional: true, description: 'trading days since listing' },
  { field: 'can_buy_open', kind: 'market', optional: true },
  { field: 'can_sell_open', kind: 'market', optional: true },
  { field: 'can_buy_close', kind: 'market', optional: true },
  { field: 'can_sell_close', kind: 'market', optional: true },
];

type Filters = InvestabilityFilters;

/** Read once what the filters and tradability need. */
function filterPanels(data: MarketData, filters: Filters, owner: string) {
  const optional = (name: string): Panel | undefined => (data.hasField(name) ? data.field(name) : undefined);
  if (!data.hasField('is_trading')) {
    throw new FactorkitError('FK_MISSING_INPUT', `${owner} needs field \`is_trading\`, which the dataset does not have`);
  }
  const listed = optional('listed_days');
  if (filters.minListedDays > 0 && !listed) {
    throw new FactorkitError('FK_MISSING_INPUT', `${owner}: minListedDays ${filters.minListedDays} needs field \`listed_days\`, which the dataset does not have`);
  }
  return {
    trading: data.field('is_trading'),
    st: filters.excludeSt ? optional('is_st') : undefined,
    listed,
    canBuy: optional(`can_buy_${filters.tradeAt}`),
    canSell: optional(`can_sell_${filters.tradeAt}`),
  };
}

function applyFilters(mask: Uint8Array, t: number, panels: ReturnType<typeof filterPanels>, filters: Filters): Uint8Array {
  for (let a = 0; a < mask.length; a++) {
    if (!mask[a]) continue;
    const trading = panels.trading.get(t, a);
    // No daily row at all (not listed yet, delisted) is never investable.
    if (Number.isNaN(trading) || (filters.excludeSuspended && trading !== 1)) mask[a] = 0;
    else if (panels.st && panels.st.get(t, a) === 1) mask[a] = 0;
    else if (filters.minListedDays > 0 && !(panels.listed!.get(t, a) >= filters.minListedDays)) mask[a] = 0;
  }
  return mask;
}

function tradability(t: number, n: number, panels: ReturnType<typeof filterPanels>): Tradability {
  const canBuy = new Uint8Array(n);
  const canSell = new Uint8Array(n);
  for (let a = 0; a < n; a++) {
    const trading = panels.trading.get(t, a) === 1;
    canBuy[a] = trading && (!panels.canBuy || panels.canBuy.get(t, a) === 1) ? 1 : 0;
    canSell[a] = trading && (!panels.canSell || panels.canSell.get(t, a) === 1) ? 1 : 0;
  }
  return { canBuy, canSell };
}

/**
 * An index universe: the constituents of an index on each date (from `index_member:<code>`),
 * minus ST, suspended and recently listed stocks as configured; benchmark weights from the
 * published snapshots (`index_weight:<code>`), carried forward between snapshots and drifted
 * with returns, or — for indices without published weights — proxied by float market cap (or,
 * with `weights: 'equal'`, equal weights over the members) and flagged `approximate`.
 */
export const indexUniverse = defineUniverse({
  id: 'index',
  apiVersion: '1.0',
  meta: {
    title: 'Index constituents',
    description:
      'Constituents of an index as of each date, with ST / suspension / listing-age filters; benchmark weights from published snapshots (carried forward, drifted with returns), or float-cap or equal-weight proxies flagged approximate.',
    benchmark: true,
    inputs: [
      ...FILTER_INPUTS,
      { field: 'ret', kind: 'market', optional: true, description: 'daily return, to drift weights between snapshots' },
      { field: 'float_market_cap', kind: 'market', optional: true, description: 'for proxy weights when the index has no published weights' },
    ],
    params: {
      index: param.string({ minLength: 1, description: 'index code (`000300.SH`) or alias (csi300, csi500, csi1000, csia500, cni2000)' }),
      weights: param.enum(['auto', 'published', 'float-cap', 'equal'], {
        default: 'auto',
        description:
          'benchmark weights: published snapshots when the dataset has them (auto), only those (published), float-cap proxies, or equal weights over the members (for a dataset with neither weights nor market caps; flagged approximate)',
      }),
      drift: param.boolean({ default: true, description: 'between snapshots, let weights move with each constituent’s return (else hold them flat)' }),
      ...filterParams,
    },
  },
  resolve({ data, params }) {
    const code = resolveIndexCode(params.index);
    const owner = `universe \`index\` (${code})`;
    const memberField = `index_member:${code}`;
    if (!data.hasField(memberField)) {
      const known = data
        .fieldInfo()
        .map((f) => f.name)
        .filter((n) => n.startsWith('index_member:'))
        .map((n) => n.slice('index_member:'.length));
      throw new FactorkitError(
        'FK_MISSING_INPUT',
        `${owner}: the dataset has no membership for index \`${code}\`${known.length ? `; it has ${known.map((k) => `\`${k}\``).join(', ')}` : ' (no index_members table)'}`,
        { details: { missing: [memberField] } },
      );
    }
    const members = data.field(memberField);
    const panels = filterPanels(data, params, owner);
    const n = data.assets.length;
    const hasPublished = data.hasField(`index_weight:${code}`);
    const source = params.weights === 'auto' ? (hasPublished ? 'published' : 'float-cap') : params.weights;
    if (source === 'published' && !hasPublished) {
      throw new FactorkitError('FK_MISSING_INPUT', `${owner}: weights \`published\` asked for, but the dataset has no \`index_weight:${code}\``);
    }
    if (source === 'float-cap' && !data.hasField('float_market_cap')) {
      throw new FactorkitError('FK_MISSING_INPUT', `${owner}: float-cap proxy weights need field \`float_market_cap\`, which the dataset does not have`);
    }
    const published = source === 'published' ? { weight: data.field(`index_weight:${code}`), asOf: data.field(`index_weight_date:${code}`) } : undefined;
    const ret = params.drift && data.hasField('ret') ? data.field('ret') : undefined;
    const floatCap = source === 'float-cap' ? data.field('float_market_cap') : undefined;
    const dateInt = (t: number) => dateToInt(data.calendar.at(t));

    const instance: UniverseInstance = {
      id: `index:${code}`,
      members(t) {
        const mask = new Uint8Array(n);
        for (let a = 0; a < n; a++) mask[a] = members.get(t, a) === 1 ? 1 : 0;
        return applyFilters(mask, t, panels, params);
      },
      weights(t): BenchmarkWeights | undefined {
        const weights = new Float64Array(n);
        if (published) {
          let snapshot = Number.NaN;
          for (let a = 0; a < n && Number.isNaN(snapshot); a++) snapshot = published.asOf.get(t, a);
          if (Number.isNaN(snapshot)) return undefined; // before the first snapshot
          const s = data.calendar.indexOf(intToDate(snapshot));
          for (let a = 0; a < n; a++) {
            let w = published.weight.get(t, a);
            if (!(w > 0)) continue;
            // Drift: a constituent's weight grows with its own return since the snapshot (the
            // snapshot is as of that day's close, so returns count from the next day on).
            if (ret && s >= 0) for (let k = s + 1; k <= t; k++) w *= 1 + (Number.isNaN(ret.get(k, a)) ? 0 : ret.get(k, a));
            weights[a] = w;
          }
          normalise(weights);
          return { weights, asOf: intToDate(snapshot), carried: snapshot !== dateInt(t), approximate: false };
        }
        for (let a = 0; a < n; a++) {
          if (members.get(t, a) !== 1) continue;
          if (!floatCap) weights[a] = 1;
          else if (floatCap.get(t, a) > 0) weights[a] = floatCap.get(t, a);
        }
        if (!normalise(weights)) return undefined;
        return { weights, asOf: data.calendar.at(t), carried: false, approximate: true };
      },
      tradability: (t) => tradability(t, n, panels),
    };
    return instance;
  },
});

/**
 * Every listed stock on each date (everything with a daily row), with the same filters: the
 * universe for whole-market factor tests.
 */
export const marketUniverse = defineUniverse({
  id: 'market',
  apiVersion: '1.0',
  meta: {
    title: 'Whole market',
    description: 'Every stock with a daily row on the date, with ST / suspension / listing-age filters.',
    inputs: FILTER_INPUTS,
    params: filterParams,
  },
  resolve({ data, params }) {
    const panels = filterPanels(data, params, 'universe `market`');
    const n = data.assets.length;
    return {
      id: 'market',
      members: (t) => applyFilters(new Uint8Array(n).fill(1), t, panels, params),
      tradability: (t) => tradability(t, n, panels),
    };
  },
});

/** The parameters of the investability filters and tradability, as {@link investability} takes them. */
export interface InvestabilityFilters {
  readonly excludeSt: boolean;
  readonly excludeSuspended: boolean;
  readonly minListedDays: number;
  readonly tradeAt: 'open' | 'close';
}

/**
 * The investability filters and tradability of the `index` and `market` universes, for other
 * universe plugins built on the same fields: spread {@link INVESTABILITY_PARAMS} into the
 * plugin's params and {@link INVESTABILITY_INPUTS} into its inputs, then call this once in
 * `resolve`. `filter(mask, t)` clears (in place) the members that are not investable on `t`
 * (no daily row, suspended, ST, listed too recently, as configured); `tradability(t)` is what the
 * `index` universe reports.
 *
 * @param owner names the universe in messages (`universe \`fund-holdings\``).
 * @throws FactorkitError `FK_MISSING_INPUT` without `is_trading`, or without `listed_days` when
 *   `minListedDays` > 0.
 */
export function investability(
  data: MarketData,
  filters: InvestabilityFilters,
  owner: string,
): { filter(mask: Uint8Array, t: number): Uint8Array; tradability(t: number): Tradability } {
  const panels = filterPanels(data, filters, owner);
  const n = data.assets.length;
  return {
    filter: (mask, t) => applyFilters(mask, t, panels, filters),
    tradability: (t) => tradability(t, n, panels),
  };
}

/** The parameter schema of {@link investability}'s filters (the `market` universe's params). */
export const INVESTABILITY_PARAMS = filterParams;

/** The fields {@link investability} reads (all but `is_trading` optional). */
export const INVESTABILITY_INPUTS = FILTER_INPUTS;

/** Scale to sum 1; false when there is nothing to scale. */
function normalise(weights: Float64Array): boolean {
  let sum = 0;
  for (const w of weights) sum += w;
  if (!(sum > 0)) return false;
  for (let a = 0; a < weights.length; a++) weights[a]! /= sum;
  return true;
}

export const plugins: readonly UniversePlugin<any>[] = [indexUniverse, marketUniverse]; // eslint-disable-line @typescript-eslint/no-explicit-any
export default plugins;
