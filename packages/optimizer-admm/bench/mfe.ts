/**
 * MFE LPs against HiGHS (`pnpm bench:mfe`): `generateMfeProblem` (seed 7) at n = 300, 1,000
 * and 5,000, without and with a turnover limit (previous = the benchmark, Σ|w − b| ≤ 0.3), one
 * cold solve each at `maxIterations` = MAXIT (default 60,000). Prints time, iterations,
 * whether polishing was accepted, the max violation and the objective's relative distance from
 * HiGHS's. Nothing fails on speed or accuracy here; the tests check accuracy.
 */
import { highsOptimizer } from '@factorkit/optimizer-highs';
import { generateMfeProblem } from '@factorkit/synth';
import { formatMs } from '@factorkit/tooling/bench';
import { admmOptimizer, solveProblem } from '../src/index.js';

const params = { ...admmOptimizer.with({}).params, maxIterations: Number(process.env['MAXIT'] ?? 60_000) };
const sizes = (process.env['SIZES'] ?? '300,1000,5000').split(',').map(Number);
const highs = await highsOptimizer.create(highsOptimizer.with({}).params);
console.log(`MFE LP vs HiGHS, maxIterations ${params.maxIterations}, Node ${process.version}`);
console.log(['case'.padEnd(24), 'time'.padStart(9), 'HiGHS'.padStart(9), 'iterations'.padStart(11), 'polished'.padStart(9), 'max viol.'.padStart(10), 'rel. obj. err'.padStart(14), '  status / first message'].join(' '));
for (const n of sizes) {
  for (const turnover of [false, true]) {
    const previous = generateMfeProblem({ assets: n, seed: 7 }).inputs.benchmark;
    const { problem } = generateMfeProblem({ assets: n, seed: 7, ...(turnover ? { turnover: { previous, limit: 0.3 } } : {}) });
    let t = performance.now();
    const ref = await highs.solve(problem);
    const highsMs = performance.now() - t;
    t = performance.now();
    const s = solveProblem(problem, params);
    const ms = performance.now() - t;
    const rel = Math.abs(s.objective - ref.objective) / Math.abs(ref.objective);
    console.log(
      [
        `n=${n}${turnover ? ' turnover' : ''}`.padEnd(24),
        formatMs(ms).padStart(9),
        formatMs(highsMs).padStart(9),
        String(s.diagnostics.iterations).padStart(11),
        String(s.diagnostics.polished).padStart(9),
        s.primalResidual.toExponential(1).padStart(10),
        rel.toExponential(1).padStart(14),
        `  ${s.status}${s.diagnostics.messages[0] ? ` / ${s.diagnostics.messages[0]}` : ''}`,
      ].join(' '),
    );
  }
}
await highs.dispose?.();
