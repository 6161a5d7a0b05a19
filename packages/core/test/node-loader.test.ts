import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Panel, computeFactor, createMemoryData, createRegistry } from '../src/index.js';
import { pathToFileURL } from 'node:url';
import { PLUGIN_KEYWORD, discoverPluginPackages, importPluginPackage, loadPluginPackages, registryFromModules, resolvePluginPackage } from '../src/node.js';
import { rejected, thrown } from './helpers.js';

/**
 * A fake project on disk:
 *
 *   project/package.json                 dependencies on some of the packages below
 *   project/node_modules/<name>/…        plugin packages written as plain ESM (no @factorkit/core import)
 *   project/packages/linked/…            a package reached through a symlink, as pnpm installs them
 */
let root: string;
let project: string;

function write(file: string, content: string | object): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}

function pkg(name: string, manifest: object, files: Record<string, string> = {}): void {
  const dir = join(project, 'node_modules', name);
  write(join(dir, 'package.json'), { name, ...manifest });
  for (const [file, content] of Object.entries(files)) write(join(dir, file), content);
}

/** An ESM source exporting a factor plugin object literal that returns `ret` times `scale`. */
function factorSource(id: string, options: { apiVersion?: string; exportStyle?: 'default' | 'named' | 'plugins' } = {}): string {
  const literal = `{
  kind: 'factor',
  id: '${id}',
  apiVersion: '${options.apiVersion ?? '1.0'}',
  meta: {
    description: 'test factor ${id}',
    category: 'other',
    inputs: [{ field: 'ret' }],
    lookback: 0,
    direction: 1,
    params: { scale: { type: 'number', default: 2 } },
  },
  compute(ctx) {
    const ret = ctx.input('ret');
    return { dates: ret.dates, assets: ret.assets, values: ret.values.map((v) => v * ctx.params.scale) };
  },
}`;
  const name = id.replace(/\W/g, '_');
  switch (options.exportStyle ?? 'default') {
    case 'default':
      return `export default ${literal};\n`;
    case 'named':
      return `export const ${name} = ${literal};\nexport const helper = () => 1;\n`;
    case 'plugins':
      return `const ${name} = ${literal};\nexport const plugins = [${name}];\n`;
  }
}

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'factorkit-core-node-')));
  project = join(root, 'project');
  write(join(project, 'package.json'), {
    name: 'my-strategy',
    private: true,
    dependencies: {
      'factorkit-factor-alpha': '^1.0.0',
      '@acme/factorkit-factor-beta': '^0.4.0',
      'left-pad': '^1.0.0',
      'factorkit-factor-not-installed': '^1.0.0',
    },
    devDependencies: { 'factorkit-factor-gamma': '*', 'factorkit-factor-linked': 'workspace:*' },
    optionalDependencies: { 'factorkit-factor-delta': '*' },
  });

  // exports with import/require conditions: import() must take the `import` one.
  pkg(
    'factorkit-factor-alpha',
    {
      version: '1.2.3',
      type: 'module',
      keywords: ['factorkit', PLUGIN_KEYWORD],
      exports: { '.': { import: './esm/index.js', require: './cjs/index.cjs' }, './package.json': './package.json' },
    },
    { 'esm/index.js': factorSource('alpha'), 'cjs/index.cjs': 'throw new Error("the require entry must not be loaded");\n' },
  );
  // Scoped, nested conditions with `types` first, named exports.
  pkg(
    '@acme/factorkit-factor-beta',
    { version: '0.4.0', type: 'module', keywords: [PLUGIN_KEYWORD, 'acme'], exports: { '.': { types: './index.d.ts', default: './main.js' } } },
    { 'main.js': factorSource('acme.beta', { exportStyle: 'named' }) },
  );
  // main only (no exports), named `plugins` array.
  pkg('factorkit-factor-gamma', { version: '3.0.0', keywords: [PLUGIN_KEYWORD], main: 'lib/entry.mjs' }, { 'lib/entry.mjs': factorSource('gamma', { exportStyle: 'plugins' }) });
  // `module` wins over `main`; exports as a plain string elsewhere.
  pkg('factorkit-factor-delta', { version: '0.0.1', keywords: [PLUGIN_KEYWORD], module: './m.mjs', main: './missing.cjs' }, { 'm.mjs': factorSource('delta') });
  pkg('factorkit-factor-string-exports', { version: '1.0.0', exports: './x.mjs' }, { 'x.mjs': factorSource('string_exports') });
  pkg('factorkit-factor-sugar', { version: '1.0.0', exports: { node: './n.mjs', default: './d.mjs' } }, { 'n.mjs': factorSource('sugar_node'), 'd.mjs': '' });
  pkg('factorkit-factor-index', { version: '1.0.0', type: 'module' }, { 'index.js': factorSource('index_default') });
  // Not a plugin package (no keyword).
  pkg('left-pad', { version: '1.3.0', main: 'index.js' }, { 'index.js': 'module.exports = (s) => s;\n' });
  // Broken ones.
  pkg('factorkit-factor-broken', { version: '1.0.0', type: 'module', keywords: [PLUGIN_KEYWORD] }, { 'index.js': "throw new Error('boom at import');\n" });
  pkg('factorkit-factor-throws-null', { version: '1.0.0', type: 'module' }, { 'index.js': 'throw null;\n' });
  pkg('factorkit-factor-no-entry', { version: '1.0.0', main: 'dist/missing.js' });
  pkg('factorkit-factor-empty', { version: '1.0.0', type: 'module' }, { 'index.js': 'export const answer = 42;\n' });
  pkg('factorkit-factor-future', { version: '9.0.0', type: 'module' }, { 'index.js': factorSource('future', { apiVersion: '2.0' }) });
  // Conditions are matched in the manifest's order, as Node does: `node` comes before `import` here.
  pkg('factorkit-factor-order', { version: '1.0.0', exports: { '.': { node: './first.mjs', import: './second.mjs' } } }, { 'first.mjs': factorSource('order_first'), 'second.mjs': factorSource('order_second') });
  // CommonJS-only exports: only `require` matches.
  pkg('factorkit-factor-cjs-only', { version: '1.0.0', exports: { require: './c.cjs' } }, { 'c.cjs': 'module.exports = { plugins: [] };\n' });
  // `main` without an extension, and `main` naming a folder.
  pkg('factorkit-factor-main-noext', { version: '1.0.0', main: 'lib/entry' }, { 'lib/entry.js': 'module.exports = {};\n' });
  pkg('factorkit-factor-main-dir', { version: '1.0.0', main: 'lib' }, { 'lib/index.js': 'module.exports = {};\n' });
  pkg('factorkit-factor-bad-json', {}, {});
  writeFileSync(join(project, 'node_modules', 'factorkit-factor-bad-json', 'package.json'), '{ not json');

  // pnpm-style symlink: node_modules/factorkit-factor-linked → packages/linked
  const linked = join(project, 'packages', 'linked');
  write(join(linked, 'package.json'), { name: 'factorkit-factor-linked', version: '0.1.0', type: 'module', keywords: [PLUGIN_KEYWORD] });
  write(join(linked, 'index.js'), factorSource('linked'));
  symlinkSync(linked, join(project, 'node_modules', 'factorkit-factor-linked'), 'dir');

  mkdirSync(join(project, 'src', 'deep'), { recursive: true });
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('resolvePluginPackage: Node resolution rules', () => {
  const entry = (name: string) => resolvePluginPackage(name, { from: project }).entry;
  const base = (name: string) => join(project, 'node_modules', name);

  it('matches export conditions in the manifest order', () => {
    expect(entry('factorkit-factor-order')).toBe(join(base('factorkit-factor-order'), 'first.mjs'));
  });

  it('falls back to the `require` condition for a CommonJS-only package', () => {
    expect(entry('factorkit-factor-cjs-only')).toBe(join(base('factorkit-factor-cjs-only'), 'c.cjs'));
  });

  it('resolves `main` without an extension and `main` naming a folder', () => {
    expect(entry('factorkit-factor-main-noext')).toBe(join(base('factorkit-factor-main-noext'), 'lib/entry.js'));
    expect(entry('factorkit-factor-main-dir')).toBe(join(base('factorkit-factor-main-dir'), 'lib/index.js'));
  });
});

