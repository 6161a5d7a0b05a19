// The real HiGHS optimizer plugin, wrapped to count solves (the diagnosis and cut loops are
// tested by how many solves they need).
import type { OptimizerInstance, Problem, Solution, SolveOptions } from '@factorkit/core';
import { highsOptimizer, loadHighsRuntime } from '@factorkit/optimizer-highs';

/** The HiGHS runtime itself, for solving exported LP / MPS text. */
export const loadHighs = loadHighsRuntime;

export function testHighsOptimizer(): OptimizerInstance & { calls: number } {
  let inner: Promise<OptimizerInstance> | undefined;
  const self = {
    id: 'highs',
    calls: 0,
    async solve(problem: Problem, options?: SolveOptions): Promise<Solution> {
      self.calls++;
      inner ??= Promise.resolve(highsOptimizer.create(highsOptimizer.with().params));
      return (await inner).solve(problem, options);
    },
    async dispose(): Promise<void> {
      if (inner) await (await inner).dispose?.();
    },
  };
  return self;
}
