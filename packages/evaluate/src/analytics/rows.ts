import { correlation, ranksInOrder, sortOrder } from '@factorkit/ops';

/**
 * One cross-section held compactly: only the stocks it includes, by ascending asset index —
 * `assets[k]` and `values[k]` for `k < count` — with their ascending order by value
 * (`order[0 … count)`, positions `k`, from `sortOrder`), their average-tie ranks among the row
 * and, for factor rows, their groups. Every loop over a row walks its `count` stocks, not the
 * whole market, and in ascending asset order, so sums over a row add the same numbers in the
 * same order as a loop over all assets skipping the missing ones.
 */
export interface Row {
  readonly assets: Int32Array;
  readonly values: Float64Array;
  readonly order: Int32Array;
  readonly ranks: Float64Array;
  readonly groups: Uint16Array;
  count: number;
}

/** A row with room for `assets` stocks. */
export function newRow(assets: number): Row {
  return {
    assets: new Int32Array(assets),
    values: new Float64Array(assets),
    order: new Int32Array(assets),
    ranks: new Float64Array(assets),
    groups: new Uint16Array(assets),
    count: 0,
  };
}

/** Sort the row's `count` values (every one finite) into `order` and rank them into `ranks`. */
export function sortRow(row: Row, scratch: Float64Array): void {
  const n = row.count;
  sortOrder(row.values.subarray(0, n), row.order, scratch);
  ranksInOrder(row.values.subarray(0, n), row.order, n, undefined, row.ranks.subarray(0, n));
}

/**
 * Two rows compared stock by stock: {@link RowPair.match} finds the stocks in both (a merge of
 * the ascending asset lists), then {@link RowPair.correlate} and {@link RowPair.turnover} work
 * on those. Scratch for rows of up to `assets` stocks, allocated once.
 */
export class RowPair {
  /** The stocks in both rows. */
  n = 0;
  /** IC and RankIC over them, from {@link correlate} (`NaN` below the minimum). */
  ic = Number.NaN;
  rankIc = Number.NaN;
  private a: Row | undefined;
  private b: Row | undefined;
  /** Positions in `a` and in `b` of the common stocks `0 … n)`, in ascending asset order. */
  private readonly atA: Int32Array;
  private readonly atB: Int32Array;
  private readonly keep: Uint8Array;
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly ranksA: Float64Array;
  private readonly ranksB: Float64Array;

  constructor(assets: number) {
    this.atA = new Int32Array(assets);
    this.atB = new Int32Array(assets);
    this.keep = new Uint8Array(assets);
    this.x = new Float64Array(assets);
    this.y = new Float64Array(assets);
    this.ranksA = new Float64Array(assets);
    this.ranksB = new Float64Array(assets);
  }

  /** Find the stocks in both rows (both asset lists ascend, so a merge), into `n`. */
  match(a: Row, b: Row): void {
    const { atA, atB } = this;
    let n = 0;
    let i = 0;
    let j = 0;
    while (i < a.count && j < b.count) {
      const u = a.assets[i]!;
      const v = b.assets[j]!;
      if (u < v) i++;
      else if (u > v) j++;
      else {
        atA[n] = i++;
        atB[n++] = j++;
      }
    }
    this.a = a;
    this.b = b;
    this.n = n;
  }

  /**
   * IC (Pearson; with `ic`, else left `NaN`) and RankIC (Spearman) of the matched rows over
   * their common stocks, into `ic` and `rankIc`. Each row is ranked among the common stocks by
   * walking its order (no sorting), or is its own ranks when all of its stocks are common.
   */
  correlate(minAssets: number, ic = true): void {
    const { atA, atB, x, y, n } = this;
    const a = this.a!;
    const b = this.b!;
    this.ic = Number.NaN;
    this.rankIc = Number.NaN;
    if (n < minAssets) return;
    if (ic) {
      for (let k = 0; k < n; k++) {
        x[k] = a.values[atA[k]!]!;
        y[k] = b.values[atB[k]!]!;
      }
      this.ic = correlation(x.subarray(0, n), y.subarray(0, n));
    }
    const ranksA = n === a.count ? a.ranks : this.subsetRanks(a, atA, this.ranksA);
    const ranksB = n === b.count ? b.ranks : this.subsetRanks(b, atB, this.ranksB);
    for (let k = 0; k < n; k++) {
      x[k] = ranksA[atA[k]!]!;
      y[k] = ranksB[atB[k]!]!;
    }
    this.rankIc = correlation(x.subarray(0, n), y.subarray(0, n));
  }

  /** Ranks of `row` among its positions `at[0 … n)`, by position (others `NaN`). */
  private subsetRanks(row: Row, at: Int32Array, out: Float64Array): Float64Array {
    const keep = this.keep.fill(0, 0, row.count);
    for (let k = 0; k < this.n; k++) keep[at[k]!] = 1;
    ranksInOrder(row.values.subarray(0, row.count), row.order, row.count, keep, out.subarray(0, row.count));
    return out;
  }

  /**
   * Share of the stocks in group `group` of the first row that were not in group `pastGroup` of
   * the second (`NaN` when either is 0, no group).
   */
  turnover(group: number, pastGroup: number): number {
    if (group === 0 || pastGroup === 0) return Number.NaN;
    const a = this.a!;
    const b = this.b!;
    let count = 0;
    for (let k = 0; k < a.count; k++) if (a.groups[k] === group) count++;
    let stayed = 0;
    for (let k = 0; k < this.n; k++) if (a.groups[this.atA[k]!] === group && b.groups[this.atB[k]!] === pastGroup) stayed++;
    return (count - stayed) / count;
  }
}
