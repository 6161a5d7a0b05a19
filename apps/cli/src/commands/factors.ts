import { FactorkitError, type FactorPlugin, parseDate, resolvePluginParams } from '@factorkit/core';
import { checkWritableOutput } from '@factorkit/core/node';
import { FactorTableBuilder, checkEncoding, formatLoadDetails, formatLoadSummary, formatOfFile, loadDataset, parseRejectedLimit, writeFactorTable } from '@factorkit/data';
import { type FactorReport, formatFunnel, noValuesError, parseFactorSpecs, resolveFactorSpecs, streamFactors } from '@factorkit/pipeline';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { type CliIo, formatTable } from '../io.js';
import { formatPluginFailures, loadPlugins, requirePlugin, unavailablePlugins } from '../plugins.js';
import { withDirs, withOption } from '../with.js';

interface ComputeOptions {
  readonly data: string;
  readonly with?: string[];
  readonly factors: string;
  readonly universe?: string;
  readonly start?: string;
  readonly end?: string;
  readonly preprocess?: boolean;
  readonly out: string;
  readonly plugin?: string[];
  readonly json?: boolean;
  readonly verbose?: boolean;
  readonly maxRejected?: string;
  readonly encoding?: string;
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** `factorkit factors …`: list factor plugins and compute factor values. */
export function registerFactorsCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  const factors = program.command('factors').description('list factor plugins and compute factor values on a dataset');

  factors
    .command('list')
    .description('every factor plugin found: id, package, version, category, direction, inputs')
    .option('--json', 'print JSON instead of a table')
    .option('-p, --plugin <package...>', 'also load these plugin packages by name')
    .action(async (options: { json?: boolean; plugin?: string[] }) => {
      const { registry, failures } = await loadPlugins({ cwd: io.cwd, packages: options.plugin ?? [] });
      const entries = registry.list('factor').map(({ plugin, source }) => {
        const factor = plugin as FactorPlugin;
        return {
          id: factor.id,
          package: source.package ?? '',
          version: source.version ?? '',
          category: factor.meta.category,
          direction: factor.meta.direction,
          inputs: factor.meta.inputs.map((i) => `${i.field}${i.lag ? `@lag${i.lag}` : ''}${i.optional ? '?' : ''}`),
          title: factor.meta.title ?? '',
        };
      });
      if (options.json) io.stdout(`${JSON.stringify({ factors: entries, failures }, null, 2)}\n`);
      else {
        io.stdout(
          formatTable(
            ['ID', 'PACKAGE', 'VERSION', 'CATEGORY', 'DIR', 'INPUTS', 'TITLE'],
            entries.map((e) => [e.id, e.package, e.version, e.category, e.direction > 0 ? '+1' : '-1', e.inputs.join(','), e.title]),
          ),
        );
      }
      for (const failure of failures) io.stderr(`error [${failure.code}] ${failure.package}: ${failure.message}\n`);
      if (failures.length > 0) setExitCode(1);
    });

