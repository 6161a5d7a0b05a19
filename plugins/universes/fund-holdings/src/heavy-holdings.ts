import {
  type DataTable,
  type DateString,
  FactorkitError,
  type ParamsInput,
  type ParamsOf,
  dateIntToEpochDay,
  dateToInt,
  intToDate,
  lowerBound,
  param,
  parseParams,
} from '@factorkit/core';
import { columnsOf, textAt } from './columns.js';

/** The fund types of the `funds` table's schema. */
export const FUND_TYPES = ['index_enhanced', 'passive_index', 'active_equity', 'other'] as const;

/** One of {@link FUND_TYPES}. */
export type FundType = (typeof FUND_TYPES)[number];

/**
 * The index's rules as a parameter schema (the universe plugin takes the same names). Every
 * default is the documented one; see the package README for why.
 */
export const HEAVY_HOLDINGS_PARAMS = {
  types: param.array(param.enum(FUND_TYPES), {
    default: ['active_equity'],
    minItems: 1,
    description: 'fund types of the sample (`funds.fund_type`); `active_equity` covers ordinary equity funds and equity-leaning hybrids',
  }),
  minSize: param.number({
    default: 2e8,
    min: 0,
    description: 'minimum fund size in CNY (the sum of `fund_holdings.fund_size_100m` × 1e8 over its share classes in the report used); 0 = no size rule',
  }),
  minAgeDays: param.integer({ default: 365, min: 0, description: 'minimum calendar days since `funds.inception_date` on the rebuild day; 0 = no age rule' }),
  maxReportAgeDays: param.integer({
    default: 200,
    min: 1,
    description: 'a fund whose latest disclosed report ended more than this many calendar days before the rebuild day is left out (stale): one missed quarterly report is tolerated, two are not',
  }),
  weighting: param.enum(['equal', 'size'], { default: 'equal', description: 'how funds are weighted in the average: `equal`, or by fund `size`' }),
  cut: param.number({ default: 0.9, min: 0, exclusiveMin: true, max: 1, description: 'take stocks by average weight until their cumulative share of the total reaches this' }),
};

/** Options of {@link heavyHoldingsIndex}: every rule has a default (see {@link HEAVY_HOLDINGS_PARAMS}). */
export type HeavyHoldingsOptions = ParamsInput<typeof HEAVY_HOLDINGS_PARAMS>;

/** The options with their defaults filled in. */
export type HeavyHoldingsSettings = ParamsOf<typeof HEAVY_HOLDINGS_PARAMS>;

/** What {@link heavyHoldingsIndex} builds the index from. */
export interface HeavyHoldingsInput {
  /**
   * The `funds` table: `fund_code`, `fund_type` (required); `inception_date` (optional: without
   * it no fund's age is known).
   */
  readonly funds: DataTable;
  /**
   * The `fund_holdings` table: `fund_code`, `ann_date`, `end_date`, `ts_code`, `weight`
   * (percent of the share class's NAV) required; `fund_size_100m` (1e8 CNY, per share class)
   * and `portfolio_group` optional. Rows are as loaded: the key (`fund_code`, `end_date`,
   * `ts_code`) unique, as the data layer checks it.
   */
  readonly holdings: DataTable;
  /** The trading days (`YYYY-MM-DD`, ascending): rebuilds take effect on them. */
  readonly dates: readonly DateString[];
  /**
   * The dataset's assets (`600519.SH`…), to measure coverage: how much of the holdings and of the
   * index the dataset has. Omitted: no coverage is reported.
   */
  readonly assets?: readonly string[];
}

/** One member of the index. */
export interface HeavyHoldingsMember {
  /** The stock (`ts_code`). */
  readonly code: string;
  /** Its index weight: the renormalised average, a fraction; members sum to 1. */
  readonly weight: number;
  /** The average weight across the sample's funds, in percent of NAV (a fund not holding it counts 0). */
  readonly average: number;
}

