import { type Issue, ValidationError, show } from '@factorkit/core';
import { type Table, dateIntToEpochDay, dateToInt, epochDayToDateInt } from '@factorkit/data';
import { tradingDays } from './calendar.js';
import { buildFunds, type FundType } from './funds.js';
import { buildHsi } from './hsi.js';
import { INDEX_SPECS, buildIndexes } from './indexes.js';
import { FACTOR_IDS, type FactorId, PLANTED_FACTORS, type PlantedFactor, STANDARDISATION } from './model.js';
import { INDUSTRIES } from './reference.js';
import { type SimStats, simulate } from './simulate.js';
import { buildTables } from './tables.js';
import { buildUniverse } from './universe.js';
import { ceilIndex, floorIndex, yearOf } from './util.js';

/** Options of {@link generateMarket}. Every option has a default; the same options give the same market. */
export interface MarketOptions {
  /** Seed of the pseudo-random generator: any safe integer. Default 1. */
  readonly seed?: number;
  /** Number of stocks ever listed in the data (listed at the start plus IPOs), 50 … 8000. Default 3000. */
  readonly stocks?: number;
  /** Length of the data in years (calendar years from `start`), 0.5 … 30. Default 10. */
  readonly years?: number;
  /** First calendar day, `YYYY-MM-DD`, 1995 … 2080. Default `2014-01-02`. */
  readonly start?: string;
  /** Number of public funds, 0 … 500. Default 80. */
  readonly funds?: number;
  /** Fraction of the stocks already listed when the data starts, in (0, 1]. Default 0.72. */
  readonly listedAtStart?: number;
  /** Keep month-end exposure snapshots of every planted factor in `truth.exposures`. Default true. */
  readonly exposures?: boolean;
}

/** The options after defaults. */
export type ResolvedMarketOptions = Required<MarketOptions>;

/** One fund as the generator ran it. */
export interface FundTruth {
  readonly code: string;
  readonly type: FundType;
  /** Benchmark index code (the index the fund tracks), `undefined` for active funds. */
  readonly benchmark: string | undefined;
  /** The benchmark as written in `funds.benchmark`, composite syntax: `95% 000905.SH + 5% deposit`. */
  readonly benchmarkText: string;
  /** Ex-ante tracking-error target, annualised (enhanced and passive funds). */
  readonly targetTrackingError: number;
  /** Realised annualised tracking error of daily NAV returns against the benchmark's price index. */
  readonly realizedTrackingError: number;
}

/** What the generator knows and a dataset reader cannot see: the planted structure, for tests. */
export interface MarketTruth {
  readonly options: ResolvedMarketOptions;
  /** Trading days of the data, `yyyymmdd`. */
  readonly dates: Int32Array;
  /** Stock codes in `stocks` order (index `i` in the arrays below). */
  readonly codes: readonly string[];
  /** The planted factors, in model order, with their exact definitions and premia. */
  readonly factors: readonly PlantedFactor[];
  /** How characteristics become exposures. */
  readonly standardisation: string;
  /** Realised daily factor return of each planted factor (`f_j(t)`, applied to exposures at the close of `t − 1`). */
  readonly factorReturns: Readonly<Record<FactorId, Float64Array>>;
  /** Realised daily market factor return. */
  readonly market: Float64Array;
  /** Level-1 industry names, and their realised daily factor returns (`t × industries + k`). */
  readonly industries: readonly string[];
  readonly industryReturns: Float64Array;
  /** Market beta and normal-times daily specific volatility of each stock. */
  readonly beta: Float64Array;
  readonly specificVol: Float64Array;
  /**
   * Month-end exposure snapshots (the standardised characteristics at the close of each
   * month's last trading day): `values[id][m × stocks + i]`, `NaN` when stock `i` is not listed.
   * Empty when `options.exposures` is false.
   */
  readonly exposures: { readonly dates: Int32Array; readonly values: Readonly<Partial<Record<FactorId, Float64Array>>> };
  /** Constituent count of each index (constant on every day). */
  readonly indexSizes: Readonly<Record<string, number>>;
  /** Effective dates of the semi-annual index reviews. */
  readonly indexReviews: Int32Array;
  readonly funds: readonly FundTruth[];
  readonly stats: SimStats & { readonly ipos: number; readonly delisted: number; readonly rows: Readonly<Record<string, number>> };
  /** Wall-clock milliseconds of each generation phase (diagnostics; not deterministic). */
  readonly timings: Readonly<Record<string, number>>;
}

