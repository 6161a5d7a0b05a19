/**
 * `factorkit backtest` on a small synthetic market (400 stocks, two years): every file written
 * with its documented header, the metrics against the NAV file, the summary and report path on
 * stdout; and each bad input — an invalid strategy (every problem with its dot-path), an unknown
 * plugin, a missing data folder, an output folder that is not a backtest's, a hostile text in the
 * strategy — with its message and exit code.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/index.js';
import { type CliResult, runCli } from './helpers.js';

let root: string;
const cli = (args: string[], cwd = root): Promise<CliResult> => runCli(args, cwd);

/** A small strategy: price/volume factors with short lookbacks, an equal-weight model, a year of weekly rebalances. */
const STRATEGY = `# a test strategy
name: tiny
description: a tiny CSI 1000 strategy for the CLI tests
universe:
  index: 000852.SH
benchmark: 95% 000852.SH + 5% deposit
start: 2015-01-05
end: 2015-06-30
factors:
  - reversal_3m
  - volatility_3m
  - turnover_1m
model:
  id: equal
  window: 20
  minDates: 5
rebalance:
  every: week
`;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'factorkit-cli-backtest-'));
  const code = await run(['data', 'synth', '--out', 'market', '--stocks', '400', '--years', '2', '--seed', '5', '--format', 'csv'], { stdout: () => undefined, stderr: () => undefined, cwd: root });
  if (code !== 0) throw new Error('could not write the test market');
  writeFileSync(join(root, 'tiny.yaml'), STRATEGY);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A CSV file of the output as header and rows of cells (split on commas: the cells tested hold none). */
function csv(path: string): { header: string[]; rows: Record<string, string>[] } {
  const [head, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const header = head!.split(',');
  return { header, rows: lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [header[i]!, cell]))) };
}

