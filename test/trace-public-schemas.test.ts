// Job traces poolsim was not built on, written in their published schemas and read through the csv
// mapping as a new user would: Alibaba PAI cluster-trace-gpu-v2020 (pai_task_table: plan_gpu in
// percent of one GPU per instance, inst_num instances, start and end times in seconds, no submit time) and SenseTime Helios (Hu et
// al., SC21: submit, start and end as dates, so a job's run time is end - start, not end - submit).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { csvMappingSchema } from '../src/scenario/schema.js';
import { describeFirstSkipped, firstSkippedOf } from '../src/scenario/traces/first-skipped.js';
import { parseGenericCsv, type CsvMapping } from '../src/scenario/traces/generic-csv.js';

const rows = (text: string, mapping: CsvMapping) => {
  const t = parseGenericCsv(text, mapping, { source: 't.csv' });
  return { jobs: t.jobs.map((j) => [j.id, j.submitS, j.durationS, j.devices, j.gpuMilli]), skipped: t.skippedByReason };
};

// pai_task_table's columns (alibaba/clusterdata cluster-trace-gpu-v2020 README): plan_gpu is
// per instance, in percent of a GPU (50 = half a GPU, 800 = eight).
const PAI = [
  'job_name,task_name,inst_num,status,start_time,end_time,plan_cpu,plan_mem,plan_gpu,gpu_type',
  'j1,worker,1.0,Terminated,1000.0,4600.0,600.0,29.3,50.0,T4',
  'j2,worker,1.0,Terminated,1200.0,2200.0,800.0,29.3,100.0,V100',
  'j5,tensorflow,1.0,Terminated,900.0,1900.0,600.0,29.3,800.0,V100M32',
  'j6,worker,1.0,Terminated,950.0,1950.0,600.0,29.3,150.0,V100',
  'j4,worker,1.0,Failed,,,600.0,29.3,25.0,T4',
].join('\n');

describe('Alibaba PAI 2020 (plan_gpu in percent)', () => {
  const mapping: CsvMapping = { submit: 'start_time', end: 'end_time', devices: 'plan_gpu', id: 'job_name' };

  it('devices_unit: percent reads 50 as half a GPU and 800 as eight GPUs', () => {
    // Read as GPUs, plan_gpu 50 was a 50-GPU job and 800 an 800-GPU one (no warning).
    expect(rows(PAI, { ...mapping, devices_unit: 'percent' })).toEqual({
      jobs: [
        ['j5', 0, 1000, 8, 1000],
        ['j1', 100, 3600, 1, 500],
        ['j2', 300, 1000, 1, 1000],
      ],
      // 150% of a GPU is one and a half: no whole count and no share of one device.
      skipped: { 'bad devices': 1, 'bad submit': 1 },
    });
  });

  it('the published table has no header line: its columns are given by number, as YAML writes numbers', () => {
    // field-docs says 'give the columns above by number', but `submit: 5` was refused with
    // "submit: expected a string, got 5" until written '5'.
    const written = csvMappingSchema.safeParse(parse("{ header: false, id: 1, instances: 3, submit: 5, end: 6, devices: 9, devices_unit: percent }"));
    expect(written.success && written.data).toEqual({ header: false, id: '1', instances: '3', submit: '5', end: '6', devices: '9', devices_unit: 'percent' });
    const headerless = PAI.split('\n').slice(1).join('\n');
    expect(rows(headerless, written.success ? (written.data as CsvMapping) : mapping).jobs).toEqual([
      ['j5', 0, 1000, 8, 1000],
      ['j1', 100, 3600, 1, 500],
      ['j2', 300, 1000, 1, 1000],
    ]);
    // A column number is a whole number from 1.
    for (const bad of ['0', '1.5', '-2']) expect(csvMappingSchema.safeParse(parse(`{ header: false, submit: ${bad}, devices: 9, duration: 3 }`)).success).toBe(false);
  });

  it('a devices_unit it does not know is refused', () => {
    expect(() => rows(PAI, { ...mapping, devices_unit: 'permille' as never })).toThrow("devices_unit must be one of gpus, percent, tres, got 'permille'");
  });
});

