/**
 * Node-only helpers: find plugin packages on disk and import them by package name; atomic file
 * and folder output (`files.ts`).
 * Imported as `@factorkit/core/node`, so that `@factorkit/core` itself stays free of Node APIs.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FactorkitError, show } from './errors.js';
import type { PluginSource } from './plugin.js';
import { type AnyPlugin, type PluginRegistry, createRegistry } from './registry.js';

export {
  type AtomicDirectoryOptions,
  atomicDirectory,
  atomically,
  checkWritableOutput,
  pendingTemporaries,
  removePendingTemporaries,
  temporaryPathFor,
  writeFileAtomic,
} from './files.js';

/** The npm keyword that marks a package as a factorkit plugin package. */
export const PLUGIN_KEYWORD = 'factorkit-plugin';

/** A plugin package found on disk. */
export interface PluginPackage {
  readonly name: string;
  readonly version: string;
  /** The package's directory (symlinks resolved). */
  readonly dir: string;
  /** The file `import()` loads: the `import`/`node`/`default` export of `.`, or `module`/`main`. */
  readonly entry: string;
  readonly keywords: readonly string[];
}

interface Manifest {
  name?: string;
  version?: string;
  keywords?: unknown;
  exports?: unknown;
  module?: unknown;
  main?: unknown;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function readManifest(file: string): Manifest {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (cause) {
    throw new FactorkitError('FK_PLUGIN_LOAD', `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
}

/** The directory of package `name` as Node would find it from `from` (walking up node_modules). */
function findPackageDir(name: string, from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The conditions `import()` runs under in Node. */
const IMPORT_CONDITIONS = new Set(['import', 'node', 'default']);
/** Tried only when nothing matched `import()`'s conditions: a CJS-only package. */
const REQUIRE_CONDITIONS = new Set(['require', 'node', 'default']);

/** Node's rule: in a conditions object, the first key in the manifest's order that is active. */
function pickExport(target: unknown, conditions: ReadonlySet<string>): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = pickExport(item, conditions);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof target === 'object' && target !== null) {
    for (const [condition, value] of Object.entries(target as Record<string, unknown>)) {
      if (!conditions.has(condition)) continue;
      const found = pickExport(value, conditions);
      if (found) return found;
    }
  }
  return undefined;
}

/** `main` as Node's CommonJS loader resolves it: as given, then with `.js`, then as a folder. */
function resolveMain(dir: string, main: string): string | undefined {
  for (const candidate of [main, `${main}.js`, `${main}.cjs`, join(main, 'index.js')]) {
    const file = join(dir, candidate);
    if (existsSync(file) && !statSync(file).isDirectory()) return file;
  }
  return undefined;
}

function entryOf(manifest: Manifest, dir: string): string | undefined {
  let target: unknown = manifest.exports;
  if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
    const keys = Object.keys(target);
    if (keys.some((k) => k.startsWith('.'))) target = (target as Record<string, unknown>)['.'];
  }
  if (target !== undefined) {
    // With `exports`, Node uses nothing else.
    const fromExports = pickExport(target, IMPORT_CONDITIONS) ?? pickExport(target, REQUIRE_CONDITIONS);
    if (fromExports === undefined) return undefined;
    const file = join(dir, fromExports);
    return existsSync(file) ? file : undefined;
  }
  if (typeof manifest.module === 'string' && existsSync(join(dir, manifest.module))) return join(dir, manifest.module);
  return resolveMain(dir, typeof manifest.main === 'string' ? manifest.main : 'index.js');
}

/**
 * Find package `name` from directory `from`.
 * @throws FactorkitError `FK_PLUGIN_NOT_FOUND` when it is not installed there.
 */
export function resolvePluginPackage(name: string, options: { from?: string } = {}): PluginPackage {
  const from = options.from ?? process.cwd();
  const dir = findPackageDir(name, from);
  if (!dir) {
    throw new FactorkitError('FK_PLUGIN_NOT_FOUND', `cannot find plugin package \`${name}\` from ${from}: is it installed (npm install ${name})?`, {
      details: { name, from },
    });
  }
  const manifest = readManifest(join(dir, 'package.json'));
  const entry = entryOf(manifest, dir);
  if (!entry) {
    throw new FactorkitError('FK_PLUGIN_LOAD', `package \`${name}\` at ${dir} has no loadable entry (checked exports, module and main)`);
  }
  return {
    name: manifest.name ?? name,
    version: manifest.version ?? '0.0.0',
    dir,
    entry,
    keywords: Array.isArray(manifest.keywords) ? manifest.keywords.filter((k): k is string => typeof k === 'string') : [],
  };
}

/**
 * Import a plugin package by name, resolved from `from` (default: the working directory),
 * not from wherever `@factorkit/core` happens to be installed.
 */
export async function importPluginPackage(name: string, options: { from?: string } = {}): Promise<{ package: PluginPackage; module: unknown }> {
  const pkg = resolvePluginPackage(name, options);
  try {
    const module: unknown = await import(pathToFileURL(pkg.entry).href);
    return { package: pkg, module };
  } catch (cause) {
    throw new FactorkitError('FK_PLUGIN_LOAD', `importing plugin package \`${name}\` (${pkg.entry}) failed: ${cause instanceof Error ? cause.message : show(cause)}`, { cause });
  }
}

/**
 * Import each package and register its plugins, one batch per package. A package that fails
 * leaves the registry as it was before that package.
 */
export async function loadPluginPackages(
  registry: PluginRegistry,
  names: readonly string[],
  options: { from?: string; type?: PluginSource['type']; override?: boolean } = {},
): Promise<{ package: PluginPackage; plugins: readonly AnyPlugin[] }[]> {
  const loaded: { package: PluginPackage; plugins: readonly AnyPlugin[] }[] = [];
  for (const name of names) {
    const { package: pkg, module } = await importPluginPackage(name, options);
    const plugins = registry.registerModule(module, {
      source: { type: options.type ?? 'package', package: pkg.name, version: pkg.version },
      ...(options.override === undefined ? {} : { override: options.override }),
    });
    loaded.push({ package: pkg, plugins });
  }
  return loaded;
}

/**
 * The installed dependencies of the project in `projectDir` that carry the
 * `factorkit-plugin` keyword. Declared but uninstalled dependencies are skipped.
 */
export function discoverPluginPackages(projectDir: string): PluginPackage[] {
  const manifestFile = join(projectDir, 'package.json');
  if (!existsSync(manifestFile)) return [];
  const manifest = readManifest(manifestFile);
  const names = new Set([
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
    ...Object.keys(manifest.devDependencies ?? {}),
  ]);
  const found: PluginPackage[] = [];
  for (const name of [...names].sort()) {
    const dir = findPackageDir(name, projectDir);
    if (!dir) continue;
    const dependency = readManifest(join(dir, 'package.json'));
    if (!Array.isArray(dependency.keywords) || !dependency.keywords.includes(PLUGIN_KEYWORD)) continue;
    found.push(resolvePluginPackage(name, { from: projectDir }));
  }
  return found;
}

/**
 * A module of plugins by where it can be imported (a `file:` URL) and where it came from: how a
 * worker thread, a child process or another machine is told which plugins to load (a plugin
 * object cannot cross a thread or a queue; its module can be imported there).
 */
export interface PluginModule {
  readonly url: string;
  readonly type: PluginSource['type'];
  readonly package?: string;
  readonly version?: string;
}

/**
 * A registry of the plugins of `modules`, imported in order, each registered with its source
 * (package and version) and overriding a plugin of the same id registered earlier.
 *
 * @throws FactorkitError `FK_PLUGIN_LOAD` naming the module that cannot be imported; what
 *   `registerModule` throws for an invalid plugin.
 */
export async function registryFromModules(modules: readonly PluginModule[]): Promise<PluginRegistry> {
  const registry = createRegistry();
  for (const module of modules) {
    let value: unknown;
    try {
      value = await import(module.url);
    } catch (cause) {
      throw new FactorkitError('FK_PLUGIN_LOAD', `importing plugin module \`${module.package ?? module.url}\` (${module.url}) failed: ${cause instanceof Error ? cause.message : show(cause)}`, { cause });
    }
    const source: PluginSource = { type: module.type, ...(module.package ? { package: module.package } : {}), ...(module.version ? { version: module.version } : {}) };
    registry.registerModule(value, { source, override: true });
  }
  return registry;
}
