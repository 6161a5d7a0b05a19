import { createTsupConfig } from '@factorkit/tooling/tsup';

export default createTsupConfig({ entry: ['src/index.ts', 'src/bin.ts'], shims: true });
