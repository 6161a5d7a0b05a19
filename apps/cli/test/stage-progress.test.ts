/**
 * The progress line of `factorkit backtest` and `factorkit demo`, driven by `runStrategy`-shaped
 * events and a fake clock: quiet (not one byte of its own) unless on a terminal outside CI; the
 * count, rate and ETA worked out by hand; text logged above the line; the line erased at the end.
 */
import { describe, expect, it } from 'vitest';
import { stageProgress } from '../src/stage-progress.js';

function target(isTTY: boolean, env: Record<string, string> = {}) {
  let out = '';
  let clock = 0;
  const progress = stageProgress({ write: (t) => void (out += t), isTTY, env, columns: 100, now: () => clock, intervalMs: 100 });
  return { progress, out: () => out, advance: (ms: number) => void (clock += ms) };
}

/** The visible text of the last line: what follows the last `\r` + clear-line, escapes removed. */
const lastLine = (text: string): string => text.split('\r').pop()!.replaceAll('\u001b[2K', '');

describe('stageProgress', () => {
  it('writes nothing of its own when stderr is not a terminal, in CI, or with TERM=dumb, and logs text as it is', () => {
    for (const t of [target(false), target(true, { CI: 'true' }), target(true, { TERM: 'dumb' })]) {
      t.progress.event({ stage: 'backtest', done: 1, total: 10 });
      t.progress.log('a note');
      t.progress.finish();
      expect(t.progress.live).toBe(false);
      expect(t.out()).toBe('a note\n');
    }
  });

  it('draws the stage, done/total, the rate and the ETA (elapsed × remaining / done)', () => {
    const t = target(true);
    t.progress.event({ stage: 'backtest', done: 0, total: 40 });
    t.advance(10_000);
    t.progress.event({ stage: 'backtest', done: 10, total: 40, date: '2022-03-04' });
    // 10 in 10 s: 1.0/s; 30 left at 1 s each: ETA 30s.
    const line = lastLine(t.out());
    expect(line).toMatch(/^backtest {2}\[#+-+\] {2}10\/40 {2}1\.0\/s {2}ETA 30s {2}2022-03-04$/);
    expect(line.length).toBeLessThan(100);
    // A new stage restarts the clock of the rate: no rate on its first event.
    t.advance(1_000);
    t.progress.event({ stage: 'diagnostics', done: 0, total: 2 });
    expect(lastLine(t.out())).toMatch(/^diagnostics {2}\[-+\] {2}0\/2 {2}-\/s {2}ETA -$/);
    t.advance(500);
    t.progress.event({ stage: 'diagnostics', done: 2, total: 2 });
    expect(lastLine(t.out())).toMatch(/^diagnostics {2}\[#+\] {2}2\/2 {2}4\.0\/s {2}done$/);
  });

  it('prints logged text above the line and erases the line at the end', () => {
    const t = target(true);
    t.progress.event({ stage: 'factors', done: 1, total: 3 });
    t.progress.log('note: something');
    expect(t.out()).toContain('\r\u001b[2Knote: something\nfactors');
    t.progress.finish();
    expect(t.out().endsWith('\r\u001b[2K')).toBe(true);
    const before = t.out();
    t.progress.event({ stage: 'factors', done: 2, total: 3 });
    expect(t.out()).toBe(before);
  });
});
