/**
 * The packages as users get them: pack core, the momentum plugin and the CLI the way
 * `pnpm publish` would, check the tarballs with publint and are-the-types-wrong, install them
 * with plain npm into a project outside the workspace, and use them there — from ESM and CJS,
 * through the installed `factorkit` binary, and with a third-party plugin package written in
 * that project. Slow (it runs npm); it runs in CI like every other test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const workspace = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** Every publishable (non-private) workspace package: the CLI's dependencies among them. */
const published = [
  ...readdirSync(join(workspace, 'packages')).map((d) => `packages/${d}`),
  ...readdirSync(join(workspace, 'plugins')).flatMap((group) => readdirSync(join(workspace, 'plugins', group)).map((d) => `plugins/${group}/${d}`)),
  ...readdirSync(join(workspace, 'apps')).map((d) => `apps/${d}`),
]
  .filter((dir) => existsSync(join(workspace, dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(workspace, dir, 'package.json'), 'utf8')) as { name: string; private?: boolean } }))
  .filter(({ manifest }) => manifest.private !== true)
  .map(({ dir, manifest }) => ({ name: manifest.name, dir }));
const bin = (name: string) => join(workspace, 'apps/cli/node_modules/.bin', name);

// npm and pnpm pass their configuration to child processes as npm_config_* variables; the
// install below must see a plain npm, as a user's shell would.
const cleanEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));

