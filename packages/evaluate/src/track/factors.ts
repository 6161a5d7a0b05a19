import type { FactorPlugin, PluginSource } from '@factorkit/core';
import type { FactorInput } from '@factorkit/pipeline';

/**
 * The factors a tracking run covers when none are named: every factor plugin given whose
 * category is not `style` — the sell-side factors (value, growth, momentum, reversal,
 * volatility, liquidity, analyst, governance…; the fifteen of factorkit's own packages), not
 * the Barra-style risk descriptors, which a risk model uses and the MFE test neutralises
 * against. Sorted by id, with default parameters. Pass the result with
 * `missingInputs: 'skip'` so that the factors whose inputs the dataset lacks are left out and
 * named instead of failing the run.
 *
 * @param entries registry entries (`registry.list('factor')`) or plugins.
 */
export function defaultTrackingFactors(entries: readonly (FactorPlugin<any> | { readonly plugin: unknown; readonly source?: PluginSource })[]): FactorInput[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const inputs: FactorInput[] = [];
  for (const entry of entries) {
    const plugin = ('kind' in entry ? entry : entry.plugin) as FactorPlugin;
    const source = 'kind' in entry ? undefined : entry.source;
    if (plugin?.kind !== 'factor' || plugin.meta.category === 'style') continue;
    inputs.push({ plugin, ...(source ? { source } : {}) });
  }
  return inputs.sort((a, b) => (a.plugin.id < b.plugin.id ? -1 : a.plugin.id > b.plugin.id ? 1 : 0));
}
