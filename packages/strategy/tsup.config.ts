import { createTsupConfig } from '@factorkit/tooling/tsup';

// `sweep-worker` is the script of `variantThreadExecutor`'s threads, found beside `node.js` (shims give the CJS build `import.meta.url`).
export default createTsupConfig({ entry: { index: 'src/index.ts', node: 'src/node.ts', 'sweep-worker': 'src/sweep/worker.ts' }, shims: true });