function pnpmCommand(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(execPath)) return [process.execPath, [execPath]];
  return ['pnpm', []];
}

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[], cwd: string): Run {
  const result = spawnSync(command, args, { cwd, env: cleanEnv, encoding: 'utf8', timeout: 300_000 });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

function mustRun(command: string, args: readonly string[], cwd: string): string {
  const result = run(command, args, cwd);
  if (result.status !== 0) {
    throw new Error(`\`${command} ${args.join(' ')}\` in ${cwd} exited ${result.status}\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

let root: string;
let project: string;
const tarballs = new Map<string, string>();

/** A third-party plugin package, written the way the README tells plugin authors to. */
function writePluginPackage(dir: string, name: string, version: string, apiVersion: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name,
        version,
        type: 'module',
        keywords: ['factorkit-plugin'],
        exports: { '.': './index.js' },
        peerDependencies: { '@factorkit/core': '^0.1.0' },
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(dir, 'index.js'),
    `import { Panel, defineFactor, param } from '@factorkit/core';

/** Five-day reversal: minus the sum of the last \`window\` daily returns. */
export const reversal = defineFactor({
  id: 'acme_reversal',
  apiVersion: '${apiVersion}',
  meta: {
    title: 'ACME short-term reversal',
    description: 'Minus the sum of the last window daily returns.',
    category: 'reversal',
    inputs: [{ field: 'ret' }],
    lookback: (p) => p.window,
    direction: 1,
    params: { window: param.integer({ default: 5, min: 1 }) },
  },
  compute(ctx) {
    const ret = ctx.input('ret');
    const out = new Panel(ret.dates, ret.assets);
    const w = ctx.params.window;
    for (let a = 0; a < ret.assets; a++) {
      for (let t = w - 1; t < ret.dates; t++) {
        let sum = 0;
        for (let k = t - w + 1; k <= t; k++) sum += ret.get(k, a);
        out.set(t, a, -sum);
      }
    }
    return out;
  },
});

export default [reversal];
`,
  );
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'factorkit-install-'));
  const packs = join(root, 'tarballs');
  mkdirSync(packs);
  const [pnpm, pnpmArgs] = pnpmCommand();
  for (const pkg of published) {
    const before = new Set(readdirSync(packs));
    execFileSync(pnpm, [...pnpmArgs, 'pack', '--pack-destination', packs], { cwd: join(workspace, pkg.dir), stdio: 'pipe' });
    const added = readdirSync(packs).filter((f) => !before.has(f));
    expect(added, `pnpm pack of ${pkg.name}`).toHaveLength(1);
    tarballs.set(pkg.name, join(packs, added[0]!));
  }

  writePluginPackage(join(root, 'acme'), 'factorkit-factor-acme', '1.2.3', '1.0');
  writePluginPackage(join(root, 'future'), 'factorkit-factor-future', '9.0.0', '2.0');
  for (const name of ['acme', 'future']) mustRun('npm', ['pack', '--pack-destination', packs, '--silent'], join(root, name));

  // A user's project: it declares core, the CLI and the third-party plugin. The built-in plugins
  // come in only as the CLI's own dependencies, redirected to their tarballs with `overrides`
  // because they are not on the registry.
  project = join(root, 'project');
  mkdirSync(project);
  const file = (name: string) => `file:${tarballs.get(name)!}`;
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify(
      {
        name: 'my-research',
        version: '1.0.0',
        private: true,
        dependencies: {
          '@factorkit/core': file('@factorkit/core'),
          '@factorkit/cli': file('@factorkit/cli'),
          'factorkit-factor-acme': `file:${join(packs, 'factorkit-factor-acme-1.2.3.tgz')}`,
        },
        // Workspace packages are not on the registry: every dependency on one resolves to its tarball.
        overrides: Object.fromEntries(
          published
            .filter((p) => !['@factorkit/core', '@factorkit/cli'].includes(p.name))
            .map((p) => [p.name, file(p.name)])
            .concat([['@factorkit/core', '$@factorkit/core']]),
        ),
      },
      null,
      2,
    ),
  );
  const npmInstall = ['install', '--no-audit', '--no-fund', '--loglevel=error'];
  mustRun('npm', npmInstall, project);
  // Installed but not declared: loadable by name, not discovered automatically.
  mustRun('npm', [...npmInstall, '--no-save', join(packs, 'factorkit-factor-future-9.0.0.tgz')], project);
}, 600_000);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('packed tarballs', () => {
  it.each(published)('$name passes publint --strict', ({ name }) => {
    const result = run(bin('publint'), ['run', tarballs.get(name)!, '--strict'], workspace);
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  it.each(published)('$name passes are-the-types-wrong', ({ name }) => {
    // node16 profile: ESM and CJS resolution as Node ≥ 12 and TypeScript's node16/nodenext/bundler see them.
    const result = run(bin('attw'), [tarballs.get(name)!, '--profile', 'node16', '--format', 'ascii'], workspace);
    expect(result.status, result.stdout + result.stderr).toBe(0);
  });

  it('rewrote workspace: ranges to real versions', () => {
    const manifest = mustRun('tar', ['-xzOf', tarballs.get('@factorkit/cli')!, 'package/package.json'], root);
    expect(manifest).not.toContain('workspace:');
    expect(manifest).not.toContain('catalog:');
    const plugin = JSON.parse(mustRun('tar', ['-xzOf', tarballs.get('@factorkit/factor-momentum')!, 'package/package.json'], root)) as {
      peerDependencies: Record<string, string>;
      dependencies?: Record<string, string>;
    };
    expect(plugin.peerDependencies['@factorkit/core']).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(plugin.dependencies?.['@factorkit/core']).toBeUndefined();
  });
});

describe('installed with npm outside the workspace', () => {
  it('imports core from ESM, including the node entry', () => {
    const out = mustRun(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { CORE_API_VERSION, createRegistry, defineFactor } from '@factorkit/core';
         import { discoverPluginPackages } from '@factorkit/core/node';
         import { momentum } from '@factorkit/factor-momentum';
         const registry = createRegistry();
         registry.register(momentum);
         console.log(JSON.stringify({ api: CORE_API_VERSION, define: typeof defineFactor, ids: registry.list().map((e) => e.plugin.id),
           discovered: discoverPluginPackages(process.cwd()).map((p) => p.name) }));`,
      ],
      project,
    );
    expect(JSON.parse(out)).toEqual({
      api: '1.1',
      define: 'function',
      ids: ['momentum_1y'],
      discovered: ['factorkit-factor-acme'],
    });
  });

  it('requires core from CJS, including the node entry', () => {
    const out = mustRun(
      process.execPath,
      [
        '-e',
        `const core = require('@factorkit/core');
         const node = require('@factorkit/core/node');
         const { momentum } = require('@factorkit/factor-momentum');
         const registry = core.createRegistry();
         registry.register(momentum);
         console.log(JSON.stringify({ api: core.CORE_API_VERSION, loader: typeof node.loadPluginPackages, ids: registry.list().map((e) => e.plugin.id) }));`,
      ],
      project,
    );
    expect(JSON.parse(out)).toEqual({ api: '1.1', loader: 'function', ids: ['momentum_1y'] });
  });

  it('runs the installed CLI: --version and plugins list with built-in and third-party plugins', () => {
    const factorkit = join(project, 'node_modules/.bin/factorkit');
    expect(mustRun(factorkit, ['--version'], project).trim()).toBe('0.1.0');
    const listed = JSON.parse(mustRun(factorkit, ['plugins', 'list', '--json'], project)) as {
      coreApiVersion: string;
      plugins: { kind: string; id: string; package: string; version: string; apiVersion: string; source: string }[];
      failures: unknown[];
    };
    expect(listed.coreApiVersion).toBe('1.1');
    expect(listed.failures).toEqual([]);
    expect(listed.plugins).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'factor', id: 'momentum_1y', package: '@factorkit/factor-momentum', version: '0.1.0', apiVersion: '1.0', source: 'builtin' }),
        expect.objectContaining({ kind: 'factor', id: 'acme_reversal', package: 'factorkit-factor-acme', version: '1.2.3', apiVersion: '1.0', source: 'package' }),
      ]),
    );
    const table = mustRun(factorkit, ['plugins', 'list'], project);
    expect(table).toMatch(/factor\s+acme_reversal\s+factorkit-factor-acme\s+1\.2\.3\s+1\.0\s+package/);
    expect(table).toMatch(/factor\s+momentum_1y\s+@factorkit\/factor-momentum\s+0\.1\.0\s+1\.0\s+builtin/);
  });

  it('loads the third-party plugin by package name and computes it', () => {
    const out = mustRun(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { Panel, computeFactor, createMemoryData, createRegistry } from '@factorkit/core';
         import { loadPluginPackages } from '@factorkit/core/node';
         const registry = createRegistry();
         const [loaded] = await loadPluginPackages(registry, ['factorkit-factor-acme'], { from: process.cwd() });
         const data = createMemoryData({
           calendar: ['2024-01-02', '2024-01-03', '2024-01-04'],
           assets: ['000001.SZ', '600000.SH'],
           fields: { ret: Panel.fromRows([[0.01, -0.02], [0.03, 0.01], [-0.01, 0.02]]) },
         });
         const values = computeFactor(registry.get('factor', 'acme_reversal').with({ window: 2 }), data);
         console.log(JSON.stringify({ name: loaded.package.name, version: loaded.package.version, source: registry.list()[0].source, rows: values.values.toRows() }));`,
      ],
      project,
    );
    const result = JSON.parse(out) as { name: string; version: string; source: unknown; rows: (number | null)[][] };
    expect(result.name).toBe('factorkit-factor-acme');
    expect(result.version).toBe('1.2.3');
    expect(result.source).toEqual({ type: 'package', package: 'factorkit-factor-acme', version: '1.2.3' });
    // JSON turns NaN into null. Day 1: -(0.01+0.03), -(-0.02+0.01); day 2: -(0.03-0.01), -(0.01+0.02).
    expect(result.rows[0]).toEqual([null, null]);
    expect(result.rows[1]![0]).toBeCloseTo(-0.04, 12);
    expect(result.rows[1]![1]).toBeCloseTo(0.01, 12);
    expect(result.rows[2]![0]).toBeCloseTo(-0.02, 12);
    expect(result.rows[2]![1]).toBeCloseTo(-0.03, 12);
  });

  it('rejects a plugin built for an incompatible core API, naming both versions', () => {
    const factorkit = join(project, 'node_modules/.bin/factorkit');
    const result = run(factorkit, ['plugins', 'list', '--plugin', 'factorkit-factor-future'], project);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('error [FK_API_VERSION] factorkit-factor-future');
    expect(result.stderr).toContain('factor `acme_reversal`: targets core API `2.0` but this core provides `1.1` (major versions differ)');
    // The compatible plugins are still listed.
    expect(result.stdout).toContain('momentum_1y');

    const out = mustRun(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { createRegistry } from '@factorkit/core';
         import { loadPluginPackages } from '@factorkit/core/node';
         const registry = createRegistry();
         try { await loadPluginPackages(registry, ['factorkit-factor-future']); console.log('loaded'); }
         catch (error) { console.log(JSON.stringify({ code: error.code, name: error.name, size: registry.list().length })); }`,
      ],
      project,
    );
    expect(JSON.parse(out)).toEqual({ code: 'FK_API_VERSION', name: 'PluginRegistrationError', size: 0 });
  });
});
