/**
 * `@factorkit/optimizer-admm`: factorkit's own QP/LP solver, the OSQP algorithm (ADMM on the
 * quasi-definite KKT system) in TypeScript, as an optimizer plugin.
 *
 * @packageDocumentation
 */
export { type AdmmParams, admmOptimizer, solveProblem, toOsqpForm, validateProblem } from './plugin.js';
export {
  type AdmmResult,
  type AdmmSettings,
  type AdmmStatus,
  DEFAULT_SETTINGS,
  FactorCache,
  type QpData,
  type Scaling,
  type WarmStart,
  ruizScaling,
  solveAdmm,
} from './admm.js';
export { type Csr, type KktStructure, KktSystem, kktStructure } from './kkt.js';
export {
  type LdlFactor,
  type LdlSolvePlan,
  type LdlSymbolic,
  type LdlWorkspace,
  type UpperCsc,
  ldlNumeric,
  ldlPlan,
  ldlPlanSolveInPlace,
  ldlSolveInPlace,
  ldlSymbolic,
  ldlWorkspace,
  permuteUpper,
} from './ldl.js';
export { type Ordering, type OrderingOptions, type UpperPattern, defaultDenseThreshold, minimumDegreeOrdering } from './ordering.js';
export { admmOptimizer as default } from './plugin.js';
