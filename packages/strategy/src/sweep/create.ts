import { FactorkitError, type Issue, type PluginRegistry, isFactorkitError, show } from '@factorkit/core';
import { resolveIndexCode } from '@factorkit/universe-index';
import { deepFreeze } from '../spec/defaults.js';
import { locate, sourceOf } from '../spec/errors.js';
import { copyPlain, isRecord, join } from '../spec/fields.js';
import { checkStrategyDefinition } from '../spec/schema.js';
import { createStrategy } from '../spec/create.js';
import type { StrategyDefinition, StrategyIssue } from '../spec/types.js';
import { checkSweepDefinition, sweepError } from './definition.js';
import { type PathStep, applyPath } from './path.js';
import type { Sweep, SweepDefinition, VariantTask } from './types.js';

/** The most variants a sweep may have. */
export const MAX_VARIANTS = 100_000;

/** Options of {@link createSweep}. */
export interface CreateSweepOptions {
  /** The base strategy of a sweep that names a file (`strategy:`), as `readStrategyFile` read it. */
  readonly base?: StrategyDefinition;
  /** Where plugin ids are looked up (as `createStrategy`'s `registry`). */
  readonly registry?: PluginRegistry;
  /** The sweep file, named in the error (default: the file `parseSweep` was given). */
  readonly file?: string;
}

/** A problem of a sweep, with the variant it belongs to (absent for a problem of the base or of the sweep itself). */
export interface SweepIssue extends StrategyIssue {
  readonly variant?: string;
  readonly parameters?: Readonly<Record<string, unknown>>;
}

