import { createTsupConfig } from '@factorkit/tooling/tsup';

// `worker` is the script of `workerExecutor`'s threads, found beside `node.js` (shims give the CJS build `import.meta.url`).
export default createTsupConfig({ entry: { index: 'src/index.ts', node: 'src/track/node.ts', worker: 'src/parallel/worker.ts' }, shims: true });
