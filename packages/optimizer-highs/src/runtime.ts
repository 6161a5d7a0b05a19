import highsEntry, { type Highs, type InitOptions } from 'highs';

type Loader = (options?: InitOptions) => Promise<Highs>;

// `highs` ships one `export default` declaration for both its CJS and ESM builds, so under
// NodeNext TypeScript sees the CJS namespace. At run time the ESM build's default export is the
// loader itself, and the CJS build exports the loader with `.default` pointing at itself.
const loadHighs: Loader = ((highsEntry as unknown as { default?: Loader }).default ?? highsEntry) as unknown as Loader;

let runtime: Promise<Highs> | undefined;

/**
 * The HiGHS WebAssembly runtime, loaded on first use and shared by every optimizer instance
 * and {@link computeIis} call in the process. A failed load is not cached, so a later call
 * retries.
 */
export function loadHighsRuntime(): Promise<Highs> {
  runtime ??= loadHighs().catch((error: unknown) => {
    runtime = undefined;
    throw error;
  });
  return runtime;
}

const MAX_MESSAGE = 240;

/**
 * A short, single-line description of anything thrown by the HiGHS wrapper. The message is cut
 * so that nothing long (the wrapper's minified source, a stack) reaches a solution's messages.
 */
export function describeThrown(error: unknown): string {
  let text: string;
  if (error instanceof Error) {
    const operation = (error as { operation?: unknown }).operation;
    text = `${error.name}${typeof operation === 'string' ? ` in ${operation}` : ''}: ${error.message}`;
  } else {
    text = String(error);
  }
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 3)}...` : text;
}
