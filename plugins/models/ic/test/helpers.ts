import { execFileSync } from 'node:child_process';
import type { TrainingSet } from '@factorkit/core';

/** Run a python3 script that reads the training set as JSON from stdin and prints JSON. */
export function python(script: string, input: unknown): unknown {
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', timeout: 60_000 }));
}

/** The set as JSON for python (NaN → null). */
export function setJson(set: TrainingSet): unknown {
  return {
    F: set.factors.length,
    features: Array.from(set.features, (v) => (Number.isNaN(v) ? null : v)),
    labels: Array.from(set.labels),
    dateIndex: Array.from(set.dateIndex),
  };
}

/**
 * A seeded training set: `dates` dates of `perDate` rows, factors with a planted link to the
 * label (`loadings`), about `missing` of the exposures missing.
 */
export function syntheticSet(options: { seed: number; dates: number; perDate: number; loadings: readonly number[]; missing?: number }): TrainingSet {
  let s = options.seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const normal = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  const F = options.loadings.length;
  const rows = options.dates * options.perDate;
  const features = new Float64Array(rows * F);
  const labels = new Float64Array(rows);
  const dateIndex = new Int32Array(rows);
  for (let d = 0, r = 0; d < options.dates; d++) {
    // Loadings that wobble from date to date, so that ICs vary and correlate.
    const shock = normal();
    for (let i = 0; i < options.perDate; i++, r++) {
      let y = normal();
      for (let f = 0; f < F; f++) {
        const x = normal();
        y += (options.loadings[f]! + 0.3 * shock * (f % 2 === 0 ? 1 : -1)) * x;
        features[r * F + f] = next() < (options.missing ?? 0) ? Number.NaN : x;
      }
      labels[r] = y;
      dateIndex[r] = d;
    }
  }
  return { factors: options.loadings.map((_, f) => `f${f}`), rows, features, labels, dateIndex };
}

/** Python: per-date ICs (`method`, at least `minAssets` rows with the factor present), as a list of dates × F (None = undefined). */
export const PY_IC = `
import json, sys, numpy as np
from scipy.stats import spearmanr
def ic_table(d, method, min_assets):
    F = d["F"]
    X = np.array([np.nan if v is None else v for v in d["features"]]).reshape(-1, F)
    y = np.array(d["labels"]); idx = np.array(d["dateIndex"])
    table = []
    for day in sorted(set(idx.tolist())):
        row = []
        for f in range(F):
            m = (idx == day) & ~np.isnan(X[:, f])
            if m.sum() < min_assets: row.append(np.nan); continue
            if method == "spearman": row.append(spearmanr(X[m, f], y[m]).statistic)
            else: row.append(np.corrcoef(X[m, f], y[m])[0, 1])
        table.append(row)
    return np.array(table, dtype=float)
`;
