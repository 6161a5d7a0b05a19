import type { BoundTerm, BoundsReason } from './certificate.js';
import type { ConflictReason, MinimalConflict } from './conflict.js';

/** `0.031` → `3.10%` for sums of weights, otherwise four significant digits. */
export function formatValue(value: number, percent: boolean): string {
  if (!Number.isFinite(value)) return value > 0 ? '+∞' : '−∞';
  if (percent) return `${(value * 100).toFixed(2)}%`;
  return Number(value.toPrecision(4)).toString();
}

const quoted = (names: readonly string[]): string => names.map((n) => `\`${n}\``).join(', ');

function owner(group: string | null): string {
  return group === null ? 'own bounds' : `\`${group}\``;
}

/** `5 assets × max 10.00% (`max-weight`)`, `− 2 assets × min 1.00% (…)`, `3 assets with caps summing to 2.41% (…)`. */
function termText(term: BoundTerm, percent: boolean, first: boolean): string {
  const noun = term.weights ? (term.count === 1 ? 'asset' : 'assets') : term.count === 1 ? 'variable' : 'variables';
  const sign = term.coefficient === -1 ? (first ? '−' : '− ') : first ? '' : '+ ';
  const body =
    term.each !== undefined
      ? `${term.count} ${noun} × ${term.bound === 'upper' ? 'max' : 'min'} ${formatValue(term.each, percent)}`
      : `${term.count} ${noun} with ${term.bound === 'upper' ? 'caps' : 'floors'} summing to ${formatValue(term.sum * (term.coefficient ?? 1), percent)}`;
  return `${sign}${body} (${owner(term.group)})`;
}

function boundsMessage(reason: BoundsReason): string {
  const req = formatValue(reason.required, reason.percent);
  const reach = formatValue(reason.reachable, reason.percent);
  const unit = reason.terms.every((t) => t.coefficient !== undefined);
  if (unit) {
    const terms = reason.terms.map((t, k) => termText(t, reason.percent, k === 0)).join(' ');
    const total = reason.terms.length === 1 && reason.terms[0]!.each === undefined && reason.terms[0]!.coefficient === 1 ? '' : ` = ${reach}`;
    return reason.side === 'lower'
      ? `${terms}${total} < ${req} required by \`${reason.group}\` (row \`${reason.row}\`)`
      : `${terms}${total} > ${req} allowed by \`${reason.group}\` (row \`${reason.row}\`)`;
  }
  const count = reason.terms.reduce((s, t) => s + t.count, 0);
  const owners = [...new Set(reason.terms.map((t) => owner(t.group)))].join(', ');
  return reason.side === 'lower'
    ? `row \`${reason.row}\` (\`${reason.group}\`) needs ≥ ${req}, but within the bounds of ${owners} it reaches at most ${reach} (Σ coefficient × bound over ${count} variables)`
    : `row \`${reason.row}\` (\`${reason.group}\`) needs ≤ ${req}, but within the bounds of ${owners} it is at least ${reach} (Σ coefficient × bound over ${count} variables)`;
}

/** One line for one reason, numbers in row units (percentages for sums of weights). */
export function reasonMessage(reason: ConflictReason): string {
  if (reason.kind === 'bounds') return boundsMessage(reason);
  if (reason.kind === 'crossed-bounds') {
    return `${reason.variable} needs ≥ ${formatValue(reason.lower, reason.percent)} (${owner(reason.lowerGroup)}) and ≤ ${formatValue(reason.upper, reason.percent)} (${owner(reason.upperGroup)})`;
  }
  const what = `${reason.quadratic ? 'quadratic row' : 'row'} \`${reason.row}\` (\`${reason.group}\`)`;
  const req = formatValue(reason.required, reason.percent);
  const reach = formatValue(reason.reachable, reason.percent);
  const parts = [...(reason.by.length > 0 ? [quoted(reason.by)] : []), ...(reason.ownRows || reason.by.length === 0 ? [`the other rows of \`${reason.group}\``] : [])];
  const by = parts.join(' and ');
  const plural = reason.by.length + (reason.ownRows ? 1 : 0) !== 1;
  return reason.side === 'lower'
    ? `${what} needs ≥ ${req}, but ${by} ${plural ? 'allow' : 'allows'} at most ${reach}`
    : `${what} needs ≤ ${req}, but ${by} ${plural ? 'force' : 'forces'} at least ${reach}`;
}

/**
 * The lines for one minimal conflict: a headline naming its groups (`max-weight` ×
 * `fully-invested`) and the one to relax first, then one line per reason.
 */
export function conflictMessages(conflict: MinimalConflict, options: { readonly first: boolean; readonly structural: readonly string[] }): string[] {
  const lead = options.first ? 'infeasible' : 'also infeasible';
  const lines: string[] = [];
  if (conflict.groups.length === 0) {
    lines.push(`${lead}: the structural groups (${quoted(options.structural) || 'none'}) and the variable blocks’ own bounds alone have no feasible point`);
  } else {
    const lowest = conflict.priorities[0]!;
    const relax = `relax ${conflict.relax.map((g) => `\`${g}\``).join(' or ')} (priority ${lowest}${conflict.groups.length > 1 ? ', the lowest' : ''}) first`;
    lines.push(
      conflict.groups.length === 1
        ? `${lead}: \`${conflict.groups[0]}\` cannot hold on its own; ${relax}`
        : `${lead}: ${conflict.groups.map((g) => `\`${g}\``).join(' × ')} cannot ${conflict.groups.length === 2 ? 'both' : 'all'} hold; ${relax}`,
    );
  }
  for (const reason of conflict.reasons) lines.push(reasonMessage(reason));
  if (conflict.moreReasons > 0) lines.push(`… and ${conflict.moreReasons} more row(s) like these`);
  if (conflict.reasons.length === 0 && conflict.groups.length > 0) lines.push('no single row shows it: the rows and bounds of these groups conflict only together');
  return lines;
}