/** How much of the holdings and of the index the dataset's assets cover. */
export interface HeavyHoldingsCoverage {
  /** Holdings rows used (the sample's reports, one share class per fund). */
  readonly rows: number;
  /** Of which name a stock among the dataset's assets. */
  readonly rowsMapped: number;
  /** The share of the total average weight on stocks among the assets (0–1). */
  readonly weightMapped: number;
  /** Members among the assets. */
  readonly membersMapped: number;
  /** The index weight of the members among the assets (0–1): the universe renormalises over them. */
  readonly memberWeightMapped: number;
  /** Members that are not among the assets (left out of the universe, never silently). */
  readonly missingMembers: readonly string[];
}

/** The report of one rebuild. */
export interface HeavyHoldingsReport {
  /** The day the rebuild takes effect. */
  readonly date: DateString;
  /** Fund reports (share class × period) whose first rows became visible since the previous rebuild. */
  readonly newReports: number;
  /** Holdings rows that became visible since the previous rebuild (a report's full holdings may follow its top ten). */
  readonly newRows: number;
  /** Share classes (fund codes) with a visible report. */
  readonly shareClasses: number;
  /** Funds after share-class de-duplication: one per portfolio. */
  readonly portfolios: number;
  /** Funds in the sample. */
  readonly sample: number;
  /**
   * Funds left out, by the first rule they fail, in this order: `type` (no share class typed in
   * `funds`, typed otherwise, or classes typed differently), `stale` (latest report too old),
   * `age`, `size`. `noHoldings`: `funds` codes of a sample type, incepted by the day (or
   * without a date), that have no visible report.
   */
  readonly excluded: { readonly type: number; readonly stale: number; readonly age: number; readonly size: number; readonly noHoldings: number };
  /** Of `excluded.type`: funds none of whose share classes is in the `funds` table. */
  readonly untyped: number;
  /** Of `excluded.type`: funds whose share classes are typed differently (source errors). */
  readonly typeConflicts: number;
  /** Funds that passed the type rule without an inception date (kept: the age rule cannot be checked). */
  readonly ageUnknown: number;
  /** Funds that reached the size rule without a size (kept with `equal` weighting; with `size` weighting excluded under `size`). */
  readonly sizeUnknown: number;
  /** Distinct stocks the sample holds. */
  readonly stocks: number;
  /** Members of the index. */
  readonly members: number;
  /** The members' share of the total average weight (≥ `cut` unless the sample is empty: then `NaN`). */
  readonly cumulativeWeight: number;
  /** One-way turnover against the previous rebuild, ½ Σ|Δw| over both member lists; `NaN` for the first. */
  readonly turnover: number;
  /** Only when `assets` were given. */
  readonly coverage?: HeavyHoldingsCoverage;
}

/** One rebuild of the index. */
export interface HeavyHoldingsRebuild {
  /** The day it takes effect (a trading day of `dates`). */
  readonly date: DateString;
  /** Its index in `dates`. */
  readonly t: number;
  /** Members by weight (descending), then code: the order of the cut. */
  readonly members: readonly HeavyHoldingsMember[];
  /** The funds of the sample, each by the smallest code among its share classes, ascending. */
  readonly sample: readonly string[];
  readonly report: HeavyHoldingsReport;
}

/** Every rebuild of the index over `dates`. */
export interface HeavyHoldingsIndex {
  readonly settings: HeavyHoldingsSettings;
  /** How share classes were merged: by `portfolio_group`, or by identical (stock, weight) lists in a period. */
  readonly shareClasses: 'portfolio_group' | 'identical lists';
  readonly rebuilds: readonly HeavyHoldingsRebuild[];
  /** Holdings rows that were not used, by reason (never dropped silently). */
  readonly skipped: Readonly<Record<string, number>>;
  /** What the data did not allow (a missing optional column…), in words. */
  readonly notes: readonly string[];
}

/** Averages within this many percentage points rank as ties (ordered by code). */
const TIE = 1e-10;

interface Report {
  readonly fund: string;
  readonly end: number;
  /** Row numbers, by announcement date. */
  readonly rows: number[];
}

