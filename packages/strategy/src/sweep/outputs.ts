import type { BacktestTable } from '@factorkit/backtest';
import { FactorkitError } from '@factorkit/core';
import { atomicDirectory, checkWritableOutput, writeFileAtomic } from '@factorkit/core/node';
import { type CsvColumn, renderHtml, writeCsv } from '@factorkit/report';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parameterText, rankVariants, sweepReport } from './report.js';
import type { SweepResult } from './types.js';
import { REBALANCE_STATUSES } from './variant.js';

/** Every file {@link writeSweepOutputs} writes, in order. */
export const SWEEP_FILES: readonly string[] = ['sweep.csv', 'daily.csv', 'summary.json', 'sweep.json', 'report.html'];

const TEMPORARY = /^\..+\.\d+\.[0-9a-f]+\.tmp$/;

const METRIC_COLUMNS = [
  ['annual_return', 'annualReturn'],
  ['benchmark_annual_return', 'benchmarkAnnualReturn'],
  ['annual_excess', 'annualExcess'],
  ['tracking_error', 'trackingError'],
  ['information_ratio', 'informationRatio'],
  ['max_drawdown', 'maxDrawdown'],
  ['excess_max_drawdown', 'excessMaxDrawdown'],
  ['turnover', 'turnover'],
  ['cost_drag', 'costDrag'],
  ['weekly_win_rate', 'weeklyWinRate'],
] as const;

/** A parameter's value in a CSV cell: numbers as numbers, text as text, `null` (removed) as `null`, anything else as JSON. */
function parameterCell(value: unknown): string | number | undefined {
  if (value === undefined) return undefined;
  if (value === null) return 'null';
  if (typeof value === 'number') return value;
  return parameterText(value);
}

/**
 * The sweep's CSV tables. Fractions are fractions; `NaN` and what a failed variant lacks are empty cells.
 * - `sweep.csv` — `index,name,status,<one column per swept path>,annual_return,benchmark_annual_return,annual_excess,tracking_error,information_ratio,max_drawdown,excess_max_drawdown,turnover,cost_drag,weekly_win_rate,hit_rate,rebalances_optimal,rebalances_relaxed,rebalances_held,rebalances_skipped,rebalances_stopped,error`:
 *   one row per variant in the sweep's order; a path the variant does not set is empty, one it
 *   removes is `null`; `error` is `CODE: message` of a failed or stopped variant. A path named like
 *   another column is headed `param:<path>`.
 * - `daily.csv` — `variant,date,nav,benchmark,excess_nav`: each variant's NAV, the benchmark's
 *   (both from 1) and `nav / benchmark`, variant by variant.
 */
export function sweepTables(result: SweepResult): BacktestTable[] {
  const fixed = ['index', 'name', 'status', ...METRIC_COLUMNS.map(([id]) => id), 'hit_rate', ...REBALANCE_STATUSES.map((s) => `rebalances_${s}`), 'error'];
  const axisIds = result.axes.map((a) => (fixed.includes(a.path) ? `param:${a.path}` : a.path));
  const columns: CsvColumn[] = [
    { id: 'index', format: 'int' },
    { id: 'name', format: 'text' },
    { id: 'status', format: 'text' },
    ...axisIds.map((id): CsvColumn => ({ id, format: 'text' })),
    ...METRIC_COLUMNS.map(([id]): CsvColumn => ({ id, format: 'number' })),
    { id: 'hit_rate', format: 'number' },
    ...REBALANCE_STATUSES.map((s): CsvColumn => ({ id: `rebalances_${s}`, format: 'int' })),
    { id: 'error', format: 'text' },
  ];
  return [
    {
      file: 'sweep.csv',
      columns,
      *rows() {
        for (const v of result.variants) {
          const row: Record<string, string | number | null | undefined> = { index: v.index, name: v.name, status: v.status };
          result.axes.forEach((a, k) => {
            row[axisIds[k]!] = Object.hasOwn(v.parameters, a.path) ? parameterCell(v.parameters[a.path]) : undefined;
          });
          for (const [id, key] of METRIC_COLUMNS) row[id] = v.metrics ? v.metrics[key] : undefined;
          row.hit_rate = v.hitRate;
          for (const s of REBALANCE_STATUSES) row[`rebalances_${s}`] = v.rebalances[s] ?? 0;
          row.error = v.error ? `${v.error.code}: ${v.error.message}` : undefined;
          yield row;
        }
      },
    },
    {
      file: 'daily.csv',
      columns: [
        { id: 'variant', format: 'text' },
        { id: 'date', format: 'date' },
        { id: 'nav', format: 'number' },
        { id: 'benchmark', format: 'number' },
        { id: 'excess_nav', format: 'number' },
      ],
      *rows() {
        for (const v of result.variants) {
          const { dates, nav, benchmark } = v.daily;
          for (let i = 0; i < dates.length; i++) yield { variant: v.name, date: dates[i]!, nav: nav[i]!, benchmark: benchmark[i]!, excess_nav: nav[i]! / benchmark[i]! };
        }
      },
    },
  ];
}

/** A number for JSON: `null` for `NaN` and infinities. */
const finite = (value: number | undefined): number | null => (value !== undefined && Number.isFinite(value) ? value : null);

