// A job id the trace repeats is kept under a new name ('<id>~2'), and a run said how many, but not
// which: `trace inspect`, the way to look at a mapping before a run, said nothing at all. A file
// that lists a job twice (two exports joined, overlapping) replays it twice, so both say how many
// and where the first one is, with the line of the row that had the id before it.
import { describe, expect, it } from 'vitest';
import { describeTraces } from '../src/cli/io.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { parseGenericCsv } from '../src/scenario/traces/generic-csv.js';
import { formatInspection, inspectTrace } from '../src/scenario/traces/inspect.js';

// Helios's cluster_log.csv columns; job 5123460 is in it twice.
const CSV = [
  'job_id,vc,gpu_num,state,submit_time,start_time,end_time',
  '5123459,vc1,8,COMPLETED,2020-04-01 00:00:00,2020-04-01 00:01:00,2020-04-01 01:01:00',
  '5123460,vc3,2,COMPLETED,2020-04-01 00:02:00,2020-04-01 00:02:30,2020-04-01 00:03:30',
  '5123461,vc1,1,COMPLETED,2020-04-01 00:03:00,2020-04-01 00:03:00,2020-04-01 00:13:00',
  '5123460,vc3,2,COMPLETED,2020-04-01 00:02:00,2020-04-01 00:02:30,2020-04-01 00:03:30',
  '5123460,vc3,4,FAILED,2020-04-01 00:04:00,2020-04-01 00:04:00,2020-04-01 00:05:00',
].join('\n');
const MAPPING = { submit: 'submit_time', start: 'start_time', end: 'end_time', devices: 'gpu_num', id: 'job_id', time_format: 'iso' } as const;

describe('a repeated job id', () => {
  it('trace inspect says how many were renamed and where the first is', () => {
    const t = parseGenericCsv(CSV, MAPPING, { source: 'cluster_log.csv' });
    expect(t.jobs.map((j) => j.id)).toEqual(['5123459', '5123460', '5123460~2', '5123461', '5123460~3']);
    expect(formatInspection(inspectTrace(t))).toContain(`kept, renamed ('<id>~2', ...)\n           2  duplicate id (first at line 5: "5123460, as at line 3: kept as 5123460~2")\n`);
  });

  it('a run says the same, and an id another workload uses is shown the same way', () => {
    const yaml = `name: r
datacentres:
  - name: dc
    node_groups: [{ count: 2, device: H100 }]
workloads:
  - jobs: [{ name: '5123459', devices: 1, duration: 60s, reference_device: H100 }]
  - trace:
      format: csv
      path: t.csv
      reference_device: H100
      mapping: { submit: submit_time, start: start_time, end: end_time, devices: gpu_num, id: job_id, time_format: iso }
`;
    const r = loadScenario(yaml, 'dir/s.yaml', { readFile: () => CSV, baseDir: 'dir' });
    expect(describeTraces(r.traceReports)).toBe(
      `  trace t.csv: 5 rows, 5 jobs used; 2 renamed (duplicate id: '<id>~2', ...) (first at line 5: "5123460, as at line 3: kept as 5123460~2"); 1 renamed (id used by another workload: '<id>~2', ...) (first at line 2: "5123459: kept as 5123459~2")\n`,
    );
  });

  it('a trace without repeats shows no such line', () => {
    const t = parseGenericCsv(CSV.split('\n').slice(0, 4).join('\n'), MAPPING, { source: 'cluster_log.csv' });
    expect(t.firstRenamed).toBeUndefined();
    expect(formatInspection(inspectTrace(t))).not.toContain('renamed');
  });
});
