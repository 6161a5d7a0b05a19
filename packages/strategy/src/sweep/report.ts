import type { Block, ChartSeries, ReportDocument, RowMark, Section, TableColumn, TableRow } from '@factorkit/report';
import { fixed, int, num, pct, percent, text } from '../report/format.js';
import { flattenDefinition } from '../report/series.js';
import { canonical } from './create.js';
import { parsePath, valueAt } from './path.js';
import type { SweepResult, VariantResult } from './types.js';

/** Options of {@link sweepReport}. */
export interface SweepReportOptions {
  /** Shown as the time the results were made (the renderer never reads the clock). */
  readonly generatedAt: string;
  /** What the data was (folder names). */
  readonly data?: string;
  readonly title?: string;
}

/** Variants whose excess curves are drawn, best information ratio first. */
export const TOP_CURVES = 10;
/** Rows of the ranking table on the page (every variant is in `sweep.csv`). */
export const RANKING_ROWS = 500;
/** Variants drawn one by one in a sensitivity chart; above this, each value's best, mean and worst. */
export const SENSITIVITY_BARS = 300;

/** A parameter's value as a table shows it: text as it is, `(removed)` for `null`, JSON otherwise. */
export function parameterText(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return '(removed)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? typeof value;
}

/** Whether a variant ran (to its end or until it stopped) and has metrics. */
const ran = (v: VariantResult): v is VariantResult & { metrics: NonNullable<VariantResult['metrics']> } => v.metrics !== undefined;

/** The information ratio, `-Infinity` when missing (ranked last). */
const irOf = (v: VariantResult): number => {
  const ir = v.metrics?.informationRatio;
  return ir !== undefined && Number.isFinite(ir) ? ir : Number.NEGATIVE_INFINITY;
};

/** Variants best information ratio first (ties and missing ones in sweep order). */
export function rankVariants(variants: readonly VariantResult[]): VariantResult[] {
  return [...variants].sort((a, b) => irOf(b) - irOf(a) || a.index - b.index);
}

/**
 * The variants closest to the base: the most parameters at the base's own values (a parameter
 * the base lacks matches `null`). Empty when no variant shares any value with the base.
 */
export function baseLike(result: SweepResult): { variants: VariantResult[]; matched: number; of: number } {
  const steps = new Map(result.axes.map((a) => [a.path, parsePath(a.path)]));
  const matches = (v: VariantResult): number => {
    let n = 0;
    for (const [path, value] of Object.entries(v.parameters)) {
      const parsed = steps.get(path) ?? parsePath(path);
      if (!parsed.ok) continue;
      if (canonical(valueAt(result.base, parsed.steps) ?? null) === canonical(value)) n++;
    }
    return n;
  };
  let best = 0;
  let chosen: VariantResult[] = [];
  for (const v of result.variants) {
    const n = matches(v);
    if (n > best) {
      best = n;
      chosen = [v];
    } else if (n === best && n > 0) chosen.push(v);
  }
  return { variants: chosen, matched: best, of: chosen[0] ? Object.keys(chosen[0].parameters).length : 0 };
}

/** Column ids of the axes: `p0`, `p1`… (paths can hold any character); labels are the paths. */
const axisId = (k: number) => `p${k}`;

