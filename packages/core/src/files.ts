/**
 * Atomic output for every package: a file or a folder is written under a temporary name beside
 * its destination and renamed into place at the end, so a reader sees the old content or the
 * new, never half of it. Temporary paths in flight are tracked, so that a process being
 * interrupted (Ctrl-C, SIGTERM, SIGHUP, a closed pipe) can remove them before it exits:
 * {@link removePendingTemporaries}. Node-only; exported from `@factorkit/core/node`.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, rmSync, statSync } from 'node:fs';
import { readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { FactorkitError, isFactorkitError } from './errors.js';

/** Temporary files and folders written right now, by absolute path. */
const pending = new Set<string>();

/** A fresh hidden temporary name beside `path`: `.<name>.<pid>.<hex>.tmp`. */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Remove every temporary file and folder that an atomic write of this process has not finished
 * yet; synchronous, so a signal handler can call it just before the process exits. Returns the
 * paths removed.
 */
export function removePendingTemporaries(): string[] {
  const removed: string[] = [];
  for (const path of pending) {
    if (removeSettled(path)) removed.push(path);
  }
  pending.clear();
  return removed;
}

/**
 * Remove `path` and make sure it stays removed: a write still running on libuv's thread pool may
 * create a file in a temporary folder while it is being removed (the removal then fails with
 * `ENOTEMPTY`, or the file appears just after). Up to five rounds, 20 ms apart. `false` when the
 * path is still there (nothing more can be done while exiting; its name is hidden and ends in
 * `.tmp`).
 */
function removeSettled(path: string): boolean {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let round = 0; round < 5; round++) {
    try {
      rmSync(path, { recursive: true, force: true, maxRetries: 3, retryDelay: 10 });
    } catch {
      // Tried again below.
    }
    Atomics.wait(pause, 0, 0, 20);
    if (!existsSync(path)) return true;
  }
  return false;
}

/** The temporary paths in flight (for tests and diagnostics). */
export function pendingTemporaries(): string[] {
  return [...pending];
}

function writeError(owner: string, path: string, cause: unknown): FactorkitError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new FactorkitError('FK_INVALID_ARGUMENT', `${owner}: could not write \`${path}\`: ${reason}`, { cause, details: { path } });
}

/**
 * Write `path` atomically: `write` receives a temporary path beside it (same folder, so the
 * rename is atomic) and must create that file; it is then renamed over `path`. On any failure
 * the temporary file is removed, `path` is left as it was, and the error is rethrown (a
 * factorkit error as it is; any other as `FK_INVALID_ARGUMENT` naming `path` and `owner`).
 */
export async function atomically(path: string, write: (temporary: string) => Promise<void>, owner = 'atomically'): Promise<void> {
  const temporary = resolve(temporaryPathFor(path));
  pending.add(temporary);
  try {
    await write(temporary);
    await rename(temporary, path);
  } catch (cause) {
    await rm(temporary, { force: true, recursive: true }).catch(() => undefined);
    if (isFactorkitError(cause)) throw cause;
    throw writeError(owner, path, cause);
  } finally {
    pending.delete(temporary);
  }
}

/** Write `data` to `path` atomically (see {@link atomically}). */
export async function writeFileAtomic(path: string, data: string | Uint8Array, owner = 'writeFileAtomic'): Promise<void> {
  await atomically(path, (temporary) => writeFile(temporary, data), owner);
}

/** Options of {@link atomicDirectory}. */
export interface AtomicDirectoryOptions {
  /**
   * Whether an existing folder at `dir` may be replaced. `false` (default): an existing
   * non-empty folder is an error. A function decides from the folder's entries (e.g. "only when
   * it holds a dataset").
   */
  readonly replace?: boolean | ((entries: readonly string[]) => boolean);
  /** Named in messages (the option or function that asked). */
  readonly owner?: string;
}

/**
 * Build a folder atomically: `build` fills a temporary folder beside `dir`, which then takes
 * `dir`'s place (an existing folder is moved aside first and removed once the new one is in
 * place). On failure or interruption nothing is left but `dir` as it was.
 *
 * @throws FK_INVALID_ARGUMENT when `dir` is a file, or a non-empty folder that may not be replaced.
 */
export async function atomicDirectory(dir: string, build: (temporary: string) => Promise<void>, options: AtomicDirectoryOptions = {}): Promise<void> {
  const owner = options.owner ?? 'atomicDirectory';
  const target = resolve(dir);
  const existing = await stat(target).catch(() => undefined);
  if (existing && !existing.isDirectory()) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${owner}: \`${dir}\` exists and is a file, not a folder`, { details: { path: dir } });
  }
  const entries = existing ? await readdir(target) : [];
  if (entries.length > 0) {
    const replace = typeof options.replace === 'function' ? options.replace(entries) : options.replace === true;
    if (!replace) {
      throw new FactorkitError('FK_INVALID_ARGUMENT', `${owner}: \`${dir}\` is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}: ${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', …' : ''}); refusing to replace it`, {
        details: { path: dir },
      });
    }
  }
  checkWritableOutput(target, owner, 'folder');
  const temporary = resolve(temporaryPathFor(target));
  pending.add(temporary);
  let aside: string | undefined;
  try {
    await build(temporary);
    if (existing) {
      aside = resolve(temporaryPathFor(target));
      pending.add(aside);
      await rename(target, aside);
    }
    try {
      await rename(temporary, target);
    } catch (cause) {
      if (aside) await rename(aside, target).catch(() => undefined);
      aside = undefined;
      throw cause;
    }
  } catch (cause) {
    await rm(temporary, { force: true, recursive: true }).catch(() => undefined);
    if (isFactorkitError(cause)) throw cause;
    throw writeError(owner, dir, cause);
  } finally {
    pending.delete(temporary);
    if (aside) {
      await rm(aside, { force: true, recursive: true }).catch(() => undefined);
      pending.delete(aside);
    }
  }
}

/**
 * Check, before any work, that `path` can be written: its folder exists and is writable, and
 * `path` is not a folder (`kind: 'file'`) or not a file (`kind: 'folder'`). The error names the user's path and `option` (`--out`).
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT`.
 */
export function checkWritableOutput(path: string, option = 'output', kind: 'file' | 'folder' = 'file'): void {
  const target = resolve(path);
  const parent = dirname(target);
  const fail = (reason: string): never => {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${option}: cannot write \`${path}\`: ${reason}`, { details: { option, path } });
  };
  let parentStat;
  try {
    parentStat = statSync(parent);
  } catch {
    return fail(`the folder \`${parent}\` does not exist`);
  }
  if (!parentStat.isDirectory()) fail(`\`${parent}\` is not a folder`);
  try {
    accessSync(parent, constants.W_OK | constants.X_OK);
  } catch {
    fail(`the folder \`${parent}\` is not writable`);
  }
  const own = statSync(target, { throwIfNoEntry: false });
  if (kind === 'file' && own?.isDirectory()) fail('it is a folder, not a file');
  if (kind === 'folder' && own && !own.isDirectory()) fail('it is a file, not a folder');
}
