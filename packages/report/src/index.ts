/**
 * @factorkit/report — result objects in, a self-contained HTML page and CSV files out. The
 * caller maps its results into a {@link ReportDocument}; this package knows nothing of how they
 * were computed.
 */
export type {
  AxisFormat,
  BarChartBlock,
  Block,
  CellValue,
  ChartSeries,
  ColorConvention,
  ColumnFormat,
  ColumnMarks,
  KvBlock,
  LineChartBlock,
  NoteBlock,
  ReportDocument,
  RowMark,
  RowStyle,
  Section,
  TableBlock,
  TableColumn,
  TableRow,
} from './model.js';
export { renderHtml } from './html.js';
export { REPORT_FILE, writeReport } from './write.js';
export { type CsvColumn, type CsvOptions, csvField, csvHeader, csvRow, csvValue, guardFormula, tableToCsv, writeCsv } from './csv.js';
export { type CellMark, DEFAULT_MARKED, columnMarks } from './marks.js';
export { DEFAULT_DIGITS, MISSING, escapeHtml, formatCell, formatNumber, formatTick } from './format.js';
export { CHART_HEIGHT, CHART_WIDTH, type ChartOptions, assertSafeSvg, barChartSvg, lineChartSvg } from './chart.js';
export { type Palette, SERIES_COLORS, type SignColors, signColors } from './palette.js';
export { assertDocument, isNumericFormat, validateDocument } from './validate.js';