/**
 * `summary.json` of a sweep: its name, the swept paths and values, the variants by status, the
 * best variant by information ratio (name, parameters, headline metrics) and the data's label.
 * No timings and no executor: the same sweep on the same data gives the same bytes wherever it ran.
 */
export function sweepSummary(result: SweepResult, data?: string): Record<string, unknown> {
  const counts = { ok: 0, stopped: 0, failed: 0 };
  for (const v of result.variants) counts[v.status]++;
  const best = rankVariants(result.variants.filter((v) => v.metrics && Number.isFinite(v.metrics.informationRatio)))[0];
  return {
    sweep: result.name,
    description: result.description,
    base: result.base.name,
    ...(data !== undefined ? { data } : {}),
    variants: result.variants.length,
    status: counts,
    axes: result.axes,
    best: best
      ? {
          index: best.index,
          name: best.name,
          parameters: best.parameters,
          information_ratio: finite(best.metrics?.informationRatio),
          annual_excess: finite(best.metrics?.annualExcess),
          tracking_error: finite(best.metrics?.trackingError),
          annual_return: finite(best.metrics?.annualReturn),
          max_drawdown: finite(best.metrics?.maxDrawdown),
        }
      : null,
  };
}

/**
 * Whether a folder's entries make it a sweep output that {@link writeSweepOutputs} may replace:
 * it holds `sweep.csv` and `summary.json`, and otherwise only files a sweep writes (and hidden
 * temporaries of an interrupted write).
 */
export function isSweepOutput(entries: readonly string[]): boolean {
  return entries.includes('sweep.csv') && entries.includes('summary.json') && entries.every((name) => SWEEP_FILES.includes(name) || TEMPORARY.test(name));
}

/**
 * Check, before any work, that {@link writeSweepOutputs} can write `dir`: its parent folder
 * exists and is writable, and `dir` is new, empty or a previous sweep output.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming `what` (the CLI passes `--out`) and `dir`.
 */
export async function checkSweepOutput(dir: string, what = 'dir'): Promise<void> {
  checkWritableOutput(dir, what, 'folder');
  const existing = await stat(dir).catch(() => undefined);
  if (!existing) return;
  if (!existing.isDirectory()) throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: \`${dir}\` is a file, not a folder`, { details: { path: dir } });
  const entries = await readdir(dir);
  if (entries.length > 0 && !isSweepOutput(entries)) {
    const shown = entries.slice(0, 5).map((e) => `\`${e}\``).join(', ');
    throw new FactorkitError(
      'FK_INVALID_ARGUMENT',
      `${what}: \`${dir}\` is not empty and not the output of a sweep (it holds ${shown}${entries.length > 5 ? `, … ${entries.length} entries` : ''}); give a new or empty folder, or a previous sweep output to replace`,
      { details: { path: dir } },
    );
  }
}

/** Options of {@link writeSweepOutputs}. */
export interface WriteSweepOptions {
  /** What the data was (folder names), in `summary.json` and on the page. */
  readonly data?: string;
  /** Named in messages for `dir` (default `dir`; the CLI passes `--out`). */
  readonly what?: string;
  /**
   * Shown on the page as the time the results were made. Default: none recorded, so that the
   * same sweep gives the same bytes on every run and executor.
   */
  readonly generatedAt?: string;
}

/**
 * Write a sweep into the folder `dir`, atomically: `sweep.csv` and `daily.csv`
 * ({@link sweepTables}), `summary.json` ({@link sweepSummary}), `sweep.json` (the base strategy,
 * the swept paths and every variant's index, name and parameters) and `report.html`
 * (`sweepReport`, self-contained, every text escaped). Nothing in them depends on where or when
 * the variants ran: the files of the in-thread and the worker-thread runs are byte-identical.
 * The files go into a temporary folder beside `dir`, which then takes its place; an existing
 * `dir` is replaced only when it is empty or a previous sweep output. Returns the paths written.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` from {@link checkSweepOutput} or a failed write (`dir` is then as it was).
 */
export async function writeSweepOutputs(dir: string, result: SweepResult, options: WriteSweepOptions = {}): Promise<string[]> {
  const what = options.what ?? 'dir';
  await checkSweepOutput(dir, what);
  const html = renderHtml(sweepReport(result, { generatedAt: options.generatedAt ?? 'not recorded (a sweep writes the same files on every run)', ...(options.data !== undefined ? { data: options.data } : {}) }));
  const tables = sweepTables(result);
  const definition = { name: result.name, description: result.description, base: result.base, axes: result.axes, variants: result.variants.map((v) => ({ index: v.index, name: v.name, parameters: v.parameters })) };
  await atomicDirectory(
    dir,
    async (temporary) => {
      await mkdir(temporary, { recursive: true });
      for (const table of tables) await writeCsv(join(temporary, table.file), table.columns, table.rows());
      await writeFileAtomic(join(temporary, 'summary.json'), `${JSON.stringify(sweepSummary(result, options.data), null, 2)}\n`, what);
      await writeFileAtomic(join(temporary, 'sweep.json'), `${JSON.stringify(definition, null, 2)}\n`, what);
      await writeFileAtomic(join(temporary, 'report.html'), html, what);
    },
    { replace: isSweepOutput, owner: what },
  );
  return SWEEP_FILES.map((file) => join(dir, file));
}