/** A generated market: the dataset tables (as `@factorkit/data` reads and writes them) and the truth. */
export interface SyntheticMarket {
  /** Every table of the format, by name (`calendar`, `stocks`, `daily`, `fina`, …). */
  readonly tables: Map<string, Table>;
  readonly truth: MarketTruth;
}

/** Defaults of {@link MarketOptions}. */
export const DEFAULT_MARKET_OPTIONS: ResolvedMarketOptions = Object.freeze({
  seed: 1,
  stocks: 3000,
  years: 10,
  start: '2014-01-02',
  funds: 80,
  listedAtStart: 0.72,
  exposures: true,
});

/** Validate options, reporting every problem at once. @throws ValidationError (`FK_INVALID_PARAMS`) */
export function resolveMarketOptions(options: MarketOptions = {}): ResolvedMarketOptions {
  const o = { ...DEFAULT_MARKET_OPTIONS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as ResolvedMarketOptions;
  const issues: Issue[] = [];
  const int = (path: keyof MarketOptions, value: unknown, min: number, max: number): void => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      issues.push({ path, message: `expected an integer in ${min} … ${max}, got ${show(value)}` });
    }
  };
  if (typeof o.seed !== 'number' || !Number.isSafeInteger(o.seed)) issues.push({ path: 'seed', message: `expected a safe integer, got ${show(o.seed)}` });
  int('stocks', o.stocks, 50, 8000);
  int('funds', o.funds, 0, 500);
  if (typeof o.years !== 'number' || !(o.years >= 0.5 && o.years <= 30)) issues.push({ path: 'years', message: `expected a number in 0.5 … 30, got ${show(o.years)}` });
  const start = typeof o.start === 'string' ? dateToInt(o.start) : Number.NaN;
  if (!(start >= 19950101 && start <= 20801231)) issues.push({ path: 'start', message: `expected a date \`YYYY-MM-DD\` in 1995 … 2080, got ${show(o.start)}` });
  if (typeof o.listedAtStart !== 'number' || !(o.listedAtStart > 0 && o.listedAtStart <= 1)) {
    issues.push({ path: 'listedAtStart', message: `expected a number in (0, 1], got ${show(o.listedAtStart)}` });
  }
  if (typeof o.exposures !== 'boolean') issues.push({ path: 'exposures', message: `expected a boolean, got ${show(o.exposures)}` });
  for (const key of Object.keys(options)) {
    if (!(key in DEFAULT_MARKET_OPTIONS)) issues.push({ path: key, message: `unknown option; expected one of ${Object.keys(DEFAULT_MARKET_OPTIONS).join(', ')}` });
  }
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PARAMS', 'generateMarket: invalid options', issues);
  return o;
}

/** The data's last calendar day: `start` plus `years` (whole years by the calendar, the rest in days), minus one day. */
function endDate(start: number, years: number): number {
  const whole = Math.floor(years);
  const y = yearOf(start) + whole;
  const md = start % 10_000;
  const shifted = md === 229 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? y * 10_000 + 301 : y * 10_000 + md;
  return epochDayToDateInt(dateIntToEpochDay(shifted) + Math.round((years - whole) * 365.25) - 1);
}

