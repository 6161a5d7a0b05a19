/**
 * Every factor the synthetic market supports, over a full-market panel (5,000 stocks × ≈2,500
 * trading days): total and per-factor time of `computeFactor(plugin.with(), dataset)`, peak RSS,
 * and a numpy implementation of the same formulas (`factors.py`) timed in the same run, with
 * the ratio TS / numpy and a check that both give the same numbers.
 *
 * Market generation, the store and the materialisation of every input field happen before the
 * factors are timed and are reported apart. Each factor is warmed up once on the last
 * `lookback + 60` dates (so the JIT has compiled it) and then timed once over the whole panel:
 * at this size one run takes long enough for a single measurement.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FactorPlugin, computeFactor, factorLookback, missingInputs } from '@factorkit/core';
import { createDataset } from '@factorkit/data';
import { generateMarket } from '@factorkit/synth';
import { type BenchResult, formatMs, measure, report } from '@factorkit/tooling/bench';
import bp from '@factorkit/factor-bp';
import coverage3m from '@factorkit/factor-coverage-3m';
import epQ from '@factorkit/factor-ep-q';
import epTtm from '@factorkit/factor-ep-ttm';
import execPay from '@factorkit/factor-exec-pay';
import expectedBp from '@factorkit/factor-expected-bp';
import expectedEpTtm from '@factorkit/factor-expected-ep-ttm';
import expectedNpQoq from '@factorkit/factor-expected-np-qoq';
import expectedPeg from '@factorkit/factor-expected-peg';
import illiquidityShock from '@factorkit/factor-illiquidity-shock';
import momentum from '@factorkit/factor-momentum';
import profitQYoy from '@factorkit/factor-profit-q-yoy';
import reversal3m from '@factorkit/factor-reversal-3m';
import beta from '@factorkit/factor-style-beta';
import bookToPrice from '@factorkit/factor-style-book-to-price';
import earningsYield from '@factorkit/factor-style-earnings-yield';
import growth from '@factorkit/factor-style-growth';
import leverage from '@factorkit/factor-style-leverage';
import liquidity from '@factorkit/factor-style-liquidity';
import nonlinearSize from '@factorkit/factor-style-nonlinear-size';
import residualVolatility from '@factorkit/factor-style-residual-volatility';
import size from '@factorkit/factor-style-size';
import turnover1m from '@factorkit/factor-turnover-1m';
import volatility3m from '@factorkit/factor-volatility-3m';

const FACTORS: FactorPlugin<any>[] = [bp, coverage3m, epQ, epTtm, execPay, expectedBp, expectedEpTtm, expectedNpQoq, expectedPeg, illiquidityShock, momentum, profitQYoy, reversal3m, beta, bookToPrice, earningsYield, growth, leverage, liquidity, nonlinearSize, residualVolatility, size, turnover1m, volatility3m]; // eslint-disable-line @typescript-eslint/no-explicit-any

const STOCKS = 5000;
const YEARS = 10.3;
/** Factors the numpy script reproduces (factor id → the fields it reads). */
const NUMPY_FACTORS = ['momentum_1y', 'reversal_3m', 'volatility_3m', 'turnover_1m', 'illiquidity_shock', 'ep_ttm', 'ep_q', 'bp', 'size', 'beta'];

const here = dirname(fileURLToPath(import.meta.url));
const mib = () => process.resourceUsage().maxRSS / 1024;

// 1. Market, store, inputs: not part of the factor figure.
let market: ReturnType<typeof generateMarket> | undefined;
const generated = await measure('generateMarket', () => void (market = generateMarket({ stocks: STOCKS, years: YEARS, exposures: false })), { iterations: 1, warmup: 0 });
let dataset!: ReturnType<typeof createDataset>['dataset'];
const built = await measure('createDataset', () => void (dataset = createDataset(market!.tables).dataset), { iterations: 1, warmup: 0 });
market = undefined;

