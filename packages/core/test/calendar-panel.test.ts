import { describe, expect, it } from 'vitest';
import { Panel, TradingCalendar, isDateString } from '../src/index.js';
import { arr, thrown } from './helpers.js';

describe('isDateString', () => {
  it('accepts real YYYY-MM-DD dates, leap days included', () => {
    for (const d of ['2023-01-03', '2024-02-29', '2000-02-29', '1999-12-31']) expect(isDateString(d), d).toBe(true);
  });

  it('rejects impossible dates and other forms', () => {
    for (const d of ['2023-02-30', '2023-02-29', '1900-02-29', '2023-13-01', '2023-00-10', '2023-04-31', '2023-1-05', '20230105', '2023-01-05T00:00', ' 2023-01-05']) {
      expect(isDateString(d), d).toBe(false);
    }
    expect(isDateString(20230105)).toBe(false);
    expect(isDateString(new Date())).toBe(false);
  });
});

describe('TradingCalendar', () => {
  // Tue Wed Thu, then Mon Tue (a weekend and a Friday holiday in between).
  const dates = ['2023-01-03', '2023-01-04', '2023-01-05', '2023-01-09', '2023-01-10'];
  const calendar = new TradingCalendar(dates);

  it('holds a frozen copy of the dates', () => {
    const input = [...dates];
    const own = new TradingCalendar(input);
    input[0] = '2022-01-01';
    expect(own.dates[0]).toBe('2023-01-03');
    expect(Object.isFrozen(own.dates)).toBe(true);
    expect(own.length).toBe(5);
  });

  it('at() returns the date and throws outside the calendar', () => {
    expect(calendar.at(0)).toBe('2023-01-03');
    expect(calendar.at(4)).toBe('2023-01-10');
    const error = thrown(() => calendar.at(5));
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toBe('calendar: index 5 is outside 0..4');
    expect(thrown(() => calendar.at(-1)).code).toBe('FK_INVALID_ARGUMENT');
  });

  it('indexOf() finds trading days only', () => {
    expect(calendar.indexOf('2023-01-03')).toBe(0);
    expect(calendar.indexOf('2023-01-09')).toBe(3);
    expect(calendar.indexOf('2023-01-06')).toBe(-1);
    expect(calendar.indexOf('2023-01-02')).toBe(-1);
  });

  it('floor() gives the last trading day on or before a date', () => {
    expect(calendar.floor('2023-01-02')).toBe(-1);
    expect(calendar.floor('2023-01-03')).toBe(0);
    expect(calendar.floor('2023-01-05')).toBe(2);
    expect(calendar.floor('2023-01-06')).toBe(2);
    expect(calendar.floor('2023-01-08')).toBe(2);
    expect(calendar.floor('2023-01-09')).toBe(3);
    expect(calendar.floor('2023-01-10')).toBe(4);
    expect(calendar.floor('2030-01-01')).toBe(4);
  });

  it('ceil() gives the first trading day on or after a date', () => {
    expect(calendar.ceil('1999-01-01')).toBe(0);
    expect(calendar.ceil('2023-01-03')).toBe(0);
    expect(calendar.ceil('2023-01-04')).toBe(1);
    expect(calendar.ceil('2023-01-06')).toBe(3);
    expect(calendar.ceil('2023-01-10')).toBe(4);
    expect(calendar.ceil('2023-01-11')).toBe(5);
  });

  it('slice() takes [start, end)', () => {
    expect(calendar.slice(1, 3).dates).toEqual(['2023-01-04', '2023-01-05']);
    expect(calendar.slice(3).dates).toEqual(['2023-01-09', '2023-01-10']);
    expect(calendar.slice(2, 2).length).toBe(0);
    expect(calendar.slice(1, 3).indexOf('2023-01-05')).toBe(1);
  });

  it('an empty calendar answers consistently', () => {
    const empty = new TradingCalendar([]);
    expect(empty.length).toBe(0);
    expect(empty.floor('2023-01-01')).toBe(-1);
    expect(empty.ceil('2023-01-01')).toBe(0);
  });

  it('rejects dates that are not YYYY-MM-DD, naming the position', () => {
    const error = thrown(() => new TradingCalendar(['2023-02-27', '2023-02-30']));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toBe('calendar: date `"2023-02-30"` at position 1 is not a YYYY-MM-DD date');
    expect(thrown(() => new TradingCalendar(['2023/01/03'])).code).toBe('FK_INVALID_DATA');
  });

  it('rejects unsorted and duplicate dates', () => {
    const error = thrown(() => new TradingCalendar(['2023-01-03', '2023-01-05', '2023-01-04']));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toBe('calendar: dates must be strictly increasing, but position 2 (2023-01-04) follows 2023-01-05');
    expect(thrown(() => new TradingCalendar(['2023-01-03', '2023-01-03'])).code).toBe('FK_INVALID_DATA');
  });
});

