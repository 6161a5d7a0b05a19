/**
 * `writeStrategyOutputs` on real runs of a small synthetic market: the files and their columns,
 * each table against the result it was written from, the attribution files only with a risk
 * model, replacing a previous run (and its stale files), and refusing a folder that is not a run.
 */
import { isFactorkitError } from '@factorkit/core';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StrategyResult, runStrategy } from '../src/index.js';
import { STRATEGY_FILES, writeStrategyOutputs } from '../src/node.js';
import { strategyOf, syntheticMarket } from './run-helpers.js';

const root = mkdtempSync(join(tmpdir(), 'factorkit-strategy-outputs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let plain: StrategyResult;
let withRisk: StrategyResult;
beforeAll(async () => {
  const data = syntheticMarket();
  plain = await runStrategy(data, strategyOf({ start: '2015-03-02', end: '2015-05-29' }));
  withRisk = await runStrategy(data, strategyOf({ start: '2015-03-02', end: '2015-05-29', risk: {} }));
}, 600_000);

/** A CSV file as header and rows of cells (split on commas: the files tested hold no quoted cell). */
function csv(path: string): { header: string[]; rows: Record<string, string>[] } {
  const [head, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const header = head!.split(',');
  return { header, rows: lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [header[i]!, cell]))) };
}

const num = (cell: string | undefined): number => (cell === undefined || cell === '' ? Number.NaN : Number(cell));

describe('writeStrategyOutputs', () => {
  it('writes the backtest files, the strategy tables, strategy.json and report.html; no attribution without a risk model', async () => {
    const dir = join(root, 'plain');
    const files = await writeStrategyOutputs(dir, plain, { generatedAt: '2026-01-01T00:00:00Z', data: 'synthetic' });
    const names = readdirSync(dir).sort();
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(names);
    expect(names).toEqual(STRATEGY_FILES.filter((f) => !f.startsWith('attribution')).sort());
    expect(plain.attribution).toBeUndefined();

    // factor_weights.csv: one row per record, values as the result has them.
    const weights = csv(join(dir, 'factor_weights.csv'));
    expect(weights.header).toEqual(['date', 'factor', 'value', 'kind']);
    expect(weights.rows.map((r) => [r.date, r.factor, num(r.value), r.kind])).toEqual(plain.factorWeights.map((w) => [w.date, w.factor, w.value, w.kind]));

    // rebalances.csv: every decision date with its status; targets.csv: the targets of each, fully invested.
    const rebalances = csv(join(dir, 'rebalances.csv')).rows;
    expect(rebalances.map((r) => [r.date, r.status])).toEqual(plain.rebalances.map((r) => [r.date, r.status]));
    const targets = csv(join(dir, 'targets.csv')).rows;
    const byDate = new Map<string, number>();
    for (const t of targets) byDate.set(t.date!, (byDate.get(t.date!) ?? 0) + num(t.weight));
    for (const r of plain.rebalances) if (r.status === 'optimal') expect(byDate.get(r.date)!, r.date).toBeCloseTo(1, 6);

    // contributions.csv: largest contribution first; the column sum is what the result holds.
    const contributions = csv(join(dir, 'contributions.csv')).rows.map((r) => num(r.contribution));
    for (let k = 1; k < contributions.length; k++) expect(contributions[k]!).toBeLessThanOrEqual(contributions[k - 1]!);
    expect(contributions.reduce((a, b) => a + b, 0)).toBeCloseTo(plain.contributions.reduce((a, c) => a + c.contribution, 0), 9);

    // hit_rate.csv: one row per period.
    expect(csv(join(dir, 'hit_rate.csv')).rows.map((r) => r.date)).toEqual(plain.hitRate.periods.map((p) => p.date));

    // metrics.json against nav.csv, and the strategy's own fields.
    const nav = csv(join(dir, 'nav.csv')).rows;
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as Record<string, unknown>;
    expect(metrics.total_return as number).toBeCloseTo(num(nav[nav.length - 1]!.nav) / num(nav[0]!.nav) - 1, 12);
    expect(metrics.strategy).toBe('test');
    expect(metrics.benchmark).toBe(plain.benchmark);
    const statuses: Record<string, number> = {};
    for (const r of plain.rebalances) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    expect(metrics.rebalance_status).toEqual(statuses);

    // strategy.json: the definition, as JSON.
    expect(JSON.parse(readFileSync(join(dir, 'strategy.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(plain.definition)));
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>') || html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('2026-01-01T00:00:00Z');
  }, 120_000);

  it('adds attribution.csv and attribution_factors.csv with a risk model; the period rows add up to the total', async () => {
    const dir = join(root, 'risk');
    await writeStrategyOutputs(dir, withRisk, { generatedAt: '2026-01-01T00:00:00Z' });
    expect(withRisk.attribution).toBeDefined();
    const rows = csv(join(dir, 'attribution.csv'));
    expect(rows.header).toEqual(['frequency', 'period', 'start', 'end', 'days', 'active', 'country', 'industry', 'style', 'specific']);
    const total = rows.rows.find((r) => r.frequency === 'total')!;
    // Daily parts are additive: the months' sums equal the total (arithmetic attribution).
    const months = rows.rows.filter((r) => r.frequency === 'month');
    for (const part of ['active', 'industry', 'style', 'specific'] as const) {
      expect(months.reduce((s, r) => s + num(r[part]), 0), part).toBeCloseTo(num(total[part]), 9);
    }
    expect(csv(join(dir, 'attribution_factors.csv')).rows.length).toBe(withRisk.attribution!.byFactor.length);
  }, 120_000);

  it('replaces a previous run, stale files included, and refuses a folder that is not a run', async () => {
    const dir = join(root, 'replace');
    await writeStrategyOutputs(dir, withRisk, { generatedAt: '2026-01-01T00:00:00Z' });
    expect(existsSync(join(dir, 'attribution.csv'))).toBe(true);
    await writeStrategyOutputs(dir, plain, { generatedAt: '2026-01-01T00:00:00Z' });
    expect(existsSync(join(dir, 'attribution.csv'))).toBe(false);

    const foreign = join(root, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    let caught: unknown;
    try {
      await writeStrategyOutputs(foreign, plain, { what: '--out' });
    } catch (error) {
      caught = error;
    }
    expect(isFactorkitError(caught) && caught.code).toBe('FK_INVALID_ARGUMENT');
    expect((caught as Error).message).toContain('--out');
    expect((caught as Error).message).toContain('`notes.txt`');
    expect(readdirSync(foreign)).toEqual(['notes.txt']);
  }, 120_000);
});
