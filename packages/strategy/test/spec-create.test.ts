import { isFactorkitError } from '@factorkit/core';
import { fullyInvested, longOnly, stockDeviation, trackingErrorCap, turnoverLimit } from '@factorkit/constraints';
import { momentum } from '@factorkit/factor-momentum';
import { volatility3m } from '@factorkit/factor-volatility-3m';
import { icirWeight } from '@factorkit/model-icir';
import { highsOptimizer } from '@factorkit/optimizer-highs';
import { indexUniverse, marketUniverse } from '@factorkit/universe-index';
import { describe, expect, test } from 'vitest';
import { type StrategyIssue, createStrategy, parseStrategy } from '../src/spec/index.js';
import { CSI300_YAML, specRegistry } from './spec-fixture.js';

function invalid(fn: () => unknown): { code: string; message: string; issues: StrategyIssue[] } {
  try {
    fn();
  } catch (error) {
    if (isFactorkitError(error) && 'issues' in error) return { code: error.code, message: error.message, issues: [...(error.issues as StrategyIssue[])] };
    throw error;
  }
  throw new Error('expected a validation error');
}

const registry = specRegistry();

describe('createStrategy', () => {
  test('resolves every plugin and fills every default', () => {
    const s = createStrategy(parseStrategy(CSI300_YAML), { registry });
    expect(s.name).toBe('csi300-enhanced');
    expect(s.benchmark).toBe('000300.SH');
    expect(s.universe.plugin).toBe(indexUniverse);
    expect(s.universe.params).toEqual({ index: 'csi300', weights: 'auto', drift: true, excludeSt: true, excludeSuspended: true, minListedDays: 0, tradeAt: 'close' });
    expect(s.investable?.plugin).toBe(marketUniverse);
    expect(s.factors.map((f) => [f.name, f.plugin, f.params, f.direction])).toEqual([
      ['momentum_1y', momentum, { window: 250, skip: 20, minCoverage: 0.8 }, 1],
      ['volatility_3m', volatility3m, { window: 40, minObs: 30 }, -1],
    ]);
    expect(s.factors[0]!.source).toEqual({ type: 'builtin', package: 'factors' });
    expect(s.model).toMatchObject({ plugin: icirWeight, horizon: 5, retrainEvery: 20, window: 240, labelTransform: 'rank-normal' });
    expect(s.optimizer.plugin).toBe(highsOptimizer);
    // The default constraints, then the tracking-error cap of `objective.trackingError`.
    expect(s.constraints.map((c) => c.group)).toEqual([
      'fully-invested',
      'long-only',
      'stock-deviation',
      'industry-neutral',
      'style-exposure',
      'constituent-share',
      'turnover-limit',
      'tradability',
      'tracking-error-cap',
    ]);
    const cap = s.constraints[8]!;
    expect(cap.plugin).toBe(trackingErrorCap);
    expect(cap.params).toEqual({ cap: 0.05, periodsPerYear: 252 });
    expect(s.constraints[0]!.priority).toBe(fullyInvested.meta.priority);
    expect(s.constraints[6]!.params).toEqual({ limit: 0.3, side: 'one-way', formulation: 'split' });
    expect(s.backtest.capital).toBe(50_000_000);
    expect(s.infeasible).toEqual({ policy: 'hold', relax: [] });
    expect(s.risk).toEqual({});
    expect(Object.isFrozen(s) && Object.isFrozen(s.constraints) && Object.isFrozen(s.definition.factors)).toBe(true);
    // The definition: plain data, every plugin's parameters filled in, the cap left in the objective.
    expect(JSON.parse(JSON.stringify(s.definition))).toEqual(s.definition);
    expect(s.definition.factors[1]).toEqual({ id: 'volatility_3m', name: 'volatility_3m', params: { window: 40, minObs: 30 }, direction: -1 });
    expect(s.definition.constraints).toHaveLength(8);
    expect(s.definition.constraints![2]).toEqual({ id: 'stock-deviation', params: { mode: 'absolute', limit: 0.01, longOnly: true, nonMembers: 'allow', nonMemberMax: 0.01 }, group: 'stock-deviation', priority: stockDeviation.meta.priority });
  });

  test('round trip: definition → JSON → parse → the same strategy', () => {
    const first = createStrategy(parseStrategy(CSI300_YAML), { registry });
    const second = createStrategy(parseStrategy(JSON.stringify(first.definition), { format: 'json' }), { registry });
    expect(second.definition).toEqual(first.definition);
    expect(second.constraints.map((c) => [c.plugin.id, c.params, c.group, c.priority])).toEqual(first.constraints.map((c) => [c.plugin.id, c.params, c.group, c.priority]));
  });

  test('unknown plugin ids: FK_UNKNOWN_PLUGIN naming each path, its line and the close ids', () => {
    const text = CSI300_YAML.replace('  - momentum_1y', '  - momentum_1yr').replace('  id: icir', '  id: icirr') + 'optimizer:\n  id: glpk\n';
    const e = invalid(() => createStrategy(parseStrategy(text, { file: 'csi300.yaml' }), { registry }));
    expect(e.code).toBe('FK_UNKNOWN_PLUGIN');
    expect(e.issues.map((i) => [i.path, i.line, i.message])).toEqual([
      ['strategy.factors[0].id', 6, 'unknown factor plugin `momentum_1yr`; did you mean `momentum_1y`?'],
      ['strategy.model.id', 12, 'unknown model plugin `icirr`; did you mean `icir`?'],
      ['strategy.optimizer.id', 21, 'unknown optimizer plugin `glpk`; registered: `highs`'],
    ]);
    expect(e.message).toContain('csi300.yaml:6:5 strategy.factors[0].id: unknown factor plugin `momentum_1yr`');
  });

  test('plugin parameters are checked by each plugin’s schema, every problem at once, at their lines', () => {
    const text = `name: bad-params
universe:
  index: csi300
  params:
    minListedDays: -5
  investable:
    excludeSt: maybe
factors:
  - momentum_1y
  - id: volatility_3m
    params:
      window: 2
      minObs: 30
      widow: 3
model:
  id: icir
  params:
    method: kendall
constraints:
  - id: stock-deviation
  - id: long-only
  - id: turnover-limit
    params:
      limit: -0.5
`;
    const e = invalid(() => createStrategy(parseStrategy(text, { file: 'b.yaml' }), { registry }));
    expect(e.code).toBe('FK_INVALID_STRATEGY');
    expect(e.issues.map((i) => [i.path, i.line])).toEqual([
      ['strategy.universe.params.minListedDays', 5],
      ['strategy.universe.investable.excludeSt', 7],
      ['strategy.factors[1].params.window', 12],
      ['strategy.factors[1].params.widow', 14],
      ['strategy.model.params.method', 18],
      ['strategy.constraints[2].params.limit', 24],
    ]);
    expect(e.issues[2]!.message).toBe('expected an integer ≥ 3 and ≤ 1000, got `2`');
    expect(e.issues[5]!.message).toBe('expected a number ≥ 0, got `-0.5`');
    expect(e.message).toContain('b.yaml:24:7 strategy.constraints[2].params.limit: expected a number ≥ 0, got `-0.5`');
  });

  test('a plugin’s own cross-parameter check (validate) is reported under its params', () => {
    const e = invalid(() => createStrategy({ name: 'x', universe: { index: 'csi300' }, factors: [{ id: 'momentum_1y', params: { window: 30, skip: 40 } }], model: { id: 'icir' } }, { registry }));
    expect(e.issues.map((i) => i.path)).toEqual(['strategy.factors[0].params.skip']);
  });

  test('the code form with plugin objects and specs equals the id form', () => {
    const code = createStrategy({
      name: 'csi300-enhanced',
      description: 'CSI 300 enhanced on two price factors',
      universe: indexUniverse.with({ index: 'csi300' }),
      factors: [momentum, volatility3m.with({ window: 40, minObs: 30 })],
      model: { id: icirWeight, horizon: 5 },
      objective: { kind: 'max-alpha', trackingError: 0.05 },
      rebalance: { every: 'week' },
      capital: 50_000_000,
    });
    const ids = createStrategy(parseStrategy(CSI300_YAML), { registry });
    expect(code.definition).toEqual(ids.definition);
    expect(code.factors.map((f) => f.plugin)).toEqual([momentum, volatility3m]);
    expect(code.factors[0]!.source).toBeUndefined();
    expect(code.model.plugin).toBe(icirWeight);
  });

  test('code form: names, directions, constraint specs with groups, entries whose plugin is an object', () => {
    const s = createStrategy({
      name: 'code',
      universe: { index: '000852.SH', investable: false },
      benchmark: '95% 000852.SH + 5% deposit',
      factors: [momentum.with({ window: 120 }), { plugin: momentum, name: 'momentum_6m', params: { window: 60 }, direction: -1 }],
      model: icirWeight.with({ method: 'pearson' }),
      constraints: [fullyInvested, longOnly.with(), stockDeviation.with({ limit: 0.02 }, { group: 'deviation', priority: 7 }), { id: turnoverLimit, params: { limit: 0.2 } }],
      optimizer: highsOptimizer.with({ timeLimitMs: 1000 }),
      objective: { kind: 'mean-variance', riskAversion: 10 },
    });
    expect(s.definition.factors).toEqual([
      { id: 'momentum_1y', name: 'momentum_1y', params: { window: 120, skip: 20, minCoverage: 0.8 }, direction: 1 },
      { id: 'momentum_1y', name: 'momentum_6m', params: { window: 60, skip: 20, minCoverage: 0.8 }, direction: -1 },
    ]);
    expect(s.investable).toBeUndefined();
    expect(s.benchmark).toBe('95% 000852.SH + 5% deposit');
    expect(s.model.params).toMatchObject({ method: 'pearson' });
    expect(s.constraints.map((c) => [c.plugin.id, c.group, c.priority])).toEqual([
      ['fully-invested', 'fully-invested', fullyInvested.meta.priority],
      ['long-only', 'long-only', longOnly.meta.priority],
      ['stock-deviation', 'deviation', 7],
      ['turnover-limit', 'turnover-limit', turnoverLimit.meta.priority],
    ]);
    expect(s.constraints[2]!.params).toMatchObject({ limit: 0.02 });
    expect(s.constraints[3]!.params).toMatchObject({ limit: 0.2 });
    expect(s.optimizer.params).toMatchObject({ timeLimitMs: 1000 });
    expect(s.objective).toEqual({ kind: 'mean-variance', riskAversion: 10 });
    expect(JSON.parse(JSON.stringify(s.definition))).toEqual(s.definition);
  });

  test('without a registry only the built-ins and plugins given in code resolve', () => {
    const e = invalid(() => createStrategy({ name: 'x', universe: { index: 'csi300' }, factors: ['momentum_1y'], model: { id: 'icir' } }));
    expect(e.code).toBe('FK_UNKNOWN_PLUGIN');
    expect(e.issues.map((i) => i.path)).toEqual(['strategy.factors[0].id', 'strategy.model.id']);
    expect(e.issues[1]!.message).toBe('unknown model plugin `icir`; none is registered');
    const s = createStrategy({ name: 'x', universe: { index: 'csi300' }, factors: [momentum], model: icirWeight });
    expect(s.constraints).toHaveLength(8);
    expect(s.optimizer.plugin).toBe(highsOptimizer);
  });

  test('risk styles: factor plugin ids become specs, `size` without a plugin stays a name', () => {
    const text = `${CSI300_YAML}risk:\n  halfLife: 60\n  styles:\n    - size\n    - { id: momentum_1y, params: { window: 120 } }\n`;
    const s = createStrategy(parseStrategy(text), { registry });
    expect(s.risk).toEqual({ halfLife: 60, styles: ['size', { plugin: momentum, params: { window: 120, skip: 20, minCoverage: 0.8 } }] });
    expect(s.definition.risk).toEqual({ halfLife: 60, styles: ['size', { id: 'momentum_1y', params: { window: 120, skip: 20, minCoverage: 0.8 } }] });
    const code = createStrategy({ ...parseStrategy(CSI300_YAML), risk: { halfLife: 60, styles: ['size', momentum.with({ window: 120 })] } }, { registry });
    expect(code.definition).toEqual(s.definition);
    const e = invalid(() => createStrategy(parseStrategy(`${CSI300_YAML}risk:\n  styles: [size, betta, { id: momentum_1y, params: { window: 1 } }]\n`), { registry }));
    expect(e.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'strategy.risk.styles[1]: unknown factor plugin `betta`; registered: `momentum_1y`, `volatility_3m`',
      'strategy.risk.styles[2].params.window: expected an integer ≥ 20 and ≤ 1000, got `1`',
    ]);
    expect(createStrategy(parseStrategy(`${CSI300_YAML}risk: false\n`.replace('  trackingError: 0.05\n', '')), { registry }).risk).toBe(false);
  });

  test('two different plugins with one id in code are refused', () => {
    const impostor = { ...momentum, meta: { ...momentum.meta } };
    const e = invalid(() => createStrategy({ name: 'x', universe: { index: 'csi300' }, factors: [momentum, { plugin: impostor, name: 'other' }], model: icirWeight }));
    expect(e.issues).toEqual([{ path: 'strategy.factors[1].plugin', message: 'another factor plugin with the id `momentum_1y` is given at strategy.factors[0]; one id, one plugin' }]);
  });

  test('a definition’s problems and the plugin problems of its sound fields come at once', () => {
    const e = invalid(() =>
      createStrategy({ name: 'Bad Name', universe: { index: 'csi300' }, factors: [{ id: 'momentum_1y', params: { window: 1 } }], model: { id: 'icir', window: 0 }, optimizer: { id: 'highz' } }, { registry }),
    );
    expect(e.code).toBe('FK_INVALID_STRATEGY');
    expect(e.issues.map((i) => i.path)).toEqual(['strategy.name', 'strategy.model.window', 'strategy.factors[0].params.window', 'strategy.optimizer.id']);
  });
});