describe('resolvePluginPackage', () => {
  it('takes the `import` condition of the `.` export', () => {
    const found = resolvePluginPackage('factorkit-factor-alpha', { from: project });
    expect(found).toEqual({
      name: 'factorkit-factor-alpha',
      version: '1.2.3',
      dir: join(project, 'node_modules', 'factorkit-factor-alpha'),
      entry: join(project, 'node_modules', 'factorkit-factor-alpha', 'esm', 'index.js'),
      keywords: ['factorkit', PLUGIN_KEYWORD],
    });
  });

  it('takes the `default` condition, skipping `types`, for scoped packages', () => {
    const found = resolvePluginPackage('@acme/factorkit-factor-beta', { from: project });
    expect(found.entry).toBe(join(project, 'node_modules', '@acme', 'factorkit-factor-beta', 'main.js'));
    expect(found.version).toBe('0.4.0');
  });

  it('falls back to `module`, then `main`, then index.js', () => {
    expect(resolvePluginPackage('factorkit-factor-gamma', { from: project }).entry).toBe(join(project, 'node_modules', 'factorkit-factor-gamma', 'lib', 'entry.mjs'));
    expect(resolvePluginPackage('factorkit-factor-delta', { from: project }).entry).toBe(join(project, 'node_modules', 'factorkit-factor-delta', 'm.mjs'));
    expect(resolvePluginPackage('factorkit-factor-index', { from: project }).entry).toBe(join(project, 'node_modules', 'factorkit-factor-index', 'index.js'));
  });

  it('understands string exports and top-level conditions', () => {
    expect(resolvePluginPackage('factorkit-factor-string-exports', { from: project }).entry).toBe(
      join(project, 'node_modules', 'factorkit-factor-string-exports', 'x.mjs'),
    );
    expect(resolvePluginPackage('factorkit-factor-sugar', { from: project }).entry).toBe(join(project, 'node_modules', 'factorkit-factor-sugar', 'n.mjs'));
  });

  it('walks up from a subdirectory, like Node', () => {
    expect(resolvePluginPackage('factorkit-factor-alpha', { from: join(project, 'src', 'deep') }).dir).toBe(join(project, 'node_modules', 'factorkit-factor-alpha'));
  });

  it('resolves symlinks to the real directory', () => {
    const found = resolvePluginPackage('factorkit-factor-linked', { from: project });
    expect(found.dir).toBe(join(project, 'packages', 'linked'));
    expect(found.entry).toBe(join(project, 'packages', 'linked', 'index.js'));
  });

  it('throws FK_PLUGIN_NOT_FOUND naming the package', () => {
    const error = thrown(() => resolvePluginPackage('factorkit-factor-nope', { from: project }));
    expect(error.code).toBe('FK_PLUGIN_NOT_FOUND');
    expect(error.message).toBe(`cannot find plugin package \`factorkit-factor-nope\` from ${project}: is it installed (npm install factorkit-factor-nope)?`);
    expect(error.details).toEqual({ name: 'factorkit-factor-nope', from: project });
  });

  it('throws FK_PLUGIN_LOAD when the package has no entry file or an unreadable manifest', () => {
    const noEntry = thrown(() => resolvePluginPackage('factorkit-factor-no-entry', { from: project }));
    expect(noEntry.code).toBe('FK_PLUGIN_LOAD');
    expect(noEntry.message).toContain('`factorkit-factor-no-entry`');
    expect(noEntry.message).toContain('has no loadable entry');
    const badJson = thrown(() => resolvePluginPackage('factorkit-factor-bad-json', { from: project }));
    expect(badJson.code).toBe('FK_PLUGIN_LOAD');
    expect(badJson.message).toContain(join('factorkit-factor-bad-json', 'package.json'));
    expect(badJson.cause).toBeInstanceOf(SyntaxError);
  });
});

