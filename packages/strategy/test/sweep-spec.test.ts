/**
 * Sweep files and variants, before anything runs: `parseSweep`'s problems with their lines,
 * `createSweep`'s paths (`[n]`, `[group]`, `[id]`, a factor written as its id), `null` removal,
 * the grid's order, names, duplicates, plugin problems naming the variant at the grid value that
 * caused it, the variant limit, and `readSweepFile` with a base strategy file beside it.
 */
import { isFactorkitError } from '@factorkit/core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type StrategyDefinition, type SweepIssue, createSweep, createStrategy, parseStrategy, parseSweep } from '../src/index.js';
import { readSweepFile } from '../src/node.js';
import { CSI300_YAML, specRegistry } from './spec-fixture.js';

const registry = specRegistry();
const root = mkdtempSync(join(tmpdir(), 'factorkit-sweep-spec-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The ValidationError `fn` throws: its code, message and issues. */
function invalid(fn: () => unknown): { code: string; message: string; issues: readonly SweepIssue[] } {
  try {
    fn();
  } catch (error) {
    if (isFactorkitError(error) && 'issues' in error) return { code: error.code, message: error.message, issues: error.issues as readonly SweepIssue[] };
    throw error;
  }
  throw new Error('expected a ValidationError');
}

/** A sweep file with the CSI 300 strategy inline under `base:`, and `rest` after it. */
function inline(rest: string, name = 'csi300-te'): string {
  const base = CSI300_YAML.split('\n')
    .filter((line) => line !== '')
    .map((line) => `  ${line}`)
    .join('\n');
  return `name: ${name}\nbase:\n${base}\n${rest}`;
}

describe('parseSweep', () => {
  it('reports every problem at once with its line and column', () => {
    const text = [
      'name: Bad Name', // 1
      'strategy: csi300.yaml',
      'gird: {}', // 3: unknown key
      'grid:',
      '  objective.trackingError: 0.05', // 5: not a list
      '  model.id: []', // 6: empty
      '  "factors[": [1, 2]', // 7: not a path
      'variants:',
      '  - name: ok-name',
      '    sett: {}', // 10
    ].join('\n');
    const error = invalid(() => parseSweep(text, { file: 'grid.yaml' }));
    expect(error.code).toBe('FK_INVALID_STRATEGY');
    const lines = error.message.split('\n').slice(1);
    expect(error.message.split('\n')[0]).toBe(`invalid sweep \`grid.yaml\` (${lines.length} problems):`);
    expect(lines).toEqual([
      expect.stringMatching(/^ {2}- grid\.yaml:1:1 sweep\.name: expected a name .*got `"Bad Name"`$/),
      '  - grid.yaml:3:1 sweep.gird: unknown key; did you mean `grid`?',
      expect.stringMatching(/^ {2}- grid\.yaml:5:3 sweep\.grid\["objective\.trackingError"\]: expected a non-empty list of values, got `0\.05`; write `\[0\.05\]` for one value$/),
      '  - grid.yaml:6:3 sweep.grid["model.id"]: expected a non-empty list of values, got `[]`',
      expect.stringMatching(/^ {2}- grid\.yaml:7:3 sweep\.grid\["factors\["\]: `"factors\["` is not a path \(an unclosed `\[`/),
      expect.stringMatching(/^ {2}- grid\.yaml:9:5 sweep\.variants\[0\]\.set: expected a mapping of paths to values/),
      '  - grid.yaml:10:5 sweep.variants[0].sett: unknown key; did you mean `set`?',
    ]);
  });

  it('asks for exactly one of strategy and base, and for some variants', () => {
    const neither = invalid(() => parseSweep('name: s\ngrid: {}\n'));
    expect(neither.issues.map((i) => i.message)).toEqual([
      'give exactly one of `strategy` (the base strategy file) and `base` (the base strategy inline)',
      'the sweep has no variants: give `grid` (paths and the values to try) or `variants`',
    ]);
    const both = invalid(() => parseSweep(inline('strategy: x.yaml\ngrid: { capital: [1e7] }\n')));
    expect(both.issues.map((i) => i.message)).toEqual(['give exactly one of `strategy` (the base strategy file) and `base` (the base strategy inline)']);
  });

  it('checks an inline base as a strategy, its problems under sweep.base at their lines', () => {
    const text = 'name: s\nbase:\n  name: b\n  universe: { index: csi300 }\n  factors: [momentum_1y]\n  model: { id: icir, horizon: -1 }\ngrid:\n  capital: [1e7]\n';
    const error = invalid(() => parseSweep(text, { file: 'g.yaml' }));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ path: 'sweep.base.model.horizon', file: 'g.yaml', line: 6 });
  });

  it('reads JSON and names JSON syntax errors', () => {
    const ok = parseSweep(JSON.stringify({ name: 's', strategy: 'a.yaml', grid: { capital: [1e7, 2e7] } }), { format: 'json' });
    expect(ok.grid).toEqual({ capital: [1e7, 2e7] });
    const bad = invalid(() => parseSweep('{"name": "s",\n "grid": }', { format: 'json', file: 'g.json' }));
    expect(bad.message).toMatch(/^invalid sweep `g\.json` \(1 problem\):\n {2}- g\.json:2:10 invalid JSON/);
  });
});

describe('createSweep', () => {
  it('makes the cartesian product in order (first key slowest), names, parameters and axes', () => {
    // 8 variants: one digit, `csi300-te-0` … `csi300-te-7` (the padding is tested below).
    const sweep = createSweep(
      parseSweep(
        inline(
          [
            'grid:',
            '  objective.trackingError: [0.03, 0.04, 0.05]',
            '  model.id: [icir, equal]',
            'variants:',
            '  - name: no-te-cap',
            '    set: { objective.trackingError: null }',
            '  - set: { capital: 20000000 }',
          ].join('\n'),
        ),
      ),
      { registry },
    );
    expect(sweep.name).toBe('csi300-te');
    expect(sweep.variants.map((v) => [v.index, v.name, v.parameters])).toEqual([
      [0, 'csi300-te-0', { 'objective.trackingError': 0.03, 'model.id': 'icir' }],
      [1, 'csi300-te-1', { 'objective.trackingError': 0.03, 'model.id': 'equal' }],
      [2, 'csi300-te-2', { 'objective.trackingError': 0.04, 'model.id': 'icir' }],
      [3, 'csi300-te-3', { 'objective.trackingError': 0.04, 'model.id': 'equal' }],
      [4, 'csi300-te-4', { 'objective.trackingError': 0.05, 'model.id': 'icir' }],
      [5, 'csi300-te-5', { 'objective.trackingError': 0.05, 'model.id': 'equal' }],
      [6, 'no-te-cap', { 'objective.trackingError': null }],
      [7, 'csi300-te-7', { capital: 20000000 }],
    ]);
    expect(sweep.axes).toEqual([
      { path: 'objective.trackingError', values: [0.03, 0.04, 0.05, null] },
      { path: 'model.id', values: ['icir', 'equal'] },
      { path: 'capital', values: [20000000] },
    ]);
    // Each definition is the base with the values set, checked, named after the variant.
    const [first, , , fourth, , , cap] = sweep.variants;
    expect(first!.definition.name).toBe('csi300-te-0');
    expect(first!.definition.objective).toEqual({ kind: 'max-alpha', trackingError: 0.03 });
    expect(fourth!.definition.model.id).toBe('equal');
    expect(fourth!.definition.objective?.trackingError).toBe(0.04);
    // null removes the field: no cap, and no tracking-error-cap constraint when the strategy is made.
    expect(cap!.definition.objective).toEqual({ kind: 'max-alpha' });
    expect(createStrategy(cap!.definition, { registry }).constraints.map((c) => c.plugin.id)).not.toContain('tracking-error-cap');
    expect(createStrategy(first!.definition, { registry }).constraints.map((c) => c.plugin.id)).toContain('tracking-error-cap');
    // A task's definition makes the same strategy again (what a worker does with it).
    expect(createStrategy(fourth!.definition, { registry }).definition).toEqual(fourth!.definition);
  });

  it('selects array entries by [n], by group, by id and by the factor string itself', () => {
    const base = parseStrategy(CSI300_YAML);
    const definition = {
      name: 'paths',
      base: parseStrategy(CSI300_YAML),
      grid: {
        'constraints[turnover-limit].params.limit': [0.2, 0.4],
        'factors[momentum_1y].params.window': [120],
        'factors[1].params.window': [30],
        'constraints[6].priority': [5],
      },
    };
    const sweep = createSweep(definition, { registry });
    expect(sweep.variants).toHaveLength(2);
    const d = sweep.variants[0]!.definition;
    expect(d.constraints![6]).toMatchObject({ id: 'turnover-limit', params: { limit: 0.2, side: 'one-way' }, priority: 5 });
    expect(sweep.variants[1]!.definition.constraints![6]!.params).toMatchObject({ limit: 0.4 });
    expect(d.factors[0]).toMatchObject({ id: 'momentum_1y', params: { window: 120 } });
    expect(d.factors[1]).toMatchObject({ id: 'volatility_3m', params: { window: 30, minObs: 30 } });

    // A group wins over an id; a factor written as a bare id becomes an entry when a key under it is set.
    const grouped = { ...base, factors: ['momentum_1y', { id: 'volatility_3m' }], constraints: [...base.constraints!, { id: 'turnover-limit', group: 'turnover', params: { limit: 0.5 } }] } as StrategyDefinition;
    const twice = createSweep({ name: 'g', grid: { 'constraints[turnover].params.limit': [0.25] }, strategy: 'x.yaml' }, { base: { ...grouped, constraints: grouped.constraints!.filter((c, i) => i !== 6) }, registry });
    expect(twice.variants[0]!.definition.constraints!.find((c) => c.group === 'turnover')!.params).toMatchObject({ limit: 0.25 });
    const bare = createSweep({ name: 'b', strategy: 'x.yaml', grid: { 'factors[momentum_1y].params.window': [100] } }, { base: grouped, registry: registry });
    expect(bare.variants[0]!.definition.factors[0]).toMatchObject({ id: 'momentum_1y', name: 'momentum_1y', params: { window: 100 } });
    expect(grouped.factors[0]).toBe('momentum_1y'); // the base is not changed
  });

  it('reports a path that fits nothing, naming the path and what is there', () => {
    const base = parseStrategy(CSI300_YAML);
    const error = invalid(() =>
      createSweep(
        {
          name: 's',
          strategy: 'x.yaml',
          grid: { 'constraints[nope].params.limit': [0.2], 'constraints[12].params.limit': [0.1], 'risk.halfLife[0]': [1], 'rebalance.every.x': [1] },
        },
        { base, registry },
      ),
    );
    const messages = error.issues.map((i) => `${i.path}: ${i.message}`);
    expect(messages[0]).toMatch(/^sweep\.grid\["constraints\[nope\]\.params\.limit"\]\[0\]: `strategy\.constraints\[nope\]`: no entry has the group or id `nope` \(the entries: \[0\] `fully-invested`, \[1\] `long-only`/);
    expect(messages[1]).toBe('sweep.grid["constraints[12].params.limit"][0]: `strategy.constraints` has 8 entries; [12] is past its end');
    expect(messages[2]).toMatch(/^sweep\.grid\["risk\.halfLife\[0\]"\]\[0\]: `strategy\.risk\.halfLife` is an object with the keys \(none\), not an array/);
    expect(messages[3]).toBe('sweep.grid["rebalance.every.x"][0]: `strategy.rebalance.every` is `"week"`, which has no key `x`');
    expect(error.issues.every((i) => i.variant === 's-0')).toBe(true);
    // Two entries with one id: select by group or index.
    const two = { ...base, constraints: [...base.constraints!, { id: 'long-only', group: 'again' }] } as StrategyDefinition;
    const ambiguous = invalid(() => createSweep({ name: 's', strategy: 'x', grid: { 'constraints[long-only].priority': [1] } }, { base: two, registry }));
    expect(ambiguous.issues[0]!.message).toBe('`strategy.constraints[long-only]`: 2 entries have the id `long-only` ([1], [8]); give each a `group` or select by index');
  });

  it('reports every problem of every variant, each at the grid value that caused it, naming the variant and its values', () => {
    const text = inline(
      [
        'grid:', // 21
        '  objective.trackingError: [0.04, -0.01, 0.05]', // 22
        '  constraints[stock-deviation].params.limit: [0.01, -0.5]', // 23
        '  model.id: [icir, ridge-x]', // 24
      ].join('\n'),
    );
    const line = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const error = invalid(() => createSweep(parseSweep(text, { file: 'grid.yaml' }), { registry }));
    const variants = new Set(error.issues.map((i) => i.variant));
    // 3 × 2 × 2 = 12 variants; only TE 0.04 or 0.05 with limit 0.01 and icir (2 variants) are sound.
    expect(variants.size).toBe(12 - 2);
    const te = error.issues.filter((i) => i.path === 'sweep.grid["objective.trackingError"][1]');
    expect(te).toHaveLength(4);
    for (const issue of te) {
      expect(issue.line).toBe(line('objective.trackingError'));
      expect(issue.message).toMatch(/^strategy\.objective\.trackingError: /);
      expect(issue.parameters!['objective.trackingError']).toBe(-0.01);
    }
    const limit = error.issues.filter((i) => i.path === 'sweep.grid["constraints[stock-deviation].params.limit"][1]');
    expect(limit).toHaveLength(6);
    expect(limit[0]!.message).toMatch(/^strategy\.constraints\[2\]\.params\.limit: /);
    const model = error.issues.filter((i) => i.path === 'sweep.grid["model.id"][1]');
    expect(model).toHaveLength(6);
    expect(model[0]!.message).toMatch(/^strategy\.model\.id: unknown model plugin `ridge-x`/);
    expect(model[0]!.line).toBe(line('model.id'));
    // The message line of one: file:line:column, the path, the variant and its values.
    expect(error.message).toContain(
      // `-0.01` starts at column 35; with 4 variants per value of the first key, variant 4 is its first.
      `grid.yaml:${line('objective.trackingError')}:35 sweep.grid["objective.trackingError"][1] (variant csi300-te-04: objective.trackingError = -0.01, constraints[stock-deviation].params.limit = 0.01, model.id = "icir"): strategy.objective.trackingError: `,
    );
  });

  it('names the variant of a plugin-parameter problem found by the plugin itself', () => {
    const base = parseStrategy(CSI300_YAML);
    const error = invalid(() =>
      createSweep(
        {
          name: 'tilt',
          strategy: 'x.yaml',
          variants: [{ name: 'ok', set: { 'constraints[style-exposure].params.limits': { size: { lower: -0.1, upper: 0.2 } } } }, { name: 'upside-down', set: { 'constraints[style-exposure].params.limits': { size: { lower: 3, upper: 2 } } } }],
        },
        { base, registry },
      ),
    );
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ path: 'sweep.variants[1].set["constraints[style-exposure].params.limits"]', variant: 'upside-down' });
    expect(error.issues[0]!.message).toBe('strategy.constraints[4].params.limits.size: lower 3 is greater than upper 2');
  });

  it('refuses two variants giving the same strategy, and a name given twice', () => {
    const base = parseStrategy(CSI300_YAML);
    // 0.3 is the base's turnover limit: the first grid value gives the same strategy as the named variant `base` (only the name differs).
    const error = invalid(() =>
      createSweep(
        {
          name: 'dup',
          strategy: 'x.yaml',
          grid: { 'constraints[turnover-limit].params.limit': [0.3, 0.4] },
          variants: [{ name: 'base', set: { capital: 50000000 } }, { name: 'dup-1', set: { capital: 1e7 } }],
        },
        { base, registry },
      ),
    );
    expect(error.issues.map((i) => [i.path, i.variant, i.message])).toEqual([
      ['sweep.variants[0].name', 'base', 'gives the same strategy as variant `dup-0` (constraints[turnover-limit].params.limit = 0.3); every variant must differ'],
      ['sweep.variants[1].name', 'dup-1', 'the name `dup-1` is taken by variant 1 (a grid variant); variant names must be unique'],
    ]);
  });

  it('reports a problem of the base once, at the base, not once per variant', () => {
    const base = { ...parseStrategy(CSI300_YAML), model: { id: 'nope' } } as StrategyDefinition;
    const error = invalid(() => createSweep({ name: 'b', strategy: 'x.yaml', grid: { capital: [1e7, 2e7, 3e7] } }, { base, registry }));
    expect(error.issues.map((i) => [i.path, i.variant])).toEqual([['strategy.model.id', undefined]]);
    // A variant that replaces the bad field is fine.
    const fixed = createSweep({ name: 'b', strategy: 'x.yaml', grid: { 'model.id': ['icir', 'equal'] } }, { base, registry });
    expect(fixed.variants.map((v) => v.definition.model.id)).toEqual(['icir', 'equal']);
  });

  it('refuses more than 100,000 variants naming the count, without making them', () => {
    const values = Array.from({ length: 50 }, (_, i) => i + 1);
    const started = performance.now();
    const error = invalid(() => createSweep({ name: 'big', strategy: 'x', grid: { capital: values.map((v) => v * 1e6), 'model.horizon': values, 'model.window': values }, variants: [{ set: { capital: 1 } }] }, { base: parseStrategy(CSI300_YAML), registry }));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.message).toBe('the sweep has 125001 variants (50 (capital) × 50 (model.horizon) × 50 (model.window) + 1 listed); at most 100000 are allowed: split it into several sweeps');
  });

  it('lists at most 200 problems in the message, every one in issues', () => {
    const horizons = Array.from({ length: 300 }, (_, i) => -1 - i);
    const error = invalid(() => createSweep({ name: 'many', strategy: 'x.yaml', grid: { 'model.horizon': horizons } }, { base: parseStrategy(CSI300_YAML), registry }));
    expect(error.issues).toHaveLength(300);
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('invalid sweep (300 problems):');
    expect(lines).toHaveLength(1 + 200 + 1);
    expect(lines[201]).toBe("  … and 100 more (the error's `issues` hold every one)");
  });

  it('pads generated names to the width of the count, and follows universe.index with the default benchmark', () => {
    const base = parseStrategy(CSI300_YAML);
    const sweep = createSweep({ name: 'w', strategy: 'x.yaml', grid: { 'universe.index': ['csi300', 'csi500'], 'model.horizon': [1, 2, 3, 4, 5] } }, { base, registry });
    expect(sweep.variants.map((v) => v.name).slice(0, 3)).toEqual(['w-00', 'w-01', 'w-02']);
    expect(sweep.variants[9]!.name).toBe('w-09');
    expect(sweep.variants[0]!.definition.benchmark).toBe('100% 000300.SH');
    expect(sweep.variants[5]!.definition.benchmark).toBe('100% 000905.SH');
    // A benchmark the base wrote itself stays.
    const written = { ...base, benchmark: '95% 000300.SH + 5% deposit' };
    const kept = createSweep({ name: 'k', strategy: 'x.yaml', grid: { 'universe.index': ['csi300', 'csi500'] } }, { base: written, registry });
    expect(kept.variants.map((v) => v.definition.benchmark)).toEqual(['95% 000300.SH + 5% deposit', '95% 000300.SH + 5% deposit']);
  });
});

