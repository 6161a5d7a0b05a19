import { FactorkitError, show } from '@factorkit/core';
import { locate, rememberSource, strategyError } from './errors.js';
import { checkStrategyDefinition } from './schema.js';
import { readSource } from './source.js';
import type { ParseStrategyOptions, StrategyDefinition } from './types.js';
import { deepFreeze } from './defaults.js';

/**
 * Read a strategy from YAML or JSON text and check it: every problem at once, each with its
 * dot-path under `strategy` and, where the text has it, its line and column
 * (`csi300.yaml:14:5 strategy.constraints[2].params: …`). Returns the definition with the
 * defaults that need no plugin filled in (frozen plain data); plugin ids and parameters are
 * checked by `createStrategy`, which reports their problems at the same lines.
 *
 * @throws ValidationError `FK_INVALID_STRATEGY` (its `issues` are `StrategyIssue`s) for syntax
 *   errors, duplicate keys and every invalid field; `FK_INVALID_ARGUMENT` for a non-string text or
 *   an unknown `format`.
 */
export function parseStrategy(text: string, options: ParseStrategyOptions = {}): StrategyDefinition {
  if (typeof text !== 'string') throw new FactorkitError('FK_INVALID_ARGUMENT', `parseStrategy: expected the text of a strategy, got ${show(text)}`);
  const format = options.format ?? 'yaml';
  if (format !== 'yaml' && format !== 'json') {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `parseStrategy: options.format: expected \`yaml\` or \`json\`, got ${show(format)}`);
  }
  const source = readSource(text, format, options.file);
  if (!source.ok) throw strategyError('FK_INVALID_STRATEGY', source.issues, options.file);
  const checked = checkStrategyDefinition(source.value);
  if (!checked.ok) throw strategyError('FK_INVALID_STRATEGY', locate(checked.issues, source.map), options.file);
  rememberSource(checked.value, source.map);
  return deepFreeze(checked.value);
}
