import {
  type CsvEncoding,
  type DatasetReport,
  checkDatasetOutput,
  checkEncoding,
  formatLoadDetails,
  formatLoadSummary,
  formatReport,
  parseRejectedLimit,
  qlibToTables,
  readDatasetTables,
  tablesToQlib,
  validateDataset,
  writeDatasetFolder,
} from '@factorkit/data';
import { FactorkitError } from '@factorkit/core';
import { checkWritableOutput } from '@factorkit/core/node';
import { readdir } from 'node:fs/promises';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { EXIT_DATA } from '../exit.js';
import type { CliIo } from '../io.js';
import { withDirs, withOption } from '../with.js';

type Format = 'csv' | 'csv.gz' | 'parquet';
const FORMATS: readonly Format[] = ['csv', 'csv.gz', 'parquet'];

function format(value: string): Format {
  if (!FORMATS.includes(value as Format)) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `--format: expected one of ${FORMATS.join(', ')}, got \`${value}\``);
  }
  return value as Format;
}

/** A number flag; its range is checked by the library it is passed to (one set of limits). */
function numeric(name: string) {
  return (value: string): number => {
    const n = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(n)) throw new FactorkitError('FK_INVALID_ARGUMENT', `${name}: expected a number, got \`${value}\``);
    return n;
  };
}

/** `--max-rejected N|P%`, checked by the library's parser. */
function maxRejected(value: string): string {
  return parseRejectedLimit(value, '--max-rejected').text;
}

function encoding(value: string): CsvEncoding {
  return checkEncoding(value, '--encoding');
}

/** Run `fn`; a validation error of the synth options is rethrown naming the flags (`--stocks: …`). */
function withFlagNames<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const issues = (error as { issues?: readonly { path: string; message: string }[] }).issues;
    if (!issues) throw error;
    throw new FactorkitError('FK_INVALID_ARGUMENT', issues.map((issue) => `--${issue.path}: ${issue.message}`).join('\n'), { cause: error });
  }
}

/** The last line of `data validate`: the verdict in words. */
function verdictLine(report: DatasetReport): string {
  if (!report.usable) return 'dataset UNUSABLE: fix the errors above';
  if (report.verdict === 'fail') return `dataset FAILS validation: ${report.failures.join('; ')}`;
  return 'dataset usable';
}

