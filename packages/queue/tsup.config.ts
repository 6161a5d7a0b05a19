import { createTsupConfig } from '@factorkit/tooling/tsup';

// `processor` is its own entry: BullMQ runs it in the worker's child processes (sandboxed processors).
export default createTsupConfig({ entry: { index: 'src/index.ts', processor: 'src/processor.ts' }, shims: true });
