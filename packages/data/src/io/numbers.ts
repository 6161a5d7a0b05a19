/**
 * Number and date parsing straight from bytes, and number formatting straight into bytes:
 * the CSV hot paths, which must not allocate a string per cell.
 *
 * Both are exact: {@link parseDecimalBytes} returns the same double as `Number(text)` for every
 * text it accepts, and {@link writeNumberAscii} writes the same characters as `String(x)`. The
 * fast paths only take cases where that is provable (Clinger's fast path: at most 15
 * significant digits and a power of ten that is exact) and hand everything else to `Number` /
 * `String`.
 */

/** 10^0 … 10^22: every one is an exact double. */
const POW10 = Float64Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

const latin1 = new TextDecoder('latin1');

/**
 * Read a decimal number from `pos`, as far as the grammar
 * `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?` goes; store it in `out[index]`
 * and return the position after it. The value is `NaN` when what was read is not a whole number
 * (no digits, an exponent without digits), else the value of `Number(text)` (±Infinity when it
 * overflows). It goes to an array rather than being returned so that no call boxes a double.
 */
export function scanDecimalInto(buf: Uint8Array, pos: number, end: number, out: Float64Array, index: number): number {
  let c = pos < end ? buf[pos]! : 0;
  let negative = false;
  if (c === 45 /* - */ || c === 43 /* + */) {
    negative = c === 45;
    c = ++pos < end ? buf[pos]! : 0;
  }
  const signEnd = pos;
  let mantissa = 0;
  let significant = 0;
  let digits = 0;
  let exponent = 0;
  while (c === 48) {
    digits++;
    c = ++pos < end ? buf[pos]! : 0;
  }
  while (c >= 48 && c <= 57) {
    mantissa = mantissa * 10 + (c - 48);
    significant++;
    c = ++pos < end ? buf[pos]! : 0;
  }
  digits += significant;
  if (c === 46 /* . */) {
    c = ++pos < end ? buf[pos]! : 0;
    if (significant === 0) {
      while (c === 48) {
        digits++;
        exponent--;
        c = ++pos < end ? buf[pos]! : 0;
      }
    }
    const before = significant;
    while (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      significant++;
      c = ++pos < end ? buf[pos]! : 0;
    }
    exponent -= significant - before;
    digits += significant - before;
  }
  if (digits === 0) {
    out[index] = Number.NaN;
    return pos;
  }
  if (c === 101 /* e */ || c === 69 /* E */) {
    c = ++pos < end ? buf[pos]! : 0;
    let expNegative = false;
    if (c === 45 || c === 43) {
      expNegative = c === 45;
      c = ++pos < end ? buf[pos]! : 0;
    }
    let e = 0;
    let expDigits = 0;
    while (c >= 48 && c <= 57) {
      if (e < 100_000) e = e * 10 + (c - 48);
      expDigits++;
      c = ++pos < end ? buf[pos]! : 0;
    }
    if (expDigits === 0) {
      out[index] = Number.NaN;
      return pos;
    }
    exponent += expNegative ? -e : e;
  }
  if (mantissa === 0) {
    out[index] = negative ? -0 : 0;
    return pos;
  }
  let value: number;
  if (significant <= 15 && exponent >= -22 && exponent <= 22) {
    value = exponent >= 0 ? mantissa * POW10[exponent]! : mantissa / POW10[-exponent]!;
  } else {
    // Too many digits or a large exponent for the exact fast path: the text matches the grammar,
    // so Number() parses exactly it, correctly rounded.
    value = Number(latin1.decode(buf.subarray(signEnd, pos)));
  }
  out[index] = negative ? -value : value;
  return pos;
}

/**
 * {@link scanDecimalInto} without bounds checks, for the CSV hot path: it reads until the
 * first byte outside the grammar, so the caller must know the field is followed by one (a
 * comma or a line end) — or accept that reading past the end of `buf` stops there (`undefined`
 * fails every comparison below, so it ends the number like any other byte would).
 */
