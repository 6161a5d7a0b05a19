/**
 * ops benchmarks on a full-market-sized panel (2,500 dates × 5,000 assets): rolling
 * mean / std / max with windows of 20 and 250, and industry + size neutralisation of every
 * date, each against a naive reference in the same run.
 *
 * The naive rolling references recompute every window from scratch (O(n · window)); the naive
 * neutralisation builds the dense n × (industries + 1) design per date and solves it with
 * ml-matrix's QR least squares, on a sample of dates (it is far too slow for all 2,500), so the
 * ratio compares the same dates.
 */
import { type CategoricalPanel, Panel } from '@factorkit/core';
import { type BenchResult, measure, report } from '@factorkit/tooling/bench';
import { Matrix, solve } from 'ml-matrix';
import { logSize, neutralize, preprocess, tsPanel } from '../src/index.js';

const DATES = 2_500;
const ASSETS = 5_000;
const INDUSTRIES = 30;

let state = 42;
const rand = (): number => {
  state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
  return state / 2 ** 32;
};

const ret = new Panel(DATES, ASSETS, Float64Array.from({ length: DATES * ASSETS }, () => (rand() < 0.02 ? Number.NaN : (rand() - 0.5) * 0.06)));
const cap = new Panel(DATES, ASSETS, Float64Array.from({ length: DATES * ASSETS }, () => Math.exp(21 + 3 * rand())));
const industryOfAsset = Int32Array.from({ length: ASSETS }, () => Math.floor(rand() * INDUSTRIES));
const industry: CategoricalPanel = {
  dates: DATES,
  assets: ASSETS,
  codes: Int32Array.from({ length: DATES * ASSETS }, (_, i) => industryOfAsset[Math.floor(i / DATES)]!),
  levels: Array.from({ length: INDUSTRIES }, (_, i) => `industry_${i}`),
};

type Stat = 'mean' | 'std' | 'max';

/** Recompute every window from scratch. */
function naiveRolling(panel: Panel, window: number, stat: Stat): Panel {
  const out = new Panel(panel.dates, panel.assets);
  for (let a = 0; a < panel.assets; a++) {
    const x = panel.column(a);
    const o = out.column(a);
    for (let t = window - 1; t < x.length; t++) {
      let n = 0;
      let sum = 0;
      let max = Number.NEGATIVE_INFINITY;
      for (let i = t - window + 1; i <= t; i++) {
        const v = x[i]!;
        if (Number.isNaN(v)) continue;
        n++;
        sum += v;
        if (v > max) max = v;
      }
      if (n < window) continue;
      if (stat === 'mean') o[t] = sum / n;
      else if (stat === 'max') o[t] = max;
      else {
        const m = sum / n;
        let ss = 0;
        for (let i = t - window + 1; i <= t; i++) ss += (x[i]! - m) ** 2;
        o[t] = Math.sqrt(ss / (n - 1));
      }
    }
  }
  return out;
}

const fast = { mean: tsPanel.rollingMean, std: tsPanel.rollingStd, max: tsPanel.rollingMax } as const;

for (const window of [20, 250]) {
  const results: BenchResult[] = [];
  for (const stat of ['mean', 'std', 'max'] as const) {
    const naiveName = `naive rolling ${stat}`;
    results.push(await measure(naiveName, () => naiveRolling(ret, window, stat), { iterations: 1, warmup: 0 }));
    results.push(await measure(`tsPanel.rolling${stat[0]!.toUpperCase()}${stat.slice(1)}`, () => fast[stat](ret, window), { iterations: 3, warmup: 1 }));
    // Same answers, or the timing means nothing.
    const a = naiveRolling(ret.sliceDates(0, 400), window, stat);
    const b = fast[stat](ret.sliceDates(0, 400), window);
    for (let i = 0; i < a.values.length; i++) {
      const x = a.values[i]!;
      const y = b.values[i]!;
      if (!(Number.isNaN(x) && Number.isNaN(y)) && Math.abs(x - y) > 1e-12) throw new Error(`rolling ${stat} ${window}: mismatch at ${i}: ${x} vs ${y}`);
    }
  }
  const ratios = (['mean', 'std', 'max'] as const).map((stat, i) => {
    const naive = results[2 * i]!.medianMs;
    const ours = results[2 * i + 1]!.medianMs;
    return `rolling ${stat}: ${(naive / ours).toFixed(1)}× faster than naive`;
  });
  report(`rolling window ${window} on ${DATES} × ${ASSETS} (2 % missing)`, results, { notes: ratios });
}

