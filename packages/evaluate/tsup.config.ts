import { createTsupConfig } from '@factorkit/tooling/tsup';

export default createTsupConfig({ entry: { index: 'src/index.ts', node: 'src/track/node.ts' } });
