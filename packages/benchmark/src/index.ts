/**
 * @factorkit/benchmark: composite benchmarks for index-enhanced funds and strategies.
 *
 * - {@link parseBenchmark} / {@link tryParseBenchmark}: `95% 000852.SH + 5% deposit`, or a
 *   published text `中证500指数收益率*95%+同期银行活期存款利率(税后)*5%`, into weighted terms;
 *   every refusal names the position of the problem;
 * - {@link formatBenchmark}: back to the canonical syntax;
 * - {@link benchmarkReturns}: the daily rebalanced return series from index levels and the
 *   after-tax deposit rate ({@link DEFAULT_DEPOSIT_RATE}); {@link cumulativeIndex} and
 *   {@link compoundReturn} chain it.
 *
 * @packageDocumentation
 */
export type {
  BenchmarkTerm,
  CompositeBenchmark,
  ConstantTerm,
  DepositTerm,
  IndexTerm,
  ParseBenchmarkOptions,
  TryParseResult,
} from './types.js';
export { parseBenchmark, tryParseBenchmark } from './parse.js';
export { formatBenchmark } from './format.js';
export { primaryIndex } from './primary.js';
export { DEFAULT_ALIASES, DEFAULT_INDEX_NAMES, DEPOSIT_NAME_PATTERN, INDEX_CODE_PATTERN } from './names.js';
export {
  type BenchmarkReturns,
  type BenchmarkReturnsInput,
  DEFAULT_DAY_BASIS,
  DEFAULT_DEPOSIT_RATE,
  benchmarkReturns,
  compoundReturn,
  cumulativeIndex,
} from './returns.js';
