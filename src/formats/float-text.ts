/**
 * Decimal numbers as they appear in text vector files, read and written without building strings.
 *
 * Reading: a plain decimal with at most 15 significant digits and a decimal exponent within ±22 is exact
 * as an integer mantissa and a power of ten, both doubles, so one multiplication or division rounds it
 * correctly; that covers everything the word2vec, GloVe and fastText tools print. Anything else goes
 * through Number(), so results equal a correct string → double → float32 conversion (what gensim does).
 */

const POW10: number[] = [];
for (let k = 0, p = 1; k <= 22; k++, p *= 10) POW10.push(p);
const MAX_FAST_DIGITS = 15;

/**
 * Value of the decimal in `b[start, end)`, or NaN when it is not a plain decimal the fast path can take
 * (the caller then uses parseNumberSlow for the exact answer and the error message).
 */
export function parseDecimal(b: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && (b[i] === 0x2d || b[i] === 0x2b)) {
    negative = b[i] === 0x2d;
    i++;
  }
  let mantissa = 0;
  let significant = 0;
  let exponent = 0;
  let digits = 0;
  for (; i < end; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 9) break;
    digits++;
    if (mantissa !== 0 || d !== 0) {
      mantissa = mantissa * 10 + d;
      significant++;
    }
  }
  if (i < end && b[i] === 0x2e) {
    for (i++; i < end; i++) {
      const d = b[i] - 0x30;
      if (d < 0 || d > 9) break;
      digits++;
      exponent--;
      if (mantissa !== 0 || d !== 0) {
        mantissa = mantissa * 10 + d;
        significant++;
      }
    }
  }
  if (digits === 0 || significant > MAX_FAST_DIGITS) return NaN;
  if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    let expNegative = false;
    if (i < end && (b[i] === 0x2d || b[i] === 0x2b)) {
      expNegative = b[i] === 0x2d;
      i++;
    }
    let e = 0;
    let expDigits = 0;
    for (; i < end; i++) {
      const d = b[i] - 0x30;
      if (d < 0 || d > 9) break;
      if (e < 100000) e = e * 10 + d;
      expDigits++;
    }
    if (expDigits === 0) return NaN;
    exponent += expNegative ? -e : e;
  }
  if (i !== end) return NaN;
  let value: number;
  if (mantissa === 0) value = 0;
  else if (exponent >= 0 && exponent <= 22) value = mantissa * POW10[exponent];
  else if (exponent < 0 && exponent >= -22) value = mantissa / POW10[-exponent];
  else return NaN;
  return negative ? -value : value;
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(?:nan|inf|infinity)$/i;

/**
 * The exact reading of a token the fast path declined: a number, or `null` when the token is not a number
 * at all. NaN and ±Infinity are returned as such (Python reads "nan" and "inf"); callers reject them.
 */
export function parseNumberSlow(token: string): number | null {
  if (DECIMAL.test(token)) return Number(token);
  if (NON_FINITE.test(token)) return /nan/i.test(token) ? NaN : token.startsWith('-') ? -Infinity : Infinity;
  return null;
}

/**
 * Shortest decimal that reads back as the same float32 (6 to 9 significant digits), without trailing zeros:
 * text files we write load in gensim and here with exactly the vectors that were saved.
 */
export function formatFloat32(x: number): string {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  for (let p = 6; p < 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return trimZeros(s);
  }
  return trimZeros(x.toPrecision(9));
}

/** "1.50000" → "1.5", "2.00000e-7" → "2e-7"; toPrecision pads with zeros. */
function trimZeros(s: string): string {
  const e = s.indexOf('e');
  const mantissa = e < 0 ? s : s.slice(0, e);
  if (mantissa.indexOf('.') < 0) return s;
  let k = mantissa.length;
  while (mantissa.charCodeAt(k - 1) === 0x30) k--;
  if (mantissa.charCodeAt(k - 1) === 0x2e) k--;
  return e < 0 ? mantissa.slice(0, k) : mantissa.slice(0, k) + s.slice(e);
}
