import { FactorkitError, dateIntToEpochDay, dateToInt, isDateString, show } from '@factorkit/core';
import type { CompositeBenchmark } from './types.js';

/**
 * The after-tax demand-deposit rate, annual, as a fraction: 0.35 %. It is the People's Bank of
 * China benchmark rate for RMB demand deposits (活期存款基准利率), 0.35 % since 2012-07-06 and
 * left there by every later adjustment, the last on 2015-10-24. Interest on savings deposits
 * has been exempt from individual income tax since 2008-10-09 (财税〔2008〕132号), so the
 * after-tax rate (`(税后)` in fund contracts) equals it. Banks' own posted demand rates have been
 * lower since 2015; pass `depositRate` to use one of them.
 */
export const DEFAULT_DEPOSIT_RATE = 0.0035;

/** The day-count basis of deposit and constant accrual: calendar days / 365. */
export const DEFAULT_DAY_BASIS = 365;

/** Input of {@link benchmarkReturns}. */
export interface BenchmarkReturnsInput {
  /** Trading days, `YYYY-MM-DD`, strictly increasing. */
  readonly dates: readonly string[];
  /**
   * The closes of the series `code` (an index code or alias) aligned to `dates`, `NaN` where
   * missing; `undefined` when the series is unknown. Called once per series.
   */
  readonly level: (code: string) => ArrayLike<number> | undefined;
  /**
   * The annual after-tax deposit rate as a fraction: one number, or one per date (entry `t`
   * accrues over the days from `dates[t-1]` to `dates[t]`; `NaN` = missing). Default
   * {@link DEFAULT_DEPOSIT_RATE}.
   */
  readonly depositRate?: number | ArrayLike<number>;
  /** Calendar days per year for the deposit and constant terms. Default {@link DEFAULT_DAY_BASIS} (365). */
  readonly dayBasis?: number;
}

/** What {@link benchmarkReturns} returns. */
export interface BenchmarkReturns {
  /**
   * The daily benchmark return from `dates[t-1]` to `dates[t]` at `t`; `returns[0]` is `NaN`
   * (no earlier day). `NaN` on a day a level (or the deposit rate) is missing.
   */
  readonly returns: Float64Array;
  /** Days `t ≥ 1` whose return is `NaN`. */
  readonly missingDays: number;
  /**
   * Per series (code, alias, or `deposit` for a rate series), the days `t ≥ 1` on which its
   * level at `t` or `t-1` is missing, not finite or not positive; only series with such days.
   */
  readonly missing: Readonly<Record<string, number>>;
  /** The series read through `level`, in the benchmark's order. */
  readonly codes: readonly string[];
}

function checkDates(dates: readonly string[]): Int32Array {
  if (!Array.isArray(dates)) throw new FactorkitError('FK_INVALID_ARGUMENT', `dates: expected an array of YYYY-MM-DD, got ${show(dates)}`);
  const days = new Int32Array(dates.length);
  for (let t = 0; t < dates.length; t++) {
    const date: unknown = dates[t];
    if (!isDateString(date)) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `dates[${t}]: expected a date YYYY-MM-DD, got ${show(date)}`, { details: { index: t, value: date } });
    }
    days[t] = dateIntToEpochDay(dateToInt(date));
    if (t > 0 && days[t]! <= days[t - 1]!) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `dates[${t}]: ${show(date)} does not follow ${show(dates[t - 1])} (dates must increase)`, {
        details: { index: t, value: date },
      });
    }
  }
  return days;
}

/**
 * The daily composite benchmark return, rebalanced daily as fund contracts define it:
 *
 * r_t = Σ_index w_i (L_i,t / L_i,t−1 − 1) + w_deposit × rate × d_t / 365 + Σ_constant rate_c × d_t / 365
 *
 * with d_t the calendar days from `dates[t-1]` to `dates[t]` (weekends and holidays accrue on
 * the next trading day), `rate` the after-tax demand-deposit rate. Chain the returns with
 * {@link cumulativeIndex} or {@link compoundReturn}.
 *
 * @throws FactorkitError `FK_MISSING_INPUT` naming the series and the benchmark text when
 *   `level` does not know a code, or an index term has no code (a published name not in the
 *   name table); `FK_INVALID_DATA` for a level series of the wrong length; `FK_INVALID_ARGUMENT`
 *   for bad dates, rates or day basis.
 */