describe('factorkit backtest', () => {
  it('writes every file with its documented columns, prints the metrics and the report path', async () => {
    const { code, out, err } = await cli(['backtest', '--config', 'tiny.yaml', '--data', 'market', '--out', 'out']);
    expect(err).not.toContain('error');
    expect(code).toBe(0);
    const dir = join(root, 'out');
    const files = readdirSync(dir).sort();
    for (const file of ['nav.csv', 'trades.csv', 'holdings.csv', 'periods.csv', 'metrics.json', 'factor_weights.csv', 'rebalances.csv', 'targets.csv', 'exposures.csv', 'contributions.csv', 'hit_rate.csv', 'strategy.json', 'report.html']) {
      expect(files, file).toContain(file);
    }
    expect(csv(join(dir, 'nav.csv')).header).toEqual(['trade_date', 'nav', 'benchmark_nav', 'cash', 'turnover', 'cost']);
    expect(csv(join(dir, 'trades.csv')).header).toEqual(['trade_date', 'ts_code', 'side', 'shares', 'price', 'amount', 'commission', 'stamp_duty', 'transfer_fee', 'status', 'reason']);
    expect(csv(join(dir, 'holdings.csv')).header).toEqual(['trade_date', 'ts_code', 'shares', 'weight', 'benchmark_weight']);
    expect(csv(join(dir, 'factor_weights.csv')).header).toEqual(['date', 'factor', 'value', 'kind']);
    expect(csv(join(dir, 'rebalances.csv')).header).toEqual(['date', 'status', 'candidates', 'missing_scores', 'objective', 'ex_ante_tracking_error', 'turnover', 'holdings', 'relaxations', 'messages', 'solve_ms']);
    expect(csv(join(dir, 'targets.csv')).header).toEqual(['date', 'ts_code', 'weight', 'benchmark_weight']);
    expect(csv(join(dir, 'exposures.csv')).header).toEqual(['date', 'kind', 'name', 'portfolio', 'benchmark', 'active']);
    expect(csv(join(dir, 'contributions.csv')).header).toEqual(['ts_code', 'contribution', 'active_contribution', 'days_held', 'mean_weight', 'mean_active_weight', 'missing_days']);
    expect(csv(join(dir, 'hit_rate.csv')).header).toEqual(['date', 'end', 'hit_rate', 'active_weight_top', 'active_weight_total', 'stocks', 'top', 'overweight', 'unranked_weight']);

    // The equal-weight model gives each of the three factors the weight 1/3 at every training.
    const weights = csv(join(dir, 'factor_weights.csv')).rows;
    expect(new Set(weights.map((w) => w.factor))).toEqual(new Set(['reversal_3m', 'volatility_3m', 'turnover_1m']));
    for (const w of weights) expect(Math.abs(Math.abs(Number(w.value)) - 1 / 3)).toBeLessThan(1e-9);

    // metrics.json against the NAV file: total return = last nav / first nav − 1, geometric annualisation over calendar days.
    const nav = csv(join(dir, 'nav.csv')).rows;
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as Record<string, number | string>;
    const first = nav[0]!;
    const last = nav[nav.length - 1]!;
    const total = Number(last.nav) / Number(first.nav) - 1;
    expect(metrics.total_return as number).toBeCloseTo(total, 9);
    const years = (Date.parse(last.trade_date!) - Date.parse(first.trade_date!)) / 86_400_000 / 365;
    expect(metrics.annual_return as number).toBeCloseTo((1 + total) ** (1 / years) - 1, 9);
    expect(metrics.strategy).toBe('tiny');
    expect(metrics.benchmark).toBe('95% 000852.SH + 5% deposit');
    for (const key of ['annual_return', 'benchmark_annual_return', 'annual_excess', 'tracking_error', 'information_ratio', 'max_drawdown', 'excess_max_drawdown', 'turnover', 'cost_drag', 'new_high_rate']) {
      expect(metrics, key).toHaveProperty(key);
    }
    // strategy.json: the definition with its defaults filled in.
    const definition = JSON.parse(readFileSync(join(dir, 'strategy.json'), 'utf8')) as { name: string; constraints: unknown[]; rebalance: unknown };
    expect(definition.name).toBe('tiny');
    expect(definition.constraints.length).toBeGreaterThan(0);
    expect(definition.rebalance).toEqual({ every: 'week' });

    expect(out).toMatch(/annual excess\s+-?\d+\.\d\d%/);
    expect(out).toMatch(/tracking error\s+\d+\.\d\d%/);
    expect(out).toContain(`report: ${join(dir, 'report.html')}`);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('tiny');
    expect(html).not.toMatch(/<script[^>]+src=/);
  }, 600_000);

  it('replaces a previous backtest output, and --start/--end override the file’s dates', async () => {
    const { code } = await cli(['backtest', '--config', 'tiny.yaml', '--data', 'market', '--out', 'again', '--start', '2015-03-02', '--end', '2015-04-30']);
    expect(code).toBe(0);
    const nav = csv(join(root, 'again', 'nav.csv')).rows;
    expect(nav[0]!.trade_date! >= '2015-03-02').toBe(true);
    expect(nav[nav.length - 1]!.trade_date! <= '2015-04-30').toBe(true);
    const second = await cli(['backtest', '--config', 'tiny.yaml', '--data', 'market', '--out', 'again', '--start', '2015-03-02', '--end', '2015-03-31']);
    expect(second.code).toBe(0);
    const shorter = csv(join(root, 'again', 'nav.csv')).rows;
    expect(shorter[shorter.length - 1]!.trade_date! <= '2015-03-31').toBe(true);
  }, 600_000);

  it('refuses an invalid strategy with every problem and its dot-path, exit 1, nothing written', async () => {
    writeFileSync(
      join(root, 'bad.yaml'),
      STRATEGY.replace('  window: 20', '  window: -3').replace('  every: week', '  every: fortnight').replace('name: tiny', 'name: Tiny Strategy'),
    );
    const { code, err } = await cli(['backtest', '--config', 'bad.yaml', '--data', 'market', '--out', 'bad-out']);
    expect(code).toBe(1);
    expect(err).toContain('FK_INVALID_STRATEGY');
    expect(err).toContain('strategy.model.window');
    expect(err).toContain('strategy.rebalance.every');
    expect(err).toContain('strategy.name');
    expect(err).toContain('bad.yaml');
    expect(existsSync(join(root, 'bad-out'))).toBe(false);
  });

  it('names an unknown plugin and the close ids, exit 1', async () => {
    writeFileSync(join(root, 'unknown.yaml'), STRATEGY.replace('  - turnover_1m', '  - turnover_1mm'));
    const { code, err } = await cli(['backtest', '--config', 'unknown.yaml', '--data', 'market', '--out', 'unknown-out']);
    expect(code).toBe(1);
    expect(err).toContain('FK_UNKNOWN_PLUGIN');
    expect(err).toContain('`turnover_1mm`');
    expect(err).toContain('turnover_1m');
    expect(err).toContain('strategy.factors[2]');
  });

  it('names a missing data folder, exit 1, before loading anything', async () => {
    const { code, err } = await cli(['backtest', '--config', 'tiny.yaml', '--data', 'no-such-folder', '--out', 'missing-out']);
    expect(code).toBe(1);
    expect(err).toContain('--data: no folder `no-such-folder`');
    expect(existsSync(join(root, 'missing-out'))).toBe(false);
  });

  it('names a missing strategy file, exit 1', async () => {
    const { code, err } = await cli(['backtest', '--config', 'nowhere.yaml', '--data', 'market', '--out', 'nowhere-out']);
    expect(code).toBe(1);
    expect(err).toContain('nowhere.yaml');
  });

  it('refuses an output folder that holds other files, before any work', async () => {
    mkdirSync(join(root, 'taken'));
    writeFileSync(join(root, 'taken', 'notes.txt'), 'mine');
    const { code, err } = await cli(['backtest', '--config', 'tiny.yaml', '--data', 'market', '--out', 'taken']);
    expect(code).toBe(1);
    expect(err).toContain('--out');
    expect(err).toContain('not empty');
    expect(readFileSync(join(root, 'taken', 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('refuses --start after --end', async () => {
    const { code, err } = await cli(['backtest', '--config', 'tiny.yaml', '--data', 'market', '--out', 'x', '--start', '2015-05-01', '--end', '2015-04-01']);
    expect(code).toBe(1);
    expect(err).toContain('--start `2015-05-01` is after --end `2015-04-01`');
  });

  it('escapes hostile text from the strategy in report.html', async () => {
    const hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    writeFileSync(join(root, 'hostile.yaml'), STRATEGY.replace('description: a tiny CSI 1000 strategy for the CLI tests', `description: '${hostile}'`).replace('end: 2015-06-30', 'end: 2015-03-31'));
    const { code } = await cli(['backtest', '--config', 'hostile.yaml', '--data', 'market', '--out', 'hostile-out']);
    expect(code).toBe(0);
    const html = readFileSync(join(root, 'hostile-out', 'report.html'), 'utf8');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(');
    // A strategy name is an identifier: a hostile one is refused with its path.
    writeFileSync(join(root, 'hostile-name.yaml'), STRATEGY.replace('name: tiny', `name: '${hostile}'`));
    const refused = await cli(['backtest', '--config', 'hostile-name.yaml', '--data', 'market', '--out', 'hostile-name-out']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('strategy.name');
  }, 600_000);
  it('stops at an infeasible rebalance under `infeasible.policy: stop`, exit 2, with the date and the reason', async () => {
    // 0.1% per stock cannot hold a fully invested portfolio of a 144-stock universe (plus the investable market of 400).
    const infeasible = STRATEGY.replace(
      'rebalance:',
      `constraints:
  - id: fully-invested
  - id: long-only
  - id: max-weight
    params:
      cap: 0.001
infeasible:
  policy: stop
rebalance:`,
    );
    writeFileSync(join(root, 'infeasible.yaml'), infeasible);
    const { code, err } = await cli(['backtest', '--config', 'infeasible.yaml', '--data', 'market', '--out', 'infeasible-out']);
    expect(code).toBe(2);
    expect(err).toContain('FK_INFEASIBLE');
    expect(err).toMatch(/2015-01-\d\d/);
  }, 600_000);
});
