import { type PluginRegistry, createRegistry } from '@factorkit/core';
import { all as constraints } from '@factorkit/constraints';
import { highsOptimizer } from '@factorkit/optimizer-highs';
import { indexUniverse, marketUniverse } from '@factorkit/universe-index';

let builtins: PluginRegistry | undefined;

/**
 * The plugins a strategy's defaults name, from the packages this one depends on: the constraints
 * of `@factorkit/constraints` (`DEFAULT_CONSTRAINTS`, `tracking-error-cap`), the `index` and
 * `market` universes of `@factorkit/universe-index`, the `highs` optimizer. `createStrategy`
 * falls back to them for ids its registry lacks.
 */
export function builtinRegistry(): PluginRegistry {
  if (!builtins) {
    const registry = createRegistry();
    registry.register(constraints, { source: { type: 'builtin', package: '@factorkit/constraints' } });
    registry.register([indexUniverse, marketUniverse], { source: { type: 'builtin', package: '@factorkit/universe-index' } });
    registry.register(highsOptimizer, { source: { type: 'builtin', package: '@factorkit/optimizer-highs' } });
    builtins = registry;
  }
  return builtins;
}
