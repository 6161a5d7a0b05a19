import { type Problem, ProblemBuilder, type Solution } from '@factorkit/core';
import { type GeneratedProblem, generateMfeProblem, nextWeekProblem } from '@factorkit/synth';
import { describe, expect, it } from 'vitest';
import { type HighsParams, highsOptimizer, loadHighsRuntime } from '../src/index.js';
import { toModelData } from '../src/model.js';
import { HighsSession } from '../src/session.js';

const params: HighsParams = highsOptimizer.with().params;

/** Solve on a new instance, released afterwards: nothing shared with any other solve. */
async function fresh(problem: Problem, options = {}, overrides: Partial<HighsParams> = {}): Promise<Solution> {
  const instance = await highsOptimizer.create({ ...params, ...overrides });
  try {
    return await instance.solve(problem, options);
  } finally {
    await instance.dispose?.();
  }
}

const maxDiff = (a: Float64Array, b: Float64Array) => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let j = 0; j < a.length; j++) d = Math.max(d, Number.isNaN(a[j]!) && Number.isNaN(b[j]!) ? 0 : Math.abs(a[j]! - b[j]!));
  return d;
};

/** Same status, HiGHS path (model status, iterations), objective, x and duals to 1e-9. */
function expectSame(reused: Solution, alone: Solution, what: string): void {
  expect(reused.status, what).toBe(alone.status);
  expect(reused.diagnostics.modelStatus, what).toBe(alone.diagnostics.modelStatus);
  expect(reused.diagnostics.iterations, what).toBe(alone.diagnostics.iterations);
  if (alone.status !== 'optimal') {
    expect([...reused.x].every(Number.isNaN), what).toBe(true);
    return;
  }
  expect(Math.abs(reused.objective - alone.objective), what).toBeLessThanOrEqual(1e-9);
  expect(maxDiff(reused.x, alone.x), what).toBeLessThanOrEqual(1e-9);
  expect(maxDiff(reused.rowDuals!, alone.rowDuals!), what).toBeLessThanOrEqual(1e-9);
}

/** minimise (x − 1)² + (y − 2)², x + 2y ≤ 4: optimum (0.8, 1.6). */
function projectionQp(): Problem {
  const b = new ProblemBuilder({ numWeights: 2 }, 'minimize');
  b.addLinearObjective([-2, -4]);
  b.addObjectiveOffset(5);
  b.addQuadratic(0, 0, 2);
  b.addQuadratic(1, 1, 2);
  b.group('cap').addRow({ index: [0, 1], value: [1, 2], upper: 4, label: 'cap' });
  return b.build();
}

/** The same rows and bounds as {@link projectionQp} as an LP: minimise −2x − 4y (optimum on y = 2). */
function projectionLp(): Problem {
  const b = new ProblemBuilder({ numWeights: 2 }, 'minimize');
  b.addLinearObjective([-2, -5]);
  b.group('cap').addRow({ index: [0, 1], value: [1, 2], upper: 4, label: 'cap' });
  const box = b.group('box');
  box.bound(0, 0, 10);
  box.bound(1, 0, 10);
  return b.build();
}

/** maximise x + y, x + y ≥ 1, x, y ≥ 0. */
function unboundedLp(): Problem {
  const b = new ProblemBuilder({ numWeights: 2 }, 'maximize');
  b.addLinearObjective([1, 1]);
  b.group('floor').addRow({ index: [0, 1], value: [1, 1], lower: 1 });
  const pos = b.group('pos');
  pos.bound(0, 0, Number.POSITIVE_INFINITY);
  pos.bound(1, 0, Number.POSITIVE_INFINITY);
  return b.build();
}

/**
 * maximise x + y, 1 ≤ x − y + z ≤ 3, x + z ≤ 5, all ≥ 0: optimum x = 5, y = 4. HiGHS's presolve
 * solves it alone (no simplex iteration); without presolve the simplex needs some.
 */
function presolvedLp(): Problem {
  const b = new ProblemBuilder({ numWeights: 3 }, 'maximize');
  b.addLinearObjective([1, 1, 0]);
  b.group('band').addRow({ index: [0, 1, 2], value: [1, -1, 1], lower: 1, upper: 3 });
  b.group('cap').addRow({ index: [0, 2], value: [1, 1], upper: 5 });
  const pos = b.group('pos');
  for (let j = 0; j < 3; j++) pos.bound(j, 0, Number.POSITIVE_INFINITY);
  return b.build();
}