describe('readSweepFile', () => {
  it('reads the base strategy relative to the sweep file', async () => {
    const dir = join(root, 'relative');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'strategies'), { recursive: true });
    writeFileSync(join(dir, 'strategies', 'csi300.yaml'), CSI300_YAML);
    writeFileSync(join(dir, 'grid.yaml'), 'name: g\nstrategy: strategies/csi300.yaml\ngrid:\n  model.horizon: [5, 10]\n');
    const sweep = await readSweepFile(join(dir, 'grid.yaml'), { registry });
    expect(sweep.base.name).toBe('csi300-enhanced');
    expect(sweep.variants.map((v) => v.definition.model.horizon)).toEqual([5, 10]);
  });

  it('names the sweep file and the strategy line when the base cannot be read; the base file names its own problems', async () => {
    const dir = join(root, 'missing');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'grid.yaml');
    writeFileSync(file, 'name: g\n\nstrategy: nowhere.yaml\ngrid:\n  model.horizon: [5, 10]\n');
    const error = await readSweepFile(file, { registry }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isFactorkitError(error)).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`^invalid sweep \`${file.replaceAll('/', '\\/')}\` \\(1 problem\\):\\n {2}- ${file.replaceAll('/', '\\/')}:3:1 sweep\\.strategy: the base strategy \`"nowhere\\.yaml"\`: strategy file .* cannot be read: no such file$`));

    writeFileSync(join(dir, 'bad.yaml'), CSI300_YAML.replace('horizon: 5', 'horizon: 0'));
    writeFileSync(file, 'name: g\nstrategy: bad.yaml\ngrid:\n  model.window: [60]\n');
    const own = await readSweepFile(file, { registry }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(own?.message).toContain(`${join(dir, 'bad.yaml')}:`);
    expect(own?.message).toContain('strategy.model.horizon');
  });
});
