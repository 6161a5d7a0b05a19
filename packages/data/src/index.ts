/**
 * @factorkit/data: datasets on disk and in memory.
 *
 * @packageDocumentation
 */
export * from './table.js';
export * from './schema.js';
