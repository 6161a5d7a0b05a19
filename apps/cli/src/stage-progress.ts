import type { StrategyProgress } from '@factorkit/strategy';
import { displayWidth } from './io.js';
import { type ProgressOptions, progressWanted } from './progress.js';

/** A one-line live display of a strategy run's stages (`factorkit backtest`, `factorkit demo`). */
export interface StageProgress {
  /** Whether the line is drawn (a terminal, not CI, not `--no-progress`). */
  readonly live: boolean;
  /** Take a progress event of `runStrategy` (or of any staged work: `{ stage: 'variants', done, total }`). */
  event(event: StageEvent): void;
  /** Print `text` above the line (the line is cleared, the text written, the line drawn again). */
  log(text: string): void;
  /** Stop: timers cleared, the line erased. Later events draw nothing. */
  finish(): void;
}

/** A progress event: `done` of `total` units of `stage`, and the date reached when it walks dates. */
export type StageEvent = Omit<StrategyProgress, 'stage'> & { readonly stage: StrategyProgress['stage'] | (string & {}) };

const ESC = '\u001b[';

/**
 * A terminal progress line of `runStrategy`: the stage, a bar of `done/total`, the rate and the
 * ETA of the stage (elapsed × remaining / done), and the date reached. Redrawn in place on
 * stderr at most every `intervalMs`; quiet — not one byte of its own — unless
 * {@link progressWanted} (a terminal, not CI, not `TERM=dumb`, not `--no-progress`).
 */
export function stageProgress(options: ProgressOptions): StageProgress {
  const live = progressWanted(options);
  const write = options.write;
  if (!live) {
    return { live, event: () => undefined, log: (text) => void (text !== '' && write(text.endsWith('\n') ? text : `${text}\n`)), finish: () => undefined };
  }
  const now = options.now ?? (() => performance.now());
  const intervalMs = options.intervalMs ?? 100;
  const columns = (): number => {
    const c = typeof options.columns === 'function' ? options.columns() : options.columns;
    return c !== undefined && Number.isFinite(c) && c > 0 ? Math.floor(c) : 80;
  };
  let current: StageEvent | undefined;
  let stageStart = 0;
  let drawn = false;
  let lastDraw = -Infinity;
  let over = false;

  const line = (): string => {
    if (!current) return '';
    const elapsed = now() - stageStart;
    const { stage, done, total } = current;
    const rate = done > 0 && elapsed > 0 ? `${((done * 1000) / elapsed).toFixed(1)}/s` : '-/s';
    const eta = done >= total ? 'done' : done > 0 ? `ETA ${duration((elapsed * (total - done)) / done)}` : 'ETA -';
    const tail = `${done}/${total}  ${rate}  ${eta}${current.date ? `  ${current.date}` : ''}`;
    const room = Math.max(columns() - 1, 1);
    const bar = Math.max(3, Math.min(30, room - displayWidth(stage) - displayWidth(tail) - 6));
    const fill = total > 0 ? Math.min(bar, Math.floor((bar * done) / total)) : bar;
    const text = `${stage}  [${'#'.repeat(fill)}${'-'.repeat(bar - fill)}]  ${tail}`;
    return text.length > room ? text.slice(0, room) : text;
  };
  const clear = (): string => (drawn ? `\r${ESC}2K` : '');
  const draw = (before = ''): void => {
    const text = line();
    write(clear() + before + text);
    drawn = text !== '';
    lastDraw = now();
  };

  return {
    live,
    event(event) {
      if (over) return;
      if (!current || current.stage !== event.stage) stageStart = now();
      current = event;
      if (now() - lastDraw >= intervalMs || event.done >= event.total) draw();
    },
    log(text) {
      if (text === '') return;
      const out = text.endsWith('\n') ? text : `${text}\n`;
      if (over || !drawn) write(out);
      else draw(out);
    },
    finish() {
      if (over) return;
      over = true;
      if (drawn) write(clear());
      drawn = false;
    },
  };
}

/** `45s`, `3m05s`, `1h02m`. */
function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
