import { type CompositeBenchmark, DEFAULT_DEPOSIT_RATE, type ParseBenchmarkOptions, benchmarkReturns, compoundReturn, formatBenchmark, primaryIndex, tryParseBenchmark } from '@factorkit/benchmark';
import { type DateString, FactorkitError, type Issue, ValidationError, intToDate, show } from '@factorkit/core';
import { stringAt, stringColumn } from '@factorkit/data';
import { excessReturn, firstNaN } from './excess.js';
import { compareFamilies, indexFamilyName } from './families.js';
import { type FundHeavyHoldings, type HeavyHoldingsSettings, fundHeavyHoldings } from './holdings.js';
import { type NavProblem, type NavSeries, readFundNavs } from './nav.js';
import { newHighRate } from './new-high.js';
import { distribution } from './stats.js';
import { type FundDataset, requireFundTable } from './tables.js';
import type { ExcessDistribution, ExcessForm, ExclusionReason, FundExcess, FundExclusion, FundInfo, FundNewHigh } from './types.js';
import { type ReturnWindow, WINDOWS, type WindowName, returnWindows } from './windows.js';

/** Rows the loader rejected from one table file, as `@factorkit/data`'s `TableReport` holds them. */
export interface RejectedRows {
  readonly table: string;
  readonly file: string;
  readonly rejectedByReason: Readonly<Partial<Record<string, number>>>;
  readonly problems: readonly { readonly code: string; readonly message: string }[];
}

/** Options of {@link fundAnalytics}. */
export interface FundAnalyticsOptions {
  /** The last date used (`YYYY-MM-DD`): every window ends at the last trading day on or before it; nothing later is read. */
  readonly asOf: DateString;
  /** The windows (default all four: `week`, `month`, `quarter`, `ytd`). */
  readonly windows?: readonly WindowName[];
  /**
   * The `funds.fund_type` values analysed (default `['index_enhanced']`, the funds of the
   * sell-side table), or `'all'`. Funds of other types are counted by type, not analysed.
   */
  readonly fundTypes?: readonly string[] | 'all';
  /** The excess return written as `excess` (default `difference`); both forms are in the result. */
  readonly excess?: ExcessForm;
  /**
   * The `fund_nav` column of the NAV that returns are computed from (default `nav`: the adjusted
   * unit NAV, dividends reinvested, as the dataset format defines it). A dataset with an
   * accumulated NAV (`accum_nav`) may name it here.
   */
  readonly navColumn?: string;
  /**
   * The `fund_nav` column the new-high rate reads (default: `navColumn`). A unit NAV that drops
   * at each distribution gives fewer new highs than an adjusted or an accumulated one.
   */
  readonly newHighColumn?: string;
  /**
   * What a fund whose NAV rows have a gap (a trading day missing between its first and last
   * NAV), a duplicated date, a date off the calendar or a non-positive NAV does to the run:
   * `error` (default) throws `FK_DATA_REJECTED` naming every such fund with the file, line and
   * date; `exclude` leaves those funds out, each counted with its first fault.
   */
  readonly navProblems?: 'error' | 'exclude';
  /** The after-tax demand-deposit rate, annual (default `DEFAULT_DEPOSIT_RATE` of `@factorkit/benchmark`). */
  readonly depositRate?: number;
  /** Passed to the benchmark parser: more published index names and aliases. */
  readonly benchmark?: ParseBenchmarkOptions;
  /** The heavy-holdings index (`@factorkit/universe-fund-holdings`): its settings, or `false` to skip it. */
  readonly heavyHoldings?: HeavyHoldingsSettings | false;
  /**
   * What the loader rejected (`loadDataset(…).report.tables`): a `fund_nav` row rejected as a
   * duplicate of an earlier (fund, date) row is an error naming the file and line (the loader
   * kept the first of two NAVs, and which one is right cannot be told). Without it, only the
   * duplicates still in the table are found.
   */
  readonly rejected?: readonly RejectedRows[];
  /** Names of the options in messages (the CLI passes `--as-of`, …). */
  readonly optionNames?: { readonly asOf?: string; readonly fundTypes?: string; readonly excess?: string; readonly navProblems?: string };
}

