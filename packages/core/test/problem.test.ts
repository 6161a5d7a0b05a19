import { describe, expect, it } from 'vitest';
import { ProblemBuilder, objectiveValue, problemResiduals, quadraticRowValue } from '../src/index.js';
import { arr, thrown } from './helpers.js';

const INF = Number.POSITIVE_INFINITY;

describe('ProblemBuilder: variables', () => {
  it('starts with the weight block, one variable per asset', () => {
    const problem = new ProblemBuilder({ assets: ['A', 'B', 'C'] }).build();
    expect(problem.sense).toBe('maximize');
    expect(problem.numWeights).toBe(3);
    expect(problem.numVariables).toBe(3);
    expect(problem.assets).toEqual(['A', 'B', 'C']);
    expect(problem.blocks).toEqual([{ name: 'w', start: 0, count: 3 }]);
    expect(arr(problem.lower)).toEqual([-INF, -INF, -INF]);
    expect(arr(problem.upper)).toEqual([INF, INF, INF]);
    expect(arr(problem.lowerOwner)).toEqual([-1, -1, -1]);
    expect(arr(problem.c)).toEqual([0, 0, 0]);
    expect(problem.offset).toBe(0);
    expect(problem.P).toBeUndefined();
    expect(problem.A).toEqual({ rows: 0, cols: 3, start: Int32Array.from([0]), index: new Int32Array(0), value: new Float64Array(0) });
    expect(problem.groups).toEqual([]);
  });

  it('appends blocks after the weights, with their default bounds', () => {
    const builder = new ProblemBuilder({ numWeights: 2 }, 'minimize');
    expect(builder.addVariables('buy', 2, { lower: 0 })).toEqual({ name: 'buy', start: 2, count: 2 });
    expect(builder.addVariables('f', 1, { lower: -1, upper: 1 })).toEqual({ name: 'f', start: 4, count: 1 });
    expect(builder.addVariables('none', 0)).toEqual({ name: 'none', start: 5, count: 0 });
    expect(builder.numVariables).toBe(5);
    const problem = builder.build();
    expect(problem.sense).toBe('minimize');
    expect('assets' in problem).toBe(false);
    expect(problem.blocks.map((b) => [b.name, b.start, b.count])).toEqual([
      ['w', 0, 2],
      ['buy', 2, 2],
      ['f', 4, 1],
      ['none', 5, 0],
    ]);
    expect(arr(problem.lower)).toEqual([-INF, -INF, 0, 0, -1]);
    expect(arr(problem.upper)).toEqual([INF, INF, INF, INF, 1]);
    expect(arr(problem.lowerOwner)).toEqual([-1, -1, -1, -1, -1]);
  });

  it('rejects a problem without weights and malformed blocks', () => {
    expect(thrown(() => new ProblemBuilder({ assets: [] })).code).toBe('FK_INVALID_PROBLEM');
    expect(thrown(() => new ProblemBuilder({ numWeights: 1.5 })).message).toBe('problem: need at least one weight, got `1.5`');
    const builder = new ProblemBuilder({ numWeights: 2 });
    expect(thrown(() => builder.addVariables('w', 1)).message).toBe('problem: variable block `w` already exists');
    expect(thrown(() => builder.addVariables('x', -1)).code).toBe('FK_INVALID_PROBLEM');
  });
});