// Helios cluster_log.csv (S-Lab/HeliosData): times as dates, duration in seconds, state.
const HELIOS = [
  'job_id,user,vc,jobname,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue',
  '1,u1,vc1,a,8,64,1,COMPLETED,2020-04-01 00:00:00,2020-04-01 02:00:00,2020-04-01 03:00:00,3600,7200',
  '2,u2,vc1,b,0,4,1,COMPLETED,2020-04-01 00:01:00,2020-04-01 00:01:00,2020-04-01 00:02:00,60,0',
  '3,u3,vc2,d,1,8,1,CANCELLED,2020-04-01 00:05:00,,,0,',
  '4,u3,vc2,e,2,8,1,FAILED,2020-04-01 00:06:00,2020-04-01 00:36:00,2020-04-01 00:46:00,600,1800',
].join('\n');

describe('Helios (submit, start and end as dates)', () => {
  const mapping: CsvMapping = { submit: 'submit_time', end: 'end_time', devices: 'gpu_num', id: 'job_id', time_format: 'iso' };

  it('with a start column the run time is end - start, the queueing before it left out', () => {
    // end - submit counted job 1's two hours in the queue as run time: 10800 s for a 3600 s run.
    expect(rows(HELIOS, { ...mapping, start: 'start_time' })).toEqual({
      jobs: [
        ['1', 0, 3600, 8, 1000],
        ['4', 360, 600, 2, 1000],
      ],
      // The cancelled job never started: no start time, no run.
      skipped: { 'no GPU requested': 1, 'bad start': 1 },
    });
    // The same run times as the trace's own duration column.
    expect(rows(HELIOS, { ...mapping, end: undefined, duration: 'duration' }).jobs).toEqual([
      ['1', 0, 3600, 8, 1000],
      ['4', 360, 600, 2, 1000],
    ]);
  });

  it('dates read as numbers (no time_format) are refused with the time_format that reads them', () => {
    // Every row was skipped as 'bad submit (first at line 2, column submit_time: "2020-04-01 00:00:00")':
    // the value, with no word of what was expected or which option reads it.
    const hint = (m: CsvMapping) => {
      const t = parseGenericCsv(HELIOS, m, { source: 't.csv' });
      return describeFirstSkipped(firstSkippedOf(t.skipped)['bad submit']);
    };
    expect(hint({ ...mapping, start: 'start_time', time_format: undefined })).toBe(' (first at line 2, column submit_time: "2020-04-01 00:00:00", expected a number in s; a date and time is read with time_format: iso)');
    // The other way round: epoch seconds mapped as iso.
    expect(hint({ ...mapping, submit: 'duration', start: 'start_time' })).toBe(' (first at line 2, column duration: "3600", expected an ISO 8601 date and time; numbers are read with time_format seconds or unix)');
  });

  it('a start column needs an end column', () => {
    expect(() => rows(HELIOS, { submit: 'submit_time', duration: 'duration', start: 'start_time', devices: 'gpu_num', time_format: 'iso' })).toThrow("'start' is read with 'end' (run time = end - start)");
  });
});

