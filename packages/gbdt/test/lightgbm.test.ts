/**
 * Agreement with python lightgbm on small data, when python3 with lightgbm is installed (CI need
 * not have it: the test is skipped with a message). The data sit on an integer grid with fewer
 * distinct values than bins, so both libraries have one bin per value and the same candidate
 * splits; lightgbm runs with `min_data_in_bin: 1` so that it does not merge small bins.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { trainGbdt } from '../src/index.js';
import { normal, rng } from './helpers.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/lightgbm_reference.py', import.meta.url));
const probe = spawnSync('python3', ['-c', 'import lightgbm; print(lightgbm.__version__)'], { encoding: 'utf8' });
const lightgbm = probe.status === 0 ? probe.stdout.trim() : undefined;
if (!lightgbm) console.warn('lightgbm.test.ts: skipped — python3 with lightgbm is not installed (pip install lightgbm to run it)');

const raw = (a: Float64Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Predictions of python lightgbm for the training rows, then the test rows. */
function reference(x: Float64Array, y: Float64Array, test: Float64Array, cols: number, rounds: number, params: Record<string, unknown>): Float64Array {
  const dir = mkdtempSync(join(tmpdir(), 'factorkit-gbdt-lgb-'));
  try {
    writeFileSync(join(dir, 'x.f64'), raw(x));
    writeFileSync(join(dir, 'y.f64'), raw(y));
    writeFileSync(join(dir, 'test.f64'), raw(test));
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ rows: y.length, cols, testRows: test.length / cols, rounds, params }));
    const run = spawnSync('python3', [SCRIPT, dir], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`lightgbm_reference.py failed: ${run.stderr}`);
    const bytes = readFileSync(join(dir, 'pred.f64'));
    return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows of integer features 1 … 30 and a nonlinear label with noise; `nanShare` of feature 2 missing. */
function gridData(rows: number, seed: number, nanShare: number): { x: Float64Array; y: Float64Array } {
  const rand = rng(seed);
  const gauss = normal(rng(seed + 1));
  const x = new Float64Array(rows * 3);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = 1 + Math.floor(rand() * 30);
    const b = 1 + Math.floor(rand() * 30);
    const c = rand() < nanShare ? Number.NaN : 1 + Math.floor(rand() * 30);
    x.set([a, b, c], r * 3);
    y[r] = Math.sin(a / 5) + (b > 15 ? 0.5 : 0) + (Number.isNaN(c) ? 0.8 : c / 30) + 0.3 * gauss();
  }
  return { x, y };
}

describe.skipIf(!lightgbm)(`agreement with python lightgbm ${lightgbm ?? ''}`, () => {
  const options = { numRounds: 30, numLeaves: 7, learningRate: 0.1, minDataInLeaf: 10, lambdaL2: 1 };
  const params = { num_leaves: 7, learning_rate: 0.1, min_data_in_leaf: 10, lambda_l2: 1, max_bin: 255, min_data_in_bin: 1, feature_pre_filter: false };

  it('predicts the same on training and new rows (no missing values)', () => {
    const { x, y } = gridData(800, 1, 0);
    const test = gridData(300, 2, 0).x;
    const ours = trainGbdt(x, 800, 3, y, options);
    const theirs = reference(x, y, test, 3, 30, params);
    const mine = Float64Array.of(...ours.predict(x, 800), ...ours.predict(test, 300));
    let worst = 0;
    for (let i = 0; i < mine.length; i++) worst = Math.max(worst, Math.abs(mine[i]! - theirs[i]!));
    // lightgbm keeps gradients in float32: leaf values differ from ours from the 8th digit on.
    expect(worst).toBeLessThan(1e-6);
  });

  it('predicts the same with missing values on the training rows', () => {
    const { x, y } = gridData(800, 3, 0.1);
    const ours = trainGbdt(x, 800, 3, y, options);
    const theirs = reference(x, y, x, 3, 30, params);
    const mine = ours.predict(x, 800);
    let worst = 0;
    for (let i = 0; i < 800; i++) worst = Math.max(worst, Math.abs(mine[i]! - theirs[i]!));
    expect(worst).toBeLessThan(1e-6);
  });
});
