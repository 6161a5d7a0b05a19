import {
  type AssetId,
  type CategoricalPanel,
  type DateString,
  FactorkitError,
  type FieldKind,
  type InputSpec,
  type MarketData,
  type MemoryField,
  Panel,
  createMemoryData,
  isDateString,
  show,
} from '@factorkit/core';

/** A seeded pseudo-random source (mulberry32): the same seed gives the same numbers everywhere. */
export interface Random {
  /** Uniform in `[0, 1)`. */
  next(): number;
  /** A uniform integer in `[0, n)`. */
  int(n: number): number;
  /** Normal with the given mean and standard deviation (Box–Muller). */
  normal(mean?: number, sd?: number): number;
}

/** A {@link Random} from a 32-bit seed, optionally mixed with a label (one stream per label). */
export function createRandom(seed: number, label = ''): Random {
  let state = hash(`${seed >>> 0}:${label}`);
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: (mean = 0, sd = 1) => {
      const u = 1 - next();
      const v = next();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Options of {@link randomMarketData}. */
export interface RandomDataOptions {
  /** The fields to generate: names, or a factor's `meta.inputs` (whose `kind` is used for unknown names). */
  readonly fields: readonly (string | InputSpec)[];
  /** Seed; the same seed gives the same data. Default `1`. */
  readonly seed?: number;
  /** Number of trading days (weekdays from `start`), or the dates themselves. Default 250. */
  readonly dates?: number | readonly DateString[];
  /** Number of assets (realistic tushare ids, mixed boards), or the ids. Default 10. */
  readonly assets?: number | readonly AssetId[];
  /** First date when `dates` is a number. Default `2021-01-04`. */
  readonly start?: DateString;
}

/** The default asset ids, mixing boards: main (SH, SZ), ChiNext, STAR and the BSE. */
export const SAMPLE_ASSETS: readonly AssetId[] = [
  '600000.SH',
  '000001.SZ',
  '300750.SZ',
  '600519.SH',
  '000858.SZ',
  '688981.SH',
  '601318.SH',
  '002415.SZ',
  '603259.SH',
  '830799.BJ',
];

/**
 * Which sample asset (by position) plays which part in {@link randomMarketData}, so checks and
 * tests can rely on the situations being there.
 */
export const SAMPLE_ROLES = {
  /** Lists at 40 % of the dates: every field `NaN` (categorical `-1`) before, `ret` `NaN` on the listing day. */
  lateListing: 2,
  /** Suspended for 15 trading days from 60 % of the dates: `is_trading` 0, `ret` 0, no volume, flat prices. */
  suspended: 3,
  /** Reports losses in the first half: profit-like fundamentals negative, `pe_ttm` `NaN`. */
  lossMaking: 4,
  /** ST (`is_st` = 1, ±5 % price limit) from 30 % to 50 % of the dates. */
  st: 5,
  /** Changes industry at half the dates. */
  industryChange: 6,
  /** No analyst coverage: `consensus_*` `NaN`, analyst counts 0. */
  uncovered: 7,
} as const;

const INDUSTRIES = [
  ['银行', '801780'],
  ['非银金融', '801790'],
  ['食品饮料', '801120'],
  ['医药生物', '801150'],
  ['电子', '801080'],
  ['计算机', '801750'],
  ['电力设备', '801730'],
  ['汽车', '801880'],
  ['有色金属', '801050'],
  ['房地产', '801180'],
] as const;

const PREFIXES = ['600', '000', '300', '601', '002', '688', '603', '001', '301', '605'];

/** Weekdays from `start` (A-share holidays are not modelled). */
function weekdays(start: DateString, count: number): DateString[] {
  if (!isDateString(start)) throw new FactorkitError('FK_INVALID_ARGUMENT', `random data: start must be a YYYY-MM-DD date, got ${show(start)}`);
  const out: DateString[] = [];
  const day = new Date(`${start}T00:00:00Z`);
  while (out.length < count) {
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6) out.push(day.toISOString().slice(0, 10));
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return out;
}

function sampleAssets(count: number): AssetId[] {
  const out = SAMPLE_ASSETS.slice(0, count);
  for (let i = out.length; i < count; i++) {
    const prefix = PREFIXES[i % PREFIXES.length]!;
    const exchange = prefix.startsWith('6') ? 'SH' : 'SZ';
    out.push(`${prefix}${String(100 + Math.floor(i / PREFIXES.length)).padStart(3, '0')}.${exchange}`);
  }
  return out;
}

/** Daily price limit as a fraction, by board (ST: 5 %). */
function priceLimit(id: AssetId, st: boolean): number {
  if (id.endsWith('.BJ')) return 0.3;
  if (/^(300|301|688|689)/.test(id)) return 0.2;
  return st ? 0.05 : 0.1;
}

function board(id: AssetId): string {
  if (id.endsWith('.BJ')) return 'bse';
  if (/^(300|301)/.test(id)) return 'chinext';
  if (/^(688|689)/.test(id)) return 'star';
  return 'main';
}

/** The simulated daily bars every market field is derived from. */
interface Market {
  readonly n: number;
  readonly N: number;
  readonly listing: Int32Array;
  readonly ret: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly preClose: Float64Array;
  readonly volume: Float64Array;
  readonly amount: Float64Array;
  readonly turnover: Float64Array;
  readonly isTrading: Float64Array;
  readonly isSt: Float64Array;
  readonly limit: Float64Array;
  readonly floatShares: Float64Array;
  readonly totalShares: Float64Array;
}

function simulateMarket(seed: number, n: number, assets: readonly AssetId[]): Market {
  const N = assets.length;
  const size = n * N;
  const nan = () => new Float64Array(size).fill(Number.NaN);
  const m: Market = {
    n,
    N,
    listing: new Int32Array(N),
    ret: nan(),
    open: nan(),
    high: nan(),
    low: nan(),
    close: nan(),
    preClose: nan(),
    volume: nan(),
    amount: nan(),
    turnover: nan(),
    isTrading: nan(),
    isSt: nan(),
    limit: nan(),
    floatShares: nan(),
    totalShares: nan(),
  };
  const marketRandom = createRandom(seed, 'market');
  const marketReturn = Array.from({ length: n }, () => marketRandom.normal(0.0003, 0.012));
  const suspendFrom = Math.floor(0.6 * n);
  const stFrom = Math.floor(0.3 * n);
  const stTo = Math.floor(0.5 * n);
  for (let a = 0; a < N; a++) {
    const random = createRandom(seed, `asset:${a}`);
    const listing = a === SAMPLE_ROLES.lateListing ? Math.floor(0.4 * n) : 0;
    m.listing[a] = listing;
    const beta = 0.7 + 0.6 * random.next();
    const sd = 0.012 + 0.02 * random.next();
    const floatShares = 10 ** (8 + 2 * random.next());
    const totalShares = floatShares / (0.6 + 0.4 * random.next());
    let previous = 5 + 95 * random.next();
    for (let t = listing; t < n; t++) {
      const i = a * n + t;
      const st = a === SAMPLE_ROLES.st && t >= stFrom && t < stTo;
      const suspended = a === SAMPLE_ROLES.suspended && t >= suspendFrom && t < suspendFrom + 15;
      const limit = priceLimit(assets[a]!, st);
      const clip = (x: number) => Math.max(-limit, Math.min(limit, x));
      m.isSt[i] = st ? 1 : 0;
      m.limit[i] = limit;
      m.floatShares[i] = floatShares;
      m.totalShares[i] = totalShares;
      m.preClose[i] = t === listing && listing > 0 ? Number.NaN : previous;
      if (suspended) {
        m.isTrading[i] = 0;
        m.ret[i] = 0;
        m.open[i] = m.high[i] = m.low[i] = m.close[i] = previous;
        m.volume[i] = m.amount[i] = m.turnover[i] = 0;
        continue;
      }
      const ret = t === listing && listing > 0 ? Number.NaN : clip(beta * marketReturn[t]! + random.normal(0, sd));
      const close = Number.isNaN(ret) ? previous : previous * (1 + ret);
      const open = previous * (1 + clip(random.normal(0, sd / 2)));
      const high = Math.max(open, close) * (1 + Math.abs(random.normal(0, sd / 3)));
      const low = Math.min(open, close) * (1 - Math.min(0.5, Math.abs(random.normal(0, sd / 3))));
      const turnover = Math.min(0.5, Math.exp(random.normal(Math.log(0.01), 0.6)) * (1 + 10 * Math.abs(Number.isNaN(ret) ? 0.1 : ret)));
      const volume = Math.max(100, Math.round((turnover * floatShares) / 100) * 100);
      m.isTrading[i] = 1;
      m.ret[i] = ret;
      m.close[i] = close;
      m.open[i] = open;
      m.high[i] = high;
      m.low[i] = low;
      m.volume[i] = volume;
      m.turnover[i] = volume / floatShares;
      m.amount[i] = (volume * (open + high + low + close)) / 4;
      previous = close;
    }
  }
  return m;
}

type Family = 'profit' | 'positive' | 'growth' | 'ratio' | 'count';

function fundamentalFamily(name: string): Family {
  if (/(_yoy|growth)$/.test(name) || name.includes('_yoy_') || name.includes('growth')) return 'growth';
  if (/^(roe|roa|roic)|margin/.test(name)) return 'ratio';
  if (/num_analysts|count|coverage/.test(name)) return 'count';
  if (/profit|^np_|eps|earn|income|ebit/.test(name)) return 'profit';
  return 'positive';
}

const KNOWN_FUNDAMENTALS = /^(net_profit|np_parent|op_profit|revenue|equity|total_assets|total_liab|eps|roe|roa|bps|ocf|ncf|operating_cash|total_pay|exec_pay|dividend)/;

interface Generated {
  readonly kind: FieldKind;
  readonly values?: Float64Array;
  readonly categorical?: { readonly codes: Int32Array; readonly levels: readonly string[] };
}

/**
 * A realistic sample {@link MarketData} for any set of field names, deterministic by seed, so
 * a factor can be checked without hand-written data. Names follow core's `FIELD` and the
 * `@factorkit/data` store:
 *
 * | fields | generated as |
 * | --- | --- |
 * | `ret`, `close`, `open`, `high`, `low`, `pre_close`, `pct_chg`, `vwap`, `raw_close` | one simulated market: beta × market return + noise, clipped to the board's price limit; adjusted = raw |
 * | `volume`, `amount`, `turnover`, `turnover_rate` | log-normal turnover of the float shares; 0 while suspended |
 * | `market_cap`, `float_market_cap`, `total_mv`, `circ_mv`, `total_share`, `float_share`, `float_shares`, `total_shares` | close × constant share counts |
 * | `is_trading`, `is_st`, `listed_days`, `limit_up_close`, `limit_down_close`, `can_buy_*`, `can_sell_*`, `up_limit`, `down_limit` | from the same simulation (`listed_days` is `Infinity` for stocks listed before the data, as in the store) |
 * | `pe_ttm`, `pb_mrq`, `ps_ttm`, `pcf_ncf_ttm` | market cap over the matching fundamental (`NaN` for a loss) |
 * | fundamentals (`net_profit_ttm`, `revenue_ttm`, `equity`, `total_assets`, `*_ttm`, `*_ytd`, `*_q`, `*_yoy`, `roe*`, …) or any input declared `kind: 'fundamental'` | step functions: a new value at each quarterly announcement (first one 5–40 days in), `NaN` before it; profit-like names can be negative, `*_yoy` are growth rates |
 * | `consensus_*` | step functions revised weekly; `NaN` for the uncovered asset |
 * | `analyst_coverage_3m`, `analyst_reports_3m`, `*num_analysts*` | small non-negative integers, 0 for the uncovered asset |
 * | `index_member:<code>`, `index_weight:<code>` | 0/1 membership of every other asset; weights ∝ float cap among members, monthly snapshots |
 * | `industry`, `industry_code` (categorical) | SW level-1 names / codes; one asset changes industry |
 * | `board` (categorical) | main, chinext, star, bse from the id |
 * | any other categorical input (declared `kind: 'categorical'`) | levels `A`–`D`, occasionally changing |
 * | `is_*`, `can_*`, `limit_*` not listed above | 0/1 flags, mostly 0 |
 * | any other name | a positive geometric random walk (daily log-change N(0, 2 %)); declared `reference` inputs step monthly |
 *
 * Situations every sample of at least 8 assets holds are listed in {@link SAMPLE_ROLES}: a late
 * listing, a suspension, losses, an ST spell, an industry change, an uncovered stock. Magnitudes
 * of different fundamentals are independent of each other (a TTM figure is not the sum of its
 * quarters). Calendar: weekdays; A-share holidays are not modelled.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` for a bad `start`, `dates` or `assets`.
 */
export function randomMarketData(options: RandomDataOptions): MarketData {
  const seed = options.seed ?? 1;
  const dates = Array.isArray(options.dates)
    ? (options.dates as readonly DateString[])
    : weekdays(options.start ?? '2021-01-04', checkCount('dates', (options.dates as number | undefined) ?? 250));
  const assets = Array.isArray(options.assets) ? [...(options.assets as readonly AssetId[])] : sampleAssets(checkCount('assets', (options.assets as number | undefined) ?? 10));
  const n = dates.length;
  const N = assets.length;
  let simulated: Market | undefined;
  const market = () => (simulated ??= simulateMarket(seed, n, assets));
  const memo = new Map<string, Float64Array>();
  const fundamental = (name: string, family: Family = fundamentalFamily(name)) => {
    let values = memo.get(name);
    if (!values) {
      values = stepSeries(seed, name, family, market(), name.startsWith('consensus_') ? 'weekly' : 'quarterly');
      memo.set(name, values);
    }
    return values;
  };

  const generate = (spec: string | InputSpec): Generated => {
    const name = typeof spec === 'string' ? spec : spec.field;
    const declared = typeof spec === 'string' ? undefined : spec.kind;
    const m = market();
    const perCell = (fn: (i: number, a: number, t: number) => number, kind: FieldKind = 'market'): Generated => {
      const values = new Float64Array(n * N).fill(Number.NaN);
      for (let a = 0; a < N; a++) for (let t = m.listing[a]!; t < n; t++) values[a * n + t] = fn(a * n + t, a, t);
      return { kind, values };
    };
    const ratio = (other: Float64Array) => perCell((i) => (other[i]! > 0 ? (m.close[i]! * m.totalShares[i]!) / other[i]! : Number.NaN));
    switch (name) {
      case 'ret':
        return { kind: 'market', values: m.ret.slice() };
      case 'pct_chg':
        return perCell((i) => 100 * m.ret[i]!);
      case 'close':
      case 'raw_close':
        return { kind: 'market', values: m.close.slice() };
      case 'open':
        return { kind: 'market', values: m.open.slice() };
      case 'high':
        return { kind: 'market', values: m.high.slice() };
      case 'low':
        return { kind: 'market', values: m.low.slice() };
      case 'pre_close':
        return { kind: 'market', values: m.preClose.slice() };
      case 'vwap':
        return perCell((i) => (m.volume[i]! > 0 ? m.amount[i]! / m.volume[i]! : Number.NaN));
      case 'volume':
        return { kind: 'market', values: m.volume.slice() };
      case 'amount':
        return { kind: 'market', values: m.amount.slice() };
      case 'turnover':
        return { kind: 'market', values: m.turnover.slice() };
      case 'turnover_rate':
        return perCell((i) => 100 * m.turnover[i]!);
      case 'market_cap':
      case 'total_mv':
        return perCell((i) => m.close[i]! * m.totalShares[i]!);
      case 'float_market_cap':
      case 'circ_mv':
        return perCell((i) => m.close[i]! * m.floatShares[i]!);
      case 'total_share':
      case 'total_shares':
        return perCell((i) => m.totalShares[i]!);
      case 'float_share':
      case 'float_shares':
        return perCell((i) => m.floatShares[i]!);
      case 'is_trading':
        return { kind: 'market', values: m.isTrading.slice() };
      case 'is_st':
        return { kind: 'market', values: m.isSt.slice() };
      case 'listed_days':
        return perCell((_, a, t) => (m.listing[a] === 0 ? Number.POSITIVE_INFINITY : t - m.listing[a]!), 'reference');
      case 'up_limit':
        return perCell((i, a, t) => (t === m.listing[a] ? Number.NaN : Math.round(m.preClose[i]! * (1 + m.limit[i]!) * 100) / 100));
      case 'down_limit':
        return perCell((i, a, t) => (t === m.listing[a] ? Number.NaN : Math.round(m.preClose[i]! * (1 - m.limit[i]!) * 100) / 100));
      case 'limit_up_close':
        return perCell((i) => (m.ret[i]! >= m.limit[i]! - 1e-12 ? 1 : 0));
      case 'limit_down_close':
        return perCell((i) => (m.ret[i]! <= -m.limit[i]! + 1e-12 ? 1 : 0));
      case 'can_buy_close':
      case 'can_buy_open':
        return perCell((i) => (m.isTrading[i] === 1 && !(m.ret[i]! >= m.limit[i]! - 1e-12) ? 1 : 0));
      case 'can_sell_close':
      case 'can_sell_open':
        return perCell((i) => (m.isTrading[i] === 1 && !(m.ret[i]! <= -m.limit[i]! + 1e-12) ? 1 : 0));
      case 'pe_ttm':
        return ratio(fundamental('net_profit_ttm', 'profit'));
      case 'pb_mrq':
        return ratio(fundamental('equity', 'positive'));
      case 'ps_ttm':
        return ratio(fundamental('revenue_ttm', 'positive'));
      case 'pcf_ncf_ttm':
        return ratio(fundamental('ncf_ttm', 'positive'));
      case 'analyst_coverage_3m':
      case 'analyst_reports_3m':
        return { kind: 'reference', values: fundamental(name, 'count') };
      case 'industry':
      case 'industry_code':
        return { kind: 'categorical', categorical: industry(seed, m, name === 'industry' ? 0 : 1) };
      case 'board': {
        const levels = ['main', 'chinext', 'star', 'bse'];
        const codes = new Int32Array(n * N);
        for (let a = 0; a < N; a++) codes.fill(levels.indexOf(board(assets[a]!)), a * n, (a + 1) * n);
        return { kind: 'categorical', categorical: { codes, levels } };
      }
    }
    if (name.startsWith('index_member:')) return { kind: 'reference', values: membership(m) };
    if (name.startsWith('index_weight:')) return { kind: 'reference', values: indexWeights(m) };
    if (declared === 'categorical') return { kind: 'categorical', categorical: genericCategorical(seed, name, m) };
    if (name.startsWith('consensus_') || KNOWN_FUNDAMENTALS.test(name) || /_(ttm|ytd|q|lyr|mrq|yoy)$/.test(name) || declared === 'fundamental') {
      return { kind: 'fundamental', values: fundamental(name) };
    }
    if (/^(is|can|limit)_/.test(name)) {
      const random = createRandom(seed, `flag:${name}`);
      return perCell(() => (random.next() < 0.1 ? 1 : 0));
    }
    if (declared === 'reference') return { kind: 'reference', values: stepSeries(seed, name, 'positive', m, 'monthly') };
    const random = createRandom(seed, `walk:${name}`);
    const values = new Float64Array(n * N).fill(Number.NaN);
    for (let a = 0; a < N; a++) {
      let x = 10 ** (2 * random.next());
      for (let t = m.listing[a]!; t < n; t++) {
        x *= Math.exp(random.normal(0, 0.02));
        values[a * n + t] = x;
      }
    }
    return { kind: declared ?? 'market', values };
  };

  const fields: Record<string, MemoryField> = {};
  const categorical: Record<string, CategoricalPanel> = {};
  for (const spec of options.fields) {
    const name = typeof spec === 'string' ? spec : spec.field;
    if (name in fields || name in categorical) continue;
    const generated = generate(spec);
    if (generated.categorical) categorical[name] = { dates: n, assets: N, ...generated.categorical };
    else fields[name] = { values: new Panel(n, N, generated.values), kind: generated.kind };
  }
  return createMemoryData({ calendar: dates, assets, fields, categorical });
}

function checkCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new FactorkitError('FK_INVALID_ARGUMENT', `random data: ${name} must be a positive integer or a list, got ${show(value)}`);
  return value;
}

/** A step function per asset: a new value at each announcement (quarterly, weekly or monthly). */
function stepSeries(seed: number, name: string, family: Family, m: Market, every: 'quarterly' | 'weekly' | 'monthly'): Float64Array {
  const { n, N } = m;
  const random = createRandom(seed, `fundamental:${name}`);
  const values = new Float64Array(n * N).fill(Number.NaN);
  for (let a = 0; a < N; a++) {
    const base = 10 ** (8 + 3 * random.next());
    let level = family === 'growth' ? random.normal(0.1, 0.3) : family === 'ratio' ? random.normal(0.08, 0.06) : family === 'count' ? random.int(20) : base;
    const uncovered = a === SAMPLE_ROLES.uncovered && name.startsWith('consensus_');
    if (a === SAMPLE_ROLES.uncovered && family === 'count') level = 0;
    const first = m.listing[a]! + (every === 'quarterly' ? 5 + random.int(35) : random.int(5));
    // A count (analysts, reports) is known from the start: 0 is an observation, not a gap.
    let current = family === 'count' ? level : Number.NaN;
    let next = first;
    for (let t = m.listing[a]!; t < n; t++) {
      if (t === next) {
        if (family === 'growth') level = random.normal(0.1, 0.3);
        else if (family === 'ratio') level = random.normal(0.08, 0.06);
        else if (family === 'count') level = a === SAMPLE_ROLES.uncovered ? 0 : Math.max(0, Math.round(level + random.normal(0, 2)));
        else level *= Math.exp(random.normal(0.02, every === 'weekly' ? 0.02 : 0.1));
        const loss = family === 'profit' && a === SAMPLE_ROLES.lossMaking && t < n / 2;
        current = uncovered ? Number.NaN : loss ? -Math.abs(level) : level;
        next += every === 'quarterly' ? 58 + random.int(8) : every === 'weekly' ? 5 : 21;
      }
      values[a * n + t] = current;
    }
  }
  return values;
}

function industry(seed: number, m: Market, column: 0 | 1): { codes: Int32Array; levels: readonly string[] } {
  const { n, N } = m;
  const random = createRandom(seed, 'industry');
  const levels = INDUSTRIES.map((entry) => entry[column]);
  const codes = new Int32Array(n * N).fill(-1);
  for (let a = 0; a < N; a++) {
    const first = random.int(levels.length);
    const second = (first + 1 + random.int(levels.length - 1)) % levels.length;
    for (let t = m.listing[a]!; t < n; t++) codes[a * n + t] = a === SAMPLE_ROLES.industryChange && t >= Math.floor(n / 2) ? second : first;
  }
  return { codes, levels };
}

function genericCategorical(seed: number, name: string, m: Market): { codes: Int32Array; levels: readonly string[] } {
  const { n, N } = m;
  const random = createRandom(seed, `categorical:${name}`);
  const levels = ['A', 'B', 'C', 'D'];
  const codes = new Int32Array(n * N).fill(-1);
  for (let a = 0; a < N; a++) {
    let code = random.int(levels.length);
    for (let t = m.listing[a]!; t < n; t++) {
      if (random.next() < 0.005) code = random.int(levels.length);
      codes[a * n + t] = code;
    }
  }
  return { codes, levels };
}

/** Every other asset is a member; the first member leaves at two thirds of the dates. */
function membership(m: Market): Float64Array {
  const { n, N } = m;
  const values = new Float64Array(n * N);
  for (let a = 0; a < N; a += 2) values.fill(1, a * n, (a + 1) * n);
  if (N > 0) values.fill(0, Math.floor((2 * n) / 3), n);
  return values;
}

/** Weights ∝ float market cap among members, snapshot every 21 days, carried forward. */
function indexWeights(m: Market): Float64Array {
  const { n, N } = m;
  const member = membership(m);
  const values = new Float64Array(n * N);
  for (let t = 0; t < n; t++) {
    if (t % 21 !== 0) {
      for (let a = 0; a < N; a++) values[a * n + t] = values[a * n + t - 1]!;
      continue;
    }
    let total = 0;
    for (let a = 0; a < N; a++) {
      const i = a * n + t;
      const cap = member[i] === 1 && m.close[i]! > 0 ? m.close[i]! * m.floatShares[i]! : 0;
      values[i] = cap;
      total += cap;
    }
    for (let a = 0; a < N; a++) values[a * n + t] = total > 0 ? values[a * n + t]! / total : 0;
  }
  return values;
}

/** Options of {@link sampleDataFor}. */
export interface SampleDataOptions {
  /** Seed; default `1`. */
  readonly seed?: number;
  /** Lookback (trading days) the sample must cover; the sample has `max(120, 2 × lookback + 60)` dates. */
  readonly lookback?: number;
  /** Number of assets or their ids; default 10. */
  readonly assets?: number | readonly AssetId[];
  /** Number of dates, overriding the rule above. */
  readonly dates?: number;
}

/** The number of dates {@link sampleDataFor} generates for a lookback: `max(120, 2 × lookback + 60)`. */
export function sampleLength(lookback: number): number {
  return Math.max(120, 2 * lookback + 60);
}

/**
 * {@link randomMarketData} for every declared input of `plugin` (optional ones too), long
 * enough for the kit's checks at the given lookback.
 */
export function sampleDataFor(plugin: { readonly meta: { readonly inputs: readonly InputSpec[] } }, options: SampleDataOptions = {}): MarketData {
  return randomMarketData({
    fields: plugin.meta.inputs,
    seed: options.seed ?? 1,
    dates: options.dates ?? sampleLength(options.lookback ?? 0),
    ...(options.assets === undefined ? {} : { assets: options.assets }),
  });
}
