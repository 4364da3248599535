// Trace rows kept as read but that leave a reading open: a start before the submit, a local time
// its zone's clock skipped or showed twice. They were accepted without a word; they are now
// counted by reason, with the first row's line and value, in the run's trace report and in
// `trace inspect`, and the jobs are read exactly as before.
import { describe, expect, it } from 'vitest';
import { describeTraces } from '../src/cli/io.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { formatInspection, inspectTrace } from '../src/scenario/traces/inspect.js';
import { parseGenericCsv, START_BEFORE_SUBMIT, type CsvMapping } from '../src/scenario/traces/generic-csv.js';
import { REPEATED_LOCAL_TIME, SKIPPED_LOCAL_TIME } from '../src/scenario/traces/time-zone.js';

// A Slurm sacct export of a Los Angeles cluster, around both of 2024's clock changes.
const SACCT = [
  'JobID,Submit,Start,End,GPUs',
  // 4 h 30 min across the skipped hour (00:30 PST = 08:30Z .. 04:00 PDT = 11:00Z): 2.5 h.
  '1,2024-03-10T00:00:00,2024-03-10T00:30:00,2024-03-10T04:00:00,4',
  // Started 5 min before it was submitted (08:55Z); ends in the skipped hour, read as 10:30Z: 95 min.
  '2,2024-03-10T01:00:00,2024-03-10T00:55:00,2024-03-10T02:30:00,2',
  // Starts at the repeated 01:30, read as the first (08:30Z); ends at 03:00 PST (11:00Z).
  '3,2024-11-03T00:00:00,2024-11-03T01:30:00,2024-11-03T03:00:00,1',
  // No GPU: skipped, so its skipped-hour submit is not told.
  '4,2024-03-10T02:15:00,2024-03-10T02:20:00,2024-03-10T03:30:00,0',
].join('\n');
const MAPPING: CsvMapping = { id: 'JobID', submit: 'Submit', start: 'Start', end: 'End', devices: 'GPUs', time_format: 'iso', time_zone: 'America/Los_Angeles' };

const SKIPPED_AT_3 = `${SKIPPED_LOCAL_TIME} (first at line 3, column End: "2024-03-10T02:30:00 read as 2024-03-10T10:30:00Z, 2024-03-10 03:30:00 on the clock after the change")`;
const REPEATED_AT_4 = `${REPEATED_LOCAL_TIME} (first at line 4, column Start: "2024-11-03T01:30:00 read as 2024-11-03T08:30:00Z; the clock showed it again at 2024-11-03T09:30:00Z")`;
const EARLY_AT_3 = `${START_BEFORE_SUBMIT} (first at line 3: "Start 2024-03-10T00:55:00 is 300 s before Submit 2024-03-10T01:00:00")`;