const supported: FactorPlugin<any>[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
const skipped: string[] = [];
for (const plugin of FACTORS) {
  const missing = missingInputs(plugin, dataset);
  if (missing.length > 0) skipped.push(`${plugin.id} (no ${missing.join(', ')})`);
  else supported.push(plugin);
}
const categorical = new Set(dataset.fieldInfo().filter((f) => f.kind === 'categorical').map((f) => f.name));
const inputFields = [...new Set(supported.flatMap((p) => p.meta.inputs.map((i) => i.field)).filter((f) => dataset.hasField(f)))].sort();
const assembled = await measure(
  `materialise ${inputFields.length} input fields`,
  () => {
    for (const field of inputFields) {
      if (categorical.has(field)) dataset.categoricalPanel(field);
      else dataset.panel(field);
    }
  },
  { iterations: 1, warmup: 0 },
);
const { length: dates } = dataset.calendar;
const assets = dataset.assets.length;
report(`data: ${assets.toLocaleString('en-US')} stocks × ${dates.toLocaleString('en-US')} days (not part of the factor time)`, [generated, built, assembled], {
  notes: [`input fields: ${inputFields.join(', ')}`],
});

// 2. Every supported factor: warm up on a short range, then one timed run over the whole panel.
const dir = mkdtempSync(join(tmpdir(), 'factorkit-bench-factors-'));
try {
  const results: BenchResult[] = [];
  const failed: string[] = [];
  for (const plugin of supported) {
    const spec = plugin.with();
    try {
      const warmStart = Math.max(0, dates - 1 - factorLookback(plugin, spec.params) - 60);
      computeFactor(spec, dataset, { start: Math.min(warmStart + factorLookback(plugin, spec.params), dates - 1) });
      let out!: ReturnType<typeof computeFactor>;
      const result = await measure(plugin.id, () => void (out = computeFactor(spec, dataset)), { iterations: 1, warmup: 0 });
      results.push(result);
      if (NUMPY_FACTORS.includes(plugin.id)) writePanel(join(dir, `ts_${plugin.id}.f64`), out.values.values);
    } catch (error) {
      failed.push(`${plugin.id}: ${(error as Error).message}`);
    }
  }
  const totalMs = results.reduce((sum, r) => sum + r.medianMs, 0);
  report(`${results.length} factors over ${assets.toLocaleString('en-US')} × ${dates.toLocaleString('en-US')} (computeFactor, one run after a short warm-up)`, results, {
    notes: [
      `total: ${formatMs(totalMs)} (target ≤ 3 s on one core)`,
      `process peak RSS: ${mib().toFixed(0)} MiB (includes the market generator, the store and ${inputFields.length} materialised input panels of ${((assets * dates * 8) / 2 ** 20).toFixed(0)} MiB each)`,
      ...(skipped.length ? [`skipped (inputs the synthetic market lacks): ${skipped.join('; ')}`] : []),
      ...(failed.length ? [`failed: ${failed.join('; ')}`] : []),
    ],
  });

  // 3. numpy reference in the same run: the inputs as raw float64 panels (assets × dates, C order).
  const has = (f: string) => dataset.hasField(f);
  const sources = {
    ep_ttm: has('np_parent_ttm') ? 'np_parent_ttm' : 'net_profit_ttm',
    ep_q: has('np_parent_q') ? 'np_parent_q' : 'net_profit_q',
    bp: has('equity') && has('market_cap') ? 'equity' : 'pb_mrq',
  };
  const numpyInputs = ['ret', 'turnover', 'amount', 'market_cap', 'float_market_cap', ...Object.values(sources)].filter(has);
  for (const field of new Set(numpyInputs)) writePanel(join(dir, `${field}.f64`), dataset.panel(field).values);
  const manifest = { dir, assets, dates, inputs: [...new Set(numpyInputs)], sources, factors: NUMPY_FACTORS.filter((id) => results.some((r) => r.name === id)) };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  const py = spawnSync('python3', [join(here, 'factors.py'), join(dir, 'manifest.json')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  if (py.status !== 0) {
    console.log(`\nnumpy reference failed (exit ${String(py.status)}${py.error ? `, ${py.error.message}` : ''}): ${py.stdout}`);
  } else {
    const ref = JSON.parse(py.stdout) as {
      numpy: string;
      loadMs: number;
      peakRssMiB: number;
      factors: Record<string, { ms: number; maxAbsDiff: number; maxRelDiff: number; finite: number; nanMismatch: number }>;
    };
    console.log(`\n## the same formulas in numpy ${ref.numpy} (bench/factors.py, same run, one core)`);
    const rows = [['factor', 'TS', 'numpy', 'TS / numpy', 'finite cells', 'NaN mismatches', 'max |Δ|', 'max rel Δ']];
    let tsSum = 0;
    let npSum = 0;
    for (const [id, r] of Object.entries(ref.factors)) {
      const ts = results.find((x) => x.name === id)!.medianMs;
      tsSum += ts;
      npSum += r.ms;
      rows.push([id, formatMs(ts), formatMs(r.ms), `${(ts / r.ms).toFixed(2)}×`, r.finite.toLocaleString('en-US'), String(r.nanMismatch), r.maxAbsDiff.toExponential(2), r.maxRelDiff.toExponential(2)]);
    }
    rows.push(['(these factors)', formatMs(tsSum), formatMs(npSum), `${(tsSum / npSum).toFixed(2)}×`, '', '', '', '']);
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
    for (const row of rows) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd());
    console.log(`numpy: inputs loaded in ${formatMs(ref.loadMs)} (not timed), python peak RSS ${ref.peakRssMiB.toFixed(0)} MiB`);
    console.log('max rel Δ = max |Δ| / max(|TS|, 1e-300) over cells finite in both; NaN mismatches = cells NaN in one implementation only');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function writePanel(path: string, values: Float64Array): void {
  writeFileSync(path, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}
