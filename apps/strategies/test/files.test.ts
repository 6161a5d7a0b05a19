/**
 * Every strategy file of the app reads (YAML, every field checked) and resolves against the
 * plugins the CLI ships — so `factorkit backtest --config apps/strategies/<file>` gets past the
 * strategy and to the data.
 */
import { createStrategy, parseStrategy } from '@factorkit/strategy';
import { readStrategyFile, readSweepFile } from '@factorkit/strategy/node';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STRATEGY_FILES, cliRegistry, strategyPath } from './helpers.js';

/** The 15 sell-side factors of the CSI 1000 strategy (the demo's). */
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

describe('the strategy files', () => {
  it('are the six the README describes', () => {
    expect(STRATEGY_FILES).toEqual([
      'cni2000-enhanced.yaml',
      'csi1000-enhanced.yaml',
      'csi1000-real.yaml',
      'csi300-enhanced.yaml',
      'csi500-enhanced.yaml',
      'csia500-enhanced.yaml',
    ]);
    const readme = readFileSync(strategyPath('README.md'), 'utf8');
    for (const file of STRATEGY_FILES) expect(readme, file).toContain(`\`${file}\``);
  });

  for (const file of STRATEGY_FILES) {
    it(`${file} parses, is named after its file, and resolves every plugin`, async () => {
      const definition = await readStrategyFile(strategyPath(file));
      expect(definition.name).toBe(file.replace(/\.ya?ml$/, ''));
      // The same text through parseStrategy gives the same definition.
      expect(parseStrategy(readFileSync(strategyPath(file), 'utf8'), { file, format: 'yaml' })).toEqual(definition);
      const strategy = createStrategy(definition, { registry: await cliRegistry() });
      expect(strategy.name).toBe(definition.name);
      expect(strategy.factors.map((f) => f.name)).toEqual(definition.factors.map((f) => (typeof f === 'string' ? f : (f.name ?? f.id))));
    });
  }

  it('gives each index its benchmark as funds write it', async () => {
    const benchmark = async (file: string): Promise<string> => createStrategy(await readStrategyFile(strategyPath(file)), { registry: await cliRegistry() }).benchmark;
    expect(await benchmark('csi300-enhanced.yaml')).toBe('000300.SH');
    expect(await benchmark('csi500-enhanced.yaml')).toBe('95% 000905.SH + 5% deposit');
    expect(await benchmark('csi1000-enhanced.yaml')).toBe('95% 000852.SH + 5% deposit');
    expect(await benchmark('cni2000-enhanced.yaml')).toBe('90% 399303.SZ + 5% HSI + 5% deposit');
    expect(await benchmark('csia500-enhanced.yaml')).toBe('95% 000510.SH + 5% deposit');
    expect(await benchmark('csi1000-real.yaml')).toBe('000852.SH');
  });

  it('runs the CSI 1000 strategy on the 15 sell-side factors with an ML model', async () => {
    const strategy = createStrategy(await readStrategyFile(strategyPath('csi1000-enhanced.yaml')), { registry: await cliRegistry() });
    expect(strategy.factors.map((f) => f.name).sort()).toEqual(SELL_SIDE);
    expect(['gbdt', 'ridge']).toContain(strategy.model.plugin.id);
  });

  it('keeps the real CSI 1000 strategy to price/volume factors and constraints cn-csi1000 can feed', async () => {
    const strategy = createStrategy(await readStrategyFile(strategyPath('csi1000-real.yaml')), { registry: await cliRegistry() });
    // cn-csi1000 has bars and volume only: no fundamentals, industries, market caps, traded value or turnover rates.
    for (const factor of strategy.factors) {
      for (const input of factor.plugin.meta.inputs) expect(['open', 'high', 'low', 'close', 'volume', 'adj_factor', 'ret', 'is_trading', 'pct_chg', 'pre_close', 'adj_close'], `${factor.name} needs ${input.field}`).toContain(input.field);
    }
    expect(strategy.constraints.map((c) => c.plugin.id)).not.toContain('industry-neutral');
    expect(strategy.constraints.map((c) => c.plugin.id)).not.toContain('style-exposure');
    expect(strategy.risk).toBe(false);
  });
});

describe('the sweep files (sweeps/)', () => {
  it('csi300-te-turnover.yaml: the 3 × 3 grid of the tracking-error cap and the turnover limit on csi300-enhanced.yaml, and an IC-weighted variant', async () => {
    const sweep = await readSweepFile(strategyPath('sweeps/csi300-te-turnover.yaml'), { registry: await cliRegistry() });
    const base = await readStrategyFile(strategyPath('csi300-enhanced.yaml'));
    expect(sweep.name).toBe('csi300-te-turnover');
    expect(sweep.variants).toHaveLength(10);
    expect(sweep.axes.map((a) => [a.path, a.values])).toEqual([
      ['objective.trackingError', [0.03, 0.04, 0.05]],
      ['constraints[turnover-limit].params.limit', [0.2, 0.3, 0.4]],
      ['model.id', ['ic']],
    ]);
    // Each variant is the base strategy with its parameters set, nothing else changed (both with their defaults filled).
    const registry = await cliRegistry();
    for (const variant of sweep.variants) {
      const te = (variant.parameters['objective.trackingError'] ?? base.objective!.trackingError) as number;
      const limit = (variant.parameters['constraints[turnover-limit].params.limit'] ?? 0.3) as number;
      const model = (variant.parameters['model.id'] ?? base.model.id) as string;
      const expected = {
        ...base,
        name: variant.name,
        objective: { ...base.objective!, trackingError: te },
        model: { ...base.model, id: model },
        constraints: base.constraints!.map((c) => (c.id === 'turnover-limit' ? { ...c, params: { ...c.params, limit } } : c)),
      };
      expect(createStrategy(variant.definition, { registry }).definition, variant.name).toEqual(createStrategy(expected, { registry }).definition);
      expect(variant.definition.objective?.trackingError, variant.name).toBe(te);
    }
    const readme = readFileSync(strategyPath('README.md'), 'utf8');
    expect(readme).toContain('`sweeps/csi300-te-turnover.yaml`');
  });
});
