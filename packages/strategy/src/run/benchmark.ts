import { type CompositeBenchmark, benchmarkReturns, formatBenchmark, parseBenchmark } from '@factorkit/benchmark';
import { type DataTable, FactorkitError, type MarketData, dateToInt, isFactorkitError } from '@factorkit/core';

/** The composite benchmark of a run and its daily returns on the data's calendar. */
export interface StrategyBenchmark {
  readonly composite: CompositeBenchmark;
  /** Canonical text (`95% 000852.SH + 5% deposit`). */
  readonly text: string;
  /** One return per day of `data.calendar` (close `t − 1` → close `t`); finite on every day of the run after its first. */
  readonly returns: Float64Array;
}

/** What {@link strategyBenchmark} needs besides the data. */
export interface StrategyBenchmarkInput {
  /** The composite text (`95% 000852.SH + 5% deposit`). */
  readonly text: string;
  /** Where the strategy's universe index word (`csi1000`) points, when the text uses it (`100% csi1000`). */
  readonly alias?: { readonly name: string; readonly code: string };
  /** Supplementary data whose `index_daily` levels fill series `data` lacks. */
  readonly benchmarkData?: MarketData | undefined;
  readonly depositRate?: number;
  readonly dayBasis?: number;
  /** The run's first and last days (calendar indices): returns must be known on `first + 1 … last`. */
  readonly first: number;
  readonly last: number;
}

/** Index closes by code from a dataset's `index_daily` table (or its `indexLevels`), aligned to `calendar` by date. */
function levelReader(source: MarketData, calendar: readonly string[]): (code: string) => Float64Array | undefined {
  const table = typeof source.table === 'function' ? source.table('index_daily') : undefined;
  const row = new Map<number, number>();
  calendar.forEach((d, t) => row.set(dateToInt(d), t));
  if (table) return (code) => fromTable(table, code, row, calendar.length);
  const levels = (source as { indexLevels?: (code: string) => { readonly close: ArrayLike<number> } | undefined }).indexLevels;
  if (typeof levels !== 'function') return () => undefined;
  return (code) => {
    const found = levels.call(source, code);
    if (!found) return undefined;
    const out = new Float64Array(calendar.length).fill(Number.NaN);
    source.calendar.dates.forEach((d, s) => {
      const t = row.get(dateToInt(d));
      if (t !== undefined) out[t] = found.close[s]!;
    });
    return out;
  };
}

function fromTable(table: DataTable, code: string, row: ReadonlyMap<number, number>, T: number): Float64Array | undefined {
  const codes = table.columns.get('index_code');
  const dates = table.columns.get('trade_date');
  const close = table.columns.get('close');
  if (codes?.type !== 'string' || dates?.type !== 'date' || close?.type !== 'number') return undefined;
  const k = codes.dictionary.indexOf(code);
  if (k < 0) return undefined;
  const out = new Float64Array(T).fill(Number.NaN);
  let any = false;
  for (let r = 0; r < table.rowCount; r++) {
    if (codes.codes[r] !== k) continue;
    const t = row.get(dates.values[r]!);
    if (t === undefined) continue;
    out[t] = close.values[r]!;
    any = true;
  }
  return any ? out : undefined;
}

/**
 * Parse the composite benchmark and compute its daily returns on `data`'s calendar (the
 * `benchmarkReturns` of `@factorkit/benchmark`: index terms from the closes in `index_daily`,
 * the deposit leg at the deposit rate). A series `data` lacks is read from `benchmarkData`.
 *
 * @throws FactorkitError `FK_INVALID_BENCHMARK` for a text that does not parse;
 *   `FK_MISSING_INPUT` naming the series when a term has no levels at all, or none on some
 *   day of the run (with the count and the first such day).
 */
export function strategyBenchmark(data: MarketData, input: StrategyBenchmarkInput): StrategyBenchmark {
  const { alias } = input;
  const aliased = alias !== undefined && alias.name !== alias.code;
  const composite = parseBenchmark(input.text, aliased ? { aliases: { [alias.name]: `the index of the strategy's universe (${alias.code})` } } : {});
  const calendar = data.calendar.dates;
  const own = levelReader(data, calendar);
  const extra = input.benchmarkData ? levelReader(input.benchmarkData, calendar) : undefined;
  const level = (code: string): Float64Array | undefined => {
    const resolved = aliased && code === alias.name ? alias.code : code;
    const mine = own(resolved);
    const theirs = extra?.(resolved);
    if (!mine) return theirs;
    if (!theirs) return mine;
    // Days the data lacks, from the supplementary data.
    for (let t = 0; t < mine.length; t++) if (!(mine[t]! > 0)) mine[t] = theirs[t]!;
    return mine;
  };
  let computed;
  try {
    computed = benchmarkReturns(composite, {
      dates: calendar,
      level,
      ...(input.depositRate === undefined ? {} : { depositRate: input.depositRate }),
      ...(input.dayBasis === undefined ? {} : { dayBasis: input.dayBasis }),
    });
  } catch (error) {
    if (isFactorkitError(error) && error.code === 'FK_MISSING_INPUT') {
      const code = (error.details as { code?: string } | undefined)?.code;
      throw new FactorkitError(
        'FK_MISSING_INPUT',
        `${error.message}: the data has no index levels (\`index_daily\`) for \`${code ?? '?'}\`${input.benchmarkData ? ', nor does the benchmark data' : '; pass data that has them (benchmarkData, `--with`)'}`,
        { cause: error, details: { ...(error.details as object), series: code } },
      );
    }
    throw error;
  }
  const { returns } = computed;
  let firstMissing = -1;
  let missingDays = 0;
  for (let t = input.first + 1; t <= input.last; t++) {
    if (Number.isFinite(returns[t]!)) continue;
    missingDays++;
    if (firstMissing < 0) firstMissing = t;
  }
  if (missingDays > 0) {
    const series = Object.keys(computed.missing);
    throw new FactorkitError(
      'FK_MISSING_INPUT',
      `benchmark \`${formatBenchmark(composite)}\`: no return on ${missingDays} day(s) of the run (first ${calendar[firstMissing]}): the level of ${series.map((s) => `\`${s}\``).join(', ')} is missing there; give data with those index levels (benchmarkData) or shorten the run`,
      { details: { text: composite.text, series, missingDays, first: calendar[firstMissing] } },
    );
  }
  return { composite, text: formatBenchmark(composite), returns };
}
