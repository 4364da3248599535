// Request traces of inference services: a CSV of arrival times and token counts read through a
// column mapping (poolsim's own column names by default, or a published format's such as Azure's
// LLM inference traces), with each bad row skipped and counted by reason rather than fatal.
import { columnIndex, isEmptyField, parseFiniteNumber, parseUtcTimestampS, sameNamedColumns, sameNamedMessage, scanCsv, type TextPieces } from './csv-reader.js';
import { NOT_A_JSON_OBJECT } from './jsonl-scan.js';
import { TraceError } from './trace-error.js';
import { countOf } from '../../units/count-noun.js';
import { describeLateUnixTime, lateUnixTime, LATEST_UNIX_S } from './unix-time.js';

/** Requests of a replayed trace, sorted by arrival time (s). */
export interface RequestTrace {
  readonly timeS: Float64Array;
  readonly promptTokens: Float64Array;
  readonly outputTokens: Float64Array;
  /** Each request's line in the file (where its record starts), so that checks made later can point at it. */
  readonly lines: Int32Array;
  /**
   * Shared prompt prefixes, when the trace has prefix id and prefix tokens columns: each request's
   * prefix as an index into `names` (-1: none), and its tokens (part of the prompt).
   * With a session column instead (`sessions` true), each request's prefix is its conversation so
   * far: named by session, its tokens the previous turn's prompt + output (0 on a first turn), and a
   * replica that served an earlier turn keeps that turn's KV under the session's name (it grows).
   * A turn whose prompt is shorter than that history (a truncated or restarted conversation) starts
   * a new history, named `<session>#2`, `#3`, ...
   */
  readonly prefixes?: { readonly index: Int32Array; readonly tokens: Float64Array; readonly names: readonly string[]; readonly sessions?: boolean } | undefined;
  /** Data rows read (the kept ones and the skipped ones). */
  readonly rows: number;
  /** Rows left out for a problem of their own, by reason: how many, and the first one's line and message. */
  readonly skipped: readonly SkippedRows[];
  /**
   * Kept rows whose time is before a row above them (the file is sorted for the replay), the first
   * such row's line and time as written, and the line and time of the latest row above it; absent
   * when the file is in time order (ties are in order).
   */
  readonly outOfOrder?: { readonly count: number; readonly kept: number; readonly line: number; readonly time: string; readonly pastLine: number; readonly pastTime: string; readonly column: string } | undefined;
}

/** Trace rows skipped for one reason. */
export interface SkippedRows {
  readonly reason: string;
  count: number;
  readonly firstLine: number;
  readonly firstMessage: string;
}

/** The columns a request trace maps, by the names scenario files use for them. */
export const REQUEST_TRACE_COLUMNS = ['time', 'prompt_tokens', 'output_tokens', 'prefix_id', 'prefix_tokens', 'session_id'] as const;
export type RequestTraceColumn = (typeof REQUEST_TRACE_COLUMNS)[number];

/** Column names and time format of a published request trace layout. */
export interface RequestTraceFormat {
  readonly columns: { readonly time: string; readonly prompt_tokens: string; readonly output_tokens: string; readonly prefix_id?: string; readonly prefix_tokens?: string; readonly session_id?: string };
  readonly timeFormat: 'seconds' | 'iso';
  readonly description: string;
}

export const REQUEST_TRACE_FORMATS = {
  poolsim: {
    columns: { time: 'timestamp', prompt_tokens: 'prompt_tokens', output_tokens: 'output_tokens', prefix_id: 'prefix_id', prefix_tokens: 'prefix_tokens', session_id: 'session_id' },
    timeFormat: 'seconds',
    description: 'timestamp (seconds), prompt_tokens, output_tokens, and optionally prefix_id and prefix_tokens, or session_id',
  },
  // Azure/AzurePublicDataset AzureLLMInferenceTrace_conv.csv and _code.csv (2023; the 2024 week-long
  // traces use the same header): TIMESTAMP as '2023-11-16 18:15:46.6805900', ContextTokens, GeneratedTokens.
  'azure-llm': {
    columns: { time: 'TIMESTAMP', prompt_tokens: 'ContextTokens', output_tokens: 'GeneratedTokens' },
    timeFormat: 'iso',
    description: "Azure's LLM inference traces: TIMESTAMP (ISO date and time), ContextTokens, GeneratedTokens",
  },
} as const satisfies Record<string, RequestTraceFormat>;
export type RequestTraceFormatName = keyof typeof REQUEST_TRACE_FORMATS;

