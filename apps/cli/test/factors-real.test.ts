/**
 * Every factor whose inputs the real cn-csi300 dataset has, computed over the whole dataset
 * (2013-01-04 .. 2023-06-30, all 670 stocks) through the CLI, as a user would; and the factors
 * it cannot feed refused with the inputs they lack. Slow (data); runs in CI.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from './helpers.js';

const REAL = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data/cn-csi300');
const root = mkdtempSync(join(tmpdir(), 'factorkit-cli-real-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = (args: string[], cwd = root): Promise<CliResult> => runCli(args, cwd);

/** The factors cn-csi300 has inputs for (no consensus, executive pay, analyst reports or balance sheet there). */
const REAL_DATA_FACTORS = [
  'ep_ttm',
  'ep_q',
  'bp',
  'profit_q_yoy',
  'turnover_1m',
  'volatility_3m',
  'momentum_1y',
  'reversal_3m',
  'illiquidity_shock',
  'size',
  'nonlinear_size',
  'beta',
  'residual_volatility',
  'liquidity',
  'earnings_yield',
  'growth',
  'book_to_price',
];

describe('every real-data factor over the whole cn-csi300 dataset (data, slow)', () => {
  it('computes them all and writes one long table', async () => {
    const { code, out, err } = await cli(['factors', 'compute', '--data', REAL, '--factors', REAL_DATA_FACTORS.join(','), '--out', 'all.csv.gz']);
    expect(err).not.toContain('error');
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`\\(${REAL_DATA_FACTORS.length} factors, 2013-01-\\d\\d \\.\\. 2023-06-30\\)`));
    for (const [k, id] of REAL_DATA_FACTORS.entries()) {
      const match = new RegExp(`\\[${k + 1}/${REAL_DATA_FACTORS.length}\\] ${id}: ([\\d,]+) values`).exec(err);
      expect(match, id).not.toBeNull();
      // Each factor has a value for a good part of the 1.5 million stock-days.
      expect(Number(match![1]!.replaceAll(',', '')), id).toBeGreaterThan(500_000);
    }
  }, 600_000);

  it('refuses the factors whose inputs the dataset lacks, naming every missing input', async () => {
    const { code, err } = await cli(['factors', 'compute', '--data', REAL, '--factors', 'expected_ep_ttm,exec_pay,coverage_3m,leverage', '--out', 'x.csv']);
    expect(code).toBe(1);
    expect(err).toContain('error [FK_MISSING_INPUT]');
    for (const field of ['consensus_net_profit_12m', 'exec_pay', 'analyst_coverage_3m']) expect(err).toContain(field);
    expect(() => readFileSync(join(root, 'x.csv'))).toThrow();
  }, 120_000);
});
