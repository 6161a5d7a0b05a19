#!/usr/bin/env node
import { removePendingTemporaries } from '@factorkit/core/node';
import { interruptTaken } from './interrupt.js';
import { processIo } from './io.js';
import { run } from './program.js';

// Interrupted: remove every temporary file or folder an atomic write left in flight, then exit
// as a shell expects of a signal (128 + its number) — unless a command took this interrupt
// (interrupt.ts: `factorkit worker` drains on the first one).
const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
for (const [signal, number] of Object.entries(SIGNALS)) {
  process.on(signal, () => {
    if (interruptTaken(signal as NodeJS.Signals)) return;
    const removed = removePendingTemporaries();
    try {
      process.stderr.write(`\ninterrupted (${signal})${removed.length > 0 ? `: removed ${removed.length} partial output file${removed.length === 1 ? '' : 's'}` : ''}\n`);
    } catch {
      // stderr may be the closed end of a pipe.
    }
    process.exit(128 + number);
  });
}
// Any other way out (an uncaught error included) leaves no temporary behind either.
process.on('exit', () => {
  removePendingTemporaries();
});

void run(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
