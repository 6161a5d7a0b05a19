/**
 * Growable typed columns for long-format output. A full-market run produces hundreds of
 * millions of `(date, asset, factor, value)` rows: plain arrays would hold them on the V8 heap
 * (and hit its limit), typed arrays keep them outside it at 4 or 8 bytes a value.
 */
abstract class Growable<T extends Int32Array | Float64Array> {
  protected data: T;
  length = 0;

  constructor(protected readonly make: (size: number) => T) {
    this.data = make(1024);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }

  /** The values pushed so far, as an array of exactly that length (a view, no copy). */
  values(): T {
    return this.data.subarray(0, this.length) as T;
  }
}

/** A growable `Int32Array` (dates as yyyymmdd, dictionary codes). */
export class Int32Column extends Growable<Int32Array> {
  constructor() {
    super((size) => new Int32Array(size));
  }
}

/** A growable `Float64Array`. */
export class Float64Column extends Growable<Float64Array> {
  constructor() {
    super((size) => new Float64Array(size));
  }
}
