import { FactorkitError } from '@factorkit/core';
import type { TrackingResult } from './types.js';

/**
 * The data problems of a tracking run, as one `FK_NO_VALUES` error (a caller exits with 3 after
 * writing the outputs), or `undefined`: a factor the pipeline left without any value (the
 * message names the stage), and a (universe, factor) series none of whose rebalance dates could
 * be tested (every date skipped: no factor value among the candidates, no benchmark weights).
 * Infeasible or unsolved dates are not data problems: they are reported and counted, and never
 * fail a run.
 */
export function trackingDataError(result: TrackingResult): FactorkitError | undefined {
  const lines: string[] = [];
  for (const f of result.factors) if (f.outcome.status === 'empty') lines.push(f.outcome.message);
  for (const s of result.series) {
    if (s.outcome !== 'empty') continue;
    const reason = s.mfe.rebalances[0]?.messages[0];
    lines.push(`universe \`${s.universe}\` × factor \`${s.factor}\`: none of its ${s.mfe.counts.rebalances} rebalance dates could be tested${reason ? ` (${reason})` : ''}`);
  }
  if (lines.length === 0) return undefined;
  return new FactorkitError('FK_NO_VALUES', lines.length === 1 ? lines[0]! : `${lines.length} data problems:\n${lines.map((l) => `  - ${l}`).join('\n')}`, {
    details: {
      factors: result.factors.filter((f) => f.outcome.status === 'empty').map((f) => f.name),
      series: result.series.filter((s) => s.outcome === 'empty').map((s) => ({ universe: s.universe, factor: s.factor })),
    },
  });
}
