// Trace importers: CSV job traces (Alibaba openb, Philly, any mapped CSV) in, neutral TraceJob
// records out, with every dropped row counted by reason. Options apply in the order
// normalise -> window -> sample -> timeScale -> maxJobs (see trace-options.ts).
export type { TraceImport, TraceJob, TraceNode, TraceNodeImport, TraceSkip } from './types.js';
export { TraceError } from './trace-error.js';
export { FILTER_KEYS, sampleUnit, type TraceOptions, type TraceWindow } from './trace-options.js';
export { scanCsv, parseUtcTimestampS, type TextPieces } from './csv-reader.js';
export type { TraceRowReader } from './csv-rows.js';
export {
  importAlibabaOpenb,
  parseAlibabaOpenbNodes,
  parseAlibabaOpenbPods,
  parseGpuSpec,
  type AlibabaOpenbOptions,
} from './alibaba-openb.js';
export { parsePhilly, type PhillyOptions } from './philly.js';
export { parseGenericCsv, TIME_FORMATS, TIME_UNITS, type CsvMapping, type GenericCsvOptions } from './generic-csv.js';
export { inspectTrace, formatInspection, type TraceSummary, type DurationQuantiles } from './inspect.js';
export {
  importTrace,
  importTraceRows,
  loadTrace,
  TRACE_FORMATS,
  type ImportTraceOptions,
  type LoadTraceOptions,
  type TraceFormat,
} from './load-trace.js';
