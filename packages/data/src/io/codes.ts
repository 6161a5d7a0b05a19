/**
 * Security codes in other styles than the format's `600519.SH`, normalised on read. Sources
 * write the same stock as `600519.SH` (tushare, Wind), `600519.XSHG` (JoinQuant, RiceQuant),
 * `sh600519` / `SH600519` (Sina, qlib), `sh.600519` (baostock) or `600519.sh`; a dataset whose
 * tables mix them would otherwise match nothing across tables.
 */

/**
 * How a code was written, when it was not already in the format's style:
 * - `mic`: exchange MIC suffix, `600519.XSHG` / `000001.XSHE`;
 * - `prefix`: exchange prefix in either case, with or without a dot, `sh600519`, `SH600519`, `sh.600519`;
 * - `lowercase`: the format's style in lower case, `600519.sh`.
 */
export type CodeStyle = 'mic' | 'prefix' | 'lowercase';

const TUSHARE = /^\d{6}\.(?:SH|SZ|BJ)$/;
const MIC = /^(\d{6})\.(XSHG|XSHE)$/i;
const PREFIX = /^(sh|sz|bj)\.?(\d{6})$/i;
const LOWER = /^(\d{6})\.(sh|sz|bj)$/i;

/**
 * A security code in the format's style, `600519.SH`, and the style it was written in
 * (`undefined` when it was already in the format's style or matches no known style, in which
 * case `code` is the text unchanged).
 *
 * @example
 * normaliseSecurityCode('600519.XSHG'); // { code: '600519.SH', style: 'mic' }
 * normaliseSecurityCode('sz000001');    // { code: '000001.SZ', style: 'prefix' }
 * normaliseSecurityCode('AAPL');        // { code: 'AAPL', style: undefined }
 */
export function normaliseSecurityCode(text: string): { code: string; style: CodeStyle | undefined } {
  if (TUSHARE.test(text)) return { code: text, style: undefined };
  let match = MIC.exec(text);
  if (match) return { code: `${match[1]!}.${match[2]!.toUpperCase() === 'XSHG' ? 'SH' : 'SZ'}`, style: 'mic' };
  match = PREFIX.exec(text);
  if (match) return { code: `${match[2]!}.${match[1]!.toUpperCase()}`, style: 'prefix' };
  match = LOWER.exec(text);
  if (match) return { code: `${match[1]!}.${match[2]!.toUpperCase()}`, style: 'lowercase' };
  return { code: text, style: undefined };
}

/** The styles in a fixed order (index + 1 is the style's number in the interner). */
export const CODE_STYLES: readonly CodeStyle[] = ['mic', 'prefix', 'lowercase'];

/**
 * The shape of a code once normalised, for comparing tables from different sources:
 * - `suffixed`: six digits, a dot and an exchange or market suffix (`600519.SH`, `000001.OF`);
 * - `bare`: six digits alone (`600519`, `000001`), which names no exchange;
 * - `other`: anything else (`00700.HK`, `HSI`), never compared.
 */
export type CodeShape = 'suffixed' | 'bare' | 'other';

const SUFFIXED = /^\d{6}\.[A-Z]{2,4}$/;
const BARE = /^\d{6}$/;

/** The {@link CodeShape} of a code (normalise it first: `sh600519` is `other` until then). */
export function codeShape(code: string): CodeShape {
  if (SUFFIXED.test(code)) return 'suffixed';
  if (BARE.test(code)) return 'bare';
  return 'other';
}
