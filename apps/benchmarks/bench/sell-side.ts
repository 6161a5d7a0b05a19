/** factorkit's fifteen sell-side factor packages (every `plugins/factors/*` but `style-*`), shared by the tracking benchmarks. */

import type { FactorPlugin } from '@factorkit/core';
import bp from '@factorkit/factor-bp';
import coverage3m from '@factorkit/factor-coverage-3m';
import epQ from '@factorkit/factor-ep-q';
import epTtm from '@factorkit/factor-ep-ttm';
import execPay from '@factorkit/factor-exec-pay';
import expectedBp from '@factorkit/factor-expected-bp';
import expectedEpTtm from '@factorkit/factor-expected-ep-ttm';
import expectedNpQoq from '@factorkit/factor-expected-np-qoq';
import expectedPeg from '@factorkit/factor-expected-peg';
import illiquidityShock from '@factorkit/factor-illiquidity-shock';
import momentum from '@factorkit/factor-momentum';
import profitQYoy from '@factorkit/factor-profit-q-yoy';
import reversal3m from '@factorkit/factor-reversal-3m';
import turnover1m from '@factorkit/factor-turnover-1m';
import volatility3m from '@factorkit/factor-volatility-3m';

/** The sell-side factors: every factor plugin of the repository but the Barra-style ones, by id. */
export const SELL_SIDE: FactorPlugin<any>[] = [bp, coverage3m, epQ, epTtm, execPay, expectedBp, expectedEpTtm, expectedNpQoq, expectedPeg, illiquidityShock, momentum, profitQYoy, reversal3m, turnover1m, volatility3m].sort((a, b) => (a.id < b.id ? -1 : 1)); // eslint-disable-line @typescript-eslint/no-explicit-any
