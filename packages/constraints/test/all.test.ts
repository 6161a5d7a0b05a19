import { PLUGIN_ID_PATTERN, checkConstraint } from '@factorkit/core';
import { describe, expect, it } from 'vitest';
import * as pkg from '../src/index.js';

describe('all', () => {
  it('lists every constraint plugin once, each a valid constraint with a unique id', () => {
    const names = ['fullyInvested', 'longOnly', 'stockDeviation', 'maxWeight', 'industryNeutral', 'styleExposure', 'constituentShare', 'turnoverLimit', 'tradability', 'trackingErrorCap'] as const;
    expect(pkg.all).toEqual(names.map((n) => pkg[n]));
    expect(pkg.all.map((p) => p.id)).toEqual([
      'fully-invested',
      'long-only',
      'stock-deviation',
      'max-weight',
      'industry-neutral',
      'style-exposure',
      'constituent-share',
      'turnover-limit',
      'tradability',
      'tracking-error-cap',
    ]);
    for (const plugin of pkg.all) {
      expect(plugin.kind).toBe('constraint');
      expect(plugin.id).toMatch(PLUGIN_ID_PATTERN);
      expect(checkConstraint(plugin)).toEqual([]);
      expect(plugin.apiVersion).toBe('1.0');
    }
  });
});
