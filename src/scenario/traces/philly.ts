// Importer for Microsoft Philly job lists as published with the Pollux/AdaptDL artifact
// (columns timestamp, duration, num_gpus, gpu_time, cluster).
//
// timestamp is 'YYYY-MM-DD HH:MM:SS' in UTC, or a bare number read as Unix seconds (one after 2200,
// epoch milliseconds say, is a bad timestamp): one form per
// file, the one most rows use (a stray '0' among calendar times was 1970 and put every other job
// 47 years into the run); rows of the other form are skipped as bad timestamps.
// submitS = timestamp - earliest timestamp of that form. durationS = duration (seconds, as recorded).
// The file has no job id, so ids are 'philly-<n>' with n the 1-based data row: stable under any
// option, which keeps sampling deterministic. A 'jobid', 'job_id' or 'id' column is used if present.
// gpu_time (= duration x num_gpus) is redundant and ignored; the virtual cluster becomes `group`:
// column cluster (the Pollux file), else vc (Microsoft's own job log names the field so).
// Checks in order: field count, timestamp, num_gpus, duration.
import { columnIndex, isEmptyField, OTHER_TRACES, parseFiniteNumber, parseUtcTimestampS, requireColumns, scanCsv, type TextPieces } from './csv-reader.js';
import { NOT_A_JSON_OBJECT } from './jsonl-scan.js';
import { finishImport, type TraceOptions } from './trace-options.js';
import { describeLateUnixTime, lateUnixTime } from './unix-time.js';
import type { TraceImport, TraceJob, TraceSkip } from './types.js';

export interface PhillyOptions extends TraceOptions {
  source?: string;
}

const COLUMNS = { timestamp: 'timestamp', duration: 'duration', num_gpus: 'num_gpus' } as const;


/** Parses a Philly job list. Pure: text in, records out. */
export function parsePhilly(text: string | TextPieces, options: PhillyOptions = {}): TraceImport {
  const source = options.source ?? 'philly';
  const jobs: TraceJob[] = [];
  const skipped: TraceSkip[] = [];
  // Rows by timestamp form: calendar times and Unix seconds, each with its earliest time.
  let originCalendarS = Infinity;
  let originUnixS = Infinity;
  const unixRows: boolean[] = [];
  const stamps: string[] = [];
  let unixCount = 0;
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
      col = requireColumns(header, COLUMNS, source, line, `format philly reads the Pollux artifact's philly_jobs.csv (timestamp, duration, num_gpus); ${OTHER_TRACES}`);
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
      const calendarS = parseUtcTimestampS(f[col.timestamp]);
      const submitS = calendarS ?? parseFiniteNumber(f[col.timestamp]);
      if (submitS === undefined) return skip('bad timestamp', f[col.timestamp]);
      const unix = calendarS === undefined;
      // Epoch milliseconds read as seconds are the year 55,000, their gaps 1,000 times too long.
      const late = unix ? lateUnixTime(submitS, 's') : undefined;
      if (late !== undefined) return skip('bad timestamp', `${describeLateUnixTime(f[col.timestamp]!.trim(), 's', late)}; format philly reads numbers as Unix seconds`);
      if (unix) originUnixS = Math.min(originUnixS, submitS);
      else originCalendarS = Math.min(originCalendarS, submitS);
      const devices = parseFiniteNumber(f[col.num_gpus]);
      if (devices === undefined || !Number.isSafeInteger(devices) || devices < 0) return skip('bad num_gpus', f[col.num_gpus]);
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
      unixRows.push(unix);
      stamps.push(f[col.timestamp]!.trim());
      if (unix) unixCount++;
    },
    {},
    (line, detail) => {
      dataRow++;
      skipped.push({ line, reason: NOT_A_JSON_OBJECT, detail });
    },
  );
  let kept = jobs;
  let originS = originCalendarS;
  if (unixCount > 0 && unixCount < jobs.length) {
    // Both forms: keep the one most rows use (calendar times on a tie, the published form).
    const keepUnix = unixCount > jobs.length - unixCount;
    originS = keepUnix ? originUnixS : originCalendarS;
    kept = [];
    jobs.forEach((job, i) => {
      if (unixRows[i] === keepUnix) kept.push(job);
      else skipped.push({ line: job.line, reason: 'bad timestamp', detail: `${stamps[i]!} (${keepUnix ? 'a calendar time among Unix seconds' : 'a number among calendar times'})` });
    });
    skipped.sort((a, b) => a.line - b.line);
  } else if (unixCount > 0) originS = originUnixS;
  const imported = finishImport(kept, originS, skipped, rows, source, options);
  return groupColumn !== undefined ? { ...imported, groupColumn } : imported;
}
