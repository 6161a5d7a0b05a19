/**
 * @factorkit/portfolio benchmarks on synthetic markets (n = 300 and 1,000 assets, 30
 * industries, 10 risk factors), solved with HiGHS through the test adapter:
 *
 * - MFE LP (max exposure, fully invested, long only, industry neutral ±1%, |w − b| ≤ 1%): the reference;
 * - the same with a tracking-error cap (factor form): Lagrangian search (auto) and, at n = 300,
 *   the cutting-plane loop capped at 150 solves;
 * - the infeasibility diagnosis of a variant whose industry band cannot be met;
 * - export to JSON / LP / MPS and JSON import.
 */
import { ProblemBuilder, type Problem } from '@factorkit/core';
import { type BenchResult, measure, report } from '@factorkit/tooling/bench';
import { diagnoseInfeasibility, problemFromJSON, problemToJSON, solvePortfolio, toLP, toMPS } from '../src/index.js';
import { testHighsOptimizer } from '../test/helpers/highs.js';

let state = 7;
const rand = (): number => {
  state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
  return state / 2 ** 32;
};

function market(n: number, k: number, industries: number) {
  const raw = Array.from({ length: n }, () => rand() ** 3 + 0.001);
  const total = raw.reduce((s, v) => s + v, 0);
  const b = raw.map((v) => v / total);
  const industry = Array.from({ length: n }, (_, i) => i % industries);
  const X = Array.from({ length: n * k }, () => rand() * 2 - 1);
  const F = Array.from({ length: k * k }, (_, i) => (Math.floor(i / k) === i % k ? 0.02 + 0.01 * rand() : 0));
  const Dv = Array.from({ length: n }, () => 0.02 + 0.06 * rand());
  const alpha = Array.from({ length: n }, () => rand() - 0.5);
  return { n, k, b, industry, X, F, D: Dv, alpha, industries };
}

function problemOf(m: ReturnType<typeof market>, options: { te?: number; impossibleIndustry?: boolean }): Problem {
  const { n, k } = m;
  const p = new ProblemBuilder({ numWeights: n }, 'maximize');
  p.addLinearObjective(m.alpha);
  p.group('budget', 100).addWeightRow(new Array<number>(n).fill(1), 1, 1, 'budget');
  const dev = p.group('stock-deviation', 50);
  for (let i = 0; i < n; i++) dev.bound(i, Math.max(0, m.b[i]! - 0.01), m.b[i]! + 0.01);
  const ind = p.group('industry', 40);
  for (let j = 0; j < m.industries; j++) {
    const coef = m.industry.map((x) => (x === j ? 1 : 0));
    const bj = m.b.reduce((s, v, i) => s + (m.industry[i] === j ? v : 0), 0);
    const need = options.impossibleIndustry && j === 0 ? bj + 0.5 : bj;
    ind.addWeightRow(coef, need - 0.01, need + 0.01, `industry:${j}`);
  }
  if (options.te !== undefined) {
    const y = p.addVariables('y', k);
    const def = p.group('te', 30);
    for (let f = 0; f < k; f++) {
      const index = [y.start + f];
      const value = [1];
      let rhs = 0;
      for (let i = 0; i < n; i++) {
        index.push(i);
        value.push(-m.X[i * k + f]!);
        rhs -= m.X[i * k + f]! * m.b[i]!;
      }
      def.addRow({ index, value, lower: rhs, upper: rhs, label: `te:y:${f}` });
    }
    const rows: number[] = [];
    const cols: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      rows.push(i);
      cols.push(i);
      values.push(2 * m.D[i]!);
    }
    for (let f = 0; f < k; f++) {
      rows.push(y.start + f);
      cols.push(y.start + f);
      values.push(2 * m.F[f * k + f]!);
    }
    const shift = m.b.reduce((s, v, i) => s + m.D[i]! * v * v, 0);
    def.addQuadraticConstraint({ rows, cols, values, linear: { index: m.b.map((_, i) => i), value: m.b.map((v, i) => -2 * m.D[i]! * v) }, upper: options.te ** 2 - shift, label: 'tracking-error' });
  }
  return p.build();
}

const results: BenchResult[] = [];
const notes: string[] = [];
// Print each figure as it is measured, so a slow case still leaves the earlier ones.
const push = (r: BenchResult): void => {
  console.log(`${r.name}: median ${r.medianMs.toFixed(1)} ms (${r.iterations} runs)`);
  results.push(r);
};
const note = (text: string): void => {
  console.log(`  ${text}`);
  notes.push(text);
};
for (const n of [300, 1000]) {
  const m = market(n, 10, 30);
  const lp = problemOf(m, {});
  const te = problemOf(m, { te: 0.02 });
  const bad = problemOf(m, { impossibleIndustry: true });
  const optimizer = testHighsOptimizer();
  push(await measure(`n=${n} MFE LP solve (reference)`, () => solvePortfolio(lp, { optimizer }), { iterations: 5 }));
  let outcome = '';
  push(
    await measure(`n=${n} MFE + TE cap 2% (auto: Lagrangian)`, async () => {
      // HiGHS's QP can fail at n = 1,000 (see TOOLCHAIN.md); then the cut fallback is capped here.
      const r = await solvePortfolio(te, { optimizer, cuts: { maxIterations: 60 } });
      outcome = `${r.status} via ${r.quadraticMethod}${r.cuts ? ` (${r.cuts} cuts)` : ''}: ${r.diagnostics.messages.slice(-1).join('')}`;
    }, { iterations: 1, warmup: 0 }),
  );
  note(`n=${n}: TE cap (auto) ended ${outcome}`);
  if (n === 300) {
    push(
      await measure(`n=${n} MFE + TE cap 2% (cuts, ≤ 150 solves)`, async () => {
        const r = await solvePortfolio(te, { optimizer, cuts: { method: 'cuts', maxIterations: 150 } });
        outcome = `${r.status} via ${r.quadraticMethod} (${r.cuts} cuts): ${r.diagnostics.messages.slice(-1).join('')}`;
      }, { iterations: 1, warmup: 0 }),
    );
    note(`n=${n}: TE cap (cuts) ended ${outcome}`);
  }
  let solves = 0;
  push(
    await measure(`n=${n} infeasibility diagnosis`, async () => {
      const r = await diagnoseInfeasibility(bad, optimizer);
      solves = r.solves;
    }, { iterations: 1, warmup: 0 }),
  );
  note(`n=${n}: diagnosis used ${solves} solves`);
  const text = JSON.stringify(problemToJSON(te));
  push(await measure(`n=${n} problemToJSON + stringify`, () => JSON.stringify(problemToJSON(te)), { iterations: 10 }));
  push(await measure(`n=${n} problemFromJSON`, () => problemFromJSON(text), { iterations: 10 }));
  push(await measure(`n=${n} toLP`, () => toLP(te), { iterations: 10 }));
  push(await measure(`n=${n} toMPS`, () => toMPS(te), { iterations: 10 }));
  note(`n=${n}: JSON ${(text.length / 1024).toFixed(0)} KiB, LP ${(toLP(te).length / 1024).toFixed(0)} KiB, MPS ${(toMPS(te).length / 1024).toFixed(0)} KiB`);
}
report('@factorkit/portfolio', results, { reference: 'n=300 MFE LP solve (reference)', notes });
