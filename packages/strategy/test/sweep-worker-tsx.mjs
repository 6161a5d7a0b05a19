// The TypeScript sweep worker of `variantThreadExecutor` in a test: tsx's loader is registered in the worker thread before the script is imported.
import { register } from 'tsx/esm/api';

register();
await import('../src/sweep/worker.ts');