interface FundInfo {
  readonly type: string | undefined;
  /** `yyyymmdd`; 0 when unknown. */
  readonly inception: number;
}

interface Portfolio {
  /** Smallest code among its share classes. */
  readonly code: string;
  readonly classes: string[];
  readonly end: number;
  /** The visible rows of the smallest code's report. */
  readonly rows: readonly number[];
}

/**
 * The public-fund heavy-holdings index (公募重仓指数), every rebuild of it over `dates`.
 *
 * - **Visibility by disclosure date.** On trading day `d` each share class's report is its latest
 *   (by `end_date`) with rows announced on or before `d` (`ann_date ≤ d`; a report whose rows are
 *   announced in parts — top ten first, full holdings later — shows the rows announced so far).
 *   `end_date` alone never makes a report visible.
 * - **Rebuilds** take effect on the first trading day on or after each `ann_date` (reports
 *   announced before `dates[0]` on `dates[0]`; after the last day, never).
 * - **Share classes** (A, C… of one fund repeat one list) count once: grouped by
 *   `portfolio_group` in the same period when the table has it, else by identical (stock,
 *   weight) lists in the same period. The fund's holdings are those of its smallest code; its
 *   size is the sum of its classes' known, non-negative `fund_size_100m`; its type comes from any
 *   class found in `funds` (classes typed differently: excluded under `type`); its inception is
 *   the earliest of its typed classes'.
 * - **Sample**, rules in order: type in `types`; latest report ended at most `maxReportAgeDays`
 *   before `d`; at least `minAgeDays` since inception (unknown: kept, counted); size ≥ `minSize`
 *   (unknown: kept and counted with `equal` weighting, excluded with `size` weighting).
 * - **Index**: each stock's average weight (percent of NAV) across the sample — equal- or
 *   size-weighted, a fund not holding it counting 0; stocks ranked by that average (ties within
 *   1e-10 points by code, ascending) and taken in order until their cumulative share of the total
 *   average reaches `cut`; member weights are their averages renormalised to sum to 1.
 *
 * Stocks outside `assets` stay in the index (it is defined by the holdings, not by a dataset);
 * the report's coverage says what the dataset lacks.
 *
 * @throws FactorkitError `FK_MISSING_INPUT` when a required column is absent (naming the table and
 *   column), or `weighting: 'size'` without `fund_holdings.fund_size_100m`; `FK_INVALID_PARAMS`
 *   for bad options; `FK_INVALID_ARGUMENT` for unsorted or malformed `dates`.
 */
export function heavyHoldingsIndex(input: HeavyHoldingsInput, options: HeavyHoldingsOptions = {}): HeavyHoldingsIndex {
  const owner = 'heavyHoldingsIndex';
  return buildHeavyHoldings(input, parseParams(HEAVY_HOLDINGS_PARAMS, options, owner, 'options'), owner);
}

