// A csv mapping's `filter`: public traces (Philly, Helios, Acme, PAI) record failed, killed and
// cancelled jobs, replayed for as long as they held their GPUs; a planner who wants only the jobs
// that completed had no way to say so short of editing the trace.
import { describe, expect, it } from 'vitest';
import { describeTraces } from '../src/cli/io.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { InputError } from '../src/scenario/errors.js';
import { parseGenericCsv } from '../src/scenario/traces/generic-csv.js';

// Helios's columns and states: a failed job first (it sets time 0), a cancelled one that never started.
const CSV = [
  'job_id,gpu_num,state,submit_time,start_time,end_time',
  'f1,8,FAILED,2020-06-09 18:00:00,2020-06-09 18:00:00,2020-06-09 18:10:00',
  'c1,4,COMPLETED,2020-06-09 18:01:00,2020-06-09 18:02:00,2020-06-09 19:02:00',
  'x1,1,CANCELLED,2020-06-09 18:03:00,,2020-06-09 18:04:00',
  'c2,2, COMPLETED ,2020-06-09 18:05:00,2020-06-09 18:05:00,2020-06-09 18:06:40',
  'k1,2,Completed,2020-06-09 18:06:00,2020-06-09 18:06:00,2020-06-09 18:07:00',
].join('\n');
const MAPPING = { submit: 'submit_time', start: 'start_time', end: 'end_time', devices: 'gpu_num', id: 'job_id', time_format: 'iso' } as const;

const yaml = (filter: string): string => `name: f
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: H100 }]
workloads:
  - trace:
      format: csv
      path: t.csv
      reference_device: H100
      mapping: { submit: submit_time, start: start_time, end: end_time, devices: gpu_num, id: job_id, time_format: iso${filter} }
`;
const load = (filter: string) => loadScenario(yaml(filter), 'dir/s.yaml', { readFile: () => CSV, baseDir: 'dir' });

describe("a csv mapping's filter", () => {
  it('without one, every job that ran is replayed as recorded, failed ones included', () => {
    const t = parseGenericCsv(CSV, MAPPING);
    expect(t.jobs.map((j) => [j.id, j.submitS, j.durationS])).toEqual([['f1', 0, 600], ['c1', 60, 3600], ['c2', 300, 100], ['k1', 360, 60]]);
    expect(t.skippedByReason).toEqual({ 'bad start': 1 });
    expect(t.filteredByOption).toEqual({ window: 0, sample: 0, max_jobs: 0 });
  });

  it('keeps the rows whose column holds a listed value, exactly after trimming, and counts the others', () => {
    const t = parseGenericCsv(CSV, { ...MAPPING, filter: { column: 'state', keep: ['COMPLETED'] } });
    // Time 0 is still the failed job's submit: filtering does not move the kept jobs.
    expect(t.jobs.map((j) => [j.id, j.submitS, j.durationS, j.devices])).toEqual([['c1', 60, 3600, 4], ['c2', 300, 100, 2]]);
    // The cancelled row is left out by the filter, not skipped as 'bad start'; 'Completed' is another value.
    expect(t.skipped).toEqual([]);
    expect(t.filteredByOption).toEqual({ filter: 3, window: 0, sample: 0, max_jobs: 0 });
    expect(t.rows).toBe(t.jobs.length + t.skipped.length + Object.values(t.filteredByOption).reduce((a, b) => a + b, 0));
    expect(parseGenericCsv(CSV, { ...MAPPING, filter: { column: 'state', keep: ['COMPLETED', 'FAILED'] } }).jobs.map((j) => j.id)).toEqual(['f1', 'c1', 'c2']);
  });

  it('is reported in a run with what it dropped', () => {
    const r = load(', filter: { column: state, keep: [COMPLETED] }');
    expect(r.jobs.map((j) => [j.name, j.submitS, j.fixedRuntimeS])).toEqual([['c1', 60, 3600], ['c2', 300, 100]]);
    expect(describeTraces(r.traceReports)).toBe('  trace t.csv: 5 rows, 2 jobs used; 3 rows dropped by filter\n');
  });

  it("is reported with max_jobs under the scenario's field name", () => {
    // The report said 'dropped by maxJobs', a name the scenario never uses.
    const text = yaml(', filter: { column: state, keep: [COMPLETED] }').replace('reference_device: H100', 'reference_device: H100\n      max_jobs: 1');
    const r = loadScenario(text, 'dir/s.yaml', { readFile: () => CSV, baseDir: 'dir' });
    expect(r.jobs.map((j) => j.name)).toEqual(['c1']);
    expect(describeTraces(r.traceReports)).toBe('  trace t.csv: 5 rows, 1 job used; 3 rows dropped by filter; 1 row dropped by max_jobs\n');
  });

  it('is refused at the filter, with the file and line, when the header lacks its column', () => {
    let message = '';
    try {
      load(', filter: { column: status, keep: [COMPLETED] }');
    } catch (e) {
      message = (e as InputError).message;
    }
    expect(message).toMatch(/^dir\/s\.yaml:10:\d+: workloads\[0\]\.trace\.mapping\.filter\.column: t\.csv:1: missing column 'status' \(for filter\); the header has: job_id, gpu_num, state, submit_time, start_time, end_time/m);
    // Another column missing as well: both named at once, at the file as before.
    expect(() => load(', filter: { column: status, keep: [COMPLETED] }, group: vc')).toThrow(/workloads\[0\]\.trace\.path: t\.csv:1: missing columns 'vc' \(for group\), 'status' \(for filter\)/);
  });

  it('needs at least one value to keep', () => {
    expect(() => load(', filter: { column: state, keep: [] }')).toThrow(/workloads\[0\]\.trace\.mapping\.filter\.keep/);
    expect(() => parseGenericCsv(CSV, { ...MAPPING, filter: { column: 'state', keep: [] } })).toThrow(/filter\.keep must list the values of the rows to keep/);
  });
});
