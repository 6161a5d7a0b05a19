/**
 * Charts as SVG text, drawn by ECharts' server-side renderer (no DOM, no script in the output).
 * ECharts escapes the text it writes (`<`, `&`, quotes in labels, names and titles); the output is
 * still checked against a list of allowed elements and attributes before it goes into a page.
 */
import { FactorkitError } from '@factorkit/core';
import * as echarts from 'echarts';
import { DEFAULT_DIGITS, formatNumber, formatTick } from './format.js';
import type { AxisFormat, BarChartBlock, ChartSeries, LineChartBlock } from './model.js';
import { type Palette, SERIES_COLORS, type SignColors, seriesStyle, signColors as defaultSignColors } from './palette.js';

/** The drawing width in SVG units; the page scales the SVG to its column width. */
export const CHART_WIDTH = 960;
/** The default drawing height. */
export const CHART_HEIGHT = 360;

/**
 * Fonts for text inside the SVG. Only single quotes: ECharts writes this into a double-quoted
 * `style` attribute without escaping it.
 */
const SVG_FONTS = "-apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', sans-serif";

const AXIS_TEXT = '#4b5563';
const GRID_LINE = '#e5e7eb';
const ZERO_LINE = '#6b7280';

const toData = (values: ArrayLike<number | null>): (number | null)[] =>
  Array.from(values, (value) => (value === null || Number.isNaN(value) ? null : value));

/** Options of {@link lineChartSvg} and {@link barChartSvg}. */
export interface ChartOptions {
  /** Series colours in order (default {@link SERIES_COLORS}). */
  readonly palette?: Palette;
  /** Prefix of the SVG's element ids, unique on the page (default `chart`). */
  readonly idPrefix?: string;
}

/**
 * ECharts' SVG made fit for a static page: its hover style sheet and bookkeeping attributes
 * removed (nothing is interactive), and its ids — numbered by a process-wide counter — renamed
 * from `prefix`, so the same chart gives the same text and two charts on a page never share an id.
 */
function tidySvg(svg: string, prefix: string): string {
  return svg
    .replace(/<style[^>]*>[\s\S]*?<\/style>/g, '')
    .replace(/\s(?:ecmeta_[a-z_]+|class)="[^"]*"/g, '')
    .replace(/\bzr\d+-([a-z]+\d+)\b/g, `${prefix}-$1`);
}

function render(option: echarts.EChartsCoreOption, height: number, prefix: string): string {
  if (!/^[A-Za-z][\w-]*$/.test(prefix)) throw new FactorkitError('FK_INVALID_ARGUMENT', `report: a chart id prefix is letters, digits, \`_\` and \`-\`, got \`${prefix}\``);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height });
  try {
    chart.setOption(option);
    return assertSafeSvg(tidySvg(chart.renderToSVGString(), prefix));
  } finally {
    // An undisposed SSR chart keeps a timer that holds the process open.
    chart.dispose();
  }
}

const ALLOWED_ELEMENTS = new Set(['svg', 'g', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'text', 'tspan', 'defs', 'clipPath', 'linearGradient', 'radialGradient', 'stop', 'title', 'desc']);
const TAG = /<\/?([A-Za-z][\w:-]*)([^>]*)>/g;
const ATTRIBUTE = /([^\s=/]+)\s*=\s*("[^"]*"|'[^']*')/g;

/**
 * `svg` if it holds only drawing elements and no event handler, link or external reference;
 * otherwise an error. A guard against a renderer that one day writes data into markup unescaped.
 *
 * @throws FactorkitError `FK_INVALID_OUTPUT` naming the offending element or attribute.
 */
export function assertSafeSvg(svg: string): string {
  for (const tag of svg.matchAll(TAG)) {
    const name = tag[1]!;
    if (!ALLOWED_ELEMENTS.has(name)) throw unsafe(`element \`<${name}>\``);
    for (const attribute of (tag[2] ?? '').matchAll(ATTRIBUTE)) {
      const key = attribute[1]!.toLowerCase();
      const value = attribute[2]!.toLowerCase();
      if (key.startsWith('on') || key === 'href' || key === 'xlink:href' || value.includes('javascript:') || value.includes('url(http') || value.includes('@import')) {
        throw unsafe(`attribute \`${key}\` of \`<${name}>\``);
      }
    }
  }
  return svg;
}

function unsafe(what: string): FactorkitError {
  return new FactorkitError('FK_INVALID_OUTPUT', `report: the chart renderer produced ${what}, which a self-contained page must not hold; the chart was not written`);
}

