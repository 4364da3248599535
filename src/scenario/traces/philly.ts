// Importer for Microsoft Philly job lists as published with the Pollux/AdaptDL artifact
// (columns timestamp, duration, num_gpus, gpu_time, cluster).
//
// timestamp is 'YYYY-MM-DD HH:MM:SS' in UTC (a bare number is read as Unix seconds);
// submitS = timestamp - earliest parseable timestamp. durationS = duration (seconds, as recorded).
// The file has no job id, so ids are 'philly-<n>' with n the 1-based data row: stable under any
// option, which keeps sampling deterministic. A 'jobid', 'job_id' or 'id' column is used if present.
// gpu_time (= duration x num_gpus) is redundant and ignored; the virtual cluster becomes `group`:
// column cluster (the Pollux file), else vc (Microsoft's own job log names the field so).
// Checks in order: field count, timestamp, num_gpus, duration.
import { columnIndex, isEmptyField, parseFiniteNumber, parseUtcTimestampS, requireColumns, scanCsv, type TextPieces } from './csv-reader.js';
import { finishImport, type TraceOptions } from './trace-options.js';
import type { TraceImport, TraceJob, TraceSkip } from './types.js';

export interface PhillyOptions extends TraceOptions {
  source?: string;
}

const COLUMNS = { timestamp: 'timestamp', duration: 'duration', num_gpus: 'num_gpus' } as const;

/** A timestamp field in seconds: calendar time in UTC, or Unix seconds. */
function parseTimestampS(field: string | undefined): number | undefined {
  return parseUtcTimestampS(field) ?? parseFiniteNumber(field);
}

/** Parses a Philly job list. Pure: text in, records out. */
export function parsePhilly(text: string | TextPieces, options: PhillyOptions = {}): TraceImport {
  const source = options.source ?? 'philly';
  const jobs: TraceJob[] = [];
  const skipped: TraceSkip[] = [];
  let originS = Infinity;
  let width = 0;
  let dataRow = 0;
  let col = {} as Record<keyof typeof COLUMNS, number>;
  let clusterCol = -1;
  let groupColumn: string | undefined;
  let idCol = -1;
  const rows = scanCsv(
    text,
    source,
    (header, line) => {
      width = header.length;
      col = requireColumns(header, COLUMNS, source, line);
      clusterCol = columnIndex(header, 'cluster');
      if (clusterCol < 0) clusterCol = columnIndex(header, 'vc');
      if (clusterCol >= 0) groupColumn = header[clusterCol]!.trim();
      for (const name of ['jobid', 'job_id', 'id']) {
        idCol = columnIndex(header, name);
        if (idCol >= 0) break;
      }
    },
    (f, line) => {
      dataRow++;
      const skip = (reason: string, detail?: string): void => {
        skipped.push(detail === undefined ? { line, reason } : { line, reason, detail });
      };
      if (f.length !== width) return skip('wrong number of fields', `${f.length} fields, header has ${width}`);
      const submitS = parseTimestampS(f[col.timestamp]);
      if (submitS === undefined) return skip('bad timestamp', f[col.timestamp]);
      if (submitS < originS) originS = submitS;
      const devices = parseFiniteNumber(f[col.num_gpus]);
      if (devices === undefined || !Number.isInteger(devices) || devices < 0) return skip('bad num_gpus', f[col.num_gpus]);
      if (devices === 0) return skip('no GPU requested');
      const durationS = parseFiniteNumber(f[col.duration]);
      if (durationS === undefined) return skip('bad duration', f[col.duration]);
      if (!(durationS > 0)) return skip('non-positive duration', f[col.duration]);
      const job: TraceJob = {
        id: idCol >= 0 && !isEmptyField(f[idCol]) ? f[idCol]!.trim() : `philly-${dataRow}`,
        submitS,
        durationS,
        devices,
        gpuMilli: 1000,
        allowedModels: null,
        line,
      };
      if (clusterCol >= 0 && !isEmptyField(f[clusterCol])) job.group = f[clusterCol]!.trim();
      jobs.push(job);
    },
  );
  const imported = finishImport(jobs, originS, skipped, rows, source, options);
  return groupColumn !== undefined ? { ...imported, groupColumn } : imported;
}
