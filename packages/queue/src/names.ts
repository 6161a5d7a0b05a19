import { FactorkitError } from '@factorkit/core';

/** Where a run's jobs live in Redis: the key prefix and the base name of its queues. */
export interface QueueNames {
  /** Redis key prefix (BullMQ's `prefix`). Default `factorkit`. */
  readonly prefix?: string;
  /** Base name: the series jobs go to `<name>-series`, each run's parent job to `<name>-runs`. Default `tracking`. */
  readonly name?: string;
}

/** The resolved names. */
export function queueNames(names: QueueNames = {}): { prefix: string; series: string; runs: string; gates: string } {
  const prefix = names.prefix ?? 'factorkit';
  const name = names.name ?? 'tracking';
  for (const [what, value] of [
    ['prefix', prefix],
    ['name', name],
  ] as const) {
    if (!/^[A-Za-z0-9_.-]+$/.test(value)) throw new FactorkitError('FK_INVALID_ARGUMENT', `queue ${what}: expected letters, digits, \`_\`, \`.\` or \`-\`, got \`${value}\``);
  }
  return { prefix, series: `${name}-series`, runs: `${name}-runs`, gates: `${name}-gates` };
}