/** How to read one request trace, with every name and unit resolved. */
export interface RequestTraceLayout {
  /** The format whose names the columns start from (a header of another format's columns is pointed out). */
  readonly format: RequestTraceFormatName;
  readonly columns: { readonly time: string; readonly prompt_tokens: string; readonly output_tokens: string; readonly prefix_id?: string | undefined; readonly prefix_tokens?: string | undefined; readonly session_id?: string | undefined };
  /** Prefix columns read only when the header has them (the poolsim format's own names), rather than required. */
  readonly prefixIfPresent: boolean;
  /** The session column read only when the header has it (the poolsim format's own name), rather than required. */
  readonly sessionIfPresent?: boolean;
  readonly timeFormat: 'seconds' | 'iso';
  /** Seconds per unit of a numeric time column. */
  readonly unitS: number;
  /** How `unitS` is written in messages ('s', 'ms'). */
  readonly unitName: string;
  /**
   * The trace time (s; epoch seconds for ISO times) that becomes time 0: 'first' for the earliest
   * good row; rows before it are skipped and counted.
   */
  readonly originS: number | 'first';
  /** Multiplies arrival times after the origin (1: as recorded). */
  readonly timeScale: number;
}

/** A mapped column the header lacks: the whole trace is refused, and `keys` say which mapping fields named them. */
export class MissingColumnsError extends TraceError {
  constructor(
    file: string,
    line: number,
    detail: string,
    readonly keys: readonly RequestTraceColumn[],
  ) {
    super(file, line, detail);
    this.name = 'MissingColumnsError';
  }
}

/** `n of m rows skipped: k rows <reason> (first at <file>:<line>: <message>); ...`. */
/** The warning for a trace whose rows are out of time order (`trace.outOfOrder`), or undefined when in order. */
export function describeOutOfOrder(trace: RequestTrace, source: string): string | undefined {
  const o = trace.outOfOrder;
  if (o === undefined) return undefined;
  return `${o.count} of ${countOf(o.kept, 'row')} ${o.count === 1 ? 'arrives' : 'arrive'} before a row above ${o.count === 1 ? 'it' : 'them'}, the first at ${source}:${o.line} (${o.column} ${o.time}, before line ${o.pastLine}'s ${o.pastTime}): the requests are replayed in time order; a trace out of order is often the wrong time column or files merged unsorted`;
}

export function describeSkipped(trace: RequestTrace, source: string): string {
  const n = trace.skipped.reduce((a, s) => a + s.count, 0);
  const parts = trace.skipped.map((s) => `${countOf(s.count, 'row')} ${s.reason} (first at ${source}:${s.firstLine}: ${s.firstMessage})`);
  return `${n} of ${countOf(trace.rows, 'row')} skipped: ${parts.join('; ')}`;
}

/**
 * Parse a request trace through `layout`: a time, prompt and output token counts, and optionally a
 * prefix id and its tokens together (a row with an empty prefix id has no prefix). A prefix is part
 * of its prompt, and one prefix id has one length throughout the file (its first row's). A header
 * without a mapped column is refused (MissingColumnsError, naming every missing one and the header);
 * a row with a problem of its own (a bad time or count, a time before the origin, a prefix longer
 * than its prompt, a prefix id with another length) is skipped and counted by reason with its line,
 * as real traces carry the odd broken row.
 */
