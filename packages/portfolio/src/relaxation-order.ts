import { ValidationError } from '@factorkit/core';
import { Reader, parseJsonInput } from './reader.js';
import type { RelaxationStep } from './solve.js';

const KEYS = new Set(['group', 'steps', 'factor', 'maxSteps', 'rows']);

/**
 * Read a declared relaxation order from JSON (a parsed value or text):
 * `[{ "group": "turnover-limit", "steps": [0.05, 0.1], "rows": ["turnover"] }, { "group": "tracking-error-cap", "factor": 1.2, "maxSteps": 3 }]`.
 * Shapes are checked here, all problems at once with JSON paths (`FK_INVALID_DATA`, naming
 * `source`); whether groups, rows and steps fit the problem is checked by `solvePortfolio`
 * before any solve.
 */
export function relaxationFromJSON(input: unknown, source?: string): RelaxationStep[] {
  const what = source === undefined ? 'relaxation JSON' : `\`${source}\``;
  const value = parseJsonInput(input, what, 'FK_INVALID_DATA');
  const r = new Reader();
  const entries = r.array(value, '(root)') ?? [];
  const out: RelaxationStep[] = entries.map((entry, i) => {
    const path = `[${i}]`;
    const o = r.object(entry, path);
    if (!o) return { group: '', steps: [] };
    for (const key of Object.keys(o)) if (!KEYS.has(key)) r.add(`${path}.${key}`, 'unknown key; expected group, steps or factor (with maxSteps), rows');
    const group = r.string(o.group, `${path}.group`, true);
    const rows = o.rows === undefined ? undefined : r.strings(o.rows, `${path}.rows`);
    const extra = rows === undefined ? {} : { rows };
    if (o.steps !== undefined && o.factor !== undefined) r.add(path, 'give either `steps` or `factor`, not both');
    if (o.steps !== undefined) {
      const steps = (r.array(o.steps, `${path}.steps`) ?? []).map((s, k) => r.finite(s, `${path}.steps[${k}]`));
      return { group, steps, ...extra };
    }
    if (o.factor === undefined) {
      r.add(path, 'expected `steps` (an array of widenings) or `factor` (a number > 1)');
      return { group, steps: [], ...extra };
    }
    const factor = r.finite(o.factor, `${path}.factor`);
    const maxSteps = o.maxSteps === undefined ? undefined : r.int(o.maxSteps, `${path}.maxSteps`, 1, Number.MAX_SAFE_INTEGER, 'a positive integer');
    return { group, factor, ...(maxSteps === undefined ? {} : { maxSteps }), ...extra };
  });
  if (r.issues.length > 0) throw new ValidationError('FK_INVALID_DATA', `${what} is not a valid relaxation order`, r.issues);
  return out;
}