/** Everything {@link fundAnalytics} computes, and everything it left out. */
export interface FundAnalytics {
  readonly asOf: DateString;
  /** The last trading day on or before `asOf`: the end of every window. */
  readonly lastDate: DateString;
  readonly windows: readonly ReturnWindow[];
  readonly excessForm: ExcessForm;
  readonly navColumn: string;
  readonly newHighColumn: string;
  readonly fundTypes: readonly string[] | 'all';
  readonly depositRate: number;
  /** The funds analysed (selected types with sound NAVs), by code. */
  readonly funds: readonly FundInfo[];
  /**
   * Per fund and window: returns and excess, ordered by index family (CSI 300, CSI 500, CSI
   * 1000, CSI A500, CNI 2000, then others by code), window, then excess from highest to lowest
   * (ties by fund code).
   */
  readonly excess: readonly FundExcess[];
  /** Per index family and window: how many funds, and the max, min, median and quartiles of their excess. */
  readonly distribution: readonly ExcessDistribution[];
  /** Per fund and window, by fund code then window. */
  readonly newHigh: readonly FundNewHigh[];
  /** The heavy-holdings index rebuilds up to the last date; `undefined` when skipped. */
  readonly heavyHoldings: FundHeavyHoldings | undefined;
  /** Every fund (or fund in a window) left out, with why. */
  readonly excluded: readonly FundExclusion[];
  /** Funds of the `funds` table whose type is not analysed, by type. */
  readonly otherTypes: Readonly<Record<string, number>>;
  /** `fund_nav` rows dated after the last date (not read). */
  readonly navRowsAfterEnd: number;
  readonly notes: readonly string[];
}

interface Candidate {
  readonly info: FundInfo;
  readonly nav: NavSeries;
  readonly newHighNav: NavSeries;
  /** The composite and its daily return series key, when the benchmark is usable. */
  readonly benchmark?: { readonly composite: CompositeBenchmark; readonly key: string; readonly family: string };
}

const DEFAULT_TYPES = ['index_enhanced'] as const;
const MAX_LISTED = 20;

/**
 * The public-fund analytics of a dataset as of one date: per fund and window (`week`, `month`,
 * `quarter`, `ytd`, see `ReturnWindow`) the NAV return, the composite benchmark's return and the
 * excess; per benchmark index family and window the distribution of the excess (the table the
 * sell side publishes for index-enhanced funds); per fund and window the new-high rate; and the
 * fund heavy-holdings index rebuilds. Every fund or window left out is counted with its reason.
 *
 * - NAVs come from `fund_nav` (`navColumn`, default `nav`: the adjusted unit NAV with dividends
 *   reinvested); `R_f = NAV_end / NAV_start − 1` between the window's start close and its end.
 * - Benchmarks are the `funds.benchmark` texts, parsed by `@factorkit/benchmark` (the composite
 *   syntax or a published Chinese text); the daily rebalanced return series is computed from the
 *   dataset's index levels and the deposit rate, and compounded over the window's trading days.
 * - The index family of a fund is the main index of its benchmark: the index term with the largest weight.
 * - Excess: `R_f − R_b` (`difference`) or `(1 + R_f) / (1 + R_b) − 1` (`ratio`); both are kept.
 * - Quartiles and the median interpolate linearly between ranks (`quantileSorted`).
 *
 * Nothing after `asOf` is read: NAV rows, index levels and holdings disclosed later are ignored.
 *
 * @throws FactorkitError `FK_MISSING_INPUT` when a fund table or column is missing (named);
 *   `FK_DATA_REJECTED` for NAV faults of analysed funds (with `navProblems: 'error'`) and for
 *   duplicated NAV rows the loader rejected; `FK_INVALID_ARGUMENT` for an `asOf` before the data;
 *   ValidationError `FK_INVALID_PARAMS` for bad options.
 */
