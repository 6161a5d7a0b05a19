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
