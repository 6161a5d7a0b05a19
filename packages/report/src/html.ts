/**
 * The report page: one HTML file with its style sheet inline and every chart as inline SVG. It
 * holds no script and loads nothing (a Content-Security-Policy says so to the browser too), so it
 * opens offline, from an e-mail attachment or a file share, and prints.
 */
import { barChartSvg, lineChartSvg } from './chart.js';
import { DEFAULT_DIGITS, MISSING, escapeHtml, formatCell, formatNumber } from './format.js';
import { type CellMark, DEFAULT_MARKED, columnMarks } from './marks.js';
import type { BarChartBlock, Block, KvBlock, LineChartBlock, NoteBlock, ReportDocument, RowStyle, TableBlock } from './model.js';
import { SERIES_COLORS, type SignColors, seriesStyle, signColors } from './palette.js';
import { styleSheet } from './style.js';
import { assertDocument, isNumericFormat } from './validate.js';

/** Nothing may be fetched or run: styles and inline SVG only. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/** A relative path of plain characters may become a link; anything else is shown as text. */
const SAFE_LINK = /^(?![/\\])(?!.*\.\.)[\w.\-/]+$/;

const h = escapeHtml;

function blockId(section: number, block: number): string {
  return `s${section + 1}-b${block + 1}`;
}

function sourceLine(source: string | undefined): string {
  if (source === undefined) return '';
  const text = SAFE_LINK.test(source) ? `<a href="${h(source)}">${h(source)}</a>` : `<code>${h(source)}</code>`;
  return `<p class="source">Data: ${text}</p>`;
}

function noteLine(note: string | undefined): string {
  return note === undefined ? '' : `<p class="note">${h(note)}</p>`;
}

function title(text: string | undefined): string {
  return text === undefined ? '' : `<h3>${h(text)}</h3>`;
}

/** `pos`/`neg` by sign, none when the shown text is zero (`0.00%` of a tiny value is not "up"). */
function signClass(value: number, text: string): string {
  if (!/[1-9]/.test(text)) return '';
  return value > 0 ? 'pos' : value < 0 ? 'neg' : '';
}

/** "Shaded in Last week, IR: the 3 best and 3 worst values (Max DD: 2 and 2) …" under a table with marks. */
function marksNote(block: TableBlock): string {
  const marked = block.columns.filter((column) => column.marks);
  if (marked.length === 0) return '';
  const pair = (column: TableBlock['columns'][number]) => `${column.marks?.best ?? DEFAULT_MARKED} and ${column.marks?.worst ?? DEFAULT_MARKED}`;
  const tally = new Map<string, number>();
  for (const column of marked) tally.set(pair(column), (tally.get(pair(column)) ?? 0) + 1);
  const common = [...tally].sort((a, b) => b[1] - a[1])[0]![0];
  const [best, worst] = common.split(' and ');
  const exceptions = marked.filter((column) => pair(column) !== common).map((column) => `${h(column.label)}: ${pair(column)}`);
  return `<p class="note">Shaded in ${marked.map((column) => h(column.label)).join(', ')}: the <span class="chip best">${best} best</span> and <span class="chip worst">${worst} worst</span> values of each column${exceptions.length > 0 ? ` (${exceptions.join('; ')})` : ''}; values tied with the last one marked are marked too.</p>`;
}

function tableHtml(block: TableBlock): string {
  const marks = columnMarks(block);
  const rowStyles = new Map<number, RowStyle>();
  for (const mark of block.rowMarks ?? []) if (mark.style) rowStyles.set(mark.row, mark.style);
  const head = block.columns
    .map((column) => {
      const classes = isNumericFormat(column.format) ? ' class="num"' : '';
      const tip = column.description === undefined ? '' : ` title="${h(column.description)}"`;
      return `<th scope="col"${classes}${tip}>${h(column.label)}</th>`;
    })
    .join('');
  const body = block.rows
    .map((row, r) => {
      const style = rowStyles.get(r);
      const cells = block.columns
        .map((column) => {
          const value = row[column.id];
          const text = formatCell(value, column);
          const classes: string[] = [];
          if (isNumericFormat(column.format)) classes.push('num');
          if (text === MISSING) classes.push('missing');
          else if (column.colorBySign === true && typeof value === 'number') classes.push(signClass(value, text));
          const mark: CellMark | undefined = marks.get(column.id)?.get(r);
          if (mark) classes.push(mark);
          const cls = classes.filter(Boolean).join(' ');
          return `<td${cls ? ` class="${cls}"` : ''}>${h(text)}</td>`;
        })
        .join('');
      return `<tr${style ? ` class="row-${style}"` : ''}>${cells}</tr>`;
    })
    .join('\n');
  const markNote = marksNote(block);
  return `${title(block.title)}<div class="table-wrap"><table>
<thead><tr>${head}</tr></thead>
<tbody>
${body}
</tbody></table></div>${markNote}${noteLine(block.note)}${sourceLine(block.source)}`;
}

function lastValue(values: ArrayLike<number | null>): number | undefined {
  for (let i = values.length - 1; i >= 0; i--) {
    const value = values[i];
    if (value !== null && value !== undefined && !Number.isNaN(value)) return value;
  }
  return undefined;
}

