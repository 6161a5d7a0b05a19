export { createStrategy } from './create.js';
export { DEFAULT_CONSTRAINTS } from './defaults.js';
export { parseStrategy } from './parse.js';
export { type CheckedDefinition, STRATEGY_NAME_PATTERN, STRATEGY_SCHEMA, checkStrategyDefinition } from './schema.js';
export type {
  ConstraintEntry,
  ConstraintInput,
  CreateStrategyOptions,
  FactorEntry,
  FactorInput,
  InfeasibleDefinition,
  ModelEntry,
  ModelInput,
  ObjectiveDefinition,
  ObjectiveKind,
  OptimizerInput,
  ParseStrategyOptions,
  PluginEntry,
  PluginParams,
  PluginRef,
  RebalanceDefinition,
  ResolvedPlugin,
  RiskDefinition,
  RiskStyleEntry,
  Strategy,
  StrategyDefinition,
  StrategyFactor,
  StrategyInput,
  StrategyIssue,
  StrategyModel,
  StrategyRisk,
  UniverseDefinitionEntry,
  UniverseInput,
} from './types.js';
