/**
 * The tracking run as a library: its tables against independent recomputations from the daily
 * series and the data, its checks (dates, universes, configuration, factors) failing before any
 * work, proxies and refusals, data problems, the report's escaping and the files it writes.
 */
import { type FactorkitError, type MarketData, type OptimizerInstance, Panel, type ValidationError, defineFactor, isFactorkitError } from '@factorkit/core';
import { type Table, createDataset, encodeStrings, stringColumn } from '@factorkit/data';
import { momentum } from '@factorkit/factor-momentum';
import { reversal3m } from '@factorkit/factor-reversal-3m';
import { size } from '@factorkit/factor-style-size';
import { highsOptimizer } from '@factorkit/optimizer-highs';
import { readProblemFile } from '@factorkit/portfolio/node';
import { renderHtml } from '@factorkit/report';
import { generateMarket } from '@factorkit/synth';
import { indexUniverse, marketUniverse } from '@factorkit/universe-index';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type TrackingOptions,
  type TrackingResult,
  defaultTrackingFactors,
  parseTrackingConfig,
  runTracking,
  trackingDataError,
  trackingReport,
  trackingTables,
} from '../src/index.js';
import { isTrackingOutput, problemSaver, writeTrackingOutputs } from '../src/track/node.js';

let tables: ReadonlyMap<string, Table>;
let data: MarketData;
let highs: OptimizerInstance;
let base: TrackingResult;
let root: string;
let problems: { dir: string; written: () => number };

const AS_OF = '2015-12-18'; // a Friday, mid-month: week, month and YTD windows all differ

function options(extra: Partial<TrackingOptions> = {}): TrackingOptions {
  return { data, asOf: AS_OF, universes: ['csi300', 'csi500'], benchmark: indexUniverse, investable: marketUniverse, factors: [{ plugin: momentum }, { plugin: reversal3m }], optimizer: highs, ...extra };
}

async function failure(promise: Promise<unknown>): Promise<FactorkitError> {
  try {
    await promise;
  } catch (error) {
    if (isFactorkitError(error)) return error;
    throw error;
  }
  throw new Error('expected a factorkit error');
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'factorkit-track-'));
  tables = generateMarket({ seed: 5, stocks: 400, years: 2, funds: 0 }).tables;
  data = createDataset(tables).dataset;
  highs = await highsOptimizer.create(highsOptimizer.with({}).params);
  const saver = await problemSaver(join(root, 'problems'));
  problems = { dir: join(root, 'problems'), written: saver.written };
  base = await runTracking(options({ start: '2014-06-01', onProblem: saver.onProblem }));
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The rows of one table of a result, by file name. */
function rows(result: TrackingResult, file: string): Record<string, string | number | null | undefined>[] {
  const table = trackingTables(result).find((t) => t.file === file)!;
  return [...table.rows()] as Record<string, string | number | null | undefined>[];
}