function rankingSection(result: SweepResult, like: ReadonlySet<number>): Section {
  const ranked = rankVariants(result.variants);
  const shown = ranked.slice(0, RANKING_ROWS);
  const columns: TableColumn[] = [
    int('rank', 'Rank'),
    text('name', 'Variant'),
    text('status', 'Status'),
    ...result.axes.map((a, k) => text(axisId(k), a.path)),
    num('information_ratio', 'IR', 2, { marks: { better: 'higher' } }),
    pct('annual_excess', 'Annual excess', { plusSign: true, marks: { better: 'higher' } }),
    pct('tracking_error', 'Tracking error', { colorBySign: false }),
    pct('annual_return', 'Annual return'),
    pct('max_drawdown', 'Max drawdown', { colorBySign: false }),
    pct('excess_max_drawdown', 'Excess max drawdown', { colorBySign: false, marks: { better: 'lower' } }),
    num('turnover', 'Turnover ×/yr'),
    pct('hit_rate', 'Hit rate', { colorBySign: false }),
  ];
  const rows: TableRow[] = shown.map((v, r) => {
    const m = v.metrics;
    const row: Record<string, string | number | null> = {
      rank: r + 1,
      name: v.name,
      status: v.status,
      information_ratio: m?.informationRatio ?? null,
      annual_excess: m?.annualExcess ?? null,
      tracking_error: m?.trackingError ?? null,
      annual_return: m?.annualReturn ?? null,
      max_drawdown: m?.maxDrawdown ?? null,
      excess_max_drawdown: m?.excessMaxDrawdown ?? null,
      turnover: m?.turnover ?? null,
      hit_rate: v.status === 'failed' ? null : v.hitRate,
    };
    result.axes.forEach((a, k) => {
      row[axisId(k)] = Object.hasOwn(v.parameters, a.path) ? parameterText(v.parameters[a.path]) : '(base)';
    });
    return row;
  });
  const rowMarks: RowMark[] = [];
  shown.forEach((v, r) => {
    if (v.status !== 'ok') rowMarks.push({ row: r, style: 'warning', unranked: v.status === 'failed' });
    else if (like.has(v.index)) rowMarks.push({ row: r, style: 'emphasis' });
  });
  const note =
    `Best information ratio (annual excess / tracking error) first; failed variants last. ${like.size > 0 ? 'Bold: the variants closest to the base strategy. ' : ''}Amber: stopped or failed.` +
    (ranked.length > shown.length ? ` The ${shown.length} best of ${ranked.length} variants; every one is in sweep.csv.` : '');
  return { title: 'Ranking', intro: `${result.variants.length} variants of ${result.axes.length} swept parameter${result.axes.length === 1 ? '' : 's'}.`, blocks: [{ kind: 'table', title: 'Variants by information ratio', note, columns, rows, rowMarks, source: 'sweep.csv' }] };
}

function curvesSection(result: SweepResult, like: { variants: VariantResult[]; matched: number; of: number }): Section {
  const top = rankVariants(result.variants.filter(ran)).slice(0, TOP_CURVES);
  const extra = like.variants.filter((v) => ran(v) && !top.includes(v)).slice(0, 5);
  const drawn = [...top, ...extra];
  if (drawn.length === 0) return { title: 'Excess curves', blocks: [{ kind: 'note', text: 'No variant ran: there is no curve to draw.', tone: 'warning' }] };
  const dates = [...new Set(drawn.flatMap((v) => v.daily.dates))].sort();
  const at = new Map(dates.map((d, i) => [d, i]));
  const series: ChartSeries[] = drawn.map((v) => {
    const values = new Float64Array(dates.length).fill(Number.NaN);
    v.daily.dates.forEach((d, i) => {
      values[at.get(d)!] = v.daily.nav[i]! / v.daily.benchmark[i]! - 1;
    });
    return { name: `${v.name}${like.variants.includes(v) ? ' (base-like)' : ''}`, values };
  });
  const which =
    `The ${top.length} best variants by information ratio` +
    (extra.length > 0 ? `, and ${extra.length} closest to the base (${like.matched} of ${like.of} parameters at the base's values), marked (base-like)` : like.variants.some((v) => top.includes(v)) ? '; those closest to the base are marked (base-like)' : '') +
    '. The cumulative excess is nav / benchmark nav − 1 (the excess curve of daily.csv, from 0).';
  return { title: 'Excess curves', blocks: [{ kind: 'lineChart', title: 'Cumulative excess (nav / benchmark − 1)', note: which, x: dates, series, yFormat: 'pct', source: 'daily.csv' }] };
}

