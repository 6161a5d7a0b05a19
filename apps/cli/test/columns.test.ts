import { describe, expect, it } from 'vitest';
import { Float64Column, Int32Column } from '../src/columns.js';

describe('growable columns', () => {
  it('keep every pushed value in order across many doublings', () => {
    const ints = new Int32Column();
    const floats = new Float64Column();
    for (let i = 0; i < 5000; i++) {
      ints.push(i * 7 - 3);
      floats.push(i / 3);
    }
    expect(ints.length).toBe(5000);
    expect(ints.values()).toEqual(Int32Array.from({ length: 5000 }, (_, i) => i * 7 - 3));
    expect(floats.values()).toEqual(Float64Array.from({ length: 5000 }, (_, i) => i / 3));
  });

  it('is empty until something is pushed', () => {
    expect(new Float64Column().values()).toEqual(new Float64Array(0));
  });
});
