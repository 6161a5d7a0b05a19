import { describe, expect, it } from 'vitest';
import {
  type ConstraintContext,
  ProblemBuilder,
  type Solution,
  ValidationError,
  applyConstraints,
  assertSolved,
  failedSolution,
  checkConstraint,
  checkOptimizer,
  checkUniverse,
  createMemoryData,
  defineConstraint,
  defineOptimizer,
  defineUniverse,
  param,
  requireExposure,
} from '../src/index.js';
import { arr, thrown } from './helpers.js';

const issuesOf = (fn: () => unknown) => {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(ValidationError);
  expect(error.code).toBe('FK_INVALID_PLUGIN');
  return (error as ValidationError).issues;
};

describe('defineUniverse', () => {
  const firstTwo = defineUniverse({
    id: 'first_n',
    apiVersion: '1.0',
    meta: {
      description: 'the first n assets',
      inputs: [],
      benchmark: true,
      params: { n: param.integer({ default: 2, min: 1 }) },
    },
    resolve: (ctx) => ({
      id: 'first_n',
      members: () => Uint8Array.from(ctx.data.assets.map((_, a) => (a < ctx.params.n ? 1 : 0))),
    }),
  });

  it('makes a frozen universe plugin whose with() fills defaults', () => {
    expect(firstTwo.kind).toBe('universe');
    expect(Object.isFrozen(firstTwo)).toBe(true);
    expect(checkUniverse(firstTwo)).toEqual([]);
    expect(firstTwo.with()).toEqual({ plugin: firstTwo, params: { n: 2 } });
    expect(thrown(() => firstTwo.with({ n: 0 })).message).toBe('invalid parameters for universe `first_n`:\n  - params.n: expected an integer ≥ 1, got `0`');
  });

  it('resolves against data', () => {
    const data = createMemoryData({ calendar: ['2024-01-02'], assets: ['A', 'B', 'C'] });
    const spec = firstTwo.with({ n: 1 });
    expect(arr(spec.plugin.resolve({ params: spec.params, data }).members(0))).toEqual([1, 0, 0]);
  });

  it('rejects a malformed definition, listing every problem', () => {
    expect(
      issuesOf(() =>
        defineUniverse({
          id: 'u',
          apiVersion: '1.0',
          meta: { description: 'x', inputs: 'close' as never, benchmark: 'yes' as never, params: {} },
          resolve: undefined as never,
        }),
      ),
    ).toEqual([
      { path: 'meta.inputs', message: 'expected an array of inputs, got `"close"`' },
      { path: 'meta.benchmark', message: 'expected a boolean, got `"yes"`' },
      { path: 'resolve', message: 'expected a function, got `undefined`' },
    ]);
  });
});

