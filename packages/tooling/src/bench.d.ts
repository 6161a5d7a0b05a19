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

/** The matrices of an LP, as `@factorkit/core`'s `Problem` holds them. */
export interface LinprogProblem {
  readonly sense: 'minimize' | 'maximize';
  readonly numVariables: number;
  readonly c: Float64Array;
  readonly offset: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly A: { readonly rows: number; readonly start: Int32Array; readonly index: Int32Array; readonly value: Float64Array };
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
}

/** What {@link scipyLinprog} measured: one time per solve; `objective` null unless scipy solved it. */
export interface LinprogResult {
  readonly scipy: string;
  readonly ms: readonly number[];
  readonly status: number;
  readonly message: string;
  readonly objective: number | null;
  readonly peakRssMiB: number;
}

/**
 * Solve the LP `repeats` times with native HiGHS through `scipy.optimize.linprog(method="highs")`
 * (python3 with numpy and scipy), timing only the `linprog` calls: the reference the optimizer
 * benchmarks print their ratios against. Returns a string saying why when python or scipy is
 * missing. The quadratic part of a problem is ignored: pass LPs.
 */
export function scipyLinprog(problem: LinprogProblem, repeats: number): LinprogResult | string;