export function scanDecimalFast(buf: Uint8Array, pos: number, out: Float64Array, index: number): number {
  let c = buf[pos]!;
  let negative = false;
  if (c === 45 || c === 43) {
    negative = c === 45;
    c = buf[++pos]!;
  }
  const signEnd = pos;
  let mantissa = 0;
  let significant = 0;
  let digits = 0;
  let exponent = 0;
  while (c === 48) {
    digits++;
    c = buf[++pos]!;
  }
  while (c >= 48 && c <= 57) {
    mantissa = mantissa * 10 + (c - 48);
    significant++;
    c = buf[++pos]!;
  }
  digits += significant;
  if (c === 46) {
    c = buf[++pos]!;
    if (significant === 0) {
      while (c === 48) {
        digits++;
        exponent--;
        c = buf[++pos]!;
      }
    }
    const before = significant;
    while (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      significant++;
      c = buf[++pos]!;
    }
    exponent -= significant - before;
    digits += significant - before;
  }
  if (digits === 0) {
    out[index] = Number.NaN;
    return pos;
  }
  if (c === 101 || c === 69) {
    c = buf[++pos]!;
    let expNegative = false;
    if (c === 45 || c === 43) {
      expNegative = c === 45;
      c = buf[++pos]!;
    }
    let e = 0;
    let expDigits = 0;
    while (c >= 48 && c <= 57) {
      if (e < 100_000) e = e * 10 + (c - 48);
      expDigits++;
      c = buf[++pos]!;
    }
    if (expDigits === 0) {
      out[index] = Number.NaN;
      return pos;
    }
    exponent += expNegative ? -e : e;
  }
  if (mantissa === 0) out[index] = negative ? -0 : 0;
  else if (significant <= 15 && exponent >= -22 && exponent <= 22) {
    const value = exponent >= 0 ? mantissa * POW10[exponent]! : mantissa / POW10[-exponent]!;
    out[index] = negative ? -value : value;
  } else {
    const value = Number(latin1.decode(buf.subarray(signEnd, pos)));
    out[index] = negative ? -value : value;
  }
  return pos;
}

const scratch = new Float64Array(1);

/**
 * Parse the decimal number `buf[start, end)` (the grammar of {@link scanDecimalInto}, nothing
 * else: no spaces, `Infinity`, `NaN` or hex). `NaN` when the text does not match or is empty;
 * the value of `Number(text)` otherwise.
 */
export function parseDecimalBytes(buf: Uint8Array, start: number, end: number): number {
  return scanDecimalInto(buf, start, end, scratch, 0) === end ? scratch[0]! : Number.NaN;
}

/** {@link parseDecimalBytes} on a string (tests, Parquet string cells). */
export function parseCsvNumber(text: string): number {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 127) return Number.NaN;
    bytes[i] = code;
  }
  return parseDecimalBytes(bytes, 0, bytes.length);
}

/**
 * Parse a date, `YYYY-MM-DD` or `YYYYMMDD` (as tushare writes it), to a `yyyymmdd` integer;
 * `0` when the text is not a real calendar date.
 */
export function parseDateBytes(buf: Uint8Array, start: number, end: number): number {
  let year: number;
  let month: number;
  let day: number;
  const len = end - start;
  if (len === 10) {
    if (buf[start + 4] !== 45 || buf[start + 7] !== 45) return 0;
    year = digits4(buf, start);
    month = digits2(buf, start + 5);
    day = digits2(buf, start + 8);
  } else if (len === 8) {
    year = digits4(buf, start);
    month = digits2(buf, start + 4);
    day = digits2(buf, start + 6);
  } else return 0;
  if (year < 0 || month < 1 || month > 12 || day < 1) return 0;
  if (day > 28) {
    const last =
      month === 2 ? ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
    if (day > last) return 0;
  }
  // Year 0 would give a value below 10000 but never 0 (month ≥ 1), so 0 stays "empty".
  return year * 10_000 + month * 100 + day;
}

/** {@link parseDateBytes} on a string. */
export function parseCsvDate(text: string): number {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 127) return 0;
    bytes[i] = code;
  }
  return parseDateBytes(bytes, 0, bytes.length);
}

function digit(buf: Uint8Array, i: number): number {
  const d = buf[i]! - 48;
  return d >= 0 && d <= 9 ? d : -100_000;
}

function digits2(buf: Uint8Array, i: number): number {
  return digit(buf, i) * 10 + digit(buf, i + 1);
}

function digits4(buf: Uint8Array, i: number): number {
  return digit(buf, i) * 1000 + digit(buf, i + 1) * 100 + digit(buf, i + 2) * 10 + digit(buf, i + 3);
}

const digitScratch = new Uint8Array(24);
/** `00`, `01`, … `99` as ASCII pairs. */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i & 1 ? (i >> 1) % 10 : Math.floor((i >> 1) / 10)));

