/** Where a command writes. Tests pass buffers; the binary passes the process streams. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The directory the command runs in: where installed plugins are discovered. */
  readonly cwd: string;
  /**
   * Present when `stderr` is a terminal (a live progress display may draw there), with its
   * width read at each call (the window may be resized). Absent: a file, a pipe, a test buffer.
   */
  readonly stderrTerminal?: { readonly columns: () => number | undefined };
  /** The environment (`CI`, `TERM`): absent means none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The process streams. A reader that goes away (`factorkit … | head -1`) is a normal end for
 * that stream: EPIPE is swallowed, later writes to it are dropped, and the command still
 * finishes its work (its output files are written, its exit code is its own).
 */
export const processIo = (): CliIo => ({
  stdout: pipeSafe(process.stdout),
  stderr: pipeSafe(process.stderr),
  cwd: process.cwd(),
  ...(process.stderr.isTTY ? { stderrTerminal: { columns: () => process.stderr.columns } } : {}),
  env: process.env,
});

function pipeSafe(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') closed = true;
    else throw error;
  });
  return (text) => {
    if (closed) return;
    try {
      stream.write(text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') closed = true;
      else throw error;
    }
  };
}

/** Render rows as an aligned plain-text table with a header. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat(widths[i]! - displayWidth(cell))))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** Columns `text` takes in a terminal: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
