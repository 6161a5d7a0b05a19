import { formatFunnel } from '@factorkit/pipeline';
import type { TrackingEvent, TrackingResult, TrackingSeries } from './types.js';

const fmt = (n: number): string => n.toLocaleString('en-US');
const percent = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%` : '–');
const plural = (n: number, word: string): string => `${fmt(n)} ${word}${n === 1 || word.endsWith('s') ? '' : 's'}`;

/** A series in a line: its rebalances by outcome, YTD excess and time; then its unsolved dates with their explanation (all with `verbose`, else the first). */
export function formatSeries(series: TrackingSeries, verbose = false): string {
  const c = series.mfe.counts;
  const outcomes = [`${fmt(c.optimal)} optimal`, ...(c.infeasible > 0 ? [`${fmt(c.infeasible)} infeasible`] : []), ...(c.failed > 0 ? [`${fmt(c.failed)} not solved`] : []), ...(c.skipped > 0 ? [`${fmt(c.skipped)} skipped`] : [])];
  const lines = [`${series.universe} × ${series.factor}: ${plural(c.rebalances, 'rebalance')} (${outcomes.join(', ')}), excess YTD ${percent(series.aggregates.ytd.excess)}, annualised ${percent(series.aggregates.annualisedExcess)}; ${series.seconds.toFixed(1)} s${reuseText(series)}`];
  const unsolved = series.mfe.rebalances.filter((r) => r.status !== 'optimal' && r.status !== 'skipped');
  for (const r of verbose ? unsolved : unsolved.slice(0, 1)) {
    const messages = (verbose ? r.messages : r.messages.slice(0, 1)).map((m) => (m.startsWith(`${r.status}: `) ? m.slice(r.status.length + 2) : m));
    lines.push(`  ${r.date} ${r.status}: ${messages.join('\n    ')}`);
  }
  if (!verbose && unsolved.length > 1) lines.push(`  (${unsolved.length - 1} more unsolved date${unsolved.length === 2 ? '' : 's'} in summary.json; --verbose lists them)`);
  const skipped = series.mfe.rebalances.filter((r) => r.status === 'skipped');
  if (skipped.length > 0) {
    const reasons = new Map<string, number>();
    for (const r of skipped) reasons.set(r.messages[0] ?? '', (reasons.get(r.messages[0] ?? '') ?? 0) + 1);
    for (const [reason, n] of reasons) lines.push(`  skipped ${plural(n, 'date')}: ${reason}`);
  }
  for (const note of series.mfe.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

/** How a series used the previous run's state, for its line. */
function reuseText(series: TrackingSeries): string {
  const reuse = series.reuse;
  if (reuse.status === 'resumed') return `, resumed from ${reuse.from} (${plural(reuse.newRebalances, 'new rebalance')})`;
  if (reuse.status === 'recomputed') return `, recomputed: ${reuse.message}`;
  return '';
}

/**
 * A progress event of {@link runTracking} as lines for a terminal or a log (each ending with a
 * newline): at the start, each universe's benchmark and the notes (proxies, factors left out);
 * per factor its pipeline funnel and notes; per series its outcome and time, unsolved dates with
 * their explanation.
 */
export function formatTrackingEvent(event: TrackingEvent, verbose = false): string {
  const lines: string[] = [];
  if (event.kind === 'start') {
    for (const u of event.universes) {
      const weights = u.weights === 'published' ? 'published weights' : u.weights === 'proxy' ? 'proxy weights' : u.weights === 'mixed' ? 'published and proxy weights' : 'no weights';
      lines.push(`universe ${u.name} (${u.id}): ${plural(u.rebalanceDates, 'rebalance date')}, ${weights}`);
      for (const note of u.notes) lines.push(`note: ${note}`);
    }
    for (const note of event.notes) lines.push(`note: ${note}`);
    lines.push(`tracking ${plural(event.factors.length, 'factor')} × ${plural(event.universes.length, 'universe')} = ${plural(event.total, 'series')}`);
  } else if (event.kind === 'factor') {
    const f = event.factor;
    const report = f.processed ?? f.raw;
    lines.push(`[factor ${event.index}/${event.count}] ${f.name}: ${fmt(report.coverage.values)} values in ${(f.raw.seconds + (f.processed?.seconds ?? 0)).toFixed(1)} s (${formatFunnel(report, verbose)})`);
    for (const note of report.notes) lines.push(`note: ${note}`);
    if (f.outcome.status === 'empty') lines.push(`error: ${f.outcome.message}; no series for it`);
  } else if (event.kind === 'skipped') {
    lines.push(`note: ${event.factor.message}`);
  } else {
    lines.push(`[${event.done}/${event.total}] ${formatSeries(event.series, verbose)}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

/** The run in one line: series, rebalances by outcome, time. */
export function formatTrackingSummary(result: TrackingResult): string {
  let rebalances = 0;
  let optimal = 0;
  let infeasible = 0;
  let failed = 0;
  let skipped = 0;
  for (const s of result.series) {
    rebalances += s.mfe.counts.rebalances;
    optimal += s.mfe.counts.optimal;
    infeasible += s.mfe.counts.infeasible;
    failed += s.mfe.counts.failed;
    skipped += s.mfe.counts.skipped;
  }
  const parts = [`${fmt(optimal)} optimal`, `${fmt(infeasible)} infeasible`, ...(failed > 0 ? [`${fmt(failed)} not solved`] : []), `${fmt(skipped)} skipped`];
  const resumed = result.series.filter((s) => s.reuse.status === 'resumed');
  const recomputed = result.series.filter((s) => s.reuse.status === 'recomputed').length;
  const reuse =
    resumed.length + recomputed === 0
      ? ''
      : `; ${fmt(resumed.length)} resumed from the previous run${resumed.length > 0 ? ` (${[...new Set(resumed.map((s) => (s.reuse as { from: string }).from))].join(', ')})` : ''}, ${fmt(recomputed)} recomputed`;
  return `${plural(result.series.length, 'series')} (${plural(result.factors.length, 'factor')} × ${plural(result.universes.length, 'universe')}), ${plural(rebalances, 'rebalance')}: ${parts.join(', ')}; ${result.start} … ${result.lastDate}${reuse}, ${result.seconds.toFixed(1)} s`;
}
