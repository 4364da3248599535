// CSV cells and lines, formatted the same way everywhere so that the same run gives the same bytes.
// Numbers keep 10 significant digits: enough for every metric, and robust to last-bit noise.

import { writeTenDigitsAt } from './ten-digits.js';
import type { TextChunk } from './text-chunk.js';

export function formatCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
    return tenDigits(v);
  }
  const s = formulaSafe(String(v));
  return needsQuotes(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A text cell as a spreadsheet will show it rather than run it: a cell that begins with `=`, `+`,
 * `-`, `@`, a tab, a carriage return or NUL is a formula to Excel, LibreOffice Calc and Google
 * Sheets (a job id `=HYPERLINK(...)` from a trace would run when a planner opens jobs.csv), so it is
 * written with a single quote before it, as OWASP's CSV Injection page and ASVS 5.0 requirement
 * 1.2.10 ask. Left as it is: a cell that reads as a number (`-2`, `-1.5e-7`, `+3`, and poolsim's own
 * `inf`/`-inf`: merge reads result CSVs back as text), and a lone `-` (no operand: a spreadsheet
 * shows it as text). A text that already begins with quotes before such a character gets one more,
 * so that formulaText can undo it exactly: a file read back (merge, check, report) sees the names
 * the run had, and writing it again gives the same bytes.
 */
export function formulaSafe(s: string): string {
  return startsFormula(s, leadingQuotes(s)) ? `'${s}` : s;
}

/** formulaSafe's inverse: the text a cell of a poolsim CSV was written from. */
export function formulaText(cell: string): string {
  if (cell.charCodeAt(0) !== 39) return cell;
  return startsFormula(cell, leadingQuotes(cell)) ? cell.slice(1) : cell;
}

/** How many single quotes `s` begins with. */
function leadingQuotes(s: string): number {
  let k = 0;
  while (k < s.length && s.charCodeAt(k) === 39) k++;
  return k;
}

/** Whether s[from ..] starts a formula (see formulaSafe). A loop over the characters, not a RegExp (see needsQuotes). */
function startsFormula(s: string, from: number): boolean {
  if (s.length <= from) return false;
  const c = s.charCodeAt(from);
  if (c === 61 || c === 64 || c === 9 || c === 13 || c === 0) return true; // = @ tab CR NUL
  if (c !== 43 && c !== 45) return false; // + -
  if (s.length === from + 1) return c === 43; // a lone '-' is text; a lone '+' is quoted
  return !isNumberText(s, from);
}

/** s[from ..] is `[+-]digits[.digits][e[+-]digits]` (a digit before the exponent), or `-inf`/`+inf`. */
function isNumberText(s: string, from: number): boolean {
  let i = from + 1; // s[from] is the sign
  if (s.length === i + 3 && s.charCodeAt(i) === 105 && s.charCodeAt(i + 1) === 110 && s.charCodeAt(i + 2) === 102) return true; // 'inf'
  const intEnd = digitsFrom(s, i);
  let fracEnd = intEnd;
  if (intEnd < s.length && s.charCodeAt(intEnd) === 46) fracEnd = digitsFrom(s, intEnd + 1); // '.'
  if (intEnd === i && fracEnd <= intEnd + 1) return false; // no digit at all
  i = fracEnd;
  if (i < s.length && (s.charCodeAt(i) === 101 || s.charCodeAt(i) === 69)) {
    // e or E, an optional sign, then at least one digit
    i++;
    if (i < s.length && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
    const expEnd = digitsFrom(s, i);
    if (expEnd === i) return false;
    i = expEnd;
  }
  return i === s.length;
}

/** The index after the run of decimal digits that starts at `i`. */
function digitsFrom(s: string, i: number): number {
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  return i;
}

/**
 * Whether a text cell needs quoting (a quote, comma, CR or LF in it). A loop, not a regular
 * expression literal: a literal in a function body is a new RegExp object each time it is evaluated,
 * one per text cell (a job row has seven).
 */
function needsQuotes(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 44 || c === 10 || c === 13) return true;
  }
  return false;
}

