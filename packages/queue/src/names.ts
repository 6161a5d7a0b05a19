import { FactorkitError } from '@factorkit/core';

/** Where a run's jobs live in Redis: the key prefix and the base name of its queues. */
export interface QueueNames {
  /** Redis key prefix (BullMQ's `prefix`). Default `factorkit`. */
  readonly prefix?: string;
  /**
   * Base name: every job (a tracking run's series, a sweep's variants) goes to `<name>-jobs`, each
   * run's or sweep's parent job to `<name>-runs`, the parents' gates to `<name>-gates`. Default
   * `factorkit`. One worker serves every kind of job of its base name.
   */
  readonly name?: string;
}

/** The resolved names: the key prefix and the three queues. */
export interface ResolvedQueueNames {
  readonly prefix: string;
  /** The queue of every job (series and variants): what `factorkit worker` pulls from. */
  readonly jobs: string;
  /** The parent job of each tracking run or sweep. */
  readonly runs: string;
  /** The gate child that holds a parent while its jobs are handed over. */
  readonly gates: string;
}

/**
 * The resolved names (`factorkit-jobs`, `factorkit-runs`, `factorkit-gates` under the key prefix
 * `factorkit` by default).
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` for a prefix or name with other characters than
 *   letters, digits, `_`, `.` and `-`.
 */
export function queueNames(names: QueueNames = {}): ResolvedQueueNames {
  const prefix = names.prefix ?? 'factorkit';
  const name = names.name ?? 'factorkit';
  for (const [what, value] of [
    ['prefix', prefix],
    ['name', name],
  ] as const) {
    if (!/^[A-Za-z0-9_.-]+$/.test(value)) throw new FactorkitError('FK_INVALID_ARGUMENT', `queue ${what}: expected letters, digits, \`_\`, \`.\` or \`-\`, got \`${value}\``);
  }
  return { prefix, jobs: `${name}-jobs`, runs: `${name}-runs`, gates: `${name}-gates` };
}