describe('importPluginPackage', () => {
  it('imports the entry and returns the module with the package info', async () => {
    const { package: found, module } = await importPluginPackage('factorkit-factor-alpha', { from: project });
    expect(found.name).toBe('factorkit-factor-alpha');
    expect((module as { default: { id: string } }).default.id).toBe('alpha');
  });

  it('wraps an import that throws in FK_PLUGIN_LOAD with the cause', async () => {
    const error = await rejected(importPluginPackage('factorkit-factor-broken', { from: project }));
    expect(error.code).toBe('FK_PLUGIN_LOAD');
    expect(error.message).toContain('importing plugin package `factorkit-factor-broken`');
    expect(error.message).toContain('boom at import');
    expect((error.cause as Error).message).toBe('boom at import');
  });

  it('wraps a thrown non-Error value too', async () => {
    const error = await rejected(importPluginPackage('factorkit-factor-throws-null', { from: project }));
    expect(error.code).toBe('FK_PLUGIN_LOAD');
    expect(error.message).toMatch(/failed: `null`$/);
  });

  it('rejects with FK_PLUGIN_NOT_FOUND for a missing package', async () => {
    expect((await rejected(importPluginPackage('factorkit-factor-nope', { from: project }))).code).toBe('FK_PLUGIN_NOT_FOUND');
  });
});

