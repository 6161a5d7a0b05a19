import type { TableBlock } from './model.js';

/** The mark of one cell: among the best or the worst values of its column. */
export type CellMark = 'best' | 'worst';

/** Default count of best and of worst values marked per column. */
export const DEFAULT_MARKED = 3;

/**
 * The best/worst marks of every column of `table` that asks for them: for each such column id, a
 * map from row index to its mark. Values that are missing or not finite, and rows marked
 * `unranked`, take no part. The `k` best are the values at or beyond the `k`-th best (ties with it
 * included); the worst likewise from the other end, never a value already among the best; a
 * column with fewer than two distinct values gets no mark.
 */
export function columnMarks(table: Pick<TableBlock, 'columns' | 'rows' | 'rowMarks'>): Map<string, Map<number, CellMark>> {
  const unranked = new Set((table.rowMarks ?? []).filter((mark) => mark.unranked === true).map((mark) => mark.row));
  const result = new Map<string, Map<number, CellMark>>();
  for (const column of table.columns) {
    if (!column.marks) continue;
    const sign = column.marks.better === 'higher' ? 1 : -1;
    const entries: { row: number; score: number }[] = [];
    table.rows.forEach((row, index) => {
      const value = row[column.id];
      if (typeof value === 'number' && Number.isFinite(value) && !unranked.has(index)) entries.push({ row: index, score: sign * value });
    });
    const marks = new Map<number, CellMark>();
    result.set(column.id, marks);
    const scores = entries.map((entry) => entry.score).sort((a, b) => b - a);
    if (scores.length === 0 || scores[0] === scores[scores.length - 1]) continue;
    const best = Math.min(column.marks.best ?? DEFAULT_MARKED, scores.length);
    const worst = Math.min(column.marks.worst ?? DEFAULT_MARKED, scores.length);
    const bestFrom = best > 0 ? scores[best - 1]! : Number.POSITIVE_INFINITY;
    const worstTo = worst > 0 ? scores[scores.length - worst]! : Number.NEGATIVE_INFINITY;
    for (const { row, score } of entries) {
      if (score >= bestFrom) marks.set(row, 'best');
      else if (score <= worstTo) marks.set(row, 'worst');
    }
  }
  return result;
}
