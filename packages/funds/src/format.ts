import type { FundAnalytics } from './analytics.js';
import { EXCLUSION_REASONS } from './types.js';

const count = (n: number): string => n.toLocaleString('en-US');

/**
 * One line saying what a fund analysis holds: `42 index_enhanced funds in 3 index families; excess
 * for week 40, month 40, quarter 38, ytd 35 funds; new-high rates for 42 funds; heavy-holdings index:
 * 8 rebuilds, the last on 2024-04-22 with 183 members; 12 left out`.
 */
export function formatFundSummary(result: FundAnalytics): string {
  const types = result.fundTypes === 'all' ? 'funds of every type' : `${result.fundTypes.join('/')} funds`;
  const families = new Set(result.distribution.map((d) => d.benchmarkIndex)).size;
  const perWindow = result.windows.map((w) => `${w.name} ${count(result.excess.filter((e) => e.window === w.name).length)}`).join(', ');
  const highs = new Set(result.newHigh.map((h) => h.fund)).size;
  const parts = [`${count(result.funds.length)} ${types} in ${families} index famil${families === 1 ? 'y' : 'ies'}`, `excess for ${perWindow} funds`, `new-high rates for ${count(highs)} funds`];
  const holdings = result.heavyHoldings;
  if (holdings) {
    const last = holdings.rebuilds[holdings.rebuilds.length - 1];
    parts.push(`heavy-holdings index: ${count(holdings.rebuilds.length)} rebuild${holdings.rebuilds.length === 1 ? '' : 's'}${last ? `, the last on ${last.date} with ${count(last.members.length)} members` : ''}`);
  }
  parts.push(`${count(result.excluded.length)} left out`);
  return parts.join('; ');
}

/**
 * What a fund analysis left out and why, one line per reason with its count per window and up to
 * `examples` details each (default 3; `Infinity` for every one); other fund types and notes after.
 * Empty when nothing was left out and there is no note.
 */
export function formatFundExclusions(result: FundAnalytics, options: { readonly examples?: number } = {}): string {
  const examples = options.examples ?? 3;
  const lines: string[] = [];
  for (const reason of EXCLUSION_REASONS) {
    const of = result.excluded.filter((x) => x.reason === reason);
    if (of.length === 0) continue;
    const whole = of.filter((x) => x.window === undefined).length;
    const byWindow = result.windows.map((w) => [w.name, of.filter((x) => x.window === w.name).length] as const).filter(([, n]) => n > 0);
    const where = [...(whole > 0 ? [`${count(whole)} fund${whole === 1 ? '' : 's'}`] : []), ...byWindow.map(([w, n]) => `${w} ${count(n)}`)].join(', ');
    lines.push(`left out (${reason}${of[0]!.from === 'excess' ? ', from the excess only' : ''}): ${where}`);
    for (const x of of.slice(0, examples)) lines.push(`  - ${x.fund}${x.name ? ` ${x.name}` : ''}${x.window ? ` [${x.window}]` : ''}: ${x.detail}`);
    if (of.length > examples) lines.push(`  - … ${count(of.length - examples)} more (excluded.csv; --verbose lists every one)`);
  }
  const other = Object.entries(result.otherTypes);
  if (other.length > 0) lines.push(`not analysed (other fund types): ${other.map(([t, n]) => `${count(n)} ${t || '(no type)'}`).join(', ')}`);
  for (const note of result.notes) lines.push(`note: ${note}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
