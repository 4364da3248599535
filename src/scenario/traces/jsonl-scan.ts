// JSON Lines traces (one JSON object per line: Mooncake's and aiperf's request traces) read as the
// CSV scanner reads a table: every key of the file is a column of the header, every object a row of
// fields, so that every importer's column mapping names the keys and reads them as it reads CSV fields.
import { TraceError } from './trace-error.js';
import type { TextPieces } from './csv-reader.js';

/**
 * Whether the text's first non-blank character (after a BOM) opens a JSON object (a JSON Lines
 * file), with the text to scan: pieces are read once, the first ones looked at here handed on with
 * the rest (a second pass would read, and hash, the file's start twice; a CSV file is read once,
 * a JSON Lines file twice, its keys first, by scanJsonLines). A text that opens a JSON
 * array (Philly's cluster_job_log, a pandas to_json) is a TraceError: no header line would be found
 * in it, and its first line would be shown as one.
 */
export function sniffJsonLines(input: string | TextPieces, file: string): { json: boolean; input: string | TextPieces } {
  if (typeof input === 'string') return { json: opensWith(input, file) === '{', input };
  const it = input.pieces()[Symbol.iterator]();
  const seen: string[] = [];
  let first: string | undefined;
  try {
    for (let r = it.next(); !r.done; r = it.next()) {
      seen.push(r.value);
      first = opensWith(r.value, file);
      if (first !== undefined) break;
    }
  } catch (e) {
    it.return?.();
    throw e;
  }
  const once: TextPieces = {
    *pieces() {
      try {
        yield* seen;
        for (let r = it.next(); !r.done; r = it.next()) yield r.value;
      } finally {
        it.return?.();
      }
    },
  };
  return { json: first === '{', input: once };
}

/** The first non-blank character of `text`, or undefined; a JSON array's '[' is refused. */
function opensWith(text: string, file: string): string | undefined {
  const m = /[^\s\ufeff]/.exec(text);
  if (m !== null && m[0] === '[') throw new TraceError(file, 1, "the file is one JSON array; poolsim reads traces as CSV or JSON Lines (one JSON object per line): write one record per line first, e.g. jq -c '.[]' file.json > file.jsonl; a field holding a list or an object is not read, so pull what a mapping names out to fields of its own (docs/reading-traces.md does so for Philly's cluster_job_log, whose GPUs and times are inside its attempts)");
  return m?.[0];
}

/** The reason a JSON Lines row that is no JSON object is skipped under, in every importer. */
export const NOT_A_JSON_OBJECT = 'not a JSON object';

/**
 * Calls `onHeader` with the file's keys (the first object's, then any a later object brings, in the
 * order they first appear: a key only later objects have is a column too, never dropped unseen) and
 * `onRow` with every object's values in that order (a key the object lacks, or null, is an empty
 * field; a number is written as JSON writes it; a list or object as its JSON text), each with its
 * 1-based line. Blank lines are not records. A later line that is not one JSON object (a record cut
 * short when the writer stopped, a stray line) is a row with nothing to read, as a CSV row with the
 * wrong number of fields is: given `onUnreadable`, it is handed there with its line and what is
 * wrong (JSON.parse's message, or 'got [1,2]') and counted as a data row, the lines after it being
 * records of their own; without it, a TraceError at its line. A first line that is no object is a
 * TraceError. The keys take a first pass over `input`; the rows a second, over `again` (the same
 * text: `input` itself unless the caller has read part of it already). Returns the number of data rows.
 */
export function scanJsonLines(
  input: string | TextPieces,
  file: string,
  onHeader: (header: string[], line: number) => void,
  onRow: (fields: string[], line: number) => void,
  onUnreadable?: (line: number, detail: string) => void,
  again: string | TextPieces = input,
): number {
  const keys = jsonLinesKeys(input);
  let header: string[] | undefined;
  let line = 0;
  let rows = 0;
  forEachLine(again, (text) => {
    line++;
    const s = line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    if (s.trim() === '') return;
    let value: unknown;
    let syntax: string | undefined;
    try {
      value = JSON.parse(s);
    } catch (e) {
      syntax = (e as Error).message;
    }
    const got = syntax === undefined && (value === null || typeof value !== 'object' || Array.isArray(value)) ? `got ${JSON.stringify(value).slice(0, 40)}` : undefined;
    if (syntax !== undefined || got !== undefined) {
      if (header === undefined || onUnreadable === undefined) {
        throw new TraceError(file, line, syntax !== undefined ? `not a JSON object (the file is read as JSON Lines, its first line being one): ${syntax}` : `expected a JSON object ({"key": value, ...}) on each line of a JSON Lines file, ${got!}`);
      }
      rows++;
      onUnreadable(line, syntax ?? got!);
      return;
    }
    const record = value as Record<string, unknown>;
    if (header === undefined) {
      header = keys;
      onHeader(header, line);
    }
    rows++;
    onRow(header.map((k) => fieldText(record[k])), line);
  });
  if (header === undefined) throw new TraceError(file, 0, 'empty file: expected a header line');
  return rows;
}

/**
 * Every key of the text's objects, the first object's first: what scanJsonLines reads as the
 * header. Lines that are not objects add none (the row pass says what is wrong with them).
 */
function jsonLinesKeys(input: string | TextPieces): string[] {
  const keys = new Set<string>();
  let first = true;
  forEachLine(input, (text) => {
    const s = first && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    first = false;
    if (s.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(s);
    } catch {
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    for (const k in value) keys.add(k);
  });
  return [...keys];
}

/** Calls `take` with each line of the text (without its newline), wherever the pieces split it. */
function forEachLine(input: string | TextPieces, take: (line: string) => void): void {
  let rest = '';
  const pieces = typeof input === 'string' ? [input] : input.pieces();
  for (const piece of pieces) {
    const text = rest + piece;
    let at = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', at)) {
      take(text.slice(at, nl));
      at = nl + 1;
    }
    rest = text.slice(at);
  }
  if (rest !== '') take(rest);
}

function fieldText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}
