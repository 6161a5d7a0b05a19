import { FactorkitError, type ValidationError, show } from '@factorkit/core';
import { deepFreeze } from '../spec/defaults.js';
import { type ProblemListOptions, locate, rememberSource, strategyError } from '../spec/errors.js';
import { copyPlain, isRecord, join } from '../spec/fields.js';
import { type PositionedIssue, STRATEGY_NAME_PATTERN, checkStrategyDefinition } from '../spec/schema.js';
import { type SourceMap, readSource } from '../spec/source.js';
import { suggestion } from '../spec/suggest.js';
import type { StrategyDefinition, StrategyIssue } from '../spec/types.js';
import { type PathStep, parsePath } from './path.js';
import type { SweepDefinition } from './types.js';

/** The keys of a sweep file. */
const SWEEP_KEYS = ['name', 'description', 'strategy', 'base', 'grid', 'variants'] as const;
const VARIANT_KEYS = ['name', 'set'] as const;

/** Options of {@link parseSweep}. */
export interface ParseSweepOptions {
  /** The file's name, put before each problem's line and column. */
  readonly file?: string;
  /** Default `yaml`. */
  readonly format?: 'yaml' | 'json';
}

/** A sweep definition checked: its parsed paths beside it. */
export interface CheckedSweep {
  readonly value: SweepDefinition;
  /** The steps of every grid key and every `set` key, by the key as written. */
  readonly paths: ReadonlyMap<string, readonly PathStep[]>;
}

/** `strategy.base.…` issues of an inline base, as sweep paths (`sweep.base.…`). */
const underBase = (path: string): string => (path.startsWith('strategy') ? `sweep.base${path.slice('strategy'.length)}` : `sweep.base.${path}`);

/**
 * Check a sweep definition (plain data): every problem at once, each with its path under
 * `sweep` (`sweep.grid["objective.trackingError"]: …`). An inline `base` is checked as a
 * strategy (its problems under `sweep.base`) and returned with its defaults filled.
 */
