import { show } from '@factorkit/core';
import { isRecord, join } from '../spec/fields.js';

/** One step of a sweep path: a key, an array index, or the entry of an array selected by its group, id or value. */
export type PathStep = { readonly key: string } | { readonly index: number } | { readonly select: string };

const KEY = /^[A-Za-z_$][\w$]*/;

/**
 * A sweep path (`objective.trackingError`, `constraints[turnover].params.limit`, `factors[0]`,
 * `factors["momentum_1y"].params.window`) as its steps, or the reason it is not one.
 */
export function parsePath(path: string): { ok: true; steps: PathStep[] } | { ok: false; message: string } {
  const steps: PathStep[] = [];
  let i = 0;
  const fail = (why: string) => ({ ok: false as const, message: `not a path (${why} at character ${i + 1}); write keys joined by dots, \`[n]\` for an array index, \`[key]\` for the entry whose group or id is \`key\`` });
  if (path.length === 0) return { ok: false, message: 'an empty path' };
  while (i < path.length) {
    if (path[i] === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) return fail('an unclosed `[`');
      let inner = path.slice(i + 1, close).trim();
      if (inner === '') return fail('an empty `[]`');
      if (/^\d+$/.test(inner)) steps.push({ index: Number(inner) });
      else {
        if (/^"[^"]*"$|^'[^']*'$/.test(inner)) inner = inner.slice(1, -1);
        if (inner === '') return fail('an empty `[""]`');
        steps.push({ select: inner });
      }
      i = close + 1;
      continue;
    }
    if (steps.length > 0) {
      if (path[i] !== '.') return fail(`\`${path[i]}\` where \`.\` or \`[\` belongs`);
      i++;
    }
    const match = KEY.exec(path.slice(i));
    if (!match) return fail('a missing key');
    steps.push({ key: match[0] });
    i += match[0].length;
  }
  if (!('key' in steps[0]!)) return { ok: false, message: 'a path starts with a key of the strategy (`factors[0]`, not `[0]`)' };
  return { ok: true, steps };
}

/** The written form of the steps taken, in the strategy's path syntax (`strategy.constraints[6].params.limit`). */
function concrete(steps: readonly (string | number)[]): string {
  return steps.reduce<string>((path, step) => join(path, step), 'strategy');
}

/** What a value is, for messages: `an array of 8 entries`, `` `false` ``. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length} entr${value.length === 1 ? 'y' : 'ies'}`;
  if (isRecord(value)) return `an object with the keys ${Object.keys(value).map((k) => `\`${k}\``).join(', ') || '(none)'}`;
  return show(value);
}

/** The name an array entry answers to in a `[key]` step: its group, its id, or the string itself. */
function entryNames(entry: unknown): { group?: string; id?: string } {
  if (typeof entry === 'string') return { id: entry };
  if (!isRecord(entry)) return {};
  return {
    ...(typeof entry.group === 'string' ? { group: entry.group } : {}),
    ...(typeof entry.id === 'string' ? { id: entry.id } : {}),
  };
}

/** The index of the one entry of `array` that `key` selects (by group first, then by id or value), or why none or several. */
function select(array: readonly unknown[], key: string): { ok: true; index: number } | { ok: false; message: string } {
  const names = array.map(entryNames);
  const byGroup = names.flatMap((n, k) => (n.group === key ? [k] : []));
  const matches = byGroup.length > 0 ? byGroup : names.flatMap((n, k) => (n.id === key ? [k] : []));
  if (matches.length === 1) return { ok: true, index: matches[0]! };
  const listed = names.map((n, k) => `[${k}] ${n.group !== undefined && n.group !== n.id ? `group \`${n.group}\` ` : ''}${n.id !== undefined ? `\`${n.id}\`` : describe(array[k])}`).join(', ');
  if (matches.length === 0) return { ok: false, message: `no entry has the group or id \`${key}\` (the entries: ${listed || 'none'})` };
  return { ok: false, message: `${matches.length} entries have the ${byGroup.length > 0 ? 'group' : 'id'} \`${key}\` (${matches.map((k) => `[${k}]`).join(', ')}); give each a \`group\` or select by index` };
}

/**
 * Set the value at `steps` in `target` (plain data, changed in place): a missing object on the
 * way is created, a factor given as an id becomes `{ id }` when a key under it is set, `null`
 * removes the key or the array entry. Returns the concrete path written
 * (`strategy.constraints[6].params.limit`), or the reason the path does not fit the definition.
 */
export function applyPath(target: Record<string, unknown>, steps: readonly PathStep[], value: unknown): { ok: true; path: string } | { ok: false; message: string } {
  const taken: (string | number)[] = [];
  let node: unknown = target;
  let parent: { container: Record<string, unknown> | unknown[]; slot: string | number } | undefined;
  for (const [s, step] of steps.entries()) {
    const last = s === steps.length - 1;
    const here = concrete(taken);
    if ('key' in step) {
      if (typeof node === 'string' && parent && Array.isArray(parent.container)) {
        // `factors[momentum].params`: the factor written as its id becomes an entry.
        node = { id: node };
        parent.container[parent.slot as number] = node;
      }
      if (!isRecord(node)) return { ok: false, message: `\`${here}\` is ${describe(node)}, which has no key \`${step.key}\`` };
      taken.push(step.key);
      if (last) {
        if (value === null) delete node[step.key];
        else node[step.key] = value;
        break;
      }
      if (node[step.key] === undefined) node[step.key] = {};
      parent = { container: node, slot: step.key };
      node = node[step.key];
      continue;
    }
    if (!Array.isArray(node)) return { ok: false, message: `\`${here}\` is ${describe(node)}, not an array to ${'index' in step ? `index with [${step.index}]` : `select [${step.select}] in`}` };
    let index: number;
    if ('index' in step) {
      if (step.index >= node.length) return { ok: false, message: `\`${here}\` has ${node.length} entr${node.length === 1 ? 'y' : 'ies'}; [${step.index}] is past its end` };
      index = step.index;
    } else {
      const found = select(node, step.select);
      if (!found.ok) return { ok: false, message: `\`${here}[${step.select}]\`: ${found.message}` };
      index = found.index;
    }
    taken.push(index);
    if (last) {
      if (value === null) node.splice(index, 1);
      else node[index] = value;
      break;
    }
    parent = { container: node, slot: index };
    node = node[index];
  }
  return { ok: true, path: concrete(taken) };
}

/** The value at `steps` in `target` (a factor written as its id answers `id`), `undefined` where the path leads nowhere. */
export function valueAt(target: unknown, steps: readonly PathStep[]): unknown {
  let node: unknown = target;
  for (const step of steps) {
    if ('key' in step) {
      if (typeof node === 'string' && step.key === 'id') return node;
      if (!isRecord(node)) return undefined;
      node = node[step.key];
    } else {
      if (!Array.isArray(node)) return undefined;
      const index = 'index' in step ? step.index : (() => {
        const found = select(node, step.select);
        return found.ok ? found.index : -1;
      })();
      if (index < 0 || index >= node.length) return undefined;
      node = node[index];
    }
  }
  return node;
}
