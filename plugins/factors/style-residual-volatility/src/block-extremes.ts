/**
 * Maxima and minima of `width` consecutive members of a stride-`stride` sequence (positions
 * q, q + stride, …, q + (width − 1)·stride) in O(1) each, by van Herk / Gil-Werman block scans: along
 * each stride class, blocks of `width` members get a running extreme from the block's start
 * (forward) and to its end (backward); a window of `width` members covers the end of one block
 * and the start of the next, so it is one backward read and one forward read. The same values
 * as comparing the members directly, with four comparisons per position instead of 2·width per window.
 */
export class BlockExtremes {
  private readonly fwdMax: Float64Array;
  private readonly fwdMin: Float64Array;
  private readonly bwdMax: Float64Array;
  private readonly bwdMin: Float64Array;

  constructor(
    private readonly size: number,
    private readonly stride: number,
    private readonly width: number,
  ) {
    this.fwdMax = new Float64Array(size);
    this.fwdMin = new Float64Array(size);
    this.bwdMax = new Float64Array(size);
    this.bwdMin = new Float64Array(size);
  }

  /** Scan `x` (length `size`). */
  run(x: Float64Array): void {
    const { size, stride, width, fwdMax, fwdMin, bwdMax, bwdMin } = this;
    // member = ⌊q / stride⌋ is the position's index in its class; blocks are members width·b … width·b + width − 1.
    for (let q = 0, rem = 0, member = 0; q < size; q++) {
      const v = x[q]!;
      if (member % width === 0) {
        fwdMax[q] = v;
        fwdMin[q] = v;
      } else {
        const hi = fwdMax[q - stride]!;
        const lo = fwdMin[q - stride]!;
        fwdMax[q] = v > hi ? v : hi;
        fwdMin[q] = v < lo ? v : lo;
      }
      if (++rem === stride) {
        rem = 0;
        member++;
      }
    }
    const last = size - 1;
    for (let q = last, rem = last % stride, member = Math.floor(last / stride); q >= 0; q--) {
      const v = x[q]!;
      if (member % width === width - 1 || q + stride > last) {
        bwdMax[q] = v;
        bwdMin[q] = v;
      } else {
        const hi = bwdMax[q + stride]!;
        const lo = bwdMin[q + stride]!;
        bwdMax[q] = v > hi ? v : hi;
        bwdMin[q] = v < lo ? v : lo;
      }
      if (rem-- === 0) {
        rem = stride - 1;
        member--;
      }
    }
  }

  /** Maximum of positions `from, from + stride, …, to` (`width` members: to = from + (width − 1)·stride). */
  max(from: number, to: number): number {
    const a = this.bwdMax[from]!;
    const b = this.fwdMax[to]!;
    return a > b ? a : b;
  }

  /** Minimum of the same positions. */
  min(from: number, to: number): number {
    const a = this.bwdMin[from]!;
    const b = this.fwdMin[to]!;
    return a < b ? a : b;
  }
}