describe('defineConstraint', () => {
  const stockCap = defineConstraint({
    id: 'stock_cap',
    apiVersion: '1.0',
    meta: { description: 'cap each weight', priority: 5, params: { max: param.number({ default: 0.5, min: 0 }) } },
    build(ctx) {
      for (let i = 0; i < ctx.assets.length; i++) ctx.rows.bound(i, 0, ctx.params.max);
    },
  });
  const fullyInvested = defineConstraint({
    id: 'fully_invested',
    apiVersion: '1.0',
    meta: { description: 'weights sum to one', params: {} },
    build(ctx) {
      ctx.rows.addWeightRow(new Float64Array(ctx.assets.length).fill(1), 1, 1, 'sum');
    },
  });
  const context: ConstraintContext = {
    date: '2024-01-02',
    assets: ['A', 'B', 'C'],
    benchmark: Float64Array.from([0.5, 0.3, 0.2]),
    exposures: { beta: Float64Array.from([1, 1.2, 0.8]), value: Float64Array.from([0, 1, -1]) },
    categories: {},
  };

  it('with() defaults the group to the id and the priority to meta.priority (or 0)', () => {
    expect(stockCap.kind).toBe('constraint');
    expect(Object.isFrozen(stockCap)).toBe(true);
    expect(stockCap.with()).toEqual({ plugin: stockCap, params: { max: 0.5 }, group: 'stock_cap', priority: 5 });
    expect(stockCap.with({ max: 0.25 }, { group: 'cap_small', priority: 9 })).toEqual({
      plugin: stockCap,
      params: { max: 0.25 },
      group: 'cap_small',
      priority: 9,
    });
    expect(stockCap.with(undefined, { priority: 0 }).priority).toBe(0);
    expect(fullyInvested.with()).toMatchObject({ group: 'fully_invested', priority: 0 });
    expect(thrown(() => stockCap.with({ max: -1 })).code).toBe('FK_INVALID_PARAMS');
  });

  it('applyConstraints adds one group per constraint, in order, with its priority', () => {
    const builder = new ProblemBuilder({ assets: context.assets });
    applyConstraints(builder, context, [fullyInvested.with(), stockCap.with({ max: 0.25 }, { group: 'caps', priority: 7 })]);
    const problem = builder.build();
    expect(problem.groups).toEqual([
      { name: 'fully_invested', priority: 0, rowStart: 0, rowCount: 1 },
      { name: 'caps', priority: 7, rowStart: 1, rowCount: 0 },
    ]);
    expect(problem.rowLabels).toEqual(['sum']);
    expect(arr(problem.upper)).toEqual([0.25, 0.25, 0.25]);
    expect(arr(problem.upperOwner)).toEqual([1, 1, 1]);
  });

  it('applyConstraints passes the context and params to build', () => {
    const seen: unknown[] = [];
    const spy = defineConstraint({
      id: 'spy',
      apiVersion: '1.0',
      meta: { description: 'records its context', params: { k: param.number({ default: 3 }) } },
      build(ctx) {
        seen.push(ctx.date, ctx.assets, ctx.params, ctx.rows.name, ctx.rows.priority, ctx.problem.numWeights, ctx.exposures.beta);
      },
    });
    applyConstraints(new ProblemBuilder({ assets: context.assets }), context, [spy.with(undefined, { priority: 2 })]);
    expect(seen).toEqual(['2024-01-02', ['A', 'B', 'C'], { k: 3 }, 'spy', 2, 3, context.exposures.beta]);
  });

  it('applyConstraints rejects a context whose assets do not match the problem', () => {
    const error = thrown(() => applyConstraints(new ProblemBuilder({ numWeights: 2 }), context, [fullyInvested.with()]));
    expect(error.code).toBe('FK_INVALID_ARGUMENT');
    expect(error.message).toBe('constraints: context has 3 assets, the problem 2 weights');
  });

  it('applyConstraints rejects two constraints in one group', () => {
    const error = thrown(() => applyConstraints(new ProblemBuilder({ assets: context.assets }), context, [stockCap.with(), stockCap.with()]));
    expect(error.code).toBe('FK_INVALID_PROBLEM');
    expect(error.message).toContain('`stock_cap` already exists');
  });

  it('requireExposure returns the exposure or names what is available', () => {
    expect(requireExposure(context, 'beta', 'constraint `x`')).toBe(context.exposures.beta);
    const error = thrown(() => requireExposure(context, 'size', 'constraint `style`'));
    expect(error.code).toBe('FK_MISSING_INPUT');
    expect(error.message).toBe('constraint `style` needs exposure `size`; the context has `beta`, `value`');
    expect(error.details).toEqual({ owner: 'constraint `style`', missing: ['size'], available: ['beta', 'value'] });
    expect(thrown(() => requireExposure({ ...context, exposures: {} }, 'size', 'c')).message).toBe('c needs exposure `size`; the context has none');
  });

  it('rejects a malformed definition, listing every problem', () => {
    expect(
      issuesOf(() =>
        defineConstraint({
          id: '9lives',
          apiVersion: '1.0',
          meta: { description: '  ', priority: 'high' as never, params: {} },
          build: 5 as never,
        }),
      ),
    ).toEqual([
      { path: 'id', message: 'expected an id matching /^[a-z][a-z0-9_.-]*$/, got `"9lives"`' },
      { path: 'meta.description', message: 'expected a non-empty string, got `"  "`' },
      { path: 'meta.priority', message: 'expected a number, got `"high"`' },
      { path: 'build', message: 'expected a function, got `5`' },
    ]);
    expect(checkConstraint({ ...stockCap, meta: { ...stockCap.meta, priority: Number.POSITIVE_INFINITY } })).toEqual([
      { path: 'meta.priority', message: 'expected a number, got `Infinity`' },
    ]);
  });
});

