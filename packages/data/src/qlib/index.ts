/**
 * qlib's binary data format: read and write a qlib `provider_uri` folder (day data), and convert
 * it to and from factorkit dataset tables. See `format.ts` for the format, `fields.ts` for qlib's
 * field conventions (factor, volume, vwap), `to-qlib.ts` and `from-qlib.ts` for the mapping, and
 * what it loses:
 *
 * - values are float32 in qlib (about 7 significant digits: an hfq close of 11474.50033 becomes
 *   11474.5; volumes and amounts above 2^24 lose their last digits);
 * - qlib has no strings or dates per day: stock names, list/delist dates, `delisted`, and the
 *   tables fina, industry, index_weight, consensus, funds… are not written;
 * - qlib has no row for a day without data; a daily row with an empty close is not written;
 * - a suspended day is a NaN close in qlib (its backtest reads nothing else): suspended rows are
 *   written with NaN prices, volume, amount, vwap and change, the factor and `is_trading` (0)
 *   kept, and come back from factorkit's own export with the previous close as their prices
 *   (see `suspended.ts`; the marker keeps what that rule would not restore);
 * - qlib's `change` is computed from adjusted closes; our `pct_chg` from unadjusted prices —
 *   they are carried over as each other (× / ÷ 100) but differ on ex-dividend days. Without
 *   `pct_chg`, `change` is derived as close / previous trading close − 1 (and not made a
 *   `pct_chg` column on the way back);
 * - qlib's volume is divided by the adjustment factor; converted both ways with the factor (rows
 *   without a factor keep shares, and the `factorkit.json` marker says so to the way back);
 * - a membership interval with no trading day in it cannot be written (qlib END is inclusive);
 *   out_date on a non-trading day comes back as the next trading day.
 */
export { type QlibData, type QlibFreq, type QlibInterval, QLIB_MARKET_INDEX_CODES, QLIB_STANDARD_FIELDS, isQlibIndexSymbol, qlibSymbolToTsCode, tsCodeToQlibSymbol } from './format.js';
export { type QlibReadResult, type ReadQlibOptions, readQlib } from './read.js';
export { type QlibWriteSummary, type WriteQlibOptions, writeQlib } from './write.js';
export { type QlibFieldReport } from './fields.js';
export { type QlibExportMarker, type QlibSuspendedMarker, QLIB_MARKER_FILE } from './marker.js';
export { type QlibExportReport, type QlibSuspendedReport, type TablesToQlibOptions, tablesToQlib } from './to-qlib.js';
export { type QlibImportReport, type QlibTables, type QlibToTablesOptions, qlibToTables } from './from-qlib.js';
