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
 * @param {{ entry?: string[] | Record<string, string>, shims?: boolean }} [options]
 *   `shims`: provide `import.meta.url` in the CJS build and `__dirname` in the ESM build
 *   (for packages that locate files beside themselves, such as the CLI).
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
    shims: options.shims ?? false,
  });
}
