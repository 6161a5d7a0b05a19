/**
 * profit_q_yoy: golden values by hand, field choice, the factor test kit, the missing-input
 * error, the real cn-csi300 data (total net profit only, checked against the raw fina table)
 * and the synthetic market (operating and parent net profit, checked against the planted
 * growth characteristic).
 */
import { Panel, checkApiCompatibility, computeFactor, createMemoryData, isFactorkitError } from '@factorkit/core';
import { createDataset, loadDataset } from '@factorkit/data';
import { catchError, rankCorrelation } from '@factorkit/factor-testkit';
import { runFactorTests } from '@factorkit/factor-testkit/vitest';
import { generateMarket } from '@factorkit/synth';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import defaultExport, { profitField, profitQYoy } from '../src/index.js';

const NAN = Number.NaN;
const DATES = ['2024-04-26', '2024-04-29', '2024-04-30', '2024-05-06', '2024-05-07'];
const ASSETS = ['600000.SH', '000001.SZ', '300750.SZ'];
const rows = (values: (number | null)[][]) => Panel.fromRows(values);

// Step functions as the store gives them: a new value from a report's announcement date on.
const OP = rows([
  [0.1, NAN, -0.5],
  [0.1, NAN, -0.5],
  [0.25, 1.5, -0.5],
  [0.25, 1.5, Number.POSITIVE_INFINITY], // zero base: no growth rate
  [0.25, 1.5, 0.02],
]);
const NP_PARENT = rows([
  [0.2, 0.3, NAN],
  [0.2, 0.3, NAN],
  [0.2, 0.35, -0.1],
  [0.4, 0.35, -0.1],
  [0.4, 0.35, -0.1],
]);
const NET = rows([
  [0.21, 0.31, 0.05],
  [0.21, 0.31, 0.05],
  [0.21, 0.36, -0.09],
  [0.41, 0.36, -0.09],
  [0.41, 0.36, -0.09],
]);

const memory = (fields: Record<string, Panel>) => createMemoryData({ calendar: DATES, assets: ASSETS, fields });
const full = memory({ op_profit_q_yoy: OP, np_parent_q_yoy: NP_PARENT, net_profit_q_yoy: NET });
const netOnly = memory({ net_profit_q_yoy: NET });

runFactorTests(profitQYoy, {
  golden: [
    {
      name: 'operating profit when present (auto)',
      data: full,
      expected: [
        [0.1, null, -0.5],
        [0.1, null, -0.5],
        [0.25, 1.5, -0.5],
        [0.25, 1.5, null],
        [0.25, 1.5, 0.02],
      ],
    },
    {
      name: 'parent net profit before total net profit (net)',
      params: { profit: 'net' },
      data: full,
      expected: [
        [0.2, 0.3, null],
        [0.2, 0.3, null],
        [0.2, 0.35, -0.1],
        [0.4, 0.35, -0.1],
        [0.4, 0.35, -0.1],
      ],
    },
    {
      name: 'total net profit when it is all there is (auto)',
      data: netOnly,
      expected: [
        [0.21, 0.31, 0.05],
        [0.21, 0.31, 0.05],
        [0.21, 0.36, -0.09],
        [0.41, 0.36, -0.09],
        [0.41, 0.36, -0.09],
      ],
    },
  ],
  params: [{}, { profit: 'operating' }, { profit: 'net' }],
});

describe('profit_q_yoy: metadata, field choice and errors', () => {
  it('is the documented plugin', () => {
    expect(defaultExport).toBe(profitQYoy);
    expect(profitQYoy.id).toBe('profit_q_yoy');
    expect(profitQYoy.meta.direction).toBe(1);
    expect(profitQYoy.meta.category).toBe('growth');
    expect(profitQYoy.meta.lookback).toBe(0);
    expect(profitQYoy.meta.inputs.map((i) => [i.field, i.lag, i.optional])).toEqual([
      ['op_profit_q_yoy', 0, true],
      ['np_parent_q_yoy', 0, true],
      ['net_profit_q_yoy', 0, true],
    ]);
    expect(profitQYoy.with().params).toEqual({ profit: 'auto' });
    expect(checkApiCompatibility(profitQYoy.apiVersion)).toEqual({ compatible: true });
  });

  it('chooses the field in the documented order', () => {
    const has = (...fields: string[]) => (f: string) => fields.includes(f);
    expect(profitField('auto', has('op_profit_q_yoy', 'np_parent_q_yoy', 'net_profit_q_yoy'))).toBe('op_profit_q_yoy');
    expect(profitField('auto', has('np_parent_q_yoy', 'net_profit_q_yoy'))).toBe('np_parent_q_yoy');
    expect(profitField('auto', has('net_profit_q_yoy'))).toBe('net_profit_q_yoy');
    expect(profitField('net', has('op_profit_q_yoy', 'net_profit_q_yoy'))).toBe('net_profit_q_yoy');
    expect(profitField('operating', has('np_parent_q_yoy', 'net_profit_q_yoy'))).toBeUndefined();
  });

  it('rejects an unknown profit choice', () => {
    expect(() => profitQYoy.with({ profit: 'gross' } as never)).toThrow(/params\.profit/);
  });

  it('throws FK_MISSING_INPUT naming the fields when none is present', () => {
    const none = catchError(() => computeFactor(profitQYoy, memory({ revenue_q_yoy: NET })));
    expect(isFactorkitError(none) && none.code).toBe('FK_MISSING_INPUT');
    for (const f of ['op_profit_q_yoy', 'np_parent_q_yoy', 'net_profit_q_yoy']) expect((none as Error).message).toContain(`\`${f}\``);
    const operating = catchError(() => computeFactor(profitQYoy.with({ profit: 'operating' }), netOnly));
    expect(isFactorkitError(operating) && operating.code).toBe('FK_MISSING_INPUT');
    expect((operating as Error).message).toContain('`op_profit_q_yoy`');
    expect((operating as Error).message).toContain('profit_q_yoy');
  });
});