/** maximise a convex quadratic: HiGHS throws (a `HighsError`), the wrapper returns status `error`. */
function nonConcaveQp(): Problem {
  const b = new ProblemBuilder({ numWeights: 2 }, 'maximize');
  b.addLinearObjective([1, 1]);
  b.addQuadratic(0, 0, 2);
  b.addQuadratic(1, 1, 2);
  b.group('cap').addRow({ index: [0, 1], value: [1, 1], upper: 1, label: 'cap' });
  const box = b.group('box');
  box.bound(0, 0, 1);
  box.bound(1, 0, 1);
  return b.build();
}

/** x + y ≥ 5 with x, y ≤ 1. */
function infeasibleLp(): Problem {
  const b = new ProblemBuilder({ numWeights: 2 }, 'minimize');
  b.addLinearObjective([1, 1]);
  b.group('floor').addRow({ index: [0, 1], value: [1, 1], lower: 5, label: 'floor' });
  const caps = b.group('caps');
  caps.bound(0, 0, 1);
  caps.bound(1, 0, 1);
  return b.build();
}

/** `count` consecutive MFE weeks with a turnover limit against the drifted holdings. */
function weeks(assets: number, count: number, seed: number): Problem[] {
  let g: GeneratedProblem = generateMfeProblem({ assets, industries: 12, styles: 4, industryBand: 0.005, seed });
  const out: Problem[] = [];
  for (let k = 0; k < count; k++) {
    g = nextWeekProblem(g, { seed: seed * 100 + k, turnoverLimit: 0.3 });
    out.push(g.problem);
  }
  return out;
}