describe('Panel', () => {
  // rows[t][a]: 2 dates × 3 assets.
  const rows = [
    [1, 2, 3],
    [4, 5, 6],
  ];

  it('a new panel is NaN-filled', () => {
    const panel = new Panel(2, 3);
    expect(panel.values).toHaveLength(6);
    expect(panel.values.every(Number.isNaN)).toBe(true);
  });

  it('stores values column-major: values[a * dates + t]', () => {
    const panel = Panel.fromRows(rows);
    expect(panel.dates).toBe(2);
    expect(panel.assets).toBe(3);
    expect(arr(panel.values)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(panel.get(1, 2)).toBe(6);
    expect(panel.get(0, 1)).toBe(2);
    panel.set(0, 1, 9);
    expect(panel.values[1 * 2 + 0]).toBe(9);
  });

  it('wraps a given array without copying', () => {
    const values = Float64Array.from([1, 4, 2, 5]);
    const panel = new Panel(2, 2, values);
    expect(panel.values).toBe(values);
    expect(panel.toRows()).toEqual([
      [1, 2],
      [4, 5],
    ]);
  });

  it('column() is a zero-copy view of one asset', () => {
    const panel = Panel.fromRows(rows);
    const column = panel.column(1);
    expect(arr(column)).toEqual([2, 5]);
    expect(column.buffer).toBe(panel.values.buffer);
    expect(column.byteOffset).toBe(2 * Float64Array.BYTES_PER_ELEMENT);
    column[0] = 7;
    expect(panel.get(0, 1)).toBe(7);
    panel.set(1, 1, 8);
    expect(column[1]).toBe(8);
  });

  it('row() copies one date across assets, into `out` when given', () => {
    const panel = Panel.fromRows(rows);
    expect(arr(panel.row(1))).toEqual([4, 5, 6]);
    const out = new Float64Array(3);
    expect(panel.row(0, out)).toBe(out);
    expect(arr(out)).toEqual([1, 2, 3]);
    out[0] = 100;
    expect(panel.get(0, 0)).toBe(1);
  });

  it('setRow() writes one date', () => {
    const panel = Panel.fromRows(rows);
    panel.setRow(0, [7, 8, 9]);
    expect(panel.toRows()).toEqual([
      [7, 8, 9],
      [4, 5, 6],
    ]);
  });

  it('fromRows() turns null and undefined into NaN and rejects ragged rows', () => {
    const panel = Panel.fromRows([
      [1, null],
      [undefined, 4],
    ]);
    expect(arr(panel.values)).toEqual([1, Number.NaN, Number.NaN, 4]);
    const error = thrown(() => Panel.fromRows([[1, 2], [3]]));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toBe('panel: row 1 has 1 values, row 0 has 2');
    const empty = Panel.fromRows([]);
    expect([empty.dates, empty.assets]).toEqual([0, 0]);
  });

  it('sliceDates() copies rows [start, end)', () => {
    const panel = Panel.fromRows([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const slice = panel.sliceDates(1, 3);
    expect(slice.toRows()).toEqual([
      [3, 4],
      [5, 6],
    ]);
    expect(arr(slice.values)).toEqual([3, 5, 4, 6]);
    slice.set(0, 0, 100);
    expect(panel.get(1, 0)).toBe(3);
    expect(panel.sliceDates(2).toRows()).toEqual([[5, 6]]);
    expect(panel.sliceDates(1, 1).dates).toBe(0);
    for (const [s, e] of [
      [-1, 2],
      [0, 4],
      [2, 1],
    ] as const) {
      expect(thrown(() => panel.sliceDates(s, e)).code).toBe('FK_INVALID_ARGUMENT');
    }
    expect(thrown(() => panel.sliceDates(2, 1)).message).toBe('panel: date range [2, 1) is outside 0..3');
  });

  it('selectAssets() copies the given columns in the given order', () => {
    const panel = Panel.fromRows(rows);
    const picked = panel.selectAssets([2, 0, 2]);
    expect(picked.toRows()).toEqual([
      [3, 1, 3],
      [6, 4, 6],
    ]);
    picked.set(0, 1, 100);
    expect(panel.get(0, 0)).toBe(1);
    expect(panel.selectAssets([]).assets).toBe(0);
  });

  it('selectAssets() rejects an asset index outside the panel', () => {
    const panel = Panel.fromRows(rows);
    expect(thrown(() => panel.selectAssets([3])).code).toBe('FK_INVALID_ARGUMENT');
    expect(thrown(() => panel.selectAssets([-1])).code).toBe('FK_INVALID_ARGUMENT');
  });

  it('lagged() shifts rows down and fills the first rows with NaN', () => {
    const panel = Panel.fromRows([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const N = Number.NaN;
    expect(panel.lagged(1).toRows()).toEqual([
      [N, N],
      [1, 2],
      [3, 4],
    ]);
    expect(panel.lagged(2).toRows()).toEqual([
      [N, N],
      [N, N],
      [1, 2],
    ]);
    expect(panel.lagged(3).toRows()).toEqual([
      [N, N],
      [N, N],
      [N, N],
    ]);
    expect(panel.lagged(10).values.every(Number.isNaN)).toBe(true);
    const copy = panel.lagged(0);
    expect(copy.toRows()).toEqual(panel.toRows());
    expect(copy.values).not.toBe(panel.values);
    for (const lag of [-1, 1.5, Number.NaN]) expect(thrown(() => panel.lagged(lag)).code).toBe('FK_INVALID_ARGUMENT');
  });

  it('rejects bad shapes', () => {
    const error = thrown(() => new Panel(2, 2, new Float64Array(3)));
    expect(error.code).toBe('FK_INVALID_DATA');
    expect(error.message).toBe('panel: 2 dates × 2 assets needs 4 values, got 3');
    expect(thrown(() => new Panel(-1, 2)).code).toBe('FK_INVALID_ARGUMENT');
    expect(thrown(() => new Panel(1.5, 2)).code).toBe('FK_INVALID_ARGUMENT');
    expect(thrown(() => new Panel(2, Number.NaN)).code).toBe('FK_INVALID_ARGUMENT');
  });
});
