/**
 * The vitest adapter as a plugin's test file uses it: each call declares `describe(plugin.id)`
 * with one real vitest test per check. These correct factors must pass all of them.
 */
import { runFactorTests } from '../src/vitest.js';
import { industryEp, retSum, zMomentum } from './factors.js';
import { HAND_RET_SUM_3, handData } from './helpers.js';

runFactorTests(retSum, {
  golden: [{ name: 'hand panel', data: handData(), expected: HAND_RET_SUM_3 }],
  params: [{}, { window: 20 }],
});

runFactorTests(zMomentum, { seed: 7 });

runFactorTests(industryEp, { params: [{}] });
