import { loadPlugins } from '@factorkit/cli';
import type { PluginRegistry } from '@factorkit/core';
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This app's folder: the strategy files sit at its top. */
export const STRATEGIES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The real datasets, read in place (never copied into the repository). */
export const SHARED_DATA = resolve(STRATEGIES_DIR, '../../../shared/data');

/** Every strategy file of the app. */
export const STRATEGY_FILES: readonly string[] = readdirSync(STRATEGIES_DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

export const strategyPath = (file: string): string => join(STRATEGIES_DIR, file);

/** The files written for any dataset with the index (the synthetic market included). */
export const SYNTHETIC_FILES = ['csi1000-enhanced.yaml', 'csi500-enhanced.yaml', 'cni2000-enhanced.yaml', 'csia500-enhanced.yaml'] as const;

let registry: Promise<PluginRegistry> | undefined;

/** The plugins the CLI works with (its built-ins), loaded once. */
export function cliRegistry(): Promise<PluginRegistry> {
  registry ??= loadPlugins({ cwd: STRATEGIES_DIR }).then((loaded) => {
    if (loaded.failures.length > 0) throw new Error(`plugin packages failed to load: ${loaded.failures.map((f) => `${f.package}: ${f.message}`).join('; ')}`);
    return loaded.registry;
  });
  return registry;
}
