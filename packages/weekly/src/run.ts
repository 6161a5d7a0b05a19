import { type DateString, FactorkitError, dateToInt, intToDate, isFactorkitError, parseDate, upperBound } from '@factorkit/core';
import { type TrackingResult, runTracking, trackingDataError } from '@factorkit/evaluate';
import { type FundAnalytics, WINDOWS, fundAnalytics, periodStart, returnWindows } from '@factorkit/funds';
import { type Strategy, runStrategy } from '@factorkit/strategy';
import type { AbsentSection, FailedStrategy, WeeklyData, WeeklyOptions, WeeklyProblem, WeeklyResult, WeeklySection, WeeklySectionName, WeeklyStrategies, WeeklyStrategy } from './types.js';
import { strategyWindows } from './windows.js';

const DEFAULT_ABSENT: Readonly<Record<WeeklySectionName, string>> = {
  strategies: 'no strategy was given (option `strategies`)',
  tracking: 'the MFE factor tracking was not requested (option `tracking`)',
  funds: 'the fund analytics were switched off (option `funds: false`)',
};

/** Tables the fund section needs: without them it is absent (real market data has no fund NAVs). */
const FUND_TABLES = ['funds', 'fund_nav'] as const;

/**
 * The sell-side weekly report as of one date, in three sections, each computed by the library
 * that owns it and each absent with its reason when it cannot be made (never silently):
 *
 * - **strategies** — every enhanced strategy run by `runStrategy` of `@factorkit/strategy` up to
 *   the as-of date (its `end` set to that date), and its excess over its composite benchmark last
 *   week, this month and year to date (`strategyWindows`: the fund tables' windows, difference
 *   and ratio form), beside the backtest's annualised excess, tracking error, information ratio
 *   and maximum excess drawdown;
 * - **tracking** — the MFE factor tables per universe: `runTracking` of `@factorkit/evaluate`
 *   (week, month, YTD and annualised excess of each factor's MFE portfolio), going on from a
 *   previous run's states when the options carry them;
 * - **funds** — the excess-distribution table of index-enhanced funds per benchmark index and
 *   window: `fundAnalytics` of `@factorkit/funds`. A dataset without `funds` / `fund_nav` tables
 *   gives an absent section saying so.
 *
 * A section that fails with a factorkit error (a strategy that cannot run, NAV faults, a
 * requested factor the data lacks) is absent with the error, and the error is in `problems`; a
 * strategy that fails leaves the others. Errors that are not factorkit errors (bugs) are thrown.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming the as-of option when it is not a date,
 *   precedes the data's first trading day, or falls in an ISO week after the week of its last one.
 */
export async function runWeekly(data: WeeklyData, options: WeeklyOptions): Promise<WeeklyResult> {
  const started = performance.now();
  const what = options.optionNames?.asOf ?? 'asOf';
  const asOf = parseDate(options.asOf, what);
  const lastDate = checkAsOf(data, asOf, what);
  const windows = returnWindows(data.dates, asOf, WINDOWS, what);
  const problems: WeeklyProblem[] = [];
  const notes: string[] = [];
  const timings: Record<WeeklySectionName | 'total', number> = { strategies: 0, tracking: 0, funds: 0, total: 0 };
  const absent = (section: WeeklySectionName): AbsentSection => ({ status: 'absent', why: 'not_requested', reason: options.absentReasons?.[section] ?? DEFAULT_ABSENT[section] });
  const timed = async <T>(section: WeeklySectionName, work: () => T | Promise<T>): Promise<T> => {
    options.onEvent?.({ kind: 'section', section, phase: 'start' });
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      timings[section] = performance.now() - t0;
      options.onEvent?.({ kind: 'section', section, phase: 'end' });
    }
  };

  const strategies: WeeklySection<WeeklyStrategies> =
    options.strategies && options.strategies.length > 0 ? await timed('strategies', () => runStrategies(data, options.strategies!, lastDate, options, problems)) : absent('strategies');

  let tracking: WeeklySection<TrackingResult> = absent('tracking');
  if (options.tracking) {
    const settings = options.tracking;
    tracking = await timed('tracking', async () => {
      try {
        const result = await runTracking({ ...settings, data, asOf: lastDate });
        const problem = trackingDataError(result);
        if (problem) problems.push({ section: 'tracking', code: problem.code, message: problem.message });
        return { status: 'ok', value: result } as const;
      } catch (error) {
        return failed('tracking', error, problems);
      }
    });
  }

  let funds: WeeklySection<FundAnalytics> = absent('funds');
  if (options.funds !== false) {
    const settings = options.funds ?? {};
    funds = await timed('funds', (): WeeklySection<FundAnalytics> => {
      const missing = FUND_TABLES.filter((name) => data.table(name) === undefined);
      if (missing.length > 0) {
        return {
          status: 'absent',
          why: 'missing_data',
          code: 'FK_MISSING_INPUT',
          reason: `the data has no ${missing.map((m) => `\`${m}\``).join(' or ')} table (fund NAVs and benchmarks): there is no fund excess distribution. The synthetic market has them; real market data does not — add them with a --with folder`,
        } as const;
      }
      try {
        return { status: 'ok', value: fundAnalytics(data, { heavyHoldings: false, ...settings, asOf: lastDate, optionNames: { asOf: what } }) } as const;
      } catch (error) {
        return failed('funds', error, problems);
      }
    });
  }

  if (lastDate !== asOf) notes.push(`${asOf} is not a trading day: every window ends at ${lastDate}, the last trading day before it.`);
  timings.total = performance.now() - started;
  return { asOf, lastDate, windows, strategies, tracking, funds, problems, notes, timings };
}

/**
 * The last trading day on or before `asOf`, checked to be within the calendar.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming `what`.
 */
function checkAsOf(data: WeeklyData, asOf: DateString, what: string): DateString {
  const dates = data.dates;
  if (dates.length === 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: the data's calendar is empty`);
  const day = dateToInt(asOf);
  const first = intToDate(dates[0]!);
  const last = dates[dates.length - 1]!;
  const end = upperBound(dates, day) - 1;
  if (end < 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: \`${asOf}\` is before the data's first trading day \`${first}\``, { details: { asOf, first } });
  // A weekend after the last trading day still reports that week; a later week would silently repeat stale numbers.
  if (periodStart('week', day) > last) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: \`${asOf}\` is after the data's calendar, which ends \`${intToDate(last)}\` (an earlier week): update the data or give an as-of date up to the end of that week`, {
      details: { asOf, last: intToDate(last) },
    });
  }
  return intToDate(dates[end]!);
}

