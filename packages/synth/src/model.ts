/**
 * The planted factor structure of the synthetic market: which characteristics earn a premium,
 * exactly how each is computed from data a pipeline can see, and how large the premium is.
 * Later layers' tests check that they recover these.
 */

/** One characteristic that earns a planted premium. */
export interface PlantedFactor {
  /** Stable id, e.g. `ep_ttm`. */
  readonly id: string;
  /** Short title, Chinese name first as in factor reports. */
  readonly title: string;
  /**
   * The exact definition of the characteristic at the close of day `t`, in terms of the
   * dataset's columns (so a pipeline can compute the same number).
   */
  readonly definition: string;
  /** Transform applied before standardisation (`log`: natural log; `none`). */
  readonly transform: 'none' | 'log' | 'log1p';
  /** When set, the (transformed) characteristic is replaced by its residual on log total market cap before standardisation. */
  readonly sizeNeutral: boolean;
  /**
   * Planted premium: expected return per 21 trading days (one month) of a stock whose exposure
   * is one cross-sectional standard deviation above average, all else equal. Signed: negative
   * for characteristics whose high values earn less (volatility, turnover, size, reversal).
   */
  readonly premiumMonthly: number;
  /** Daily standard deviation of the factor return around its premium. */
  readonly volDaily: number;
}

/** Ids of the planted factors, in model order. */
export const FACTOR_IDS = [
  'ep_ttm',
  'bp',
  'expected_ep',
  'growth_np_yoy',
  'momentum_1y',
  'reversal_3m',
  'reversal_1m',
  'volatility_3m',
  'turnover_1m',
  'illiquidity_shock',
  'size',
  'analyst_coverage',
  'exec_pay',
  'expected_np_qoq',
] as const;

/** A planted factor id. */
export type FactorId = (typeof FACTOR_IDS)[number];

/** Model order indices, for the generator's hot loops. */
export const F = {
  ep: 0,
  bp: 1,
  eep: 2,
  growth: 3,
  mom: 4,
  rev3: 5,
  rev1: 6,
  vol: 7,
  turn: 8,
  illiq: 9,
  size: 10,
  coverage: 11,
  pay: 12,
  revision: 13,
} as const;

/** Number of planted factors. */
export const K = FACTOR_IDS.length;

const factor = (
  id: FactorId,
  title: string,
  definition: string,
  premiumMonthly: number,
  volDaily: number,
  transform: PlantedFactor['transform'] = 'none',
  sizeNeutral = false,
): PlantedFactor => ({ id, title, definition, transform, sizeNeutral, premiumMonthly, volDaily });

/**
 * The planted factors. Daily returns are
 * `r = β·m + industry + Σ_j x_j(t−1)·f_j(t) + specific`, with `x_j(t−1)` the standardised
 * characteristic at the previous close and `f_j(t) ~ premiumMonthly/21 + volDaily·N(0,1)`.
 * Windows count the stock's own rows (a suspended day is a row with return 0); "ret" is
 * `pct_chg / 100`.
 */
export const PLANTED_FACTORS: readonly PlantedFactor[] = [
  factor(
    'ep_ttm',
    'EP TTM (value)',
    'TTM net profit attributable to the parent / total_mv. TTM from fina np_parent_ytd, using for each report period the latest version with ann_date ≤ t: ytd(q) + ytd(last Q4 before q) − ytd(q − 4 quarters), q = latest report period announced by t.',
    0.0036,
    0.0009,
  ),
  factor('bp', 'BP (value)', 'fina equity of the latest report period announced by t (latest version) / total_mv.', 0.0015, 0.0009),
  factor(
    'expected_ep',
    'Expected EP (consensus)',
    'consensus net_profit for fiscal_year = year of the latest consensus trade_date ≤ t, from that snapshot, / total_mv at t. Missing when the stock has no consensus row on that snapshot.',
    0.0012,
    0.0008,
  ),
  factor(
    'growth_np_yoy',
    'Single-quarter profit YoY (growth)',
    '(s(q) − s(q − 4)) / |s(q − 4)| with s the single-quarter np_parent (ytd(q) − ytd(q − 1); Q1 = ytd), q = latest report period announced by t, latest versions.',
    0.006,
    0.0008,
  ),
  factor('momentum_1y', 'One-year momentum, skip one month', 'Π (1 + ret) over rows t−249 … t−20, minus 1; needs ≥ 184 of the 230 rows.', 0.0075, 0.0012),
  factor('reversal_3m', 'Three-month reversal', 'Π (1 + ret) over rows t−59 … t, minus 1; needs ≥ 48 rows. Negative premium.', -0.0032, 0.0012),
  factor('reversal_1m', 'One-month reversal', 'Π (1 + ret) over rows t−19 … t, minus 1; needs ≥ 16 rows. Negative premium.', -0.0085, 0.0013),
  factor(
    'volatility_3m',
    'Three-month volatility',
    'sample standard deviation of ret over rows t−59 … t (needs ≥ 48), log-transformed. Negative premium.',
    -0.0036,
    0.0012,
    'log',
  ),
  factor(
    'turnover_1m',
    'One-month turnover',
    'mean turnover_rate over trading rows t−19 … t (needs ≥ 10), log-transformed. Negative premium.',
    -0.0075,
    0.0012,
    'log',
  ),
  factor(
    'illiquidity_shock',
    'Illiquidity shock',
    'log(ILLIQ20 / ILLIQ240), ILLIQn = mean of |ret| / amount over the trading rows with amount > 0 among rows t−n+1 … t (needs ≥ n/2).',
    0.0035,
    0.0009,
  ),
  factor('size', 'Size (log total market cap)', 'log(total_mv) at t. Negative premium: small caps earn more.', -0.008, 0.0025),
  factor(
    'analyst_coverage',
    'Analyst coverage (size-neutral)',
    'log(1 + number of distinct institutions in analyst_reports on the stock with report_date in rows t−62 … t of the calendar), residual of a cross-sectional OLS on log(total_mv).',
    0.0025,
    0.0008,
    'log1p',
    true,
  ),
  factor(
    'exec_pay',
    'Executive pay (size-neutral)',
    'log(total_pay) of the latest exec_pay row with ann_date ≤ t, residual of a cross-sectional OLS on log(total_mv).',
    0.0022,
    0.0008,
    'log',
    true,
  ),
  factor(
    'expected_np_qoq',
    'Expected net-profit change (consensus revision)',
    '(C(s) − C(s − 3)) / |C(s − 3)|, C = consensus net_profit for fiscal_year = year of snapshot s, s = latest consensus snapshot ≤ t, s − 3 = the snapshot three months earlier (same fiscal_year).',
    0.0024,
    0.0008,
  ),
];

/** How the cross-sectional standardisation works (documented in the README). */
export const STANDARDISATION =
  'Each day over the listed stocks with a value: transform, (size-neutralise), clip at mean ± 3 sd, recompute mean and sd on the clipped values, z = (clipped − mean) / sd; a missing value gets exposure 0.';