export function fundAnalytics(data: FundDataset, options: FundAnalyticsOptions): FundAnalytics {
  const settings = checkOptions(options);
  const names = options.optionNames ?? {};
  const windows = returnWindows(data.dates, options.asOf, settings.windows, names.asOf ?? 'asOf');
  const end = windows[0]!.endIndex;
  const lastDate = intToDate(data.dates[end]!);
  const purpose = 'the fund analytics';
  const fundsTable = requireFundTable(data, 'funds', { fund_code: 'string', fund_type: 'string', benchmark: 'string' }, purpose);
  const navTable = requireFundTable(data, 'fund_nav', { fund_code: 'string', trade_date: 'date', [settings.navColumn]: 'number', [settings.newHighColumn]: 'number' }, purpose);
  // Checked before any work, so a dataset without holdings fails at once.
  const holdingsInput = settings.heavyHoldings === false ? undefined : requireFundTable(data, 'fund_holdings', { fund_code: 'string', ann_date: 'date', end_date: 'date', ts_code: 'string', weight: 'number' }, 'the heavy-holdings index');

  const duplicates = (options.rejected ?? []).filter((t) => t.table === 'fund_nav' && (t.rejectedByReason['duplicate_key'] ?? 0) > 0);
  if (duplicates.length > 0) {
    const count = duplicates.reduce((n, t) => n + (t.rejectedByReason['duplicate_key'] ?? 0), 0);
    const examples = duplicates.flatMap((t) => t.problems.filter((p) => p.code === 'duplicate_key').map((p) => `  - ${p.message}`)).slice(0, MAX_LISTED);
    throw new FactorkitError(
      'FK_DATA_REJECTED',
      `fund_nav (${duplicates.map((t) => t.file).join(', ')}): ${count} row${count === 1 ? '' : 's'} repeat${count === 1 ? 's' : ''} a fund and date of an earlier row; which NAV is right cannot be told, so no excess return is computed:\n${examples.join('\n')}${count > examples.length ? `\n  - … and ${count - examples.length} more` : ''}`,
      { details: { table: 'fund_nav', duplicates: count } },
    );
  }

  const navs = readFundNavs(navTable, data.dates, { endIndex: end, column: settings.navColumn });
  const highNavs = settings.newHighColumn === settings.navColumn ? navs : readFundNavs(navTable, data.dates, { endIndex: end, column: settings.newHighColumn });
  const problems = new Map<string, NavProblem>();
  for (const p of [...navs.problems, ...highNavs.problems]) if (!problems.has(p.fund)) problems.set(p.fund, p);

  // ---- the funds in scope ----
  const code = stringColumn(fundsTable, 'fund_code');
  const type = stringColumn(fundsTable, 'fund_type');
  const text = stringColumn(fundsTable, 'benchmark');
  const nameColumn = fundsTable.columns.get('name');
  const nameOf = (row: number): string | undefined => (nameColumn?.type === 'string' ? stringAt(nameColumn, row) : undefined);
  const listed = new Set<string>();
  const otherTypes: Record<string, number> = {};
  const selected: number[] = [];
  for (let r = 0; r < fundsTable.rowCount; r++) {
    const fund = stringAt(code, r);
    if (fund === undefined) continue;
    listed.add(fund);
    const fundType = stringAt(type, r) ?? '';
    if (settings.fundTypes === 'all' || settings.fundTypes.includes(fundType)) selected.push(r);
    else otherTypes[fundType] = (otherTypes[fundType] ?? 0) + 1;
  }

  const faulty = selected.map((r) => problems.get(stringAt(code, r)!)).filter((p) => p !== undefined);
  if (faulty.length > 0 && settings.navProblems === 'error') throw navError(faulty, navTable.source ?? 'fund_nav', options.rejected ?? [], names.navProblems ?? 'navProblems');

  const excluded: FundExclusion[] = [];
  const exclude = (fund: string, name: string | undefined, reason: ExclusionReason, detail: string, from: 'all' | 'excess' = 'all', window?: WindowName): void => {
    excluded.push({ fund, name, reason, window, from, detail });
  };
  const parsed = new Map<string, ReturnType<typeof tryParseBenchmark>>();
  const candidates: Candidate[] = [];
  const funds: FundInfo[] = [];
  for (const r of selected) {
    const fund = stringAt(code, r)!;
    const name = nameOf(r);
    const problem = problems.get(fund);
    if (problem) {
      exclude(fund, name, 'nav_problem', problem.message);
      continue;
    }
    const nav = navs.series.get(fund);
    const newHighNav = highNavs.series.get(fund);
    if (!nav || !newHighNav) {
      exclude(fund, name, 'no_nav', `no \`${settings.navColumn}\` row in fund_nav up to ${lastDate}`);
      continue;
    }
    const benchmarkText = stringAt(text, r);
    const usable = benchmarkOf(fund, name, benchmarkText, data, parsed, settings.parse, exclude);
    const info: FundInfo = {
      fund,
      name,
      fundType: stringAt(type, r),
      benchmarkText,
      benchmark: usable ? formatBenchmark(usable.composite) : undefined,
      benchmarkIndex: usable?.family,
      firstNav: intToDate(data.dates[nav.first]!),
      lastNav: intToDate(data.dates[nav.first + nav.values.length - 1]!),
    };
    funds.push(info);
    candidates.push({ info, nav, newHighNav, ...(usable ? { benchmark: { ...usable, key: formatBenchmark(usable.composite) } } : {}) });
  }
  for (const fund of [...new Set([...navs.series.keys(), ...problems.keys()])].sort()) {
    if (!listed.has(fund)) exclude(fund, undefined, 'not_in_funds', `fund_nav has NAVs of \`${fund}\`, which the \`funds\` table does not list (its type and benchmark are unknown)`);
  }

  // ---- benchmark return series, one per distinct composite, up to the last date ----
  const dateStrings = Array.from({ length: end + 1 }, (_, t) => intToDate(data.dates[t]!));
  const series = new Map<string, Float64Array>();
  for (const c of candidates) {
    if (!c.benchmark || series.has(c.benchmark.key)) continue;
    const result = benchmarkReturns(c.benchmark.composite, {
      dates: dateStrings,
      level: (index: string) => {
        const levels = data.indexLevels(index);
        return levels ? Float64Array.from({ length: end + 1 }, (_, t) => levels.close[t]!) : undefined;
      },
      depositRate: settings.depositRate,
    });
    series.set(c.benchmark.key, result.returns);
  }

  // ---- windows ----
  const excess: FundExcess[] = [];
  const newHigh: FundNewHigh[] = [];
  for (const w of windows) {
    for (const c of candidates) {
      const { fund, name } = c.info;
      if (w.startIndex < 0) {
        exclude(fund, name, 'no_window_start', `the calendar begins ${intToDate(data.dates[0]!)}, inside the ${w.name} period that starts ${w.periodStart}: there is no start close`, 'all', w.name);
        continue;
      }
      const s = w.startIndex;
      const last = c.nav.first + c.nav.values.length - 1;
      if (c.nav.first > s || c.newHighNav.first > s) {
        exclude(fund, name, 'too_young', `first NAV ${intToDate(data.dates[Math.max(c.nav.first, c.newHighNav.first)]!)} is after the window's start close ${w.start}`, 'all', w.name);
        continue;
      }
      if (last < end || c.newHighNav.first + c.newHighNav.values.length - 1 < end) {
        exclude(fund, name, 'no_nav_at_end', `last NAV ${intToDate(data.dates[last]!)} is before the window's end ${w.end}`, 'all', w.name);
        continue;
      }
      const high = newHighRate(c.newHighNav.values, { from: s + 1 - c.newHighNav.first, to: end - c.newHighNav.first });
      newHigh.push({ fund, name, window: w.name, start: w.start!, end: w.end, tradingDays: high.days, newHighs: high.newHighs, rate: high.rate });
      if (!c.benchmark) continue;
      const returns = series.get(c.benchmark.key)!;
      const gap = firstNaN(returns, s + 1, end);
      if (gap >= 0) {
        exclude(fund, name, 'benchmark_gap', `benchmark \`${c.benchmark.key}\` has no return on ${intToDate(data.dates[gap]!)} (an index level is missing on that day or the day before)`, 'excess', w.name);
        continue;
      }
      const fundReturn = c.nav.values[end - c.nav.first]! / c.nav.values[s - c.nav.first]! - 1;
      const benchmarkReturn = compoundReturn(returns, s, end);
      const difference = excessReturn(fundReturn, benchmarkReturn, 'difference');
      const ratio = excessReturn(fundReturn, benchmarkReturn, 'ratio');
      excess.push({
        fund,
        name,
        benchmarkIndex: c.benchmark.family,
        benchmark: c.benchmark.key,
        window: w.name,
        start: w.start!,
        end: w.end,
        fundReturn,
        benchmarkReturn,
        excess: settings.excess === 'ratio' ? ratio : difference,
        excessDifference: difference,
        excessRatio: ratio,
        rank: 0,
      });
    }
  }
  const order = new Map(settings.windows.map((w, i) => [w, i]));
  excess.sort((a, b) => compareFamilies(a.benchmarkIndex, b.benchmarkIndex) || order.get(a.window)! - order.get(b.window)! || b.excess - a.excess || compareText(a.fund, b.fund));
  const ranked: FundExcess[] = [];
  for (let i = 0; i < excess.length; i++) {
    const e = excess[i]!;
    const previous = ranked[i - 1];
    ranked.push({ ...e, rank: previous && previous.benchmarkIndex === e.benchmarkIndex && previous.window === e.window ? previous.rank + 1 : 1 });
  }
  newHigh.sort((a, b) => compareText(a.fund, b.fund) || order.get(a.window)! - order.get(b.window)!);

  const families = [...new Set(candidates.flatMap((c) => (c.benchmark ? [c.benchmark.family] : [])))].sort(compareFamilies);
  const distributionRows: ExcessDistribution[] = families.flatMap((family) =>
    windows.map((w) => {
      const d = distribution(ranked.filter((e) => e.benchmarkIndex === family && e.window === w.name).map((e) => e.excess));
      return { benchmarkIndex: family, indexName: indexFamilyName(family), window: w.name, start: w.start, end: w.end, funds: d.count, max: d.max, min: d.min, median: d.median, q25: d.q25, q75: d.q75 };
    }),
  );

  const heavyHoldings = holdingsInput && settings.heavyHoldings !== false ? fundHeavyHoldings(data, { end, funds: fundsTable, holdings: holdingsInput, settings: settings.heavyHoldings }) : undefined;

  const notes: string[] = [];
  if (lastDate !== options.asOf) notes.push(`as of ${options.asOf}: the last trading day on or before it is ${lastDate}, which ends every window`);
  if (navs.rowsAfterEnd > 0) notes.push(`${navs.rowsAfterEnd.toLocaleString('en-US')} fund_nav rows dated after ${lastDate} were not read`);
  excluded.sort((a, b) => compareText(a.fund, b.fund) || (a.window === undefined ? -1 : b.window === undefined ? 1 : order.get(a.window)! - order.get(b.window)!));
  return {
    asOf: options.asOf,
    lastDate,
    windows,
    excessForm: settings.excess,
    navColumn: settings.navColumn,
    newHighColumn: settings.newHighColumn,
    fundTypes: settings.fundTypes,
    depositRate: settings.depositRate,
    funds,
    excess: ranked,
    distribution: distributionRows,
    newHigh,
    heavyHoldings,
    excluded,
    otherTypes,
    navRowsAfterEnd: navs.rowsAfterEnd,
    notes,
  };
}

