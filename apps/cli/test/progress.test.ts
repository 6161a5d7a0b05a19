/**
 * The terminal progress display of `factorkit track`, driven by synthetic events, a fake clock
 * and a small terminal emulator that applies the cursor movements: counts, rates and ETA worked
 * out by hand, quiet modes that write not one byte of their own, events in any order, text
 * logged between redraws, lines that never reach the terminal's width, and the final summary.
 */
import type { TrackingEvent } from '@factorkit/evaluate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CliIo } from '../src/io.js';
import { type ProgressOptions, progressTarget, progressWanted, trackingProgress } from '../src/progress.js';

// Synthetic events carry only what a display may read; the rest of a real event is not built.
const start = (universes: string[], factors: string[], skipped: string[] = []): TrackingEvent =>
  ({
    kind: 'start',
    universes: universes.map((name) => ({ name })),
    factors,
    skippedFactors: skipped.map((name) => ({ name })),
    notes: [],
    total: universes.length * factors.length,
  }) as unknown as TrackingEvent;

const series = (universe: string, factor: string, lps: { optimal: number; infeasible?: number; failed?: number; skipped?: number }, done = 0, total = 0): TrackingEvent =>
  ({
    kind: 'series',
    done,
    total,
    series: { universe, factor, mfe: { counts: { rebalances: 0, infeasible: 0, failed: 0, skipped: 0, ...lps } }, seconds: 1 },
  }) as unknown as TrackingEvent;

const skippedFactor = (name: string): TrackingEvent => ({ kind: 'skipped', factor: { name, id: name, missing: [], message: `factor \`${name}\` left out` } }) as unknown as TrackingEvent;

const factorEvent = (name: string, empty: boolean): TrackingEvent =>
  ({ kind: 'factor', index: 1, count: 1, factor: { name, outcome: empty ? { status: 'empty', message: 'no values' } : { status: 'ok' } } }) as unknown as TrackingEvent;

/**
 * What a terminal shows after `output`: printable characters overwrite at the cursor; `\n` goes
 * to the start of the next line (the tty's output translation); `\r`, `ESC[nA` (up, stopping at
 * the top), `ESC[2K` (clear the line), `ESC[J` (clear to the end of the screen). Any other escape
 * fails the test. `widest` is the furthest column a character was written to, plus one.
 */
const ESCAPE = String.fromCharCode(27);
const CSI = new RegExp(`^${ESCAPE}\\[(\\d*)([AJK])`);
const ANY_CSI = new RegExp(`\\r|${ESCAPE}\\[\\d*[AJK]`, 'g');

function screen(output: string): { lines: string[]; widest: number } {
  const lines: string[][] = [[]];
  let row = 0;
  let col = 0;
  let widest = 0;
  for (let i = 0; i < output.length; i++) {
    const ch = output[i]!;
    if (ch === '\u001b') {
      const m = CSI.exec(output.slice(i));
      if (!m) throw new Error(`unexpected escape at ${i}: ${JSON.stringify(output.slice(i, i + 8))}`);
      const n = m[1] === '' ? 1 : Number(m[1]);
      if (m[2] === 'A') row = Math.max(0, row - n);
      else if (m[2] === 'K') {
        expect(m[1]).toBe('2');
        lines[row] = [];
      } else {
        lines.length = row + 1;
        lines[row] = lines[row]!.slice(0, col);
      }
      i += m[0].length - 1;
    } else if (ch === '\n') {
      row++;
      col = 0;
      lines[row] ??= [];
    } else if (ch === '\r') {
      col = 0;
    } else {
      const line = lines[row]!;
      while (line.length < col) line.push(' ');
      line[col] = ch;
      col++;
      widest = Math.max(widest, col);
    }
  }
  const text = lines.map((l) => l.join(''));
  if (text.at(-1) === '') text.pop();
  return { lines: text, widest };
}

/** A display writing to a buffer, on a "terminal" unless said otherwise; the clock is vitest's fake one. */
function harness(options: Partial<ProgressOptions> = {}) {
  const out = { text: '', writes: 0 };
  const progress = trackingProgress({
    write: (t) => {
      out.text += t;
      out.writes++;
    },
    isTTY: true,
    env: {},
    now: () => Date.now(),
    tickMs: 0,
    ...options,
  });
  return { progress, out, shown: () => screen(out.text).lines };
}

const at = (ms: number) => vi.setSystemTime(ms);

