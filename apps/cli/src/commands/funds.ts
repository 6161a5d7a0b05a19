import { FactorkitError, parseDate } from '@factorkit/core';
import { checkEncoding, formatLoadDetails, formatLoadSummary, loadDataset, parseRejectedLimit } from '@factorkit/data';
import { type ExcessForm, type HeavyHoldingsSettings, WINDOWS, formatFundExclusions, formatFundSummary, fundAnalytics } from '@factorkit/funds';
import { checkFundOutput, writeFundOutputs } from '@factorkit/funds/node';
import type { Command } from 'commander';
import { basename, resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { withDirs, withOption } from '../with.js';

interface FundsOptions {
  readonly data: string;
  readonly with?: string[];
  readonly asOf: string;
  readonly out: string;
  readonly fundTypes: string;
  readonly excess: string;
  readonly navColumn: string;
  readonly newHighColumn?: string;
  readonly navProblems: string;
  readonly depositRate?: string;
  readonly holdingsWeighting?: string;
  readonly holdingsCut?: string;
  /** `false` with `--no-heavy-holdings`. */
  readonly heavyHoldings: boolean;
  readonly maxRejected?: string;
  readonly encoding?: string;
  readonly verbose?: boolean;
}

/**
 * `factorkit funds`: the public-fund analytics as of a date — index-enhanced funds' excess returns
 * over their composite benchmarks (week, month, quarter, year to date), their distribution per
 * benchmark index, new-high rates and the fund heavy-holdings index — written as one folder of CSV
 * files and a self-contained `report.html`. The work is `fundAnalytics` and `writeFundOutputs` of
 * `@factorkit/funds`; the command checks flags, loads the data, and prints what it left out.
 * Exit codes come from the errors: 1 bad input (a missing fund table or column), 3 data problems
 * (NAV gaps or duplicated dates; no fund with an excess return, after writing the outputs).
 */
export function registerFundsCommand(program: Command, io: CliIo, _setExitCode: (code: number) => void): void {
  const command = program
    .command('funds')
    .description(
      `public-fund analytics as of a date: each index-enhanced fund's excess return over its composite benchmark (funds.benchmark) for the windows ${WINDOWS.join(', ')}; the distribution per benchmark index (max, min, median, quartiles); new-high rates; the fund heavy-holdings index. Writes excess_distribution.csv, fund_excess.csv, new_high.csv, heavy_holdings.csv, excluded.csv and report.html into --out, atomically (exit 3 for NAV gaps or duplicated dates, or when no fund has an excess return)`,
    )
    .requiredOption('--data <dir>', 'the dataset folder (the market: calendar, stocks, daily, index_daily)');
  withOption(command)
    .requiredOption('--as-of <date>', 'the last date used: every window ends at the last trading day on or before it, nothing after it is read (YYYY-MM-DD or YYYYMMDD)')
    .requiredOption('--out <dir>', 'output folder: new, empty, or a previous funds output (replaced as a whole)')
    .option('--fund-types <list>', 'comma-separated funds.fund_type values analysed, or `all`', 'index_enhanced')
    .option('--excess <form>', '`difference` (fund return − benchmark return) or `ratio` ((1 + fund) / (1 + benchmark) − 1)', 'difference')
    .option('--nav-column <name>', 'the fund_nav column returns are computed from (`nav`: the adjusted unit NAV, dividends reinvested)', 'nav')
    .option('--new-high-column <name>', 'the fund_nav column the new-high rate reads, e.g. an accumulated or a unit NAV (default: --nav-column)')
    .option('--nav-problems <what>', '`error`: a fund whose NAV rows have a gap, a duplicated date or a bad value stops the run, named with file and line; `exclude`: such funds are left out and counted', 'error')
    .option('--deposit-rate <rate>', 'the after-tax demand-deposit rate of `deposit` benchmark terms, a year: `0.35%` or `0.0035` (default 0.35%, the PBoC benchmark demand rate)')
    .option('--holdings-weighting <w>', 'heavy-holdings index: weight funds `equal`ly (default) or by `size`')
    .option('--holdings-cut <share>', 'heavy-holdings index: take stocks until their cumulative weight reaches this share (default 0.9)')
    .option('--no-heavy-holdings', 'do not build the heavy-holdings index (no fund_holdings table needed; heavy_holdings.csv holds only its header)')
    .option('--max-rejected <n|p%>', 'rows the dataset may lose while loading: a count or a share of the rows read (default: any, each reported); beyond it exit 3')
    .option('--encoding <name>', 'text encoding of the dataset’s CSV files: utf-8 (default) or gbk')
    .action(async (options: FundsOptions) => {
      // Everything the flags alone can tell is checked before the data is loaded.
      const out = resolve(io.cwd, options.out);
      await checkFundOutput(out, '--out');
      const asOf = parseDate(options.asOf, '--as-of');
      const types = options.fundTypes.trim() === 'all' ? 'all' : options.fundTypes.split(',').map((t) => t.trim()).filter((t) => t !== '');
      if (types !== 'all' && types.length === 0) throw new FactorkitError('FK_INVALID_ARGUMENT', '--fund-types: give at least one fund type (index_enhanced, passive_index, active_equity, other) or `all`');
      const excess = choice<ExcessForm>('--excess', options.excess, ['difference', 'ratio']);
      const navProblems = choice('--nav-problems', options.navProblems, ['error', 'exclude'] as const);
      const depositRate = options.depositRate === undefined ? undefined : rate('--deposit-rate', options.depositRate);
      const heavyHoldings: HeavyHoldingsSettings | false = options.heavyHoldings
        ? {
            ...(options.holdingsWeighting === undefined ? {} : { weighting: choice('--holdings-weighting', options.holdingsWeighting, ['equal', 'size'] as const) }),
            ...(options.holdingsCut === undefined ? {} : { cut: share('--holdings-cut', options.holdingsCut) }),
          }
        : false;
      const encoding = checkEncoding(options.encoding ?? 'utf-8', '--encoding');
      const maxRejected = options.maxRejected === undefined ? undefined : parseRejectedLimit(options.maxRejected, '--max-rejected').text;

      const started = performance.now();
      io.stderr(`loading ${options.data}${options.with?.length ? ` with ${options.with.join(', ')}` : ''} …\n`);
      const load = await loadDataset(resolve(io.cwd, options.data), { encoding, ...(maxRejected === undefined ? {} : { maxRejected }), ...withDirs(io.cwd, options.with) });
      io.stderr(`${options.verbose ? formatLoadDetails(load.report, load.notes) : formatLoadSummary(load.report, load.notes)}\n`);

      const result = fundAnalytics(load.dataset, {
        asOf,
        fundTypes: types,
        excess,
        navColumn: options.navColumn,
        ...(options.newHighColumn === undefined ? {} : { newHighColumn: options.newHighColumn }),
        navProblems,
        ...(depositRate === undefined ? {} : { depositRate }),
        heavyHoldings,
        rejected: load.report.tables,
        optionNames: { asOf: '--as-of', fundTypes: '--fund-types', excess: '--excess', navProblems: '--nav-problems' },
      });
      io.stderr(formatFundExclusions(result, { examples: options.verbose ? Number.POSITIVE_INFINITY : 3 }));
      const data = [options.data, ...(options.with ?? [])].map((dir) => basename(resolve(io.cwd, dir))).join(' + ');
      await writeFundOutputs(out, result, { data, what: '--out' });
      io.stdout(`wrote ${out}: ${formatFundSummary(result)} (${((performance.now() - started) / 1000).toFixed(1)} s with loading)\n`);
      if (result.excess.length === 0) {
        throw new FactorkitError('FK_NO_VALUES', `no fund has an excess return over any window as of ${result.lastDate}: every fund was left out (see the reasons above and excluded.csv in ${out})`);
      }
    });
}

function choice<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new FactorkitError('FK_INVALID_ARGUMENT', `${flag}: expected ${allowed.map((a) => `\`${a}\``).join(' or ')}, got \`${value}\``);
  return value as T;
}

/** `0.35%` or `0.0035`: an annual rate as a fraction. */
function rate(flag: string, text: string): number {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  const value = match ? Number(match[1]) / (match[2] === '%' ? 100 : 1) : Number.NaN;
  if (!(value > -1 && value < 1)) throw new FactorkitError('FK_INVALID_ARGUMENT', `${flag}: expected an annual rate such as \`0.35%\` or \`0.0035\`, got \`${text}\``);
  return value;
}

/** A share in (0, 1]: `0.9` or `90%`. */
function share(flag: string, text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  const value = match ? Number(match[1]) / (match[2] === '%' ? 100 : 1) : Number.NaN;
  if (!(value > 0 && value <= 1)) throw new FactorkitError('FK_INVALID_ARGUMENT', `${flag}: expected a share in (0, 1] such as \`0.9\` or \`90%\`, got \`${text}\``);
  return value;
}