function valueAxis(format: AxisFormat): Record<string, unknown> {
  return {
    type: 'value',
    axisLabel: { color: AXIS_TEXT, formatter: (value: number) => formatTick(value, format) },
    splitLine: { lineStyle: { color: GRID_LINE } },
  };
}

function categoryAxis(labels: readonly string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'category',
    data: labels,
    axisLine: { onZero: false, lineStyle: { color: '#9ca3af' } },
    axisTick: { show: false },
    axisLabel: { color: AXIS_TEXT, hideOverlap: true },
    ...extra,
  };
}

/** A solid line at value 0 (`yAxis: 0`, or `xAxis: 0` when the value axis is horizontal). */
const zeroMark = (axis: 'xAxis' | 'yAxis') => ({ silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: ZERO_LINE, type: 'solid', width: 1 }, data: [{ [axis]: 0 }] });

/** The SVG of a line chart block (see {@link LineChartBlock}); series take `palette` colours in order. */
export function lineChartSvg(block: LineChartBlock, options: ChartOptions = {}): string {
  const palette = options.palette ?? SERIES_COLORS;
  const option = {
    animation: false,
    textStyle: { fontFamily: SVG_FONTS },
    grid: { left: 12, right: 40, top: 14, bottom: 8, containLabel: true },
    xAxis: categoryAxis(block.x, { boundaryGap: false }),
    yAxis: valueAxis(block.yFormat),
    series: block.series.map((series, i) => {
      const style = seriesStyle(palette, i);
      return {
        type: 'line',
        name: series.name,
        data: toData(series.values),
        showSymbol: false,
        connectNulls: false,
        // Keeps the shape at one point per pixel: a 10-year daily curve stays a few kB.
        sampling: 'lttb',
        color: style.color,
        lineStyle: { width: 1.6, type: style.dashed ? 'dashed' : 'solid' },
        emphasis: { disabled: true },
        ...(i === 0 ? { markLine: zeroMark('yAxis') } : {}),
      };
    }),
  };
  return render(option, block.height ?? CHART_HEIGHT, options.idPrefix ?? 'chart');
}

/** The SVG of a bar chart block (see {@link BarChartBlock}). */
export function barChartSvg(block: BarChartBlock, options: ChartOptions & { readonly signColors?: Pick<SignColors, 'up' | 'down'> } = {}): string {
  const palette = options.palette ?? SERIES_COLORS;
  const signColors = options.signColors ?? defaultSignColors();
  const horizontal = block.horizontal === true;
  const bySign = block.colorBySign === true && block.series.length === 1;
  const bars = block.categories.length * block.series.length;
  const showLabels = bars <= 40;
  const digits = block.digits ?? DEFAULT_DIGITS;
  const rotate = !horizontal && block.categories.length > 8 ? 30 : 0;
  const categories = categoryAxis(block.categories, {
    axisLabel: { color: AXIS_TEXT, interval: 0, rotate, hideOverlap: false },
    ...(horizontal ? { inverse: true } : {}),
  });
  const option = {
    animation: false,
    textStyle: { fontFamily: SVG_FONTS },
    grid: { left: 12, right: horizontal ? 56 : 20, top: 24, bottom: 8, containLabel: true },
    xAxis: horizontal ? valueAxis(block.yFormat) : categories,
    yAxis: horizontal ? categories : valueAxis(block.yFormat),
    series: block.series.map((series: ChartSeries, i) => {
      const color = seriesStyle(palette, i).color;
      return {
        type: 'bar',
        name: series.name,
        color,
        barMaxWidth: 28,
        emphasis: { disabled: true },
        data: toData(series.values).map((value) => ({
          value,
          ...(bySign && value !== null ? { itemStyle: { color: value >= 0 ? signColors.up : signColors.down } } : {}),
          label: {
            show: showLabels && value !== null,
            position: horizontal ? (value !== null && value < 0 ? 'left' : 'right') : value !== null && value < 0 ? 'bottom' : 'top',
            color: AXIS_TEXT,
            fontSize: 11,
            formatter: () => formatNumber(value, block.yFormat, digits),
          },
        })),
        ...(i === 0 ? { markLine: zeroMark(horizontal ? 'xAxis' : 'yAxis') } : {}),
      };
    }),
  };
  return render(option, block.height ?? CHART_HEIGHT, options.idPrefix ?? 'chart');
}