/** A bar line's fields: name, bar filling (`#` count, bar width), then the cells. */
function parse(line: string) {
  const m = /^(\S+)\s+\[(#*)(-*)\]\s+(\d+)\/(\d+|\?)\s*(.*)$/.exec(line);
  if (!m) throw new Error(`not a bar line: ${JSON.stringify(line)}`);
  return { name: m[1]!, filled: m[2]!.length, width: m[2]!.length + m[3]!.length, done: Number(m[4]), total: m[5]!, rest: m[6]!.replace(/\s+/g, ' ') };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('when a display is wanted', () => {
  it('on a terminal only, off in CI (unless CI is empty, false or 0), with TERM=dumb or --no-progress; NO_COLOR does not matter', () => {
    expect(progressWanted({ isTTY: true, env: {} })).toBe(true);
    expect(progressWanted({ isTTY: false, env: {} })).toBe(false);
    expect(progressWanted({ env: {} })).toBe(false);
    expect(progressWanted({ isTTY: true, env: { CI: 'true' } })).toBe(false);
    expect(progressWanted({ isTTY: true, env: { CI: '1' } })).toBe(false);
    expect(progressWanted({ isTTY: true, env: { CI: 'woodpecker' } })).toBe(false);
    expect(progressWanted({ isTTY: true, env: { CI: '' } })).toBe(true);
    expect(progressWanted({ isTTY: true, env: { CI: 'false' } })).toBe(true);
    expect(progressWanted({ isTTY: true, env: { CI: '0' } })).toBe(true);
    expect(progressWanted({ isTTY: true, env: { TERM: 'dumb' } })).toBe(false);
    expect(progressWanted({ isTTY: true, env: {}, enabled: false })).toBe(false);
    expect(progressWanted({ isTTY: true, env: { NO_COLOR: '1' } })).toBe(true);
  });

  it('reads the terminal from a command’s io: a test buffer is not one', () => {
    const io: CliIo = { stdout: () => undefined, stderr: () => undefined, cwd: '/' };
    expect(progressTarget(io).isTTY).toBe(false);
    const tty = progressTarget({ ...io, stderrTerminal: { columns: () => 123 }, env: { CI: 'true' } });
    expect(tty.isTTY).toBe(true);
    expect(typeof tty.columns === 'function' ? tty.columns() : tty.columns).toBe(123);
    expect(progressWanted(tty)).toBe(false);
  });
});

describe('quiet modes', () => {
  const run = (options: Partial<ProgressOptions>) => {
    const { progress, out } = harness({ tickMs: 1000, ...options });
    const texts: string[] = [];
    const log = (text: string) => {
      texts.push(text);
      progress.log(text);
    };
    expect(progress.live).toBe(false);
    progress.event(start(['csi300', 'csi500'], ['a', 'b']));
    log('note: one\n');
    for (const [k, u] of ['csi300', 'csi500'].entries()) {
      at(1000 * (k + 1));
      progress.event(series(u, 'a', { optimal: 5 }));
      vi.advanceTimersByTime(5000);
    }
    const line = '[1/2] csi300 × b: 12 rebalances\n';
    texts.push(line);
    progress.event(series('csi300', 'b', { optimal: 5 }), line);
    log('without a newline');
    progress.finish();
    vi.advanceTimersByTime(5000);
    return { out, texts };
  };

  for (const [name, options] of [
    ['not a terminal', { isTTY: false }],
    ['CI=true', { env: { CI: 'true' } }],
    ['CI=1', { env: { CI: '1' } }],
    ['TERM=dumb', { env: { TERM: 'dumb' } }],
    ['--no-progress', { enabled: false }],
  ] as const) {
    it(`${name}: no byte of its own — logged text passes unchanged, nothing else`, () => {
      const { out, texts } = run(options);
      expect(out.text).toBe(texts.join(''));
      expect(out.text).not.toContain('\u001b');
    });
  }

  it('writes nothing at all when nothing is logged', () => {
    const { progress, out } = harness({ isTTY: false, tickMs: 1000 });
    progress.event(start(['csi300'], ['a']));
    progress.event(series('csi300', 'a', { optimal: 3 }));
    vi.advanceTimersByTime(10_000);
    progress.finish();
    expect(out.text).toBe('');
    expect(out.writes).toBe(0);
  });
});

describe('bars', () => {
  it('one bar per universe and a total: counts, series/min, LP/s and ETA = elapsed × remaining / done', () => {
    const { progress, shown } = harness({ columns: 120 });
    expect(progress.live).toBe(true);
    at(0);
    progress.event(start(['csi300', 'csi500'], ['f1', 'f2', 'f3', 'f4']));
    let [a, b, total] = shown().map(parse);
    expect([a!.name, b!.name, total!.name]).toEqual(['csi300', 'csi500', 'total']);
    expect([a!.done, a!.total, b!.total, total!.total]).toEqual([0, '4', '4', '8']);
    expect(a!.rest).toBe('- series/min - LP/s ETA -');

    // 12 LPs (10 optimal, 1 infeasible, 1 not solved; skipped dates are no LP) at 60 s.
    at(60_000);
    progress.event(series('csi300', 'f1', { optimal: 10, infeasible: 1, failed: 1, skipped: 7 }));
    // 30 LPs at 120 s.
    at(120_000);
    progress.event(series('csi500', 'f1', { optimal: 30 }));
    at(180_000);
    progress.event(series('csi300', 'f2', { optimal: 12 }));
    [a, b, total] = shown().map(parse);
    // csi300 at 180 s: 2 of 4 → 2 / 3 min = 0.7 series/min; 24 LPs / 180 s = 0.1 LP/s (0.133);
    // ETA 180 s × 2 / 2 = 3m00s.
    expect([a!.done, a!.total]).toEqual([2, '4']);
    expect(a!.rest).toBe('0.7 series/min 0.1 LP/s ETA 3m00s');
    expect(a!.filled / a!.width).toBeCloseTo(0.5, 1);
    // csi500: 1 of 4 → 1/3 = 0.3 series/min; 30 / 180 = 0.2 LP/s; ETA 180 × 3 / 1 = 540 s = 9m00s.
    expect(b!.rest).toBe('0.3 series/min 0.2 LP/s ETA 9m00s');
    // total: 3 of 8 → 1.0 series/min; 54 LPs / 180 s = 0.3; ETA 180 × 5 / 3 = 300 s.
    expect([total!.done, total!.total]).toEqual([3, '8']);
    expect(total!.rest).toBe('1.0 series/min 0.3 LP/s ETA 5m00s');
    expect(total!.filled).toBe(Math.floor((total!.width * 3) / 8));
  });

  it('a single universe has no total line; large rates are whole numbers', () => {
    const { progress, shown } = harness({ columns: 100 });
    progress.event(start(['csi1000'], ['a', 'b', 'c']));
    at(2_000);
    progress.event(series('csi1000', 'a', { optimal: 1_500, infeasible: 20 }));
    const lines = shown();
    expect(lines).toHaveLength(1);
    // 1 series in 2 s = 30 series/min; 1,520 LPs / 2 s = 760 LP/s; ETA 2 s × 2 / 1 = 4 s.
    expect(parse(lines[0]!).rest).toBe('30 series/min 760 LP/s ETA 4s');
  });

  it('factors left out (at start, skipped later, or empty) are not waited for', () => {
    const { progress, shown } = harness({ columns: 100 });
    progress.event(start(['csi300', 'csi500'], ['a', 'b', 'c', 'd'], ['x']));
    progress.event(skippedFactor('b'));
    progress.event(factorEvent('c', true));
    progress.event(factorEvent('a', false));
    vi.advanceTimersByTime(100);
    const [u, , total] = shown().map(parse);
    expect(u!.total).toBe('2');
    expect(total!.total).toBe('4');
  });

  it('ticks without events: elapsed time moves the ETA', () => {
    const { progress, shown } = harness({ columns: 100, tickMs: 1000 });
    progress.event(start(['csi300'], ['a', 'b']));
    at(10_000);
    progress.event(series('csi300', 'a', { optimal: 1 }));
    expect(parse(shown()[0]!).rest).toMatch(/ETA 10s$/);
    // No event for 20 s: 30 s elapsed, 1 of 2 → ETA 30 s.
    vi.advanceTimersByTime(20_000);
    expect(parse(shown()[0]!).rest).toMatch(/ETA 30s$/);
    progress.finish();
  });
});

describe('events in any order, concurrently', () => {
  const events = (): TrackingEvent[] => [
    series('csi500', 'c', { optimal: 7 }, 1, 9),
    series('csi300', 'a', { optimal: 5, infeasible: 2 }, 9, 9),
    // The same series reported twice counts once.
    series('csi300', 'a', { optimal: 5, infeasible: 2 }, 2, 9),
    skippedFactor('b'),
    series('csi500', 'a', { optimal: 4 }, 3, 9),
  ];

  function permutations<T>(list: readonly T[]): T[][] {
    if (list.length <= 1) return [[...list]];
    return list.flatMap((x, i) => permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [x, ...rest]));
  }

  it('shows the same whatever the order (the events’ own done/total are not trusted)', () => {
    const screens = new Set<string>();
    for (const order of permutations(events())) {
      vi.setSystemTime(0);
      const { progress, shown } = harness({ columns: 100 });
      progress.event(start(['csi300', 'csi500'], ['a', 'b', 'c', 'd']));
      order.forEach((event, k) => {
        at(1000 * (k + 1));
        progress.event(event);
      });
      at(60_000);
      progress.log('now');
      screens.add(shown().join('\n'));
    }
    expect(screens.size).toBe(1);
    const [, a, b, total] = [...screens][0]!.split('\n').map((line, i) => (i === 0 ? line : parse(line)));
    // b left out: 3 factors per universe; csi300 has a (1 of 3), csi500 c and a (2 of 3).
    expect([(a as ReturnType<typeof parse>).done, (a as ReturnType<typeof parse>).total]).toEqual([1, '3']);
    expect([(b as ReturnType<typeof parse>).done, (b as ReturnType<typeof parse>).total]).toEqual([2, '3']);
    // total 3 of 6 at 60 s: 3 series/min, (7 + 7 + 4) LPs / 60 s = 0.3 LP/s, ETA 60 × 3 / 3 = 1m00s.
    expect((total as ReturnType<typeof parse>).rest).toBe('3.0 series/min 0.3 LP/s ETA 1m00s');
  });

  it('counts series that arrive before the start event', () => {
    const { progress, shown } = harness({ columns: 100 });
    progress.event(series('csi300', 'b', { optimal: 2 }));
    expect(parse(shown()[0]!).total).toBe('?');
    progress.event(start(['csi300'], ['a', 'b']));
    vi.advanceTimersByTime(100);
    const u = parse(shown()[0]!);
    expect([u.name, u.done, u.total]).toEqual(['csi300', 1, '2']);
  });
});

describe('text between redraws', () => {
  it('log() prints above the bars: every line once, the bars once, at the bottom', () => {
    const { progress, out, shown } = harness({ columns: 80 });
    progress.log('loading …\n');
    progress.event(start(['csi300', 'csi500'], ['a', 'b']), 'tracking 2 factors × 2 universes = 4 series\n');
    progress.log('note: csi500 uses proxy weights');
    at(500);
    progress.event(series('csi300', 'a', { optimal: 3 }), '[1/4] csi300 × a: 3 rebalances\n  2020-01-31 infeasible: …\n');
    at(700);
    progress.event(series('csi500', 'a', { optimal: 3 }));
    at(900);
    progress.log('warning: two\nlines\n');
    const lines = shown();
    expect(lines.slice(0, 7)).toEqual(['loading …', 'tracking 2 factors × 2 universes = 4 series', 'note: csi500 uses proxy weights', '[1/4] csi300 × a: 3 rebalances', '  2020-01-31 infeasible: …', 'warning: two', 'lines']);
    expect(lines.slice(7).map((l) => parse(l).name)).toEqual(['csi300', 'csi500', 'total']);
    expect(parse(lines[9]!).done).toBe(2);
    expect(lines).toHaveLength(10);
    // The text written through log() is in the output as it was given.
    expect(out.text).toContain('warning: two\nlines\n');
  });

  it('redraws at most every 100 ms for events without text, and shows the last state after a burst', () => {
    const { progress, out, shown } = harness({ columns: 80 });
    progress.event(start(['csi300'], Array.from({ length: 200 }, (_, k) => `f${k}`)));
    const before = out.writes;
    // 200 series within one second, one every 5 ms.
    for (let k = 0; k < 200; k++) {
      at(5 * (k + 1));
      vi.advanceTimersByTime(0);
      progress.event(series('csi300', `f${k}`, { optimal: 1 }));
      vi.advanceTimersByTime(5);
    }
    vi.advanceTimersByTime(200);
    expect(out.writes - before).toBeLessThanOrEqual(11);
    expect(out.writes - before).toBeGreaterThanOrEqual(9);
    expect(parse(shown()[0]!).done).toBe(200);
  });
});

describe('width', () => {
  const names = ['csi300', 'a_universe_with_a_very_long_name_indeed', '中证全指成长风格指数'];

  function wide(text: string): number {
    let w = 0;
    for (const ch of text) w += /[\u4e00-\u9fff]/.test(ch) ? 2 : 1;
    return w;
  }

  it('no line reaches the terminal’s width, whatever the width; long names are cut', () => {
    for (let columns = 8; columns <= 160; columns += 3) {
      vi.setSystemTime(0);
      const { progress, out } = harness({ columns });
      progress.event(start(names, ['a', 'b', 'c']));
      at(3_600_000);
      progress.event(series(names[1]!, 'a', { optimal: 123_456 }));
      progress.log('short');
      progress.finish();
      // Every bar line written (escapes removed) fits in columns − 1, CJK counted double.
      const barLines = out.text
        .split('\n')
        .map((line) => line.replace(ANY_CSI, ''))
        .filter((line) => line !== '' && line !== 'short');
      expect(barLines.length).toBeGreaterThan(0);
      for (const line of barLines) expect(wide(line), `${columns}: ${line}`).toBeLessThanOrEqual(columns - 1);
      const shown = screen(out.text).lines;
      expect(shown[0]).toBe('short');
      expect(shown).toHaveLength(5);
      // Names take up to a quarter of the line: the 39-column name is cut below 4 × 39 + 1 columns.
      expect(shown.some((l) => l.startsWith('a_universe_with_a_very_long_name_indeed '))).toBe(columns > 4 * 39);
      if (columns >= 40) {
        expect(shown.some((l) => l.startsWith('csi300 '))).toBe(true);
        const quarter = Math.floor((columns - 1) / 4);
        if (quarter < 39) expect(shown.some((l) => l.startsWith(`${names[1]!.slice(0, quarter - 1)}~ `))).toBe(true);
      }
    }
  });

  it('follows a resized terminal and defaults to 80 columns', () => {
    const terminal: { columns?: number } = {};
    const { progress, out } = harness({ columns: () => terminal.columns });
    progress.event(start(['csi300'], ['a']));
    const first = screen(out.text).lines[0]!;
    expect(first.length).toBe(79);
    terminal.columns = 50;
    progress.log('x');
    expect(screen(out.text).lines[1]!.length).toBeLessThanOrEqual(49);
  });
});

describe('the end', () => {
  it('leaves the bars as a summary: done, rates and the time each universe took', () => {
    const { progress, out, shown } = harness({ columns: 100, tickMs: 1000 });
    progress.event(start(['csi300', 'csi500'], ['a', 'b']));
    at(30_000);
    progress.event(series('csi300', 'a', { optimal: 50 }));
    at(60_000);
    progress.event(series('csi300', 'b', { optimal: 70 }));
    at(90_000);
    progress.event(series('csi500', 'a', { optimal: 60 }));
    at(120_000);
    progress.event(series('csi500', 'b', { optimal: 60 }));
    at(125_000);
    progress.finish();
    const [a, b, total] = shown().map(parse);
    // csi300 finished at 60 s: 2 series/min, 120 LPs / 60 s = 2.0 LP/s.
    expect(a!.rest).toBe('2.0 series/min 2.0 LP/s done in 1m00s');
    expect(a!.filled).toBe(a!.width);
    // csi500 at 120 s: 1 series/min, 1.0 LP/s; total: 4 in 2 min, 240 LPs / 120 s.
    expect(b!.rest).toBe('1.0 series/min 1.0 LP/s done in 2m00s');
    expect(total!.rest).toBe('2.0 series/min 2.0 LP/s done in 2m00s');
    // Nothing is drawn after the end; logged text is plain.
    const length = out.text.length;
    vi.advanceTimersByTime(10_000);
    progress.event(series('csi500', 'c', { optimal: 1 }));
    expect(out.text.length).toBe(length);
    progress.log('wrote out/');
    expect(out.text.slice(length)).toBe('wrote out/\n');
    expect(shown().at(-1)).toBe('wrote out/');
  });

  it('a run that stops early says so', () => {
    const { progress, shown } = harness({ columns: 100 });
    progress.event(start(['csi300'], ['a', 'b']));
    at(45_000);
    progress.event(series('csi300', 'a', { optimal: 9 }));
    at(65_000);
    progress.finish();
    expect(parse(shown()[0]!).rest).toMatch(/ stopped after 1m05s$/);
  });

  it('writes nothing at the end of a run that never started', () => {
    const { progress, out } = harness();
    progress.finish();
    expect(out.text).toBe('');
  });
});
