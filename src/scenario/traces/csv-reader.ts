// A small RFC 4180 CSV scanner over a string, plus header lookup: fast on the common unquoted
// line (indexOf + split), exact on quoted fields, commas, doubled quotes and newlines inside quotes.
import { scanJsonLines, sniffJsonLines } from './jsonl-scan.js';
import { TraceError } from './trace-error.js';
import type { TracePrefetch } from './trace-prefetch.js';

/** How a delimited file is laid out: its field separator, and whether its first record names the columns. */
export interface CsvLayout {
  /** One character; ',' by default (tab for TSV files). */
  readonly delimiter?: string;
  /** false: no header line; the columns are named by their 1-based position ('1', '2', ...). Default true. */
  readonly header?: boolean;
}

/**
 * Text read piece by piece (a file in 64 KB pieces, scenario/read-input-file.ts): pieces() reads it
 * from the start each time it is called, so a caller never holds the whole text.
 */
export interface TextPieces {
  pieces(): Iterable<string>;
  /** The file's import, made already on another thread (trace-prefetch.ts): the loader may take it instead of importing. */
  readonly prefetched?: TracePrefetch;
}

/**
 * Calls `onHeader` with the first record and `onRow` with every later non-blank record, each with
 * the 1-based line where the record starts. Returns the number of data rows. Blank lines are not
 * records (trace files often end with one). Fields are returned untrimmed; a quote that never
 * closes is a TraceError because everything after it would be misread. Without a header line
 * (`layout.header: false`), `onHeader` receives the column numbers '1'..'n' of the first record,
 * which is then a data row. `input` is the whole text or its pieces: the same records and lines
 * either way, wherever the pieces split a record (a quoted field's newline, a CRLF, a BOM).
 * A JSON Lines file (its first character opens an object) is read by scanJsonLines instead, a
 * later line that is no JSON object handed to `onUnreadable` (a TraceError without it).
 */
export function scanCsv(
  input: string | TextPieces,
  file: string,
  onHeader: (header: string[], line: number) => void,
  onRow: (fields: string[], line: number) => void,
  layout: CsvLayout = {},
  onUnreadable?: (line: number, detail: string) => void,
): number {
  const sniffed = sniffJsonLines(input, file);
  if (sniffed.json) return scanJsonLines(sniffed.input, file, onHeader, onRow, onUnreadable, input);
  return runScan(new CsvScan(file, onHeader, onRow, undefined, layout), sniffed.input, file);
}

/**
 * scanCsv with each data record handed over as a CsvRecord (one object, refilled for every
 * record: read it before returning) instead of an array of field strings: a quote-free record's
 * fields are read from the text where they stand, so a million-row trace makes no array and no
 * string per row. The same records, lines, header and errors as scanCsv.
 */
export function scanCsvRecords(
  input: string | TextPieces,
  file: string,
  onHeader: (header: string[], line: number) => void,
  onRecord: (record: CsvRecord, line: number) => void,
  layout: CsvLayout = {},
  onUnreadable?: (line: number, detail: string) => void,
): number {
  const sniffed = sniffJsonLines(input, file);
  if (sniffed.json) {
    const record = new CsvRecord();
    return scanJsonLines(
      sniffed.input,
      file,
      onHeader,
      (fields, line) => {
        record.fillFromFields(fields);
        onRecord(record, line);
      },
      onUnreadable,
      input,
    );
  }
  return runScan(new CsvScan(file, onHeader, undefined, onRecord, layout), sniffed.input, file);
}

function runScan(scan: CsvScan, input: string | TextPieces, file: string): number {
  if (typeof input === 'string') scan.feed(input, true);
  else {
    for (const piece of input.pieces()) scan.feed(scan.rest + piece, false);
    scan.feed(scan.rest, true);
  }
  if (!scan.sawHeader) throw new TraceError(file, 0, 'empty file: expected a header line');
  return scan.rows;
}

/**
 * One data record as scanCsvRecords gives it: field i is what scanCsv's array would hold at i
 * (undefined past the last field), read from the text where it stands when the record has no
 * quote, else from the fields the quoted scan made.
 */
export class CsvRecord {
  /** How many fields the record has (scanCsv's fields.length). */
  count = 0;
  /** The fields of a record that had a quote; undefined when they are read from `text`. */
  private fields: string[] | undefined;
  private text = '';
  private starts = new Int32Array(16);
  private ends = new Int32Array(16);

