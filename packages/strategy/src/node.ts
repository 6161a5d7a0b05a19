/**
 * `@factorkit/strategy/node`: a strategy run written as one folder (the backtest's CSV files,
 * the strategy's own tables, `strategy.json` and a self-contained `report.html`), atomically;
 * sweeps read from their file (`readSweepFile`), run on worker threads
 * (`variantThreadExecutor`) and written as one folder (`writeSweepOutputs`).
 * Node-only, so that `@factorkit/strategy` itself reads and writes nothing.
 *
 * @packageDocumentation
 */
import { type BacktestTable, backtestSummary, backtestTables } from '@factorkit/backtest';
import { FactorkitError } from '@factorkit/core';
import { atomicDirectory, checkWritableOutput, writeFileAtomic } from '@factorkit/core/node';
import { type CsvColumn, renderHtml, writeCsv } from '@factorkit/report';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { strategyReport } from './report/index.js';
import type { StrategyResult } from './run/types.js';

export { readStrategyFile } from './spec/read-file.js';
export { type ReadSweepOptions, readSweepFile } from './sweep/read-file.js';
export { type VariantThreadOptions, variantThreadExecutor } from './sweep/threads.js';
export { SWEEP_FILES, type WriteSweepOptions, checkSweepOutput, isSweepOutput, sweepSummary, sweepTables, writeSweepOutputs } from './sweep/outputs.js';

const TEMPORARY = /^\..+\.\d+\.[0-9a-f]+\.tmp$/;

/** Every file {@link writeStrategyOutputs} may write, in order (`attribution*.csv` only for a run with an attribution). */
export const STRATEGY_FILES: readonly string[] = [
  'nav.csv',
  'trades.csv',
  'holdings.csv',
  'periods.csv',
  'metrics.json',
  'factor_weights.csv',
  'rebalances.csv',
  'targets.csv',
  'exposures.csv',
  'attribution.csv',
  'attribution_factors.csv',
  'contributions.csv',
  'hit_rate.csv',
  'strategy.json',
  'report.html',
];

const text = (id: string): CsvColumn => ({ id, format: 'text' });
const date = (id: string): CsvColumn => ({ id, format: 'date' });
const number = (id: string): CsvColumn => ({ id, format: 'number' });
const int = (id: string): CsvColumn => ({ id, format: 'int' });

/**
 * The strategy's own CSV tables, beside the backtest's (`backtestTables` of `@factorkit/backtest`).
 * Weights, returns and contributions are fractions; `NaN` is an empty cell.
 * - `factor_weights.csv` — `date,factor,value,kind`: the model's weight (`kind` `weight`) or
 *   importance (`importance`) of each factor at each training date;
 * - `rebalances.csv` — `date,status,candidates,missing_scores,objective,ex_ante_tracking_error,turnover,holdings,relaxations,messages,solve_ms`:
 *   one row per decision date; `status` is `optimal`, `relaxed`, `held`, `skipped` or `stopped`;
 *   `turnover` the planned one-way turnover; `relaxations` and `messages` joined with ` | `;
 * - `targets.csv` — `date,ts_code,weight,benchmark_weight`: the optimizer's target weights decided
 *   at each rebalance's close (stocks with a positive target), filled from the next day;
 * - `exposures.csv` — `date,kind,name,portfolio,benchmark,active`: style and industry exposures of
 *   the targets and the benchmark at each rebalance;
 * - `attribution.csv` — `frequency,period,start,end,days,active,country,industry,style,specific`:
 *   the excess split through the risk model per week, month, quarter and year, and one `total`
 *   row; `attribution_factors.csv` — `factor,group,contribution,mean_exposure` (only with a risk model);
 * - `contributions.csv` — `ts_code,contribution,active_contribution,days_held,mean_weight,mean_active_weight,missing_days`:
 *   per stock, Σ w(t−1)·r(t) and Σ (w − b)(t−1)·r(t) over the run, largest contribution first;
 * - `hit_rate.csv` — `date,end,hit_rate,active_weight_top,active_weight_total,stocks,top,overweight,unranked_weight`:
 *   per rebalance period, the share of active weight in the next period's top-decile stocks.
 */
