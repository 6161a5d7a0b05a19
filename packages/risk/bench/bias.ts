/** Bias statistics of the risk model on cn-csi300: `pnpm tsx bench/bias.ts [halfLife] [nwLags] [regimeHalfLife]`. */
import { backtestRiskForecasts, biasStatistic, estimateRiskPanels } from '../src/index.js';
import { forecastDates, loadRealPanels, testPortfolios } from '../test/realdata.js';

const halfLife = Number(process.argv[2] ?? 90);
const nw = Number(process.argv[3] ?? 0);
const regime = Number(process.argv[4] ?? 0);
const horizon = Number(process.argv[5] ?? 5);
const t0 = performance.now();
const { panels, benchmark } = await loadRealPanels();
const t1 = performance.now();
const estimate = estimateRiskPanels(panels, { weights: 'sqrt-cap' });
const t2 = performance.now();
let r2 = 0;
let days = 0;
for (const v of estimate.rSquared) if (Number.isFinite(v)) { r2 += v; days++; }
console.log(`load+styles ${((t1 - t0) / 1000).toFixed(1)} s, regressions ${((t2 - t1) / 1000).toFixed(1)} s (${days} days, mean R² ${(r2 / days).toFixed(3)})`, estimate.report);
const asOf = forecastDates(panels.dates, '2014-01-02', horizon, horizon);
const series = backtestRiskForecasts(estimate, {
  asOf,
  horizon,
  model: { halfLife, neweyWestLags: nw, regimeHalfLife: regime },
  portfolios: testPortfolios(benchmark),
});
const t3 = performance.now();
console.log(`${asOf.length} forecast dates, horizon ${horizon}: ${((t3 - t2) / 1000).toFixed(1)} s; rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
console.log('portfolio              N   bias    se  roll.mean roll.min roll.max inBand  MRAD  meanTE(ann)');
let all = 0;
for (const s of series) {
  const b = biasStatistic(s.realised, s.predicted, { window: Math.round(252 / horizon) });
  const te = (s.predicted.reduce((x, y) => x + y, 0) / s.predicted.length) * Math.sqrt(252 / horizon);
  all += b.bias;
  console.log(`${s.name.padEnd(22)} ${String(b.count).padStart(3)} ${b.bias.toFixed(3)} ${b.standardError.toFixed(3)}  ${b.rollingMean.toFixed(3)}    ${b.rollingMin.toFixed(3)}    ${b.rollingMax.toFixed(3)}   ${b.rollingInBand.toFixed(2)}  ${b.rollingMrad.toFixed(3)}  ${(te * 100).toFixed(2)}%`);
}
console.log(`mean bias over portfolios ${(all / series.length).toFixed(3)}`);
