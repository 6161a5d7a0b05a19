import { type PluginRegistry, createRegistry } from '@factorkit/core';
import { all as constraints } from '@factorkit/constraints';
import { momentum } from '@factorkit/factor-momentum';
import { volatility3m } from '@factorkit/factor-volatility-3m';
import { equalWeight } from '@factorkit/model-equal';
import { icirWeight } from '@factorkit/model-icir';
import { highsOptimizer } from '@factorkit/optimizer-highs';
import { indexUniverse, marketUniverse } from '@factorkit/universe-index';

/** A registry of the real built-in plugins the strategy tests name. */
export function specRegistry(): PluginRegistry {
  const registry = createRegistry();
  registry.register(constraints, { source: { type: 'builtin', package: '@factorkit/constraints' } });
  registry.register([indexUniverse, marketUniverse], { source: { type: 'builtin', package: '@factorkit/universe-index' } });
  registry.register(highsOptimizer, { source: { type: 'builtin', package: '@factorkit/optimizer-highs' } });
  registry.register([momentum, volatility3m], { source: { type: 'builtin', package: 'factors' } });
  registry.register([equalWeight, icirWeight], { source: { type: 'builtin', package: 'models' } });
  return registry;
}

/** A small valid strategy file. */
export const CSI300_YAML = `name: csi300-enhanced
description: CSI 300 enhanced on two price factors
universe:
  index: csi300
factors:
  - momentum_1y
  - id: volatility_3m
    params:
      window: 40
      minObs: 30
model:
  id: icir
  horizon: 5
objective:
  kind: max-alpha
  trackingError: 0.05
rebalance:
  every: week
capital: 50000000
`;