describe('Alibaba PAI 2020 tasks of several instances', () => {
  // inst_num instances, each of plan_gpu percent of a GPU: a task of 4 one-GPU workers holds 4 GPUs.
  const TASKS = [
    'job_name,task_name,inst_num,status,start_time,end_time,plan_cpu,plan_mem,plan_gpu,gpu_type',
    'j1,worker,4.0,Terminated,0.0,100.0,600.0,29.3,100.0,V100',
    'j2,worker,2.0,Terminated,10.0,110.0,600.0,29.3,50.0,T4',
    'j3,worker,1.0,Terminated,20.0,120.0,600.0,29.3,50.0,T4',
    'j4,worker,,Terminated,30.0,130.0,600.0,29.3,100.0,T4',
    'j5,worker,0.5,Terminated,40.0,140.0,600.0,29.3,100.0,T4',
    'j6,worker,2.0,Terminated,50.0,150.0,600.0,29.3,150.0,V100',
  ].join('\n');
  const mapping: CsvMapping = { submit: 'start_time', end: 'end_time', devices: 'plan_gpu', devices_unit: 'percent', id: 'job_name' };

  it('instances multiplies the devices of one instance', () => {
    // Without it, j1 was a one-GPU job: a quarter of what it held.
    expect(rows(TASKS, { ...mapping, instances: 'inst_num' })).toEqual({
      jobs: [
        ['j1', 0, 100, 4, 1000],
        ['j3', 20, 100, 1, 500],
      ],
      // j6: two instances of 1.5 GPUs each are no gang of 3 whole GPUs.
      skipped: { 'fractional share of a multi-GPU job': 1, 'bad instances': 2, 'bad devices': 1 },
    });
  });
});

// A Slurm sacct export (Submit, Start, End as the cluster's wall clock, no zone) of a US cluster.
describe('calendar times on a local wall clock (time_zone)', () => {
  const SACCT = [
    'JobID,Submit,Start,End,AllocTRES',
    // The night clocks went back (5 Nov 2017, 02:00 PDT -> 01:00 PST): 07:30Z to 11:30Z, 4 h.
    '1,2017-11-05T00:00:00,2017-11-05T00:30:00,2017-11-05T03:30:00,4',
    // The night they went forward (12 Mar 2017, 02:00 PST -> 03:00 PDT): 09:00Z to 11:00Z, 2 h.
    '2,2017-03-12T00:00:00,2017-03-12T01:00:00,2017-03-12T04:00:00,2',
    // A time with its own zone is read as written.
    '3,2017-03-12T08:00:00Z,2017-03-12T08:00:00Z,2017-03-12T09:00:00Z,1',
  ].join('\n');
  const mapping: CsvMapping = { id: 'JobID', submit: 'Submit', start: 'Start', end: 'End', devices: 'AllocTRES', time_format: 'iso' };

  it('time_zone takes the zone offset off, daylight saving included', () => {
    // Read as UTC, job 1 ran 3 h (10800 s) and job 2 3 h (10800 s).
    const t = rows(SACCT, { ...mapping, time_zone: 'America/Los_Angeles' });
    // Submits: job 2 at 08:00Z (midnight PST), job 3 at 08:00Z, job 1 at 07:00Z on 5 Nov (midnight PDT).
    const nov5 = (Date.UTC(2017, 10, 5, 7) - Date.UTC(2017, 2, 12, 8)) / 1000;
    expect(t.jobs).toEqual([
      ['2', 0, 7200, 2, 1000],
      ['3', 0, 3600, 1, 1000],
      ['1', nov5, 14400, 4, 1000],
    ]);
    // A zone without daylight saving is a fixed offset: Asia/Shanghai, 8 h ahead all year.
    // Job 2 was submitted at 16:00Z on 11 March, 16 h before job 3's 08:00Z; both its ends 8 h early.
    expect(rows(SACCT, { ...mapping, time_zone: 'Asia/Shanghai' }).jobs.slice(0, 2)).toEqual([
      ['2', 0, 10800, 2, 1000],
      ['3', 16 * 3600, 3600, 1, 1000],
    ]);
  });

  it('a zone it does not know, or a zone for numeric times, is refused', () => {
    expect(() => rows(SACCT, { ...mapping, time_zone: 'Pacific Time' })).toThrow("time_zone must be an IANA time zone name such as America/Los_Angeles or Asia/Shanghai, got 'Pacific Time'");
    expect(() => rows(SACCT, { ...mapping, time_format: 'seconds', time_zone: 'UTC' })).toThrow('time_zone is read with time_format iso');
  });
});
