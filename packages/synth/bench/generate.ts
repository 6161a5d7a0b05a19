/**
 * Synthetic market benchmarks: generation time and peak memory of the default market
 * (3,000 stocks × 10 years) and of a full-market-sized one (5,000 stocks × about 2,500 trading
 * days). Peak RSS is the process's, so the smaller case runs first.
 */
import { measure, report } from '@factorkit/tooling/bench';
import { generateMarket } from '../src/index.js';

let rows = 0;
const defaults = await measure(
  'generateMarket() — 3,000 stocks × 10 years',
  () => {
    rows = generateMarket().tables.get('daily')!.rowCount;
  },
  { iterations: 3, warmup: 1 },
);
const defaultRows = rows;
const large = await measure(
  'generateMarket({ stocks: 5000, years: 10.3 }) — 5,000 × ≈2,500 days',
  () => {
    const m = generateMarket({ stocks: 5000, years: 10.3 });
    rows = m.tables.get('daily')!.rowCount;
    if (m.truth.dates.length < 2480) throw new Error(`only ${m.truth.dates.length} days`);
  },
  { iterations: 2, warmup: 0 },
);
report('synthetic market generation (all 14 tables and the truth, in memory)', [defaults, large], {
  notes: [
    `daily rows: ${defaultRows.toLocaleString('en-US')} (default), ${rows.toLocaleString('en-US')} (5,000 stocks)`,
    `throughput: ${((defaultRows / defaults.medianMs) * 1000).toExponential(2)} daily rows/s (default)`,
  ],
});
