/**
 * `factorkit demo`: the CSI 1000 enhanced strategy of apps/strategies on the synthetic market —
 * generated into --cache on the first run and read from there on the next; the run written with
 * report.html, the metrics and the report's path printed. Slow (a full demo run: about a minute
 * on two idle cores); runs in CI.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'factorkit-cli-demo-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cli = (args: string[]): Promise<CliResult> => runCli(args, root);

/** The 15 sell-side factors of apps/strategies/csi1000-enhanced.yaml. */
const SELL_SIDE = [
  'bp',
  'coverage_3m',
  'ep_q',
  'ep_ttm',
  'exec_pay',
  'expected_bp',
  'expected_ep_ttm',
  'expected_np_qoq',
  'expected_peg',
  'illiquidity_shock',
  'momentum_1y',
  'profit_q_yoy',
  'reversal_3m',
  'turnover_1m',
  'volatility_3m',
];

describe('factorkit demo (slow)', () => {
  it('generates and caches the market, runs the CSI 1000 strategy, prints the metrics and the report path; the next run reads the cache', async () => {
    const first = await cli(['demo', '--cache', 'cache/market', '--out', 'report']);
    expect(first.err).not.toContain('error');
    expect(first.code).toBe(0);
    expect(first.err).toContain('generating the synthetic market (2000 stocks, 4 years from 2020-01-02)');
    expect(existsSync(join(root, 'cache', 'market', 'demo-market.json'))).toBe(true);
    expect(existsSync(join(root, 'cache', 'market', 'daily.csv.gz'))).toBe(true);
    expect(first.out).toMatch(/strategy\s+csi1000-enhanced/);
    expect(first.out).toMatch(/benchmark\s+95% 000852\.SH \+ 5% deposit/);
    expect(first.out).toMatch(/period\s+2022-01-04 → 2023-12-29/);
    expect(first.out).toMatch(/annual excess\s+-?\d+\.\d\d%/);
    expect(first.out).toMatch(/information ratio\s+-?\d+\.\d\d/);
    expect(first.out).toContain(`report: ${join(root, 'report', 'report.html')}`);

    const files = readdirSync(join(root, 'report'));
    for (const file of ['nav.csv', 'metrics.json', 'factor_weights.csv', 'strategy.json', 'report.html']) expect(files).toContain(file);
    const definition = JSON.parse(readFileSync(join(root, 'report', 'strategy.json'), 'utf8')) as { name: string; model: { id: string } };
    expect(definition.name).toBe('csi1000-enhanced');
    expect(['ridge', 'gbdt']).toContain(definition.model.id);
    // The model weighs all 15 sell-side factors.
    const weights = readFileSync(join(root, 'report', 'factor_weights.csv'), 'utf8').trimEnd().split('\n').slice(1);
    expect([...new Set(weights.map((line) => line.split(',')[1]!))].sort()).toEqual(SELL_SIDE);

    const second = await cli(['demo', '--cache', 'cache/market', '--out', 'report']);
    expect(second.code).toBe(0);
    expect(second.err).toContain(`read the synthetic market from ${join(root, 'cache', 'market')}`);
    expect(second.err).not.toContain('generating');
    // Same market, same strategy: the same metrics.
    const metrics = (out: string) => out.split('\n').filter((line) => /^(annual|tracking|information)/.test(line));
    expect(metrics(second.out)).toEqual(metrics(first.out));
  }, 1_200_000);

  it('refuses a --cache folder that holds other files, before generating anything', async () => {
    mkdirSync(join(root, 'mine'));
    writeFileSync(join(root, 'mine', 'notes.txt'), 'mine');
    const { code, err } = await cli(['demo', '--cache', 'mine', '--out', 'elsewhere']);
    expect(code).toBe(1);
    expect(err).toContain('--cache');
    expect(err).toContain('is not a synthetic-market cache');
    expect(err).not.toContain('generating');
    expect(readdirSync(join(root, 'mine'))).toEqual(['notes.txt']);
  });
});