function sensitivityBlock(result: SweepResult, k: number): Block {
  const axis = result.axes[k]!;
  const order = new Map(axis.values.map((value, i) => [canonical(value), i]));
  const variants = result.variants.filter((v) => ran(v) && Object.hasOwn(v.parameters, axis.path));
  const position = (v: VariantResult) => order.get(canonical(v.parameters[axis.path])) ?? axis.values.length;
  variants.sort((a, b) => position(a) - position(b) || a.index - b.index);
  const title = `Sensitivity to ${axis.path}`;
  if (variants.length === 0) return { kind: 'note', text: `${title}: no variant that sets it ran.`, tone: 'warning' };
  const ir = (v: VariantResult) => v.metrics!.informationRatio;
  const excess = (v: VariantResult) => v.metrics!.annualExcess * 100;
  if (variants.length <= SENSITIVITY_BARS) {
    return {
      kind: 'barChart',
      title,
      note: `Each pair of bars is one variant, ordered by the value of ${axis.path} (the value first in each label); the annual excess in percentage points.`,
      categories: variants.map((v) => `${parameterText(v.parameters[axis.path])} · ${v.name}`),
      series: [
        { name: 'information ratio', values: variants.map(ir) },
        { name: 'annual excess (%)', values: variants.map(excess) },
      ],
      yFormat: 'number',
      source: 'sweep.csv',
    };
  }
  const groups = new Map<number, VariantResult[]>();
  for (const v of variants) groups.set(position(v), [...(groups.get(position(v)) ?? []), v]);
  const keys = [...groups.keys()].sort((a, b) => a - b);
  const stat = (f: (values: number[]) => number, g: (v: VariantResult) => number) => keys.map((key) => f(groups.get(key)!.map(g).filter(Number.isFinite)));
  const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
  const max = (xs: number[]) => (xs.length > 0 ? Math.max(...xs) : Number.NaN);
  const min = (xs: number[]) => (xs.length > 0 ? Math.min(...xs) : Number.NaN);
  return {
    kind: 'barChart',
    title,
    note: `${variants.length} variants set ${axis.path}: too many to draw one by one, so each value shows the best, mean and worst information ratio of its variants, and their mean annual excess in percentage points (every variant is in sweep.csv).`,
    categories: keys.map((key) => parameterText(key < axis.values.length ? axis.values[key] : '(other)')),
    series: [
      { name: 'best IR', values: stat(max, ir) },
      { name: 'mean IR', values: stat(mean, ir) },
      { name: 'worst IR', values: stat(min, ir) },
      { name: 'mean annual excess (%)', values: stat(mean, excess) },
    ],
    yFormat: 'number',
    source: 'sweep.csv',
  };
}

/** The information ratio over the two axes' values, as a table coloured by sign (the report has no heatmap block). */
function heatmapBlock(result: SweepResult): Block {
  const [rowsAxis, columnsAxis] = [result.axes[0]!, result.axes[1]!];
  const cell = new Map<string, VariantResult>();
  let repeated = 0;
  for (const v of result.variants) {
    if (!Object.hasOwn(v.parameters, rowsAxis.path) || !Object.hasOwn(v.parameters, columnsAxis.path)) continue;
    const key = `${canonical(v.parameters[rowsAxis.path])}\u0000${canonical(v.parameters[columnsAxis.path])}`;
    if (cell.has(key)) repeated++;
    else cell.set(key, v);
  }
  const columns: TableColumn[] = [
    text('value', `${rowsAxis.path} \\ ${columnsAxis.path}`),
    ...columnsAxis.values.map((value, j) => num(`c${j}`, parameterText(value), 2, { colorBySign: true, marks: { better: 'higher', best: 1, worst: 1 } })),
  ];
  const rows: TableRow[] = rowsAxis.values.map((r) => {
    const row: Record<string, string | number | null> = { value: parameterText(r) };
    columnsAxis.values.forEach((c, j) => {
      const v = cell.get(`${canonical(r)}\u0000${canonical(c)}`);
      row[`c${j}`] = v?.metrics ? v.metrics.informationRatio : null;
    });
    return row;
  });
  return {
    kind: 'table',
    title: `Information ratio by ${rowsAxis.path} and ${columnsAxis.path}`,
    note: `Each cell is the variant with those two values (– when it failed or none has them)${repeated > 0 ? `; ${repeated} more variants with a pair already shown are in the ranking` : ''}. Marked: the best and worst of each column.`,
    columns,
    rows,
    source: 'sweep.csv',
  };
}