describe('rows kept but suspect', () => {
  it('are counted by reason with their line, column and how they were read; the jobs are read as before', () => {
    const t = parseGenericCsv(SACCT, MAPPING, { source: 'sacct.csv' });
    const nov3 = (Date.UTC(2024, 10, 3, 7) - Date.UTC(2024, 2, 10, 8)) / 1000;
    expect(t.jobs.map((j) => [j.id, j.submitS, j.durationS])).toEqual([
      ['1', 0, 9000],
      ['2', 3600, 5700],
      ['3', nov3, 9000],
    ]);
    expect(t.skippedByReason).toEqual({ 'no GPU requested': 1 });
    expect(t.suspectByReason).toEqual({ [START_BEFORE_SUBMIT]: 1, [SKIPPED_LOCAL_TIME]: 1, [REPEATED_LOCAL_TIME]: 1 });
    expect(t.firstSuspect).toEqual({
      [START_BEFORE_SUBMIT]: { line: 3, detail: 'Start 2024-03-10T00:55:00 is 300 s before Submit 2024-03-10T01:00:00' },
      [SKIPPED_LOCAL_TIME]: { line: 3, column: 'End', detail: '2024-03-10T02:30:00 read as 2024-03-10T10:30:00Z, 2024-03-10 03:30:00 on the clock after the change' },
      [REPEATED_LOCAL_TIME]: { line: 4, column: 'Start', detail: '2024-11-03T01:30:00 read as 2024-11-03T08:30:00Z; the clock showed it again at 2024-11-03T09:30:00Z' },
    });
    // Kept rows: they count among the jobs, not beside them.
    expect(t.rows).toBe(t.jobs.length + t.skipped.length);
  });

  it('a start before the submit in numeric times says the unit; a trace with none has no suspect field', () => {
    const csv = ['t,s,e,n', '100,95,160,1', '100,100,160,1'].join('\n');
    const t = parseGenericCsv(csv, { submit: 't', start: 's', end: 'e', devices: 'n', time_unit: 'min' });
    expect(t.jobs.map((j) => j.durationS)).toEqual([3900, 3600]);
    expect([t.suspectByReason, t.firstSuspect]).toEqual([{ [START_BEFORE_SUBMIT]: 1 }, { [START_BEFORE_SUBMIT]: { line: 2, detail: 's 95 is 300 s before t 100 (min)' } }]);
    // Asia/Shanghai keeps no daylight saving: only job 2's early start is told.
    expect(parseGenericCsv(SACCT, { ...MAPPING, time_zone: 'Asia/Shanghai' }).suspectByReason).toEqual({ [START_BEFORE_SUBMIT]: 1 });
    const clean = parseGenericCsv(csv.replace('100,95', '100,100'), { submit: 't', start: 's', end: 'e', devices: 'n' });
    expect(['suspectByReason' in clean, 'firstSuspect' in clean]).toEqual([false, false]);
  });

  it('only jobs the import keeps are told: not those a filter or window leaves out', () => {
    const csv = ['id,state,submit,start,end,gpus', 'a,FAILED,0,0,10,1', 'b,COMPLETED,20,10,30,1', 'c,FAILED,40,30,50,1', 'd,COMPLETED,60,60,70,1'].join('\n');
    const mapping: CsvMapping = { id: 'id', submit: 'submit', start: 'start', end: 'end', devices: 'gpus' };
    const told = (t: ReturnType<typeof parseGenericCsv>) => [t.suspectByReason?.[START_BEFORE_SUBMIT], t.firstSuspect?.[START_BEFORE_SUBMIT]];
    expect(told(parseGenericCsv(csv, mapping))).toEqual([2, { line: 3, detail: 'start 10 is 10 s before submit 20 (s)' }]);
    expect(told(parseGenericCsv(csv, { ...mapping, filter: { column: 'state', keep: ['COMPLETED'] } }))).toEqual([1, { line: 3, detail: 'start 10 is 10 s before submit 20 (s)' }]);
    // Line 3's job is before the window: line 4 is the first told, by its line (only the first
    // row of a reason keeps its value).
    expect(told(parseGenericCsv(csv, mapping, { window: { startS: 30 } }))).toEqual([1, { line: 4 }]);
    expect('suspectByReason' in parseGenericCsv(csv, mapping, { window: { startS: 50 } })).toBe(false);
  });

  it('a trace suspect in every row keeps a count, not a value per row', () => {
    const lines = ['submit,start,end,gpus'];
    for (let i = 0; i < 10000; i++) lines.push(`${i + 1},${i},${i + 60},1`);
    const t = parseGenericCsv(lines.join('\n'), { submit: 'submit', start: 'start', end: 'end', devices: 'gpus' });
    expect([t.jobs.length, t.suspectByReason, t.firstSuspect]).toEqual([10000, { [START_BEFORE_SUBMIT]: 10000 }, { [START_BEFORE_SUBMIT]: { line: 2, detail: 'start 0 is 1 s before submit 1 (s)' } }]);
  });

  it('a row with several times its clock skipped or showed twice is one row, as the report says', () => {
    // All three times of a job in the hour Los Angeles skipped: the report said "3 rows" for one
    // job (a note per time), and a trace with 71 such jobs said 136 rows.
    const csv = ['JobID,Submit,Start,End,GPUs', '1,2024-03-10T02:05:00,2024-03-10T02:10:00,2024-03-10T02:50:00,1', '2,2024-03-10T04:00:00,2024-03-10T04:00:00,2024-03-10T05:00:00,1'].join('\n');
    const t = parseGenericCsv(csv, MAPPING, { source: 'sacct.csv' });
    expect(t.jobs.map((j) => [j.id, j.durationS])).toEqual([['1', 2400], ['2', 3600]]);
    expect(t.suspectByReason).toEqual({ [SKIPPED_LOCAL_TIME]: 1 });
    expect(t.firstSuspect?.[SKIPPED_LOCAL_TIME]).toMatchObject({ line: 2, column: 'Submit' });
    // A second row with one such time makes two rows, whatever its cells.
    const two = parseGenericCsv(`${csv}\n3,2024-03-10T01:00:00,2024-03-10T01:00:00,2024-03-10T02:30:00,1`, MAPPING, { source: 'sacct.csv' });
    expect(two.suspectByReason).toEqual({ [SKIPPED_LOCAL_TIME]: 2 });
  });

  it("are said in the run's trace report and in trace inspect", () => {
    const yaml = `name: tz
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: H100 }]
workloads:
  - trace:
      format: csv
      path: sacct.csv
      reference_device: H100
      mapping: { id: JobID, submit: Submit, start: Start, end: End, devices: GPUs, time_format: iso, time_zone: America/Los_Angeles }
`;
    const r = loadScenario(yaml, 'dir/s.yaml', { readFile: () => SACCT, baseDir: 'dir' });
    expect(r.jobs.map((j) => [j.name, j.submitS, j.fixedRuntimeS])).toEqual([
      ['1', 0, 9000],
      ['2', 3600, 5700],
      ['3', (Date.UTC(2024, 10, 3, 7) - Date.UTC(2024, 2, 10, 8)) / 1000, 9000],
    ]);
    expect(describeTraces(r.traceReports)).toBe(`  trace sacct.csv: 4 rows, 3 jobs used; 1 row: no GPU requested (first at line 5); 1 row: ${EARLY_AT_3}; 1 row: ${SKIPPED_AT_3}; 1 row: ${REPEATED_AT_4}\n`);
    const text = formatInspection(inspectTrace(parseGenericCsv(SACCT, MAPPING, { source: 'sacct.csv' })));
    // Most frequent reason first, then by name (inspect.ts's order for skipped rows).
    expect(text.split('\n').slice(0, 8)).toEqual([
      'trace      sacct.csv',
      'rows       4: 3 jobs, 1 skipped, 0 filtered by options',
      'skipped',
      '           1  no GPU requested (first at line 5)',
      'kept, suspect',
      `           1  ${SKIPPED_AT_3}`,
      `           1  ${REPEATED_AT_4}`,
      `           1  ${EARLY_AT_3}`,
    ]);
  });
});