describe('ProblemBuilder: rows', () => {
  it('stores rows in CSR with sorted columns and merged duplicates', () => {
    const builder = new ProblemBuilder({ numWeights: 3 });
    builder.addVariables('aux', 2);
    const group = builder.group('g');
    expect(group.addRow({ index: [4, 1, 4, 0], value: [1, 2, 3, 4], lower: -1, upper: 1, label: 'mixed' })).toBe(0);
    expect(group.addWeightRow([0, 3, 0], 0, INF)).toBe(1);
    expect(group.addRow({ index: [], value: [] })).toBe(2);
    const { A, rowLower, rowUpper, rowLabels } = builder.build();
    expect(A.rows).toBe(3);
    expect(A.cols).toBe(5);
    expect(arr(A.start)).toEqual([0, 3, 4, 4]);
    expect(arr(A.index)).toEqual([0, 1, 4, 1]);
    expect(arr(A.value)).toEqual([4, 2, 4, 3]);
    expect(arr(rowLower)).toEqual([-1, 0, -INF]);
    expect(arr(rowUpper)).toEqual([1, INF, INF]);
    expect(rowLabels).toEqual(['mixed', '', '']);
  });

  it('a row in increasing column order is stored as given; repeated or unordered columns are merged and sorted', () => {
    const builder = new ProblemBuilder({ numWeights: 4 });
    const group = builder.group('g');
    group.addRow({ index: [0, 2, 3], value: [1, -2, 0] });
    group.addRow({ index: [1, 1], value: [2, 5] });
    group.addRow({ index: [3, 2], value: [7, 8] });
    group.addRow({ index: [0, 2, 2, 3], value: [1, 1, 1, 1] });
    const { A } = builder.build();
    expect(arr(A.start)).toEqual([0, 3, 4, 6, 9]);
    expect(arr(A.index)).toEqual([0, 2, 3, 1, 2, 3, 0, 2, 3]);
    expect(arr(A.value)).toEqual([1, -2, 0, 7, 8, 7, 1, 2, 1]);
  });

  it('orders rows by group, in the order the groups were created', () => {
    const builder = new ProblemBuilder({ numWeights: 2 });
    const first = builder.group('first', 3);
    const second = builder.group('second', 8);
    builder.group('empty');
    second.addRow({ index: [1], value: [2], upper: 5, label: 's0' });
    first.addRow({ index: [0], value: [1], lower: 1, label: 'f0' });
    second.addRow({ index: [0, 1], value: [1, 1], label: 's1' });
    first.addRow({ index: [1], value: [7], label: 'f1' });
    const problem = builder.build();
    expect(problem.groups).toEqual([
      { name: 'first', priority: 3, rowStart: 0, rowCount: 2 },
      { name: 'second', priority: 8, rowStart: 2, rowCount: 2 },
      { name: 'empty', priority: 0, rowStart: 4, rowCount: 0 },
    ]);
    expect(problem.rowLabels).toEqual(['f0', 'f1', 's0', 's1']);
    expect(arr(problem.A.start)).toEqual([0, 1, 2, 3, 5]);
    expect(arr(problem.A.index)).toEqual([0, 1, 1, 0, 1]);
    expect(arr(problem.A.value)).toEqual([1, 7, 2, 1, 1]);
    expect(arr(problem.rowLower)).toEqual([1, -INF, -INF, -INF]);
    expect(arr(problem.rowUpper)).toEqual([INF, INF, 5, INF]);
  });

  it('returns each row\'s position within its group, which maps to rowStart + position after build', () => {
    const builder = new ProblemBuilder({ numWeights: 2 });
    const a = builder.group('a');
    const b = builder.group('b');
    const ra0 = a.addWeightRow([1, 1], 1, 1, 'a0');
    const rb0 = b.addWeightRow([0, 1], 0, 1, 'b0');
    // Group a adds a row after group b did: positions stay valid, problem indices would not.
    const ra1 = a.addWeightRow([1, 0], 0, 1, 'a1');
    expect([ra0, ra1, rb0]).toEqual([0, 1, 0]);
    const problem = builder.build();
    const [ga, gb] = problem.groups;
    expect(problem.rowLabels[ga!.rowStart + ra0]).toBe('a0');
    expect(problem.rowLabels[ga!.rowStart + ra1]).toBe('a1');
    expect(problem.rowLabels[gb!.rowStart + rb0]).toBe('b0');
  });

  it('rejects a duplicate group name', () => {
    const builder = new ProblemBuilder({ numWeights: 2 });
    builder.group('budget');
    const error = thrown(() => builder.group('budget', 5));
    expect(error.code).toBe('FK_INVALID_PROBLEM');
    expect(error.message).toBe('problem: constraint group `budget` already exists; give the second one a different group name');
  });

  it('rejects NaN or infinite coefficients, bad indices and NaN bounds', () => {
    const builder = new ProblemBuilder({ numWeights: 3 });
    const g = builder.group('g');
    const nan = thrown(() => g.addRow({ index: [0, 1], value: [1, Number.NaN], label: 'r' }));
    expect(nan.code).toBe('FK_INVALID_PROBLEM');
    expect(nan.message).toBe('problem: group `g` row `r` has coefficient `NaN` for variable 1');
    expect(thrown(() => g.addRow({ index: [2], value: [INF] })).message).toBe('problem: group `g` has coefficient `Infinity` for variable 2');
    expect(thrown(() => g.addWeightRow([1, Number.NaN, 0], 0, 1)).code).toBe('FK_INVALID_PROBLEM');
    expect(thrown(() => g.addRow({ index: [3], value: [1] })).message).toBe('problem: group `g` refers to variable 3, but there are 3');
    expect(thrown(() => g.addRow({ index: [-1], value: [1] })).code).toBe('FK_INVALID_PROBLEM');
    expect(thrown(() => g.addRow({ index: [0, 1], value: [1] })).message).toBe('problem: group `g` row has 2 indices and 1 values');
    expect(thrown(() => g.addRow({ index: [0], value: [1], lower: Number.NaN })).message).toBe('problem: group `g` has a NaN bound');
    // Nothing of the rejected rows was kept.
    expect(builder.build().A.rows).toBe(0);
  });
});