  const compute = factors
    .command('compute')
    .description(
      'compute factors on a dataset and write them in long format: trade_date,ts_code,factor,value; report per factor the values kept at every stage and why the others went (exit 3 when a factor ends with no values)',
    )
    .requiredOption('--data <dir>', 'the dataset folder');
  withOption(compute)
    .requiredOption(
      '--factors <list>',
      'comma-separated factor ids, each optionally with parameters after a colon: `momentum_1y:window=60,skip=20,ep_ttm` (see `factorkit factors list`; values are numbers, true/false or text); one id with different parameters is written as `momentum_1y[window=60]`',
    )
    .option('--universe <index>', 'keep only members of this index on each date (code or alias: csi300, csi500, csi1000…); default: every stock with a value')
    .option('--start <date>', 'first date (YYYY-MM-DD or YYYYMMDD); default: the first date of the data')
    .option('--end <date>', 'last date, inclusive (YYYY-MM-DD or YYYYMMDD); default: the last date of the data')
    .option(
      '--preprocess',
      'winsorise (MAD 5), neutralise (industry + size; a regressor the data lacks, or that is the factor itself, is skipped and reported) and standardise each factor per date within the universe',
    )
    .requiredOption('--out <file>', 'output file: .csv, .csv.gz or .parquet (its folder must exist)')
    .option('--max-rejected <n|p%>', 'rows the dataset may lose while loading: a count or a share of the rows read (default: any, each reported); beyond it exit 3')
    .option('--encoding <name>', 'text encoding of the dataset’s CSV files: utf-8 (default) or gbk')
    .option('--json', 'print the report (the dataset load, and per factor: coverage by stage with reasons, lookback, preprocessing) as JSON on stdout')
    .option('-p, --plugin <package...>', 'also load these plugin packages by name')
    .action(async (options: ComputeOptions) => {
      // Everything the flags alone can tell is checked before plugins or data are loaded.
      const out = resolve(io.cwd, options.out);
      if (!formatOfFile(out)) throw new FactorkitError('FK_INVALID_ARGUMENT', `--out: expected a .csv, .csv.gz or .parquet file, got \`${options.out}\``);
      checkWritableOutput(out, '--out');
      const start = options.start === undefined ? undefined : parseDate(options.start, '--start');
      const end = options.end === undefined ? undefined : parseDate(options.end, '--end');
      if (start !== undefined && end !== undefined && start > end) {
        throw new FactorkitError('FK_INVALID_ARGUMENT', `--start \`${options.start}\` is after --end \`${options.end}\``);
      }
      const encoding = checkEncoding(options.encoding ?? 'utf-8', '--encoding');
      const maxRejected = options.maxRejected === undefined ? undefined : parseRejectedLimit(options.maxRejected, '--max-rejected').text;
      const requests = parseFactorSpecs(options.factors, '--factors');

      const loaded = await loadPlugins({ cwd: io.cwd, packages: options.plugin ?? [] });
      io.stderr(formatPluginFailures(loaded.failures));
      // An id no package provides may belong to a package that failed to load: say so.
      const unknown = [...new Set(requests.map((r) => r.id).filter((id) => !loaded.registry.has('factor', id)))];
      if (unknown.length > 0) throw unavailablePlugins(loaded, 'factor', unknown);
      const factors = resolveFactorSpecs(requests, loaded.registry, '--factors');

      const started = performance.now();
      io.stderr(`loading ${options.data} …\n`);
      const load = await loadDataset(resolve(io.cwd, options.data), {
        encoding,
        ...withDirs(io.cwd, options.with),
        ...(maxRejected === undefined ? {} : { maxRejected }),
      });
      const { dataset } = load;
      // What the load rejected and why, on one line (in full with --verbose; in the JSON report).
      io.stderr(`${options.verbose ? formatLoadDetails(load.report, load.notes) : formatLoadSummary(load.report, load.notes)}\n`);

      // The index universe decides membership as of each date (no filters: the factor file keeps
      // every constituent; tests and strategies filter later).
      let universe: ((t: number) => Uint8Array) | undefined;
      if (options.universe) {
        const plugin = requirePlugin(loaded, 'universe', 'index');
        const params = resolvePluginParams(plugin.meta, { index: options.universe, excludeSt: false, excludeSuspended: false }, 'universe `index`');
        const instance = plugin.resolve({ data: dataset, params });
        universe = (t) => instance.members(t);
      }

      const stream = streamFactors({
        data: dataset,
        factors,
        ...(universe ? { universe } : {}),
        range: { ...(start ? { start } : {}), ...(end ? { end } : {}) },
        preprocess: options.preprocess === true,
      });
      // One factor at a time into the long table: memory holds its rows and one panel.
      const table = new FactorTableBuilder(dataset.assets);
      const reports: FactorReport[] = [];
      for (const factor of stream) {
        table.add(factor);
        reports.push(factor.report);
        const { report } = factor;
        io.stderr(`[${reports.length}/${factors.length}] ${report.name}: ${fmt(report.coverage.values)} values in ${report.seconds.toFixed(1)} s (${formatFunnel(report, options.verbose === true)})\n`);
        for (const note of report.notes) io.stderr(`note: ${note}\n`);
      }
      // A table with no value at all is not written: an empty file would read as a result.
      const empty = noValuesError(reports);
      const anyValues = reports.some((r) => r.coverage.values > 0);
      const written = anyValues ? await writeFactorTable(out, table) : undefined;
      if (options.json) {
        const dataLoad = { summary: formatLoadSummary(load.report, load.notes), report: load.report, notes: load.notes };
        io.stdout(
          `${JSON.stringify({ out: written ? out : null, rows: written?.rows ?? 0, firstDate: written?.firstDate ?? null, lastDate: written?.lastDate ?? null, load: dataLoad, factors: reports }, null, 2)}\n`,
        );
      } else if (written) {
        const span = written.firstDate ? `, ${written.firstDate} .. ${written.lastDate}` : ', no values';
        io.stdout(`wrote ${fmt(written.rows)} rows (${factors.length} factor${factors.length === 1 ? '' : 's'}${span}) to ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      } else io.stderr(`nothing written to ${out}: no factor has a value\n`);
      // The table holds what was computed; a factor left with no values is still an error.
      if (empty) throw empty;
    });
}
