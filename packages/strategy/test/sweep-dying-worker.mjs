// A stand-in for the sweep worker of `variantThreadExecutor` that starts and then dies on its first variant (sweep-run.test.ts).
import { parentPort } from 'node:worker_threads';

parentPort.postMessage({ type: 'ready' });
parentPort.on('message', () => process.exit(3));