function legendHtml(block: LineChartBlock | BarChartBlock, withLast: boolean): string {
  const items = block.series.map((series, i) => {
    const style = seriesStyle(SERIES_COLORS, i);
    const last = withLast ? lastValue(series.values) : undefined;
    const value =
      last === undefined
        ? ''
        : ` <span class="last ${last > 0 ? 'up' : last < 0 ? 'down' : ''}">${h(formatNumber(last, block.yFormat, block.digits ?? DEFAULT_DIGITS, true))}</span>`;
    return `<li><span class="swatch${style.dashed ? ' dashed' : ''}" style="border-top-color:${style.color}"></span>${h(series.name)}${value}</li>`;
  });
  return `<ul class="legend">${items.join('')}</ul>`;
}

function chartHtml(block: LineChartBlock | BarChartBlock, id: string, colors: SignColors): string {
  const svg = block.kind === 'lineChart' ? lineChartSvg(block, { idPrefix: id }) : barChartSvg(block, { idPrefix: id, signColors: colors });
  const legend =
    block.kind === 'lineChart' ? legendHtml(block, block.lastValueInLegend !== false) : block.series.length > 1 ? legendHtml(block, false) : '';
  const label = block.title ?? (block.kind === 'lineChart' ? 'line chart' : 'bar chart');
  return `${title(block.title)}${legend}<div class="chart" role="img" aria-label="${h(label)}">${svg}</div>${noteLine(block.note)}${sourceLine(block.source)}`;
}

function kvHtml(block: KvBlock): string {
  const items = block.items.map(([key, value]) => `<dt>${h(key)}</dt><dd>${h(String(value))}</dd>`).join('');
  return `${title(block.title)}<dl class="kv">${items}</dl>`;
}

function noteHtml(block: NoteBlock): string {
  return `<p class="note-block${block.tone === 'warning' ? ' warning' : ''}">${h(block.text)}</p>`;
}

function blockHtml(block: Block, id: string, colors: SignColors): string {
  switch (block.kind) {
    case 'table':
      return `<figure class="block table-block" id="${id}">${tableHtml(block)}</figure>`;
    case 'lineChart':
    case 'barChart':
      return `<figure class="block chart-block" id="${id}">${chartHtml(block, id, colors)}</figure>`;
    case 'kv':
      return `<div class="block kv-block" id="${id}">${kvHtml(block)}</div>`;
    case 'note':
      return noteHtml(block);
  }
}

function tocHtml(doc: ReportDocument): string {
  const items = doc.sections.map((section, s) => {
    const inner = section.blocks
      .map((block, b) => (block.kind !== 'note' && block.title !== undefined ? `<li><a href="#${blockId(s, b)}">${h(block.title)}</a></li>` : ''))
      .filter(Boolean);
    return `<li><a href="#s${s + 1}">${s + 1}. ${h(section.title)}</a>${inner.length > 0 ? `<ol>${inner.join('')}</ol>` : ''}</li>`;
  });
  return `<nav class="toc" aria-label="Contents"><div><h2>Contents</h2><ol>${items.join('')}</ol></div></nav>`;
}

/**
 * The report as one self-contained HTML page: inline CSS, charts as inline SVG drawn by ECharts'
 * server-side renderer, a table of contents, the colour convention stated in a legend; no script
 * and no request at view time. Every string from `doc` is HTML-escaped, so a cell holding
 * `<script>` shows as text. Pure: the same document gives the same page (the clock is never
 * read; `generatedAt` is the caller's).
 *
 * @throws ValidationError `FK_INVALID_ARGUMENT` listing every problem of `doc` with its dot-path.
 */
export function renderHtml(doc: ReportDocument): string {
  assertDocument(doc, 'renderHtml');
  const colors = signColors(doc.colors);
  const meta = [...doc.meta, ['Generated', doc.generatedAt] as const]
    .map(([key, value]) => `<div><dt>${h(key)}</dt><dd>${h(value)}</dd></div>`)
    .join('');
  const sections = doc.sections
    .map((section, s) => {
      const blocks = section.blocks.map((block, b) => blockHtml(block, blockId(s, b), colors)).join('\n');
      const intro = section.intro === undefined ? '' : `<p class="intro">${h(section.intro)}</p>`;
      return `<section class="report-section" id="s${s + 1}">\n<h2>${s + 1}. ${h(section.title)}</h2>${intro}\n${blocks}\n</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="${h(doc.lang ?? 'en')}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="@factorkit/report">
<title>${h(doc.title)}</title>
<style>${styleSheet(colors)}</style>
</head>
<body>
<div class="page">
<header class="top">
<h1>${h(doc.title)}</h1>
${doc.subtitle === undefined ? '' : `<p class="subtitle">${h(doc.subtitle)}</p>`}
<dl class="meta">${meta}</dl>
<p class="colors"><span>${h(colors.legend)}</span><span><span class="up">+1.00%</span> / <span class="down">-1.00%</span></span><span><span class="chip best">best</span> <span class="chip worst">worst</span></span></p>
</header>
${tocHtml(doc)}
<main>
${sections}
</main>
<footer>Made with @factorkit/report. Generated ${h(doc.generatedAt)}.</footer>
</div>
</body>
</html>
`;
}
