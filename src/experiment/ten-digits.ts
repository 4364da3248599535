// A CSV number cell's characters written straight into an output buffer, without a string: the
// characters of String(Number(v.toPrecision(10))) (formatCell's form for a number that is not an
// integer below 1e15), for the doubles where one float operation decides them; the caller takes
// the toPrecision route for the rest.
//
// Why it is exact. For 1e-13 <= |v| < 1e31 the decimal exponent e of v's first digit is guessed
// from its binary exponent and v is scaled to ten digits with one multiply or divide by an exact power of ten
// (10^0 .. 10^22 are doubles), so the scaled value s is the exact product P rounded once: |s - P|
// <= half an ulp of s. toPrecision(10) rounds P to the nearest integer, a tie upwards. Rounding
// to a double is monotone and every m + 0.5 below 2^52 is a double, so P above m + 0.5 gives s at
// or above it and P below gives s at or below it: s's fraction above .5 means P's is, below .5
// means P's is, and only a fraction of exactly .5 (a tie, or a product within half an ulp of one)
// takes the slow route. Likewise s lands in [1e9, 1e10] whenever P does; a guess one decade off is
// corrected once (another miss takes the slow route), and P just under 1e9 or 1e10 rounds to the
// same ten digits either way. The ten-digit decimal D is then what Number() reads back as the nearest
// double r, and String(r) writes D again without its trailing zeros: any two decimals of at most
// 15 significant digits are different doubles (|v| >= 1e-13 keeps r normal), so no shorter
// decimal reads as r. String's notation follows from D's digits and exponent (ECMA-262
// Number::toString): plain below 1e21 and from 1e-6, exponent form outside.

import type { TextChunk } from './text-chunk.js';

/** 10^0 .. 10^22, each exactly a double. */
const POW10 = new Float64Array(23);
for (let i = 0, p = 1; i < POW10.length; i++, p *= 10) POW10[i] = p;

/** The ten digits, most significant first (scratch). */
const digit = new Uint8Array(10);
/** The most characters a cell written here takes (22: a minus and 21 digits, just below 1e21). */
const CELL_MAX = 24;

/**
 * Append String(Number(v.toPrecision(10))) for a finite v and return true, or append nothing and
 * return false where that needs toPrecision (at a rounding tie at the tenth digit, |v| outside
 * [1e-13, 1e31), or -0 and 0, which callers write as integers).
 */
export function writeTenDigits(out: TextChunk, v: number): boolean {
  SCRATCH[0] = v;
  return writeTenDigitsAt(out, SCRATCH, 0);
}

/** log10(2), and a double's bits (writeTenDigitsAt's decade guess). */
const LOG10_2 = 0.30102999566398120;
const BITS_F64 = new Float64Array(1);
const BITS_U32 = new Uint32Array(BITS_F64.buffer);
/** The index of the high (sign and exponent) word in BITS_U32: 1 on little-endian machines. */
const HI_WORD = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f ? 1 : 0;

/** Where writeTenDigits puts its argument for writeTenDigitsAt. */
const SCRATCH = new Float64Array(1);

/**
 * writeTenDigits(out, src[i]), reading the number from a typed array: a caller that holds a double
 * unboxed (a field, a typed array) and stores it there passes it without a heap number per call
 * (a double argument to a function V8 does not inline is boxed, a job row's dozen cells each).
 */
export function writeTenDigitsAt(out: TextChunk, src: Float64Array, i: number): boolean {
  const v = src[i]!;
  const a = v < 0 ? -v : v;
  if (!(a >= 1e-13 && a < 1e31)) return false;
  // The decade from the binary exponent and the mantissa's top bits (log2 m >= m - 1, within
  // 0.087): the guess is the decade of a or the one below, never above (no Math.log10 call).
  BITS_F64[0] = a;
  const word = BITS_U32[HI_WORD]!;
  let e = Math.floor(((word >>> 20) - 1023 + (word & 0xfffff) / 0x100000) * LOG10_2);
  // a x 10^(9 - e) by an exact power of ten, or false where 10^|9 - e| is not one. No NaN (or
  // call) in the expression: a double merged with a constant NaN was kept boxed, a heap number
  // per cell.
  let by = 9 - e;
  if (by < -22 || by > 22) return false;
  let s = by >= 0 ? a * POW10[by]! : a / POW10[-by]!;
  if (s < 1e9 || s > 1e10) {
    by = s < 1e9 ? 9 - --e : 9 - ++e;
    if (by < -22 || by > 22) return false;
    s = by >= 0 ? a * POW10[by]! : a / POW10[-by]!;
  }
  if (!(s >= 1e9 && s <= 1e10)) return false; // 1e10 rounds to 1e10, the next decade's 1e9
  let d = Math.floor(s);
  const frac = s - d; // exact: s and its integer part share an exponent range
  if (frac === 0.5) return false;
  if (frac > 0.5) d++;
  if (d === 1e10) {
    d = 1e9;
    e++;
  }
  // The ten digits, in two halves below 2^31 so that integer arithmetic applies.
  let hi = Math.floor(d / 1e5);
  let lo = d - hi * 1e5;
  for (let i = 9; i >= 5; i--) {
    const q = (lo / 10) | 0;
    digit[i] = lo - q * 10;
    lo = q;
  }
  for (let i = 4; i >= 0; i--) {
    const q = (hi / 10) | 0;
    digit[i] = hi - q * 10;
    hi = q;
  }
  let k = 10; // significant digits without the trailing zeros
  while (digit[k - 1] === 0) k--;
  const n = e + 1; // Number::toString's n: the decimal point sits after n digits
  // Written in place in the chunk's buffer (no scratch copy).
  const cell = out.room(CELL_MAX);
  let p = out.pos;
  if (v < 0) cell[p++] = 45; // '-'
  if (n >= k && n <= 21) {
    for (let i = 0; i < k; i++) cell[p++] = 48 + digit[i]!;
    for (let i = k; i < n; i++) cell[p++] = 48;
  } else if (n > 0 && n <= 21) {
    for (let i = 0; i < n; i++) cell[p++] = 48 + digit[i]!;
    cell[p++] = 46; // '.'
    for (let i = n; i < k; i++) cell[p++] = 48 + digit[i]!;
  } else if (n > -6 && n <= 0) {
    cell[p++] = 48;
    cell[p++] = 46;
    for (let i = n; i < 0; i++) cell[p++] = 48;
    for (let i = 0; i < k; i++) cell[p++] = 48 + digit[i]!;
  } else {
    cell[p++] = 48 + digit[0]!;
    if (k > 1) {
      cell[p++] = 46;
      for (let i = 1; i < k; i++) cell[p++] = 48 + digit[i]!;
    }
    cell[p++] = 101; // 'e'
    let x = n - 1;
    if (x < 0) {
      cell[p++] = 45;
      x = -x;
    } else cell[p++] = 43; // '+'
    if (x >= 10) cell[p++] = 48 + ((x / 10) | 0);
    cell[p++] = 48 + (x % 10);
  }
  out.pos = p;
  return true;
}