/** {@link heavyHoldingsIndex} with checked settings; `owner` names the caller in messages. */
export function buildHeavyHoldings(input: HeavyHoldingsInput, settings: HeavyHoldingsSettings, owner: string): HeavyHoldingsIndex {
  const days = tradingDays(input.dates, owner);
  const notes: string[] = [];
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };

  const funds = readFunds(input.funds, owner);
  const h = columnsOf(input.holdings, owner);
  const fundCode = h.strings('fund_code');
  const annDate = h.dates('ann_date');
  const endDate = h.dates('end_date');
  const stock = h.strings('ts_code');
  const weight = h.numbers('weight');
  const size = h.optionalNumbers('fund_size_100m');
  const group = h.optionalStrings('portfolio_group');
  if (!size) {
    if (settings.weighting === 'size') {
      throw new FactorkitError('FK_MISSING_INPUT', `${owner}: weighting \`size\` needs column \`fund_size_100m\` of table \`fund_holdings\`, which it does not have`, {
        details: { table: 'fund_holdings', missing: ['fund_size_100m'] },
      });
    }
    if (settings.minSize > 0) notes.push(`table \`fund_holdings\` has no column \`fund_size_100m\`: no fund's size is known, so the size rule (minSize ${settings.minSize}) keeps every fund`);
  }
  if (!input.funds.columns.has('inception_date') && settings.minAgeDays > 0) {
    notes.push(`table \`funds\` has no column \`inception_date\`: no fund's age is known, so the age rule (minAgeDays ${settings.minAgeDays}) keeps every fund`);
  }

  // Reports: one per (share class, period), rows in announcement order.
  const reports = new Map<number, Report>();
  const lastDay = days.length > 0 ? days[days.length - 1]! : 0;
  for (let r = 0; r < input.holdings.rowCount; r++) {
    const fund = textAt(fundCode, r);
    const code = textAt(stock, r);
    const ann = annDate[r]!;
    const end = endDate[r]!;
    const w = weight[r]!;
    if (fund === undefined) skip('no fund_code');
    else if (code === undefined) skip('no ts_code');
    else if (ann === 0) skip('no ann_date');
    else if (end === 0) skip('no end_date');
    else if (!(w >= 0)) skip(Number.isNaN(w) ? 'no weight' : 'negative weight');
    else if (ann > lastDay) skip('announced after the last trading day');
    else {
      // One number per (class, period): the class's dictionary code and the yyyymmdd end date.
      const key = fundCode.codes[r]! * 1e8 + end;
      let report = reports.get(key);
      if (!report) reports.set(key, (report = { fund, end, rows: [] }));
      report.rows.push(r);
    }
  }
  const byFund = new Map<string, Report[]>();
  for (const report of reports.values()) {
    report.rows.sort((a, b) => annDate[a]! - annDate[b]! || a - b);
    let list = byFund.get(report.fund);
    if (!list) byFund.set(report.fund, (list = []));
    list.push(report);
  }
  for (const list of byFund.values()) list.sort((a, b) => a.end - b.end);
  const fundCodes = [...byFund.keys()].sort(compareText);

  // Rebuild days: the first trading day on or after each announcement.
  const rebuildDays = new Set<number>();
  for (const report of reports.values()) for (const r of report.rows) rebuildDays.add(lowerBound(days, annDate[r]!));
  const schedule = [...rebuildDays].sort((a, b) => a - b);

  const classSize = (report: Report, visible: number): number => {
    if (!size) return Number.NaN;
    // Fund-level columns are constant within a report; the first known value stands for it.
    for (let k = 0; k < visible; k++) {
      const v = size[report.rows[k]!]!;
      if (!Number.isNaN(v)) return v;
    }
    return Number.NaN;
  };
  let negativeSizes = 0;
  const negativeSeen = new Set<Report>();

  const assetSet = input.assets ? new Set(input.assets) : undefined;
  const rebuilds: HeavyHoldingsRebuild[] = [];
  let previous: ReadonlyMap<string, number> | undefined;
  let previousVisible = { reports: 0, rows: 0 };
  for (const t of schedule) {
    const d = days[t]!;
    // Each share class's latest visible report and how many of its rows are visible.
    const groups = new Map<string, { classes: string[]; end: number; rows: number[]; sizes: number[] }>();
    let visibleReports = 0;
    let visibleRows = 0;
    let shareClasses = 0;
    for (const fund of fundCodes) {
      const list = byFund.get(fund)!;
      for (const report of list) {
        const n = upperBoundBy(report.rows, d, annDate);
        if (n > 0) visibleReports++;
        visibleRows += n;
      }
      let latest: Report | undefined;
      for (let k = list.length - 1; k >= 0 && !latest; k--) if (annDate[list[k]!.rows[0]!]! <= d) latest = list[k];
      if (!latest) continue;
      shareClasses++;
      const visible = upperBoundBy(latest.rows, d, annDate);
      const rows = latest.rows.slice(0, visible);
      const groupName = group ? textAt(group, rows[0]!) : undefined;
      const key = `${latest.end}\u0000${groupName !== undefined ? `g${groupName}` : `s${signature(rows, stock, weight)}`}`;
      let entry = groups.get(key);
      if (!entry) groups.set(key, (entry = { classes: [], end: latest.end, rows, sizes: [] }));
      entry.classes.push(fund); // codes come in ascending order: the first is the smallest
      const s = classSize(latest, visible);
      if (s < 0 && !negativeSeen.has(latest)) {
        negativeSeen.add(latest);
        negativeSizes++;
      }
      entry.sizes.push(s);
    }

    const excluded = { type: 0, stale: 0, age: 0, size: 0, noHoldings: 0 };
    let untyped = 0;
    let typeConflicts = 0;
    let ageUnknown = 0;
    let sizeUnknown = 0;
    const sample: { portfolio: Portfolio; weight: number }[] = [];
    const inPortfolio = new Set<string>();
    const portfolios = [...groups.values()].map((g) => ({ ...g, code: g.classes[0]! })).sort((a, b) => compareText(a.code, b.code));
    for (const p of portfolios) {
      for (const c of p.classes) inPortfolio.add(c);
      const typed = p.classes.map((c) => funds.get(c)).filter((f): f is FundInfo => f !== undefined && f.type !== undefined);
      const types = new Set(typed.map((f) => f.type!));
      if (types.size !== 1) {
        excluded.type++;
        if (types.size === 0) untyped++;
        else typeConflicts++;
        continue;
      }
      if (!(settings.types as readonly string[]).includes([...types][0]!)) {
        excluded.type++;
        continue;
      }
      if (dateIntToEpochDay(d) - dateIntToEpochDay(p.end) > settings.maxReportAgeDays) {
        excluded.stale++;
        continue;
      }
      const inceptions = typed.map((f) => f.inception).filter((x) => x > 0);
      if (inceptions.length === 0) ageUnknown++;
      else if (settings.minAgeDays > 0 && dateIntToEpochDay(d) - dateIntToEpochDay(Math.min(...inceptions)) < settings.minAgeDays) {
        excluded.age++;
        continue;
      }
      const known = p.sizes.filter((s) => s >= 0);
      const cny = known.length === 0 ? Number.NaN : known.reduce((sum, s) => sum + s, 0) * 1e8;
      if (Number.isNaN(cny)) {
        sizeUnknown++;
        if (settings.weighting === 'size') {
          excluded.size++;
          continue;
        }
      } else if (cny < settings.minSize) {
        excluded.size++;
        continue;
      }
      sample.push({ portfolio: p, weight: settings.weighting === 'size' ? cny : 1 });
    }
    for (const [code, info] of funds) {
      if (inPortfolio.has(code) || info.type === undefined || !(settings.types as readonly string[]).includes(info.type)) continue;
      if (info.inception === 0 || info.inception <= d) excluded.noHoldings++;
    }

    // Average weights across the sample (a fund not holding a stock counts 0).
    let totalFundWeight = 0;
    for (const s of sample) totalFundWeight += s.weight;
    const sums = new Map<string, number>();
    let rows = 0;
    let rowsMapped = 0;
    for (const s of sample) {
      for (const r of s.portfolio.rows) {
        const code = textAt(stock, r)!;
        sums.set(code, (sums.get(code) ?? 0) + s.weight * weight[r]!);
        rows++;
        if (assetSet?.has(code)) rowsMapped++;
      }
    }
    const ranked = [...sums].map(([code, sum]) => ({ code, average: totalFundWeight > 0 ? sum / totalFundWeight : 0 }));
    let total = 0;
    for (const s of ranked) total += s.average;
    ranked.sort((a, b) => rankKey(b.average) - rankKey(a.average) || compareText(a.code, b.code));
    const chosen: { code: string; average: number }[] = [];
    let cumulative = 0;
    const target = settings.cut * total;
    for (const s of ranked) {
      if (total <= 0 || cumulative >= target * (1 - 1e-12)) break;
      chosen.push(s);
      cumulative += s.average;
    }
    const members: HeavyHoldingsMember[] = chosen.map((s) => ({ code: s.code, weight: s.average / cumulative, average: s.average }));
    const now = new Map(members.map((m) => [m.code, m.weight]));
    let turnover = Number.NaN;
    if (previous) {
      let change = 0;
      for (const [code, w] of now) change += Math.abs(w - (previous.get(code) ?? 0));
      for (const [code, w] of previous) if (!now.has(code)) change += w;
      turnover = change / 2;
    }

    let coverage: HeavyHoldingsCoverage | undefined;
    if (assetSet) {
      let weightMapped = 0;
      for (const s of ranked) if (assetSet.has(s.code)) weightMapped += s.average;
      const missingMembers = members.filter((m) => !assetSet.has(m.code)).map((m) => m.code);
      let memberWeightMapped = 0;
      for (const m of members) if (assetSet.has(m.code)) memberWeightMapped += m.weight;
      coverage = {
        rows,
        rowsMapped,
        weightMapped: total > 0 ? weightMapped / total : Number.NaN,
        membersMapped: members.length - missingMembers.length,
        memberWeightMapped: members.length > 0 ? memberWeightMapped : Number.NaN,
        missingMembers,
      };
    }
    const date = intToDate(d);
    rebuilds.push({
      date,
      t,
      members,
      sample: sample.map((s) => s.portfolio.code),
      report: {
        date,
        newReports: visibleReports - previousVisible.reports,
        newRows: visibleRows - previousVisible.rows,
        shareClasses,
        portfolios: portfolios.length,
        sample: sample.length,
        excluded,
        untyped,
        typeConflicts,
        ageUnknown,
        sizeUnknown,
        stocks: ranked.length,
        members: members.length,
        cumulativeWeight: total > 0 ? cumulative / total : Number.NaN,
        turnover,
        ...(coverage ? { coverage } : {}),
      },
    });
    previous = now;
    previousVisible = { reports: visibleReports, rows: visibleRows };
  }
  if (negativeSizes > 0) notes.push(`${negativeSizes} share-class reports have a negative \`fund_size_100m\`: taken as unknown`);
  return { settings, shareClasses: group ? 'portfolio_group' : 'identical lists', rebuilds, skipped, notes };
}