  /**
   * @internal The record is text[from, to) split at every `delimiter`; `next` is the position of
   * the first delimiter at or after `from` (-1: none). Returns the first at or after `to`, for the
   * next record: each delimiter is searched for once, however long the lines without one.
   */
  fillFromText(text: string, from: number, to: number, delimiter: string, next: number): number {
    this.fields = undefined;
    this.text = text;
    let k = 0;
    let at = from;
    let d = next;
    while (d !== -1 && d < to) {
      if (k === this.starts.length) this.grow();
      this.starts[k] = at;
      this.ends[k] = d;
      k++;
      at = d + 1;
      d = text.indexOf(delimiter, at);
    }
    if (k === this.starts.length) this.grow();
    this.starts[k] = at;
    this.ends[k] = to;
    this.count = k + 1;
    return d;
  }

  /** @internal */
  fillFromFields(fields: string[]): void {
    this.fields = fields;
    this.count = fields.length;
  }

  private grow(): void {
    const starts = new Int32Array(2 * this.starts.length);
    const ends = new Int32Array(2 * this.ends.length);
    starts.set(this.starts);
    ends.set(this.ends);
    this.starts = starts;
    this.ends = ends;
  }

  /** Field i as scanCsv gives it (untrimmed), or undefined past the last field. */
  field(i: number): string | undefined {
    if (this.fields !== undefined) return this.fields[i];
    if (i < 0 || i >= this.count) return undefined;
    return this.text.slice(this.starts[i], this.ends[i]);
  }

  /** parseFiniteNumber(field(i)), without the field's string when it is a plain whole number. */
  finiteNumber(i: number): number | undefined {
    if (this.fields !== undefined) return parseFiniteNumber(this.fields[i]);
    if (i < 0 || i >= this.count) return undefined;
    const text = this.text;
    const start = this.starts[i]!;
    const end = this.ends[i]!;
    // Up to 15 decimal digits and nothing else: the integer itself (below 2^53, so every step is
    // exact), which is what Number() reads from such a field.
    if (end > start && end - start <= 15) {
      let v = 0;
      let k = start;
      for (; k < end; k++) {
        const c = text.charCodeAt(k) - 48;
        if (c < 0 || c > 9) break;
        v = v * 10 + c;
      }
      if (k === end) return v;
    }
    return parseFiniteNumber(text.slice(start, end));
  }

  /** isEmptyField(field(i)), without the field's string for a value longer than an empty word. */
  isEmpty(i: number): boolean {
    if (this.fields !== undefined) return isEmptyField(this.fields[i]);
    if (i < 0 || i >= this.count) return true;
    const text = this.text;
    const start = this.starts[i]!;
    const end = this.ends[i]!;
    if (end - start > 4) {
      const first = text.charCodeAt(start);
      const last = text.charCodeAt(end - 1);
      if (first > 32 && first < 127 && last > 32 && last < 127) return false;
    }
    return isEmptyField(text.slice(start, end));
  }

  /** The fields as scanCsv's array. */
  toArray(): string[] {
    if (this.fields !== undefined) return this.fields;
    const out: string[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.field(i)!);
    return out;
  }
}

/** A quoted record being scanned, possibly across pieces. */
class QuotedRecord {
  readonly fields: string[] = [];
  buf = '';
  inQuotes = false;
  atFieldStart = true;
  newlines = 0;
  constructor(readonly startLine: number) {}
}

/** scanCsv's state between pieces: records are scanned from a window, the unscanned rest of the last one plus a new piece. */
class CsvScan {
  private readonly delimiter: string;
  private readonly delimiterCode: number;
  private readonly headerless: boolean;
  private line = 1;
  rows = 0;
  sawHeader = false;
  private started = false;
  /** The window's unscanned end, to be scanned again with the next piece. */
  rest = '';
  /** How many leading characters of `rest` are known to hold no newline (a long line is searched once). */
  private restWithoutNewline = 0;
  /** A quoted record that the last window ended inside of. */
  private quoted: QuotedRecord | undefined;

  /** The record handed to onRecord (scanCsvRecords), refilled for each. */
  private readonly record: CsvRecord | undefined;

  constructor(
    private readonly file: string,
    private readonly onHeader: (header: string[], line: number) => void,
    private readonly onRow: ((fields: string[], line: number) => void) | undefined,
    private readonly onRecord: ((record: CsvRecord, line: number) => void) | undefined,
    layout: CsvLayout,
  ) {
    if (onRecord !== undefined) this.record = new CsvRecord();
    this.delimiter = layout.delimiter ?? ',';
    this.delimiterCode = this.delimiter.charCodeAt(0);
    this.headerless = layout.header === false;
  }