/**
 * A finite number to 10 significant digits in JavaScript's shortest form: String(Number(
 * v.toPrecision(10))), without the second conversion where toPrecision already wrote plain
 * notation: a decimal of at most 10 significant digits reads back as itself, so dropping the
 * trailing zeros of its fraction is what String(Number(...)) would give.
 */
function tenDigits(v: number): string {
  const p = v.toPrecision(10);
  if (p.indexOf('e') !== -1 || p.indexOf('.') === -1) return String(Number(p));
  let end = p.length;
  while (p.charCodeAt(end - 1) === 48) end--; // '0'
  if (p.charCodeAt(end - 1) === 46) end--; // '.'
  const out = p.slice(0, end);
  return out === '-0' ? '0' : out;
}

/** Where writeCell puts a cell's characters. */
export type CellSink = TextChunk;

/**
 * formatCell(v) appended to `out`, the same characters, without a string per number where it can:
 * integers digit by digit, other numbers by writeTenDigits, and the few it leaves (near a rounding
 * tie, far from 1) from toPrecision's string without cutting a copy of it.
 */
export function writeCell(out: CellSink, v: unknown): void {
  if (typeof v !== 'number') {
    if (typeof v === 'string' && writePlainText(out, v)) return;
    const s = formatCell(v);
    if (s.length > 0) out.append(s);
    return;
  }
  NUMBER[0] = v;
  writeNumberAt(out, NUMBER, 0);
}

/**
 * A text cell that needs no quotes, is all ASCII and cannot start a formula, copied into the chunk's
 * bytes (what formatCell would give: the string itself); false, with nothing written, for any other.
 */
export function writePlainText(out: CellSink, s: string): boolean {
  const n = s.length;
  if (n > 0 && startsFormula(s, leadingQuotes(s))) return false;
  const b = out.room(n);
  const p = out.pos;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f || c === 34 || c === 44 || c === 10 || c === 13) return false;
    b[p + i] = c;
  }
  out.pos = p + n;
  return true;
}

/** writeCell's number, for writeNumberAt. */
const NUMBER = new Float64Array(1);

/**
 * writeCell(out, src[i]): a number cell read from a typed array, so that a caller holding the
 * double unboxed (a row's field) stores it there rather than passing a heap number (see
 * writeTenDigitsAt).
 */
export function writeNumberAt(out: CellSink, src: Float64Array, i: number): void {
  const v = src[i]!;
  if (v !== v) return; // NaN: empty
  if (v === Infinity || v === -Infinity) {
    out.append(v > 0 ? 'inf' : '-inf');
    return;
  }
  if (Number.isInteger(v) && Math.abs(v) < 1e15) {
    // String(v) for an integer below 1e15: its decimal digits (-0 writes 0), in place.
    let x = v < 0 ? -v : v;
    if (x < 10 && v >= 0) {
      out.room(1)[out.pos++] = 48 + x;
      return;
    }
    let len = 1;
    for (let t = x; t >= 10; t = Math.floor(t / 10)) len++;
    const b = out.room(len + 1);
    let p = out.pos;
    if (v < 0) b[p++] = 45; // '-'
    p += len;
    out.pos = p;
    do {
      const q = Math.floor(x / 10);
      b[--p] = 48 + (x - q * 10);
      x = q;
    } while (x > 0);
    return;
  }
  if (writeTenDigitsAt(out, src, i)) return;
  // tenDigits(v) where the digits need toPrecision: its characters up to where tenDigits would cut.
  const p = v.toPrecision(10);
  if (p.indexOf('e') !== -1 || p.indexOf('.') === -1) {
    out.append(String(Number(p)));
    return;
  }
  let end = p.length;
  while (p.charCodeAt(end - 1) === 48) end--; // '0'
  if (p.charCodeAt(end - 1) === 46) end--; // '.'
  if (end === 2 && p.charCodeAt(0) === 45 && p.charCodeAt(1) === 48) out.appendCode(48); // '-0' writes 0
  else out.append(p, end);
}

export function csvLine(values: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    out += formatCell(values[i]);
  }
  return out + '\n';
}

/** A row object's cells in column order. */
export function rowValues<T extends object>(row: T, columns: readonly (keyof T)[]): unknown[] {
  return columns.map((c) => row[c]);
}
