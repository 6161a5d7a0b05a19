import { FactorkitError } from '@factorkit/core';

/**
 * A flag's whole number from `min` to `max` (`--workers 4`, `--concurrency 2`).
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming the flag and the text given.
 */
export function wholeNumberFlag(text: string, flag: string, min: number, max: number): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new FactorkitError('FK_INVALID_ARGUMENT', `${flag}: expected a whole number from ${min} to ${max}, got \`${text}\``);
  return n;
}

/** `--workers`: a whole number from 0 (no worker threads: this thread) to 256. */
export function workersFlag(text: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n > 256) throw new FactorkitError('FK_INVALID_ARGUMENT', `--workers: expected a whole number from 0 (no worker threads) to 256, got \`${text}\``);
  return n;
}
