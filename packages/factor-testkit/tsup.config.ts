import { createTsupConfig } from '@factorkit/tooling/tsup';

export default createTsupConfig({ entry: ['src/index.ts', 'src/vitest.ts', 'src/models.ts'] });
