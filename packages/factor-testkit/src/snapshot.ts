import {
  type AssetId,
  type DateString,
  type FieldKind,
  type InputSpec,
  type MarketData,
  type MemoryField,
  Panel,
  createMemoryData,
} from '@factorkit/core';
import type { Random } from './random.js';

/** A numeric input copied out of a dataset: column-major `values[a * dates + t]`. */
interface NumericInput {
  readonly values: Float64Array;
  readonly kind: FieldKind;
}

/** A categorical input copied out of a dataset: column-major codes, `-1` = missing. */
interface CategoricalInput {
  readonly codes: Int32Array;
  readonly levels: readonly string[];
}

/**
 * The declared inputs of one factor, copied out of a dataset as known on each date (lag 0).
 * The kit modifies copies of it (garbage, holes, renamed assets) and turns them back into
 * {@link MarketData} with `createMemoryData`, so a factor only ever sees what it declares.
 */
export interface InputSnapshot {
  readonly dates: readonly DateString[];
  readonly assets: readonly AssetId[];
  readonly numeric: ReadonlyMap<string, NumericInput>;
  readonly categorical: ReadonlyMap<string, CategoricalInput>;
}

/**
 * Copy the declared inputs of `plugin` that `data` has. A field is read as categorical when the
 * dataset says so (`fieldInfo()`), or, when it does not describe the field, when the input
 * declares `kind: 'categorical'`. Inputs `data` lacks are left out (a required one then makes
 * `computeFactor` throw `FK_MISSING_INPUT`, which the checks report).
 */
export function snapshotInputs(plugin: { readonly meta: { readonly inputs: readonly InputSpec[] } }, data: MarketData): InputSnapshot {
  const info = new Map(data.fieldInfo().map((f) => [f.name, f]));
  const numeric = new Map<string, NumericInput>();
  const categorical = new Map<string, CategoricalInput>();
  for (const input of plugin.meta.inputs) {
    if (!data.hasField(input.field)) continue;
    const kind = info.get(input.field)?.kind ?? input.kind ?? 'market';
    if (kind === 'categorical') {
      const panel = data.categorical(input.field);
      categorical.set(input.field, { codes: Int32Array.from(panel.codes), levels: [...panel.levels] });
    } else {
      numeric.set(input.field, { values: Float64Array.from(data.field(input.field).values), kind });
    }
  }
  return { dates: [...data.calendar.dates], assets: [...data.assets], numeric, categorical };
}

/** The snapshot as {@link MarketData} (optionally under other asset ids, same order). */
export function toMarketData(snapshot: InputSnapshot, assets: readonly AssetId[] = snapshot.assets): MarketData {
  const n = snapshot.dates.length;
  const N = snapshot.assets.length;
  const fields: Record<string, MemoryField> = {};
  for (const [name, field] of snapshot.numeric) fields[name] = { values: new Panel(n, N, field.values.slice()), kind: field.kind };
  const categorical: Record<string, { dates: number; assets: number; codes: Int32Array; levels: readonly string[] }> = {};
  for (const [name, field] of snapshot.categorical) categorical[name] = { dates: n, assets: N, codes: field.codes.slice(), levels: field.levels };
  return createMemoryData({ calendar: snapshot.dates, assets, fields, categorical });
}

/** A deep copy of `snapshot` whose input columns `edit` may change in place. */
export function editSnapshot(
  snapshot: InputSnapshot,
  edit: { numeric?: (values: Float64Array, name: string) => void; categorical?: (codes: Int32Array, levels: readonly string[], name: string) => void },
): InputSnapshot {
  const numeric = new Map<string, NumericInput>();
  for (const [name, field] of snapshot.numeric) {
    const values = field.values.slice();
    edit.numeric?.(values, name);
    numeric.set(name, { values, kind: field.kind });
  }
  const categorical = new Map<string, CategoricalInput>();
  for (const [name, field] of snapshot.categorical) {
    const codes = field.codes.slice();
    edit.categorical?.(codes, field.levels, name);
    categorical.set(name, { codes, levels: field.levels });
  }
  return { dates: snapshot.dates, assets: snapshot.assets, numeric, categorical };
}

