/** One benchmark case's timings. */
export interface BenchResult {
  readonly name: string;
  readonly iterations: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Peak resident set size of the process after the runs, MiB. */
  readonly peakRssMiB: number;
}

export function measure<T>(name: string, fn: () => T | Promise<T>, options?: { iterations?: number; warmup?: number }): Promise<BenchResult>;
export function formatMs(ms: number): string;
export function report(title: string, results: readonly BenchResult[], options?: { reference?: string; notes?: readonly string[] }): void;