export function parseRequestTrace(text: string | TextPieces, file: string, layout: RequestTraceLayout): RequestTrace {
  const cols = layout.columns;
  let timeCol = -1;
  let promptCol = -1;
  let outputCol = -1;
  let idCol = -1;
  let tokensCol = -1;
  let sessionCol = -1;
  const rows: [number, number, number, number, number, number][] = [];
  const names: string[] = [];
  const byName = new Map<string, { index: number; tokens: number; line: number }>();
  const skipped = new Map<string, SkippedRows>();
  let rowCount = 0;
  // The latest time of the rows kept so far (line 0: none yet), and the first kept row before it.
  const latest = { t: -Infinity, line: 0, written: '' };
  let disorder: { count: number; line: number; time: string; pastLine: number; pastTime: string } | undefined;
  // The header's column names, for the column a skipped row is skipped for.
  let headerNames: string[] = [];
  const skip = (reason: string, line: number, message: string): void => {
    const s = skipped.get(reason);
    if (s === undefined) skipped.set(reason, { reason, count: 1, firstLine: line, firstMessage: message });
    else s.count++;
  };
  const iso = layout.timeFormat === 'iso';
  const unitS = layout.unitS;
  const readTimeS = iso
    ? (field: string | undefined): number | undefined => parseUtcTimestampS(field)
    : (field: string | undefined): number | undefined => {
        const x = parseFiniteNumber(field);
        return x === undefined ? undefined : x * unitS;
      };
  // Numeric times measured from the first row may not be negative (the first row is the origin,
  // so a negative one is a broken row); calendar times and times from a given origin may be anything.
  const nonNegative = !iso && layout.originS === 'first';
  const timeWhat = iso ? 'an ISO 8601 date and time' : `a number in ${layout.unitName}${nonNegative ? ', >= 0' : ''}`;
  scanCsv(
    text,
    file,
    (header, line) => {
      headerNames = header;
      const missing: RequestTraceColumn[] = [];
      const find = (key: RequestTraceColumn, name: string): number => {
        const i = columnIndex(header, name);
        if (i < 0) missing.push(key);
        const twice = sameNamedColumns(header, name);
        if (twice) throw new TraceError(file, line, sameNamedMessage(name, key, twice));
        return i;
      };
      timeCol = find('time', cols.time);
      promptCol = find('prompt_tokens', cols.prompt_tokens);
      outputCol = find('output_tokens', cols.output_tokens);
      if (layout.prefixIfPresent) {
        idCol = cols.prefix_id === undefined ? -1 : columnIndex(header, cols.prefix_id);
        tokensCol = cols.prefix_tokens === undefined ? -1 : columnIndex(header, cols.prefix_tokens);
        if ((idCol < 0) !== (tokensCol < 0)) {
          throw new TraceError(file, line, `a trace with shared prefixes needs both a ${cols.prefix_id} and a ${cols.prefix_tokens} column; only ${idCol < 0 ? cols.prefix_tokens : cols.prefix_id} is there`);
        }
      } else {
        if (cols.prefix_id !== undefined) idCol = find('prefix_id', cols.prefix_id);
        if (cols.prefix_tokens !== undefined) tokensCol = find('prefix_tokens', cols.prefix_tokens);
      }
      if (cols.session_id !== undefined) sessionCol = layout.sessionIfPresent ? columnIndex(header, cols.session_id) : find('session_id', cols.session_id);
      if (sessionCol >= 0 && idCol >= 0) {
        throw new TraceError(file, line, `a trace gives either shared prefixes (${cols.prefix_id}, ${cols.prefix_tokens}) or sessions (${cols.session_id}), not both: a session's cached prefix is its conversation so far`);
      }
      if (missing.length > 0) {
        const shown = missing.map((k) => (cols[k] === k ? `'${k}'` : `'${cols[k]!}' (for ${k})`));
        const found = header.map((h) => h.trim()).join(', ');
        // A header with every column of a known format is most likely that format, unnamed.
        const like = Object.entries(REQUEST_TRACE_FORMATS).find(([name, f]) => name !== layout.format && [f.columns.time, f.columns.prompt_tokens, f.columns.output_tokens].every((c) => columnIndex(header, c) >= 0));
        const hint = like !== undefined ? ` (the columns of format ${like[0]}: give \`format: ${like[0]}\`)` : '';
        throw new MissingColumnsError(file, line, `missing column${missing.length > 1 ? 's' : ''} ${shown.join(', ')}; the header has: ${found}${hint}`, missing);
      }
    },
    (fields, line) => {
      rowCount++;
      const t = readTimeS(fields[timeCol]);
      const p = parseFiniteNumber(fields[promptCol]);
      const o = parseFiniteNumber(fields[outputCol]);
      // A number that is past 2200 as a Unix time is no time in its unit, as an epoch or as an offset
      // (230 years): epoch milliseconds read as seconds, whose gaps read 1,000 times too long made
      // the load 1,000 times lighter, unwarned where requests came under a minute apart.
      if (!iso && t !== undefined && t >= LATEST_UNIX_S) {
        const written = fields[timeCol]!.trim();
        const late = lateUnixTime(parseFiniteNumber(written)!, layout.unitName)!;
        const fix = late.better === undefined ? '' : `: set the stream's time_unit: ${late.better.unit}`;
        skip(`with a bad ${cols.time} or token count`, line, `column ${headerNames[timeCol]!.trim()}: expected a number in ${layout.unitName} before 2200 as a Unix time, got ${JSON.stringify(written)}: ${describeLateUnixTime(written, layout.unitName, late)}${fix}`);
        return;
      }
      // Token counts are whole: a fraction (100.4) was rounded in silence; the row is as broken as a
      // count that is not a number. And held exactly (2^53 - 1 at most): 1e308 is 'whole' to a float64.
      if (t === undefined || p === undefined || o === undefined || (nonNegative && t < 0) || !(p >= 1 && Number.isSafeInteger(p)) || !(o >= 1 && Number.isSafeInteger(o))) {
        // The first column that is bad, named as the file names it, with what it holds.
        const [col, what] = t === undefined || (nonNegative && t < 0) ? [timeCol, timeWhat] : !(p !== undefined && p >= 1 && Number.isSafeInteger(p)) ? [promptCol, 'a positive whole count'] : [outputCol, 'a positive whole count'];
        skip(`with a bad ${cols.time} or token count`, line, `column ${headerNames[col]!.trim()}: expected ${what}, got ${JSON.stringify(fields[col] ?? '')}`);
        return;
      }
      if (layout.originS !== 'first' && t < layout.originS) {
        skip('before the origin', line, `${cols.time} ${JSON.stringify(fields[timeCol]!.trim())} is before the trace's origin`);
        return;
      }
      const prompt = p;
      let prefix = -1;
      let prefixTokens = 0;
      if (idCol >= 0) {
        const idName = cols.prefix_id!;
        const tokName = cols.prefix_tokens!;
        const idField = fields[idCol];
        const tokField = fields[tokensCol];
        if (isEmptyField(idField)) {
          if (!isEmptyField(tokField)) return skip(`with ${tokName} but no ${idName}`, line, `${tokName} is given but ${idName} is empty: a prefix needs its id`);
        } else {
          const name = idField!.trim();
          const k = parseFiniteNumber(tokField);
          if (k === undefined || !(k >= 1 && Number.isInteger(k))) return skip(`with a bad ${tokName}`, line, `prefix '${name}': expected ${tokName}, a positive whole count`);
          prefixTokens = k;
          if (prefixTokens > prompt) return skip('with a prefix longer than the prompt', line, `prefix '${name}' of ${prefixTokens} tokens is longer than the prompt of ${prompt} tokens (${cols.prompt_tokens} counts the whole prompt, its prefix included)`);
          const seen = byName.get(name);
          if (seen === undefined) {
            byName.set(name, { index: names.length, tokens: prefixTokens, line });
            prefix = names.length;
            names.push(name);
          } else if (seen.tokens !== prefixTokens) {
            return skip('with a prefix id of another length', line, `prefix '${name}' has ${prefixTokens} tokens here but ${seen.tokens} at line ${seen.line}: one prefix id, one length`);
          } else prefix = seen.index;
        }
      } else if (sessionCol >= 0) {
        const field = fields[sessionCol];
        if (!isEmptyField(field)) {
          // The session's index; its histories are worked out once the rows are in time order.
          const name = field!.trim();
          const seen = byName.get(name);
          if (seen === undefined) {
            byName.set(name, { index: names.length, tokens: 0, line });
            prefix = names.length;
            names.push(name);
          } else prefix = seen.index;
        }
      }
      if (t < latest.t) {
        if (disorder === undefined) disorder = { count: 0, line, time: fields[timeCol]!.trim(), pastLine: latest.line, pastTime: latest.written };
        disorder.count++;
      } else if (t > latest.t || latest.line === 0) {
        latest.t = t;
        latest.line = line;
        latest.written = fields[timeCol]!.trim();
      }
      rows.push([t, prompt, o, prefix, prefixTokens, line]);
    },
    {},
    (line, detail) => {
      rowCount++;
      skip(NOT_A_JSON_OBJECT, line, detail);
    },
  );
  // Stable: rows of one time keep file order. Out of order is said (describeOutOfOrder), not refused:
  // the docs never promised order, and a trace of a busy service may be written as requests finish.
  if (disorder !== undefined) rows.sort((x, y) => x[0] - y[0]);
  const sessionNames = sessionCol >= 0 ? sessionHistories(rows, names) : undefined;
  const t0 = layout.originS === 'first' ? (rows.length > 0 ? rows[0]![0] : 0) : layout.originS;
  const scale = layout.timeScale;
  return {
    timeS: Float64Array.from(rows, scale === 1 ? (r) => r[0] - t0 : (r) => (r[0] - t0) * scale),
    promptTokens: Float64Array.from(rows, (r) => r[1]),
    outputTokens: Float64Array.from(rows, (r) => r[2]),
    lines: Int32Array.from(rows, (r) => r[5]),
    ...(idCol >= 0 ? { prefixes: { index: Int32Array.from(rows, (r) => r[3]), tokens: Float64Array.from(rows, (r) => r[4]), names } } : {}),
    ...(sessionNames !== undefined ? { prefixes: { index: Int32Array.from(rows, (r) => r[3]), tokens: Float64Array.from(rows, (r) => r[4]), names: sessionNames, sessions: true } } : {}),
    rows: rowCount,
    skipped: [...skipped.values()],
    ...(disorder !== undefined ? { outOfOrder: { ...disorder, kept: rows.length, column: headerNames[timeCol]!.trim() } } : {}),
  };
}

/**
 * Sessions: over rows in time order ([time, prompt, output, session index, -, line]), each turn's prefix is
 * its conversation so far, the previous turn's prompt + output (0 on a first turn), under the
 * history's name; a turn whose prompt is shorter than that history starts a new history
 * (`<session>#2`, ...). Rewrites each row's index and tokens; returns the histories' names.
 */
function sessionHistories(rows: [number, number, number, number, number, number][], sessions: readonly string[]): string[] {
  const names: string[] = [];
  const current = new Int32Array(sessions.length).fill(-1);
  const history = new Float64Array(sessions.length);
  const restarts = new Int32Array(sessions.length);
  for (const r of rows) {
    const k = r[3];
    if (k < 0) continue;
    if (current[k]! < 0 || r[1] < history[k]!) {
      if (current[k]! >= 0) restarts[k]!++;
      current[k] = names.length;
      names.push(restarts[k] === 0 ? sessions[k]! : `${sessions[k]!}#${restarts[k]! + 1}`);
      history[k] = 0;
    }
    r[3] = current[k]!;
    r[4] = history[k]!;
    history[k] = r[1] + r[2];
  }
  return names;
}