describe('defineOptimizer', () => {
  const capabilities = { linear: true, quadratic: false, duals: false, warmStart: false };
  const toy = defineOptimizer({
    id: 'toy',
    apiVersion: '1.0',
    meta: { description: 'returns the lower bounds', capabilities, params: { tolerance: param.number({ default: 1e-8, min: 0, exclusiveMin: true }) } },
    create: (params) => ({
      id: 'toy',
      solve: (problem) =>
        Promise.resolve({
          status: 'optimal',
          x: problem.lower,
          weights: problem.lower.subarray(0, problem.numWeights),
          objective: 0,
          primalResidual: 0,
          groups: [],
          diagnostics: { solver: 'toy', timeMs: 0, messages: [`tolerance ${params.tolerance}`] },
        } satisfies Solution),
    }),
  });

  it('makes a frozen optimizer plugin whose with() validates params', async () => {
    expect(toy.kind).toBe('optimizer');
    expect(Object.isFrozen(toy)).toBe(true);
    expect(checkOptimizer(toy)).toEqual([]);
    const spec = toy.with({ tolerance: 1e-6 });
    expect(spec.params).toEqual({ tolerance: 1e-6 });
    expect(thrown(() => toy.with({ tolerance: 0 })).message).toContain('params.tolerance: expected a number > 0, got `0`');
    const builder = new ProblemBuilder({ numWeights: 2 });
    builder.group('b').bound(0, 0.25, 1);
    const instance = await spec.plugin.create(spec.params);
    const solution = await instance.solve(builder.build());
    expect(solution.status).toBe('optimal');
    expect(arr(solution.weights)).toEqual([0.25, Number.NEGATIVE_INFINITY]);
    expect(solution.diagnostics.messages).toEqual(['tolerance 0.000001']);
  });

  it('rejects missing or malformed capabilities', () => {
    expect(
      issuesOf(() => defineOptimizer({ id: 'o', apiVersion: '1.0', meta: { description: 'x', params: {} } as never, create: () => ({}) as never })),
    ).toEqual([{ path: 'meta.capabilities', message: 'expected { linear, quadratic, duals, warmStart }, got `undefined`' }]);
    expect(
      issuesOf(() =>
        defineOptimizer({ id: 'o', apiVersion: '1.0', meta: { description: 'x', params: {}, capabilities: { linear: 'yes' } as never }, create: null as never }),
      ),
    ).toEqual([
      { path: 'meta.capabilities.linear', message: 'expected a boolean, got `"yes"`' },
      { path: 'meta.capabilities.quadratic', message: 'expected a boolean, got `undefined`' },
      { path: 'meta.capabilities.duals', message: 'expected a boolean, got `undefined`' },
      { path: 'meta.capabilities.warmStart', message: 'expected a boolean, got `undefined`' },
      { path: 'create', message: 'expected a function, got `null`' },
    ]);
  });
});

describe('failedSolution', () => {
  it('carries no usable point: NaN everywhere, the status and diagnostics, and assertSolved throws', () => {
    const builder = new ProblemBuilder({ numWeights: 2 });
    builder.addVariables('t', 1);
    builder.group('budget', 3).addWeightRow([1, 1], 1, 1);
    const s = failedSolution(builder.build(), 'infeasible', { solver: 'x', timeMs: 1, messages: ['why'] });
    expect(s.status).toBe('infeasible');
    expect([...s.x].every(Number.isNaN)).toBe(true);
    expect(s.x).toHaveLength(3);
    expect(s.weights).toHaveLength(2);
    expect(s.objective).toBeNaN();
    expect(s.groups).toEqual([{ name: 'budget', priority: 3, maxViolation: Number.NaN }]);
    expect(() => assertSolved(s)).toThrow(/optimizer `x` ended with status `infeasible`\n {2}why/);
  });
});

describe('assertSolved', () => {
  const solution = (overrides: Partial<Solution>): Solution => ({
    status: 'optimal',
    x: new Float64Array(2),
    weights: new Float64Array(2),
    objective: 0,
    primalResidual: 0,
    groups: [],
    diagnostics: { solver: 'toy', timeMs: 1, messages: [] },
    ...overrides,
  });

  it('passes an optimal solution, even with tiny residuals', () => {
    expect(() => assertSolved(solution({ groups: [{ name: 'budget', priority: 0, maxViolation: 1e-9 }] }))).not.toThrow();
  });

  it('throws FK_NOT_SOLVED with the status, solver messages and violated groups', () => {
    const error = thrown(() =>
      assertSolved(
        solution({
          status: 'infeasible',
          groups: [
            { name: 'budget', priority: 10, maxViolation: 0.05, worst: 'sum' },
            { name: 'caps', priority: 5, maxViolation: 1e-9 },
            { name: 'industry', priority: 3, maxViolation: 0.25 },
          ],
          diagnostics: { solver: 'toy', timeMs: 1, messages: ['primal infeasible'] },
        }),
      ),
    );
    expect(error.code).toBe('FK_NOT_SOLVED');
    expect(error.message).toBe(
      'optimizer `toy` ended with status `infeasible`\n' +
        '  primal infeasible\n' +
        '  group `budget` violated by 5.00e-2 (at sum)\n' +
        '  group `industry` violated by 2.50e-1',
    );
    expect(error.details.status).toBe('infeasible');
    expect(error.details.diagnostics).toEqual({ solver: 'toy', timeMs: 1, messages: ['primal infeasible'] });
  });

  it('throws for every non-optimal status', () => {
    for (const status of ['unbounded', 'iteration_limit', 'time_limit', 'numerical_error', 'error'] as const) {
      const error = thrown(() => assertSolved(solution({ status })));
      expect(error.code).toBe('FK_NOT_SOLVED');
      expect(error.message).toBe(`optimizer \`toy\` ended with status \`${status}\``);
    }
  });
});
