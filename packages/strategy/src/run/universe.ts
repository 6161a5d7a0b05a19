import { type BenchmarkWeights, FactorkitError, type MarketData, type Tradability, type UniverseInstance, type UniversePlugin, resolvePluginParams } from '@factorkit/core';

type AnyUniverse = UniversePlugin<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The universes of a run, resolved once, with what is read more than once remembered. */
export interface RunUniverses {
  /** The strategy's universe: its members, benchmark weights and tradability. */
  readonly universe: UniverseInstance & { weights(t: number): BenchmarkWeights | undefined };
  /** The investable universe, or `undefined` when the strategy has none (`investable: false`). */
  readonly investable: UniverseInstance | undefined;
  /** The index code the universe tracks (`000852.SH`), when its id says it (`index:000852.SH`). */
  readonly indexCode: string | undefined;
}

/**
 * Memoised members (every date asked: factors, training and rebalances ask again), and the last
 * few dates of weights and tradability (asked in date order by the backtest and the diagnostics).
 */
function remember(universe: UniverseInstance): UniverseInstance {
  const members = new Map<number, Uint8Array>();
  const recent = <V>(read: (t: number) => V): ((t: number) => V) => {
    const kept = new Map<number, V>();
    return (t) => {
      if (kept.has(t)) return kept.get(t)!;
      const value = read(t);
      kept.set(t, value);
      if (kept.size > 8) kept.delete(kept.keys().next().value!);
      return value;
    };
  };
  return {
    id: universe.id,
    members(t) {
      let m = members.get(t);
      if (!m) {
        m = universe.members(t);
        members.set(t, m);
      }
      return m;
    },
    ...(universe.weights ? { weights: recent((t) => universe.weights!(t)) } : {}),
    ...(universe.tradability ? { tradability: recent<Tradability>((t) => universe.tradability!(t)) } : {}),
  };
}

/**
 * Resolve the strategy's universe (`index` added to its params when the plugin declares one)
 * and the investable universe.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` when the universe gives no benchmark weights;
 *   the plugins' own errors (`FK_MISSING_INPUT` for an index the data lacks, …).
 */
export function resolveUniverses(
  data: MarketData,
  universe: { readonly plugin: AnyUniverse; readonly params: Record<string, unknown> },
  index: string,
  investable: { readonly plugin: AnyUniverse; readonly params: Record<string, unknown> } | undefined,
): RunUniverses {
  const declared = universe.plugin.meta.params as Record<string, unknown>;
  const given = Object.hasOwn(declared, 'index') && universe.params.index === undefined ? { ...universe.params, index } : universe.params;
  const params = resolvePluginParams(universe.plugin.meta, given, `strategy.universe (universe \`${universe.plugin.id}\`)`);
  const instance = remember(universe.plugin.resolve({ data, params }));
  if (typeof instance.weights !== 'function') {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `strategy.universe: universe \`${instance.id}\` gives no benchmark weights, so a strategy cannot be run against it`);
  }
  let investableInstance: UniverseInstance | undefined;
  if (investable) {
    const p = resolvePluginParams(investable.plugin.meta, investable.params, `strategy.universe.investable (universe \`${investable.plugin.id}\`)`);
    investableInstance = remember(investable.plugin.resolve({ data, params: p }));
  }
  const match = /^index:(.+)$/.exec(instance.id);
  return {
    universe: instance as RunUniverses['universe'],
    investable: investableInstance,
    indexCode: match ? match[1] : undefined,
  };
}
