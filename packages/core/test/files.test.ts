import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atomicDirectory, atomically, checkWritableOutput, pendingTemporaries, removePendingTemporaries, writeFileAtomic } from '../src/node.js';
import { rejected, thrown } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'fk-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('writeFileAtomic / atomically', () => {
  it('writes the file and leaves no temporary behind', async () => {
    const file = join(root, 'a.json');
    await writeFileAtomic(file, '{"a":1}\n');
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n');
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the old file and removes the temporary when the writer fails', async () => {
    const file = join(root, 'b.txt');
    writeFileSync(file, 'old');
    const error = await rejected(
      atomically(file, (tmp) => {
        writeFileSync(tmp, 'half');
        return Promise.reject(new Error('disk full'));
      }, '--out'),
    );
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toBe(`--out: could not write \`${file}\`: disk full`);
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('tracks temporaries in flight so an interrupt can remove them', async () => {
    const file = join(root, 'c.txt');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let temporary = '';
    const writing = atomically(file, async (tmp) => {
      temporary = tmp;
      writeFileSync(tmp, 'partial');
      await gate;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(pendingTemporaries()).toEqual([temporary]);
    expect(existsSync(temporary)).toBe(true);
    expect(removePendingTemporaries()).toEqual([temporary]);
    expect(existsSync(temporary)).toBe(false);
    release();
    await rejected(writing);
    expect(existsSync(file)).toBe(false);
    expect(pendingTemporaries()).toEqual([]);
  });
});

describe('atomicDirectory', () => {
  it('builds a new folder in place of nothing, or replaces one when allowed', async () => {
    const dir = join(root, 'ds');
    await atomicDirectory(dir, (tmp) => {
      mkdirSync(tmp);
      writeFileSync(join(tmp, 'daily.csv'), 'x');
      return Promise.resolve();
    });
    expect(readdirSync(dir)).toEqual(['daily.csv']);
    await atomicDirectory(
      dir,
      (tmp) => {
        mkdirSync(tmp);
        writeFileSync(join(tmp, 'daily.parquet'), 'y');
        return Promise.resolve();
      },
      { replace: (entries) => entries.includes('daily.csv') },
    );
    expect(readdirSync(dir)).toEqual(['daily.parquet']);
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a file or a folder it may not replace, and leaves the old folder when the build fails', async () => {
    const file = join(root, 'plain.txt');
    writeFileSync(file, 'x');
    expect((await rejected(atomicDirectory(file, () => Promise.resolve(), { owner: '--out' }))).message).toBe(`--out: \`${file}\` exists and is a file, not a folder`);
    const dir = join(root, 'keep');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.md'), 'mine');
    expect((await rejected(atomicDirectory(dir, () => Promise.resolve(), { owner: '--out' }))).message).toContain('is not empty (1 entry: notes.md); refusing to replace it');
    const error = await rejected(
      atomicDirectory(dir, (tmp) => {
        mkdirSync(tmp);
        return Promise.reject(new Error('interrupted'));
      }, { replace: true }),
    );
    expect(error.message).toContain('interrupted');
    expect(readdirSync(dir)).toEqual(['notes.md']);
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('checkWritableOutput', () => {
  it('names the user path and option when the folder is missing, read-only, or the path is a folder', () => {
    expect(thrown(() => checkWritableOutput('no/such/dir/out.csv', '--out')).message).toMatch(/^--out: cannot write `no\/such\/dir\/out.csv`: the folder `.*no\/such\/dir` does not exist$/);
    expect(thrown(() => checkWritableOutput(root, '--out')).message).toBe(`--out: cannot write \`${root}\`: it is a folder, not a file`);
    checkWritableOutput(join(root, 'fine.csv'), '--out');
    if (process.getuid?.() !== 0) {
      const locked = join(root, 'locked');
      mkdirSync(locked);
      chmodSync(locked, 0o500);
      expect(thrown(() => checkWritableOutput(join(locked, 'x.csv'), '--out')).message).toContain('is not writable');
      chmodSync(locked, 0o700);
    }
  });
});
