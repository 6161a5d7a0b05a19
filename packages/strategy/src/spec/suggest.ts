/** Edit distance (insertions, deletions, substitutions and adjacent transpositions). */
function distance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  let before = new Array<number>(n + 1).fill(0);
  let previous = Array.from({ length: n + 1 }, (_, j) => j);
  let current = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    current[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      current[j] = d;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[n]!;
}

/**
 * The candidates close to `word` (case-insensitive), closest first: at most `limit`, within
 * an edit distance of a third of the longer word (at least 2), or sharing its start.
 */
export function closest(word: string, candidates: readonly string[], limit = 3): string[] {
  const w = word.toLowerCase();
  return candidates
    .map((candidate) => {
      const c = candidate.toLowerCase();
      const d = distance(w, c);
      const near = d <= Math.max(2, Math.floor(Math.max(w.length, c.length) / 3)) || (w.length >= 3 && (c.startsWith(w) || w.startsWith(c)));
      return { candidate, d, near };
    })
    .filter((e) => e.near)
    .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map((e) => e.candidate);
}

const quote = (values: readonly string[]) => values.map((v) => `\`${v}\``).join(', ');

/** `did you mean `x`?` when something is close, else the list of what is allowed. */
export function suggestion(word: string, candidates: readonly string[], what: string): string {
  const near = closest(word, candidates, 1);
  if (near.length > 0) return `did you mean \`${near[0]}\`?`;
  return candidates.length > 0 ? `expected one of ${quote(candidates)}` : `no ${what} is allowed here`;
}

/** `close ids: `a`, `b`` or the known ones (up to 12), for unknown plugin ids. */
export function knownIds(id: string, known: readonly string[]): string {
  if (known.length === 0) return 'none is registered';
  const near = closest(id, known, 3);
  if (near.length > 0) return `did you mean ${near.map((k) => `\`${k}\``).join(' or ')}?`;
  const shown = [...known].sort();
  return `registered: ${quote(shown.slice(0, 12))}${shown.length > 12 ? ` and ${shown.length - 12} more` : ''}`;
}
