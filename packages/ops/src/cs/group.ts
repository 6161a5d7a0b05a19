import { type CategoricalPanel, FactorkitError, Panel } from '@factorkit/core';
import { checkDdof, checkSameShape } from '../internal/check.js';
import { applyMask, forEachRow, maskRow } from '../internal/rows.js';
import { assignRanks, sortWithIndex } from '../internal/select.js';
import type { CsOptions } from './basic.js';

const DEMEAN = 0;
const ZSCORE = 1;
const RANK = 2;
const PERCENTILE = 3;

/** Check that every code is −1 (missing) or a valid level index; throws `FK_INVALID_DATA` otherwise. */
export function checkCodes(op: string, groups: CategoricalPanel): void {
  const levels = groups.levels.length;
  const codes = groups.codes;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (c < -1 || c >= levels) {
      const a = Math.floor(i / groups.dates);
      throw new FactorkitError(
        'FK_INVALID_DATA',
        `${op}: category code \`${c}\` at date ${i - a * groups.dates}, asset ${a} is neither −1 (missing) nor one of the ${levels} levels`,
      );
    }
  }
}

function groupOp(op: string, kind: number, x: Panel, groups: CategoricalPanel, options: CsOptions, ddof: number): Panel {
  checkSameShape(op, 'groups', x, groups);
  checkCodes(op, groups);
  const { assets } = x;
  const levels = Math.max(1, groups.levels.length);
  const count = new Int32Array(levels);
  const start = new Int32Array(levels + 1);
  const sum = new Float64Array(levels);
  const centre = new Float64Array(levels);
  const scale = new Float64Array(levels);
  const min = new Float64Array(levels);
  const max = new Float64Array(levels);
  const sorted = new Float64Array(assets);
  const order = new Int32Array(assets);
  const fill = new Int32Array(levels);
  const [values] = forEachRow({ dates: x.dates, assets, numeric: [x.values], codes: [groups.codes], outputs: 1 }, (t, rows, codeRows, outs) => {
    const row = rows[0]!;
    const code = codeRows[0]!;
    const out = outs[0]!;
    applyMask(row, maskRow(op, options.mask, t, assets));
    count.fill(0);
    sum.fill(0);
    min.fill(Number.POSITIVE_INFINITY);
    max.fill(Number.NEGATIVE_INFINITY);
    for (let a = 0; a < assets; a++) {
      const v = row[a]!;
      const g = code[a]!;
      if (v !== v || g < 0) continue;
      count[g]!++;
      sum[g]! += v;
      if (v < min[g]!) min[g] = v;
      if (v > max[g]!) max[g] = v;
    }
    if (kind === DEMEAN || kind === ZSCORE) {
      for (let g = 0; g < levels; g++) centre[g] = min[g] === max[g] ? min[g]! : sum[g]! / count[g]!;
      if (kind === ZSCORE) {
        scale.fill(0);
        for (let a = 0; a < assets; a++) {
          const v = row[a]!;
          const g = code[a]!;
          if (v !== v || g < 0) continue;
          const d = v - centre[g]!;
          scale[g]! += d * d;
        }
        for (let g = 0; g < levels; g++) {
          const n = count[g]!;
          // Fewer than ddof + 1 values or all equal: no z-score.
          scale[g] = n - ddof > 0 && min[g] !== max[g] ? Math.sqrt(scale[g]! / (n - ddof)) : Number.NaN;
        }
      }
      for (let a = 0; a < assets; a++) {
        const v = row[a]!;
        const g = code[a]!;
        if (v !== v || g < 0) continue;
        out[a] = kind === DEMEAN ? v - centre[g]! : (v - centre[g]!) / scale[g]!;
      }
      return;
    }
    // Ranks: bucket the values by group (counting sort), then sort and rank each bucket.
    start[0] = 0;
    for (let g = 0; g < levels; g++) start[g + 1] = start[g]! + count[g]!;
    fill.set(start.subarray(0, levels));
    for (let a = 0; a < assets; a++) {
      const v = row[a]!;
      const g = code[a]!;
      if (v !== v || g < 0) continue;
      const at = fill[g]!++;
      sorted[at] = v;
      order[at] = a;
    }
    for (let g = 0; g < levels; g++) {
      if (count[g] === 0) continue;
      sortWithIndex(sorted, order, start[g]!, start[g + 1]!);
      assignRanks(sorted, order, start[g]!, start[g + 1]!, out, kind === PERCENTILE);
    }
  });
  return new Panel(x.dates, x.assets, values);
}

/**
 * Per date, subtract the mean of the asset's group (industry) from each eligible finite value.
 * Values with no group (code −1) or outside the mask → `NaN`.
 */
export function groupDemean(x: Panel, groups: CategoricalPanel, options: CsOptions = {}): Panel {
  return groupOp('groupDemean', DEMEAN, x, groups, options, 1);
}

/**
 * Per date, z-score within each group: `(x − group mean) / group std` (`ddof` = 1 by default).
 * A group with fewer than `ddof + 1` values or all values equal → `NaN`; no group → `NaN`.
 */
export function groupZscore(x: Panel, groups: CategoricalPanel, options: CsOptions & { readonly ddof?: number } = {}): Panel {
  return groupOp('groupZscore', ZSCORE, x, groups, options, checkDdof('groupZscore', options.ddof, 1));
}

/** Per date, the average-tie rank (`1 … m_g`) within each group; no group → `NaN`. */
export function groupRank(x: Panel, groups: CategoricalPanel, options: CsOptions = {}): Panel {
  return groupOp('groupRank', RANK, x, groups, options, 1);
}

/** Per date, the percentile rank `(r − 1) / (m_g − 1)` within each group (0.5 for a group of one). */
export function groupPercentile(x: Panel, groups: CategoricalPanel, options: CsOptions = {}): Panel {
  return groupOp('groupPercentile', PERCENTILE, x, groups, options, 1);
}
