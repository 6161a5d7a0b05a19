import {
  DataValidationError,
  type DatasetReport,
  formatReport,
  intToDate,
  qlibToTables,
  readDatasetTables,
  tablesToQlib,
  writeDatasetTables,
} from '@factorkit/data';
import { FactorkitError } from '@factorkit/core';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliIo } from '../io.js';

type Format = 'csv' | 'csv.gz' | 'parquet';
const FORMATS: readonly Format[] = ['csv', 'csv.gz', 'parquet'];

function format(value: string): Format {
  if (!FORMATS.includes(value as Format)) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `--format: expected one of ${FORMATS.join(', ')}, got \`${value}\``);
  }
  return value as Format;
}

function integer(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new FactorkitError('FK_INVALID_ARGUMENT', `${name}: expected an integer ≥ ${min}, got \`${value}\``);
    return n;
  };
}

/** `factorkit data …`: check, generate and convert datasets. */
export function registerDataCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const data = program.command('data').description('check, generate and convert datasets (the factorkit dataset format and qlib folders)');

  data
    .command('validate')
    .description('check a dataset folder: tables found, rows, date range, assets, and every problem with file, line and column')
    .requiredOption('--data <dir>', 'the dataset folder')
    .option('--json', 'print the report as JSON')
    .action(async (options: { data: string; json?: boolean }) => {
      const dir = resolve(io.cwd, options.data);
      let report: DatasetReport;
      let summary: Record<string, unknown> = {};
      try {
        const read = await readDatasetTables(dir);
        report = read.report;
        summary = summarise(read.tables);
      } catch (error) {
        if (!(error instanceof DataValidationError)) throw error;
        report = error.report;
      }
      if (options.json) io.stdout(`${JSON.stringify({ ...report, summary }, null, 2)}\n`);
      else {
        io.stdout(`${formatReport(report).trimEnd()}\n`);
        if (summary.dateRange) io.stdout(`\ncalendar ${String((summary.dateRange as string[])[0])} .. ${String((summary.dateRange as string[])[1])} (${String(summary.tradingDays)} trading days), ${String(summary.assets)} assets\n`);
        io.stdout(report.usable ? 'dataset usable\n' : 'dataset UNUSABLE: fix the errors above\n');
      }
      if (!report.usable) setExitCode(1);
    });

  data
    .command('synth')
    .description('write the synthetic A-share market (the embedded demo dataset) in the dataset format')
    .requiredOption('--out <dir>', 'the folder to write (created; existing tables are replaced)')
    .option('--seed <n>', 'random seed', integer('--seed', 0), 1)
    .option('--stocks <n>', 'number of stocks', integer('--stocks', 50), 3000)
    .option('--years <n>', 'years of history', integer('--years', 1), 10)
    .option('--format <format>', 'csv, csv.gz or parquet', format, 'csv.gz' as Format)
    .action(async (options: { out: string; seed: number; stocks: number; years: number; format: Format }) => {
      const { generateMarket } = await import('@factorkit/synth');
      const started = performance.now();
      const market = generateMarket({ seed: options.seed, stocks: options.stocks, years: options.years });
      const dir = resolve(io.cwd, options.out);
      await writeDatasetTables(dir, market.tables, { format: options.format });
      const rows = [...market.tables.values()].reduce((sum, t) => sum + t.rowCount, 0);
      io.stdout(`wrote ${market.tables.size} tables (${rows.toLocaleString('en-US')} rows) to ${dir} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    });

  data
    .command('to-qlib')
    .description('convert a dataset folder to a qlib data folder (calendars/, instruments/, features/)')
    .requiredOption('--data <dir>', 'the dataset folder')
    .requiredOption('--out <dir>', 'the qlib folder to write (must not exist or be empty)')
    .option('--overwrite', 'replace an existing qlib folder')
    .action(async (options: { data: string; out: string; overwrite?: boolean }) => {
      const { tables } = await readDatasetTables(resolve(io.cwd, options.data));
      const report = await tablesToQlib(tables, resolve(io.cwd, options.out), { overwrite: options.overwrite === true });
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    });

  data
    .command('from-qlib')
    .description('convert a qlib data folder to a dataset folder')
    .requiredOption('--qlib <dir>', 'the qlib folder (with calendars/day.txt)')
    .requiredOption('--out <dir>', 'the dataset folder to write')
    .option('--format <format>', 'csv, csv.gz or parquet', format, 'csv.gz' as Format)
    .action(async (options: { qlib: string; out: string; format: Format }) => {
      const { tables, report } = await qlibToTables(resolve(io.cwd, options.qlib));
      await writeDatasetTables(resolve(io.cwd, options.out), tables, { format: options.format });
      io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    });
}

function summarise(tables: ReadonlyMap<string, { rowCount: number; columns: ReadonlyMap<string, unknown> }>): Record<string, unknown> {
  const calendar = tables.get('calendar') as { columns: ReadonlyMap<string, { type: string; values: Int32Array }>; rowCount: number } | undefined;
  const dates = calendar?.columns.get('trade_date');
  const stocks = tables.get('stocks');
  return {
    tables: Object.fromEntries([...tables].map(([name, t]) => [name, t.rowCount])),
    ...(dates && dates.values.length > 0 ? { dateRange: [intToDate(dates.values[0]!), intToDate(dates.values[dates.values.length - 1]!)], tradingDays: dates.values.length } : {}),
    ...(stocks ? { assets: stocks.rowCount } : {}),
  };
}
