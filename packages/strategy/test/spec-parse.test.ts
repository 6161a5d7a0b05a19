import { isFactorkitError } from '@factorkit/core';
import { describe, expect, test } from 'vitest';
import { DEFAULT_CONSTRAINTS, STRATEGY_SCHEMA, type StrategyIssue, parseStrategy } from '../src/spec/index.js';
import { CSI300_YAML } from './spec-fixture.js';

/** The ValidationError `fn` throws, with its issues. */
function invalid(fn: () => unknown): { code: string; message: string; issues: StrategyIssue[] } {
  try {
    fn();
  } catch (error) {
    if (isFactorkitError(error) && 'issues' in error) return { code: error.code, message: error.message, issues: [...(error.issues as StrategyIssue[])] };
    throw error;
  }
  throw new Error('expected a validation error');
}

/** The same strategy as CSI300_YAML, written by hand as JSON. */
const CSI300_JSON = `{
  "name": "csi300-enhanced",
  "description": "CSI 300 enhanced on two price factors",
  "universe": { "index": "csi300" },
  "factors": ["momentum_1y", { "id": "volatility_3m", "params": { "window": 40, "minObs": 30 } }],
  "model": { "id": "icir", "horizon": 5 },
  "objective": { "kind": "max-alpha", "trackingError": 0.05 },
  "rebalance": { "every": "week" },
  "capital": 50000000
}`;

