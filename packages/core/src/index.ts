/**
 * @factorkit/core: the contracts every factorkit package and plugin is written against.
 *
 * - data: {@link MarketData} (calendar, assets, point-in-time fields as {@link Panel}s, and
 *   non-panel tables as {@link DataTable}s);
 * - plugins: {@link defineFactor}, {@link defineUniverse}, {@link defineConstraint},
 *   {@link defineOptimizer}, {@link defineModel} (combination models and their
 *   {@link TrainingSet}), with typed {@link param} schemas;
 * - the optimisation {@link Problem} model that constraints build and optimizers solve;
 * - a {@link createRegistry | registry} that validates plugins before adding them.
 *
 * Node-only helpers (loading plugin packages by name) live in `@factorkit/core/node`.
 *
 * @packageDocumentation
 */
export { CORE_API_VERSION, type ApiVersion, checkApiCompatibility, parseApiVersion } from './version.js';
export {
  type ErrorCode,
  FactorkitError,
  type FactorkitErrorOptions,
  type Issue,
  ValidationError,
  formatIssues,
  isFactorkitError,
  show,
} from './errors.js';
export {
  type ArraySpec,
  type BooleanSpec,
  type EnumSpec,
  type NumberSpec,
  type ObjectSpec,
  type ParamSchema,
  type ParamSpec,
  type ParamsInput,
  type ParamsOf,
  type RecordSpec,
  type StringSpec,
  type ValueOf,
  checkParams,
  checkSchema,
  describeParams,
  param,
  parseParams,
} from './params.js';
export {
  type Calendar,
  DATE_FORMATS,
  type DateString,
  TradingCalendar,
  dateIntToEpochDay,
  dateToInt,
  daysInMonth,
  epochDayToDateInt,
  intToDate,
  isDateString,
  lowerBound,
  parseDate,
  upperBound,
} from './calendar.js';
export { type CategoricalPanel, Panel, windowCategorical, windowPanel } from './panel.js';
export {
  type AssetId,
  FIELD,
  type FieldInfo,
  type FieldKind,
  type FieldRequest,
  type MarketData,
  type MemoryDataInput,
  type MemoryField,
  createMemoryData,
  missingField,
  requireTable,
} from './data.js';
export type { DataTable, DateColumn, NumberColumn, StringColumn, TableColumn } from './table.js';
export {
  type InputSpec,
  type MetaBase,
  PLUGIN_ID_PATTERN,
  PLUGIN_KINDS,
  type PluginBase,
  type PluginKind,
  type PluginSource,
  resolvePluginParams,
} from './plugin.js';
export {
  type ComputeFactorOptions,
  type ComputeRange,
  FACTOR_CATEGORIES,
  type FactorCategory,
  type FactorComputeContext,
  type FactorDefinition,
  type FactorMeta,
  type FactorPlugin,
  type FactorSpec,
  type FactorValues,
  assertInputs,
  checkFactor,
  computeFactor,
  defineFactor,
  describeFactorSource,
  factorLookback,
  missingInputs,
  resolveRange,
} from './factor.js';
export {
  type BenchmarkWeights,
  type Tradability,
  type UniverseContext,
  type UniverseDefinition,
  type UniverseInstance,
  type UniverseMeta,
  type UniversePlugin,
  type UniverseSpec,
  checkUniverse,
  defineUniverse,
} from './universe.js';
export {
  type ConstraintBuildContext,
  type ConstraintContext,
  type ConstraintDefinition,
  type ConstraintMeta,
  type ConstraintPlugin,
  type ConstraintSpec,
  type RiskModelView,
  applyConstraints,
  checkConstraint,
  defineConstraint,
  requireExposure,
} from './constraint.js';
export {
  type ConstraintGroup,
  type GroupBuilder,
  type GroupResidual,
  type Problem,
  ProblemBuilder,
  type RowInput,
  type SparseMatrix,
  type VariableBlock,
  objectiveValue,
  problemResiduals,
  quadraticRowValue,
  type QuadraticConstraint,
  type QuadraticInput,
} from './problem.js';
export {
  type GroupReport,
  type OptimizerDefinition,
  type OptimizerInstance,
  type OptimizerMeta,
  type OptimizerPlugin,
  type OptimizerSpec,
  type SolveDiagnostics,
  type SolveOptions,
  type SolveStatus,
  type Solution,
  assertSolved,
  checkOptimizer,
  defineOptimizer,
  failedSolution,
} from './optimizer.js';
export {
  type FactorWeight,
  type FactorWeightKind,
  type ModelDefinition,
  type ModelDiagnostics,
  type ModelMeta,
  type ModelPlugin,
  type ModelSpec,
  type ModelCache,
  type ModelTrainContext,
  type TrainModelOptions,
  type TrainedModel,
  type TrainingSet,
  checkModel,
  checkTrainingSet,
  defineModel,
  trainModel,
} from './model.js';
export {
  type AnyPlugin,
  type PluginOf,
  type PluginRegistry,
  PluginRegistrationError,
  type RegisterOptions,
  type RegisteredPlugin,
  type RegistrationProblem,
  createRegistry,
  pluginsFromModule,
} from './registry.js';
