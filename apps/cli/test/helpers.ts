import { readCsvFile } from '@factorkit/tooling/csv';
import { type CliIo, run } from '../src/index.js';

/** What one `factorkit` call printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Run the CLI in-process with `args` in the working directory `cwd`, capturing stdout and stderr. */
export async function runCli(args: string[], cwd: string): Promise<CliResult> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), cwd };
  return { code: await run(args, io), out, err };
}

/** A CSV file the CLI wrote, as its header and rows of cells by column (RFC 4180: quoted cells, `""`, line breaks inside quotes). */
export function readCsv(file: string): { header: string[]; rows: Record<string, string>[] } {
  return readCsvFile(file);
}

/** A small strategy file for the sweep tests: two short-lookback factors, an equal-weight model, half a year of weekly rebalances on the CSI 1000 (with 5 % deposit). */
export const TINY_STRATEGY = `name: tiny
universe:
  index: 000852.SH
benchmark: 95% 000852.SH + 5% deposit
start: 2015-01-05
end: 2015-06-30
factors:
  - reversal_3m
  - volatility_3m
model:
  id: equal
  window: 20
  minDates: 5
rebalance:
  every: week
`;
