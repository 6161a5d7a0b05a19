/**
 * A-share market rules as functions over one stock's daily columns (typed arrays aligned with
 * the calendar, `NaN` where the stock has no row). For a column-major date × asset panel
 * (`values[asset * dates + t]`), call them on `values.subarray(asset * dates, (asset + 1) * dates)`.
 */
export { type ReturnInputs, type ReturnOptions, dailyReturns } from './returns.js';
export {
  type RawPriceInputs,
  type RawCloseOptions,
  type RawPreCloseOptions,
  vwap,
  floatSharesFromTurnover,
  rawClose,
  estimateAdjFactor,
  estimateRawPreClose,
  marketCap,
} from './prices.js';
export {
  type Board,
  type PriceBand,
  type PriceBandOptions,
  type PriceBands,
  type PriceBandInputs,
  type LimitInputs,
  type LimitFlags,
  CHINEXT_REFORM_DATE,
  STAR_LAUNCH_DATE,
  BSE_LAUNCH_DATE,
  MAIN_REGISTRATION_DATE,
  FIRST_DAY_CAP_DATE,
  boardOfCode,
  priceBand,
  priceBandSeries,
  limitPrice,
  limitUpAtOpen,
  limitDownAtOpen,
  limitUpAtClose,
  limitDownAtClose,
  limitFlags,
} from './limits.js';
export {
  type FindListingOptions,
  LISTED_BEFORE_CALENDAR,
  findListing,
  listingAge,
  tradingDaysSinceListing,
  listedAtLeast,
  stFlag,
} from './listing.js';
export { type ExecutionTime, canBuy, canSell } from './tradability.js';
