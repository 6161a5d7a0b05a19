/**
 * `tablesToQlib` output read by an independent reader written with numpy from qlib's documented
 * format (test/qlib_numpy_reader.py; pyqlib itself could not be installed here), and checked
 * against values computed in this file from the tables: what qlib's `D.instruments('all')`,
 * `$close / $factor`, `$volume × $factor` and Alpha158's `$vwap / $close` give, whether qlib's
 * backtest would fall back to adjusted_price mode, which days it takes as suspended (NaN `$close`)
 * and where its price-limit check (`$change` vs `limit_threshold`) blocks buys or sells. Skipped
 * without python3 + numpy.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ColumnInput, type Table, tableFromColumns, tablesToQlib } from '../src/index.js';

const READER = fileURLToPath(new URL('./qlib_numpy_reader.py', import.meta.url));
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

interface QlibView {
  readonly calendar: string[];
  readonly adjusted_price_mode: boolean;
  readonly symbols: Record<
    string,
    {
      readonly intervals: [number, number][];
      readonly bin_extents: [number, number][];
      readonly closes_outside_instruments: number;
      readonly rows: { day: number; raw_close: number | null; shares: number | null; vwap0: number | null; vwap_volume_over_amount: number | null }[];
      readonly suspended_days: number[];
      readonly factor_on_suspended_days: number;
      readonly limit_buy_days: number[];
      readonly limit_sell_days: number[];
    }
  >;
}

function readWithNumpy(dir: string): QlibView {
  const run = spawnSync('python3', [READER, dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`qlib_numpy_reader.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as QlibView;
}

/** Weekdays from 2024-01-01, `n` of them. */
function weekdays(n: number): string[] {
  const out: string[] = [];
  for (let day = Date.UTC(2024, 0, 1); out.length < n; day += 86_400_000) {
    const d = new Date(day);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** A small deterministic market: raw prices on a random walk, factors that step up on ex-dates, suspensions. */
function market(): { tables: Map<string, Table>; rows: { code: string; day: number; raw: number; adj: number; volume: number; amount: number }[] } {
  const calendar = weekdays(30);
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const rows: { code: string; day: number; raw: number; adj: number; volume: number; amount: number; open: number; high: number; low: number }[] = [];
  const stocks: [string, number, number][] = [
    // code, first row, last row (rows outside the stock's trading are suspensions)
    ['600000.SH', 0, 29],
    ['000001.SZ', 3, 29],
    ['300750.SZ', 0, 20],
    ['688981.SH', 5, 25],
  ];
  for (const [code, first, last] of stocks) {
    let raw = 5 + 50 * random();
    let adj = 1 + 3 * random();
    for (let day = first; day <= last; day++) {
      if (day > first && random() < 0.08) adj *= 1 + 0.5 * random(); // an ex-date
      // Suspended on the first two and the last row of 000001.SZ, and one day in the middle of 600000.SH.
      const suspended = (code === '000001.SZ' && (day < first + 2 || day === last)) || (code === '600000.SH' && day === 12);
      if (suspended) {
        const p = Math.round(raw * 100) / 100;
        rows.push({ code, day, raw: p, adj, volume: 0, amount: 0, open: p, high: p, low: p });
        continue;
      }
      raw = Math.round(raw * (1 + 0.04 * (random() - 0.5)) * 100) / 100;
      const high = Math.round(raw * (1 + 0.02 * random()) * 100) / 100;
      const low = Math.round(raw * (1 - 0.02 * random()) * 100) / 100;
      const volume = 100 * Math.round(1000 + 50_000 * random());
      const amount = Math.round(volume * (low + (high - low) * random()) * 100) / 100;
      rows.push({ code, day, raw, adj, volume, amount, open: raw, high, low });
    }
  }
  const column = (f: (r: (typeof rows)[number]) => number): { type: 'number'; values: number[] } => ({ type: 'number', values: rows.map(f) });
  const daily = tableFromColumns('daily', {
    ts_code: { type: 'string', values: rows.map((r) => r.code) },
    trade_date: { type: 'date', values: rows.map((r) => calendar[r.day]!) },
    open: column((r) => r.open * r.adj),
    high: column((r) => r.high * r.adj),
    low: column((r) => r.low * r.adj),
    close: column((r) => r.raw * r.adj),
    volume: column((r) => r.volume),
    amount: column((r) => r.amount),
    adj_factor: column((r) => r.adj),
    is_trading: column((r) => (r.volume > 0 ? 1 : 0)),
  });
  const index = tableFromColumns('index_daily', {
    index_code: { type: 'string', values: calendar.map(() => '000300.SH') },
    trade_date: { type: 'date', values: calendar },
    close: { type: 'number', values: calendar.map((_, i) => 3500 + i) },
    volume: { type: 'number', values: calendar.map(() => 1e10) },
    amount: { type: 'number', values: calendar.map(() => 3e11) },
  });
  const tables = new Map<string, Table>([
    ['calendar', tableFromColumns('calendar', { trade_date: { type: 'date', values: calendar } })],
    ['daily', daily],
    ['index_daily', index],
  ]);
  return { tables, rows };
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'factorkit-qlib-numpy-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const relative = (got: number | null, want: number): number => (got === null ? Number.POSITIVE_INFINITY : Math.abs(got - want) / Math.abs(want));

// Under CI python3 with numpy is part of the machine: a missing numpy fails instead of skipping.
describe.skipIf(!hasNumpy && !process.env.CI)('[python] tablesToQlib output as qlib reads it (numpy reader of the .bin format)', () => {
  it('every row is visible in instruments/all, every row has a factor, and the fields follow qlib’s conventions', async () => {
    const { tables, rows } = market();
    const dir = join(root, 'market');
    await tablesToQlib(tables, dir);
    const view = readWithNumpy(dir);
    expect(view.adjusted_price_mode).toBe(false);

    const bad: string[] = [];
    for (const code of new Set(rows.map((r) => r.code))) {
      const mine = rows.filter((r) => r.code === code);
      const symbol = `${code.slice(7)}${code.slice(0, 6)}`;
      const seen = view.symbols[symbol]!;
      // dump_bin: the instrument range and every .bin span the stock's first to last row.
      const first = mine[0]!.day;
      const last = mine[mine.length - 1]!.day;
      expect(seen.intervals).toEqual([[first, last]]);
      expect(seen.bin_extents).toEqual([[first, last - first + 1]]);
      expect(seen.closes_outside_instruments).toBe(0);
      // qlib sees a suspended day (NaN close) on each suspended row, inside the instrument range,
      // with its factor kept; it has a close on the other rows only.
      const trading = mine.filter((r) => r.volume > 0);
      const suspended = mine.filter((r) => r.volume === 0);
      expect(seen.suspended_days).toEqual(suspended.map((r) => r.day));
      expect(seen.factor_on_suspended_days).toBe(suspended.length);
      expect(seen.rows.map((r) => r.day)).toEqual(trading.map((r) => r.day));
      trading.forEach((r, i) => {
        const got = seen.rows[i]!;
        if (relative(got.raw_close, r.raw) > 2e-7) bad.push(`${symbol} ${r.day} raw close ${got.raw_close} ≠ ${r.raw}`);
        if (relative(got.shares, r.volume) > 2e-7) bad.push(`${symbol} ${r.day} shares ${got.shares} ≠ ${r.volume}`);
        // VWAP0 = $vwap / $close = raw VWAP / raw close; and $vwap × $volume = $amount.
        if (relative(got.vwap0, r.amount / r.volume / r.raw) > 3e-7) bad.push(`${symbol} ${r.day} vwap0 ${got.vwap0}`);
        if (relative(got.vwap_volume_over_amount, 1) > 3e-7) bad.push(`${symbol} ${r.day} vwap × volume / amount ${got.vwap_volume_over_amount}`);
      });
    }
    expect(bad.slice(0, 5)).toEqual([]);
    // The index: factor 1, so $close / $factor is the level, and shares are the volume.
    const index = view.symbols['SH000300']!;
    expect(index.rows.every((r) => r.shares === 1e10 && r.vwap0 !== null)).toBe(true);
  });

  it('a row without a factor: qlib would use adjusted_price mode, and the report says so', async () => {
    const { tables } = market();
    const daily = tables.get('daily')!;
    const adj = daily.columns.get('adj_factor')!;
    if (adj.type !== 'number') throw new Error('adj_factor is numeric');
    adj.values[7] = Number.NaN;
    const dir = join(root, 'hole');
    const report = await tablesToQlib(tables, dir);
    expect(readWithNumpy(dir).adjusted_price_mode).toBe(true);
    expect(report.fields.find((f) => f.table === 'daily' && f.field === 'factor')!.note).toMatch(/^1 rows have no factor: .*adjusted_price mode/);
  });

  /**
   * One stock over 8 days: day 1 +10 % (limit-up), day 2 −10 % (limit-down), day 3 +5 %, day 4
   * suspended (volume 0, close carried), day 5 +9.6 % on day 3's close, day 6 −9.6 %, day 7 +9.4 %.
   * (An exact ±9.5 % is not blocked by qlib either: float32 0.095 is below the float64 0.095.)
   */
  const limits = (withPct: boolean): Map<string, Table> => {
    const close = [10, 11, 9.9, 10.395, 10.395, 10.395 * 1.096, 10.395 * 1.096 * 0.904, 10.395 * 1.096 * 0.904 * 1.094];
    const volume = [100, 100, 100, 100, 0, 100, 100, 100];
    const pct = close.map((c, i) => (i === 0 ? 0 : volume[i] === 0 ? 0 : (c / close[i === 5 ? 3 : i - 1]! - 1) * 100));
    const columns: Record<string, ColumnInput> = {
      ts_code: { type: 'string', values: close.map(() => '600000.SH') },
      trade_date: { type: 'date', values: weekdays(8) },
      open: { type: 'number', values: close },
      high: { type: 'number', values: close },
      low: { type: 'number', values: close },
      close: { type: 'number', values: close },
      volume: { type: 'number', values: volume },
      ...(withPct ? { pct_chg: { type: 'number' as const, values: pct } } : {}),
    };
    return new Map([
      ['calendar', tableFromColumns('calendar', { trade_date: { type: 'date', values: weekdays(8) } })],
      ['daily', tableFromColumns('daily', columns)],
    ]);
  };

  it.each([
    ['derived from closes (no pct_chg)', false],
    ['from pct_chg, as a fraction', true],
  ])('qlib’s limit check sees limit-up and limit-down days, and the suspended day: $change %s', async (_, withPct) => {
    const dir = join(root, `limits-${withPct}`);
    const report = await tablesToQlib(limits(withPct), dir);
    expect(report.fields.find((f) => f.field === 'change')).toMatchObject({ written: true, derived: !withPct });
    const seen = readWithNumpy(dir).symbols['SH600000']!;
    // limit_threshold 0.095 (qlib's configs): buys blocked at ≥ +9.5 %, sells at ≤ −9.5 %.
    expect(seen.suspended_days).toEqual([4]);
    expect(seen.limit_buy_days).toEqual([1, 5]);
    expect(seen.limit_sell_days).toEqual([2, 6]);
  });
});