describe('parseStrategy', () => {
  test('fills the defaults that need no plugin', () => {
    const d = parseStrategy(CSI300_YAML);
    expect(d.benchmark).toBe('100% 000300.SH');
    expect(d.universe).toEqual({ index: 'csi300', plugin: 'index', params: {}, investable: {} });
    expect(d.factors).toEqual([
      { id: 'momentum_1y', name: 'momentum_1y', params: {} },
      { id: 'volatility_3m', name: 'volatility_3m', params: { window: 40, minObs: 30 } },
    ]);
    expect(d.model).toEqual({ id: 'icir', params: {}, horizon: 5, retrainEvery: 20, window: 240, labelTransform: 'rank-normal' });
    expect(d.objective).toEqual({ kind: 'max-alpha', trackingError: 0.05 });
    expect(d.constraints).toEqual(DEFAULT_CONSTRAINTS.map((c) => ({ id: c.id, params: c.params ?? {} })));
    expect(d.constraints!.map((c) => c.id)).toEqual([
      'fully-invested',
      'long-only',
      'stock-deviation',
      'industry-neutral',
      'style-exposure',
      'constituent-share',
      'turnover-limit',
      'tradability',
    ]);
    expect(d.optimizer).toEqual({ id: 'highs', params: {} });
    expect(d.rebalance).toEqual({ every: 'week' });
    expect(d.risk).toEqual({});
    expect(d.infeasible).toEqual({ policy: 'hold', relax: [] });
    // MAD ×5 → industry + size → equal-weighted z-score → no fill: the documented usual pipeline.
    expect(d.preprocess).toEqual({ winsorize: { method: 'mad', k: 5 }, neutralize: 'both', standardize: { weights: 'equal' }, fill: 'none' });
    expect(d.capital).toBe(50_000_000);
    expect(d.execution).toEqual({ price: 'open', participation: 0.1, remainder: 'carry' });
    expect(d.costs?.commission).toBe(0.00025);
    expect(d.start).toBeUndefined();
    expect(Object.isFrozen(d) && Object.isFrozen(d.factors)).toBe(true);
  });

  test('the default constraints are the usual enhanced-index set', () => {
    const byId = Object.fromEntries(DEFAULT_CONSTRAINTS.map((c) => [c.id, c.params ?? {}]));
    expect(byId['stock-deviation']).toEqual({ limit: 0.01 });
    expect(byId['style-exposure']).toEqual({ styles: ['size'], missing: 'zero' });
    expect(byId['constituent-share']).toEqual({ min: 0.8 });
    expect(byId['turnover-limit']).toEqual({ limit: 0.3, side: 'one-way' });
    expect(Object.isFrozen(DEFAULT_CONSTRAINTS)).toBe(true);
  });

  test('YAML and JSON give equal definitions', () => {
    expect(parseStrategy(CSI300_JSON, { format: 'json' })).toEqual(parseStrategy(CSI300_YAML));
  });

  test('a file with five mistakes gives five problems, with their paths, lines and columns', () => {
    const text = [
      'name: CSI 300', //                          1: name does not match the pattern
      'universe:',
      '  index: csi300',
      '  plugn: index', //                         4: unknown key
      'start: 2023-02-30', //                      5: not a real date
      'benchmark: 95% 000300.SH + 5% deposti', //  6: unknown series at position 19
      'factors:',
      '  - momentum_1y',
      'model:',
      '  id: icir',
      '  horizon: 0', //                           11: below 1
      '',
    ].join('\n');
    const e = invalid(() => parseStrategy(text, { file: 'bad.yaml' }));
    expect(e.code).toBe('FK_INVALID_STRATEGY');
    expect(e.issues.map((i) => [i.path, i.line, i.column])).toEqual([
      ['strategy.name', 1, 1],
      ['strategy.universe.plugn', 4, 3],
      ['strategy.start', 5, 1],
      // `benchmark: ` is 11 characters: the text starts at column 12, `deposti` 19 further on.
      ['strategy.benchmark', 6, 31],
      ['strategy.model.horizon', 11, 3],
    ]);
    expect(e.issues.every((i) => i.file === 'bad.yaml')).toBe(true);
    expect(e.issues[1]!.message).toBe('unknown key; did you mean `plugin`?');
    expect(e.issues[2]!.message).toBe('`"2023-02-30"` is not a real date');
    expect(e.issues[3]!.message).toContain('position 19');
    expect(e.issues[3]!.message).toContain('`deposti`');
    expect(e.message).toContain('bad.yaml:11:3 strategy.model.horizon: expected an integer ≥ 1, got `0`');
    expect(e.message).toContain('bad.yaml:4:3 strategy.universe.plugn: unknown key; did you mean `plugin`?');
    expect(e.message.split('\n')[0]).toBe('invalid strategy `bad.yaml` (5 problems):');
  });

  test('the same mistakes in JSON have the same paths', () => {
    const text = `{
  "name": "CSI 300",
  "universe": { "index": "csi300", "plugn": "index" },
  "start": "2023-02-30",
  "benchmark": "95% 000300.SH + 5% deposti",
  "factors": ["momentum_1y"],
  "model": { "id": "icir", "horizon": 0 }
}`;
    const e = invalid(() => parseStrategy(text, { file: 'bad.json', format: 'json' }));
    expect(e.issues.map((i) => [i.path, i.line, i.column])).toEqual([
      ['strategy.name', 2, 3],
      ['strategy.universe.plugn', 3, 36],
      ['strategy.start', 4, 3],
      // The quote, then 19 characters: `"` at column 16, the text at 17, `deposti` at 36.
      ['strategy.benchmark', 5, 36],
      ['strategy.model.horizon', 7, 28],
    ]);
  });

  test('unknown keys anywhere are named with the closest key', () => {
    const e = invalid(() =>
      parseStrategy(`${CSI300_YAML}costs:\n  commision: 0.001\nexecution:\n  prise: vwap\nrebalence:\n  every: month\npreprocess:\n  winsorise: mad\n`),
    );
    expect(e.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'strategy.costs.commision: unknown key; did you mean `commission`?',
      'strategy.execution.prise: unknown key; did you mean `price`?',
      'strategy.rebalence: unknown key; did you mean `rebalance`?',
      'strategy.preprocess.winsorise: unknown key; did you mean `winsorize`?',
    ]);
  });

  test('a missing field is reported where its parent is', () => {
    const e = invalid(() => parseStrategy('name: x\nuniverse:\n  plugin: index\nmodel:\n  horizon: 5\n', { file: 'f.yaml' }));
    // No `factors` at all: the whole mapping, which starts on line 1.
    expect(e.issues.map((i) => [i.path, i.line])).toEqual([
      ['strategy.factors', 1],
      ['strategy.universe.index', 2],
      ['strategy.model.id', 4],
    ]);
    expect(e.issues[0]!.message).toMatch(/^is required/);
    expect(e.issues[1]!.message).toBe('is required');
  });

  test('YAML syntax errors and duplicate keys are reported with their line and column', () => {
    const e = invalid(() => parseStrategy('name: a\nname: b\nfactors: [1,\n', { file: 's.yaml' }));
    expect(e.code).toBe('FK_INVALID_STRATEGY');
    expect(e.issues.length).toBe(2);
    expect(e.issues[0]).toMatchObject({ file: 's.yaml', line: 2, column: 1 });
    expect(e.issues[0]!.message).toContain('a key is given twice');
    expect(e.issues[1]!.line).toBe(4);
    expect(e.issues[1]!.message).toMatch(/^invalid YAML: /);
  });

  test('JSON syntax errors and duplicate keys are reported with their line and column', () => {
    const bad = invalid(() => parseStrategy('{\n  "name": "x",\n  "universe": {}\n  "factors": []\n}', { file: 's.json', format: 'json' }));
    // The third line ends without a comma: the parser stops at the `"` that opens line 4.
    expect(bad.issues).toEqual([expect.objectContaining({ file: 's.json', line: 4, column: 3 })]);
    expect(bad.issues[0]!.message).toMatch(/^invalid JSON: /);
    const twice = invalid(() => parseStrategy('{\n  "name": "x",\n  "name": "y"\n}', { format: 'json' }));
    expect(twice.issues).toEqual([expect.objectContaining({ line: 3, column: 3 })]);
    expect(twice.issues[0]!.message).toContain('a key is given twice');
  });

  test('a text that is not a mapping', () => {
    expect(invalid(() => parseStrategy('')).issues).toEqual([{ path: 'strategy', message: 'expected an object (a mapping of strategy fields), got `null`' }]);
    expect(invalid(() => parseStrategy('- a\n- b\n')).issues[0]!.path).toBe('strategy');
  });

  test('benchmarks: composite and published texts are read, bad ones named with their position', () => {
    expect(parseStrategy(`${CSI300_YAML}benchmark: 95% 000300.SH + 5% deposit\n`).benchmark).toBe('95% 000300.SH + 5% deposit');
    expect(parseStrategy(`${CSI300_YAML}benchmark: 沪深300指数收益率*95%+银行活期存款利率(税后)*5%\n`).benchmark).toBe('沪深300指数收益率*95%+银行活期存款利率(税后)*5%');
    const e = invalid(() => parseStrategy(`${CSI300_YAML}benchmark: "90% 000300.SH"\n`));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]!.path).toBe('strategy.benchmark');
    expect(e.issues[0]!.message).toContain('the weights sum to 90%, not 100%');
    const unknownIndex = invalid(() => parseStrategy(CSI300_YAML.replace('index: csi300', 'index: my-index')));
    expect(unknownIndex.issues.map((i) => i.path)).toEqual(['strategy.benchmark']);
  });

  test('dates are real and in order; the model schedule is checked (problems in the order of the file)', () => {
    const e = invalid(() => parseStrategy(`${CSI300_YAML}start: 2024-06-01\nend: 2023-01-31\n`.replace('  horizon: 5', '  horizon: 2.5\n  window: 60\n  minDates: 61\n  retrainEvery: 0')));
    expect(e.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'strategy.model.horizon: expected an integer ≥ 1, got `2.5`',
      'strategy.model.minDates: expected at most `window` (60) label dates, got `61`',
      'strategy.model.retrainEvery: expected an integer ≥ 1, got `0`',
      'strategy.end: `"2023-01-31"` is before `start` `"2024-06-01"`',
    ]);
    expect(parseStrategy(`${CSI300_YAML}start: 2023-01-03\nend: 2024-12-31\n`)).toMatchObject({ start: '2023-01-03', end: '2024-12-31' });
  });

  test('objective, risk, constraints and the infeasible policy are checked together', () => {
    const text = `name: x
universe: { index: csi300 }
factors: [momentum_1y]
model: { id: icir }
objective: { kind: mean-variance, trackingError: 0.05 }
risk: false
constraints:
  - id: turnover-limit
  - id: turnover-limit
  - tracking-error-cap
infeasible:
  policy: relax
  relax:
    - { group: turnover-limt, steps: [0.05] }
`;
    const e = invalid(() => parseStrategy(text));
    expect(e.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'strategy.objective.riskAversion: is required by `mean-variance` (λ ≥ 0 of αᵀw − λ·(w − b)ᵀΣ(w − b))',
      'strategy.risk: `objective.trackingError` needs a risk model; remove `risk: false`',
      'strategy.constraints[1]: group `turnover-limit` is also that of constraints[0]; give this one another `group`',
    ]);
    const fixed = text.replace('risk: false', 'risk: { halfLife: 60 }').replace('  - id: turnover-limit\n  - tracking', '  - id: turnover-limit\n    group: turnover-2\n  - tracking');
    const again = invalid(() => parseStrategy(fixed));
    expect(again.issues.map((i) => i.path)).toEqual(['strategy.objective.riskAversion', 'strategy.constraints[2]', 'strategy.infeasible.relax[0].group']);
    expect(again.issues[1]!.message).toContain('both cap the tracking error');
    expect(again.issues[2]!.message).toBe('no constraint group `turnover-limt`; the groups are `turnover-limit`, `turnover-2`, `tracking-error-cap`');
  });

  test('risk options are each checked by @factorkit/risk', () => {
    const e = invalid(() =>
      parseStrategy(`${CSI300_YAML}risk:\n  halfLife: -1\n  neweyWestLags: 50\n  regimeHalfLife: false\n  styles: [size, size, { id: beta, parms: {} }]\n  halflife: 3\n  weights: sqrt\n  winsorize: 0\n`),
    );
    expect(e.issues.map((i) => i.path)).toEqual([
      'strategy.risk.halfLife',
      'strategy.risk.neweyWestLags',
      'strategy.risk.styles[1]',
      'strategy.risk.styles[2].parms',
      'strategy.risk.halflife',
      'strategy.risk.weights',
      'strategy.risk.winsorize',
    ]);
    expect(e.issues[0]!.message).toContain('positive number');
    expect(e.issues[2]!.message).toBe('style `size` is also styles[0]');
    expect(e.issues[4]!.message).toBe('unknown key; did you mean `halfLife`?');
    expect(parseStrategy(`${CSI300_YAML}risk:\n  regimeHalfLife: false\n  weights: cap\n  winsorize: false\n  styles: [size]\n`).risk).toEqual({
      regimeHalfLife: false,
      weights: 'cap',
      winsorize: false,
      styles: ['size'],
    });
  });

  test('preprocessing: true, false, or overrides of the usual pipeline', () => {
    expect(parseStrategy(`${CSI300_YAML}preprocess: false\n`).preprocess).toBe(false);
    expect(parseStrategy(`${CSI300_YAML}preprocess:\n  neutralize: industry\n  winsorizeK: 3\n`).preprocess).toEqual({
      winsorize: { method: 'mad', k: 3 },
      neutralize: 'industry',
      standardize: { weights: 'equal' },
      fill: 'none',
    });
    expect(parseStrategy(`${CSI300_YAML}preprocess:\n  winsorize: { method: sigma, k: 3 }\n  standardize: none\n`).preprocess).toEqual({
      winsorize: { method: 'sigma', k: 3 },
      neutralize: 'both',
      standardize: false,
      fill: 'none',
    });
  });

  test('STRATEGY_SCHEMA carries the backtest settings and the fixed fields', () => {
    expect(Object.keys(STRATEGY_SCHEMA)).toEqual(expect.arrayContaining(['name', 'universe', 'model', 'capital', 'execution', 'costs', 'depositRate', 'dayBasis']));
  });

  test('bad arguments', () => {
    expect(() => parseStrategy(3 as unknown as string)).toThrow(/expected the text of a strategy/);
    expect(() => parseStrategy('', { format: 'toml' as 'json' })).toThrow(/`yaml` or `json`/);
  });
});

describe('JSON syntax errors are located whatever the message says', () => {
  test.each([
    ['{"a": 1,}', 8],
    ['{"a" 1}', 5],
    ['[1, 2', 5],
    ['{"a": tru}', 9],
    ['{"a": "b\\x"}', 9],
    ['{"a": 01}', 7],
    ['{} x', 3],
    ['', 0],
  ])('%s', (text, offset) => {
    const e = invalid(() => parseStrategy(text, { format: 'json' }));
    // One line: the column is the offset + 1, counted by hand above.
    expect(e.issues).toEqual([expect.objectContaining({ line: 1, column: offset + 1 })]);
  });
});
