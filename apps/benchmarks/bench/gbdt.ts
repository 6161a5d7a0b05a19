/**
 * `@factorkit/gbdt` against python `lightgbm` on the same data in the same run, with ridge beside
 * both. Synthetic panel: 5,000 stocks × 20 features × 250 training dates (1.25 M rows) plus 50
 * held-out dates; i.i.d. standard normal exposures (2 % NaN in features 6 and 18), a known
 * nonlinear signal `f` in features 0–7 (features 8–19 are noise), labels
 * `0.3 · f / sd(f) + √(1 − 0.3²) · ε` z-scored per date (cross-sectionally normalised).
 *
 * Both libraries train 300 rounds with the same hyperparameters — num_leaves 31, learning_rate
 * 0.05, min_data_in_leaf 20, lambda_l2 0, 255 bins, feature and bagging fraction 1 — on one
 * thread (lightgbm `num_threads: 1`, its Dataset construction included). Printed: wall and CPU
 * time of binning (lightgbm: Dataset construction) and of boosting, their ratio, and the
 * out-of-sample RankIC (mean per-date Spearman correlation of score and label over the held-out
 * dates) of both models, of ridge (closed-form least squares on the same features, NaN → 0) and
 * of the true signal `f` (the ceiling). The data go to python as raw float64 files in a temporary
 * folder, removed afterwards. Without python3 + lightgbm the reference is skipped with a message.
 *
 * Run: `pnpm bench:gbdt` (≈ 1.5 minutes, 440 MiB in Node, here; `pip install lightgbm` for the reference).
 * Options (environment): GBDT_BENCH_STOCKS=5000 GBDT_BENCH_DATES=250 GBDT_BENCH_TEST_DATES=50
 * GBDT_BENCH_FEATURES=20 GBDT_BENCH_ROUNDS=300 GBDT_BENCH_NAN=0.02 (share of features 6 and 18 missing)
 * GBDT_BENCH_SEED=20261206 (the data);
 * BENCH_JSON=path appends the results as one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainGbdt } from '@factorkit/gbdt';
import { correlation, rankInPlace } from '@factorkit/ops';

const env = process.env;
const STOCKS = Number(env.GBDT_BENCH_STOCKS ?? 5000);
const DATES = Number(env.GBDT_BENCH_DATES ?? 250);
const TEST_DATES = Number(env.GBDT_BENCH_TEST_DATES ?? 50);
const FEATURES = Math.max(8, Number(env.GBDT_BENCH_FEATURES ?? 20));
const ROUNDS = Number(env.GBDT_BENCH_ROUNDS ?? 300);
const SEED = Number(env.GBDT_BENCH_SEED ?? 20261206);
const RHO = 0.3;
const NAN_FEATURES = [6, Math.min(18, FEATURES - 1)];
const NAN_SHARE = Number(env.GBDT_BENCH_NAN ?? 0.02);
/** |z| of a standard normal exceeds this with probability NAN_SHARE (bisection on erfc). */
const NAN_CUT = normalTail(NAN_SHARE);
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'gbdt_lightgbm.py');
const HYPER = { numRounds: ROUNDS, numLeaves: 31, learningRate: 0.05, minDataInLeaf: 20, lambdaL2: 0, maxBins: 255, featureFraction: 1, baggingFraction: 1 };
const LIGHTGBM_PARAMS = { num_leaves: 31, learning_rate: 0.05, min_data_in_leaf: 20, lambda_l2: 0, max_bin: 255, feature_fraction: 1, bagging_fraction: 1 };

