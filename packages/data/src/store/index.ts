export { type AssetMaster, type CategoricalSource, Dataset, type DatasetParts, type FieldSource, type IndexLevels } from './dataset.js';
export { type BuildContext, type BuildNote, datasetFromTables } from './build.js';
export { COVERAGE_WINDOW_DAYS } from './analyst.js';
export { STANDARD_FIELDS, createDataset, loadDataset } from './load.js';
export { formatLoadDetails, formatLoadSummary } from './summary.js';
export { windowCategorical, windowPanel } from '@factorkit/core';
export { type DatasetLocation, datasetFingerprint, loadDatasetAt } from './fingerprint.js';
