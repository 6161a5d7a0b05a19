/**
 * The on-disk dataset format: a folder of tables with tushare-style names and columns, each
 * stored as `<table>.csv`, `<table>.csv.gz` or `<table>.parquet` (exactly one per table).
 *
 * Conventions (as in `../shared/data/cn-csi300`): UTF-8, a header row, comma separator; dates
 * `YYYY-MM-DD`; stock codes `600519.SH` (other styles — `600519.XSHG`, `sh600519`, `SH600519`,
 * `sh.600519`, `600519.sh` — are normalised to it on read, in the columns marked
 * `securityCode`); an empty cell means missing and zero is a real zero;
 * intervals (`in_date`/`out_date`) are half-open, `in_date ≤ d < out_date`, an empty `out_date`
 * meaning still open. Units are those of the column descriptions (shares, CNY, percent), not
 * tushare's lots and thousands.
 */

export type ColumnType = 'string' | 'number' | 'date';

export interface ColumnSchema {
  readonly name: string;
  readonly type: ColumnType;
  /** The column must be present in the file. */
  readonly required: boolean;
  /** Empty cells are allowed (else a row with an empty cell is rejected). */
  readonly nullable: boolean;
  readonly description: string;
  readonly unit?: string;
  /** Allowed values of a string column. */
  readonly values?: readonly string[];
  /** Inclusive numeric range; a value outside rejects the row. */
  readonly min?: number;
  readonly max?: number;
  /**
   * The column holds exchange security codes (stocks or indices). Readers normalise them to
   * the tushare style `600519.SH` (see `normaliseSecurityCode`) and report how many they changed.
   */
  readonly securityCode?: boolean;
}

export interface TableSchema {
  readonly name: string;
  readonly description: string;
  /** A dataset without this table is unusable. */
  readonly required: boolean;
  readonly columns: readonly ColumnSchema[];
  /** Columns whose values identify a row; a repeated key rejects the later row. Empty: no key. */
  readonly key: readonly string[];
  /**
   * The order rows must come in: ascending `by` (strictly when `by` is the key), globally or
   * within each value of `within`. So `daily` may be sorted by stock then date, or by date then
   * stock, but each stock's dates must rise. A row out of order is an error.
   */
  readonly order?: { readonly by: string; readonly within?: string };
  /**
   * What to do with columns the schema does not name: keep them as numbers (a column with a cell
   * that is not a number is then skipped whole, its rows kept), or ignore them. Either way each
   * is reported once per file.
   */
  readonly extraColumns: 'number' | 'ignore';
  /** Date columns whose values must be trading days of `calendar`. */
  readonly calendarDates?: readonly string[];
  /**
   * A column naming a stock that must be in `stocks`: when `stocks` is read too, a row naming
   * another stock is rejected (`unknown_asset`), since nothing downstream could place it.
   * Tables about indices or funds (members, weights, holdings) may name stocks outside the
   * master and have none.
   */
  readonly assetColumn?: string;
}

const col = (
  name: string,
  type: ColumnType,
  description: string,
  options: Partial<Omit<ColumnSchema, 'name' | 'type' | 'description'>> = {},
): ColumnSchema => ({ name, type, description, required: options.required ?? true, nullable: options.nullable ?? false, ...options });

const optionalNumber = (name: string, description: string, unit?: string): ColumnSchema =>
  col(name, 'number', description, { required: false, nullable: true, ...(unit ? { unit } : {}) });