/** A fund's benchmark when it can be used: parsed, with an index family, every index in the data. Otherwise the exclusion is recorded. */
function benchmarkOf(
  fund: string,
  name: string | undefined,
  text: string | undefined,
  data: FundDataset,
  parsed: Map<string, ReturnType<typeof tryParseBenchmark>>,
  parse: ParseBenchmarkOptions,
  exclude: (fund: string, name: string | undefined, reason: ExclusionReason, detail: string, from: 'excess') => void,
): { composite: CompositeBenchmark; family: string } | undefined {
  if (text === undefined || text.trim() === '') {
    exclude(fund, name, 'no_benchmark', 'the `benchmark` cell is empty', 'excess');
    return undefined;
  }
  let result = parsed.get(text);
  if (!result) {
    result = tryParseBenchmark(text, parse);
    parsed.set(text, result);
  }
  if (!result.ok) {
    exclude(fund, name, 'invalid_benchmark', `benchmark \`${text}\` cannot be read at position ${result.position}: ${result.problem}`, 'excess');
    return undefined;
  }
  const composite = result.benchmark;
  const main = primaryIndex(composite);
  if (!main) {
    exclude(fund, name, 'no_index_in_benchmark', `benchmark \`${text}\` has no index term (${formatBenchmark(composite)}), so no index family`, 'excess');
    return undefined;
  }
  for (const term of composite.terms) {
    if (term.kind !== 'index') continue;
    if (term.code === undefined) {
      exclude(fund, name, 'missing_index', `benchmark \`${text}\` names \`${term.name ?? '?'}\`, which maps to no index code (add it to the parser's \`names\`)`, 'excess');
      return undefined;
    }
    if (!data.indexLevels(term.code)) {
      exclude(fund, name, 'missing_index', `benchmark \`${text}\` needs index \`${term.code}\`, which has no levels in the data (index_daily)`, 'excess');
      return undefined;
    }
  }
  return { composite, family: main.code! };
}