describe('loadPluginPackages', () => {
  it('registers each package with its source, whatever the export style', async () => {
    const registry = createRegistry();
    const loaded = await loadPluginPackages(registry, ['factorkit-factor-alpha', '@acme/factorkit-factor-beta', 'factorkit-factor-gamma'], { from: project });
    expect(loaded.map((l) => [l.package.name, l.plugins.map((p) => p.id)])).toEqual([
      ['factorkit-factor-alpha', ['alpha']],
      ['@acme/factorkit-factor-beta', ['acme.beta']],
      ['factorkit-factor-gamma', ['gamma']],
    ]);
    expect(registry.list().map((e) => [e.plugin.id, e.source])).toEqual([
      ['acme.beta', { type: 'package', package: '@acme/factorkit-factor-beta', version: '0.4.0' }],
      ['alpha', { type: 'package', package: 'factorkit-factor-alpha', version: '1.2.3' }],
      ['gamma', { type: 'package', package: 'factorkit-factor-gamma', version: '3.0.0' }],
    ]);
  });

  it('a plain-object plugin loaded from a package computes', async () => {
    const registry = createRegistry();
    await loadPluginPackages(registry, ['factorkit-factor-alpha'], { from: project });
    const data = createMemoryData({
      calendar: ['2024-01-02', '2024-01-03'],
      assets: ['A', 'B'],
      fields: {
        ret: Panel.fromRows([
          [0.5, 1],
          [2, -1],
        ]),
      },
    });
    expect(computeFactor(registry.get('factor', 'alpha'), data).values.toRows()).toEqual([
      [1, 2],
      [4, -2],
    ]);
  });

  it('passes the source type and override through', async () => {
    const registry = createRegistry();
    await loadPluginPackages(registry, ['factorkit-factor-alpha'], { from: project, type: 'builtin' });
    expect(registry.list()[0]!.source).toEqual({ type: 'builtin', package: 'factorkit-factor-alpha', version: '1.2.3' });
    const duplicate = await rejected(loadPluginPackages(registry, ['factorkit-factor-alpha'], { from: project }));
    expect(duplicate.code).toBe('FK_DUPLICATE_ID');
    expect(duplicate.message).toContain('is already registered from `factorkit-factor-alpha`');
    await loadPluginPackages(registry, ['factorkit-factor-alpha'], { from: project, override: true });
    expect(registry.list()[0]!.source.type).toBe('package');
  });

  it('a package that fails to load leaves earlier packages registered and adds nothing of its own', async () => {
    const registry = createRegistry();
    const error = await rejected(loadPluginPackages(registry, ['factorkit-factor-alpha', 'factorkit-factor-broken', 'factorkit-factor-gamma'], { from: project }));
    expect(error.code).toBe('FK_PLUGIN_LOAD');
    expect(error.message).toContain('boom at import');
    expect(registry.list().map((e) => e.plugin.id)).toEqual(['alpha']);
  });

  it('FK_PLUGIN_LOAD when a package exports no plugin, naming the package', async () => {
    const error = await rejected(loadPluginPackages(createRegistry(), ['factorkit-factor-empty'], { from: project }));
    expect(error.code).toBe('FK_PLUGIN_LOAD');
    expect(error.message.startsWith('`factorkit-factor-empty` exports no factorkit plugin')).toBe(true);
  });

  it('FK_API_VERSION for a package built for another core, naming the package and both versions', async () => {
    const registry = createRegistry();
    const error = await rejected(loadPluginPackages(registry, ['factorkit-factor-future'], { from: project }));
    expect(error.code).toBe('FK_API_VERSION');
    expect(error.message).toBe(
      'cannot register plugins from `factorkit-factor-future`:\nfactor `future`: targets core API `2.0` but this core provides `1.1` (major versions differ)',
    );
    expect(registry.list()).toEqual([]);
  });
});

