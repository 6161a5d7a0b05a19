import { highsOptimizer } from '@factorkit/optimizer-highs';
import { generateMfeProblem } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import { admmOptimizer, solveProblem } from '../src/index.js';
import { kktViolations } from './kkt-check.js';

const defaults = admmOptimizer.with({}).params;

/** MFE LP; with turnover, previous = the benchmark (w = b is feasible) and Σ|w − b| ≤ 0.3 binds. */
function mfe(assets: number, turnover: boolean) {
  const seed = 40 + assets;
  const previous = generateMfeProblem({ assets, seed }).inputs.benchmark;
  return generateMfeProblem({ assets, seed, ...(turnover ? { turnover: { previous, limit: 0.3 } } : {}) }).problem;
}

describe('MFE LPs (degenerate: budget row = Σ exact industry rows): polished, agreeing with HiGHS', () => {
  const cases = [
    [300, false],
    [300, true],
    [1000, false],
    [1000, true],
  ] as const;
  for (const [assets, turnover] of cases) {
    it(`n = ${assets}${turnover ? ' with turnover' : ''}: objective to 1e-6 relative, max violation ≤ 1e-7`, { timeout: 180_000 }, async () => {
      const problem = mfe(assets, turnover);
      const highs = await highsOptimizer.create(highsOptimizer.with({}).params);
      const reference = await highs.solve(problem);
      await highs.dispose?.();
      expect(reference.status).toBe('optimal');
      // The turnover LPs need more than the default 10,000 ADMM iterations before polishing succeeds.
      const s = solveProblem(problem, { ...defaults, maxIterations: 60_000 });
      expect(s.status).toBe('optimal');
      expect(s.diagnostics.polished).toBe(true);
      expect(Math.abs(s.objective - reference.objective)).toBeLessThanOrEqual(1e-6 * Math.abs(reference.objective));
      expect(s.primalResidual).toBeLessThanOrEqual(1e-7);
      const kkt = kktViolations(problem, s, 1e-9);
      expect(kkt.complementarity).toBeLessThan(1e-7);
      expect(kkt.stationarity).toBeLessThan(1e-7);
      // Both residual pairs are reported; the polished point is accepted only if no worse.
      const d = s.diagnostics as Record<string, unknown>;
      expect(d['polishPrimalResidual'] as number).toBeLessThanOrEqual(Math.max(d['admmPrimalResidual'] as number, 1e-9));
      expect(d['polishDualResidual'] as number).toBeLessThanOrEqual(Math.max(d['admmDualResidual'] as number, 1e-9));
    });
  }
});

describe('honest status: an unpolished answer is flagged', () => {
  it('polishing off: optimal by the ADMM criteria, but polished = false and the violation named', () => {
    const problem = mfe(300, false);
    const s = solveProblem(problem, { ...defaults, polish: false });
    expect(s.status).toBe('optimal');
    // The ADMM point meets epsAbs = 1e-5 only: its violation is far above 1e-7.
    expect(s.primalResidual).toBeGreaterThan(1e-7);
    expect(s.diagnostics.polished).toBe(false);
    expect(s.diagnostics.messages[0]).toMatch(/^not polished: max violation \d\.\de-\d+ > 1e-7/);
  });

  it('a polished point that misses feasibilityTolerance is reported as not polished', () => {
    const problem = mfe(300, false);
    const ok = solveProblem(problem, defaults);
    expect(ok.diagnostics.polished).toBe(true);
    expect(ok.diagnostics.messages.some((m) => m.startsWith('not polished'))).toBe(false);
    const strict = solveProblem(problem, { ...defaults, feasibilityTolerance: 1e-300 });
    expect(strict.primalResidual).toBeGreaterThan(1e-300);
    expect(strict.diagnostics.polished).toBe(false);
    expect(strict.diagnostics.messages[0]).toMatch(/^not polished: max violation .* > 1e-300/);
  });

  it('polishing failing at every stage (no tightening allowed, no refinement) is flagged, not silent', () => {
    // With the equality-constrained solves stopped after the regularised solve (no
    // refinement) and δ large, the reduced systems are too inexact to be accepted.
    const problem = mfe(1000, false);
    const s = solveProblem(problem, { ...defaults, polishTightening: 1, polishRefineIterations: 0, polishDelta: 1e-1 });
    expect(s.status).toBe('optimal');
    expect(s.diagnostics.polished).toBe(false);
    expect(s.diagnostics.messages[0]).toMatch(/^not polished: max violation/);
    expect(s.diagnostics.messages.some((m) => m.startsWith('polishing rejected'))).toBe(true);
  });
});
