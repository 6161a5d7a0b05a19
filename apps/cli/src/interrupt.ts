/**
 * How a command takes over the process's interrupts (SIGINT, SIGTERM, SIGHUP) from the CLI's
 * default — remove partial outputs and exit at once with 128 + the signal's number (bin.ts).
 * A command that must wind down first (`factorkit worker` finishing its running jobs) takes the
 * next interrupt; the one after it gets the default again, so a second Ctrl-C always stops the
 * process at once.
 */

/** What a command does with an interrupt it took. */
export type InterruptHandler = (signal: NodeJS.Signals) => void;

let taken: InterruptHandler | undefined;

/**
 * Take the next interrupt: `handler` is called instead of the default, once (it is released
 * before it is called). Returns a function that gives the interrupt back to the default
 * without it having come.
 */
export function takeNextInterrupt(handler: InterruptHandler): () => void {
  taken = handler;
  return () => {
    if (taken === handler) taken = undefined;
  };
}

/**
 * What bin.ts calls on a signal: `true` when a command took it (its handler was called, and
 * the next signal gets the default), `false` for the default.
 */
export function interruptTaken(signal: NodeJS.Signals): boolean {
  const handler = taken;
  if (!handler) return false;
  taken = undefined;
  handler(signal);
  return true;
}