function navError(faulty: readonly NavProblem[], file: string, rejected: readonly RejectedRows[], option: string): FactorkitError {
  const listed = faulty.slice(0, MAX_LISTED).map((p) => `  - ${p.message}`);
  if (faulty.length > listed.length) listed.push(`  - … and ${faulty.length - listed.length} more funds`);
  // Rows the loader rejected (a bad number, a day off the calendar) leave gaps: say so.
  const lost = rejected.filter((t) => t.table === 'fund_nav').flatMap((t) => Object.entries(t.rejectedByReason).filter(([, n]) => (n ?? 0) > 0));
  const hint = lost.length > 0 ? `\n(while loading, fund_nav lost ${lost.map(([reason, n]) => `${n} ${reason}`).join(', ')} row(s), which may be these gaps: see the load report)` : '';
  return new FactorkitError(
    'FK_DATA_REJECTED',
    `fund_nav (${file}): the NAVs of ${faulty.length} fund${faulty.length === 1 ? '' : 's'} have gaps or faulty rows, so their returns cannot be computed (leave such funds out, counted, with ${option} \`exclude\`):\n${listed.join('\n')}${hint}`,
    { details: { table: 'fund_nav', funds: faulty.map((p) => p.fund), kinds: faulty.map((p) => p.kind) } },
  );
}