function readFunds(table: DataTable, owner: string): Map<string, FundInfo> {
  const c = columnsOf(table, owner);
  const code = c.strings('fund_code');
  const type = c.strings('fund_type');
  const inception = c.optionalDates('inception_date');
  const funds = new Map<string, FundInfo>();
  for (let r = 0; r < table.rowCount; r++) {
    const fund = textAt(code, r);
    if (fund !== undefined) funds.set(fund, { type: textAt(type, r), inception: inception ? inception[r]! : 0 });
  }
  return funds;
}

function tradingDays(dates: readonly DateString[], owner: string): Int32Array {
  const days = new Int32Array(dates.length);
  for (let t = 0; t < dates.length; t++) {
    const value = dateToInt(dates[t]!);
    if (Number.isNaN(value) || (t > 0 && value <= days[t - 1]!)) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `${owner}: dates[${t}] \`${dates[t]}\` is ${Number.isNaN(value) ? 'not a date' : 'not after the day before it'}`);
    }
    days[t] = value;
  }
  return days;
}

/** Rows `rows` (sorted by `ann`) announced on or before `day`: how many. */
function upperBoundBy(rows: readonly number[], day: number, ann: Int32Array): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ann[rows[mid]!]! <= day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The (stock, weight) list of a report's rows, in stock order: equal for share classes of one fund. */
function signature(rows: readonly number[], stock: { codes: Int32Array; dictionary: readonly string[] }, weight: Float64Array): string {
  return rows
    .map((r) => `${stock.dictionary[stock.codes[r]!]!}=${weight[r]!}`)
    .sort()
    .join(';');
}

function rankKey(average: number): number {
  return Math.round(average / TIE);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
