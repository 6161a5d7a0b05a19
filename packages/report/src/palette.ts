import type { ColorConvention } from './model.js';

/** Colours of chart series, in order; after the last one they repeat with dashed lines. */
export type Palette = readonly string[];

/**
 * Twenty series colours, the first ten well apart, the next ten darker or lighter relatives, so
 * fifteen factors on one chart stay distinguishable.
 */
export const SERIES_COLORS: Palette = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
  '#393b79', '#e6550d', '#637939', '#ad494a', '#7b4173', '#843c39', '#3182bd', '#31a354', '#756bb1', '#636363',
];

/** Colour and dash of series `index`. */
export function seriesStyle(palette: Palette, index: number): { color: string; dashed: boolean } {
  return { color: palette[index % palette.length]!, dashed: index >= palette.length };
}

/** What the colours of up and down (and best and worst) are under a convention. */
export interface SignColors {
  /** Text colour of a positive number. */
  readonly up: string;
  readonly down: string;
  /** Cell background of a best / worst value. */
  readonly bestFill: string;
  readonly worstFill: string;
  /** The sentence the page's legend shows. */
  readonly legend: string;
}

const RED = '#c81e1e';
const GREEN = '#0a7a3b';
const RED_FILL = '#fde2e1';
const GREEN_FILL = '#d9f2e3';

/** The colours of `convention` (default `a-share`: red is up and best, green is down and worst). */
export function signColors(convention: ColorConvention = 'a-share'): SignColors {
  return convention === 'a-share'
    ? { up: RED, down: GREEN, bestFill: RED_FILL, worstFill: GREEN_FILL, legend: 'A-share convention: red = up, positive, best; green = down, negative, worst.' }
    : { up: GREEN, down: RED, bestFill: GREEN_FILL, worstFill: RED_FILL, legend: 'Western convention: green = up, positive, best; red = down, negative, worst.' };
}