export function checkSweepDefinition(input: unknown): { ok: true; checked: CheckedSweep } | { ok: false; issues: PositionedIssue[] } {
  const issues: PositionedIssue[] = [];
  if (!isRecord(input)) return { ok: false, issues: [{ path: 'sweep', message: `expected an object (a mapping of sweep fields), got ${show(input)}` }] };
  for (const key of Object.keys(input)) {
    if (!(SWEEP_KEYS as readonly string[]).includes(key)) issues.push({ path: join('sweep', key), message: `unknown key; ${suggestion(key, SWEEP_KEYS, 'key')}` });
  }
  const { name, description, strategy, base, grid, variants } = input;
  if (typeof name !== 'string' || !STRATEGY_NAME_PATTERN.test(name)) {
    issues.push({ path: 'sweep.name', message: `expected a name of lower-case letters, digits, \`-\` and \`_\` (starting with a letter or digit), got ${show(name)}` });
  }
  if (description !== undefined && typeof description !== 'string') issues.push({ path: 'sweep.description', message: `expected a string, got ${show(description)}` });

  let checkedBase: StrategyDefinition | undefined;
  if ((strategy === undefined) === (base === undefined)) {
    issues.push({ path: 'sweep', message: 'give exactly one of `strategy` (the base strategy file) and `base` (the base strategy inline)' });
  } else if (strategy !== undefined && (typeof strategy !== 'string' || strategy.trim() === '')) {
    issues.push({ path: 'sweep.strategy', message: `expected the path of a strategy file, got ${show(strategy)}` });
  } else if (base !== undefined) {
    const checked = checkStrategyDefinition(base);
    if (checked.ok) checkedBase = checked.value;
    else issues.push(...checked.issues.map((issue) => ({ ...issue, path: underBase(issue.path) })));
  }

  const paths = new Map<string, readonly PathStep[]>();
  const path = (key: string, at: string): void => {
    const parsed = parsePath(key);
    if (parsed.ok) paths.set(key, parsed.steps);
    else issues.push({ path: at, message: `${show(key)} is ${parsed.message}` });
  };
  if (grid !== undefined) {
    if (!isRecord(grid)) issues.push({ path: 'sweep.grid', message: `expected a mapping of paths to lists of values, got ${show(grid)}` });
    else {
      for (const [key, values] of Object.entries(grid)) {
        const at = join('sweep.grid', key);
        path(key, at);
        if (!Array.isArray(values) || values.length === 0) {
          issues.push({ path: at, message: `expected a non-empty list of values, got ${show(values)}${Array.isArray(values) ? '' : `; write \`[${show(values).slice(1, -1)}]\` for one value`}` });
        }
      }
    }
  }
  if (variants !== undefined) {
    if (!Array.isArray(variants)) issues.push({ path: 'sweep.variants', message: `expected a list of variants (\`- name: …\` with \`set: { path: value }\`), got ${show(variants)}` });
    else {
      variants.forEach((variant: unknown, i) => {
        const at = join('sweep.variants', i);
        if (!isRecord(variant)) return void issues.push({ path: at, message: `expected a variant (\`name\` and \`set\`), got ${show(variant)}` });
        for (const key of Object.keys(variant)) {
          if (!(VARIANT_KEYS as readonly string[]).includes(key)) issues.push({ path: join(at, key), message: `unknown key; ${suggestion(key, VARIANT_KEYS, 'key')}` });
        }
        if (variant.name !== undefined && (typeof variant.name !== 'string' || !STRATEGY_NAME_PATTERN.test(variant.name))) {
          issues.push({ path: join(at, 'name'), message: `expected a name of lower-case letters, digits, \`-\` and \`_\` (starting with a letter or digit), got ${show(variant.name)}` });
        }
        if (!isRecord(variant.set) || Object.keys(variant.set).length === 0) {
          issues.push({ path: join(at, 'set'), message: `expected a mapping of paths to values (\`null\` removes a field), got ${show(variant.set)}` });
        } else for (const key of Object.keys(variant.set)) path(key, join(join(at, 'set'), key));
      });
    }
  }
  const gridKeys = isRecord(grid) ? Object.keys(grid).length : 0;
  const variantCount = Array.isArray(variants) ? variants.length : 0;
  if (gridKeys === 0 && variantCount === 0) {
    issues.push({ path: 'sweep', message: 'the sweep has no variants: give `grid` (paths and the values to try) or `variants`' });
  }
  if (issues.length > 0) return { ok: false, issues };
  const value = {
    name: name as string,
    ...(description !== undefined ? { description: description as string } : {}),
    ...(strategy !== undefined ? { strategy: strategy as string } : {}),
    ...(checkedBase ? { base: checkedBase } : {}),
    ...(grid !== undefined ? { grid: copyPlain(grid) as Record<string, unknown[]> } : {}),
    ...(variants !== undefined ? { variants: copyPlain(variants) as NonNullable<SweepDefinition['variants']> } : {}),
  } satisfies SweepDefinition;
  return { ok: true, checked: { value, paths } };
}

/** The source map of a sweep text, answering sweep paths (`sweep.grid[…]`). */
export function sweepMap(map: SourceMap): SourceMap {
  return {
    ...(map.file !== undefined ? { file: map.file } : {}),
    // The map reads `strategy`-rooted paths; the root's name is all that differs.
    locate: (path, offset) => map.locate(path.startsWith('sweep') ? `strategy${path.slice('sweep'.length)}` : path, offset),
  };
}

/** The error of a sweep with problems (`FK_INVALID_STRATEGY`), listed as `file:line:column sweep.path: problem`. */
export function sweepError(issues: readonly StrategyIssue[], file: string | undefined, options: Omit<ProblemListOptions, 'subject'> = {}): ValidationError {
  return strategyError('FK_INVALID_STRATEGY', issues, file, { subject: 'sweep', shown: 200, ...options });
}

/**
 * Read a sweep from YAML or JSON text and check it: every problem at once, each with its path
 * under `sweep` and, where the text has it, its line and column
 * (`grid.yaml:4:3 sweep.grid["objective.trackingError"]: expected a non-empty list of values, got `0.05``).
 * The format is the {@link SweepDefinition}'s: a `name` (`[a-z0-9][a-z0-9-_]*`), exactly one of
 * `strategy` (the base strategy file) and `base` (inline, checked as a strategy), a `grid` of
 * paths to non-empty lists of values and/or `variants` (`name`, `set`). Returns the definition
 * (frozen plain data); `createSweep` makes and checks every variant and reports their problems
 * at the same lines.
 *
 * @throws ValidationError `FK_INVALID_STRATEGY` for syntax errors, duplicate keys and every
 *   invalid field; FactorkitError `FK_INVALID_ARGUMENT` for a non-string text or an unknown `format`.
 */
export function parseSweep(text: string, options: ParseSweepOptions = {}): SweepDefinition {
  if (typeof text !== 'string') throw new FactorkitError('FK_INVALID_ARGUMENT', `parseSweep: expected the text of a sweep, got ${show(text)}`);
  const format = options.format ?? 'yaml';
  if (format !== 'yaml' && format !== 'json') throw new FactorkitError('FK_INVALID_ARGUMENT', `parseSweep: options.format: expected \`yaml\` or \`json\`, got ${show(format)}`);
  const source = readSource(text, format, options.file);
  if (!source.ok) throw sweepError(source.issues, options.file);
  const map = sweepMap(source.map);
  const checked = checkSweepDefinition(source.value);
  if (!checked.ok) throw sweepError(locate(checked.issues, map), options.file);
  const value = checked.checked.value;
  rememberSource(value, map);
  return deepFreeze(value);
}
