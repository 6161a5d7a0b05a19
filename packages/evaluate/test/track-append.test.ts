/**
 * Appended outputs: a run that went on from the states of the output in `dir`, with
 * `unchangedBefore` set, is written over that output by keeping each date-major file's bytes
 * before that day and formatting only the rows from it on — and every CSV file is the one a run
 * from scratch writes into a fresh folder, byte for byte. A file changed on disk is written in
 * full; an interrupted write leaves the old folder as it was; states of another layout version
 * are a note and their series start over. (`unchangedBefore` is computed here from the text of
 * two outputs, independently of the code under test.)
 */
import { type MarketData, type OptimizerInstance } from '@factorkit/core';
import { createDataset } from '@factorkit/data';
import { highsOptimizer } from '@factorkit/optimizer-highs';
import { writeCsv } from '@factorkit/report';
import { generateMarket } from '@factorkit/synth';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TrackingOptions, type TrackingResult, runTracking, trackingTables } from '../src/index.js';
import { type TrackingFileWrite, readTrackingState, writeTrackingOutputs } from '../src/track/node.js';
import { packState, unpackState } from '../src/track/state-files.js';
import { weeklyTracking } from './track-fixture.js';
import { DATED_FILES, csvFiles, firstChangedDate } from './track-outputs.js';

let data: MarketData;
let highs: OptimizerInstance;
let root: string;

const A = '2015-06-17';
const B = '2015-07-22';
const C = '2015-08-19';
const GENERATED = { generatedAt: '2026-01-01T00:00:00Z' };

const options = (asOf: string, extra: Partial<TrackingOptions> = {}): TrackingOptions => weeklyTracking(data, highs, asOf, '2015-03-02', extra);

/** Write `result` into `dir`, collecting how each CSV file was written. */
async function write(dir: string, result: TrackingResult): Promise<Map<string, TrackingFileWrite>> {
  const writes = new Map<string, TrackingFileWrite>();
  await writeTrackingOutputs(dir, result, { ...GENERATED, onFile: (w) => writes.set(w.file, w) });
  return writes;
}

/** A run as of `asOf` going on from the states in `previousDir`, with `unchangedBefore` set to `from`. */
async function resumed(asOf: string, previousDir: string, from: string): Promise<TrackingResult> {
  const previous = await readTrackingState(previousDir);
  expect(previous.notes).toEqual([]);
  const result = await runTracking(options(asOf, { previous: previous.states }));
  expect(result.series.every((s) => s.reuse.status === 'resumed')).toBe(true);
  return { ...result, unchangedBefore: from };
}

