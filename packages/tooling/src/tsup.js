// @ts-check
/**
 * The one tsup configuration every publishable package builds with: ESM + CJS + `.d.ts`
 * (and `.d.cts`) for each entry, Node 20 target, no bundling of dependencies.
 *
 * A package's `tsup.config.ts` calls `createTsupConfig({ entry })` and nothing else, so the
 * published shape of every package is decided here, once.
 */
import { defineConfig } from 'tsup';

/**
 * @param {{ entry?: string[] | Record<string, string>, banner?: Record<string, string> }} [options]
 */
export function createTsupConfig(options = {}) {
  return defineConfig({
    entry: options.entry ?? ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    shims: false,
    ...(options.banner ? { banner: options.banner } : {}),
  });
}
