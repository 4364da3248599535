// Picks the importer for a format name, and loadTrace: the one function here that reads files,
// so the CLI and the scenario loader share it while the parsers stay pure on strings.
import { fileURLToPath } from 'node:url';
import { InputFileError, readInputPieces } from '../read-input-file.js';
import { importAlibabaOpenb, type AlibabaOpenbOptions } from './alibaba-openb.js';
import type { TextPieces } from './csv-reader.js';
import { parseGenericCsv, parseGenericCsvRows, type CsvMapping } from './generic-csv.js';
import { JobArrayReader, type TraceRowReader } from './csv-rows.js';
import { parsePhilly } from './philly.js';
import { TraceError } from './trace-error.js';
import type { TraceImport } from './types.js';

export const TRACE_FORMATS = ['alibaba-openb', 'philly', 'csv'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** Every option any importer takes; each importer ignores those that are not its own. */
export interface ImportTraceOptions extends AlibabaOpenbOptions {
  /** Column mapping, required by format 'csv'. */
  mapping?: CsvMapping;
}

export interface LoadTraceOptions extends ImportTraceOptions {
  /** Alibaba node list to read alongside the pod list. */
  nodesPath?: string | URL;
}

/**
 * Pure: imports trace text (whole, or in pieces as read from a file) of a named format. `nodeText`
 * is the Alibaba node list, if any.
 */
export function importTrace(format: string, text: string | TextPieces, options: ImportTraceOptions & { nodeText?: string | TextPieces; nodeSource?: string } = {}): TraceImport {
  const source = options.source ?? format;
  switch (format) {
    case 'alibaba-openb':
      return importAlibabaOpenb(text, options.nodeText, { ...options, source });
    case 'philly':
      return parsePhilly(text, { ...options, source });
    case 'csv':
      if (options.mapping === undefined) throw new TraceError(source, 0, `format 'csv' needs a column mapping (submit, duration or end, devices, ...)`);
      return parseGenericCsv(text, options.mapping, { ...options, source });
    default:
      throw new TraceError(source, 0, `unknown trace format '${format}': expected one of ${TRACE_FORMATS.join(', ')}`);
  }
}

/**
 * importTrace with the jobs as a TraceRowReader (`jobRows`) instead of `jobs`: a CSV trace's rows
 * stay columns (no object per job); other formats' jobs are read from their objects.
 */
export function importTraceRows(
  format: string,
  text: string | TextPieces,
  options: ImportTraceOptions & { nodeText?: string | TextPieces; nodeSource?: string } = {},
): Omit<TraceImport, 'jobs'> & { jobRows: TraceRowReader } {
  if (format === 'csv' && options.mapping !== undefined) return parseGenericCsvRows(text, options.mapping, { ...options, source: options.source ?? format });
  const { jobs, ...rest } = importTrace(format, text, options);
  return { ...rest, jobRows: new JobArrayReader(jobs) };
}

function pathText(path: string | URL): string {
  return typeof path === 'string' ? path : fileURLToPath(path);
}

/** The file's text in pieces, gzip or not; a file that cannot be read is a TraceError saying why. */
function readText(path: string | URL): TextPieces {
  const file = pathText(path);
  const why = (e: unknown): unknown => (e instanceof InputFileError ? new TraceError(e.file, 0, `cannot read the trace file: ${e.reason}`) : e);
  try {
    const read = readInputPieces(file);
    return {
      *pieces() {
        try {
          yield* read.pieces();
        } catch (e) {
          throw why(e);
        }
      },
    };
  } catch (e) {
    throw why(e);
  }
}

/** Reads a trace file (and an Alibaba node list when `nodesPath` is given) and imports it. */
export function loadTrace(format: string, path: string | URL, options: LoadTraceOptions = {}): TraceImport {
  const { nodesPath, ...rest } = options;
  const source = options.source ?? pathText(path);
  const text = readText(path);
  if (nodesPath !== undefined && format !== 'alibaba-openb') {
    throw new TraceError(source, 0, `a node list is only read with format 'alibaba-openb', not '${format}'`);
  }
  const nodeText = nodesPath === undefined ? undefined : readText(nodesPath);
  return importTrace(format, text, {
    ...rest,
    source,
    ...(nodeText === undefined ? {} : { nodeText, nodeSource: pathText(nodesPath!) }),
  });
}
