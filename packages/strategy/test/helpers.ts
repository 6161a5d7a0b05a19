import { type DateString, FactorkitError, type ModelPlugin, type TrainingSet, defineModel } from '@factorkit/core';

/** A seeded uniform generator (an LCG). */
export function uniform(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

/** `count` consecutive weekdays from 2024-01-01 (a stand-in trading calendar). */
export function weekdays(count: number): DateString[] {
  const out: DateString[] = [];
  for (let day = Date.UTC(2024, 0, 1); out.length < count; day += 86_400_000) {
    const d = new Date(day);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** The FactorkitError `fn` throws. */
export function thrown(fn: () => unknown): FactorkitError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FactorkitError) return error;
    throw new Error(`expected a FactorkitError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected the function to throw');
}

/**
 * A model that records every training set it is given. Its one weight is the mean of
 * label × exposure of its single factor (so it depends on every label it sees), and it scores
 * `weight × exposure`.
 */
export function spyModel(): { plugin: ModelPlugin; seen: TrainingSet[] } {
  const seen: TrainingSet[] = [];
  const plugin = defineModel({
    id: 'spy',
    apiVersion: '1.1',
    meta: { description: 'records its training sets', weightKind: 'weight', params: {} },
    train({ data }) {
      seen.push(data);
      let sum = 0;
      for (let r = 0; r < data.rows; r++) sum += data.labels[r]! * data.features[r]!;
      const w = sum / data.rows;
      return {
        predict: (features, rows) => Float64Array.from({ length: rows }, (_, r) => w * features[r]!),
        weights: () => [{ factor: data.factors[0]!, value: w, kind: 'weight' as const }],
      };
    },
  });
  return { plugin, seen };
}

/** Spearman correlation over the pairs finite in both, by sorting (average ranks for ties). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      xs.push(x[i]!);
      ys.push(y[i]!);
    }
  }
  const ranks = (v: number[]) => {
    const order = v.map((_, i) => i).sort((a, b) => v[a]! - v[b]!);
    const out = new Array<number>(v.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && v[order[j + 1]!] === v[order[i]!]) j++;
      for (let k = i; k <= j; k++) out[order[k]!] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return out;
  };
  const rx = ranks(xs);
  const ry = ranks(ys);
  const n = rx.length;
  const mx = rx.reduce((a, b) => a + b, 0) / n;
  const my = ry.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (rx[i]! - mx) * (ry[i]! - my);
    sxx += (rx[i]! - mx) ** 2;
    syy += (ry[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