/** A stable text of plain data: object keys sorted, so that equal definitions compare equal whatever order their keys were set in. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `path = value, …` of a variant's parameters, for messages. */
export function formatParameters(parameters: Readonly<Record<string, unknown>>): string {
  return Object.entries(parameters)
    .map(([path, value]) => {
      const text = JSON.stringify(value) ?? String(value);
      return `${path} = ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
    })
    .join(', ');
}

/** Where a parameter of a variant was written in the sweep file, as a sweep path. */
interface Written {
  readonly key: string;
  readonly at: string;
}

/** One variant before it is checked. */
interface Draft {
  readonly index: number;
  readonly name: string;
  readonly parameters: Record<string, unknown>;
  readonly written: readonly Written[];
  /** The sweep path of the variant as a whole (`sweep.grid`, `sweep.variants[2]`). */
  readonly at: string;
  /** Where its name was given, for a named variant. */
  readonly nameAt?: string;
}

/** Whether the strategy paths `a` and `b` are the same field or one holds the other. */
function related(a: string, b: string): boolean {
  const under = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return under(a, b) || under(b, a);
}

/**
 * Fields the strategy check fills from others, filled again when a variant changes their source:
 * the default benchmark (`100% <index code>`) follows `universe.index`, a factor's default name
 * its id. A variant that sets them itself keeps its own.
 */
function rederive(definition: Record<string, unknown>, base: StrategyDefinition, set: readonly string[]): void {
  const sets = (path: string) => set.some((p) => related(p, path));
  if (set.some((p) => p === 'strategy.universe' || p.startsWith('strategy.universe.index')) && !sets('strategy.benchmark')) {
    if (base.benchmark === `100% ${resolveIndexCode(base.universe.index)}`) delete definition.benchmark;
  }
  const factors = definition.factors;
  for (const p of set) {
    const match = /^strategy\.factors\[(\d+)\]\.id$/.exec(p);
    if (!match || !Array.isArray(factors)) continue;
    const k = Number(match[1]);
    const before = base.factors[k];
    const now: unknown = factors[k];
    if (isRecord(before) && isRecord(now) && before.name === before.id && !sets(`strategy.factors[${k}].name`)) delete now.name;
  }
}

/** The variants a sweep defines, in order (the grid's, first key slowest; then `variants`), named and with where each parameter was written. */
function drafts(definition: SweepDefinition, count: number): Draft[] {
  const width = String(count).length;
  const auto = (index: number) => `${definition.name}-${String(index).padStart(width, '0')}`;
  const out: Draft[] = [];
  const grid = Object.entries(definition.grid ?? {});
  const gridCount = grid.length === 0 ? 0 : grid.reduce((n, [, values]) => n * values.length, 1);
  for (let g = 0; g < gridCount; g++) {
    const picks = new Array<number>(grid.length);
    let rest = g;
    for (let k = grid.length - 1; k >= 0; k--) {
      const n = grid[k]![1].length;
      picks[k] = rest % n;
      rest = Math.floor(rest / n);
    }
    const parameters: Record<string, unknown> = {};
    const written: Written[] = [];
    grid.forEach(([key, values], k) => {
      parameters[key] = copyPlain(values[picks[k]!]);
      written.push({ key, at: join(join('sweep.grid', key), picks[k]!) });
    });
    out.push({ index: g, name: auto(g), parameters, written, at: 'sweep.grid' });
  }
  (definition.variants ?? []).forEach((variant, j) => {
    const index = gridCount + j;
    const at = join('sweep.variants', j);
    const parameters: Record<string, unknown> = {};
    const written: Written[] = [];
    for (const [key, value] of Object.entries(variant.set)) {
      parameters[key] = copyPlain(value);
      written.push({ key, at: join(join(at, 'set'), key) });
    }
    out.push({ index, name: variant.name ?? auto(index), parameters, written, at, ...(variant.name !== undefined ? { nameAt: join(at, 'name') } : {}) });
  });
  return out;
}

/** The problems `createStrategy` finds in `definition`, or its result. */
function tryCreate(definition: unknown, registry: PluginRegistry | undefined): { ok: true; definition: StrategyDefinition } | { ok: false; issues: StrategyIssue[] } {
  try {
    return { ok: true, definition: createStrategy(definition as StrategyDefinition, registry ? { registry } : {}).definition };
  } catch (error) {
    if (!isFactorkitError(error)) throw error;
    const issues = (error as { issues?: unknown }).issues;
    if (Array.isArray(issues)) return { ok: false, issues: issues as StrategyIssue[] };
    return { ok: false, issues: [{ path: 'strategy', message: `${error.code}: ${error.message}` }] };
  }
}

const issueKey = (issue: Issue) => `${issue.path}\u0000${issue.message}`;

/**
 * Make and check every variant of a sweep, before anything runs: each variant's parameters
 * applied to the base strategy (paths as in {@link SweepDefinition}: `null` removes a field), the
 * result checked as `createStrategy` checks a strategy (fields, plugin ids, plugin parameters).
 * All problems of all variants come in one error, each at the grid value or `set` key that
 * caused it (`grid.yaml:4:3 sweep.grid["objective.trackingError"][2] (variant csi300-te-02: objective.trackingError = -0.01): strategy.objective.trackingError: expected …`);
 * a problem the base has too is reported once, at the base.
 *
 * Variants are named `<sweep>-<index>` (the index zero-padded to the width of the count) unless
 * named in `variants`; names must be unique; two variants that give the same strategy (every
 * default filled) are an error naming both. The base is `definition.base` or, for a sweep that
 * names a file, `options.base`. Each {@link VariantTask}'s definition is the checked strategy
 * with every default filled (`name` the variant's), so that a worker recreates it exactly.
 *
 * The default benchmark (`100% <index>`) follows a variant's `universe.index`, a factor's default
 * name its `id`, unless the variant sets them.
 *
 * @throws ValidationError `FK_INVALID_STRATEGY` listing every problem (0 variants, more than
 *   {@link MAX_VARIANTS}); FactorkitError `FK_INVALID_ARGUMENT` when the base is missing or given twice.
 */
export function createSweep(definition: SweepDefinition, options: CreateSweepOptions = {}): Sweep {
  const map = sourceOf(definition);
  const file = options.file ?? map?.file;
  const fail = (issues: readonly SweepIssue[]): never => {
    throw sweepError(locate(issues, map), file, { label: sweepLabel });
  };
  const checked = checkSweepDefinition(definition);
  if (!checked.ok) fail(checked.issues);
  const { value: sweep, paths } = (checked as Extract<typeof checked, { ok: true }>).checked;

  const given = sweep.base ?? options.base;
  if (sweep.base !== undefined && options.base !== undefined) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `createSweep: sweep \`${sweep.name}\` has its base inline (\`base\`); options.base is for a sweep that names a strategy file`);
  }
  if (given === undefined) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `createSweep: sweep \`${sweep.name}\` names the strategy file ${show(sweep.strategy)}: read it (readSweepFile of @factorkit/strategy/node does) and pass it as options.base`);
  }
  const baseChecked = checkStrategyDefinition(given);
  const base: StrategyDefinition = baseChecked.ok ? baseChecked.value : given;

  const gridCount = Object.keys(sweep.grid ?? {}).length === 0 ? 0 : Object.values(sweep.grid ?? {}).reduce((n, values) => n * values.length, 1);
  const count = gridCount + (sweep.variants?.length ?? 0);
  if (count > MAX_VARIANTS) {
    const grid = Object.entries(sweep.grid ?? {}).map(([key, values]) => `${values.length} (${key})`).join(' × ');
    const listed = sweep.variants?.length ? `${sweep.variants.length} listed` : '';
    const parts = [grid, listed].filter((p) => p !== '').join(' + ');
    fail([{ path: 'sweep.grid', message: `the sweep has ${count} variants (${parts}); at most ${MAX_VARIANTS} are allowed: split it into several sweeps` }]);
  }
  if (count === 0) fail([{ path: 'sweep', message: 'the sweep has no variants' }]);

  // The base's own problems are reported once, at the base, when a variant has them too.
  const inline = sweep.base !== undefined;
  const baseResult = tryCreate(given, options.registry);
  const baseProblems = new Map<string, StrategyIssue>();
  if (!baseResult.ok) for (const issue of baseResult.issues) baseProblems.set(issueKey(issue), issue);
  const baseReported = new Set<string>();

  const issues: SweepIssue[] = [];
  const tasks: VariantTask[] = [];
  const names = new Map<string, Draft>();
  const seen = new Map<string, Draft>();
  for (const draft of drafts(sweep, count)) {
    const tag = { variant: draft.name, parameters: draft.parameters };
    const earlier = names.get(draft.name);
    if (earlier) {
      issues.push({ path: draft.nameAt ?? draft.at, message: `the name \`${draft.name}\` is taken by variant ${earlier.index}${earlier.nameAt ? '' : ' (a grid variant)'}; variant names must be unique`, ...tag });
      continue;
    }
    names.set(draft.name, draft);

    const strategy = copyPlain(base) as unknown as Record<string, unknown>;
    const set: { path: string; at: string }[] = [];
    let applied = true;
    for (const { key, at } of draft.written) {
      const result = applyPath(strategy, paths.get(key) as readonly PathStep[], copyPlain(draft.parameters[key]));
      if (result.ok) set.push({ path: result.path, at });
      else {
        applied = false;
        issues.push({ path: at, message: result.message, ...tag });
      }
    }
    if (!applied) continue;
    rederive(strategy, base, set.map((s) => s.path));
    strategy.name = draft.name;
    const created = tryCreate(strategy, options.registry);
    if (!created.ok) {
      for (const issue of created.issues) {
        const cause = set.filter((s) => related(issue.path, s.path)).sort((a, b) => b.path.length - a.path.length)[0];
        const key = issueKey(issue);
        if (!cause && baseProblems.has(key)) {
          baseReported.add(key);
          continue;
        }
        issues.push({ path: cause?.at ?? draft.at, message: `${issue.path ? `${issue.path}: ` : ''}${issue.message}`, ...tag });
      }
      continue;
    }
    const { name: _, description: __, ...rest } = created.definition;
    const text = canonical(rest);
    const same = seen.get(text);
    if (same) {
      issues.push({ path: draft.nameAt ?? draft.at, message: `gives the same strategy as variant \`${same.name}\` (${formatParameters(same.parameters) || 'the base'}); every variant must differ`, ...tag });
      continue;
    }
    seen.set(text, draft);
    tasks.push(deepFreeze({ index: draft.index, name: draft.name, parameters: draft.parameters, definition: created.definition }));
  }
  const baseIssues: SweepIssue[] = [...baseReported].map((key) => {
    const issue = baseProblems.get(key)!;
    return inline ? { ...issue, path: issue.path.startsWith('strategy') ? `sweep.base${issue.path.slice('strategy'.length)}` : issue.path } : issue;
  });
  if (issues.length > 0 || baseIssues.length > 0) {
    // Base problems from a strategy file are located in that file already; the others in the sweep's.
    const located = [...(inline ? locate(baseIssues, map) : baseIssues), ...locate(issues, map)];
    throw sweepError(located, file, { label: sweepLabel });
  }
  return deepFreeze({ name: sweep.name, description: sweep.description ?? '', base, axes: axesOf(sweep, tasks), variants: tasks });
}

/** The label of a sweep problem: its path, and the variant with its parameters when it belongs to one. */
function sweepLabel(issue: StrategyIssue): string {
  const { variant, parameters } = issue as SweepIssue;
  if (variant === undefined) return issue.path;
  const values = parameters ? formatParameters(parameters) : '';
  return `${issue.path} (variant ${variant}${values ? `: ${values}` : ''})`;
}

/** The swept paths, grid keys first, then keys only `variants` set, each with its distinct values in order. */
function axesOf(sweep: SweepDefinition, tasks: readonly VariantTask[]): Sweep['axes'] {
  const order: string[] = Object.keys(sweep.grid ?? {});
  for (const v of sweep.variants ?? []) for (const key of Object.keys(v.set)) if (!order.includes(key)) order.push(key);
  return order.map((path) => {
    const values: unknown[] = [];
    const seen = new Set<string>();
    const add = (value: unknown) => {
      const text = canonical(value);
      if (seen.has(text)) return;
      seen.add(text);
      values.push(copyPlain(value));
    };
    for (const value of sweep.grid?.[path] ?? []) add(value);
    for (const task of tasks) if (Object.hasOwn(task.parameters, path)) add(task.parameters[path]);
    return { path, values };
  });
}