const close = (actual: unknown, expected: number, what: string): void => {
  if (Number.isNaN(expected)) expect(Number.isNaN(actual as number), what).toBe(true);
  else expect(Math.abs((actual as number) - expected), `${what}: ${String(actual)} vs ${expected}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
};

/** Monday of the ISO week, as days since the epoch, by the JavaScript calendar. */
function monday(date: string): number {
  const d = new Date(`${date}T00:00:00Z`);
  return d.getTime() / 86_400_000 - ((d.getUTCDay() + 6) % 7);
}

describe('tracking tables', () => {
  it('writes every series of universes × factors with the documented headers', () => {
    const files = trackingTables(base).map((t) => [t.file, t.columns.map((c) => c.id).join(',')]);
    expect(Object.fromEntries(files)).toMatchObject({
      'mfe.csv': 'trade_date,universe,factor,status,n_assets,exposure,portfolio_return,benchmark_return,excess_return,turnover,cost,binding,active_exposure,period_end,days,candidates,message',
      'weights.csv': 'trade_date,universe,factor,ts_code,weight,benchmark_weight,executed_weight',
      'daily.csv': 'trade_date,universe,factor,portfolio_return,benchmark_return,excess_return,cum_excess,cash',
      'tracking.csv': 'universe,factor,direction,week,month,ytd,annualised,excess_vol,ir,max_drawdown,win_rate,2014,2015',
      'ic.csv': 'trade_date,universe,factor,stage,horizon,n,ic,rank_ic',
      'quantiles.csv': 'universe,factor,stage,horizon,group,mean_equal,mean_cap',
    });
    expect(base.series.map((s) => `${s.universe}/${s.factor}`)).toEqual(['csi300/momentum_1y', 'csi300/reversal_3m', 'csi500/momentum_1y', 'csi500/reversal_3m']);
    expect(base.lastDate).toBe(AS_OF);
    expect(base.config.mfe.constraints.deviation).toBe(0.01);
  });

  it('tracking.csv equals the aggregates recomputed from daily.csv on the calendar', () => {
    const daily = rows(base, 'daily.csv');
    for (const row of rows(base, 'tracking.csv')) {
      const days = daily.filter((d) => d.universe === row.universe && d.factor === row.factor);
      expect(days.length).toBeGreaterThan(100);
      const dates = days.map((d) => d.trade_date as string);
      const p = days.map((d) => d.portfolio_return as number);
      const b = days.map((d) => d.benchmark_return as number);
      const window = (keep: (date: string) => boolean): number => {
        let gp = 1;
        let gb = 1;
        dates.forEach((date, k) => {
          if (keep(date)) {
            gp *= 1 + p[k]!;
            gb *= 1 + b[k]!;
          }
        });
        return gp / gb - 1;
      };
      const what = `${String(row.universe)} ${String(row.factor)}`;
      close(row.week, window((d) => monday(d) === monday(AS_OF)), `${what} week`);
      close(row.month, window((d) => d.slice(0, 7) === AS_OF.slice(0, 7)), `${what} month`);
      close(row.ytd, window((d) => d.slice(0, 4) === AS_OF.slice(0, 4)), `${what} ytd`);
      close(row['2014'], window((d) => d.startsWith('2014')), `${what} 2014`);
      // Inception: the trading day before the first daily return (the first signal date).
      const inception = data.calendar.at(data.calendar.indexOf(dates[0]!) - 1);
      const years = (Date.parse(dates[dates.length - 1]!) - Date.parse(inception)) / 86_400_000 / 365.25;
      const excess = p.map((x, k) => (1 + x) / (1 + b[k]!) - 1);
      const annualised = (1 + window(() => true)) ** (1 / years) - 1;
      close(row.annualised, annualised, `${what} annualised`);
      const mean = excess.reduce((s, x) => s + x, 0) / excess.length;
      const vol = Math.sqrt(excess.reduce((s, x) => s + (x - mean) ** 2, 0) / (excess.length - 1)) * Math.sqrt(excess.length / years);
      expect(Math.abs((row.excess_vol as number) / vol - 1)).toBeLessThan(1e-9);
      expect(Math.abs((row.ir as number) / (annualised / vol) - 1)).toBeLessThan(1e-9);
      let curve = 1;
      let peak = 1;
      let drawdown = 0;
      for (const e of excess) {
        curve *= 1 + e;
        peak = Math.max(peak, curve);
        drawdown = Math.max(drawdown, 1 - curve / peak);
      }
      close(row.max_drawdown, drawdown, `${what} drawdown`);
      const weeks = new Map<number, number>();
      dates.forEach((d, k) => weeks.set(monday(d), (weeks.get(monday(d)) ?? 1) * (1 + excess[k]!)));
      close(row.win_rate, [...weeks.values()].filter((g) => g > 1).length / weeks.size, `${what} win rate`);
      expect(row.direction).toBe(row.factor === 'reversal_3m' ? -1 : 1);
    }
  });

  it('mfe.csv holding-period returns compound daily.csv over (date, period end]; weights.csv holds the optimal weights within the bands', () => {
    const daily = rows(base, 'daily.csv');
    const weights = rows(base, 'weights.csv');
    let checked = 0;
    for (const r of rows(base, 'mfe.csv')) {
      if (r.status !== 'optimal' || r.period_end === undefined) continue;
      const days = daily.filter((d) => d.universe === r.universe && d.factor === r.factor && (d.trade_date as string) > (r.trade_date as string) && (d.trade_date as string) <= (r.period_end as string));
      expect(days.length).toBe(r.days);
      const p = days.reduce((g, d) => g * (1 + (d.portfolio_return as number)), 1) - 1;
      const bench = days.reduce((g, d) => g * (1 + (d.benchmark_return as number)), 1) - 1;
      close(r.portfolio_return, p, `${String(r.trade_date)} portfolio`);
      close(r.benchmark_return, bench, `${String(r.trade_date)} benchmark`);
      const held = weights.filter((w) => w.universe === r.universe && w.factor === r.factor && w.trade_date === r.trade_date && w.weight !== 0);
      expect(held.length).toBe(r.n_assets);
      expect(Math.abs(held.reduce((s, w) => s + (w.weight as number), 0) - 1)).toBeLessThan(1e-7);
      // Outside ±1% only a stock that could not be traded back into its band (kept at its weight: `pinned`).
      const outside = held.filter((w) => Math.abs((w.weight as number) - (w.benchmark_weight as number)) > 0.01 + 1e-7).length;
      const record = base.series.find((s) => s.universe === r.universe && s.factor === r.factor)!.mfe.rebalances.find((x) => x.date === r.trade_date)!;
      expect(outside).toBeLessThanOrEqual(record.counts.pinned);
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
    // Infeasible dates are rows with their explanation, and the run went on.
    const infeasible = rows(base, 'mfe.csv').filter((r) => r.status === 'infeasible');
    for (const r of infeasible) expect(r.message).toMatch(/cannot (all|both) hold/);
  });

  it('ic.csv: the raw stage is the plugin value within the members, direction not applied (Spearman recomputed from the data)', () => {
    const t = data.calendar.indexOf('2015-06-30');
    const universe = indexUniverse.resolve({ data, params: indexUniverse.with({ index: 'csi500' }).params });
    const members = universe.members(t);
    const ret = data.field('ret');
    const trading = data.field('is_trading');
    // reversal_3m by its definition: Π(1 + ret) − 1 over the last 60 days (≥ 48 returns present).
    const pairs: [number, number][] = [];
    for (let a = 0; a < data.assets.length; a++) {
      if (!members[a] || trading.get(t, a) !== 1) continue;
      let g = 1;
      let n = 0;
      for (let s = t - 59; s <= t; s++) {
        const r = ret.get(s, a);
        if (Number.isFinite(r)) {
          g *= 1 + r;
          n++;
        }
      }
      let f = 1;
      let ok = true;
      for (let s = t + 1; s <= t + 5; s++) {
        const r = ret.get(s, a);
        if (!Number.isFinite(r)) ok = false;
        f *= 1 + r;
      }
      if (n >= 48 && ok) pairs.push([g - 1, f - 1]);
    }
    const ranks = (xs: number[]): number[] => {
      const order = xs.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
      const out = new Array<number>(xs.length);
      for (let i = 0; i < order.length; ) {
        let j = i;
        while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
        for (let k = i; k <= j; k++) out[order[k]![1]] = (i + j) / 2 + 1;
        i = j + 1;
      }
      return out;
    };
    const rx = ranks(pairs.map((p) => p[0]));
    const ry = ranks(pairs.map((p) => p[1]));
    const m = (rx.length + 1) / 2;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    rx.forEach((x, i) => {
      sxy += (x - m) * (ry[i]! - m);
      sxx += (x - m) ** 2;
      syy += (ry[i]! - m) ** 2;
    });
    const ic = rows(base, 'ic.csv');
    const row = ic.find((r) => r.trade_date === '2015-06-30' && r.universe === 'csi500' && r.factor === 'reversal_3m' && r.stage === 'raw' && r.horizon === 5)!;
    expect(row.n).toBe(pairs.length);
    close(row.rank_ic, sxy / Math.sqrt(sxx * syy), 'rank ic');
    // The processed stage carries the direction: a past-loser factor is positive when it works.
    const processed = base.series.find((s) => s.universe === 'csi500' && s.factor === 'reversal_3m')!.analytics.processed!;
    expect(processed.stage).toBe('processed');
    const raw5 = base.series.find((s) => s.universe === 'csi500' && s.factor === 'reversal_3m')!.analytics.raw.summary[1]!.rankIc.mean;
    expect(Math.sign(processed.summary[1]!.rankIc.mean)).toBe(-Math.sign(raw5));
  });
});

describe('checks before any work', () => {
  /** A factor that records whether it was computed. */
  let computed = 0;
  const probe = defineFactor({
    id: 'probe',
    apiVersion: '1.0',
    meta: { description: 'counts its computations', category: 'other', inputs: [{ field: 'ret', kind: 'market' }], lookback: 0, direction: 1, params: {} },
    compute: (ctx) => {
      computed++;
      return ctx.input('ret');
    },
  });

  it('refuses bad dates, naming the options as the caller calls them', async () => {
    const names = { optionNames: { asOf: '--as-of', start: '--start' }, factors: [{ plugin: probe }] };
    expect((await failure(runTracking(options({ ...names, start: '2015-06-01', asOf: '2015-05-01' })))).message).toBe('--start `2015-06-01` is after --as-of `2015-05-01`');
    const before = await failure(runTracking(options({ ...names, asOf: '2010-01-04' })));
    expect(before.code).toBe('FK_INVALID_ARGUMENT');
    expect(before.message).toBe("--as-of `2010-01-04` is before the data's first trading day (the data covers 2014-01-02 … 2015-12-31)");
    expect((await failure(runTracking(options({ ...names, start: '2016-03-01', asOf: '2016-06-30' })))).message).toContain('no trading day of the data lies between --start `2016-03-01` and --as-of `2016-06-30`');
    expect((await failure(runTracking(options({ ...names, start: '2015-12-21', asOf: '2015-12-24' })))).message).toContain('no monthly rebalance date between 2015-12-21 and 2015-12-24');
    expect((await failure(runTracking(options({ ...names, asOf: '2015-13-01' })))).message).toContain('--as-of: `"2015-13-01"` is not a real date');
    expect(computed).toBe(0);
  });

  it('names every universe that cannot be used, all at once', async () => {
    const error = await failure(runTracking(options({ universes: ['csi300', 'csi9999', '000300.SH', 'csi300'], factors: [{ plugin: probe }] })));
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toContain('universes: 3 universes cannot be used:');
    expect(error.message).toContain("- `csi9999`: universe `index` (csi9999): the dataset has no membership for index `csi9999`");
    expect(error.message).toContain('- `000300.SH` is `csi300` again (index:000300.SH)');
    expect(error.message).toContain('- `csi300` is listed twice');
    expect(computed).toBe(0);
  });

  it('relaxes the declared groups on infeasible dates, recording each relaxation; a group the problems lack is refused', async () => {
    const tight = { constraints: { turnover: 0.01 } };
    const held = await runTracking(options({ factors: [{ plugin: momentum }], universes: ['csi500'], start: '2015-01-01', config: tight }));
    const relaxed = await runTracking(
      options({ factors: [{ plugin: momentum }], universes: ['csi500'], start: '2015-01-01', config: { ...tight, relaxation: [{ group: 'turnover-limit', factor: 3, maxSteps: 6 }] } }),
    );
    const count = (r: TrackingResult) => r.series[0]!.mfe.counts;
    expect(count(held).infeasible).toBeGreaterThan(0);
    expect(count(relaxed).infeasible).toBeLessThan(count(held).infeasible);
    const loosened = relaxed.series[0]!.mfe.rebalances.filter((r) => r.relaxations && r.relaxations.length > 0);
    expect(loosened.length).toBeGreaterThan(0);
    for (const r of loosened) {
      expect(r.status).toBe('optimal');
      expect(r.relaxations!.every((x) => x.group === 'turnover-limit')).toBe(true);
      // The turnover actually traded may exceed the configured 1%, by the relaxation recorded.
      expect(r.messages.length).toBeGreaterThan(0);
    }
    const unknown = (await failure(runTracking(options({ factors: [{ plugin: momentum }], config: { relaxation: [{ group: 'turnover', factor: 2 }] } })))) as ValidationError;
    expect(unknown.issues.map((i) => i.path)).toEqual(['relaxation[0].group']);
  }, 60_000);

  it('checks the configuration with dot-paths: structure when read, values against the data before computing', async () => {
    const parsed = (() => {
      try {
        parseTrackingConfig({ constraints: { deviatoin: 0.02, styles: { exposures: { beta: 'beta.csv' } } }, horizons: [0, 5, 5], groups: 1, execution: [], preprocess: { neutralize: 'sector' }, universe: { index: 'x' }, diagnose: { elastic: 'yes', maxConflicts: 0, maxSolves: 2.5, depth: 1 }, relaxation: [{ group: 'turnover-limit', factor: 1, steps: [0.1] }, { group: '' , steps: [], rows: 'x', extra: 1 }] }, '--config `t.json`');
      } catch (error) {
        return error as ValidationError;
      }
      throw new Error('expected a throw');
    })();
    expect(parsed.code).toBe('FK_INVALID_PARAMS');
    expect(parsed.issues.map((i) => i.path)).toEqual([
      'constraints.deviatoin',
      'constraints.styles.exposures.beta',
      'execution',
      'preprocess.neutralize',
      'horizons[0]',
      'horizons[2]',
      'groups',
      'universe.index',
      'diagnose.depth',
      'diagnose.elastic',
      'diagnose.maxConflicts',
      'diagnose.maxSolves',
      'relaxation[0]',
      'relaxation[0].factor',
      'relaxation[1].extra',
      'relaxation[1].group',
      'relaxation[1].steps',
      'relaxation[1].rows',
    ]);
    expect(parsed.message).toMatch(/^--config `t\.json`: invalid tracking config:\n {2}- constraints\.deviatoin: unknown setting/);
    const values = await failure(
      runTracking(options({ factors: [{ plugin: probe }], config: { constraints: { deviation: 2, industry: { field: 'sector' } }, execution: { cost: -1 }, universe: { weights: 'guess' } }, optionNames: { config: '--config `t.json`' } })),
    );
    expect(values.message).toContain('--config `t.json`: invalid tracking config');
    expect((values as ValidationError).issues.map((i) => i.path)).toEqual(['universe.weights']);
    const mfe = (await failure(runTracking(options({ factors: [{ plugin: probe }], config: { constraints: { deviation: 2, industry: { field: 'sector' } }, execution: { cost: -1 } } })))) as ValidationError;
    expect(mfe.issues.map((i) => i.path)).toEqual(['constraints.industry.field', 'constraints.deviation', 'execution.cost']);
    expect(computed).toBe(0);
  });

  it('a factor whose inputs are missing: an error, or with missingInputs `skip` left out and named', async () => {
    const magic = defineFactor({
      id: 'magic',
      apiVersion: '1.0',
      meta: { description: 'needs a field no dataset has', category: 'other', inputs: [{ field: 'magic_number', kind: 'market' }], lookback: 0, direction: 1, params: {} },
      compute: (ctx) => ctx.input('magic_number'),
    });
    const error = await failure(runTracking(options({ factors: [{ plugin: magic }, { plugin: probe }] })));
    expect(error.code).toBe('FK_MISSING_INPUT');
    expect(error.message).toContain('factor `magic` needs `magic_number`');
    const none = await failure(runTracking(options({ factors: [{ plugin: magic }], missingInputs: 'skip' })));
    expect(none.message).toContain('none of the 1 factors can be computed on this dataset');
    const skipped = await runTracking(options({ universes: ['csi500'], start: '2015-10-01', factors: [{ plugin: magic }, { plugin: probe }], missingInputs: 'skip' }));
    expect(skipped.skippedFactors).toEqual([{ name: 'magic', id: 'magic', missing: ['magic_number'], message: 'factor `magic` left out: the dataset has no `magic_number`' }]);
    expect(skipped.notes).toContain('factor `magic` left out: the dataset has no `magic_number`');
    expect(skipped.series.map((s) => s.factor)).toEqual(['probe']);
  });

  it('the default factor list: every non-style factor, by id', () => {
    const list = defaultTrackingFactors([reversal3m, size, momentum]);
    expect(list.map((f) => f.plugin.id)).toEqual(['momentum_1y', 'reversal_3m']);
    const fromRegistry = defaultTrackingFactors([{ plugin: size, source: { type: 'builtin' } }, { plugin: momentum, source: { type: 'builtin', package: '@factorkit/factor-momentum' } }]);
    expect(fromRegistry).toEqual([{ plugin: momentum, source: { type: 'builtin', package: '@factorkit/factor-momentum' } }]);
  });
});

/** The tables with `keep(row)` rows of `name` only. */
function filterRows(all: ReadonlyMap<string, Table>, name: string, keep: (row: number, table: Table) => boolean): Map<string, Table> {
  const out = new Map(all);
  const table = all.get(name)!;
  const rowsKept: number[] = [];
  for (let r = 0; r < table.rowCount; r++) if (keep(r, table)) rowsKept.push(r);
  const columns = new Map<string, Table['columns'] extends ReadonlyMap<string, infer C> ? C : never>();
  for (const [key, column] of table.columns) {
    // Strings re-encoded, so a value no row keeps is gone from the dictionary too (as when read from a file).
    if (column.type === 'string') columns.set(key, encodeStrings(rowsKept.map((r) => (column.codes[r]! < 0 ? undefined : column.dictionary[column.codes[r]!]))));
    else if (column.type === 'date') columns.set(key, { type: 'date', values: Int32Array.from(rowsKept, (r) => column.values[r]!) });
    else columns.set(key, { type: 'number', values: Float64Array.from(rowsKept, (r) => column.values[r]!) });
  }
  out.set(name, { name, rowCount: rowsKept.length, columns });
  return out;
}

describe('benchmarks without published weights', () => {
  let proxied: MarketData;
  beforeAll(() => {
    const csi500 = (r: number, t: Table): boolean => {
      const code = stringColumn(t, 'index_code');
      return code.dictionary[code.codes[r]!] !== '000905.SH';
    };
    proxied = createDataset(filterRows(tables, 'index_weight', csi500)).dataset;
  });

  it('says so and names the proxy used', async () => {
    const result = await runTracking(options({ data: proxied, universes: ['csi500', 'csi300'], start: '2015-09-01', factors: [{ plugin: reversal3m }] }));
    const [csi500, csi300] = result.universes;
    expect(csi500).toMatchObject({ name: 'csi500', id: 'index:000905.SH', weights: 'proxy', approximateDates: 3, rebalanceDates: 3 });
    expect(csi500!.notes[0]).toBe(
      'universe `csi500` (index:000905.SH): the dataset has no published benchmark weights for it on 3 of 3 rebalance dates; the benchmark there is a proxy: float-market-cap weights of its members (the `index` universe with `weights: auto`; set `universe.weights` to `published` in the config to refuse instead)',
    );
    expect(csi300).toMatchObject({ weights: 'published', notes: [] });
    expect(result.series.find((s) => s.universe === 'csi500')!.mfe.counts.optimal).toBe(3);
  });

  it('refuses it when published weights are required', async () => {
    const error = await failure(runTracking(options({ data: proxied, universes: ['csi500'], config: { universe: { weights: 'published' } } })));
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toContain("universes: a universe cannot be used:\n  - `csi500`: universe `index` (000905.SH): weights `published` asked for, but the dataset has no `index_weight:000905.SH`");
  });
});

describe('data problems, the report and the files', () => {
  let result: TrackingResult;
  const empty = defineFactor({
    id: 'empty',
    apiVersion: '1.0',
    meta: { description: 'never has a value', category: 'other', inputs: [{ field: 'ret', kind: 'market' }], lookback: 0, direction: 1, params: {} },
    compute: (ctx) => new Panel(ctx.data.calendar.length, ctx.data.assets.length),
  });
  beforeAll(async () => {
    result = await runTracking(options({ universes: ['csi500'], start: '2015-09-01', factors: [{ plugin: momentum, name: '<b>mom</b>' }, { plugin: empty }] }));
  }, 60_000);

  it('a factor without values is a data problem; the others still run', () => {
    expect(result.factors.map((f) => f.outcome.status)).toEqual(['ok', 'empty']);
    expect(result.series.map((s) => s.factor)).toEqual(['<b>mom</b>']);
    const error = trackingDataError(result)!;
    expect(error.code).toBe('FK_NO_VALUES');
    expect(error.message).toContain('factor `empty` has no values from 2015-09-01 to 2015-12-18');
    expect(trackingDataError(base)).toBeUndefined();
  });

  it('the report escapes names and draws a chart per universe', () => {
    const html = renderHtml(trackingReport(base, { generatedAt: '2015-12-18T16:00:00Z' }));
    expect(html.match(/<h2/g)?.length).toBeGreaterThanOrEqual(3); // run, csi300, csi500
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(2);
    const escaped = renderHtml(trackingReport(result, { generatedAt: 'now' }));
    expect(escaped).toContain('&lt;b&gt;mom&lt;/b&gt;');
    expect(escaped).not.toContain('<b>mom</b>');
  });

  it('writes the folder atomically, replaces only a tracking output, and saved every problem solved', async () => {
    const out = join(root, 'out');
    const files = await writeTrackingOutputs(out, base, { generatedAt: 'now' });
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(['mfe.csv', 'weights.csv', 'daily.csv', 'tracking.csv', 'ic.csv', 'ic_summary.csv', 'quantiles.csv', 'summary.json', 'report.html', 'state']);
    expect(readdirSync(out).sort()).toEqual([...files.map((f) => f.slice(out.length + 1))].sort());
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { format: string; series: { unsolved: unknown[] }[] };
    expect(summary.format).toBe('factorkit-tracking');
    expect(readFileSync(join(out, 'tracking.csv'), 'utf8').split('\n')[0]).toBe('universe,factor,direction,week,month,ytd,annualised,excess_vol,ir,max_drawdown,win_rate,2014,2015');
    await writeTrackingOutputs(out, result, { generatedAt: 'now' }); // a previous output is replaced
    expect(readFileSync(join(out, 'mfe.csv'), 'utf8')).toContain('<b>mom</b>');
    const other = join(root, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'mine');
    const refused = await failure(writeTrackingOutputs(other, base, { what: '--out' }));
    expect(refused.message).toContain('--out: `');
    expect(refused.message).toContain('is not empty and not the output of a tracking run');
    expect(existsSync(join(other, 'notes.txt'))).toBe(true);
    expect(isTrackingOutput(['summary.json', 'mfe.csv'])).toBe(true);
    expect(isTrackingOutput(['summary.json', 'mfe.csv', 'state'])).toBe(true);
    expect(isTrackingOutput(['summary.json', 'mfe.csv', 'states'])).toBe(false);
    expect(isTrackingOutput(['mfe.csv'])).toBe(false);

    const solved = base.series.reduce((n, s) => n + s.mfe.rebalances.filter((r) => r.status !== 'skipped').length, 0);
    expect(problems.written()).toBe(solved);
    const first = base.series[0]!.mfe.rebalances.find((r) => r.status === 'optimal')!;
    const problem = await readProblemFile(join(problems.dir, 'csi300', 'momentum_1y', `${first.date}.json`));
    expect(problem.groups.map((g) => g.name)).toContain('industry-neutral');
  });
});