  /**
   * Scans the records of `text` (the rest of the last window, then a piece). Unless `final`, a
   * record that may go on in the next piece is left in `rest` (or in `quoted`, scanned so far).
   */
  feed(text: string, final: boolean): void {
    let pos = 0;
    if (!this.started) {
      if (text.length === 0 && !final) return;
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) pos = 1;
    }
    const n = text.length;
    if (this.quoted !== undefined) {
      const q = this.quoted;
      const next = scanQuoted(q, text, pos, final, this.file, this.delimiterCode);
      if (next < 0) {
        this.rest = text.slice(-1 - next);
        this.restWithoutNewline = 0;
        return;
      }
      this.quoted = undefined;
      this.line += q.newlines;
      this.emit(q.fields, q.startLine);
      pos = next;
    }
    let newlineFrom = pos + this.restWithoutNewline;
    this.restWithoutNewline = 0;
    // Position of the next quote at or after pos, cached: searching afresh on every line would
    // rescan the rest of a quote-free window each time (quadratic).
    let nextQuote = text.indexOf('"', pos);
    // The same for the delimiter, as records for onRecord are split (-2: not searched yet).
    let nextDelimiter = -2;
    while (pos < n) {
      let nl = text.indexOf('\n', newlineFrom > pos ? newlineFrom : pos);
      if (nl === -1) {
        if (!final) {
          this.restWithoutNewline = n - pos;
          break;
        }
        nl = n;
      }
      let end = nl;
      if (end > pos && text.charCodeAt(end - 1) === 13) end--;
      const startLine = this.line;
      let fields: string[];
      if (end === pos) {
        pos = nl + 1;
        this.line++;
        continue;
      }
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = text.indexOf('"', pos);
      if (nextQuote === -1 || nextQuote >= end) {
        // A data record for onRecord is read where it stands (a one-character delimiter, as every
        // importer's is; the header and any other go through split).
        if (this.record !== undefined && this.sawHeader && this.delimiter.length === 1) {
          if (nextDelimiter !== -1 && nextDelimiter < pos) nextDelimiter = text.indexOf(this.delimiter, pos);
          nextDelimiter = this.record.fillFromText(text, pos, end, this.delimiter, nextDelimiter);
          pos = nl + 1;
          this.line++;
          this.rows++;
          this.onRecord!(this.record, startLine);
          continue;
        }
        fields = text.slice(pos, end).split(this.delimiter);
        pos = nl + 1;
        this.line++;
      } else {
        const q = new QuotedRecord(startLine);
        const next = scanQuoted(q, text, pos, final, this.file, this.delimiterCode);
        if (next < 0) {
          this.quoted = q;
          pos = -1 - next;
          break;
        }
        fields = q.fields;
        pos = next;
        this.line += q.newlines;
      }
      this.emit(fields, startLine);
    }
    this.rest = pos < n ? text.slice(pos) : '';
  }

  private emit(fields: string[], startLine: number): void {
    if (this.sawHeader) {
      this.rows++;
      this.row(fields, startLine);
    } else {
      this.sawHeader = true;
      if (this.headerless) {
        this.onHeader(fields.map((_, i) => String(i + 1)), startLine);
        this.rows++;
        this.row(fields, startLine);
      } else this.onHeader(fields, startLine);
    }
  }

  private row(fields: string[], startLine: number): void {
    if (this.record === undefined) this.onRow!(fields, startLine);
    else {
      this.record.fillFromFields(fields);
      this.onRecord!(this.record, startLine);
    }
  }
}

/**
 * The slow path: a record that contains a quote somewhere, possibly spanning lines, scanned from
 * `start`. Returns where the next record starts; or, unless `final`, -1 - i where the window ran
 * out before the record's end was known (text from i on is scanned again with the next piece: a
 * quote that may be doubled, a CR that may be a CRLF, or nothing).
 */
function scanQuoted(r: QuotedRecord, text: string, start: number, final: boolean, file: string, delimiterCode: number): number {
  const n = text.length;
  const fields = r.fields;
  let buf = r.buf;
  let i = start;
  let newlines = r.newlines;
  let inQuotes = r.inQuotes;
  let atFieldStart = r.atFieldStart;
  const pause = (at: number): number => {
    r.buf = buf;
    r.newlines = newlines;
    r.inQuotes = inQuotes;
    r.atFieldStart = atFieldStart;
    return -1 - at;
  };
  for (;;) {
    if (i >= n) {
      if (!final) return pause(i);
      if (inQuotes) throw new TraceError(file, r.startLine, 'a quoted field never closes');
      fields.push(buf);
      r.newlines = newlines;
      return i;
    }
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === 34) {
        if (i + 1 >= n && !final) return pause(i);
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
    if (c === 13 && i + 1 >= n && !final) return pause(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) === 10)) {
      fields.push(buf);
      r.newlines = newlines + 1;
      return i + (c === 13 ? 2 : 1);
    }
    // A quote opens a quoted field only at its start; elsewhere (a"b) it is kept literally, as
    // spreadsheet exports do.
    if (c === 34 && atFieldStart) inQuotes = true;
    else buf += text[i];
    atFieldStart = false;
    i++;
  }
}

/** How a job trace of a layout no importer reads is read: told when a format's columns are missing. */
export const OTHER_TRACES = "another job trace is read with format: csv and a column mapping (docs/reading-traces.md: Alibaba PAI 2020, Helios, Acme, Philly's cluster_job_log, SWF)";