describe('ProblemBuilder: bounds', () => {
  it('intersects bounds and records which group owns each binding bound', () => {
    const builder = new ProblemBuilder({ numWeights: 3 });
    const loose = builder.group('loose');
    const tight = builder.group('tight');
    for (let i = 0; i < 3; i++) loose.bound(i, 0, 0.5);
    tight.bound(0, 0.25, 0.75); // lower tighter, upper looser
    tight.bound(1, -1, 0.25); // upper tighter, lower looser
    tight.bound(2, 0, 0.5); // equal: the first group keeps ownership
    const problem = builder.build();
    expect(arr(problem.lower)).toEqual([0.25, 0, 0]);
    expect(arr(problem.upper)).toEqual([0.5, 0.25, 0.5]);
    expect(arr(problem.lowerOwner)).toEqual([1, 0, 0]);
    expect(arr(problem.upperOwner)).toEqual([0, 1, 0]);
  });

  it('a group bound tighter than a block default takes ownership; a looser one does not', () => {
    const builder = new ProblemBuilder({ numWeights: 1 });
    builder.addVariables('t', 2, { lower: 0, upper: 1 });
    const g = builder.group('g');
    g.bound(1, -5, 5);
    g.bound(2, 0.5, 2);
    const problem = builder.build();
    expect(arr(problem.lower)).toEqual([-INF, 0, 0.5]);
    expect(arr(problem.upper)).toEqual([INF, 1, 1]);
    expect(arr(problem.lowerOwner)).toEqual([-1, -1, 0]);
    expect(arr(problem.upperOwner)).toEqual([-1, -1, -1]);
  });

  it('rejects bounds on unknown variables and NaN bounds', () => {
    const g = new ProblemBuilder({ numWeights: 2 }).group('g');
    expect(thrown(() => g.bound(2, 0, 1)).message).toBe('problem: group `g` bounds variable `2`, but there are 2');
    expect(thrown(() => g.bound(0.5, 0, 1)).code).toBe('FK_INVALID_PROBLEM');
    expect(thrown(() => g.bound(0, Number.NaN, 1)).message).toBe('problem: group `g` gives variable 0 a NaN bound');
  });
});

describe('ProblemBuilder: objective', () => {
  /** 2 weights + 1 auxiliary variable, with a linear and quadratic objective. */
  function objectiveProblem() {
    const builder = new ProblemBuilder({ numWeights: 2 });
    builder.addVariables('y', 1);
    builder.addLinearObjective([1, 2]);
    builder.addLinearObjective([3], 2);
    builder.addLinearObjective([1, 0, 0]);
    builder.addObjectiveOffset(0.5);
    builder.addQuadratic(0, 0, 2);
    builder.addQuadratic(1, 0, 1); // lower-triangle input lands in the upper triangle
    builder.addQuadratic(0, 1, 0.5);
    builder.addQuadratic(1, 1, 6);
    builder.addQuadratic(2, 2, 4);
    builder.addQuadratic(2, 1, 3);
    builder.addQuadratic(1, 2, -3); // cancels the previous term: no entry
    return builder.build();
  }

  it('accumulates linear costs and the offset', () => {
    const problem = objectiveProblem();
    expect(arr(problem.c)).toEqual([2, 2, 3]);
    expect(problem.offset).toBe(0.5);
  });

  it('stores P as its upper triangle in CSC, dropping zero entries', () => {
    // P = [[2, 1.5, 0], [1.5, 6, 0], [0, 0, 4]]
    expect(objectiveProblem().P).toEqual({
      rows: 3,
      cols: 3,
      start: Int32Array.from([0, 1, 3, 4]),
      index: Int32Array.from([0, 0, 1, 2]),
      value: Float64Array.from([2, 1.5, 6, 4]),
    });
  });

  it('objectiveValue = cᵀx + ½xᵀPx + offset', () => {
    const problem = objectiveProblem();
    // x = (1, 2, 3): cᵀx = 2 + 4 + 9 = 15; xᵀPx = 2·1 + 2·1.5·1·2 + 6·4 + 4·9 = 68; 15 + 34 + 0.5.
    expect(objectiveValue(problem, [1, 2, 3])).toBe(49.5);
    // x = (1, -1, 0): cᵀx = 0; xᵀPx = 2 − 3 + 6 = 5.
    expect(objectiveValue(problem, Float64Array.from([1, -1, 0]))).toBe(3);
    expect(objectiveValue(problem, [0, 0, 0])).toBe(0.5);
  });

  it('objectiveValue of a linear problem ignores P', () => {
    const builder = new ProblemBuilder({ numWeights: 2 });
    builder.addLinearObjective([0.5, -1]);
    expect(objectiveValue(builder.build(), [2, 3])).toBe(-2);
  });

  it('rejects non-finite objective coefficients and out-of-range terms', () => {
    const builder = new ProblemBuilder({ numWeights: 2 });
    const error = thrown(() => builder.addLinearObjective([1, Number.NaN]));
    expect(error.code).toBe('FK_INVALID_PROBLEM');
    expect(error.message).toBe('problem: objective coefficient 1 is `NaN`; replace missing exposures before building');
    expect(thrown(() => builder.addLinearObjective([1, 1, 1])).code).toBe('FK_INVALID_PROBLEM');
    expect(thrown(() => builder.addLinearObjective([1], 2)).code).toBe('FK_INVALID_PROBLEM');
    expect(thrown(() => builder.addLinearObjective([1], -1)).code).toBe('FK_INVALID_PROBLEM');
    expect(thrown(() => builder.addQuadratic(0, 2, 1)).message).toBe('problem: quadratic term refers to variable `2`, but there are 2');
    expect(thrown(() => builder.addQuadratic(-1, 0, 1)).code).toBe('FK_INVALID_PROBLEM');
    expect(thrown(() => builder.addQuadratic(0, 1, Number.NaN)).message).toBe('problem: quadratic coefficient for (0, 1) is `NaN`');
    expect(thrown(() => builder.addObjectiveOffset(Number.NaN)).message).toBe('problem: objective offset is `NaN`');
    const problem = builder.build();
    expect(problem.numVariables).toBe(2);
    expect(arr(problem.c)).toEqual([0, 0]);
    expect(problem.P).toBeUndefined();
    expect(problem.offset).toBe(0);
  });
});

