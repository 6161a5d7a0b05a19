import { FactorkitError, type FactorPlugin, type Panel, type UniversePlugin, computeFactor, resolvePluginParams } from '@factorkit/core';
import { type Table, intToDate, loadDataset, writeTable } from '@factorkit/data';
import { type Mask, parsePreprocessConfig, preprocess } from '@factorkit/ops';
import type { Command } from 'commander';
import { extname, resolve } from 'node:path';
import { type CliIo, formatTable } from '../io.js';
import { loadPlugins } from '../plugins.js';
import { Float64Column, Int32Column } from '../columns.js';

interface ComputeOptions {
  readonly data: string;
  readonly factors: string;
  readonly universe?: string;
  readonly start?: string;
  readonly end?: string;
  readonly preprocess?: boolean;
  readonly out: string;
  readonly plugin?: string[];
}

const OUTPUT_EXTENSIONS = ['.csv', '.gz', '.parquet'];

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

  factors
    .command('compute')
    .description('compute factors on a dataset and write them in long format: trade_date,ts_code,factor,value')
    .requiredOption('--data <dir>', 'the dataset folder')
    .requiredOption('--factors <ids>', 'comma-separated factor ids (see `factorkit factors list`)')
    .option('--universe <index>', 'keep only members of this index on each date (code or alias: csi300, csi500, csi1000…); default: every stock with a value')
    .option('--start <date>', 'first date (YYYY-MM-DD)')
    .option('--end <date>', 'last date (YYYY-MM-DD)')
    .option('--preprocess', 'winsorise (MAD 5), neutralise (industry + size) and standardise each factor per date within the universe')
    .requiredOption('--out <file>', 'output file: .csv, .csv.gz or .parquet')
    .option('-p, --plugin <package...>', 'also load these plugin packages by name')
    .action(async (options: ComputeOptions) => {
      const out = resolve(io.cwd, options.out);
      if (!OUTPUT_EXTENSIONS.includes(extname(out)) || (extname(out) === '.gz' && !out.endsWith('.csv.gz'))) {
        throw new FactorkitError('FK_INVALID_ARGUMENT', `--out: expected a .csv, .csv.gz or .parquet file, got \`${options.out}\``);
      }
      const ids = options.factors.split(',').map((s) => s.trim()).filter(Boolean);
      if (ids.length === 0) throw new FactorkitError('FK_INVALID_ARGUMENT', '--factors: name at least one factor id');
      const { registry } = await loadPlugins({ cwd: io.cwd, packages: options.plugin ?? [] });
      const known = registry.list('factor').map((e) => e.plugin.id);
      const unknown = ids.filter((id) => !known.includes(id));
      if (unknown.length > 0) {
        throw new FactorkitError('FK_UNKNOWN_PLUGIN', `unknown factor ${unknown.map((u) => `\`${u}\``).join(', ')}; known factors: ${known.map((k) => `\`${k}\``).join(', ')}`);
      }
      const plugins = ids.map((id) => registry.get('factor', id) as FactorPlugin);

      const started = performance.now();
      io.stderr(`loading ${options.data} …\n`);
      const { dataset } = await loadDataset(resolve(io.cwd, options.data));
      // Every missing input of every factor at once, before any work.
      const missing = plugins.flatMap((p) => p.meta.inputs.filter((i) => !i.optional && !dataset.hasField(i.field)).map((i) => `factor \`${p.id}\` needs \`${i.field}\``));
      if (missing.length > 0) {
        throw new FactorkitError('FK_MISSING_INPUT', `the dataset lacks inputs:\n  ${missing.join('\n  ')}`);
      }
      // The index universe plugin decides membership as of each date (no filters: the factor
      // file keeps every constituent; tests and strategies filter later).
      let universe: ((t: number) => Uint8Array) | undefined;
      if (options.universe) {
        const plugin = registry.get('universe', 'index') as UniversePlugin;
        const params = resolvePluginParams(plugin.meta, { index: options.universe, excludeSt: false, excludeSuspended: false }, 'universe `index`');
        const instance = plugin.resolve({ data: dataset, params });
        universe = (t) => instance.members(t);
      }
      const range = { ...(options.start ? { start: options.start } : {}), ...(options.end ? { end: options.end } : {}) };
      const columns = { date: new Int32Column(), code: new Int32Column(), factor: new Int32Column(), value: new Float64Column() };
      for (const [k, plugin] of plugins.entries()) {
        const t0 = performance.now();
        const result = computeFactor({ plugin, params: resolvePluginParams(plugin.meta, {}, `factor \`${plugin.id}\``) }, dataset, range);
        const first = dataset.calendar.indexOf(result.dates[0]!);
        let values: Panel = result.values;
        const mask: Mask | undefined = universe ? (t) => universe(first + t) : undefined;
        if (options.preprocess) {
          const industry = dataset.hasField('industry') ? dataset.window(first, first + result.dates.length).categorical('industry') : undefined;
          const marketCap = dataset.hasField('market_cap') ? dataset.window(first, first + result.dates.length).field('market_cap') : undefined;
          values = preprocess(values, parsePreprocessConfig({ neutralize: industry && marketCap ? 'both' : marketCap ? 'size' : industry ? 'industry' : 'none' }), {
            ...(mask ? { mask } : {}),
            ...(industry ? { industry } : {}),
            ...(marketCap ? { marketCap } : {}),
          }).values;
        }
        let kept = 0;
        const cells = values.values;
        for (let t = 0; t < values.dates; t++) {
          const members = mask?.(t);
          const date = Number(result.dates[t]!.replaceAll('-', ''));
          for (let a = 0; a < values.assets; a++) {
            if (members && !members[a]) continue;
            const v = cells[a * values.dates + t]!;
            if (!Number.isFinite(v)) continue;
            columns.date.push(date);
            columns.code.push(a);
            columns.factor.push(k);
            columns.value.push(v);
            kept++;
          }
        }
        io.stderr(`[${k + 1}/${plugins.length}] ${plugin.id}: ${kept.toLocaleString('en-US')} values in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      }
      const table: Table = {
        name: 'factor_values',
        rowCount: columns.value.length,
        columns: new Map([
          ['trade_date', { type: 'date', values: columns.date.values() }],
          ['ts_code', { type: 'string', codes: columns.code.values(), dictionary: dataset.assets }],
          ['factor', { type: 'string', codes: columns.factor.values(), dictionary: ids }],
          ['value', { type: 'number', values: columns.value.values() }],
        ]),
      };
      await writeTable(out, table);
      let firstDate = Number.POSITIVE_INFINITY;
      let lastDate = 0;
      for (const d of columns.date.values()) {
        if (d < firstDate) firstDate = d;
        if (d > lastDate) lastDate = d;
      }
      const span = columns.date.length > 0 ? `, ${intToDate(firstDate)} .. ${intToDate(lastDate)}` : ', no values';
      io.stdout(`wrote ${table.rowCount.toLocaleString('en-US')} rows (${ids.length} factor${ids.length === 1 ? '' : 's'}${span}) to ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    });
}
