import { isFactorkitError } from '@factorkit/core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ReportDocument,
  type TableBlock,
  type TableRow,
  assertSafeSvg,
  barChartSvg,
  columnMarks,
  escapeHtml,
  formatNumber,
  formatTick,
  lineChartSvg,
  renderHtml,
  validateDocument,
  writeReport,
} from '../src/index.js';
import { sampleDocument, seeded } from './fixture.js';

const EVIL = '<script>alert(1)</script>';
const EVIL_ATTR = '"><img src=x onerror=alert(2)>';

/** Every element the page may contain; anything else means data leaked into markup. */
const PAGE_ELEMENTS = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'div', 'header', 'h1', 'h2', 'h3', 'p', 'dl', 'dt', 'dd', 'span', 'nav', 'ol', 'ul', 'li', 'a', 'main', 'section', 'figure', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'code', 'footer']);
const SVG_ELEMENTS = new Set(['svg', 'g', 'path', 'rect', 'text', 'tspan', 'defs', 'clipPath', 'circle', 'line', 'polyline', 'polygon']);

/** Tag names and attribute names of the markup, read with a scanner that knows nothing of the renderer. */
function scanTags(html: string): { names: Set<string>; attributes: Set<string> } {
  const names = new Set<string>();
  const attributes = new Set<string>();
  const body = html.replace(/<style>[\s\S]*?<\/style>/, '<style></style>').replace(/^<!doctype html>/i, '');
  for (const tag of body.matchAll(/<\/?([A-Za-z][\w:-]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    names.add(tag[1]!);
    for (const attribute of tag[2]!.matchAll(/\s+([^\s=>]+)(?:="[^"]*")?/g)) attributes.add(attribute[1]!.toLowerCase());
  }
  // A `<` that starts no tag the scanner recognised would be a broken or injected tag.
  const stray = body.replace(/<\/?([A-Za-z][\w:-]*)((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g, '').match(/<[^\s]/g);
  if (stray) names.add(`stray:${stray.join('')}`);
  return { names, attributes };
}

function hostileDocument(): ReportDocument {
  return {
    title: EVIL,
    subtitle: EVIL_ATTR,
    generatedAt: EVIL,
    meta: [[EVIL, EVIL_ATTR]],
    lang: 'zh-CN',
    sections: [
      {
        title: EVIL,
        intro: EVIL_ATTR,
        blocks: [
          {
            kind: 'table',
            title: EVIL,
            note: EVIL,
            source: 'javascript:alert(3)',
            columns: [
              { id: 'name', label: EVIL, format: 'text', description: EVIL_ATTR },
              { id: 'x', label: EVIL_ATTR, format: 'pct', marks: { better: 'higher' } },
            ],
            rows: [{ name: EVIL, x: 0.1 }, { name: EVIL_ATTR, x: -0.2 }, { name: 'ok', x: 0 }],
          },
          { kind: 'lineChart', title: EVIL, note: EVIL, x: [EVIL, EVIL_ATTR, 'a&b'], series: [{ name: EVIL, values: [1, 2, 3] }, { name: EVIL_ATTR, values: [3, Number.NaN, 1] }], yFormat: 'number' },
          { kind: 'barChart', title: EVIL_ATTR, categories: [EVIL, EVIL_ATTR], series: [{ name: EVIL, values: [0.1, -0.1] }, { name: 'b', values: [0.2, null] }], yFormat: 'pct' },
          { kind: 'note', text: EVIL },
          { kind: 'kv', title: EVIL, items: [[EVIL, EVIL_ATTR], ['n', 3]] },
        ],
      },
    ],
  };
}

describe('escaping', () => {
  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&#39;');
    expect(escapeHtml('沪深300 & 中证500')).toBe('沪深300 &amp; 中证500');
  });

  it('leaves no data string as markup anywhere on the page: text, attributes, links, charts', () => {
    const html = renderHtml(hostileDocument());
    const { names, attributes } = scanTags(html);
    for (const name of names) expect(PAGE_ELEMENTS.has(name) || SVG_ELEMENTS.has(name), `element ${name}`).toBe(true);
    for (const attribute of attributes) expect(attribute.startsWith('on'), `attribute ${attribute}`).toBe(false);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('href="javascript:');
    // Each place shows the text, escaped.
    expect(html).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(html).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(html).toContain('<td>&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</td>');
    expect(html).toContain('title="&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"');
    expect(html).toContain('<code>javascript:alert(3)</code>');
    expect(html).toContain('<dt>&lt;script&gt;alert(1)&lt;/script&gt;</dt><dd>&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</dd>');
  });

  it("relies on ECharts' SSR escaping of axis labels and category names, and checks it", () => {
    const line = lineChartSvg({ kind: 'lineChart', x: ['<b>x</b>', 'a&b', `q"'`], series: [{ name: EVIL, values: [1, 2, 3] }], yFormat: 'number' });
    expect(line).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(line).toContain('a&amp;b');
    expect(line).not.toMatch(/<b>|<script/);
    const bar = barChartSvg({ kind: 'barChart', categories: [EVIL, 'plain'], series: [{ name: EVIL_ATTR, values: [1, -1] }], yFormat: 'number', horizontal: true });
    expect(bar).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(bar).not.toMatch(/<script|<img/);
  });

  it('refuses an SVG with a script, an event handler or a link', () => {
    const fine = '<svg width="1" height="1"><path d="M0 0L1 1" stroke="#000"></path><text>a&lt;b</text></svg>';
    expect(assertSafeSvg(fine)).toBe(fine);
    for (const bad of ['<svg><script>alert(1)</script></svg>', '<svg onload="alert(1)"></svg>', '<svg><a href="https://x.test"><text>x</text></a></svg>', '<svg><image xlink:href="http://x.test/a.png"></image></svg>', '<svg><rect style="fill:url(http://x.test/a)"></rect></svg>']) {
      let caught: unknown;
      try {
        assertSafeSvg(bad);
      } catch (error) {
        caught = error;
      }
      expect(isFactorkitError(caught) && caught.code === 'FK_INVALID_OUTPUT', bad).toBe(true);
    }
  });

  it('states a Content-Security-Policy that forbids scripts and requests', () => {
    const html = renderHtml(sampleDocument());
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';/);
    // No URL but the SVG namespace names, which are identifiers, never fetched.
    expect(html.replace(/xmlns(:xlink)?="[^"]*"/g, '')).not.toMatch(/https?:\/\//);
  });
});

describe('number formats', () => {
  it('formats percentages, numbers and integers as written by hand', () => {
    expect(formatNumber(0.0123, 'pct')).toBe('1.23%');
    expect(formatNumber(-0.0456, 'pct', 1)).toBe('-4.6%');
    expect(formatNumber(0.12345, 'pct', 3)).toBe('12.345%');
    expect(formatNumber(-0.00001, 'pct')).toBe('0.00%');
    expect(formatNumber(0.00001, 'pct', 2, true)).toBe('0.00%');
    expect(formatNumber(0.05, 'pct', 2, true)).toBe('+5.00%');
    expect(formatNumber(1234567.891, 'number')).toBe('1,234,567.89');
    expect(formatNumber(0.03456, 'number', 3)).toBe('0.035');
    expect(formatNumber(12345.6, 'int')).toBe('12,346');
    expect(formatNumber(-3, 'int')).toBe('-3');
    expect(formatNumber(Number.NaN, 'pct')).toBe('–');
    expect(formatNumber(null, 'number')).toBe('–');
    expect(formatNumber(Number.POSITIVE_INFINITY, 'number')).toBe('∞');
    expect(formatNumber(Number.NEGATIVE_INFINITY, 'pct')).toBe('-∞%');
  });

  it('writes axis ticks with the digits they need', () => {
    expect(formatTick(0.05, 'pct')).toBe('5%');
    expect(formatTick(0.025, 'pct')).toBe('2.5%');
    expect(formatTick(-0.0025, 'pct')).toBe('-0.25%');
    expect(formatTick(0.1 + 0.2, 'number')).toBe('0.3');
    expect(formatTick(12000, 'number')).toBe('12,000');
  });

  it('shows cells formatted, right-aligned, coloured by the sign of what is shown', () => {
    const doc: ReportDocument = {
      title: 't',
      generatedAt: 'g',
      meta: [],
      sections: [
        {
          title: 's',
          blocks: [
            {
              kind: 'table',
              columns: [
                { id: 'f', label: 'F', format: 'text' },
                { id: 'd', label: 'D', format: 'date' },
                { id: 'r', label: 'R', format: 'pct', colorBySign: true, plusSign: true },
                { id: 'n', label: 'N', format: 'int' },
              ],
              rows: [
                { f: 'a', d: '2024-06-28', r: 0.0123, n: 1234 },
                { f: 'b', d: null, r: -0.5, n: Number.NaN },
                { f: 'c', d: '2024-01-02', r: 0.00001, n: 0 },
              ],
            },
          ],
        },
      ],
    };
    const html = renderHtml(doc);
    const rows = [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<td( class="([^"]*)")?>(.*?)<\/td>/g)].map((cell) => [cell[3], cell[2] ?? '']));
    expect(rows.slice(-3)).toEqual([
      [['a', ''], ['2024-06-28', ''], ['+1.23%', 'num pos'], ['1,234', 'num']],
      [['b', ''], ['–', 'missing'], ['-50.00%', 'num neg'], ['–', 'num missing']],
      [['c', ''], ['2024-01-02', ''], ['0.00%', 'num'], ['0', 'num']],
    ]);
    expect(html).toContain('<th scope="col" class="num">R</th>');
  });

  it('states the colour convention and swaps colours for the western one', () => {
    const cn = renderHtml(sampleDocument());
    const west = renderHtml({ ...sampleDocument(), colors: 'western' });
    expect(cn).toContain('red = up, positive, best');
    expect(cn).toMatch(/--up: #c81e1e; --down: #0a7a3b/);
    expect(west).toContain('green = up, positive, best');
    expect(west).toMatch(/--up: #0a7a3b; --down: #c81e1e/);
  });
});

/** The expected marks, by counting: a value is among the k best when fewer than k values are strictly better. */
function expectedMarks(values: (number | null)[], better: 'higher' | 'lower', best: number, worst: number, unranked: Set<number>): (string | undefined)[] {
  const ranked = values.map((value, row) => ({ value, row })).filter((entry): entry is { value: number; row: number } => entry.value !== null && Number.isFinite(entry.value) && !unranked.has(entry.row));
  const distinct = new Set(ranked.map((entry) => entry.value));
  return values.map((value, row) => {
    if (distinct.size < 2 || value === null || !Number.isFinite(value) || unranked.has(row)) return undefined;
    const isBetter = (other: number) => (better === 'higher' ? other > value : other < value);
    const isWorse = (other: number) => (better === 'higher' ? other < value : other > value);
    if (ranked.filter((entry) => isBetter(entry.value)).length < best) return 'best';
    if (ranked.filter((entry) => isWorse(entry.value)).length < worst) return 'worst';
    return undefined;
  });
}

describe('best and worst marks', () => {
  it('marks per column what counting says, ties, gaps and unranked rows included, on the page too', () => {
    const random = seeded(7);
    for (let trial = 0; trial < 40; trial++) {
      const n = 2 + Math.floor(random() * 14);
      const pool = [0.01, -0.02, 0.03, 0.01, 0.05, -0.02];
      const draw = () => (random() < 0.15 ? null : random() < 0.4 ? pool[Math.floor(random() * pool.length)]! : Math.round((random() - 0.5) * 1000) / 1e4);
      const columns = [
        { id: 'a', better: 'higher' as const, best: Math.floor(random() * 4), worst: Math.floor(random() * 4) },
        { id: 'b', better: 'lower' as const, best: 1 + Math.floor(random() * 3), worst: 1 + Math.floor(random() * 3) },
      ];
      const rows: TableRow[] = Array.from({ length: n }, (_, i) => ({ name: `f${i}`, a: draw(), b: random() < 0.1 ? Number.NaN : draw() }));
      const unranked = new Set(random() < 0.5 ? [0] : []);
      const table: TableBlock = {
        kind: 'table',
        columns: [{ id: 'name', label: 'Name', format: 'text' }, ...columns.map((c) => ({ id: c.id, label: c.id, format: 'pct' as const, marks: { better: c.better, best: c.best, worst: c.worst } }))],
        rows,
        rowMarks: [...unranked].map((row) => ({ row, unranked: true })),
      };
      const marks = columnMarks(table);
      for (const c of columns) {
        const values = rows.map((row) => {
          const value = row[c.id] as number | null;
          return value === null || Number.isNaN(value) ? null : value;
        });
        const expected = expectedMarks(values, c.better, c.best, c.worst, unranked);
        expect(rows.map((_, r) => marks.get(c.id)?.get(r)), `trial ${trial} column ${c.id}`).toEqual(expected);
      }
      // The page shades the same cells.
      const html = renderHtml({ title: 't', generatedAt: 'g', meta: [], sections: [{ title: 's', blocks: [table] }] });
      const shown = [...html.matchAll(/<tr[^>]*>(<td.*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<td(?: class="([^"]*)")?>/g)].slice(1).map((cell) => /\b(best|worst)\b/.exec(cell[1] ?? '')?.[1]));
      const expectedShown = rows.map((_, r) =>
        columns.map((c) => expectedMarks(rows.map((row) => (Number.isNaN(row[c.id]) ? null : (row[c.id] as number | null))), c.better, c.best, c.worst, unranked)[r]),
      );
      expect(shown, `trial ${trial}`).toEqual(expectedShown);
    }
  });

  it('marks the three highest and three lowest by default and nothing in a constant column', () => {
    const rows = [5, 1, 4, 2, 3, 6, 0, 7].map((v) => ({ v, c: 1 }));
    const marks = columnMarks({ columns: [{ id: 'v', label: 'v', format: 'number', marks: { better: 'higher' } }, { id: 'c', label: 'c', format: 'number', marks: { better: 'higher' } }], rows });
    expect([...marks.get('v')!].sort((a, b) => a[0] - b[0])).toEqual([
      [0, 'best'],
      [1, 'worst'],
      [3, 'worst'],
      [5, 'best'],
      [6, 'worst'],
      [7, 'best'],
    ]);
    expect(marks.get('c')!.size).toBe(0);
  });
});

describe('document validation', () => {
  it('lists every problem at once with its dot-path', () => {
    const bad = {
      title: 'x',
      generatedAt: 'g',
      meta: [['a']],
      lang: 'en"><script>',
      sections: [
        {
          title: 's',
          blocks: [
            {
              kind: 'table',
              columns: [
                { id: 'a', label: 'A', format: 'pct' },
                { id: 'a', label: 'A2', format: 'text', marks: { better: 'higher' } },
                { id: 'd', label: 'D', format: 'date' },
              ],
              rows: [{ a: '1.2%', d: '2024-02-30' }],
              rowMarks: [{ row: 3 }],
            },
            { kind: 'lineChart', x: ['2024-01-02', '2024-01-03'], series: [{ name: 'f', values: [1] }], yFormat: 'percent' },
            { kind: 'pie' },
          ],
        },
      ],
    };
    const paths = validateDocument(bad).map((issue) => issue.path);
    expect(paths).toEqual([
      'lang',
      'meta[0]',
      'sections[0].blocks[0].columns[1].id',
      'sections[0].blocks[0].columns[1].marks',
      'sections[0].blocks[0].rows[0].a',
      'sections[0].blocks[0].rows[0].d',
      'sections[0].blocks[0].rowMarks[0].row',
      'sections[0].blocks[1].series[0].values',
      'sections[0].blocks[1].yFormat',
      'sections[0].blocks[2].kind',
    ]);
    let caught: unknown;
    try {
      renderHtml(bad as unknown as ReportDocument);
    } catch (error) {
      caught = error;
    }
    expect(isFactorkitError(caught) && caught.code === 'FK_INVALID_ARGUMENT').toBe(true);
    expect((caught as Error).message).toContain('sections[0].blocks[1].series[0].values: expected 2 values (one per x value), got 1');
    expect((caught as Error).message).toContain('sections[0].blocks[0].rows[0].a: expected a number');
  });

  it('renders the same page twice (no clock, no randomness)', () => {
    expect(renderHtml(sampleDocument())).toBe(renderHtml(sampleDocument()));
  });

  it('accepts typed arrays as series values and draws NaN as a gap', () => {
    const values = new Float64Array([0.01, 0.02, Number.NaN, Number.NaN, 0.03, 0.04]);
    const svg = lineChartSvg({ kind: 'lineChart', x: ['1', '2', '3', '4', '5', '6'], series: [{ name: 'f', values }], yFormat: 'pct' }, { palette: ['#123456'] });
    const path = /<path d="([^"]*)"[^>]*stroke="#123456"/.exec(svg)?.[1] ?? '';
    // Two pieces: a move to the start of each.
    expect(path.match(/M/g)).toHaveLength(2);
  });
});

describe('writeReport', () => {
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-report-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes report.html into a folder, or the file named', async () => {
    const doc = sampleDocument();
    expect(await writeReport(dir, doc)).toBe(join(dir, 'report.html'));
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe(renderHtml(doc));
    const named = join(dir, 'weekly.html');
    expect(await writeReport(named, doc)).toBe(named);
    expect(readFileSync(named, 'utf8').startsWith('<!doctype html>')).toBe(true);
  });

  it('leaves the old file as it was when the document is invalid, and names a missing folder', async () => {
    const file = join(dir, 'keep.html');
    writeFileSync(file, 'old');
    await expect(writeReport(file, { ...sampleDocument(), title: 3 } as unknown as ReportDocument)).rejects.toThrow(/title: expected a string/);
    expect(readFileSync(file, 'utf8')).toBe('old');
    await expect(writeReport(join(dir, 'missing', 'r.html'), sampleDocument())).rejects.toThrow(/writeReport: cannot write .*does not exist/);
    await expect(writeReport(join(dir, 'no-such-folder'), sampleDocument())).rejects.toThrow(/writeReport: cannot write .*no-such-folder.*does not exist/);
  });
});