function problemsSection(result: SweepResult): Section {
  const bad = result.variants.filter((v) => v.status !== 'ok');
  if (bad.length === 0) return { title: 'Failed and stopped variants', blocks: [{ kind: 'note', text: 'Every variant ran to its end.', tone: 'info' }] };
  return {
    title: 'Failed and stopped variants',
    intro: 'A failed variant threw (its error below) and has no results; a stopped one met an infeasible rebalance under `infeasible.policy: stop`.',
    blocks: [
      {
        kind: 'table',
        columns: [text('name', 'Variant'), text('status', 'Status'), text('parameters', 'Parameters'), text('code', 'Error'), text('message', 'Message')],
        rows: bad.map((v) => ({
          name: v.name,
          status: v.status,
          parameters: Object.entries(v.parameters).map(([path, value]) => `${path} = ${parameterText(value)}`).join('; ') || '(the base)',
          code: v.error?.code ?? '',
          message: v.error?.message ?? v.notes.join(' | '),
        })),
        rowMarks: bad.map((_, r) => ({ row: r, style: 'warning' as const })),
        source: 'sweep.csv',
      },
    ],
  };
}

/**
 * A sweep as a `@factorkit/report` document (render it with `renderHtml`): the variants ranked by
 * information ratio (the best {@link RANKING_ROWS}), the excess curves of the
 * {@link TOP_CURVES} best and of the variants closest to the base, one sensitivity chart per
 * swept path (information ratio and annual excess of each variant against its value; each
 * value's best, mean and worst above {@link SENSITIVITY_BARS} variants), the information ratio
 * over both paths when exactly two are swept, the failed and stopped variants with their errors,
 * and the base strategy. Every text (names, parameter values, messages) is escaped by the
 * renderer. Pure: the clock is never read.
 */
export function sweepReport(result: SweepResult, options: SweepReportOptions): ReportDocument {
  const like = baseLike(result);
  const likeSet = new Set(like.variants.map((v) => v.index));
  const counts = { ok: 0, stopped: 0, failed: 0 };
  for (const v of result.variants) counts[v.status]++;
  const first = result.variants.find(ran)?.metrics;
  const sensitivity: Block[] = result.axes.map((_, k) => sensitivityBlock(result, k));
  if (result.axes.length === 2) sensitivity.push(heatmapBlock(result));
  return {
    title: options.title ?? `Sweep ${result.name}: ${result.variants.length} variants`,
    subtitle: result.description || `Parameter sweep of ${result.base.name}`,
    generatedAt: options.generatedAt,
    meta: [
      ...(options.data !== undefined ? ([['Data', options.data]] as const) : []),
      ['Sweep', result.name],
      ['Base strategy', result.base.name],
      ['Variants', `${counts.ok} ran, ${counts.stopped} stopped, ${counts.failed} failed`],
      ['Swept', result.axes.map((a) => `${a.path} (${a.values.length})`).join(', ')],
      ...(first ? ([['Period', `${first.start} → ${first.end}`]] as const) : []),
    ],
    sections: [
      rankingSection(result, likeSet),
      curvesSection(result, like),
      { title: 'Sensitivity', intro: 'How the information ratio and the annual excess move with each swept parameter.', blocks: sensitivity },
      problemsSection(result),
      {
        title: 'Base strategy',
        blocks: [
          { kind: 'kv', title: 'Swept parameters and their values', items: result.axes.map((a): [string, string] => [a.path, a.values.map(parameterText).join(', ')]) },
          { kind: 'kv', title: `Base (${result.base.name})`, items: flattenDefinition(result.base) },
          { kind: 'note', text: `Best: ${bestText(result)}`, tone: 'info' },
        ],
      },
    ],
  };
}

/** The best variant by information ratio, in words. */
function bestText(result: SweepResult): string {
  const best = rankVariants(result.variants.filter(ran))[0];
  if (!best || !Number.isFinite(irOf(best))) return 'none (no variant has an information ratio).';
  return `${best.name}, information ratio ${fixed(best.metrics!.informationRatio)}, annual excess ${percent(best.metrics!.annualExcess)} at a tracking error of ${percent(best.metrics!.trackingError)}.`;
}