/** Every input of asset `a` missing (`NaN`, code `-1`) on the dates `[from, to)`. */
export function blankAsset(snapshot: InputSnapshot, a: number, from: number, to: number): InputSnapshot {
  const n = snapshot.dates.length;
  return editSnapshot(snapshot, {
    numeric: (values) => values.fill(Number.NaN, a * n + from, a * n + to),
    categorical: (codes) => codes.fill(-1, a * n + from, a * n + to),
  });
}

/**
 * Kinds of garbage the look-ahead check writes after the cut date, into every declared input
 * of every asset:
 * - `huge`: `1e15 × (1 + u)`; categorical: a random level;
 * - `negative`: `−(1 + 1000 u)`; categorical: a random level;
 * - `nan`: `NaN`; categorical: `-1` (missing);
 * - `shuffled`: the input's own values (codes) after the cut, randomly permuted across dates
 *   and assets — plausible-looking numbers in the wrong places.
 */
export type GarbageKind = 'huge' | 'negative' | 'nan' | 'shuffled';

/** Every {@link GarbageKind}, the look-ahead check's default. */
export const GARBAGE_KINDS: readonly GarbageKind[] = ['huge', 'negative', 'nan', 'shuffled'];

/** A copy of `snapshot` with every input value on dates after index `cut` replaced by garbage. */
export function garble(snapshot: InputSnapshot, cut: number, kind: GarbageKind, random: Random): InputSnapshot {
  const n = snapshot.dates.length;
  const N = snapshot.assets.length;
  const after = (fn: (index: number) => void) => {
    for (let a = 0; a < N; a++) for (let t = cut + 1; t < n; t++) fn(a * n + t);
  };
  const shuffle = (array: Float64Array | Int32Array) => {
    const indices: number[] = [];
    after((i) => indices.push(i));
    for (let k = indices.length - 1; k > 0; k--) {
      const j = random.int(k + 1);
      const [x, y] = [indices[k]!, indices[j]!];
      const swap = array[x]!;
      array[x] = array[y]!;
      array[y] = swap;
    }
  };
  return editSnapshot(snapshot, {
    numeric: (values) => {
      if (kind === 'shuffled') return shuffle(values);
      after((i) => {
        values[i] = kind === 'huge' ? 1e15 * (1 + random.next()) : kind === 'negative' ? -(1 + 1000 * random.next()) : Number.NaN;
      });
    },
    categorical: (codes, levels) => {
      if (kind === 'shuffled') return shuffle(codes);
      after((i) => {
        codes[i] = kind === 'nan' || levels.length === 0 ? -1 : random.int(levels.length);
      });
    },
  });
}

const TUSHARE_ID = /^(\d{3})(\d{3})(\.[A-Z]{2})$/;
let renamings = 0;

/**
 * Asset ids the factor has (very likely) never seen, in the same order and of the same form:
 * a tushare-style id keeps its first three digits and exchange (`600519.SH` → `600xyz.SH`), so
 * board and exchange rules still apply, and string order is preserved; any other id gets a
 * common prefix. Each call gives a new renaming. Used so that a cache a factor keeps between
 * calls, keyed by asset, cannot hand clean values to a garbled run.
 */
export function freshAssetIds(assets: readonly AssetId[]): AssetId[] {
  const salt = ++renamings;
  if (!assets.every((id) => TUSHARE_ID.test(id))) return assets.map((id) => `~${String(salt).padStart(6, '0')}~${id}`);
  const groups = new Map<string, number[]>();
  assets.forEach((id, a) => {
    const match = TUSHARE_ID.exec(id)!;
    const key = `${match[1]!}${match[3]!}`;
    const group = groups.get(key) ?? [];
    group.push(a);
    groups.set(key, group);
  });
  const out = [...assets];
  for (const members of groups.values()) {
    members.sort((x, y) => (assets[x]! < assets[y]! ? -1 : 1));
    const step = Math.max(1, Math.floor(1000 / members.length));
    const offset = salt % step;
    members.forEach((a, i) => {
      const match = TUSHARE_ID.exec(assets[a]!)!;
      out[a] = `${match[1]!}${String(i * step + offset).padStart(3, '0')}${match[3]!}`;
    });
  }
  return out;
}