describe('problemResiduals', () => {
  /**
   * Variables x0, x1 (weights) and x2 (block `y`, bounds [0, 10], no owner).
   * budget (10): x0 + x1 = 1 ("sum"); cap (1): x2 ≤ 2.5, x0 − x1 ≥ 0;
   * bounds (5): x0, x1 ∈ [0, 0.5]; tight (7): x0 ≥ 0.25, x1 ≤ 0.25.
   */
  function residualProblem() {
    const builder = new ProblemBuilder({ numWeights: 2 });
    builder.addVariables('y', 1, { lower: 0, upper: 10 });
    builder.group('budget', 10).addWeightRow([1, 1], 1, 1, 'sum');
    const cap = builder.group('cap', 1);
    cap.addRow({ index: [2], value: [1], upper: 2.5 });
    cap.addRow({ index: [0, 1], value: [1, -1], lower: 0 });
    const bounds = builder.group('bounds', 5);
    bounds.bound(0, 0, 0.5);
    bounds.bound(1, 0, 0.5);
    const tight = builder.group('tight', 7);
    tight.bound(0, 0.25, 0.75);
    tight.bound(1, -5, 0.25);
    return builder.build();
  }

  it('the test problem is what the comment says', () => {
    const problem = residualProblem();
    expect(arr(problem.lower)).toEqual([0.25, 0, 0]);
    expect(arr(problem.upper)).toEqual([0.5, 0.25, 10]);
    expect(arr(problem.lowerOwner)).toEqual([3, 2, -1]);
    expect(arr(problem.upperOwner)).toEqual([2, 3, -1]);
    expect(arr(problem.A.start)).toEqual([0, 2, 3, 5]);
    expect(arr(problem.A.index)).toEqual([0, 1, 2, 0, 1]);
    expect(arr(problem.A.value)).toEqual([1, 1, 1, 1, -1]);
  });

  it('reports the worst row or bound of each group', () => {
    // Rows: sum = 3 (off by 2); x2 = 3 > 2.5 (0.5); x0 − x1 = −1 < 0 (1).
    // Bounds: x0 = 1 > 0.5 (0.5, owned by bounds); x1 = 2 > 0.25 (1.75, owned by tight).
    expect(problemResiduals(residualProblem(), [1, 2, 3])).toEqual({
      maxViolation: 2,
      groups: [
        { name: 'budget', priority: 10, maxViolation: 2, worst: 'sum' },
        { name: 'cap', priority: 1, maxViolation: 1, worst: 'row 2' },
        { name: 'bounds', priority: 5, maxViolation: 0.5, worst: 'bound on variable 0' },
        { name: 'tight', priority: 7, maxViolation: 1.75, worst: 'bound on variable 1' },
      ],
    });
  });

  it('blames a lower-bound violation on the owner of the lower bound', () => {
    // x = (0, 0.25, 1): sum 0.25 (0.75); x0 − x1 = −0.25 (0.25); x0 < 0.25 (0.25, owned by tight).
    expect(problemResiduals(residualProblem(), [0, 0.25, 1])).toEqual({
      maxViolation: 0.75,
      groups: [
        { name: 'budget', priority: 10, maxViolation: 0.75, worst: 'sum' },
        { name: 'cap', priority: 1, maxViolation: 0.25, worst: 'row 2' },
        { name: 'bounds', priority: 5, maxViolation: 0 },
        { name: 'tight', priority: 7, maxViolation: 0.25, worst: 'bound on variable 0' },
      ],
    });
  });

  it('counts violations of ownerless bounds overall only', () => {
    // x = (0.5, 0.5, −1): every row holds; x1 > 0.25 (tight); x2 < 0 (no owner, 1).
    expect(problemResiduals(residualProblem(), [0.5, 0.5, -1])).toEqual({
      maxViolation: 1,
      groups: [
        { name: 'budget', priority: 10, maxViolation: 0 },
        { name: 'cap', priority: 1, maxViolation: 0 },
        { name: 'bounds', priority: 5, maxViolation: 0 },
        { name: 'tight', priority: 7, maxViolation: 0.25, worst: 'bound on variable 1' },
      ],
    });
  });

  it('is zero everywhere at a feasible point', () => {
    const builder = new ProblemBuilder({ numWeights: 2 });
    builder.group('budget').addWeightRow([1, 1], 1, 1, 'sum');
    const caps = builder.group('caps');
    caps.bound(0, 0, 0.75);
    caps.bound(1, 0, 0.75);
    expect(problemResiduals(builder.build(), [0.25, 0.75])).toEqual({
      maxViolation: 0,
      groups: [
        { name: 'budget', priority: 0, maxViolation: 0 },
        { name: 'caps', priority: 0, maxViolation: 0 },
      ],
    });
  });
});

