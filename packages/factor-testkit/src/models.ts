import { execFileSync } from 'node:child_process';
import type { TrainingSet } from '@factorkit/core';

/** Options of {@link syntheticTrainingSet}. */
export interface SyntheticTrainingSetOptions {
  /** Seed of the generator (the same seed gives the same set). */
  readonly seed: number;
  /** Training dates. */
  readonly dates: number;
  /** Rows on each date. */
  readonly perDate: number;
  /** One loading per factor: the label is `Σ_f (loading_f + wobble) · x_f + noise`. */
  readonly loadings: readonly number[];
  /** Share of exposures left missing (`NaN`), default 0. */
  readonly missing?: number;
}

/**
 * A seeded training set for combination-model tests: `dates` dates of `perDate` rows, standard
 * normal exposures of factors `f0, f1, …` with a planted link to the label (`loadings`) that
 * wobbles from date to date (so per-date ICs vary and correlate across factors), and about
 * `missing` of the exposures missing. Rows are ordered by date, as `TrainingSet` requires.
 */
export function syntheticTrainingSet(options: SyntheticTrainingSetOptions): TrainingSet {
  let s = options.seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const normal = () => Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
  const F = options.loadings.length;
  const rows = options.dates * options.perDate;
  const features = new Float64Array(rows * F);
  const labels = new Float64Array(rows);
  const dateIndex = new Int32Array(rows);
  for (let d = 0, r = 0; d < options.dates; d++) {
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

/**
 * A training set as plain JSON for an independent reference in another language (`NaN` →
 * `null`): `{ F, features, labels, dateIndex }`, features row-major.
 */
export function trainingSetJson(set: TrainingSet): { F: number; features: (number | null)[]; labels: number[]; dateIndex: number[] } {
  return {
    F: set.factors.length,
    features: Array.from(set.features, (v) => (Number.isNaN(v) ? null : v)),
    labels: Array.from(set.labels),
    dateIndex: Array.from(set.dateIndex),
  };
}

/**
 * Run a `python3` script that reads `input` as JSON on stdin and prints JSON, and return what it
 * printed: how model tests compare their weights with numpy/scipy. Throws with python's stderr
 * when the script fails (60 s limit).
 */
export function pythonJson(script: string, input: unknown): unknown {
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8', timeout: 60_000 }));
}

/**
 * Python (numpy + scipy) defining `ic_table(d, method, min_assets)`: the per-date ICs of a
 * {@link trainingSetJson} set as a dates × factors array (`nan` where a date has fewer than
 * `min_assets` rows with the factor) — the reference IC-based model tests prepend to their script.
 */
export const PYTHON_IC_TABLE = `
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
