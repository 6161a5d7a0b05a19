import { readFileSync } from 'node:fs';
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

/**
 * A CSV file the CLI wrote, as its header and rows of cells by column, quoted fields read as RFC
 * 4180 writes them (`""` inside quotes is one quote). Rows are lines: the CLI's CSV cells hold no
 * line breaks.
 */
export function readCsv(file: string): { header: string[]; rows: Record<string, string>[] } {
  const split = (line: string): string[] => {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (quoted && c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = !quoted;
      else if (c === ',' && !quoted) {
        cells.push(cell);
        cell = '';
      } else cell += c;
    }
    cells.push(cell);
    return cells;
  };
  const [head, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  const header = split(head!);
  return { header, rows: lines.map((line) => Object.fromEntries(split(line).map((cell, i) => [header[i]!, cell]))) };
}
