import type { WeeklyResult, WeeklySectionName } from './types.js';

const pct = (x: number | undefined): string => (x !== undefined && Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%` : '–');

/**
 * One line saying what a weekly report holds: `2 strategies (1 failed); MFE 15 factors × 2
 * universes; funds: 42 in 3 index families; absent: …`.
 */
export function formatWeeklySummary(result: WeeklyResult): string {
  const parts: string[] = [`week ${result.windows.find((w) => w.name === 'week')?.start ?? '–'} → ${result.lastDate}`];
  if (result.strategies.status === 'ok') {
    const list = result.strategies.value.strategies;
    const failed = list.filter((s) => s.status === 'failed').length;
    parts.push(`${list.length} strateg${list.length === 1 ? 'y' : 'ies'}${failed > 0 ? ` (${failed} failed)` : ''}`);
  }
  if (result.tracking.status === 'ok') {
    const { factors, universes } = result.tracking.value;
    parts.push(`MFE ${factors.length} factor${factors.length === 1 ? '' : 's'} × ${universes.length} universe${universes.length === 1 ? '' : 's'}`);
  }
  if (result.funds.status === 'ok') parts.push(`funds: ${result.funds.value.funds.length} in ${new Set(result.funds.value.distribution.map((d) => d.benchmarkIndex)).size} index families`);
  const absent = (['strategies', 'tracking', 'funds'] as const).filter((s) => result[s].status === 'absent');
  if (absent.length > 0) parts.push(`absent: ${absent.join(', ')}`);
  return parts.join('; ');
}

/**
 * The strategies' excess as a small table for a terminal (`name  week  month  ytd  annualised`,
 * difference form), then each absent section with its reason and each problem: what a weekly
 * job prints. Empty when there is nothing to say.
 */
export function formatWeeklyDetails(result: WeeklyResult): string {
  const lines: string[] = [];
  if (result.strategies.status === 'ok') {
    const list = result.strategies.value.strategies;
    const width = Math.max(8, ...list.map((s) => s.name.length));
    lines.push(`${'strategy'.padEnd(width)}  ${['week', 'month', 'ytd', 'annualised'].map((h) => h.padStart(9)).join('  ')}  benchmark`);
    for (const s of list) {
      if (s.status === 'failed') {
        lines.push(`${s.name.padEnd(width)}  failed [${s.code}]: ${s.message}`);
        continue;
      }
      const w = (name: string) => pct(s.windows.find((x) => x.name === name)?.excess);
      lines.push(`${s.name.padEnd(width)}  ${[w('week'), w('month'), w('ytd'), pct(s.annualExcess)].map((x) => x.padStart(9)).join('  ')}  ${s.benchmark}`);
      for (const warning of s.warnings) lines.push(`  warning: ${warning}`);
    }
  }
  for (const name of ['strategies', 'tracking', 'funds'] as const satisfies readonly WeeklySectionName[]) {
    const section = result[name];
    if (section.status === 'absent' && section.why !== 'failed') lines.push(`absent (${name}): ${section.reason}`);
  }
  for (const p of result.problems) lines.push(`problem (${p.section}) [${p.code}]: ${p.message}`);
  for (const note of result.notes) lines.push(`note: ${note}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
