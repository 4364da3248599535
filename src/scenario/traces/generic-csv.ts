// Importer for any job CSV, given a mapping from TraceJob fields to the file's column names, so a
// new trace needs a few lines of scenario YAML rather than a new importer.
//
// Times: with time_format 'seconds' (offsets) or 'unix' (epoch) the submit and end columns are
// numbers in time_unit (default 's'); with 'iso' they are calendar times, UTC unless they carry a
// zone or a time_zone is given (then they are that zone's wall clock, daylight saving included).
// A numeric time after 2200 as a Unix time (230 years as an offset) is skipped as a bad time, with
// the time_unit that reads it (epoch milliseconds read as seconds: a replay 1,000 times too slow).
// Durations are numbers in time_unit, or Slurm's elapsed time [DD-[HH:]]MM:SS (sacct's Elapsed,
// slurm-elapsed.ts) in seconds whatever the time_unit; anything else is skipped as a bad duration
// with both forms said. When both duration and end are mapped, duration
// wins and end is used where the duration field is empty. The run time from end is end - start when
// a start column is mapped (a trace that records when each job left the queue: Helios, Slurm),
// else end - submit; a row whose start is empty (a job cancelled in the queue) never ran.
// Devices: in GPUs, or with devices_unit 'percent' in hundredths of one (PAI's plan_gpu: 50 is half
// a GPU), converted to GPUs first, or with 'tres' a Slurm TRES list's gres/gpu (slurm-tres.ts). Then an integer count; a value in (0, 1) is a fractional share of one device
// (devices 1, gpuMilli = value x 1000 rounded to whole thousandths; one that rounds to 0 is a bad
// devices value) unless a gpu_milli column is mapped (a whole number from 1 to 1000).
// With an instances column the job holds instances x devices (PAI's inst_num workers of plan_gpu
// each), as one gang; a fractional share is read for a one-instance job only.
// With a filter, a row whose filter column holds none of its values is left out (counted, not
// skipped) before anything else of it is read but its submit time.
// Read as Slurm's (devices_unit tres), a job step row of sacct without -X (JobID 1001.batch, in the
// id column, or the JobID column where none is mapped) is skipped before anything else of it is
// read, its submit time too: the jobs kept are those sacct -X lists (slurm-steps.ts).
// Checks in order: field count, Slurm step, filter, submit, devices, instances, gpu_milli, duration/end.
// Kept but counted as suspect (suspect-rows.ts), one note per time (a row counted once per reason): a start before the submit (the
// job is submitted at its submit time and runs end - start), and with a time_zone a local time
// its clock skipped or showed twice (read at the offset before the change, time-zone.ts).
import { parseDuration } from '../../units/units.js';
import { columnIndex, parseFiniteNumber, parseUtcTimestampS, requireColumns, scanCsvRecords, type CsvRecord, type TextPieces } from './csv-reader.js';
import { parseGpuSpec } from './alibaba-openb.js';
import { isTimeZone, zonedTimestampReader } from './time-zone.js';
import { NOT_A_JSON_OBJECT } from './jsonl-scan.js';
import { TraceError } from './trace-error.js';
import { finishRows, type TraceOptions } from './trace-options.js';
import { CsvJobRows, type CsvRowReader } from './csv-rows.js';
import { blankSeparated } from './blank-separated.js';
import { SuspectRows } from './suspect-rows.js';
import { describeLateUnixTime, lateUnixTime, LATEST_UNIX_S } from './unix-time.js';
import { tresGpus } from './slurm-tres.js';
import { slurmElapsedS, SLURM_ELAPSED_FORM } from './slurm-elapsed.js';
import { isSlurmStepId, SACCT_JOB_ID_COLUMN, SLURM_JOB_STEP, SLURM_JOB_STEP_EXPECTED } from './slurm-steps.js';
import type { TraceImport, TraceSkip } from './types.js';

export const TIME_FORMATS = ['seconds', 'iso', 'unix'] as const;
export const TIME_UNITS = ['s', 'ms', 'us', 'min', 'h'] as const;
export const DEVICES_UNITS = ['gpus', 'percent', 'tres'] as const;

