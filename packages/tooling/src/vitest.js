// @ts-check
/**
 * The shared vitest configuration. Each package's `vitest.config.ts` re-exports it
 * (or merges into it with `mergeConfig`). Results are also written as JSON so that
 * `.ci/run` can print one `N passed, N failed` line for the whole workspace.
 */
import { defineConfig } from 'vitest/config';

export const sharedTestConfig = defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    environment: 'node',
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});

export default sharedTestConfig;