/** Dense least squares per date: [industry dummies | log cap], ml-matrix QR. */
function naiveNeutralize(y: Panel, size: Panel, dates: readonly number[]): Map<number, Float64Array> {
  const out = new Map<number, Float64Array>();
  for (const t of dates) {
    const rows: number[] = [];
    for (let a = 0; a < y.assets; a++) if (Number.isFinite(y.get(t, a)) && Number.isFinite(size.get(t, a))) rows.push(a);
    const X = new Matrix(rows.length, INDUSTRIES + 1);
    const Y = new Matrix(rows.length, 1);
    rows.forEach((a, i) => {
      X.set(i, industry.codes[a * DATES + t]!, 1);
      X.set(i, INDUSTRIES, size.get(t, a));
      Y.set(i, 0, y.get(t, a));
    });
    const fitted = X.mmul(solve(X, Y));
    const residual = new Float64Array(y.assets).fill(Number.NaN);
    rows.forEach((a, i) => (residual[a] = Y.get(i, 0) - fitted.get(i, 0)));
    out.set(t, residual);
  }
  return out;
}

const size = logSize(cap);
const SAMPLE = 20;
const sampleDates = Array.from({ length: SAMPLE }, (_, i) => Math.floor((i * DATES) / SAMPLE));
/** The sampled dates as their own panels, so both methods do exactly the same work. */
const pick = (panel: Panel): Panel => {
  const out = new Panel(SAMPLE, ASSETS);
  sampleDates.forEach((t, i) => {
    for (let a = 0; a < ASSETS; a++) out.set(i, a, panel.get(t, a));
  });
  return out;
};
const sampleIndustry: CategoricalPanel = {
  dates: SAMPLE,
  assets: ASSETS,
  codes: Int32Array.from({ length: SAMPLE * ASSETS }, (_, i) => industry.codes[Math.floor(i / SAMPLE) * DATES + sampleDates[i % SAMPLE]!]!),
  levels: industry.levels,
};
const sampleY = pick(ret);
const sampleSize = pick(size);

const neutralResults = [
  await measure(`naive: dense dummies + ml-matrix QR, ${SAMPLE} dates`, () => naiveNeutralize(ret, size, sampleDates), { iterations: 1, warmup: 0 }),
  await measure(`neutralize (FWL), the same ${SAMPLE} dates`, () => neutralize(sampleY, { industry: sampleIndustry, size: sampleSize }), { iterations: 5, warmup: 2 }),
  await measure(`neutralize (FWL), all ${DATES} dates`, () => neutralize(ret, { industry, size }), { iterations: 3, warmup: 1 }),
  await measure(`preprocess: MAD → industry + size → z-score, all ${DATES} dates`, () =>
    preprocess(ret, { winsorize: { method: 'mad', k: 5 }, neutralize: 'both', standardize: { weights: 'equal' } }, { industry, marketCap: cap }),
    { iterations: 3, warmup: 1 },
  ),
];
{
  const naive = naiveNeutralize(ret, size, sampleDates.slice(0, 3));
  const ours = neutralize(ret, { industry, size }).values;
  let worst = 0;
  for (const [t, residual] of naive) for (let a = 0; a < ASSETS; a++) if (Number.isFinite(residual[a])) worst = Math.max(worst, Math.abs(residual[a]! - ours.get(t, a)));
  if (worst > 1e-10) throw new Error(`neutralize: differs from the dense solve by ${worst}`);
}
const perDateNaive = neutralResults[0]!.medianMs / SAMPLE;
const perDateOurs = neutralResults[2]!.medianMs / DATES;
{
  const ours = neutralize(sampleY, { industry: sampleIndustry, size: sampleSize }).values;
  const full = neutralize(ret, { industry, size }).values;
  sampleDates.forEach((t, i) => {
    for (let a = 0; a < ASSETS; a++) if (Math.abs(ours.get(i, a) - full.get(t, a)) > 1e-12) throw new Error('neutralize: the sampled panel differs');
  });
}
report(`industry (${INDUSTRIES}) + size neutralisation, ${DATES} × ${ASSETS}`, neutralResults, {
  reference: neutralResults[0]!.name,
  notes: [
    `per date: naive ${perDateNaive.toFixed(2)} ms, neutralize ${perDateOurs.toFixed(3)} ms (${(perDateNaive / perDateOurs).toFixed(0)}× faster);`,
    `naive for all ${DATES} dates would take about ${((perDateNaive * DATES) / 1000).toFixed(0)} s.`,
  ],
});
