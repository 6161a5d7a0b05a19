/**
 * @factorkit/portfolio: assemble portfolio problems from an objective and constraint plugins,
 * solve them with any `OptimizerInstance` (quadratic rows by tangent cuts), explain
 * infeasibility group by group, relax in a declared order, and export problems (JSON, LP, MPS).
 *
 * @packageDocumentation
 */
export { type AlphaInput, type MeanVarianceOptions, type MinTrackingErrorOptions, type PortfolioObjective, STRUCTURAL_PRIORITY, addActiveRisk, maxExposure, meanVariance, minTrackingError } from './objectives.js';
export {
  type PortfolioInfeasible,
  type PortfolioInput,
  type PortfolioOutcome,
  type PortfolioResult,
  type PortfolioSolution,
  type RelaxationRecord,
  type RelaxationStep,
  type RelaxedRow,
  type SolvePortfolioOptions,
  buildPortfolioProblem,
  requireOptimal,
  solvePortfolio,
} from './solve.js';
export { type CutOptions, type CutResult, solveByLagrangian, solveWithCuts, withoutQuadratic } from './cuts.js';
export { type Conflict, type ConflictRow, type DiagnoseOptions, type InfeasibilityReport, diagnoseInfeasibility, elasticProblem, priorityWeights } from './diagnose.js';
export { type BoundTerm, type BoundsReason, type CrossedBoundsReason, type RowReasonBase } from './certificate.js';
export { type ConflictReason, type MinimalConflict, type MinimalConflictOptions, type MinimalConflictSearch, type RangeReason, findMinimalConflicts } from './conflict.js';
export { conflictMessages, formatValue, reasonMessage } from './explain.js';
export { type JsonNumber, type JsonSparse, type ProblemJSON, problemFromJSON, problemToJSON } from './json.js';
export {
  type InfeasibilityReportJSON,
  type JsonBounds,
  type RelaxationRecordJSON,
  type SolutionGroupJSON,
  type SolutionJSON,
  type SolutionMeta,
  solutionFromJSON,
  solutionToJSON,
} from './solution.js';
export { rowNames, toLP, toMPS, variableNames } from './lp.js';
export { relaxationFromJSON } from './relaxation-order.js';