export function benchmarkReturns(b: CompositeBenchmark, input: BenchmarkReturnsInput): BenchmarkReturns {
  const { dates, level } = input;
  const days = checkDates(dates);
  const n = dates.length;
  if (typeof level !== 'function') throw new FactorkitError('FK_INVALID_ARGUMENT', `level: expected a function code → levels, got ${show(level)}`);
  const basis = input.dayBasis ?? DEFAULT_DAY_BASIS;
  if (!(Number.isFinite(basis) && basis > 0)) throw new FactorkitError('FK_INVALID_ARGUMENT', `dayBasis: expected a positive number, got ${show(basis)}`);
  const rateInput = input.depositRate ?? DEFAULT_DEPOSIT_RATE;
  if (typeof rateInput === 'number') {
    if (!Number.isFinite(rateInput)) throw new FactorkitError('FK_INVALID_ARGUMENT', `depositRate: expected a finite annual rate, got ${show(rateInput)}`);
  } else if (rateInput.length !== n) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `depositRate: expected one rate per date (${n}), got ${rateInput.length}`);
  }

  // Resolve every series first, so an unknown one fails before any work.
  const indices: { code: string; weight: number; levels: ArrayLike<number> }[] = [];
  let depositWeight = 0;
  let constantRate = 0;
  for (const term of b.terms) {
    if (term.kind === 'deposit') depositWeight += term.weight;
    else if (term.kind === 'constant') constantRate += term.annualRate;
    else {
      if (term.code === undefined) {
        throw new FactorkitError(
          'FK_MISSING_INPUT',
          `benchmark \`${b.text}\`: the series ${show(term.name ?? '')} has no code (not in the name table), so its returns cannot be computed; map the name with the parse option \`names\``,
          { details: { text: b.text, name: term.name } },
        );
      }
      const levels = level(term.code);
      if (levels === undefined) {
        throw new FactorkitError('FK_MISSING_INPUT', `benchmark \`${b.text}\`: no levels for the series \`${term.code}\``, {
          details: { text: b.text, code: term.code },
        });
      }
      if (levels.length !== n) {
        throw new FactorkitError('FK_INVALID_DATA', `benchmark \`${b.text}\`: the levels of \`${term.code}\` have ${levels.length} values for ${n} dates`, {
          details: { text: b.text, code: term.code },
        });
      }
      indices.push({ code: term.code, weight: term.weight, levels });
    }
  }

  const returns = new Float64Array(n).fill(Number.NaN);
  const missing: Record<string, number> = {};
  let missingDays = 0;
  for (let t = 1; t < n; t++) {
    const accrual = (days[t]! - days[t - 1]!) / basis;
    let r = 0;
    let bad = false;
    for (const { code, weight, levels } of indices) {
      const before = levels[t - 1]!;
      const now = levels[t]!;
      if (before > 0 && now > 0 && Number.isFinite(before) && Number.isFinite(now)) r += weight * (now / before - 1);
      else {
        missing[code] = (missing[code] ?? 0) + 1;
        bad = true;
      }
    }
    if (depositWeight > 0) {
      const rate = typeof rateInput === 'number' ? rateInput : rateInput[t]!;
      if (Number.isFinite(rate)) r += depositWeight * rate * accrual;
      else {
        missing.deposit = (missing.deposit ?? 0) + 1;
        bad = true;
      }
    }
    r += constantRate * accrual;
    if (bad) missingDays++;
    else returns[t] = r;
  }
  return { returns, missingDays, missing, codes: indices.map((i) => i.code) };
}

/**
 * The geometric cumulative index of daily returns: `out[0] = base`, `out[t] = out[t-1] × (1 +
 * returns[t])` (`returns[0]` is not used). A `NaN` return makes the rest `NaN`: cut the series
 * after a gap, or fill it, before chaining.
 */
export function cumulativeIndex(returns: ArrayLike<number>, options: { readonly base?: number } = {}): Float64Array {
  const base = options.base ?? 1;
  const out = new Float64Array(returns.length);
  if (returns.length === 0) return out;
  out[0] = base;
  for (let t = 1; t < returns.length; t++) out[t] = out[t - 1]! * (1 + returns[t]!);
  return out;
}

/**
 * The compounded return from day `from` to day `to` (indices into the dates): Π_{t=from+1..to}
 * (1 + returns[t]) − 1; `0` when `from === to`, `NaN` when a return in the window is missing.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` unless 0 ≤ from ≤ to < returns.length (integers).
 */
export function compoundReturn(returns: ArrayLike<number>, from: number, to: number): number {
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from <= to && to < returns.length)) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `compoundReturn: expected 0 ≤ from ≤ to < ${returns.length}, got from ${show(from)}, to ${show(to)}`);
  }
  let growth = 1;
  for (let t = from + 1; t <= to; t++) growth *= 1 + returns[t]!;
  return growth - 1;
}