describe('one instance for many solves', () => {
  it('gives the same results as a new instance per solve, whatever came before (LPs, QPs, sizes, senses, limits, presolve)', async () => {
    const [w1, w2, w3] = weeks(150, 3, 7);
    const sequence: { problem: Problem; options?: { timeLimitMs?: number }; what: string }[] = [
      { problem: w1!, what: 'MFE week 1 (n = 150)' },
      { problem: w2!, what: 'MFE week 2' },
      { problem: projectionQp(), what: 'QP' },
      { problem: projectionLp(), what: 'LP on the QP rows, right after the QP (its Hessian must be gone)' },
      { problem: unboundedLp(), what: 'unbounded' },
      { problem: w3!, what: 'MFE week 3 after an unbounded problem' },
      { problem: presolvedLp(), what: 'an LP presolve solves alone' },
      { problem: weeks(60, 1, 3)[0]!, options: { timeLimitMs: 20_000 }, what: 'smaller MFE LP with its own time limit' },
      { problem: w1!, what: 'MFE week 1 again, default time limit' },
      { problem: infeasibleLp(), what: 'infeasible' },
      { problem: w2!, what: 'MFE week 2 again' },
    ];
    const instance = await highsOptimizer.create(params);
    for (const { problem, options, what } of sequence) {
      const reused = await instance.solve(problem, options ?? {});
      expectSame(reused, await fresh(problem, options ?? {}), what);
    }
    await instance.dispose?.();

    // The checks can see a leak: the Hessian changes the LP's optimum, presolve changes HiGHS's path.
    expect(maxDiff((await fresh(projectionQp())).x, (await fresh(projectionLp())).x)).toBeGreaterThan(0.1);
    const presolved = await fresh(presolvedLp());
    expect([presolved.x[0], presolved.x[1], presolved.objective]).toEqual([expect.closeTo(5, 9), expect.closeTo(4, 9), expect.closeTo(9, 9)]);
    expect((await fresh(presolvedLp(), {}, { presolve: false })).diagnostics.iterations).not.toBe(presolved.diagnostics.iterations);
  });

  it('a failure does not poison the next solve: a HiGHS error, a time limit and an infeasible problem in between', async () => {
    const [lp] = weeks(120, 1, 5);
    const expected = await fresh(lp!);
    expect(expected.status).toBe('optimal');
    const instance = await highsOptimizer.create(params);
    expect((await instance.solve(lp!)).objective).toBe(expected.objective);

    const thrown = await instance.solve(nonConcaveQp());
    expect(thrown.status).toBe('error');
    expect(thrown.diagnostics.messages.join('\n')).toMatch(/HiGHS failed/);
    expectSame(await instance.solve(lp!), expected, 'after a thrown HiGHS error');

    const stopped = await instance.solve(lp!, { timeLimitMs: 1e-9 });
    expect(stopped.status).toBe('time_limit');
    expectSame(await instance.solve(lp!), expected, 'after a time limit');

    expect((await instance.solve(infeasibleLp())).status).toBe('infeasible');
    expectSame(await instance.solve(lp!), expected, 'after an infeasible problem');

    // Misuse throws before HiGHS is touched, and leaves the instance usable.
    await expect(instance.solve({ ...lp!, c: new Float64Array(3) })).rejects.toThrow(/`c` must have/);
    expectSame(await instance.solve(lp!), expected, 'after a rejected problem');
    await instance.dispose?.();
  });

  it("restarts HiGHS's clocks for every solve: its time limit is per solve, not per instance", async () => {
    // HiGHS's time limit and run time count from its last clock reset. A limit of 300 ms on an
    // instance whose solves add up to several times that must never stop a solve.
    const [lp] = weeks(100, 1, 9);
    const instance = await highsOptimizer.create({ ...params, timeLimitMs: 300 });
    let elapsed = 0;
    let solves = 0;
    while (elapsed < 1_200 && solves < 5_000) {
      const solution = await instance.solve(lp!);
      expect(solution.status, `solve ${solves + 1} after ${elapsed.toFixed(0)} ms`).toBe('optimal');
      // Run time is the solve's own, never more than the whole call took.
      expect(solution.diagnostics.highsRunMs as number).toBeLessThanOrEqual(solution.diagnostics.timeMs + 1e-6);
      elapsed += solution.diagnostics.timeMs;
      solves++;
    }
    expect(elapsed).toBeGreaterThanOrEqual(1_200);
    await instance.dispose?.();
  });

  it('keeps one HiGHS model for all its solves, releases it on dispose and makes a new one when used again', async () => {
    const highs = await loadHighsRuntime();
    const created: { disposed: boolean }[] = [];
    const original = highs.createModel.bind(highs);
    const descriptor = Object.getOwnPropertyDescriptor(highs, 'createModel');
    (highs as unknown as { createModel: typeof original }).createModel = (source?: Parameters<typeof original>[0]) => {
      const model = original(source);
      created.push(model);
      return model;
    };
    try {
      const [lp] = weeks(80, 1, 4);
      const instance = await highsOptimizer.create(params);
      for (let i = 0; i < 20; i++) expect((await instance.solve(lp!)).status).toBe('optimal');
      expect(created).toHaveLength(1);
      expect(created[0]!.disposed).toBe(false);
      await instance.dispose?.();
      expect(created[0]!.disposed).toBe(true);
      expect((await instance.solve(lp!)).status).toBe('optimal');
      expect(created).toHaveLength(2);
      // A HiGHS failure discards the model too: the next solve gets a new one.
      expect((await instance.solve(nonConcaveQp())).status).toBe('error');
      expect(created[1]!.disposed).toBe(true);
      expect((await instance.solve(lp!)).status).toBe('optimal');
      expect(created).toHaveLength(3);
      await instance.dispose?.();
      expect(created.every((m) => m.disposed)).toBe(true);
    } finally {
      if (descriptor) Object.defineProperty(highs, 'createModel', descriptor);
      else delete (highs as unknown as { createModel?: unknown }).createModel;
    }
  });
});

describe('HighsSession options', () => {
  it('sets only the options that changed, and sets an option again after a solve changed it', async () => {
    const session = new HighsSession(await loadHighsRuntime());
    const model = session.load(toModelData(session.highs, presolvedLp()));
    const set: string[] = [];
    const original = model.options.set.bind(model.options);
    (model.options as { set: (name: string, value: never) => unknown }).set = (name: string, value: never) => {
      set.push(name);
      return original(name, value);
    };
    session.setOptions(model, { presolve: 'on', time_limit: 5, output_flag: false });
    expect(set).toEqual(['presolve', 'time_limit', 'output_flag']);
    session.setOptions(model, { presolve: 'on', time_limit: 5, output_flag: false });
    expect(set).toHaveLength(3);
    // The solver's own change (a re-run without presolve) goes through the session too…
    session.setOptions(model, { presolve: 'off' });
    expect(model.options.get('presolve')).toBe('off');
    // …so the next solve's full option set puts it back.
    session.setOptions(model, { presolve: 'on', time_limit: 7, output_flag: false });
    expect(set).toEqual(['presolve', 'time_limit', 'output_flag', 'presolve', 'presolve', 'time_limit']);
    expect(model.options.get('presolve')).toBe('on');
    expect(model.options.get('time_limit')).toBe(7);
    session.discard();
    expect(model.disposed).toBe(true);
  });
});
