import { type CategoricalPanel, type MarketData, Panel, createMemoryData } from '@factorkit/core';

export const NAN = Number.NaN;

/** The hand-made panel of the golden tests: 5 weekdays × 2 assets of `ret`. */
export const HAND_DATES = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08'];
export const HAND_ASSETS = ['600000.SH', '000001.SZ'];
export const HAND_RET = [
  [0.01, 0.02],
  [0.02, NAN],
  [-0.01, 0.01],
  [0.03, 0.02],
  [0.0, -0.03],
];

/**
 * `ret_sum` (window 3) on the hand panel, added up by hand: a window holding the missing
 * return of 2024-01-03 gives NaN.
 */
export const HAND_RET_SUM_3 = [
  [NAN, NAN],
  [NAN, NAN],
  [0.01 + 0.02 - 0.01, NAN],
  [0.02 - 0.01 + 0.03, NAN],
  [-0.01 + 0.03 + 0.0, 0.01 + 0.02 - 0.03],
];

export function handData(fields: Record<string, readonly (readonly number[])[]> = { ret: HAND_RET }, categorical: Record<string, CategoricalPanel> = {}): MarketData {
  return createMemoryData({
    calendar: HAND_DATES,
    assets: HAND_ASSETS,
    fields: Object.fromEntries(Object.entries(fields).map(([name, rows]) => [name, Panel.fromRows(rows)])),
    categorical,
  });
}
