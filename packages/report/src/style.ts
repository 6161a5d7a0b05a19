import type { SignColors } from './palette.js';

/**
 * The page's whole style sheet. Fonts: the system's sans-serif, then the common CJK families of
 * macOS, Windows and Linux, so Chinese names render without a web font (no network).
 */
export function styleSheet(colors: SignColors): string {
  return `
:root {
  --up: ${colors.up}; --down: ${colors.down}; --best: ${colors.bestFill}; --worst: ${colors.worstFill};
  --text: #1f2937; --muted: #6b7280; --line: #e5e7eb; --head: #f3f4f6; --zebra: #fafafa; --accent: #1d4ed8;
  color-scheme: light;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--text); background: #fff; line-height: 1.5; font-size: 14px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "PingFang SC", "Hiragino Sans GB",
    "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif;
}
.page { display: grid; grid-template-columns: 15rem minmax(0, 1fr); gap: 2.5rem; max-width: 88rem; margin: 0 auto; padding: 1.5rem 2rem 4rem; }
header.top { grid-column: 1 / -1; border-bottom: 2px solid var(--text); padding-bottom: 1rem; }
h1 { font-size: 1.75rem; margin: 0 0 .25rem; line-height: 1.25; }
.subtitle { margin: 0 0 .75rem; color: var(--muted); font-size: 1.05rem; }
dl.meta { display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; margin: .5rem 0; font-size: .9rem; }
dl.meta div { display: flex; gap: .4rem; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; font-weight: 600; }
.colors { margin: .5rem 0 0; font-size: .85rem; color: var(--muted); display: flex; flex-wrap: wrap; gap: .35rem 1rem; align-items: center; }
.chip { display: inline-block; padding: 0 .45rem; border-radius: 3px; font-variant-numeric: tabular-nums; color: var(--text); }
.chip.best { background: var(--best); }
.chip.worst { background: var(--worst); }
.up { color: var(--up); }
.down { color: var(--down); }
nav.toc { font-size: .9rem; }
nav.toc > div { position: sticky; top: 1rem; max-height: calc(100vh - 2rem); overflow: auto; }
nav.toc h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 .5rem; }
nav.toc ol { list-style: none; margin: 0; padding: 0; }
nav.toc ol ol { padding-left: .9rem; margin: .15rem 0 .5rem; font-size: .85rem; }
nav.toc li { margin: .15rem 0; }
nav.toc a { color: var(--text); text-decoration: none; }
nav.toc a:hover { color: var(--accent); text-decoration: underline; }
nav.toc ol ol a { color: var(--muted); }
main { min-width: 0; }
section.report-section { margin: 0 0 3rem; }
h2 { font-size: 1.35rem; margin: 0 0 .5rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.02rem; margin: 0 0 .5rem; }
.intro { margin: 0 0 1rem; color: var(--muted); max-width: 60rem; white-space: pre-line; }
figure.block { margin: 0 0 2rem; }
.table-wrap { overflow: auto; max-height: 80vh; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: separate; border-spacing: 0; font-size: .85rem; min-width: 100%; }
th, td { padding: .3rem .65rem; border-bottom: 1px solid var(--line); white-space: nowrap; }
thead th { position: sticky; top: 0; z-index: 2; background: var(--head); text-align: left; font-weight: 600; vertical-align: bottom; border-bottom: 1px solid #d1d5db; }
thead th[title] { text-decoration: underline dotted #9ca3af; text-underline-offset: 3px; cursor: help; }
tbody td:first-child, thead th:first-child { position: sticky; left: 0; z-index: 1; border-right: 1px solid var(--line); }
thead th:first-child { z-index: 3; }
tbody td { background: #fff; }
tbody tr:nth-child(even) td { background: var(--zebra); }
tbody tr:hover td { background: #eef2ff; }
tbody tr:last-child td { border-bottom: 0; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
thead th.num { text-align: right; }
td.missing { color: #9ca3af; }
.table-wrap td.best { background: var(--best); font-weight: 600; }
.table-wrap td.worst { background: var(--worst); }
td.pos { color: var(--up); }
td.neg { color: var(--down); }
tr.row-emphasis td { font-weight: 600; background: #eef2f7; }
tr.row-muted td { color: var(--muted); }
tr.row-warning td:first-child { box-shadow: inset 3px 0 0 #d97706; }
.note { margin: .45rem 0 0; font-size: .85rem; color: var(--muted); white-space: pre-line; max-width: 60rem; }
.source { margin: .25rem 0 0; font-size: .8rem; color: var(--muted); }
.source a { color: var(--accent); }
.note-block { margin: 0 0 1.25rem; padding: .6rem .9rem; border-left: 3px solid #93c5fd; background: #f0f6ff; white-space: pre-line; max-width: 60rem; }
.note-block.warning { border-left-color: #d97706; background: #fff7ed; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1.25rem; margin: 0; font-size: .9rem; max-width: 60rem; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
ul.legend { list-style: none; margin: 0 0 .4rem; padding: 0; display: flex; flex-wrap: wrap; gap: .2rem 1.1rem; font-size: .82rem; }
ul.legend li { display: inline-flex; align-items: center; gap: .35rem; white-space: nowrap; }
.swatch { display: inline-block; width: 1.1rem; height: 0; border-top: 3px solid; }
.swatch.dashed { border-top-style: dashed; }
ul.legend .last { font-variant-numeric: tabular-nums; }
.chart { border: 1px solid var(--line); border-radius: 6px; padding: .5rem; }
.chart svg { display: block; width: 100%; height: auto; }
footer { grid-column: 1 / -1; border-top: 1px solid var(--line); padding-top: .75rem; font-size: .8rem; color: var(--muted); }
@media (max-width: 68rem) {
  .page { grid-template-columns: minmax(0, 1fr); gap: 1.5rem; padding: 1rem; }
  nav.toc > div { position: static; max-height: none; }
}
@media print {
  @page { margin: 14mm 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 10pt; }
  .page { display: block; max-width: none; padding: 0; }
  nav.toc { break-after: page; }
  .table-wrap { max-height: none; overflow: visible; border: 0; }
  thead th, tbody td:first-child, thead th:first-child { position: static; }
  tbody tr:hover td { background: inherit; }
  figure.block, tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;
}
