import { FactorkitError, type Problem, type SolveOptions, show } from '@factorkit/core';

/**
 * Check a warm start against the problem it is given with (core's contract: `x` for every
 * variable, `y` for every row of `A`).
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming the entry that does not fit.
 */
export function checkWarmStart(problem: Problem, warm: NonNullable<SolveOptions['warmStart']>): void {
  const fail = (message: string) => new FactorkitError('FK_INVALID_ARGUMENT', `optimizer \`highs\`: options.warmStart.${message}`);
  if (warm.x?.length !== problem.numVariables) throw fail(`x has ${show(warm.x?.length)} entries for ${problem.numVariables} variables`);
  for (let j = 0; j < warm.x.length; j++) if (!Number.isFinite(warm.x[j]!)) throw fail(`x[${j}] is ${show(warm.x[j])}`);
  if (warm.y === undefined) return;
  if (warm.y.length !== problem.A.rows) throw fail(`y has ${show(warm.y.length)} entries for ${problem.A.rows} rows`);
  for (let i = 0; i < warm.y.length; i++) if (!Number.isFinite(warm.y[i]!)) throw fail(`y[${i}] is ${show(warm.y[i])}`);
}
