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
/** Factors the numpy script (`factors.py`) reproduces: every plugin here. */
const NUMPY_FACTORS = [
  'momentum_1y',
  'reversal_3m',
  'volatility_3m',
  'turnover_1m',
  'illiquidity_shock',
  'ep_ttm',
  'ep_q',
  'bp',
  'size',
  'beta',
  'coverage_3m',
  'exec_pay',
  'expected_bp',
  'expected_ep_ttm',
  'expected_np_qoq',
  'expected_peg',
  'profit_q_yoy',
  'book_to_price',
  'earnings_yield',
  'growth',
  'leverage',
  'liquidity',
  'nonlinear_size',
  'residual_volatility',
];

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

// 2. Memory. On a virtual machine the first touch of memory the guest has never used costs
// several times a recycled page (seen here: 100 MB first-touched in ≈ 480 ms by a process that
// already holds 4.7 GB, ≈ 70 ms when the pages are recycled). Each factor allocates fresh
// 96 MiB panels, so without this its time would depend on how much memory the machine has
// handed out since boot. Touch and release 2 GiB once, and collect garbage between factors
// (with `--expose-gc`, as `pnpm bench` runs it) so that freed panels are reused, as in a
// long-running process.
const gc = (globalThis as { gc?: () => void }).gc;
const touched = await measure(
  'touch and release 2 GiB',
  () => {
    const chunks: Float64Array[] = [];
    for (let k = 0; k < 16; k++) chunks.push(new Float64Array(2 ** 24).fill(k));
    chunks.length = 0;
    gc?.();
  },
  { iterations: 1, warmup: 0 },
);
report('memory (not part of the factor time)', [touched], {
  notes: [gc ? 'garbage collected between factors (--expose-gc)' : 'no --expose-gc: garbage is not collected between factors, so factors may run on memory the machine has not handed out before'],
});

// 3. Every supported factor: warm up on a short range, then one timed run over the whole panel.
const dir = mkdtempSync(join(tmpdir(), 'factorkit-bench-factors-'));
try {
  const results: BenchResult[] = [];
  const failed: string[] = [];
  const cpu = { user: 0, system: 0 };
  for (const plugin of supported) {
    const spec = plugin.with();
    try {
      const warmStart = Math.max(0, dates - 1 - factorLookback(plugin, spec.params) - 60);
      computeFactor(spec, dataset, { start: Math.min(warmStart + factorLookback(plugin, spec.params), dates - 1) });
      gc?.();
      let out!: ReturnType<typeof computeFactor>;
      const before = process.cpuUsage();
      const result = await measure(plugin.id, () => void (out = computeFactor(spec, dataset)), { iterations: 1, warmup: 0 });
      const used = process.cpuUsage(before);
      cpu.user += used.user / 1000;
      cpu.system += used.system / 1000;
      results.push(result);
      if (NUMPY_FACTORS.includes(plugin.id)) writePanel(join(dir, `ts_${plugin.id}.f64`), out.values.values);
    } catch (error) {
      failed.push(`${plugin.id}: ${(error as Error).message}`);
    }
  }
  const totalMs = results.reduce((sum, r) => sum + r.medianMs, 0);
  report(`${results.length} factors over ${assets.toLocaleString('en-US')} × ${dates.toLocaleString('en-US')} (computeFactor, one run after a short warm-up)`, results, {
    notes: [
      `total: ${formatMs(totalMs)} (target ≤ 3 s on one core); CPU: ${formatMs(cpu.user)} user + ${formatMs(cpu.system)} system (page faults of fresh panels are system time)`,
      `process peak RSS: ${mib().toFixed(0)} MiB (includes the market generator, the store and ${inputFields.length} materialised input panels of ${((assets * dates * 8) / 2 ** 20).toFixed(0)} MiB each)`,
      ...(skipped.length ? [`skipped (inputs the synthetic market lacks): ${skipped.join('; ')}`] : []),
      ...(failed.length ? [`failed: ${failed.join('; ')}`] : []),
    ],
  });

  // 4. numpy reference in the same run: the inputs as raw float64 panels (assets × dates, C order).
  const has = (f: string) => dataset.hasField(f);
  const pick = (...fields: string[]) => fields.find(has) ?? fields[0]!;
  // The field each plugin reads where it has a choice (the plugins' own fallback order).
  const sources = {
    ep_ttm: pick('np_parent_ttm', 'net_profit_ttm'),
    ep_q: pick('np_parent_q', 'net_profit_q'),
    bp: has('equity') && has('market_cap') ? 'equity' : 'pb_mrq',
    expected_bp: has('consensus_equity_12m') ? 'equity' : 'bps',
    earnings_yield: pick('np_parent_ttm', 'net_profit_ttm'),
    growth: pick('np_parent_ttm_yoy', 'net_profit_ttm_yoy'),
    profit_q_yoy: pick('op_profit_q_yoy', 'np_parent_q_yoy', 'net_profit_q_yoy'),
  };
  // The fields each numpy factor reads (optional ones only where the dataset has them).
  const reads: Record<string, string[]> = {
    momentum_1y: ['ret'],
    reversal_3m: ['ret'],
    volatility_3m: ['ret'],
    turnover_1m: ['turnover'],
    illiquidity_shock: ['ret', 'amount'],
    ep_ttm: [sources.ep_ttm, 'market_cap'],
    ep_q: [sources.ep_q, 'market_cap'],
    bp: sources.bp === 'equity' ? ['equity', 'market_cap'] : ['pb_mrq'],
    size: ['market_cap'],
    beta: ['ret', 'float_market_cap'],
    coverage_3m: ['analyst_coverage_3m'],
    exec_pay: ['exec_pay'],
    expected_bp: sources.expected_bp === 'equity' ? ['consensus_equity_12m', 'market_cap'] : ['consensus_bps_12m', 'total_share', 'market_cap'],
    expected_ep_ttm: ['consensus_net_profit_12m', 'market_cap'],
    expected_np_qoq: ['consensus_net_profit_fy1', 'consensus_net_profit_fy2'],
    expected_peg: ['consensus_net_profit_fy1', 'consensus_net_profit_fy2', 'market_cap'],
    profit_q_yoy: [sources.profit_q_yoy],
    book_to_price: ['equity', 'market_cap', 'pb_mrq'],
    earnings_yield: ['market_cap', sources.earnings_yield, 'consensus_net_profit_12m'],
    growth: [sources.growth, 'revenue_ttm_yoy'],
    leverage: ['total_liab', 'total_assets', 'equity', 'market_cap'],
    liquidity: ['turnover'],
    nonlinear_size: ['market_cap'],
    residual_volatility: ['ret', 'float_market_cap'],
  };
  const numpyFactors = NUMPY_FACTORS.filter((id) => results.some((r) => r.name === id));
  const fields = Object.fromEntries(numpyFactors.map((id) => [id, reads[id]!.filter(has)]));
  const numpyInputs = [...new Set(Object.values(fields).flat())].sort();
  for (const field of numpyInputs) writePanel(join(dir, `${field}.f64`), dataset.panel(field).values);
  const years = dataset.calendar.dates.map((d) => Number(d.slice(0, 4)));
  const manifest = { dir, assets, dates, inputs: numpyInputs, fields, sources, years, factors: numpyFactors };
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
    rows.push([`total (${rows.length - 1} factors)`, formatMs(tsSum), formatMs(npSum), `${(tsSum / npSum).toFixed(2)}×`, '', '', '', '']);
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