/** A row whose start column is before its submit column, kept (TraceImport.suspect). */
export const START_BEFORE_SUBMIT = 'start before submit, kept';

/** Column names in the file for each TraceJob field; keys are snake_case as written in scenario YAML. */
export interface CsvMapping {
  submit: string;
  duration?: string;
  end?: string;
  /** Column of the time the job started running: run time = end - start rather than end - submit. */
  start?: string;
  devices: string;
  /** Column of the number of instances (workers) of a job, each with `devices`: the job holds devices x instances. */
  instances?: string;
  /** Unit of the devices column: 'gpus' (default), 'percent' of one GPU (50 = half a GPU, 800 = eight), or 'tres': a Slurm TRES list's gres/gpu. */
  devices_unit?: (typeof DEVICES_UNITS)[number];
  gpu_milli?: string;
  allowed_models?: string;
  id?: string;
  group?: string;
  time_format?: (typeof TIME_FORMATS)[number];
  time_unit?: (typeof TIME_UNITS)[number];
  /** IANA zone whose wall clock ISO times without a zone of their own show (America/Los_Angeles). Default UTC. */
  time_zone?: string;
  /** Separator inside allowed_models. Default '|'. */
  models_separator?: string;
  /** Field separator: comma (default), tab, semicolon, pipe, or space. */
  delimiter?: (typeof DELIMITERS)[number];
  /** false: the file has no header line, and the columns above are given by number ('1' is the first). */
  header?: boolean;
  /**
   * Keep only the rows whose `column` holds one of `keep` (exactly, after trimming): a trace's
   * completed jobs without its failed, killed or cancelled ones. The others are counted in
   * filteredByOption.filter; their submit times still set the trace's time 0.
   */
  filter?: { column: string; keep: readonly string[] };
}

export const DELIMITERS = ['comma', 'tab', 'semicolon', 'pipe', 'space'] as const;
const DELIMITER_CHAR: Record<(typeof DELIMITERS)[number], string> = { comma: ',', tab: '\t', semicolon: ';', pipe: '|', space: ' ' };

export interface GenericCsvOptions extends TraceOptions {
  /** Keep devices-0 rows as jobs with devices 0. Default false. */
  includeCpuOnly?: boolean;
  source?: string;
}

/** Parses a job CSV through `mapping`. Pure: text in, records out. */
export function parseGenericCsv(text: string | TextPieces, mapping: CsvMapping, options: GenericCsvOptions = {}): TraceImport {
  const { jobRows, ...rest } = parseGenericCsvRows(text, mapping, options);
  return { jobs: jobRows.jobs(), ...rest };
}

