import { describe, expect, it } from 'vitest';
import { gatherCodes, gatherRows, scatterRows } from '../src/internal/rows.js';

describe('row blocks', () => {
  for (const [dates, assets] of [[37, 5], [37, 8], [70, 21], [5, 1003]] as const) {
    it(`gather and scatter every block of a ${dates} × ${assets} column-major matrix`, () => {
      const src = Float64Array.from({ length: dates * assets }, (_, i) => i * 1.5);
      const codes = Int32Array.from(src, (v) => Math.round(v));
      const back = new Float64Array(src.length).fill(Number.NaN);
      for (const block of [1, 3, 32]) {
        for (let t0 = 0; t0 < dates; t0 += block) {
          const t1 = Math.min(dates, t0 + block);
          const rows = new Float64Array((t1 - t0) * assets);
          const codeRows = new Int32Array(rows.length);
          gatherRows(src, dates, assets, t0, t1, rows);
          gatherCodes(codes, dates, assets, t0, t1, codeRows);
          for (let t = t0; t < t1; t++) {
            for (let a = 0; a < assets; a++) {
              expect(rows[(t - t0) * assets + a]).toBe(src[a * dates + t]);
              expect(codeRows[(t - t0) * assets + a]).toBe(codes[a * dates + t]);
            }
          }
          scatterRows(rows, dates, assets, t0, t1, back);
        }
        expect(back).toEqual(src);
        back.fill(Number.NaN);
      }
    });
  }
});
