// Runs the TypeScript worker script of `workerExecutor` in a test: tsx's loader registered in this thread first.
import { register } from 'tsx/esm/api';

register();
await import('../src/parallel/worker.ts');