describe('registryFromModules', () => {
  const url = (name: string, file: string): string => pathToFileURL(join(project, 'node_modules', name, file)).href;

  it('registers every module with its source; a later module overrides an id registered earlier', async () => {
    const registry = await registryFromModules([
      { url: url('factorkit-factor-alpha', 'esm/index.js'), type: 'package', package: 'factorkit-factor-alpha', version: '1.2.3' },
      { url: url('@acme/factorkit-factor-beta', 'main.js'), type: 'builtin', package: '@acme/factorkit-factor-beta' },
      { url: url('factorkit-factor-gamma', 'lib/entry.mjs'), type: 'object' },
    ]);
    const sources = Object.fromEntries(registry.list('factor').map((e) => [e.plugin.id, e.source]));
    expect(sources).toEqual({
      alpha: { type: 'package', package: 'factorkit-factor-alpha', version: '1.2.3' },
      'acme.beta': { type: 'builtin', package: '@acme/factorkit-factor-beta' },
      gamma: { type: 'object' },
    });
    const twice = await registryFromModules([
      { url: url('factorkit-factor-alpha', 'esm/index.js'), type: 'package', package: 'a', version: '1' },
      { url: url('factorkit-factor-alpha', 'esm/index.js'), type: 'package', package: 'b', version: '2' },
    ]);
    expect(twice.list('factor').map((e) => e.source.package)).toEqual(['b']);
  });

  it('FK_PLUGIN_LOAD naming the module that cannot be imported', async () => {
    const broken = url('factorkit-factor-broken', 'index.js');
    const error = await rejected(registryFromModules([{ url: broken, type: 'package', package: 'factorkit-factor-broken', version: '1.0.0' }]));
    expect(error.code).toBe('FK_PLUGIN_LOAD');
    expect(error.message).toBe(`importing plugin module \`factorkit-factor-broken\` (${broken}) failed: boom at import`);
    const missing = url('nowhere', 'index.js');
    expect((await rejected(registryFromModules([{ url: missing, type: 'object' }]))).message).toContain(`\`${missing}\``);
  });
});

describe('discoverPluginPackages', () => {
  it('finds installed dependencies (all dependency fields) with the factorkit-plugin keyword, sorted by name', () => {
    const found = discoverPluginPackages(project);
    expect(found.map((p) => [p.name, p.version])).toEqual([
      ['@acme/factorkit-factor-beta', '0.4.0'],
      ['factorkit-factor-alpha', '1.2.3'],
      ['factorkit-factor-delta', '0.0.1'],
      ['factorkit-factor-gamma', '3.0.0'],
      ['factorkit-factor-linked', '0.1.0'],
    ]);
    expect(found[1]!.entry).toBe(join(project, 'node_modules', 'factorkit-factor-alpha', 'esm', 'index.js'));
  });

  it('returns nothing for a directory without package.json', () => {
    expect(discoverPluginPackages(join(project, 'src'))).toEqual([]);
  });

  it('what it finds can be loaded', async () => {
    const registry = createRegistry();
    await loadPluginPackages(
      registry,
      discoverPluginPackages(project).map((p) => p.name),
      { from: project },
    );
    expect(registry.list().map((e) => e.plugin.id)).toEqual(['acme.beta', 'alpha', 'delta', 'gamma', 'linked']);
  });
});
