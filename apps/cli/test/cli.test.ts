import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliVersion, formatTable } from '../src/index.js';
import { type CliResult, runCli } from './helpers.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function emptyProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-cli-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'empty', version: '1.0.0' }));
  return dir;
}

const cli = (args: string[], cwd = emptyProject()): Promise<CliResult> => runCli(args, cwd);

describe('factorkit CLI', () => {
  it('prints its version', async () => {
    const { code, out } = await cli(['--version']);
    expect(code).toBe(0);
    expect(out.trim()).toBe(cliVersion());
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('prints help naming the plugins command', async () => {
    const { code, out } = await cli(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: factorkit');
    expect(out).toContain('plugins');
  });

  it('fails on an unknown command with a non-zero code', async () => {
    const { code, err } = await cli(['frobnicate']);
    expect(code).not.toBe(0);
    expect(err).toContain("unknown command 'frobnicate'");
  });

  it('lists the built-in momentum plugin as JSON', async () => {
    const { code, out, err } = await cli(['plugins', 'list', '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const listed = JSON.parse(out) as { coreApiVersion: string; plugins: Record<string, string>[] };
    expect(listed.coreApiVersion).toBe('1.1');
    expect(listed.plugins).toContainEqual(
      expect.objectContaining({ kind: 'factor', id: 'momentum_1y', package: '@factorkit/factor-momentum', apiVersion: '1.0', source: 'builtin' }),
    );
  });

  it('lists the built-in combination models (kind `model`, core API 1.1)', async () => {
    const { code, out } = await cli(['plugins', 'list', '--json']);
    expect(code).toBe(0);
    const listed = JSON.parse(out) as { plugins: Record<string, string>[] };
    const models = listed.plugins.filter((p) => p.kind === 'model').map((p) => [p.id, p.package, p.apiVersion, p.source]);
    expect(models).toHaveLength(6);
    expect(models).toEqual(expect.arrayContaining([
      ['equal', '@factorkit/model-equal', '1.1', 'builtin'],
      ['gbdt', '@factorkit/model-gbdt', '1.1', 'builtin'],
      ['ic', '@factorkit/model-ic', '1.1', 'builtin'],
      ['icir', '@factorkit/model-icir', '1.1', 'builtin'],
      ['max_icir', '@factorkit/model-max-icir', '1.1', 'builtin'],
      ['ridge', '@factorkit/model-ridge', '1.1', 'builtin'],
    ]));
  });

  it('lists plugins as a table with a count line', async () => {
    const { code, out } = await cli(['plugins', 'list']);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KIND\s+ID\s+PACKAGE\s+VERSION\s+API\s+SOURCE\s+TITLE$/);
    expect(out).toMatch(/factor\s+momentum_1y\s+@factorkit\/factor-momentum/);
    expect(lines.at(-1)).toMatch(/^\d+ plugins?; this core provides API 1\.1$/);
  });

  it('reports a plugin package that is not installed, and exits 1', async () => {
    const { code, out, err } = await cli(['plugins', 'list', '--plugin', 'factorkit-factor-nowhere']);
    expect(code).toBe(1);
    expect(err).toContain('error [FK_PLUGIN_NOT_FOUND] factorkit-factor-nowhere: cannot find plugin package `factorkit-factor-nowhere`');
    expect(out).toContain('momentum_1y');
  });

  it('discovers plugin packages among the project dependencies and reports broken ones', async () => {
    const project = emptyProject();
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'p', version: '1.0.0', dependencies: { 'factorkit-factor-broken': '1.0.0', 'left-pad': '1.0.0' } }));
    const broken = join(project, 'node_modules', 'factorkit-factor-broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'package.json'), JSON.stringify({ name: 'factorkit-factor-broken', version: '1.0.0', type: 'module', keywords: ['factorkit-plugin'], exports: './index.js' }));
    writeFileSync(join(broken, 'index.js'), `export default { kind: 'factor', id: 'Bad Id', apiVersion: '1.0', meta: { description: '' } };\n`);
    const pad = join(project, 'node_modules', 'left-pad');
    mkdirSync(pad, { recursive: true });
    writeFileSync(join(pad, 'package.json'), JSON.stringify({ name: 'left-pad', version: '1.0.0', main: 'index.js' }));
    const { code, err } = await cli(['plugins', 'list'], project);
    expect(code).toBe(1);
    expect(err).toContain('error [FK_INVALID_PLUGIN] factorkit-factor-broken');
    expect(err).toContain('id: expected an id matching');
    expect(err).toContain('meta.description: expected a non-empty string');
    expect(err).not.toContain('left-pad');
  });
});

describe('formatTable', () => {
  it('aligns columns, counting CJK characters as two columns wide', () => {
    const text = formatTable(['ID', 'TITLE', 'X'], [['a', '一年动量', '1'], ['long_id', 'ab', '2']]);
    expect(text).toBe(['ID       TITLE     X', 'a        一年动量  1', 'long_id  ab        2', ''].join('\n'));
  });
});