describe('ProblemBuilder: quadratic constraints', () => {
  it('stores ½xᵀQx + qᵀx ≤ upper per group, upper-triangle CSC, and reports its violation', () => {
    const builder = new ProblemBuilder({ numWeights: 2 });
    builder.group('budget').addWeightRow([1, 1], 1, 1, 'sum');
    // ½·(2x₀² + 2·x₀x₁·2 + 4x₁²) − x₀ ≤ 0.5, Q given with the off-diagonal once, in lower position.
    builder.group('risk', 5).addQuadraticConstraint({ rows: [0, 1, 1], cols: [0, 0, 1], values: [2, 2, 4], linear: { index: [0], value: [-1] }, upper: 0.5, label: 'te' });
    const problem = builder.build();
    const [row] = problem.quadraticConstraints!;
    expect(row!.group).toBe(1);
    expect(arr(row!.Q.start)).toEqual([0, 1, 3]);
    expect(arr(row!.Q.index)).toEqual([0, 0, 1]);
    expect(arr(row!.Q.value)).toEqual([2, 2, 4]);
    // x = (0.5, 0.5): ½(2·0.25 + 2·2·0.25 + 4·0.25) − 0.5 = ½(2.5) − 0.5 = 0.75.
    expect(quadraticRowValue(row!, [0.5, 0.5])).toBeCloseTo(0.75, 14);
    const residuals = problemResiduals(problem, [0.5, 0.5]);
    expect(residuals.maxViolation).toBeCloseTo(0.25, 14);
    expect(residuals.groups[1]).toMatchObject({ name: 'risk', worst: 'te' });
    expect(residuals.groups[1]!.maxViolation).toBeCloseTo(0.25, 14);
    expect(new ProblemBuilder({ numWeights: 1 }).build().quadraticConstraints).toBeUndefined();
  });

  it('rejects a bad quadratic row with the group and label', () => {
    const g = new ProblemBuilder({ numWeights: 2 }).group('risk');
    expect(() => g.addQuadraticConstraint({ rows: [0], cols: [2], values: [1], upper: 1, label: 'te' })).toThrow(/group `risk` quadratic row `te` refers to variable 2/);
    expect(() => g.addQuadraticConstraint({ rows: [0], cols: [0], values: [Number.NaN], upper: 1 })).toThrow(/coefficient `NaN`/);
    expect(() => g.addQuadraticConstraint({ rows: [0], cols: [0], values: [1], upper: Number.POSITIVE_INFINITY })).toThrow(/finite upper bound/);
  });
});