/**
 * Generate a synthetic A-share market: every table of the dataset format, and the truth
 * (planted premia, factor returns, exposures) that tests of later layers check against.
 * Deterministic: the same options give identical tables.
 *
 * @throws ValidationError (`FK_INVALID_PARAMS`) listing every invalid option
 * @example
 * const { tables, truth } = generateMarket({ seed: 7, stocks: 500, years: 3 });
 * tables.get('daily')!.rowCount;     // ≈ 500 stocks × 730 days
 * truth.factors.find((f) => f.id === 'momentum_1y')!.premiumMonthly;
 */
export function generateMarket(options: MarketOptions = {}): SyntheticMarket {
  const o = resolveMarketOptions(options);
  const start = dateToInt(o.start);
  const end = endDate(start, o.years);
  const dates = tradingDays(start, end);
  if (dates.length < 60) {
    throw new ValidationError('FK_INVALID_PARAMS', 'generateMarket: invalid options', [{ path: 'years', message: `the data would have only ${dates.length} trading days` }]);
  }
  const baseYear = yearOf(start) - 3;
  const ext = tradingDays(baseYear * 10_000 + 101, (yearOf(end) + 2) * 10_000 + 1231);
  const off = floorIndex(ext, dates[0]!);
  if (ext[off] !== dates[0] || ceilIndex(ext, dates[0]!) !== off) throw new Error('synth: calendar mismatch');

  const timings: Record<string, number> = {};
  let clock = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    timings[name] = Math.round(now - clock);
    clock = now;
  };
  const u = buildUniverse(o.seed, o.stocks, o.listedAtStart, dates);
  lap('universe');
  const sim = simulate({ seed: o.seed, u, dates, ext, off, baseYear, snapshots: true });
  lap('simulate');
  const idx = buildIndexes(u, sim, dates, ext, off);
  const hsi = buildHsi(o.seed, sim.market);
  lap('indexes');
  const funds = buildFunds(o.seed, o.funds, u, sim, idx, dates, ext, off);
  lap('funds');
  const tables = buildTables({ u, sim, idx, hsi, funds, dates, ext, off, baseYear });
  lap('tables');

  const T = dates.length;
  const factorReturns = {} as Record<FactorId, Float64Array>;
  FACTOR_IDS.forEach((id, j) => (factorReturns[id] = sim.factorReturns.slice(j * T, (j + 1) * T)));
  const exposureValues: Partial<Record<FactorId, Float64Array>> = {};
  if (o.exposures) FACTOR_IDS.forEach((id, j) => (exposureValues[id] = sim.snapshotValues[j]!));
  const rows: Record<string, number> = {};
  for (const [name, table] of tables) rows[name] = table.rowCount;
  let ipos = 0;
  let delisted = 0;
  for (let i = 0; i < u.n; i++) {
    if (u.listDay[i]! >= 0) ipos++;
    if (u.delistDay[i]! < T) delisted++;
  }
  const truth: MarketTruth = {
    options: o,
    dates,
    codes: u.codes,
    factors: PLANTED_FACTORS,
    standardisation: STANDARDISATION,
    factorReturns,
    market: sim.market,
    industries: INDUSTRIES.map((x) => x.name),
    industryReturns: sim.industryReturns,
    beta: u.beta,
    specificVol: u.sigma,
    exposures: { dates: Int32Array.from(o.exposures ? sim.snapshotDays : [], (t) => dates[t]!), values: exposureValues },
    indexSizes: Object.fromEntries(INDEX_SPECS.map((s, x) => [s.code, idx.sizes[x]!])),
    indexReviews: Int32Array.from(idx.reviewDays, (t) => dates[t]!),
    funds: funds.specs.map((s, f) => ({
      code: s.code,
      type: s.type,
      benchmark: s.benchmark >= 0 ? INDEX_SPECS[s.benchmark]!.code : undefined,
      benchmarkText: s.benchmarkText,
      targetTrackingError: s.targetTrackingError,
      realizedTrackingError: funds.realizedTrackingError[f]!,
    })),
    stats: { ...sim.stats, ipos, delisted, rows },
    timings,
  };
  return { tables, truth };
}
