import type { TrackingEvent } from '@factorkit/evaluate';
import { type CliIo, displayWidth } from './io.js';

/** Where a progress display writes and how it learns about its terminal; everything but `write` has a default. */
export interface ProgressOptions {
  /** Where the display and logged text go (stderr). */
  readonly write: (text: string) => void;
  /** Whether `write` reaches a terminal. Default `false`: nothing but logged text is written. */
  readonly isTTY?: boolean;
  /** The terminal's width, or a function read at each redraw (the window may be resized). Default 80. */
  readonly columns?: number | (() => number | undefined);
  /** The environment: `CI` (set, and not `false` or `0`) or `TERM=dumb` turns the display off. Default: empty. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `false` (`--no-progress`) turns the display off. Default `true`. */
  readonly enabled?: boolean;
  /** A clock in milliseconds. Default `performance.now`. */
  readonly now?: () => number;
  /** Least time between two redraws caused by events, in ms. Default 100 (at most 10 a second). */
  readonly intervalMs?: number;
  /** Redraw this often without events, so that elapsed time and ETA move (ms; 0: never). Default 1,000. */
  readonly tickMs?: number;
}

/** A live display of a tracking run: feed it every event; text meant for the same stream goes through it. */
export interface TrackingProgress {
  /** Whether bars are drawn (a terminal, not CI, not `--no-progress`). When `false` only logged text is written, unchanged. */
  readonly live: boolean;
  /**
   * Take an event into account. `text` (the event's lines, `formatTrackingEvent`'s) is printed
   * above the bars as {@link TrackingProgress.log} does; without it the bars are redrawn at most
   * every `intervalMs`.
   */
  event(event: TrackingEvent, text?: string): void;
  /** Print `text` above the bars: the bars are cleared, the text written (a final newline added if missing), the bars drawn again. */
  log(text: string): void;
  /**
   * Stop: timers cleared, the bars drawn one last time and left as a summary — per universe the
   * series done, rates and the time it took (`stopped` where a universe did not finish). Later
   * events draw nothing; logged text is written as it is.
   */
  finish(): void;
}