/** mulberry32 with Box–Muller normals: the same panel on every run. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** The z with P(|N(0, 1)| > z) = p, by bisection (erfc by the Abramowitz–Stegun 7.1.26 approximation, |ε| < 1.5e−7). */
function normalTail(p: number): number {
  if (p <= 0) return Number.POSITIVE_INFINITY;
  const erfc = (x: number) => {
    const t = 1 / (1 + 0.3275911 * x);
    return t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  };
  let lo = 0;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (erfc(mid / Math.SQRT2) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The planted signal of one row: linear, quadratic, periodic, an interaction, a step and a kink. */
function signal(x: Float64Array, o: number): number {
  const v = (f: number) => {
    const a = x[o + f]!;
    return a === a ? a : 0;
  };
  return 0.35 * v(0) - 0.25 * v(1) + (0.3 * (v(2) ** 2 - 1)) / Math.SQRT2 + 0.3 * Math.sin(2 * v(3)) + 0.3 * v(4) * v(5) + 0.25 * (v(6) > 1 ? 1 : 0) - 0.25 * Math.abs(v(7));
}

interface Panel {
  readonly rows: number;
  readonly features: Float64Array;
  /** z-scored per date. */
  readonly labels: Float64Array;
  /** The noiseless signal, per row. */
  readonly truth: Float64Array;
}

function makePanels(): { train: Panel; test: Panel } {
  const gauss = normals(SEED);
  const total = STOCKS * (DATES + TEST_DATES);
  const features = new Float64Array(total * FEATURES);
  for (let i = 0; i < features.length; i++) features[i] = gauss();
  // The missing cells from a second stream, so that the values stay put whatever the share.
  const mask = normals(SEED + 1);
  for (let r = 0; r < total; r++) {
    for (const f of NAN_FEATURES) if (Math.abs(mask()) > NAN_CUT) features[r * FEATURES + f] = Number.NaN;
  }
  const truth = new Float64Array(total);
  let sum = 0;
  let squares = 0;
  for (let r = 0; r < total; r++) {
    const f = signal(features, r * FEATURES);
    truth[r] = f;
    sum += f;
    squares += f * f;
  }
  const sd = Math.sqrt(squares / total - (sum / total) ** 2);
  const labels = new Float64Array(total);
  const noise = Math.sqrt(1 - RHO * RHO);
  for (let r = 0; r < total; r++) labels[r] = (RHO * (truth[r]! - sum / total)) / sd + noise * gauss();
  for (let d = 0; d < DATES + TEST_DATES; d++) zscore(labels.subarray(d * STOCKS, (d + 1) * STOCKS));
  const split = STOCKS * DATES;
  const part = (a: number, b: number): Panel => ({
    rows: b - a,
    features: features.subarray(a * FEATURES, b * FEATURES),
    labels: labels.subarray(a, b),
    truth: truth.subarray(a, b),
  });
  return { train: part(0, split), test: part(split, total) };
}

function zscore(row: Float64Array): void {
  let m = 0;
  for (const v of row) m += v;
  m /= row.length;
  let s = 0;
  for (const v of row) s += (v - m) ** 2;
  s = Math.sqrt(s / (row.length - 1));
  for (let i = 0; i < row.length; i++) row[i] = (row[i]! - m) / s;
}

/** Mean and t-statistic of a series (per-date ICs or their differences). */
function meanT(xs: readonly number[]): { mean: number; t: number } {
  const mean = xs.reduce((x, y) => x + y, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((x, y) => x + (y - mean) ** 2, 0) / (xs.length - 1));
  return { mean, t: (mean / sd) * Math.sqrt(xs.length) };
}

/** Per-date Spearman correlations of `score` and `labels` over the test dates. */
function rankIcs(score: Float64Array, labels: Float64Array): number[] {
  const ics: number[] = [];
  for (let d = 0; d < TEST_DATES; d++) {
    const a = score.slice(d * STOCKS, (d + 1) * STOCKS);
    const b = labels.slice(d * STOCKS, (d + 1) * STOCKS);
    rankInPlace(a);
    rankInPlace(b);
    ics.push(correlation(a, b));
  }
  return ics;
}

/** Least squares with an intercept (NaN features as 0, their mean), by the normal equations. */
function ridge(train: Panel, test: Panel, lambda = 1e-6): Float64Array {
  const k = FEATURES + 1;
  const xtx = new Float64Array(k * k);
  const xty = new Float64Array(k);
  const row = new Float64Array(k);
  for (let r = 0; r < train.rows; r++) {
    row[0] = 1;
    for (let f = 0; f < FEATURES; f++) {
      const v = train.features[r * FEATURES + f]!;
      row[f + 1] = v === v ? v : 0;
    }
    const y = train.labels[r]!;
    for (let i = 0; i < k; i++) {
      xty[i]! += row[i]! * y;
      for (let j = i; j < k; j++) xtx[i * k + j]! += row[i]! * row[j]!;
    }
  }
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < i; j++) xtx[i * k + j] = xtx[j * k + i]!;
    xtx[i * k + i]! += lambda * train.rows;
  }
  // Gaussian elimination with partial pivoting on the (k × k) system.
  const a = xtx;
  const b = xty;
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r * k + c]!) > Math.abs(a[p * k + c]!)) p = r;
    for (let j = 0; j < k; j++) [a[c * k + j], a[p * k + j]] = [a[p * k + j]!, a[c * k + j]!];
    [b[c], b[p]] = [b[p]!, b[c]!];
    for (let r = c + 1; r < k; r++) {
      const m = a[r * k + c]! / a[c * k + c]!;
      for (let j = c; j < k; j++) a[r * k + j]! -= m * a[c * k + j]!;
      b[r]! -= m * b[c]!;
    }
  }
  const beta = new Float64Array(k);
  for (let c = k - 1; c >= 0; c--) {
    let s = b[c]!;
    for (let j = c + 1; j < k; j++) s -= a[c * k + j]! * beta[j]!;
    beta[c] = s / a[c * k + c]!;
  }
  const out = new Float64Array(test.rows);
  for (let r = 0; r < test.rows; r++) {
    let s = beta[0]!;
    for (let f = 0; f < FEATURES; f++) {
      const v = test.features[r * FEATURES + f]!;
      if (v === v) s += beta[f + 1]! * v;
    }
    out[r] = s;
  }
  return out;
}

