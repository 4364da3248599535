// A small RFC 4180 CSV scanner over a string, plus header lookup: fast on the common unquoted
// line (indexOf + split), exact on quoted fields, commas, doubled quotes and newlines inside quotes.
import { TraceError } from './trace-error.js';

/** How a delimited file is laid out: its field separator, and whether its first record names the columns. */
export interface CsvLayout {
  /** One character; ',' by default (tab for TSV files). */
  readonly delimiter?: string;
  /** false: no header line; the columns are named by their 1-based position ('1', '2', ...). Default true. */
  readonly header?: boolean;
}

/**
 * Calls `onHeader` with the first record and `onRow` with every later non-blank record, each with
 * the 1-based line where the record starts. Returns the number of data rows. Blank lines are not
 * records (trace files often end with one). Fields are returned untrimmed; a quote that never
 * closes is a TraceError because everything after it would be misread. Without a header line
 * (`layout.header: false`), `onHeader` receives the column numbers '1'..'n' of the first record,
 * which is then a data row.
 */
export function scanCsv(
  text: string,
  file: string,
  onHeader: (header: string[], line: number) => void,
  onRow: (fields: string[], line: number) => void,
  layout: CsvLayout = {},
): number {
  const delimiter = layout.delimiter ?? ',';
  const delimiterCode = delimiter.charCodeAt(0);
  const headerless = layout.header === false;
  const n = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let rows = 0;
  let sawHeader = false;
  // Position of the next quote at or after pos, cached: searching afresh on every line would
  // rescan the rest of a quote-free file each time (quadratic).
  let nextQuote = text.indexOf('"', pos);
  while (pos < n) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = n;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    const startLine = line;
    let fields: string[];
    if (end === pos) {
      pos = nl + 1;
      line++;
      continue;
    }
    if (nextQuote !== -1 && nextQuote < pos) nextQuote = text.indexOf('"', pos);
    if (nextQuote === -1 || nextQuote >= end) {
      fields = text.slice(pos, end).split(delimiter);
      pos = nl + 1;
      line++;
    } else {
      const parsed = scanQuotedRecord(text, pos, file, startLine, delimiterCode);
      fields = parsed.fields;
      pos = parsed.next;
      line += parsed.newlines;
    }
    if (sawHeader) {
      rows++;
      onRow(fields, startLine);
    } else {
      sawHeader = true;
      if (headerless) {
        onHeader(fields.map((_, i) => String(i + 1)), startLine);
        rows++;
        onRow(fields, startLine);
      } else onHeader(fields, startLine);
    }
  }
  if (!sawHeader) throw new TraceError(file, 0, 'empty file: expected a header line');
  return rows;
}

/** The slow path: one record that contains a quote somewhere, possibly spanning lines. */
function scanQuotedRecord(
  text: string,
  start: number,
  file: string,
  startLine: number,
  delimiterCode: number,
): { fields: string[]; next: number; newlines: number } {
  const n = text.length;
  const fields: string[] = [];
  let buf = '';
  let i = start;
  let newlines = 0;
  let inQuotes = false;
  let atFieldStart = true;
  for (;;) {
    if (i >= n) {
      if (inQuotes) throw new TraceError(file, startLine, 'a quoted field never closes');
      fields.push(buf);
      return { fields, next: i, newlines };
    }
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === 34) {
        if (text.charCodeAt(i + 1) === 34) {
          buf += '"';
          i += 2;
        } else {
          inQuotes = false;
          i++;
        }
      } else {
        if (c === 10) newlines++;
        buf += text[i];
        i++;
      }
      continue;
    }
    if (c === delimiterCode) {
      fields.push(buf);
      buf = '';
      atFieldStart = true;
      i++;
      continue;
    }
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) === 10)) {
      fields.push(buf);
      return { fields, next: i + (c === 13 ? 2 : 1), newlines: newlines + 1 };
    }
    // A quote opens a quoted field only at its start; elsewhere (a"b) it is kept literally, as
    // spreadsheet exports do.
    if (c === 34 && atFieldStart) inQuotes = true;
    else buf += text[i];
    atFieldStart = false;
    i++;
  }
}

/** Index of a column by name: exact match after trimming first, then case-insensitive; -1 if absent. */
export function columnIndex(header: readonly string[], name: string): number {
  const want = name.trim();
  for (let i = 0; i < header.length; i++) if (header[i]!.trim() === want) return i;
  const lower = want.toLowerCase();
  for (let i = 0; i < header.length; i++) if (header[i]!.trim().toLowerCase() === lower) return i;
  return -1;
}

/**
 * Resolves required columns (key -> column name) and throws one TraceError naming every missing
 * column and the header that was found, so a user fixes the mapping in one go.
 */
export function requireColumns<K extends string>(
  header: readonly string[],
  columns: Record<K, string>,
  file: string,
  line: number,
): Record<K, number> {
  const out = {} as Record<K, number>;
  const missing: string[] = [];
  for (const key of Object.keys(columns) as K[]) {
    const name = columns[key];
    const idx = columnIndex(header, name);
    if (idx < 0) missing.push(name === key ? `'${name}'` : `'${name}' (for ${key})`);
    out[key] = idx;
  }
  if (missing.length > 0) {
    const found = header.map((h) => h.trim()).join(', ');
    throw new TraceError(
      file,
      line,
      `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the header has: ${found}`,
    );
  }
  return out;
}

/** A finite number from a field, or undefined for empty, blank or non-numeric text. */
export function parseFiniteNumber(field: string | undefined): number | undefined {
  if (field === undefined) return undefined;
  const s = field.trim();
  if (s === '') return undefined;
  const x = Number(s);
  return Number.isFinite(x) ? x : undefined;
}

/** pandas writes missing strings as 'nan'; treat it, 'null', 'none' and blanks as empty. */
export function isEmptyField(field: string | undefined): boolean {
  if (field === undefined) return true;
  const s = field.trim();
  if (s === '') return true;
  const lower = s.toLowerCase();
  return lower === 'nan' || lower === 'null' || lower === 'none' || lower === 'na';
}

const UTC_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Seconds since the Unix epoch for 'YYYY-MM-DD[ T]HH:MM[:SS[.fff]][Z|+hh:mm]'. Without a zone the
 * time is UTC: traces are published in cluster time and Date.parse would use the host's zone.
 */
export function parseUtcTimestampS(field: string | undefined): number | undefined {
  if (field === undefined) return undefined;
  const m = UTC_TIMESTAMP.exec(field.trim());
  if (!m) return undefined;
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second >= 61) return undefined;
  let s = Date.UTC(Number(m[1]), month - 1, day, hour, minute, 0) / 1000 + second;
  const zone = m[7];
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    s -= sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2)) * 60);
  }
  return s;
}