export function strategyTables(result: StrategyResult): BacktestTable[] {
  const tables: BacktestTable[] = [
    {
      file: 'factor_weights.csv',
      columns: [date('date'), text('factor'), number('value'), text('kind')],
      *rows() {
        for (const w of result.factorWeights) yield { date: w.date, factor: w.factor, value: w.value, kind: w.kind };
      },
    },
    {
      file: 'rebalances.csv',
      columns: [
        date('date'),
        text('status'),
        int('candidates'),
        int('missing_scores'),
        number('objective'),
        number('ex_ante_tracking_error'),
        number('turnover'),
        int('holdings'),
        text('relaxations'),
        text('messages'),
        number('solve_ms'),
      ],
      *rows() {
        for (const r of result.rebalances) {
          yield {
            date: r.date,
            status: r.status,
            candidates: r.candidates,
            missing_scores: r.missingScores,
            objective: r.objective,
            ex_ante_tracking_error: r.exAnteTrackingError,
            turnover: r.turnover,
            holdings: r.holdings,
            relaxations: r.relaxations.join(' | '),
            messages: r.messages.join(' | '),
            solve_ms: r.solveMs,
          };
        }
      },
    },
    {
      file: 'targets.csv',
      columns: [date('date'), text('ts_code'), number('weight'), number('benchmark_weight')],
      *rows() {
        for (const r of result.rebalances) for (const t of r.targets) yield { date: r.date, ts_code: t.code, weight: t.weight, benchmark_weight: t.benchmark };
      },
    },
    {
      file: 'exposures.csv',
      columns: [date('date'), text('kind'), text('name'), number('portfolio'), number('benchmark'), number('active')],
      *rows() {
        for (const e of result.exposures) yield { date: e.date, kind: e.kind, name: e.name, portfolio: e.portfolio, benchmark: e.benchmark, active: e.active };
      },
    },
  ];
  const attribution = result.attribution;
  if (attribution) {
    tables.push(
      {
        file: 'attribution.csv',
        columns: [text('frequency'), text('period'), date('start'), date('end'), int('days'), number('active'), number('country'), number('industry'), number('style'), number('specific')],
        *rows() {
          for (const frequency of ['week', 'month', 'quarter', 'year'] as const) {
            for (const p of attribution.periods[frequency]) {
              yield { frequency, period: p.period, start: p.start, end: p.end, days: p.days, active: p.active, country: p.country, industry: p.industry, style: p.style, specific: p.specific };
            }
          }
          const t = attribution.total;
          const dates = attribution.dates;
          yield {
            frequency: 'total',
            period: 'total',
            start: dates[0] ?? null,
            end: dates[dates.length - 1] ?? null,
            days: dates.length,
            active: t.active,
            country: t.country,
            industry: t.industry,
            style: t.style,
            specific: t.specific,
          };
        },
      },
      {
        file: 'attribution_factors.csv',
        columns: [text('factor'), text('group'), number('contribution'), number('mean_exposure')],
        *rows() {
          for (const f of attribution.byFactor) yield { factor: f.name, group: f.group, contribution: f.contribution, mean_exposure: f.meanExposure };
        },
      },
    );
  }
  tables.push(
    {
      file: 'contributions.csv',
      columns: [text('ts_code'), number('contribution'), number('active_contribution'), int('days_held'), number('mean_weight'), number('mean_active_weight'), int('missing_days')],
      *rows() {
        const sorted = [...result.contributions].sort((a, b) => b.contribution - a.contribution || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
        for (const c of sorted) {
          yield {
            ts_code: c.code,
            contribution: c.contribution,
            active_contribution: c.activeContribution,
            days_held: c.daysHeld,
            mean_weight: c.meanWeight,
            mean_active_weight: c.meanActiveWeight,
            missing_days: c.missingDays,
          };
        }
      },
    },
    {
      file: 'hit_rate.csv',
      columns: [date('date'), date('end'), number('hit_rate'), number('active_weight_top'), number('active_weight_total'), int('stocks'), int('top'), int('overweight'), number('unranked_weight')],
      *rows() {
        for (const p of result.hitRate.periods) {
          yield {
            date: p.date,
            end: p.end,
            hit_rate: p.hitRate,
            active_weight_top: p.activeWeightTop,
            active_weight_total: p.activeWeightTotal,
            stocks: p.stocks,
            top: p.top,
            overweight: p.overweight,
            unranked_weight: p.unrankedWeight,
          };
        }
      },
    },
  );
  return tables;
}

/** A number for JSON: `null` for `NaN` and infinities. */
function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/**
 * `metrics.json` of a strategy run: the backtest's (`backtestSummary`: metrics under snake_case
 * names, costs, order counts, settings, notes) with the strategy's name and benchmark, the
 * rebalances by status, the mean stock-level hit rate, the strategy's notes and the timings (ms).
 */
export function strategySummary(result: StrategyResult): Record<string, unknown> {
  const statuses: Record<string, number> = {};
  for (const r of result.rebalances) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  const backtest = backtestSummary(result.backtest);
  return {
    strategy: result.name,
    benchmark: result.benchmark,
    ...backtest,
    rebalance_status: statuses,
    hit_rate: finite(result.hitRate.mean),
    hit_rate_random: finite(result.hitRate.random),
    strategy_notes: result.notes,
    timings_ms: result.timings,
  };
}

/**
 * Whether a folder's entries make it a strategy output that {@link writeStrategyOutputs} may
 * replace: it holds `nav.csv`, `metrics.json` and `strategy.json`, and otherwise only files a
 * strategy run writes (and hidden temporaries of an interrupted write).
 */
export function isStrategyOutput(entries: readonly string[]): boolean {
  return (
    entries.includes('nav.csv') &&
    entries.includes('metrics.json') &&
    entries.includes('strategy.json') &&
    entries.every((name) => STRATEGY_FILES.includes(name) || TEMPORARY.test(name))
  );
}

/**
 * Check, before any work, that {@link writeStrategyOutputs} can write `dir`: its parent folder
 * exists and is writable, and `dir` is new, empty or a previous strategy output.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming `what` (the CLI passes `--out`) and `dir`.
 */
export async function checkStrategyOutput(dir: string, what = 'dir'): Promise<void> {
  checkWritableOutput(dir, what, 'folder');
  const existing = await stat(dir).catch(() => undefined);
  if (!existing) return;
  if (!existing.isDirectory()) throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: \`${dir}\` is a file, not a folder`, { details: { path: dir } });
  const entries = await readdir(dir);
  if (entries.length > 0 && !isStrategyOutput(entries)) {
    const shown = entries.slice(0, 5).map((e) => `\`${e}\``).join(', ');
    throw new FactorkitError(
      'FK_INVALID_ARGUMENT',
      `${what}: \`${dir}\` is not empty and not the output of a strategy run (it holds ${shown}${entries.length > 5 ? `, … ${entries.length} entries` : ''}); give a new or empty folder, or a previous strategy output to replace`,
      { details: { path: dir } },
    );
  }
}