const REAL = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data/cn-csi300');

/** Independent single-quarter net-profit YoY from the raw fina table: latest versions announced by `date`. */
function fromFina(code: string, date: string): number {
  const lines = gunzipSync(readFileSync(resolve(REAL, 'fina.csv.gz'))).toString('utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const col = (name: string) => header.indexOf(name);
  const ytd = new Map<string, { ann: string; value: number }>();
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    if (cells[col('ts_code')] !== code) continue;
    const ann = cells[col('ann_date')]!;
    const end = cells[col('end_date')]!;
    const raw = cells[col('net_profit_ytd')]!;
    if (ann > date || raw === '') continue;
    const prev = ytd.get(end);
    if (!prev || ann >= prev.ann) ytd.set(end, { ann, value: Number(raw) });
  }
  const ends = [...ytd.keys()].sort();
  const q = ends.at(-1)!;
  const single = (end: string): number => {
    const year = end.slice(0, 4);
    const mmdd = end.slice(5);
    const previous = { '03-31': null, '06-30': '03-31', '09-30': '06-30', '12-31': '09-30' }[mmdd];
    const value = ytd.get(end)?.value ?? NAN;
    return previous === null ? value : value - (ytd.get(`${year}-${previous!}`)?.value ?? NAN);
  };
  const yearAgo = `${Number(q.slice(0, 4)) - 1}${q.slice(4)}`;
  return (single(q) - single(yearAgo)) / Math.abs(single(yearAgo));
}

describe('profit_q_yoy on the real cn-csi300 dataset (slow)', () => {
  it('is single-quarter total net profit YoY there, matching the raw fina table', async () => {
    const { dataset } = await loadDataset(REAL);
    expect(dataset.hasField('op_profit_q_yoy')).toBe(false);
    expect(dataset.hasField('np_parent_q_yoy')).toBe(false);
    const operating = catchError(() => computeFactor(profitQYoy.with({ profit: 'operating' }), dataset, { start: '2023-06-29', end: '2023-06-29' }));
    expect(isFactorkitError(operating) && operating.code).toBe('FK_MISSING_INPUT');
    expect((operating as Error).message).toContain('`op_profit_q_yoy`');

    const date = '2023-06-29';
    const t = dataset.calendar.indexOf(date);
    const result = computeFactor(profitQYoy, dataset, { start: date, end: date });
    for (const code of ['600519.SH', '000001.SZ']) {
      const a = dataset.assets.indexOf(code);
      const want = fromFina(code, date);
      expect(Number.isFinite(want)).toBe(true);
      expect(result.values.get(0, a)).toBeCloseTo(want, 9);
    }
    const members = dataset.field('index_member:000300.SH');
    let count = 0;
    let finite = 0;
    for (let a = 0; a < dataset.assets.length; a++) {
      if (members.get(t, a) !== 1) continue;
      count++;
      if (Number.isFinite(result.values.get(0, a))) finite++;
    }
    expect(count).toBeGreaterThan(290);
    expect(finite / count).toBeGreaterThan(0.9);
  }, 120_000);
});

describe('profit_q_yoy on the synthetic market', () => {
  it('reads operating profit by default and tracks the planted single-quarter parent-profit growth with profit: net', () => {
    const market = generateMarket({ stocks: 200, years: 2, seed: 3 });
    const { dataset } = createDataset(market.tables);
    expect(dataset.hasField('op_profit_q_yoy')).toBe(true);
    const auto = computeFactor(profitQYoy, dataset);
    const op = dataset.field('op_profit_q_yoy');
    const last = dataset.calendar.length - 1;
    for (let a = 0; a < dataset.assets.length; a += 17) {
      const want = op.get(last, a);
      const got = auto.values.get(last, a);
      if (Number.isFinite(want)) expect(got).toBe(want);
      else expect(got).toBeNaN();
    }

    const net = computeFactor(profitQYoy.with({ profit: 'net' }), dataset);
    const { dates, values } = market.truth.exposures;
    const planted = values.growth_np_yoy!;
    const stocks = market.truth.codes.length;
    const m = dates.length - 1;
    const day = String(dates[m]);
    const t = dataset.calendar.indexOf(`${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}`);
    expect(t).toBeGreaterThan(0);
    const x: number[] = [];
    const y: number[] = [];
    market.truth.codes.forEach((code, i) => {
      const a = dataset.assets.indexOf(code);
      x.push(net.values.get(t, a));
      y.push(planted[m * stocks + i]!);
    });
    expect(x.filter(Number.isFinite).length).toBeGreaterThan(100);
    expect(rankCorrelation(x, y)).toBeGreaterThan(0.95);
  }, 120_000);
});
