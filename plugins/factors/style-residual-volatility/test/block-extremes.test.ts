import { describe, expect, it } from 'vitest';
import { BlockExtremes } from '../src/block-extremes.js';

describe('BlockExtremes', () => {
  for (const [size, stride, width] of [[300, 21, 12], [97, 5, 12], [50, 1, 7], [64, 3, 1], [12, 1, 12]] as const) {
    it(`max and min of every ${width}-member stride-${stride} window of ${size} values equal a direct scan`, () => {
      let s = size * 31 + stride;
      const x = Float64Array.from({ length: size }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 10 - 5);
      x[size >> 1] = x[(size >> 1) + stride] ?? 0; // a tie
      const scan = new BlockExtremes(size, stride, width);
      scan.run(x);
      for (let from = 0; from + (width - 1) * stride < size; from++) {
        const members = Array.from({ length: width }, (_, k) => x[from + k * stride]!);
        const to = from + (width - 1) * stride;
        expect(scan.max(from, to), `window at ${from}`).toBe(Math.max(...members));
        expect(scan.min(from, to), `window at ${from}`).toBe(Math.min(...members));
      }
    });
  }
});