interface Reference {
  readonly version: string;
  readonly constructWall: number;
  readonly constructCpu: number;
  readonly trainWall: number;
  readonly trainCpu: number;
  readonly trees: number;
  readonly predictions: Float64Array;
}

const raw = (a: Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** python lightgbm on the same panels, or a string saying why it did not run. */
function lightgbm(train: Panel, test: Panel): Reference | string {
  const probe = spawnSync('python3', ['-c', 'import lightgbm'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'python3 with lightgbm is not installed (pip install lightgbm): reference skipped';
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-bench-gbdt-'));
  try {
    writeFileSync(join(dir, 'train.f64'), raw(train.features));
    writeFileSync(join(dir, 'labels.f64'), raw(train.labels));
    writeFileSync(join(dir, 'test.f64'), raw(test.features));
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ rows: train.rows, cols: FEATURES, testRows: test.rows, rounds: ROUNDS, params: LIGHTGBM_PARAMS }));
    const run = spawnSync('python3', [SCRIPT, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (run.status !== 0) return `lightgbm failed: ${run.stderr.trim().split('\n').at(-1)}`;
    const bytes = readFileSync(join(dir, 'lightgbm.f64'));
    const predictions = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return { ...(JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Omit<Reference, 'predictions'>), predictions };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const pad = (x: string, n: number) => x.padEnd(n);
const padStart = (x: string, n: number) => x.padStart(n);

function main(): void {
  const started = performance.now();
  const { train, test } = makePanels();
  console.log(
    `GBDT: ${STOCKS.toLocaleString('en')} stocks × ${FEATURES} features × ${DATES} dates = ${train.rows.toLocaleString('en')} training rows; ` +
      `${TEST_DATES} held-out dates (${test.rows.toLocaleString('en')} rows); data made in ${s(performance.now() - started)}`,
  );
  console.log(`${ROUNDS} rounds, num_leaves 31, learning_rate 0.05, min_data_in_leaf 20, lambda_l2 0, 255 bins, feature/bagging fraction 1, one thread`);
  console.log(`load average before: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);

  const reference = lightgbm(train, test);

  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const model = trainGbdt(train.features, train.rows, FEATURES, train.labels, HYPER);
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1000;
  const ours = model.predict(test.features, test.rows);
  const { binningMs, boostingMs } = model.log!.timings;

  console.log(`${pad('', 26)}${padStart('binning', 10)}${padStart('boosting', 11)}${padStart('total', 10)}${padStart('CPU total', 11)}`);
  console.log(`${pad('@factorkit/gbdt', 26)}${padStart(s(binningMs), 10)}${padStart(s(boostingMs), 11)}${padStart(s(wall), 10)}${padStart(s(cpu), 11)}   (${model.trees.length} trees)`);
  if (typeof reference === 'string') {
    console.log(`python lightgbm: ${reference}`);
  } else {
    const total = (reference.constructWall + reference.trainWall) * 1000;
    const totalCpu = (reference.constructCpu + reference.trainCpu) * 1000;
    console.log(
      `${pad(`python lightgbm ${reference.version}`, 26)}${padStart(s(reference.constructWall * 1000), 10)}${padStart(s(reference.trainWall * 1000), 11)}${padStart(s(total), 10)}${padStart(s(totalCpu), 11)}   (${reference.trees} trees)`,
    );
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    console.log(
      `${pad('ratio ours / lightgbm', 26)}${padStart(ratio(binningMs, reference.constructWall * 1000), 10)}${padStart(ratio(boostingMs, reference.trainWall * 1000), 11)}${padStart(ratio(wall, total), 10)}${padStart(ratio(cpu, totalCpu), 11)}   (target ≤ 2×)`,
    );
  }

  console.log(`\nout-of-sample RankIC, mean per-date Spearman over ${TEST_DATES} held-out dates (t-statistic):`);
  const perDate = new Map<string, number[]>();
  const line = (name: string, score: Float64Array) => {
    const ics = rankIcs(score, test.labels);
    perDate.set(name, ics);
    const ic = meanT(ics);
    console.log(`  ${pad(name, 24)}${padStart(ic.mean.toFixed(4), 8)}   (t ${ic.t.toFixed(1)})`);
    return ic.mean;
  };
  /** The paired per-date difference of two models' RankIC: its mean and t-statistic (|t| < 2: equal within noise). */
  const difference = (a: string, b: string) => {
    const x = perDate.get(a)!;
    const y = perDate.get(b)!;
    const d = meanT(x.map((v, i) => v - y[i]!));
    console.log(`  ${pad(`${a} − ${b}`, 46)}${padStart(d.mean.toFixed(4), 8)}   (paired t ${d.t.toFixed(1)})`);
    return d;
  };
  const results: Record<string, unknown> = {
    rows: train.rows,
    rounds: ROUNDS,
    ours: { wallMs: wall, cpuMs: cpu, binningMs, boostingMs, rankIc: line('@factorkit/gbdt', ours) },
  };
  if (typeof reference !== 'string') {
    results.lightgbm = { version: reference.version, constructWallMs: reference.constructWall * 1000, trainWallMs: reference.trainWall * 1000, cpuMs: (reference.constructCpu + reference.trainCpu) * 1000, rankIc: line(`lightgbm ${reference.version}`, reference.predictions) };
  }
  results.ridge = { rankIc: line('ridge (least squares)', ridge(train, test)) };
  results.truth = { rankIc: line('true signal f', test.truth) };
  console.log('RankIC differences per date:');
  if (typeof reference !== 'string') results.oursMinusLightgbm = difference('@factorkit/gbdt', `lightgbm ${reference.version}`);
  results.oursMinusRidge = difference('@factorkit/gbdt', 'ridge (least squares)');
  if (typeof reference !== 'string') {
    let worst = 0;
    for (let i = 0; i < test.rows; i++) worst = Math.max(worst, Math.abs(ours[i]! - reference.predictions[i]!));
    const r = correlation(ours, reference.predictions);
    console.log(`\nours vs lightgbm on the held-out rows: Pearson ${r.toFixed(5)}, max |Δ| ${worst.toExponential(2)}`);
    results.agreement = { pearson: r, maxAbsDiff: worst };
  }
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (Node); load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  if (env.BENCH_JSON) appendFileSync(env.BENCH_JSON, `${JSON.stringify({ bench: 'gbdt', ...results })}\n`);
}

main();