interface Settings {
  readonly windows: readonly WindowName[];
  readonly fundTypes: readonly string[] | 'all';
  readonly excess: ExcessForm;
  readonly navColumn: string;
  readonly newHighColumn: string;
  readonly navProblems: 'error' | 'exclude';
  readonly depositRate: number;
  readonly parse: ParseBenchmarkOptions;
  readonly heavyHoldings: HeavyHoldingsSettings | false;
}

function checkOptions(options: FundAnalyticsOptions): Settings {
  const issues: Issue[] = [];
  const names = options.optionNames ?? {};
  const windows: readonly WindowName[] = options.windows ?? WINDOWS;
  if (!Array.isArray(windows) || windows.length === 0 || windows.some((w: WindowName) => !WINDOWS.includes(w)) || new Set(windows).size !== windows.length) {
    issues.push({ path: 'windows', message: `expected distinct windows among ${WINDOWS.map((w) => `\`${w}\``).join(', ')}, got ${show(windows)}` });
  }
  const fundTypes = options.fundTypes ?? DEFAULT_TYPES;
  if (fundTypes !== 'all' && (!Array.isArray(fundTypes) || fundTypes.length === 0 || fundTypes.some((t) => typeof t !== 'string' || t === ''))) {
    issues.push({ path: names.fundTypes ?? 'fundTypes', message: `expected \`all\` or a non-empty list of fund types (\`index_enhanced\`, \`passive_index\`, \`active_equity\`, \`other\`), got ${show(fundTypes)}` });
  }
  const excess = options.excess ?? 'difference';
  if (excess !== 'difference' && excess !== 'ratio') issues.push({ path: names.excess ?? 'excess', message: `expected \`difference\` or \`ratio\`, got ${show(excess)}` });
  const navProblems = options.navProblems ?? 'error';
  if (navProblems !== 'error' && navProblems !== 'exclude') issues.push({ path: 'navProblems', message: `expected \`error\` or \`exclude\`, got ${show(navProblems)}` });
  const navColumn = options.navColumn ?? 'nav';
  const newHighColumn = options.newHighColumn ?? navColumn;
  for (const [path, value] of [
    ['navColumn', navColumn],
    ['newHighColumn', newHighColumn],
  ] as const) {
    if (typeof value !== 'string' || value === '') issues.push({ path, message: `expected a column name, got ${show(value)}` });
  }
  const depositRate = options.depositRate ?? DEFAULT_DEPOSIT_RATE;
  if (typeof depositRate !== 'number' || !(depositRate > -1 && depositRate < 1)) issues.push({ path: 'depositRate', message: `expected an annual rate as a fraction in (−1, 1), got ${show(depositRate)}` });
  if (issues.length > 0) throw new ValidationError('FK_INVALID_PARAMS', 'fundAnalytics: invalid options', issues);
  return { windows, fundTypes, excess, navColumn, newHighColumn, navProblems, depositRate, parse: options.benchmark ?? {}, heavyHoldings: options.heavyHoldings ?? {} };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