/** Index of a column by name: exact match after trimming first, then case-insensitive; -1 if absent. */
export function columnIndex(header: readonly string[], name: string): number {
  const want = name.trim();
  for (let i = 0; i < header.length; i++) if (header[i]!.trim() === want) return i;
  const lower = want.toLowerCase();
  for (let i = 0; i < header.length; i++) if (header[i]!.trim().toLowerCase() === lower) return i;
  return -1;
}

/**
 * The fields (1 is the first) that columnIndex chooses among for `name` when more than one column
 * matches it as well as the one it takes (`gpus,...,gpus`): the trace does not say which is meant.
 */
export function sameNamedColumns(header: readonly string[], name: string): number[] | undefined {
  const want = name.trim();
  let at = header.flatMap((h, i) => (h.trim() === want ? [i + 1] : []));
  if (at.length === 0) at = header.flatMap((h, i) => (h.trim().toLowerCase() === want.toLowerCase() ? [i + 1] : []));
  return at.length > 1 ? at : undefined;
}

/** The message for a column named more than once (sameNamedColumns), as requireColumns words it. */
export function sameNamedMessage(name: string, key: string, fields: readonly number[]): string {
  return `column '${name}'${name === key ? '' : ` (for ${key})`} is in the header ${fields.length} times (fields ${fields.join(', ')}): rename all but one`;
}

/**
 * Resolves required columns (key -> column name) and throws one TraceError naming every missing
 * column and the header that was found, so a user fixes the mapping in one go. A column the header
 * names twice is refused as well: reading the first would be a guess.
 */
export function requireColumns<K extends string>(
  header: readonly string[],
  columns: Record<K, string>,
  file: string,
  line: number,
  /** Said after the header when a column is missing: what the format reads, and how another trace is read. */
  layout?: string,
): Record<K, number> {
  const out = {} as Record<K, number>;
  const missing: string[] = [];
  for (const key of Object.keys(columns) as K[]) {
    const name = columns[key];
    const idx = columnIndex(header, name);
    if (idx < 0) missing.push(name === key ? `'${name}'` : `'${name}' (for ${key})`);
    const twice = sameNamedColumns(header, name);
    if (twice) throw new TraceError(file, line, sameNamedMessage(name, key, twice));
    out[key] = idx;
  }
  if (missing.length > 0) {
    const found = header.map((h) => h.trim()).join(', ');
    throw new TraceError(
      file,
      line,
      `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the header has: ${found}${layout === undefined ? '' : `; ${layout}`}`,
    );
  }
  return out;
}

/** A finite decimal number from a field, or undefined for empty, blank or non-numeric text. */
export function parseFiniteNumber(field: string | undefined): number | undefined {
  if (field === undefined) return undefined;
  const s = field.trim();
  if (s === '') return undefined;
  // Number() also reads 0x10, 0b11 and 0o7 as 16, 3 and 7: trace columns are decimal, so such a
  // field is most likely an id or a hash in a mis-mapped column, not a count to use as read.
  if (s.length > 2 && s.charCodeAt(0) === 48) {
    const c = s.charCodeAt(1) | 32;
    if (c === 120 || c === 98 || c === 111) return undefined;
  }
  const x = Number(s);
  return Number.isFinite(x) ? x : undefined;
}

/** pandas writes missing strings as 'nan'; treat it, 'null', 'none' and blanks as empty. */
export function isEmptyField(field: string | undefined): boolean {
  if (field === undefined) return true;
  // Most fields are values: longer than any empty word, with printable ASCII at both ends (so
  // nothing to trim). Answered without the trimmed and lower-cased copies.
  const n = field.length;
  if (n > 4) {
    const first = field.charCodeAt(0);
    const last = field.charCodeAt(n - 1);
    if (first > 32 && first < 127 && last > 32 && last < 127) return false;
  }
  const s = field.trim();
  if (s === '') return true;
  const lower = s.toLowerCase();
  return lower === 'nan' || lower === 'null' || lower === 'none' || lower === 'na';
}

const UTC_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Seconds since the Unix epoch for 'YYYY-MM-DD[ T]HH:MM[:SS[.fff]][Z|+hh[:mm]]'. Without a zone the
 * time is UTC: traces are published in cluster time and Date.parse would use the host's zone. A
 * zone of hours alone ('+08', as PostgreSQL writes a timestamptz) is ISO 8601's too.
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
  const ms = Date.UTC(Number(m[1]), month - 1, day, hour, minute, 0);
  // Date.UTC rolls a day the month lacks over into the next (2023-02-30 is 2 March): not a time.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  let s = ms / 1000 + second;
  const zone = m[7];
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    s -= sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2) || '0') * 60);
  }
  return s;
}
