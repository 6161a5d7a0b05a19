import type { Problem } from '@factorkit/core';
import type { Basis, Highs, Model, ModelData, OptionValue } from 'highs';

/** The optimal basis of the session's last LP solve, and the point it gave. */
interface LastSolve {
  readonly x: Float64Array;
  readonly rows: number;
  readonly basis: Basis;
}

/**
 * One HiGHS model kept for the consecutive solves of an optimizer instance, so that a solve
 * pays neither for creating and destroying a HiGHS instance nor for setting options that did
 * not change. Each {@link load} replaces the whole model (`passModel` also clears the previous
 * solution, basis and Hessian) and zeroes HiGHS's clocks — its `time_limit` and run time are
 * cumulative over the life of a model otherwise.
 *
 * After anything goes wrong the model is {@link discard}ed and the next solve starts from a new
 * one, so a failure cannot leak into the next solve.
 *
 * The session also remembers the simplex basis of its last optimal LP, so that a warm start
 * from that very solution (the usual next rebalance) starts from HiGHS's own basis.
 */
export class HighsSession {
  readonly #highs: Highs;
  #model: Model | undefined;
  /** Option values last set on `#model`. */
  readonly #options = new Map<string, OptionValue>();
  #last: LastSolve | undefined;

  constructor(highs: Highs) {
    this.#highs = highs;
  }

  /** The runtime the session's models live in. */
  get highs(): Highs {
    return this.#highs;
  }

  /** The session's model with `data` passed in and its clocks zeroed. */
  load(data: ModelData): Model {
    if (!this.#model) {
      this.#model = this.#highs.createModel();
      this.#options.clear();
    }
    this.#model.passModel(data);
    this.#model.zeroAllClocks();
    return this.#model;
  }

  /** Set the options whose value differs from what the model has. */
  setOptions(model: Model, values: Readonly<Record<string, OptionValue>>): void {
    for (const [name, value] of Object.entries(values)) {
      if (this.#options.get(name) === value) continue;
      // Forget first: if HiGHS refuses the value, the model state is unknown and the option is set again next time.
      this.#options.delete(name);
      model.options.set(name, value);
      this.#options.set(name, value);
    }
  }

  /** Remember `model`'s basis as the one that gave `x` (an optimal LP solution of `problem`). */
  remember(model: Model, problem: Problem, x: Float64Array): void {
    this.#last = { x: Float64Array.from(x), rows: problem.A.rows, basis: model.getBasis() };
  }

  /** Forget the remembered basis (a solve that did not end optimal, or another kind of problem). */
  forget(): void {
    this.#last = undefined;
  }

  /** The remembered basis when `x` is exactly the point it gave and `problem` has the same shape. */
  basisFor(problem: Problem, x: Float64Array): Basis | undefined {
    const last = this.#last;
    if (!last || last.rows !== problem.A.rows || last.x.length !== x.length) return undefined;
    for (let j = 0; j < x.length; j++) if (last.x[j] !== x[j]) return undefined;
    return last.basis;
  }

  /** Dispose the model (if any) and forget its basis; the next {@link load} creates a new model. */
  discard(): void {
    const model = this.#model;
    this.#model = undefined;
    this.#last = undefined;
    this.#options.clear();
    model?.dispose();
  }
}