/** parseGenericCsv with the jobs as columns (`jobRows`), not an object each: the scenario loader's way. */
export function parseGenericCsvRows(text: string | TextPieces, mapping: CsvMapping, options: GenericCsvOptions = {}): Omit<TraceImport, 'jobs'> & { jobRows: CsvRowReader } {
  const source = options.source ?? 'csv';
  const timeFormat = mapping.time_format ?? 'seconds';
  const timeUnit = mapping.time_unit ?? 's';
  const problems: string[] = [];
  if (!(TIME_FORMATS as readonly string[]).includes(timeFormat)) problems.push(`time_format must be one of ${TIME_FORMATS.join(', ')}, got '${timeFormat}'`);
  if (!(TIME_UNITS as readonly string[]).includes(timeUnit)) problems.push(`time_unit must be one of ${TIME_UNITS.join(', ')}, got '${timeUnit}'`);
  if (mapping.duration === undefined && mapping.end === undefined) problems.push(`the mapping needs a 'duration' or an 'end' column`);
  if (mapping.start !== undefined && mapping.end === undefined) problems.push(`'start' is read with 'end' (run time = end - start): map the end column too`);
  const devicesUnit = mapping.devices_unit ?? 'gpus';
  if (!(DEVICES_UNITS as readonly string[]).includes(devicesUnit)) problems.push(`devices_unit must be one of ${DEVICES_UNITS.join(', ')}, got '${devicesUnit}'`);
  if (mapping.delimiter !== undefined && !(DELIMITERS as readonly string[]).includes(mapping.delimiter)) problems.push(`delimiter must be one of ${DELIMITERS.join(', ')}, got '${mapping.delimiter}'`);
  if (mapping.filter !== undefined && !(Array.isArray(mapping.filter.keep) && mapping.filter.keep.length > 0)) problems.push(`filter.keep must list the values of the rows to keep (filter: { column: status, keep: [Completed] })`);
  if (mapping.time_zone !== undefined) {
    if (timeFormat !== 'iso') problems.push(`time_zone is read with time_format iso (calendar times); numeric times carry no zone`);
    else if (!isTimeZone(mapping.time_zone)) problems.push(`time_zone must be an IANA time zone name such as America/Los_Angeles or Asia/Shanghai, got '${mapping.time_zone}'`);
  }
  if (problems.length > 0) throw new TraceError(source, 0, problems.join('; '));
  const unitS = parseDuration(`1${timeUnit}`);
  const separator = mapping.models_separator ?? '|';
  const delimiter = DELIMITER_CHAR[mapping.delimiter ?? 'comma'];
  const iso = timeFormat === 'iso';
  // Numeric times after 2200 as Unix times are skipped as bad times (unix-time.ts): epoch
  // milliseconds read as seconds. As offsets (time_format seconds) they would be 230 years, and the
  // earliest is subtracted from each, so that 1,000 times too long a gap would pass unseen.
  const unix = timeFormat === 'unix';
  // The row's times the zone's clock skipped or showed twice, told when the row is kept; `timeCol`
  // is the column being read.
  const clockNotes: Array<{ reason: string; detail: string; col: number }> = [];
  let timeCol = -1;
  const readCalendarS =
    mapping.time_zone === undefined ? parseUtcTimestampS : zonedTimestampReader(mapping.time_zone, (reason, detail) => clockNotes.push({ reason, detail, col: timeCol }));
  const percent = devicesUnit === 'percent';
  const tres = devicesUnit === 'tres';
  // A time field (submit, end) of the record in seconds, or undefined.
  const readTimeS = (f: CsvRecord, col: number): number | undefined => {
    timeCol = col;
    if (iso) return readCalendarS(f.field(col));
    const x = f.finiteNumber(col);
    if (x === undefined || x * unitS >= LATEST_UNIX_S) return undefined;
    return x * unitS;
  };

  const required: Record<string, string> = { submit: mapping.submit, devices: mapping.devices };
  for (const key of ['duration', 'end', 'start', 'instances', 'gpu_milli', 'allowed_models', 'id', 'group'] as const) {
    const name = mapping[key];
    if (name !== undefined) required[key] = name;
  }
  if (mapping.filter !== undefined) required.filter = mapping.filter.column;
  const keepValues = new Set(mapping.filter?.keep ?? []);
  let filtered = 0;

  const jobs = new CsvJobRows();
  const skipped: TraceSkip[] = [];
  const suspect = new SuspectRows();
  let originS = Infinity;
  let width = 0;
  let dataRow = 0;
  // Column positions, found once from the header (-1: not mapped). The row handler below runs once
  // per data row (a million in W2): no closure, keyed lookup or object made per row.
  let submitCol = -1;
  let devicesCol = -1;
  let milliCol = -1;
  let durationCol = -1;
  let endCol = -1;
  let startCol = -1;
  let instancesCol = -1;
  let idCol = -1;
  let modelsCol = -1;
  let groupCol = -1;
  let filterCol = -1;
  // The sacct JobID column whose step rows are skipped (-1: not read as Slurm's).
  let stepCol = -1;
  // The header's names, for the column a refused value came from ('bad devices' in column 'gpus'),
  // unless the reason names it already ('bad duration' in column 'duration').
  let names: string[] = [];
  const skip = (line: number, reason: string, detail?: string, col = -1): void => {
    const s: TraceSkip = detail === undefined ? { line, reason } : { line, reason, detail };
    if (col >= 0 && !reason.endsWith(` ${names[col]!}`)) s.column = names[col];
    skipped.push(s);
  };
  // A time the mapping's time_format cannot read, said with the form it expects, and the
  // time_format that reads it when the other form does: Helios's '2020-06-09 18:41:01' read as
  // seconds skipped every row as 'bad submit' with nothing but the value.
  const skipTime = (line: number, reason: string, value: string | undefined, col: number): void => {
    skip(line, reason, value, col);
    const number = iso ? undefined : parseFiniteNumber(value);
    const late = number === undefined ? undefined : lateUnixTime(number, timeUnit);
    if (late !== undefined) {
      const fix = late.better === undefined ? '' : `: set the mapping's time_unit: ${late.better.unit}`;
      skipped[skipped.length - 1]!.expected = `${unix ? 'a Unix time' : 'a number'} in ${timeUnit}, before 2200${unix ? '' : ' as a Unix time'} (${describeLateUnixTime(value!.trim(), timeUnit, late)}${fix})`;
      return;
    }
    const other = iso ? parseFiniteNumber(value) !== undefined : parseUtcTimestampS(value) !== undefined;
    const hint = !other ? '' : iso ? '; numbers are read with time_format seconds or unix' : '; a date and time is read with time_format: iso';
    skipped[skipped.length - 1]!.expected = `${iso ? 'an ISO 8601 date and time' : `a number in ${timeUnit}`}${hint}`;
  };
  // A devices value not read, said with the form expected where the value is a TRES list or one
  // was expected: sacct's AllocTRES mapped as GPUs skipped every row with nothing but the list.
  const skipDevices = (line: number, value: string | undefined): void => {
    skip(line, 'bad devices', value, devicesCol);
    if (tres) skipped[skipped.length - 1]!.expected = 'a Slurm TRES list with whole counts (billing=8,cpu=32,gres/gpu=4,node=1)';
    else if (tresGpus(value) !== undefined && /gres\/gpu/.test(value!)) skipped[skipped.length - 1]!.expected = `a number of GPUs${percent ? ' in percent' : ''}; a Slurm TRES list is read with the mapping's devices_unit: tres`;
  };
  // A run time that is not positive, said as computed and with the cells it came from: quoting the
  // computed '0' as the end column's cell read as if the file held a 0 there.
  const durationCells = (f: CsvRecord, durationS: number, col: number, fromCol: number): string => {
    // A headerless file's names are the column numbers: '4 -1' read as two numbers.
    const cell = (c: number): string => (mapping.header === false ? `column ${names[c]!}: ${f.field(c)!.trim()}` : `${names[c]!} ${f.field(c)!.trim()}`);
    const unit = iso ? '' : ` (${timeUnit})`;
    // Slurm's elapsed time (00:00:00) is in seconds whatever the time_unit: no unit said for it.
    if (fromCol < 0) return `${durationS} s from ${cell(col)}${slurmElapsedS(f.field(col)) === undefined ? ` (${timeUnit})` : ''}`;
    return `${durationS} s from ${cell(col)} - ${cell(fromCol)}${unit}`;
  };
  const rows = scanCsvRecords(
    mapping.delimiter === 'space' ? blankSeparated(text) : text,
    source,
    (header, line) => {
      width = header.length;
      names = header.map((h) => h.trim());
      let col: Record<string, number>;
      try {
        col = requireColumns(header, required, source, line);
      } catch (e) {
        // The filter's column alone missing is the filter's fault: located there, not at the file.
        const rest = Object.entries(required).filter(([key]) => key !== 'filter');
        if (e instanceof TraceError && mapping.filter !== undefined && rest.every(([, name]) => columnIndex(header, name) >= 0) && columnIndex(header, mapping.filter.column) < 0) {
          throw new TraceError(source, line, e.detail, ['mapping', 'filter', 'column']);
        }
        // A header that is one field holding tabs or semicolons: the file has another separator.
        const other = delimiter === ',' && header.length === 1 ? (header[0]!.includes('\t') ? 'tab' : header[0]!.includes(';') ? 'semicolon' : undefined) : undefined;
        if (e instanceof TraceError && other) throw new TraceError(source, line, `${e.detail}; the file looks ${other}-separated: set the mapping's \`delimiter: ${other}\``);
        // Every missing column named by a number, with a header line expected: a headerless file
        // (PAI's task table) whose first row was taken for the header.
        const missingByNumber = Object.values(required).filter((name) => columnIndex(header, name) < 0);
        if (e instanceof TraceError && mapping.header !== false && missingByNumber.length > 0 && missingByNumber.every((name) => /^\s*[1-9]\d*\s*$/.test(name))) {
          throw new TraceError(source, line, `${e.detail}; columns given by number are read with the mapping's \`header: false\` (a file without a header line)`);
        }
        throw e;
      }
      const optional = (key: string): number => col[key] ?? -1;
      submitCol = col.submit!;
      devicesCol = col.devices!;
      milliCol = optional('gpu_milli');
      durationCol = optional('duration');
      endCol = optional('end');
      startCol = optional('start');
      instancesCol = optional('instances');
      idCol = optional('id');
      modelsCol = optional('allowed_models');
      groupCol = optional('group');
      filterCol = optional('filter');
      stepCol = !tres ? -1 : idCol >= 0 ? idCol : columnIndex(header, SACCT_JOB_ID_COLUMN);
    },
    (f, line) => {
      dataRow++;
      clockNotes.length = 0;
      if (f.count !== width) return skip(line, 'wrong number of fields', `${f.count} fields, header has ${width}`);
      if (stepCol >= 0 && isSlurmStepId(f.field(stepCol))) {
        skip(line, SLURM_JOB_STEP, f.field(stepCol)!.trim(), stepCol);
        skipped[skipped.length - 1]!.expected = SLURM_JOB_STEP_EXPECTED;
        return;
      }
      if (filterCol >= 0 && !keepValues.has((f.field(filterCol) ?? '').trim())) {
        // Left out as asked, not skipped: no warning, but its submit time counts towards time 0
        // as every other row's does, so that filtering never moves the kept jobs.
        const s = readTimeS(f, submitCol);
        if (s !== undefined && s < originS) originS = s;
        filtered++;
        return;
      }
      const submitS = readTimeS(f, submitCol);
      if (submitS === undefined) return skipTime(line, 'bad submit', f.field(submitCol), submitCol);
      if (submitS < originS) originS = submitS;

      const given = tres ? tresGpus(f.field(devicesCol)) : f.finiteNumber(devicesCol);
      if (given === undefined || given < 0) return skipDevices(line, f.field(devicesCol));
      // x / 100 rather than x * 0.01: 700 * 0.01 is 7.000000000000001, no whole count.
      const perInstance = percent ? given / 100 : given;
      let rawDevices = perInstance;
      if (instancesCol >= 0) {
        const n = f.finiteNumber(instancesCol);
        if (n === undefined || !Number.isSafeInteger(n) || n < 1) return skip(line, 'bad instances', f.field(instancesCol), instancesCol);
        // 2 instances of 1.5 GPUs is no gang of 3 whole GPUs: each instance needs its own share.
        if (!Number.isInteger(perInstance) && perInstance > 1) return skip(line, 'bad devices', f.field(devicesCol), devicesCol);
        if (n > 1 && perInstance > 0 && perInstance < 1) return skip(line, 'fractional share of a multi-GPU job', `${n} instances of ${perInstance} GPU`);
        rawDevices = perInstance * n;
      }
      if (rawDevices === 0 && !options.includeCpuOnly) return skip(line, 'no GPU requested');
      let devices = rawDevices;
      let gpuMilli = rawDevices === 0 ? 0 : 1000;
      if (rawDevices > 0 && rawDevices < 1 && milliCol < 0) {
        devices = 1;
        gpuMilli = Math.round(rawDevices * 1000);
        // Below half a thousandth the share rounds to none: a job that holds nothing never ends.
        if (gpuMilli === 0) return skip(line, 'bad devices', f.field(devicesCol), devicesCol);
      } else if (!Number.isSafeInteger(rawDevices)) {
        // Whole and held exactly (2^53 - 1 at most, as a scenario's `devices:`): 1e308 is 'whole' to
        // a float64, and its work overflowed to Infinity.
        return skip(line, 'bad devices', f.field(devicesCol), devicesCol);
      } else if (rawDevices > 0 && milliCol >= 0 && !f.isEmpty(milliCol)) {
        const milli = f.finiteNumber(milliCol);
        // Whole thousandths from 1 to 1000: the pool accounts device shares in thousandths, so a
        // fraction of one (1e-9, 333.5) would be truncated there and leak from the device for good.
        if (milli === undefined || !Number.isInteger(milli) || !(milli >= 1 && milli <= 1000)) return skip(line, 'bad gpu_milli', f.field(milliCol), milliCol);
        if (rawDevices > 1 && milli !== 1000) return skip(line, 'fractional share of a multi-GPU job', `devices ${rawDevices}, gpu_milli ${milli}`);
        gpuMilli = milli;
      }

      let durationS: number | undefined;
      // The column the run time was read from: duration, or end (end - start, end - submit).
      let durationFrom = durationCol;
      let fromCol = -1;
      // Seconds the start is before the submit (> 0: suspect).
      let startEarlyS = 0;
      if (durationCol >= 0 && !f.isEmpty(durationCol)) {
        const d = f.finiteNumber(durationCol);
        const elapsedS = d === undefined ? slurmElapsedS(f.field(durationCol)) : undefined;
        if (d === undefined && elapsedS === undefined) {
          skip(line, 'bad duration', f.field(durationCol), durationCol);
          skipped[skipped.length - 1]!.expected = `a number in ${timeUnit}, or ${SLURM_ELAPSED_FORM}`;
          return;
        }
        durationS = d === undefined ? elapsedS! : d * unitS;
      } else {
        durationFrom = endCol;
        if (endCol < 0) return skip(line, 'bad duration', f.field(durationCol), durationCol);
        let fromS = submitS;
        fromCol = submitCol;
        if (startCol >= 0) {
          const startS = readTimeS(f, startCol);
          if (startS === undefined) return skipTime(line, 'bad start', f.field(startCol), startCol);
          fromS = startS;
          fromCol = startCol;
          startEarlyS = submitS - startS;
        }
        const endS = readTimeS(f, endCol);
        if (endS === undefined) return skipTime(line, 'bad end', f.field(endCol), endCol);
        durationS = endS - fromS;
      }
      if (!(durationS > 0)) return skip(line, 'non-positive duration', durationCells(f, durationS, durationFrom, fromCol));

      const row = jobs.length;
      if (startEarlyS > 0) {
        const detail = suspect.has(START_BEFORE_SUBMIT)
          ? undefined
          : `${names[startCol]!} ${f.field(startCol)!.trim()} is ${+startEarlyS.toPrecision(12)} s before ${names[submitCol]!} ${f.field(submitCol)!.trim()}${iso ? '' : ` (${timeUnit})`}`;
        suspect.note(row, START_BEFORE_SUBMIT, detail);
      }
      for (const c of clockNotes) suspect.note(row, c.reason, c.detail, names[c.col]);
      // An id the file does not give is the data row's number, 'job-<row>' (made when read).
      jobs.push(
        idCol >= 0 && !f.isEmpty(idCol) ? f.field(idCol)!.trim() : dataRow,
        submitS,
        durationS,
        devices,
        gpuMilli,
        modelsCol >= 0 ? parseGpuSpec(f.field(modelsCol), separator) : null,
        groupCol >= 0 && !f.isEmpty(groupCol) ? f.field(groupCol)!.trim() : undefined,
        line,
      );
    },
    { delimiter, header: mapping.header !== false },
    (line, detail) => {
      dataRow++;
      skip(line, NOT_A_JSON_OBJECT, detail);
    },
  );
  const { order, filteredByOption, ...rest } = finishRows(jobs, originS, skipped, rows, source, options, mapping.id === undefined, suspect);
  return { ...rest, filteredByOption: mapping.filter === undefined ? filteredByOption : { filter: filtered, ...filteredByOption }, jobRows: jobs.reader(order) };
}