/** Options of {@link writeStrategyOutputs}. */
export interface WriteStrategyOptions {
  /** Shown on the page as the time of the run; default now (ISO 8601). */
  readonly generatedAt?: string;
  /** What the data was (folder names), shown on the page. */
  readonly data?: string;
  /** Named in messages for `dir` (default `dir`; the CLI passes `--out`). */
  readonly what?: string;
}

/**
 * Write a strategy run into the folder `dir`, atomically: the backtest's `nav.csv`,
 * `trades.csv`, `holdings.csv`, `periods.csv` (`backtestTables` of `@factorkit/backtest`),
 * `metrics.json` ({@link strategySummary}), the strategy's tables ({@link strategyTables}:
 * `factor_weights.csv`, `rebalances.csv`, `targets.csv`, `exposures.csv`, `attribution.csv` and
 * `attribution_factors.csv` when the run has an attribution, `contributions.csv`,
 * `hit_rate.csv`), `strategy.json` (the definition with defaults filled in) and `report.html`
 * (`strategyReport`, rendered by `@factorkit/report`: self-contained, opens offline, every text
 * escaped). The files go into a temporary folder beside `dir`, which then takes its place: `dir`
 * never holds a partial output. An existing `dir` is replaced only when it is empty or a previous
 * strategy output ({@link isStrategyOutput}). Returns the paths written.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` from {@link checkStrategyOutput} or a failed write (`dir` is then as it was).
 */
export async function writeStrategyOutputs(dir: string, result: StrategyResult, options: WriteStrategyOptions = {}): Promise<string[]> {
  const what = options.what ?? 'dir';
  await checkStrategyOutput(dir, what);
  // Rendered first: a document the renderer refuses leaves the disk as it was.
  const html = renderHtml(strategyReport(result, { generatedAt: options.generatedAt ?? new Date().toISOString(), ...(options.data ? { data: options.data } : {}) }));
  const tables = [...backtestTables(result.backtest), ...strategyTables(result)];
  const written = new Set<string>(['metrics.json', 'strategy.json', 'report.html', ...tables.map((t) => t.file)]);
  await atomicDirectory(
    dir,
    async (temporary) => {
      await mkdir(temporary, { recursive: true });
      for (const table of tables) await writeCsv(join(temporary, table.file), table.columns, table.rows());
      await writeFileAtomic(join(temporary, 'metrics.json'), `${JSON.stringify(strategySummary(result), null, 2)}\n`, what);
      await writeFileAtomic(join(temporary, 'strategy.json'), `${JSON.stringify(result.definition, null, 2)}\n`, what);
      await writeFileAtomic(join(temporary, 'report.html'), html, what);
    },
    { replace: isStrategyOutput, owner: what },
  );
  return STRATEGY_FILES.filter((file) => written.has(file)).map((file) => join(dir, file));
}