/** Whether a live display is wanted: a terminal, not CI (`CI` set and not `false`/`0`), not `TERM=dumb`, not turned off. `NO_COLOR` does not matter: the display has no colour. */
export function progressWanted(options: Pick<ProgressOptions, 'isTTY' | 'env' | 'enabled'>): boolean {
  if (options.enabled === false || options.isTTY !== true) return false;
  const ci = options.env?.CI;
  if (ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0') return false;
  return options.env?.TERM !== 'dumb';
}

/** The stream options of a command's `io`: its stderr, whether that is a terminal and how wide, the environment. */
export function progressTarget(io: CliIo): Pick<ProgressOptions, 'write' | 'isTTY' | 'columns' | 'env'> {
  const terminal = io.stderrTerminal;
  return { write: io.stderr, isTTY: terminal !== undefined, ...(terminal ? { columns: terminal.columns } : {}), env: io.env ?? {} };
}

/** One line of the display: a universe, or the total of all. */
interface Row {
  readonly label: string;
  readonly done: number;
  /** Series to run; `undefined` before the `start` event is seen. */
  readonly total: number | undefined;
  /** LPs solved (optimal, infeasible or not solved) in the series done. */
  readonly lps: number;
  /** When its last series arrived (ms since the first event); `undefined` when none did. */
  readonly lastAt: number | undefined;
}

const ESC = '\u001b[';
const MIN_BAR = 10;

/**
 * A terminal progress display of `runTracking`: one bar per universe (series done of that
 * universe's, series per minute, LPs per second, ETA) and a total line, redrawn in place on
 * stderr. Series may finish in any order and concurrently: the display depends only on which
 * events arrived (a repeated series counts once), and each ETA is elapsed time × remaining /
 * done. Quiet — not one byte of its own — unless {@link progressWanted}.
 *
 * @example
 * const progress = trackingProgress({ ...progressTarget(io), enabled: options.progress });
 * try {
 *   await runTracking({ …, onEvent: (e) => progress.event(e, formatTrackingEvent(e, verbose)) });
 * } finally {
 *   progress.finish();
 * }
 */
export function trackingProgress(options: ProgressOptions): TrackingProgress {
  const live = progressWanted(options);
  const write = options.write;
  if (!live) {
    const log = (text: string) => {
      if (text !== '') write(text);
    };
    return { live, event: (_event, text) => log(text ?? ''), log, finish: () => undefined };
  }

  const now = options.now ?? (() => performance.now());
  const intervalMs = options.intervalMs ?? 100;
  const tickMs = options.tickMs ?? 1000;
  const columns = (): number => {
    const c = typeof options.columns === 'function' ? options.columns() : options.columns;
    return c !== undefined && Number.isFinite(c) && c > 0 ? Math.floor(c) : 80;
  };

  // What the events said, kept as sets so that their order does not matter.
  let origin: number | undefined;
  let universes: readonly string[] = [];
  let planned: readonly string[] | undefined;
  const excluded = new Set<string>();
  /** universe → factor → [LPs, arrival (ms since origin)]. */
  const finished = new Map<string, Map<string, readonly [number, number]>>();

  let drawn = 0; // lines of bars on the screen, the cursor on the line below them
  let lastDraw = -Infinity;
  let pending: ReturnType<typeof setTimeout> | undefined;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let over = false;

  const rows = (): Row[] => {
    const names = [...universes, ...[...finished.keys()].filter((u) => !universes.includes(u)).sort()];
    const list = names.map((label): Row => {
      const series = finished.get(label) ?? new Map<string, readonly [number, number]>();
      let total: number | undefined;
      if (planned) {
        const todo = new Set(planned.filter((f) => !excluded.has(f)));
        for (const f of series.keys()) todo.add(f);
        total = todo.size;
      }
      let lps = 0;
      let lastAt: number | undefined;
      for (const [n, at] of series.values()) {
        lps += n;
        lastAt = Math.max(lastAt ?? at, at);
      }
      return { label, done: series.size, total, lps, lastAt };
    });
    if (list.length < 2) return list;
    const sum = (f: (r: Row) => number) => list.reduce((s, r) => s + f(r), 0);
    const total = list.every((r) => r.total !== undefined) ? sum((r) => r.total!) : undefined;
    const arrivals = list.flatMap((r) => (r.lastAt === undefined ? [] : [r.lastAt]));
    return [...list, { label: 'total', done: sum((r) => r.done), total, lps: sum((r) => r.lps), lastAt: arrivals.length > 0 ? Math.max(...arrivals) : undefined }];
  };

  const frame = (): string => {
    const lines = renderRows(rows(), origin === undefined ? 0 : now() - origin, columns(), over);
    return lines.map((line) => `${ESC}2K${line}\n`).join('');
  };
  // Back to the first line of the bars, everything from there down erased.
  const clear = (): string => (drawn > 0 ? `\r${ESC}${drawn}A${ESC}J` : '');

  const draw = (before = ''): void => {
    if (pending !== undefined) {
      clearTimeout(pending);
      pending = undefined;
    }
    const next = frame();
    write(clear() + before + next);
    drawn = next === '' ? 0 : next.split('\n').length - 1;
    lastDraw = now();
  };

  const schedule = (): void => {
    if (pending !== undefined) return;
    const wait = lastDraw + intervalMs - now();
    if (wait <= 0) return draw();
    pending = setTimeout(() => {
      pending = undefined;
      draw();
    }, wait);
    pending.unref?.();
  };

  const take = (event: TrackingEvent): void => {
    origin ??= now();
    if (event.kind === 'start') {
      universes = event.universes.map((u) => u.name);
      planned = event.factors;
      for (const s of event.skippedFactors) excluded.add(s.name);
    } else if (event.kind === 'skipped') {
      excluded.add(event.factor.name);
    } else if (event.kind === 'factor') {
      if (event.factor.outcome.status === 'empty') excluded.add(event.factor.name);
    } else {
      const { universe, factor, mfe } = event.series;
      const c = mfe.counts;
      let series = finished.get(universe);
      if (!series) finished.set(universe, (series = new Map<string, readonly [number, number]>()));
      series.set(factor, [c.optimal + c.infeasible + c.failed, now() - origin]);
    }
    if (ticker === undefined && tickMs > 0) {
      ticker = setInterval(() => draw(), tickMs);
      ticker.unref?.();
    }
  };

  const log = (text: string): void => {
    if (text === '') return;
    const line = text.endsWith('\n') ? text : `${text}\n`;
    if (over || origin === undefined) write(line);
    else draw(line);
  };

  return {
    live,
    event(event, text) {
      if (over) return log(text ?? '');
      take(event);
      if (text !== undefined && text !== '') log(text);
      else schedule();
    },
    log,
    finish() {
      if (over) return;
      if (pending !== undefined) clearTimeout(pending);
      if (ticker !== undefined) clearInterval(ticker);
      pending = ticker = undefined;
      over = true;
      if (origin !== undefined) draw();
    },
  };
}

/** The bars as lines no wider than `columns − 1` (a full line would wrap on some terminals and break the cursor movements). */
function renderRows(rows: readonly Row[], elapsedMs: number, columns: number, final: boolean): string[] {
  if (rows.length === 0) return [];
  const room = Math.max(columns - 1, 1);
  const cells = rows.map((row) => rowCells(row, elapsedMs, final));
  const labels = rows.map((r) => printable(r.label));
  // Names up to a quarter of the line; longer ones are cut.
  const nameWidth = Math.min(Math.max(...labels.map(displayWidth)), Math.max(4, Math.floor(room / 4)));
  // Cells given up when the line is narrow, least useful first: series/min, LP/s, ETA.
  const optional = [1, 2, 3];
  let shown = [0, 1, 2, 3];
  let widths = columnWidths(cells, shown);
  let bar = room - nameWidth - 4 - widths.reduce((s, w) => s + w + 2, 0);
  while (bar < MIN_BAR && optional.length > 0) {
    const drop = optional.shift()!;
    shown = shown.filter((k) => k !== drop);
    widths = columnWidths(cells, shown);
    bar = room - nameWidth - 4 - widths.reduce((s, w) => s + w + 2, 0);
  }
  bar = Math.max(bar, 3);
  return rows.map((row, i) => {
    const name = cut(labels[i]!, nameWidth);
    const fill = row.total === undefined ? 0 : row.total === 0 ? bar : Math.min(bar, Math.floor((bar * row.done) / row.total));
    const tail = shown.map((k, j) => cells[i]![k]!.padStart(widths[j]!)).join('  ');
    const line = `${name}${' '.repeat(nameWidth - displayWidth(name))}  [${'#'.repeat(fill)}${'-'.repeat(bar - fill)}]  ${tail}`;
    return cut(line.trimEnd(), room);
  });
}

/** Count, series per minute, LPs per second, ETA (or the time taken). */
function rowCells(row: Row, elapsedMs: number, final: boolean): string[] {
  const complete = row.total !== undefined && row.done >= row.total;
  // A universe that finished is timed to its last series.
  const ms = complete && row.lastAt !== undefined ? row.lastAt : elapsedMs;
  const rated = row.done > 0 && ms > 0;
  const count = `${row.done}/${row.total ?? '?'}`;
  const perMinute = rated ? `${rate((row.done * 60_000) / ms)} series/min` : '- series/min';
  const perSecond = rated ? `${rate((row.lps * 1000) / ms)} LP/s` : '- LP/s';
  let eta: string;
  if (complete) eta = row.lastAt === undefined ? 'done' : `done in ${duration(row.lastAt)}`;
  else if (final) eta = `stopped after ${duration(elapsedMs)}`;
  else if (row.total === undefined || row.done === 0) eta = 'ETA -';
  else eta = `ETA ${duration((elapsedMs * (row.total - row.done)) / row.done)}`;
  return [count, perMinute, perSecond, eta];
}

function columnWidths(cells: readonly string[][], shown: readonly number[]): number[] {
  return shown.map((k) => Math.max(...cells.map((c) => displayWidth(c[k]!))));
}

const rate = (x: number): string => (x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en-US'));

/** `45s`, `3m05s`, `1h02m`. */
function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

// A name is the user's text: control characters would move the cursor.
const printable = (text: string): string => [...text].map((ch) => (isControl(ch.codePointAt(0)!) ? '?' : ch)).join('');
const isControl = (code: number): boolean => code < 0x20 || (code >= 0x7f && code < 0xa0);

/** `text` cut to `max` columns, a cut marked with `~` (ASCII: `…` is two columns wide on some CJK terminals). */
function cut(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = '';
  let w = 0;
  for (const ch of text) {
    const cw = displayWidth(ch);
    if (w + cw > max - 1) break;
    out += ch;
    w += cw;
  }
  return max >= 1 ? `${out}~` : '';
}