/**
 * Write `String(x)` as ASCII into `out` at `pos` and return the position after it. `x` must be
 * finite. Numbers in [1e-6, 1e15) with at most 15 significant digits are written without a
 * string: scaled to 15 significant digits, `M = round(x·10^k)` is the only integer of that size
 * whose `M / 10^k` reads back as `x` (so it is found exactly when a 15-digit form exists), and
 * dropping its trailing zeros gives the shortest form, which is what `String` prints. All other
 * numbers go through `String`.
 */
export function writeNumberAscii(out: Uint8Array, pos: number, x: number): number {
  const a = x < 0 ? -x : x;
  if (a < 1e15 && a >= 1e-6) {
    if (Number.isInteger(a)) {
      if (x < 0) out[pos++] = 45;
      return writeScaled(out, pos, a, 0);
    }
    let k: number;
    if (a >= 1) {
      let d = 1;
      while (d < 15 && a >= POW10[d]!) d++;
      k = 15 - d;
    } else {
      let z = 0;
      while (z < 6 && a * POW10[z + 1]! < 1) z++;
      k = 15 + z;
    }
    const scale = POW10[k]!;
    const m = Math.round(a * scale);
    if (m < 1e15 && m / scale === a) {
      if (x < 0) out[pos++] = 45;
      return writeScaled(out, pos, m, k);
    }
  }
  const text = String(x);
  for (let i = 0; i < text.length; i++) out[pos++] = text.charCodeAt(i);
  return pos;
}

/** `m / 10^k` in fixed notation without trailing fraction zeros (`m` an integer < 1e15, `k` ≤ 22). */
function writeScaled(out: Uint8Array, pos: number, m: number, fraction: number): number {
  let k = fraction;
  const digits = digitScratch;
  let i = 24;
  const hi = Math.floor(m / 1e8);
  let lo = (m - hi * 1e8) | 0;
  // Two digits per step (a division by 100 and a table lookup).
  if (hi > 0) {
    for (let j = 0; j < 4; j++) {
      const q = (lo / 100) | 0;
      const r = (lo - q * 100) << 1;
      digits[--i] = PAIRS[r + 1]!;
      digits[--i] = PAIRS[r]!;
      lo = q;
    }
    lo = hi | 0;
  }
  while (lo >= 100) {
    const q = (lo / 100) | 0;
    const r = (lo - q * 100) << 1;
    digits[--i] = PAIRS[r + 1]!;
    digits[--i] = PAIRS[r]!;
    lo = q;
  }
  if (lo >= 10) {
    digits[--i] = PAIRS[(lo << 1) + 1]!;
    digits[--i] = PAIRS[lo << 1]!;
  } else digits[--i] = 48 + lo;
  // The shortest form: no trailing zeros in the fraction.
  let last = 24;
  while (k > 0 && digits[last - 1] === 48) {
    last--;
    k--;
  }
  const n = last - i;
  if (k === 0) {
    for (; i < last; i++) out[pos++] = digits[i]!;
    return pos;
  }
  if (n > k) {
    const point = last - k;
    for (; i < point; i++) out[pos++] = digits[i]!;
    out[pos++] = 46;
    for (; i < last; i++) out[pos++] = digits[i]!;
    return pos;
  }
  out[pos++] = 48;
  out[pos++] = 46;
  for (let z = k - n; z > 0; z--) out[pos++] = 48;
  for (; i < last; i++) out[pos++] = digits[i]!;
  return pos;
}

/** {@link writeNumberAscii} to a string (tests). */
export function formatCsvNumber(x: number): string {
  const out = new Uint8Array(32);
  const end = writeNumberAscii(out, 0, x);
  return latin1.decode(out.subarray(0, end));
}

/** Write a `yyyymmdd` integer as `YYYY-MM-DD` (10 bytes) and return the position after it. */
export function writeDateAscii(out: Uint8Array, pos: number, value: number): number {
  const year = Math.floor(value / 10_000);
  const month = Math.floor(value / 100) % 100;
  const day = value % 100;
  out[pos] = 48 + (Math.floor(year / 1000) % 10);
  out[pos + 1] = 48 + (Math.floor(year / 100) % 10);
  out[pos + 2] = 48 + (Math.floor(year / 10) % 10);
  out[pos + 3] = 48 + (year % 10);
  out[pos + 4] = 45;
  out[pos + 5] = 48 + Math.floor(month / 10);
  out[pos + 6] = 48 + (month % 10);
  out[pos + 7] = 45;
  out[pos + 8] = 48 + Math.floor(day / 10);
  out[pos + 9] = 48 + (day % 10);
  return pos + 10;
}