function failed(section: WeeklySectionName, error: unknown, problems: WeeklyProblem[]): AbsentSection {
  if (!isFactorkitError(error)) throw error;
  problems.push({ section, code: error.code, message: error.message });
  return { status: 'absent', why: error.code === 'FK_MISSING_INPUT' ? 'missing_data' : 'failed', code: error.code, reason: error.message };
}

async function runStrategies(data: WeeklyData, list: readonly Strategy[], lastDate: DateString, options: WeeklyOptions, problems: WeeklyProblem[]): Promise<WeeklySection<WeeklyStrategies>> {
  const out: (WeeklyStrategy | FailedStrategy)[] = [];
  for (const [index, strategy] of list.entries()) {
    const name = strategy.name;
    options.onEvent?.({ kind: 'strategy', name, index, count: list.length, phase: 'start' });
    try {
      out.push(await runOne(data, strategy, lastDate, options));
    } catch (error) {
      if (!isFactorkitError(error)) throw error;
      problems.push({ section: 'strategies', code: error.code, message: `strategy \`${name}\`: ${error.message}` });
      out.push({ status: 'failed', name, benchmark: strategy.benchmark, code: error.code, message: error.message });
    }
    options.onEvent?.({ kind: 'strategy', name, index, count: list.length, phase: 'end' });
  }
  return { status: 'ok', value: { strategies: out } };
}

async function runOne(data: WeeklyData, strategy: Strategy, lastDate: DateString, options: WeeklyOptions): Promise<WeeklyStrategy> {
  const notes: string[] = [];
  if (strategy.start !== undefined && strategy.start > lastDate) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `its start \`${strategy.start}\` is after the report's last trading day \`${lastDate}\``);
  }
  if (strategy.end !== undefined && strategy.end !== lastDate) notes.push(`The strategy's end \`${strategy.end}\` is replaced by the report's last trading day ${lastDate}.`);
  const run: Strategy = { ...strategy, end: lastDate, definition: { ...strategy.definition, end: lastDate } };
  const result = await runStrategy(data, run, {
    ...(options.benchmarkData ? { benchmarkData: options.benchmarkData } : {}),
    ...(options.onEvent ? { progress: (progress) => options.onEvent!({ kind: 'strategyProgress', name: strategy.name, progress }) } : {}),
  });
  const backtest = result.backtest;
  const end = backtest.dates[backtest.dates.length - 1];
  if (end === undefined) throw new FactorkitError('FK_NO_VALUES', 'its backtest has no day up to the as-of date');
  const warnings: string[] = [];
  if (end !== lastDate) warnings.push(`The backtest ends ${end}, before the report's last trading day ${lastDate}: its windows end there.`);
  if (!Number.isFinite(backtest.benchmarkNav[backtest.benchmarkNav.length - 1]!)) warnings.push('The backtest has no benchmark NAV on its last day: the excess returns are missing.');
  const rebalances: Record<string, number> = {};
  for (const r of result.rebalances) rebalances[r.status] = (rebalances[r.status] ?? 0) + 1;
  const solved = (rebalances['optimal'] ?? 0) + (rebalances['relaxed'] ?? 0);
  if (solved === 0) {
    const counts = Object.entries(rebalances).map(([status, n]) => `${n} ${status}`).join(', ');
    warnings.push(`None of its ${result.rebalances.length} rebalances was solved (${counts || 'none scheduled'}): it never invested, its NAV is cash earning the deposit rate (the rebalances' messages say why).`);
  }
  const m = backtest.metrics;
  return {
    status: 'ok',
    name: result.name,
    description: strategy.description,
    benchmark: result.benchmark,
    start: backtest.dates[0]!,
    end,
    windows: strategyWindows(backtest, end),
    totalReturn: m.totalReturn,
    benchmarkTotalReturn: m.benchmarkTotalReturn,
    annualExcess: m.annualExcess,
    annualExcessRatio: m.annualExcessRatio,
    trackingError: m.trackingError,
    informationRatio: m.informationRatio,
    maxDrawdown: m.maxDrawdown,
    excessMaxDrawdown: m.excessMaxDrawdown,
    rebalances,
    warnings,
    notes: [...result.notes, ...notes],
    result,
  };
}
