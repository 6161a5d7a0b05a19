/**
 * The built binary as a user runs it: a closed pipe and an interrupt must end it cleanly, with
 * no stack trace and no temporary file left behind.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPackageDir } from '../src/index.js';

const bin = join(cliPackageDir, 'dist', 'bin.js');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-process-'));
  dirs.push(dir);
  return dir;
}

/** Every file under `dir` whose name marks it as temporary. */
function temporaries(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.tmp') || name.includes('.tmp/'));
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}

describe('factorkit as a process', () => {
  it('treats a reader that went away (EPIPE) as a normal end: no stack trace, exit 0', () => {
    expect(existsSync(bin), 'build the CLI first').toBe(true);
    const dir = scratch();
    // `true` exits at once, so every write of `plugins list` meets a closed pipe.
    const script = `node ${JSON.stringify(bin)} plugins list 2>${JSON.stringify(join(dir, 'err.txt'))} | true; echo "exit=\${PIPESTATUS[0]}"`;
    const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', cwd: dir });
    expect(result.stdout.trim()).toBe('exit=0');
    const err = spawnSync('cat', [join(dir, 'err.txt')], { encoding: 'utf8' }).stdout;
    expect(err).not.toMatch(/EPIPE|\n\s+at /);
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`removes partial output when interrupted by ${signal} while writing (exit ${code})`, async () => {
      const dir = scratch();
      const out = join(dir, 'market');
      const child = spawn('node', [bin, 'data', 'synth', '--out', out, '--stocks', '600', '--years', '3', '--format', 'parquet'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const done = exited(child);
      // Wait until a temporary file exists, then interrupt.
      const started = Date.now();
      let seen = false;
      while (Date.now() - started < 60_000) {
        if (temporaries(dir).length > 0) {
          seen = true;
          break;
        }
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(seen, `no temporary file appeared; stderr: ${stderr}`).toBe(true);
      child.kill(signal);
      const result = await done;
      expect(result.code).toBe(code);
      expect(temporaries(dir)).toEqual([]);
      // The dataset folder is built aside and moved into place at the end: nothing half-written.
      expect(existsSync(out)).toBe(false);
      expect(stderr).toContain(`interrupted (${signal})`);
      expect(stderr).not.toMatch(/\n\s+at /);
    }, 90_000);
  }
});