let resultA: TrackingResult;
let scratchB: string;
let scratchC: string;
/** The first dates whose rows differ: A's output against B's from scratch, and B's against C's. */
let fromAB: string;
let fromBC: string;
let counter = 0;
/** A fresh copy of A's output, written by the code (so its state index records this copy's files). */
async function outputA(): Promise<string> {
  const dir = join(root, `a${++counter}`);
  await write(dir, resultA);
  return dir;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'factorkit-track-append-'));
  data = createDataset(generateMarket({ seed: 21, stocks: 320, years: 2, funds: 0 }).tables).dataset;
  highs = await highsOptimizer.create(highsOptimizer.with({ presolve: false }).params);
  resultA = await runTracking(options(A));
  scratchB = join(root, 'scratch-b');
  scratchC = join(root, 'scratch-c');
  await write(scratchB, await runTracking(options(B)));
  await write(scratchC, await runTracking(options(C)));
  const a = await outputA();
  fromAB = firstChangedDate(a, scratchB)!;
  fromBC = firstChangedDate(scratchB, scratchC)!;
}, 240_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('date-major tables', () => {
  it('sorts the rows by date, then series in run order, and writes the bytes writeCsv writes', async () => {
    const mfe = readFileSync(join(scratchB, 'mfe.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));
    const order = ['csi300,momentum_1y', 'csi300,reversal_3m', 'csi500,momentum_1y', 'csi500,reversal_3m'];
    for (let k = 1; k < mfe.length; k++) {
      const [before, now] = [mfe[k - 1]!, mfe[k]!];
      expect(before[0]! < now[0]! || (before[0] === now[0] && order.indexOf(`${before[1]},${before[2]}`) < order.indexOf(`${now[1]},${now[2]}`))).toBe(true);
    }
    // Every series has a row on the first rebalance date: the file does not start with one series' history.
    expect(mfe.slice(0, 4).map((row) => `${row[1]},${row[2]}`)).toEqual(order);
    const result = await runTracking(options(B));
    const check = join(root, 'writecsv');
    mkdirSync(check);
    for (const table of trackingTables(result).filter((t) => t.dateColumn)) {
      await writeCsv(join(check, table.file), table.columns, table.rows());
      expect(readFileSync(join(check, table.file)).equals(readFileSync(join(scratchB, table.file))), table.file).toBe(true);
    }
  }, 60_000);
});

describe('appended outputs', () => {
  it('keeps the previous bytes before unchangedBefore and equals a run from scratch, byte for byte', async () => {
    // The IC of the last 20 days changes as their forward returns complete: the rows change from about a month before A.
    expect(fromAB > '2015-05-01' && fromAB <= A).toBe(true);
    const dir = await outputA();
    const writes = await write(dir, await resumed(B, dir, fromAB));
    for (const file of DATED_FILES) {
      expect(writes.get(file)).toMatchObject({ mode: 'appended', from: fromAB });
      expect(writes.get(file)!.keptBytes).toBeGreaterThan(writes.get(file)!.formattedBytes);
    }
    expect(csvFiles(dir)).toEqual(csvFiles(scratchB));
    expect((await readTrackingState(dir)).notes).toEqual([]);
  }, 120_000);

  it('copies the kept bytes instead of formatting them again', async () => {
    // A byte of the first weight changed in place, with the index told: the cheap checks pass, so the change must survive.
    const dir = await outputA();
    const file = join(dir, 'weights.csv');
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf('\n') + 1 + text.slice(text.indexOf('\n') + 1).indexOf(',0.') + 3;
    const digit = text[at]!;
    const other = digit === '7' ? '8' : '7';
    patch(file, at, other);
    acknowledge(dir, 'weights.csv');
    const writes = await write(dir, await resumed(B, dir, fromAB));
    expect(writes.get('weights.csv')?.mode).toBe('appended');
    const written = readFileSync(file, 'utf8');
    const scratch = readFileSync(join(scratchB, 'weights.csv'), 'utf8');
    expect(written.length).toBe(scratch.length);
    expect(written[at]).toBe(other);
    expect(scratch[at]).toBe(digit);
    expect(written.slice(0, at) + digit + written.slice(at + 1)).toBe(scratch);
  }, 120_000);

  it('writes a file changed on disk in full, and the output is still the run from scratch', async () => {
    const dir = await outputA();
    // daily.csv one byte longer; mfe.csv rewritten with the same size (its modification time moves);
    // ic.csv's bytes at the cut changed with the index told of the new time.
    writeFileSync(join(dir, 'daily.csv'), `${readFileSync(join(dir, 'daily.csv'), 'utf8')}\n`);
    writeFileSync(join(dir, 'mfe.csv'), readFileSync(join(dir, 'mfe.csv')));
    const ic = readFileSync(join(dir, 'ic.csv'), 'utf8');
    const cut = ic.indexOf(`\n${fromAB},`) + 1;
    expect(cut).toBeGreaterThan(0);
    patch(join(dir, 'ic.csv'), cut + 3, ic[cut + 3] === '4' ? '3' : '4');
    acknowledge(dir, 'ic.csv');
    const writes = await write(dir, await resumed(B, dir, fromAB));
    expect(writes.get('weights.csv')?.mode).toBe('appended');
    for (const file of ['daily.csv', 'mfe.csv']) expect(writes.get(file)).toMatchObject({ mode: 'written', reason: expect.stringMatching(/changed on disk/) });
    expect(writes.get('ic.csv')).toMatchObject({ mode: 'written', reason: expect.stringMatching(/bytes at offset \d+ are not the start of the rows dated/) });
    expect(csvFiles(dir)).toEqual(csvFiles(scratchB));
  }, 120_000);

  it('goes on week after week: A → B → C equals C from scratch', async () => {
    const dir = await outputA();
    await write(dir, await resumed(B, dir, fromAB));
    const writes = await write(dir, await resumed(C, dir, fromBC));
    for (const file of DATED_FILES) expect(writes.get(file)?.mode).toBe('appended');
    expect(csvFiles(dir)).toEqual(csvFiles(scratchC));
  }, 180_000);

  it('writes in full into a folder that is not the output the run went on from', async () => {
    // The states of one copy of A, written over a folder holding B's output.
    const dir = join(root, 'other');
    await write(dir, await runTracking(options(B)));
    const writes = await write(dir, await resumed(B, await outputA(), fromAB));
    for (const file of DATED_FILES) expect(writes.get(file)).toMatchObject({ mode: 'written', reason: expect.stringMatching(/did not go on from the previous output's state/) });
    expect(csvFiles(dir)).toEqual(csvFiles(scratchB));
  }, 120_000);

  it('leaves the old folder as it was when the write is interrupted', async () => {
    const dir = await outputA();
    const before = snapshot(dir);
    const result = await resumed(B, dir, fromAB);
    // A value the CSV writer refuses, on the last day: found while the appended rows are formatted.
    const s = result.series[1]!;
    const dates = [...s.mfe.daily.dates];
    dates[dates.length - 1] = '2015-13-45';
    const broken = { ...result, series: result.series.map((x) => (x === s ? { ...s, mfe: { ...s.mfe, daily: { ...s.mfe.daily, dates } } } : x)) };
    let appendedBefore = 0;
    await expect(writeTrackingOutputs(dir, broken, { ...GENERATED, onFile: (w) => void (appendedBefore += w.mode === 'appended' ? 1 : 0) })).rejects.toThrow(/2015-13-45/);
    expect(appendedBefore).toBe(2); // mfe.csv and weights.csv were done when daily.csv failed
    expect(snapshot(dir)).toEqual(before);
    expect(readdirSync(root).filter((name) => name.startsWith('.'))).toEqual([]);
  }, 120_000);
});

describe('binary states', () => {
  it('packs plain data with its typed arrays and gives it back', () => {
    const shared = { dates: ['2015-01-05', '2015-01-06'] };
    const ints = Int32Array.from([7, -8, 9, 10]).subarray(1); // a view at byte offset 4
    const value = {
      a: shared,
      b: shared,
      numbers: [Number.NaN, -0, Number.POSITIVE_INFINITY, 1e-300, undefined, null, true, 'text'],
      floats: Float64Array.from([0.1, Number.NaN, -0]),
      ints,
      bytes: Uint8Array.from([1, 2, 3]),
      nested: [{ f32: Float32Array.from([1.5]) }, new Map([['k', 1]])],
      empty: new Float64Array(0),
    };
    const bytes = packState(value);
    const back = unpackState(bytes) as typeof value;
    expect(back).toEqual(value);
    expect(Object.is(back.floats[2], -0) && Object.is(back.numbers[1], -0)).toBe(true);
    expect(back.ints).toBeInstanceOf(Int32Array);
    expect(Array.from(back.ints)).toEqual([-8, 9, 10]);
    expect(back.a).toBe(back.b); // one object, written once
    // Read from a buffer at an odd offset: copied once, same value.
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    expect(unpackState(shifted.subarray(3))).toEqual(value);
    expect(() => unpackState(bytes.subarray(0, bytes.length - 8))).toThrow(/outside the file/);
    expect(() => unpackState(Buffer.from('{"format":1}'))).toThrow(/not a factorkit state file/);
  });

  it('reads back every field of each series state and the run-level state', async () => {
    const runState = { weeks: 3, nested: { values: Float64Array.from([1.5, Number.NaN, -0]), codes: ['a', 'b'] } };
    const extra = { laterField: { sums: Float64Array.from([0.25, 2]), counts: Int32Array.from([4, 5]), last: '2015-06-17' } };
    const result: TrackingResult = { ...resultA, runState, series: resultA.series.map((s) => ({ ...s, state: { ...s.state!, ...extra } })) };
    const dir = join(root, 'fields');
    await write(dir, result);
    expect(readdirSync(join(dir, 'state')).sort()).toEqual(['0001.bin', '0002.bin', '0003.bin', '0004.bin', 'index.json', 'run.bin']);
    const read = await readTrackingState(dir);
    expect(read.notes).toEqual([]);
    expect(read.lastDate).toBe(A);
    expect(read.run).toEqual(runState);
    expect(Object.is((read.run as typeof runState).nested.values[2], -0)).toBe(true);
    read.states.forEach((state, k) => {
      const s = result.series[k]!;
      expect(state).toEqual({ ...s.state, checkpoint: s.mfe.checkpoint });
    });
    // Without a run-level state there is no run.bin and no `run`.
    const { runState: _run, ...withoutRun } = resultA;
    await write(join(root, 'no-run'), withoutRun);
    expect(readdirSync(join(root, 'no-run', 'state'))).not.toContain('run.bin');
    expect('run' in (await readTrackingState(join(root, 'no-run')))).toBe(false);
  }, 60_000);

  it('states of another version are a note and their series start over', async () => {
    const dir = await outputA();
    const index = JSON.parse(readFileSync(join(dir, 'state', 'index.json'), 'utf8')) as { version: number };
    // One series file of another version: that series starts over.
    writeFileSync(join(dir, 'state', '0002.bin'), packState({ format: 'factorkit-tracking-series-state', version: 99, state: {} }));
    writeFileSync(join(dir, 'state', '0003.bin'), 'not a state file');
    const read = await readTrackingState(dir);
    expect(read.states.map((s) => `${s.universe}/${s.factor}`)).toEqual(['csi300/momentum_1y', 'csi500/reversal_3m']);
    expect(read.notes).toHaveLength(2);
    expect(read.notes[0]).toMatch(/0002\.bin: unreadable \(version 99, this @factorkit\/evaluate reads version 2\): series csi300 × reversal_3m is computed from the start$/);
    expect(read.notes[1]).toMatch(/0003\.bin: unreadable \(not a factorkit state file\): series csi500 × momentum_1y is computed from the start$/);
    const result = await runTracking(options(B, { previous: read.states }));
    expect(result.series.map((s) => s.reuse.status)).toEqual(['resumed', 'new', 'new', 'resumed']);
    // The index of another version (as the JSON states of version 1 were): nothing is read.
    writeFileSync(join(dir, 'state', 'index.json'), JSON.stringify({ ...index, version: 1 }));
    const old = await readTrackingState(dir);
    expect(old.states).toEqual([]);
    expect(old.notes).toEqual([expect.stringMatching(/index\.json: unreadable \(version 1, this @factorkit\/evaluate reads version 2\): every series is computed from the start$/)]);
    // Written over it with unchangedBefore set: in full, and right.
    const writes = await write(dir, { ...result, unchangedBefore: fromAB });
    expect(writes.get('mfe.csv')).toMatchObject({ mode: 'written', reason: expect.stringMatching(/version 1/) });
    expect(csvFiles(dir)).toEqual(csvFiles(scratchB));
  }, 120_000);
});

/** Overwrite one character (ASCII) of a file in place. */
function patch(file: string, at: number, char: string): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.from(char, 'latin1'), 0, 1, at);
  closeSync(fd);
}

/** Record a file's current modification time in the output's state index, as if it had not changed. */
function acknowledge(dir: string, file: string): void {
  const path = join(dir, 'state', 'index.json');
  const index = JSON.parse(readFileSync(path, 'utf8')) as { tables: { file: string; mtimeMs: number }[] };
  index.tables.find((t) => t.file === file)!.mtimeMs = statSync(join(dir, file)).mtimeMs;
  writeFileSync(path, JSON.stringify(index));
}

/** Every file under `dir` with its bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name).slice(dir.length)] = readFileSync(join(entry.parentPath, entry.name)).toString('base64');
  }
  return out;
}
