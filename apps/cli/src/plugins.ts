import { FactorkitError, PLUGIN_KINDS, type PluginKind, type PluginOf, type PluginRegistry, createRegistry, isFactorkitError } from '@factorkit/core';
import { type PluginModule, type PluginPackage, discoverPluginPackages, loadPluginPackages, resolvePluginPackage } from '@factorkit/core/node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The directory of this package (`dist/` and `src/` both sit one level below it). */
export const cliPackageDir = fileURLToPath(new URL('..', import.meta.url));

/** This CLI's version, from its package.json. */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(join(cliPackageDir, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** A plugin package that could not be loaded, and why. */
export interface PluginLoadFailure {
  readonly package: string;
  readonly code: string;
  readonly message: string;
}

export interface LoadedPlugins {
  readonly registry: PluginRegistry;
  readonly failures: readonly PluginLoadFailure[];
}

export interface LoadPluginsOptions {
  /** The project whose dependencies are searched for plugin packages. */
  readonly cwd: string;
  /** Further plugin packages to load by name (resolved from `cwd`). */
  readonly packages?: readonly string[];
}

/**
 * Build the registry the CLI works with: the built-in plugin packages (this CLI's own
 * dependencies with the `factorkit-plugin` keyword), then the project's installed plugin
 * packages, then any named explicitly. A project that installs its own copy of a built-in
 * package uses that copy. Each package loads as one batch; a package that fails is reported
 * in `failures` and leaves the others loaded.
 */
export async function loadPlugins(options: LoadPluginsOptions): Promise<LoadedPlugins> {
  const registry = createRegistry();
  const failures: PluginLoadFailure[] = [];
  const installed = discoverPluginPackages(options.cwd);
  const explicit = options.packages ?? [];
  const overridden = new Set([...installed.map((p) => p.name), ...explicit]);
  const builtins = discoverPluginPackages(cliPackageDir).filter((p) => !overridden.has(p.name));

  const load = async (name: string, from: string, type: 'builtin' | 'package') => {
    try {
      await loadPluginPackages(registry, [name], { from, type });
    } catch (error) {
      failures.push({
        package: name,
        code: isFactorkitError(error) ? error.code : 'FK_PLUGIN_LOAD',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  };
  for (const pkg of builtins) await load(pkg.name, cliPackageDir, 'builtin');
  const seen = new Set<string>();
  for (const pkg of installed as readonly PluginPackage[]) {
    seen.add(pkg.name);
    await load(pkg.name, options.cwd, 'package');
  }
  for (const name of explicit) if (!seen.has(name)) await load(name, options.cwd, 'package');
  return { registry, failures };
}

/**
 * One stderr line per plugin package that failed to load. Every command that loads plugins
 * prints them, so a refused package is never only visible in `plugins list`.
 */
export function formatPluginFailures(failures: readonly PluginLoadFailure[]): string {
  return failures.map((f) => `warning [${f.code}]: plugin package \`${f.package}\` was not loaded: ${f.message}\n`).join('');
}

/**
 * The plugin of `kind` with `id`, or an `FK_UNKNOWN_PLUGIN` error that names the real cause:
 * when packages failed to load, the id may have been theirs, and the message says which
 * packages failed and why (an API-version refusal reads as such, not as "unknown").
 */
export function requirePlugin<K extends PluginKind>(loaded: LoadedPlugins, kind: K, id: string): PluginOf<K> {
  if (loaded.registry.has(kind, id)) return loaded.registry.get(kind, id);
  throw unavailablePlugins(loaded, kind, [id]);
}

/** The error for `ids` of `kind` that are not registered (see {@link requirePlugin}). */
export function unavailablePlugins(loaded: LoadedPlugins, kind: PluginKind, ids: readonly string[]): FactorkitError {
  const known = loaded.registry.list(kind).map((e) => `\`${e.plugin.id}\``);
  const names = ids.map((id) => `\`${id}\``).join(', ');
  const lines = [`unknown ${kind} ${names}`];
  if (loaded.failures.length > 0) {
    lines[0] = `${kind} ${names} ${ids.length === 1 ? 'is' : 'are'} not available: ${loaded.failures.length} plugin package${loaded.failures.length === 1 ? '' : 's'} failed to load and may provide ${ids.length === 1 ? 'it' : 'them'}`;
    for (const f of loaded.failures) lines.push(`  - \`${f.package}\` [${f.code}]: ${f.message}`);
  }
  lines.push(known.length > 0 ? `known ${kind}s: ${known.join(', ')}` : `no ${kind} plugins are registered`);
  return new FactorkitError('FK_UNKNOWN_PLUGIN', lines.join('\n'), { details: { kind, ids, failures: loaded.failures } });
}

/**
 * The `file:` URL of the module that provides the plugin of `kind` with `id` — the entry of its
 * package, resolved as {@link loadPlugins} resolved it (built-ins from this CLI, the others
 * from `cwd`) — so that a worker thread can import the very same plugin. `undefined` for a
 * plugin registered in code.
 */
export function pluginModuleUrl(loaded: LoadedPlugins, kind: PluginKind, id: string, cwd: string): string | undefined {
  const entry = loaded.registry.list(kind).find((e) => e.plugin.id === id);
  if (!entry?.source.package || entry.source.type === 'object') return undefined;
  const pkg = resolvePluginPackage(entry.source.package, { from: entry.source.type === 'builtin' ? cliPackageDir : cwd });
  return pathToFileURL(pkg.entry).href;
}

/** The modules of every plugin in the registry that came from a package, one per package; a package whose entry cannot be found is left out with a warning. */
export function pluginModules(loaded: LoadedPlugins, cwd: string, warn: (text: string) => void): PluginModule[] {
  const modules = new Map<string, PluginModule>();
  const failed = new Set<string>();
  for (const kind of PLUGIN_KINDS) {
    for (const entry of loaded.registry.list(kind)) {
      let url: string | undefined;
      try {
        url = pluginModuleUrl(loaded, kind, entry.plugin.id, cwd);
      } catch (error) {
        const name = entry.source.package ?? entry.plugin.id;
        if (!failed.has(name)) warn(`warning: plugin package \`${name}\` is left out of the worker: ${error instanceof Error ? error.message : String(error)}\n`);
        failed.add(name);
        continue;
      }
      if (!url || modules.has(url)) continue;
      const { type, package: name, version } = entry.source;
      modules.set(url, { url, type, ...(name ? { package: name } : {}), ...(version ? { version } : {}) });
    }
  }
  return [...modules.values()];
}

