// CSV cells and lines, formatted the same way everywhere so that the same run gives the same bytes.
// Numbers keep 10 significant digits: enough for every metric, and robust to last-bit noise.

export function formatCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
    return tenDigits(v);
  }
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
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