/** Every table the format names, required ones first. */
export const TABLES: Readonly<Record<string, TableSchema>> = {
  calendar: {
    name: 'calendar',
    description: 'Trading days of the market, one row each.',
    required: true,
    columns: [col('trade_date', 'date', 'a trading day')],
    key: ['trade_date'],
    order: { by: 'trade_date' },
    extraColumns: 'ignore',
  },
  stocks: {
    name: 'stocks',
    description: 'The asset master: one row per stock.',
    required: true,
    columns: [
      col('ts_code', 'string', 'stock code, `600519.SH`', { securityCode: true }),
      col('name', 'string', 'short name', { required: false, nullable: true }),
      col('exchange', 'string', 'exchange', { required: false, nullable: true, values: ['SH', 'SZ', 'BJ'] }),
      col('board', 'string', 'board; inferred from the code when absent', { required: false, nullable: true, values: ['main', 'chinext', 'star', 'bse'] }),
      col('list_date', 'date', 'IPO (listing) date', { required: false, nullable: true }),
      col('delist_date', 'date', 'delisting date', { required: false, nullable: true }),
      col('first_trade_date', 'date', 'first date with a normal trading row in `daily` (not the IPO date for stocks listed before the data starts)', {
        required: false,
        nullable: true,
      }),
      col('last_trade_date', 'date', 'last date with a normal trading row in `daily`', { required: false, nullable: true }),
      col('delisted', 'number', '1 when the stock was delisted within the data', { required: false, nullable: true, min: 0, max: 1 }),
    ],
    key: ['ts_code'],
    extraColumns: 'ignore',
  },
  daily: {
    name: 'daily',
    description: 'Daily bars and valuations: one row per stock and trading day. Prices back-adjusted (hfq).',
    required: true,
    columns: [
      col('ts_code', 'string', 'stock code', { securityCode: true }),
      col('trade_date', 'date', 'trading day'),
      col('open', 'number', 'adjusted open', { min: 0 }),
      col('high', 'number', 'adjusted high', { min: 0 }),
      col('low', 'number', 'adjusted low', { min: 0 }),
      col('close', 'number', 'adjusted close', { min: 0 }),
      col('pre_close', 'number', 'adjusted previous close, as given by the source', { required: false, nullable: true, min: 0 }),
      optionalNumber('pct_chg', 'the day’s change in percent, from unadjusted prices (1.5 = +1.5 %)', 'percent'),
      optionalNumber('volume', 'shares traded (not lots)', 'shares'),
      optionalNumber('amount', 'value traded (not thousands)', 'CNY'),
      optionalNumber('turnover_rate', 'volume / float shares × 100', 'percent'),
      col('is_trading', 'number', '1 = normal trading, 0 = suspended; when absent, a row with volume > 0 is trading', {
        required: false,
        nullable: true,
        min: 0,
        max: 1,
      }),
      col('is_st', 'number', '1 while the stock is ST or *ST', { required: false, nullable: true, min: 0, max: 1 }),
      optionalNumber('pe_ttm', 'price / TTM earnings', 'ratio'),
      optionalNumber('pb_mrq', 'price / book (most recent quarter)', 'ratio'),
      optionalNumber('ps_ttm', 'price / TTM sales', 'ratio'),
      optionalNumber('pcf_ncf_ttm', 'price / TTM net cash flow', 'ratio'),
      optionalNumber('adj_factor', 'cumulative adjustment factor (raw price = adjusted / adj_factor)', 'ratio'),
      optionalNumber('total_share', 'total shares', 'shares'),
      optionalNumber('float_share', 'float A shares', 'shares'),
      optionalNumber('total_mv', 'total market value', 'CNY'),
      optionalNumber('circ_mv', 'float market value', 'CNY'),
      optionalNumber('up_limit', 'limit-up price (raw)', 'CNY'),
      optionalNumber('down_limit', 'limit-down price (raw)', 'CNY'),
    ],
    key: ['ts_code', 'trade_date'],
    order: { by: 'trade_date', within: 'ts_code' },
    extraColumns: 'number',
    assetColumn: 'ts_code',
    calendarDates: ['trade_date'],
  },
  fina: {
    name: 'fina',
    description:
      'Quarterly reports, point in time: one row per stock, report period and publication. A restated report is a second row with the same end_date and a later ann_date. Columns ending `_ytd` are cumulative from the start of the fiscal year (TTM and single quarters are derived from them).',
    required: false,
    columns: [
      col('ts_code', 'string', 'stock code', { securityCode: true }),
      col('ann_date', 'date', 'publication date: the first day the figures may be used'),
      col('end_date', 'date', 'report period end (03-31, 06-30, 09-30, 12-31)'),
      optionalNumber('net_profit_ytd', 'net profit, year to date (state whether total or attributable to the parent)', 'CNY'),
      optionalNumber('np_parent_ytd', 'net profit attributable to the parent, year to date', 'CNY'),
      optionalNumber('op_profit_ytd', 'operating profit, year to date', 'CNY'),
      optionalNumber('revenue_ytd', 'revenue, year to date', 'CNY'),
      optionalNumber('equity', 'shareholders’ equity attributable to the parent at period end', 'CNY'),
      optionalNumber('total_assets', 'total assets at period end', 'CNY'),
      optionalNumber('total_liab', 'total liabilities at period end', 'CNY'),
      optionalNumber('eps_ttm', 'trailing-twelve-month EPS', 'CNY/share'),
      optionalNumber('roe_avg', 'ROE on average equity, year to date', 'fraction'),
      optionalNumber('total_share', 'total shares', 'shares'),
      optionalNumber('float_share', 'tradable A shares', 'shares'),
    ],
    key: ['ts_code', 'end_date', 'ann_date'],
    extraColumns: 'number',
    assetColumn: 'ts_code',
  },
  industry: {
    name: 'industry',
    description: 'Industry classification history: one row per classification interval of a stock.',
    required: false,
    columns: [
      col('ts_code', 'string', 'stock code', { securityCode: true }),
      col('in_date', 'date', 'first day of the interval'),
      col('out_date', 'date', 'first day after the interval; empty = still open', { nullable: true }),
      col('standard', 'string', 'classification standard (`sw2021`, …)', { required: false, nullable: true }),
      col('industry_code', 'string', 'industry code as given', { required: false, nullable: true }),
      col('l1_code', 'string', 'level-1 code', { required: false, nullable: true }),
      col('l1_name', 'string', 'level-1 name'),
    ],
    key: ['ts_code', 'in_date'],
    extraColumns: 'ignore',
    assetColumn: 'ts_code',
  },
  index_members: {
    name: 'index_members',
    description: 'Index membership intervals: one row per membership interval of a stock in an index.',
    required: false,
    columns: [
      col('index_code', 'string', 'index code, `000300.SH`', { securityCode: true }),
      col('ts_code', 'string', 'constituent', { securityCode: true }),
      col('in_date', 'date', 'effective date of inclusion'),
      col('out_date', 'date', 'first day no longer a member; empty = still a member', { nullable: true }),
    ],
    key: ['index_code', 'ts_code', 'in_date'],
    extraColumns: 'ignore',
  },
  index_weight: {
    name: 'index_weight',
    description: 'Index weight snapshots: one row per index, snapshot date and constituent. Weights in percent, about 100 per snapshot.',
    required: false,
    columns: [
      col('index_code', 'string', 'index code', { securityCode: true }),
      col('trade_date', 'date', 'snapshot date'),
      col('ts_code', 'string', 'constituent', { securityCode: true }),
      col('weight', 'number', 'weight in percent', { min: 0, max: 100, unit: 'percent' }),
    ],
    key: ['index_code', 'trade_date', 'ts_code'],
    extraColumns: 'ignore',
    calendarDates: ['trade_date'],
  },
  index_daily: {
    name: 'index_daily',
    description: 'Index levels: one row per index and trading day.',
    required: false,
    columns: [
      col('index_code', 'string', 'index code', { securityCode: true }),
      col('trade_date', 'date', 'trading day'),
      col('open', 'number', 'open level', { required: false, nullable: true }),
      col('high', 'number', 'high level', { required: false, nullable: true }),
      col('low', 'number', 'low level', { required: false, nullable: true }),
      col('close', 'number', 'close level'),
      optionalNumber('volume', 'total volume of the constituents', 'shares'),
      optionalNumber('amount', 'traded value', 'CNY'),
    ],
    key: ['index_code', 'trade_date'],
    order: { by: 'trade_date', within: 'index_code' },
    extraColumns: 'ignore',
    calendarDates: ['trade_date'],
  },
  consensus: {
    name: 'consensus',
    description:
      'Analyst consensus forecasts, point in time: one row per stock, date and fiscal year forecast, holding the consensus as known on that date.',
    required: false,
    columns: [
      col('ts_code', 'string', 'stock code', { securityCode: true }),
      col('trade_date', 'date', 'the date the consensus is as of'),
      col('fiscal_year', 'number', 'the fiscal year forecast (2023 = FY2023)', { min: 1900, max: 2200 }),
      optionalNumber('net_profit', 'consensus net profit attributable to the parent', 'CNY'),
      optionalNumber('eps', 'consensus EPS', 'CNY/share'),
      optionalNumber('bps', 'consensus book value per share', 'CNY/share'),
      optionalNumber('equity', 'consensus shareholders’ equity', 'CNY'),
      optionalNumber('num_analysts', 'number of analysts in the consensus'),
    ],
    key: ['ts_code', 'trade_date', 'fiscal_year'],
    extraColumns: 'number',
    assetColumn: 'ts_code',
  },
  exec_pay: {
    name: 'exec_pay',
    description: 'Executive pay from annual reports: one row per stock and fiscal year (top-three executives’ total pay).',
    required: false,
    columns: [
      col('ts_code', 'string', 'stock code', { securityCode: true }),
      col('ann_date', 'date', 'publication date of the annual report'),
      col('end_date', 'date', 'fiscal year end'),
      col('total_pay', 'number', 'total pay of the three best-paid executives', { unit: 'CNY', min: 0 }),
    ],
    key: ['ts_code', 'end_date', 'ann_date'],
    extraColumns: 'ignore',
    assetColumn: 'ts_code',
  },
  analyst_reports: {
    name: 'analyst_reports',
    description: 'Sell-side research reports: one row per report (stock, date, institution). Drives institutional-coverage factors.',
    required: false,
    columns: [
      col('ts_code', 'string', 'stock covered', { securityCode: true }),
      col('report_date', 'date', 'publication date'),
      col('institution', 'string', 'the publishing institution'),
    ],
    key: [],
    extraColumns: 'ignore',
    assetColumn: 'ts_code',
  },
  funds: {
    name: 'funds',
    description: 'Public funds: one row per fund (or per share class, when a source lists classes as funds).',
    required: false,
    columns: [
      col('fund_code', 'string', 'fund code, as the fund tables of the dataset write it (`000001` or `000001.OF`, one style throughout)'),
      col('name', 'string', 'fund name', { required: false, nullable: true }),
      col('fund_type', 'string', 'type', { values: ['index_enhanced', 'passive_index', 'active_equity', 'other'] }),
      col(
        'benchmark',
        'string',
        'performance benchmark: the text as published (`中证500指数收益率*95%+同期银行活期存款利率(税后)*5%`) or in the composite syntax of `@factorkit/benchmark` (`95% 000905.SH + 5% deposit`; a bare index code `000905.SH` means 100 % of it)',
        { required: false, nullable: true },
      ),
      col('inception_date', 'date', 'inception date', { required: false, nullable: true }),
      col('invest_type', 'string', 'the source’s investment-type text, as given (tushare `invest_type`: 混合型, 灵活配置型, 股票型, 增强指数型, 被动指数型, …)', {
        required: false,
        nullable: true,
      }),
      col('bench_equity_pct', 'number', 'weight of equity indices in the benchmark (0 for a deposit-rate benchmark)', {
        required: false,
        nullable: true,
        unit: 'percent',
        min: 0,
        max: 100,
      }),
    ],
    key: ['fund_code'],
    extraColumns: 'ignore',
  },
  fund_nav: {
    name: 'fund_nav',
    description: 'Fund net asset values: one row per fund and trading day (adjusted for distributions).',
    required: false,
    columns: [col('fund_code', 'string', 'fund code'), col('trade_date', 'date', 'trading day'), col('nav', 'number', 'adjusted unit NAV', { min: 0 })],
    key: ['fund_code', 'trade_date'],
    order: { by: 'trade_date', within: 'fund_code' },
    extraColumns: 'ignore',
    calendarDates: ['trade_date'],
  },
  fund_holdings: {
    name: 'fund_holdings',
    description: 'Disclosed fund holdings: one row per fund, report period and stock (heavy holdings quarterly, full holdings semi-annually).',
    required: false,
    columns: [
      col('fund_code', 'string', 'fund code'),
      col('ann_date', 'date', 'publication date'),
      col('end_date', 'date', 'report period end'),
      col('ts_code', 'string', 'stock held', { securityCode: true }),
      col('weight', 'number', 'percent of the fund’s net assets', { unit: 'percent', min: 0, max: 100 }),
      optionalNumber('shares', 'shares held', 'shares'),
      // Fund-level values repeated on each row of a report; no range, since sources carry
      // negative sizes of tiny share classes and stock allocations a little above 100 %.
      optionalNumber('mkv', 'market value of the position at the period end (per share class when classes are listed separately)', 'CNY'),
      optionalNumber('fund_size_100m', 'the fund’s (or share class’s) net assets at the period end, in 1e8 CNY (亿元)', '1e8 CNY'),
      optionalNumber('fund_stock_pct', 'the fund’s total stock allocation at the period end, percent of net assets', 'percent'),
      col(
        'portfolio_group',
        'string',
        'identifies one portfolio across its share classes: the classes (A, C, …) of one fund share a value, e.g. the smallest `fund_code` that disclosed the same holdings; equal to `fund_code` for a fund with one class',
        { required: false, nullable: true },
      ),
    ],
    key: ['fund_code', 'end_date', 'ts_code'],
    extraColumns: 'ignore',
  },
};