/** `factorkit data …`: check, generate and convert datasets. */
export function registerDataCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const data = program.command('data').description('check, generate and convert datasets (the factorkit dataset format and qlib folders)');

  const validate = data
    .command('validate')
    .description(
      'check a dataset folder (and any --with folders combined with it): tables found, rows, date range, assets, and every problem with file, line and column. Exits 3 when the dataset is unusable or more rows were rejected than --max-rejected allows (default: none)',
    )
    .requiredOption('--data <dir>', 'the dataset folder');
  withOption(validate)
    .option('--max-rejected <n|p%>', 'rejected rows accepted over all tables: a count (12) or a share of the rows read (0.5%)', maxRejected, '0')
    .option('--strict', 'data warnings (high below low, a pct_chg that contradicts the prices, a report announced before its period ended) fail too')
    .option('--encoding <name>', 'text encoding of the CSV files: utf-8, or gbk (the default of Chinese Excel)', encoding, 'utf-8' as CsvEncoding)
    .option('--json', 'print the report as JSON (verdict, failures, rejectedTotal, allowedRejected, warningTotal, per-table details, and the one-line summary)')
    .action(async (options: { data: string; with?: string[]; maxRejected: string; strict?: boolean; encoding: CsvEncoding; json?: boolean; verbose?: boolean }) => {
      const dir = resolve(io.cwd, options.data);
      const report = await validateDataset(dir, {
        maxRejected: options.maxRejected,
        strict: options.strict === true,
        encoding: options.encoding,
        ...withDirs(io.cwd, options.with),
      });
      if (options.json) io.stdout(`${JSON.stringify({ ...report, summary: formatLoadSummary(report) }, null, 2)}\n`);
      else {
        io.stdout(`${formatReport(report, { examples: options.verbose ? 20 : 3 }).trimEnd()}\n`);
        if (report.calendar) {
          io.stdout(`\ncalendar ${report.calendar.first} .. ${report.calendar.last} (${report.calendar.days} trading days), ${report.assets ?? 0} assets\n`);
        }
        io.stdout(`${formatLoadSummary(report)}\n`);
        io.stdout(`${verdictLine(report)}\n`);
      }
      if (report.verdict === 'fail') setExitCode(EXIT_DATA);
    });

  data
    .command('synth')
    .description('write the synthetic A-share market (the embedded demo dataset) in the dataset format')
    .requiredOption('--out <dir>', 'the dataset folder to write: new, empty, or a dataset folder, which is replaced whole (written aside, moved into place at the end)')
    .option('--seed <n>', 'random seed, an integer', numeric('--seed'), 1)
    .option('--stocks <n>', 'number of stocks, an integer in 50…8000', numeric('--stocks'), 3000)
    .option('--years <n>', 'years of history, 0.5…30 (fractions allowed)', numeric('--years'), 10)
    .option('--format <format>', 'csv, csv.gz or parquet', format, 'csv.gz' as Format)
    .action(async (options: { out: string; seed: number; stocks: number; years: number; format: Format }) => {
      const { generateMarket, resolveMarketOptions } = await import('@factorkit/synth');
      const marketOptions = { seed: options.seed, stocks: options.stocks, years: options.years };
      withFlagNames(() => resolveMarketOptions(marketOptions));
      const dir = resolve(io.cwd, options.out);
      // Before the generation, which takes a while for a large market.
      await checkDatasetOutput(dir, '--out');
      const started = performance.now();
      const market = withFlagNames(() => generateMarket(marketOptions));
      await writeDatasetFolder(dir, market.tables, { format: options.format, what: '--out' });
      const rows = [...market.tables.values()].reduce((sum, t) => sum + t.rowCount, 0);
      io.stdout(`wrote ${market.tables.size} tables (${rows.toLocaleString('en-US')} rows) to ${dir} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    });

  const toQlib = data
    .command('to-qlib')
    .description('convert a dataset folder to a qlib data folder (calendars/, instruments/, features/); prints the conversion report as JSON, the load summary on stderr')
    .requiredOption('--data <dir>', 'the dataset folder');
  withOption(toQlib)
    .requiredOption('--out <dir>', 'the qlib folder to write (must not exist or be empty)')
    .option('--overwrite', 'replace an existing qlib folder')
    .option('--max-rejected <n|p%>', 'rejected rows accepted while loading: a count or a share of the rows read (default: any, each reported)', maxRejected)
    .option('--encoding <name>', 'text encoding of the CSV files: utf-8, or gbk', encoding, 'utf-8' as CsvEncoding)
    .action(async (options: { data: string; with?: string[]; out: string; overwrite?: boolean; maxRejected?: string; encoding: CsvEncoding; verbose?: boolean }) => {
      const out = resolve(io.cwd, options.out);
      await checkQlibOutput(out, options.overwrite === true);
      const { tables, report: loaded } = await readDatasetTables(resolve(io.cwd, options.data), {
        encoding: options.encoding,
        ...withDirs(io.cwd, options.with),
        ...(options.maxRejected === undefined ? {} : { maxRejected: options.maxRejected }),
      });
      io.stderr(`${options.verbose ? formatLoadDetails(loaded) : formatLoadSummary(loaded)}\n`);
      const report = await tablesToQlib(tables, out, { overwrite: options.overwrite === true });
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    });

  data
    .command('from-qlib')
    .description('convert a qlib data folder to a dataset folder (written aside and moved into place at the end)')
    .requiredOption('--qlib <dir>', 'the qlib folder (with calendars/day.txt)')
    .requiredOption('--out <dir>', 'the dataset folder to write: new, empty, or a dataset folder, which is replaced whole')
    .option('--format <format>', 'csv, csv.gz or parquet', format, 'csv.gz' as Format)
    .action(async (options: { qlib: string; out: string; format: Format }) => {
      const out = resolve(io.cwd, options.out);
      await checkDatasetOutput(out, '--out');
      const { tables, report } = await qlibToTables(resolve(io.cwd, options.qlib));
      await writeDatasetFolder(out, tables, { format: options.format, what: '--out' });
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    });
}

/** The qlib folder `--out` before any work: writable, and new or empty unless `--overwrite`. */
async function checkQlibOutput(out: string, overwrite: boolean): Promise<void> {
  checkWritableOutput(out, '--out', 'folder');
  const entries = await readdir(out).catch(() => [] as string[]);
  if (entries.length > 0 && !overwrite) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `--out: \`${out}\` exists and is not empty; pass --overwrite to replace it`, { details: { path: out } });
  }
}
