/**
 * The report document: plain, JSON-serialisable data that a caller fills from its own results
 * (a tracking run, a backtest, a fund comparison) and that {@link renderHtml} and the CSV writers
 * turn into files. Nothing here knows how the numbers were computed.
 *
 * Missing numbers are `NaN`, `null` or `undefined` everywhere (shown as `–`, written as an empty
 * CSV cell). Dates are `YYYY-MM-DD` strings, as in the rest of factorkit.
 */

/**
 * How a column's values are shown:
 * - `pct`: a fraction shown as a percentage (`0.0123` → `1.23%`), `digits` after the point (default 2);
 * - `number`: a fixed-point number (`digits`, default 2);
 * - `int`: an integer with thousands separators (`12,345`);
 * - `text`: any text, shown as text (HTML-escaped), left-aligned;
 * - `date`: a `YYYY-MM-DD` date.
 */
export type ColumnFormat = 'pct' | 'number' | 'int' | 'text' | 'date';

/** Number formats of a chart's value axis (see {@link ColumnFormat}). */
export type AxisFormat = 'pct' | 'number';

/** One cell's value: a number for numeric columns, a string for text and date columns; missing as `null`, `undefined` or `NaN`. */
export type CellValue = number | string | null | undefined;

/** A table row: cell values by column id. Keys that are not column ids are ignored. */
export type TableRow = Readonly<Record<string, CellValue>>;

/**
 * Marks on the best and worst values of a column, as sell-side factor tables colour the best and
 * worst factors of each period. `better` says which end is best (`lower` for a drawdown or a
 * volatility). `best`/`worst` are how many values to mark at each end (default 3 each; 0 marks
 * none). Ties with the last marked value are all marked. A column with fewer than two distinct
 * values gets no mark; a value among the best is never also marked worst.
 */
export interface ColumnMarks {
  readonly better: 'higher' | 'lower';
  readonly best?: number;
  readonly worst?: number;
}

/** One column of a {@link TableBlock}. */
export interface TableColumn {
  /** The row key and the CSV header (`trade_date`, `excess_return`, `2023`). */
  readonly id: string;
  /** The header shown on the page. */
  readonly label: string;
  readonly format: ColumnFormat;
  /** Digits after the decimal point for `pct` (of the percentage) and `number`; 0–10. */
  readonly digits?: number;
  /** Colour numbers by sign: positive as "up", negative as "down" (see {@link ColorConvention}). */
  readonly colorBySign?: boolean;
  /** Show a `+` before positive numbers. */
  readonly plusSign?: boolean;
  /** Mark the best and worst values of this numeric column. */
  readonly marks?: ColumnMarks;
  /** A longer description, shown as the header's tooltip. */
  readonly description?: string;
}

/** How a marked row looks: `emphasis` (bold, tinted — a benchmark or a composite), `muted` (grey), `warning` (amber edge — an infeasible date). */
export type RowStyle = 'emphasis' | 'muted' | 'warning';

/** A mark on one row of a table, by its index in `rows`. */
export interface RowMark {
  readonly row: number;
  readonly style?: RowStyle;
  /** Leave this row out of the best/worst marks (a benchmark row among factors). */
  readonly unranked?: boolean;
}

/** A table: columns, rows as records, optional best/worst marks per column and marked rows. */
export interface TableBlock {
  readonly kind: 'table';
  readonly title?: string;
  /** A short text under the table (definitions, units). */
  readonly note?: string;
  readonly columns: readonly TableColumn[];
  readonly rows: readonly TableRow[];
  readonly rowMarks?: readonly RowMark[];
  /**
   * The file that holds these numbers (`tracking.csv`), named under the table; a relative path
   * made of letters, digits, `._-/` becomes a link, anything else is shown as text.
   */
  readonly source?: string;
}

/** One named series of a chart; `values[i]` belongs to the `i`-th x value, `NaN`/`null` is a gap. */
export interface ChartSeries {
  readonly name: string;
  readonly values: ArrayLike<number | null>;
}

/** A line chart over dates, e.g. the cumulative excess return of each factor. */
export interface LineChartBlock {
  readonly kind: 'lineChart';
  readonly title?: string;
  readonly note?: string;
  /** The x values: `YYYY-MM-DD` dates (or any labels), ascending. */
  readonly x: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly yFormat: AxisFormat;
  /** Digits after the point of the values shown in the legend (default 2); axis ticks take as few as they need. */
  readonly digits?: number;
  /** Pixel height of the drawing (default 360); the width follows the page. */
  readonly height?: number;
  /** Show each series' last value in the legend (default true). */
  readonly lastValueInLegend?: boolean;
  readonly source?: string;
}

/** A bar chart over categories (factors, years). */
export interface BarChartBlock {
  readonly kind: 'barChart';
  readonly title?: string;
  readonly note?: string;
  readonly categories: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly yFormat: AxisFormat;
  readonly digits?: number;
  readonly height?: number;
  /** Bars along the y axis, categories down the side (for long names). */
  readonly horizontal?: boolean;
  /** With one series: colour each bar by its sign (up/down colours) instead of the series colour. */
  readonly colorBySign?: boolean;
  readonly source?: string;
}

/** A paragraph of text; line breaks are kept. */
export interface NoteBlock {
  readonly kind: 'note';
  readonly text: string;
  readonly tone?: 'info' | 'warning';
}

/** A key/value list (parameters, constraints, data coverage). */
export interface KvBlock {
  readonly kind: 'kv';
  readonly title?: string;
  readonly items: readonly (readonly [key: string, value: string | number])[];
}

/** Every kind of block a section holds. */
export type Block = TableBlock | LineChartBlock | BarChartBlock | NoteBlock | KvBlock;

/** A section of the report (one universe, one analysis); listed in the table of contents. */
export interface Section {
  readonly title: string;
  /** A short text under the section title. */
  readonly intro?: string;
  readonly blocks: readonly Block[];
}

/**
 * Which colour means up. `a-share` (default): red is up, positive and best, green is down,
 * negative and worst, as on Chinese exchanges and in sell-side reports; `western`: the reverse.
 * The page states the convention in its legend.
 */
export type ColorConvention = 'a-share' | 'western';

/** The whole report. */
export interface ReportDocument {
  readonly title: string;
  readonly subtitle?: string;
  /** When the results were produced, as the caller wants it shown (an ISO timestamp); the renderer never reads the clock. */
  readonly generatedAt: string;
  /** Run parameters shown under the title: data, as-of date, universes, code version… */
  readonly meta: readonly (readonly [key: string, value: string])[];
  readonly sections: readonly Section[];
  /** Default `a-share`. */
  readonly colors?: ColorConvention;
  /** The page's language tag (`en`, `zh-CN`); default `en`. */
  readonly lang?: string;
}
