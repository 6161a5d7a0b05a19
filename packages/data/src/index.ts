/**
 * @factorkit/data: datasets on disk and in memory.
 *
 * @packageDocumentation
 */
export * from './table.js';
export * from './schema.js';
export * from './qlib/index.js';
export * from './pit/index.js';
export * from './rules/index.js';
export * from './io/index.js';
export * from './store/index.js';
