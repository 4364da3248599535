// Trace importers: CSV scanning, each format on small inline files (quotes, bad rows, missing
// columns), the common options, inspection, and the full bundled traces (data/) all accounted for.
import { describe, it, expect } from 'vitest';
import {
  TraceError,
  formatInspection,
  importTrace,
  inspectTrace,
  loadTrace,
  parseAlibabaOpenbNodes,
  parseAlibabaOpenbPods,
  parseGenericCsv,
  parsePhilly,
  sampleUnit,
  scanCsv,
  type TraceImport,
} from '../src/scenario/traces/index.js';
import { isEmptyField } from '../src/scenario/traces/csv-reader.js';

// The repository's own copies (gzip, read as is): a clone has nothing beside it.
const ALIBABA_DIR = new URL('../data/alibaba-openb/', import.meta.url);
const PODS = new URL('openb_pod_list_default.csv.gz', ALIBABA_DIR);
const NODES = new URL('openb_node_list_all_node.csv.gz', ALIBABA_DIR);
const PHILLY = new URL('../data/philly/philly_jobs.csv.gz', import.meta.url);

function accounted(t: TraceImport): number {
  return t.jobs.length + t.skipped.length + Object.values(t.filteredByOption).reduce((a, b) => a + b, 0);
}

function thrown(f: () => unknown): TraceError {
  try {
    f();
  } catch (e) {
    if (e instanceof TraceError) return e;
    throw e;
  }
  throw new Error('expected a TraceError');
}

describe('scanCsv', () => {
  it('handles quotes, doubled quotes, commas and newlines inside quotes, CRLF, BOM and blank lines', () => {
    const text = '\uFEFFa,b,c\r\n1,"x, y",3\r\n\r\n"he said ""hi""",,"multi\nline"\n4,5,6\n\n';
    const rows: Array<[string[], number]> = [];
    let header: string[] = [];
    const n = scanCsv(text, 'f.csv', (h) => (header = h), (f, line) => rows.push([f, line]));
    expect(header).toEqual(['a', 'b', 'c']);
    expect(n).toBe(3);
    expect(rows).toEqual([
      [['1', 'x, y', '3'], 2],
      [['he said "hi"', '', 'multi\nline'], 4],
      [['4', '5', '6'], 6],
    ]);
  });

  it('rejects a quote that never closes, and an empty file', () => {
    expect(thrown(() => scanCsv('a,b\n1,"oops\n2,3\n', 'f.csv', () => {}, () => {})).message).toBe(
      'f.csv:2: a quoted field never closes',
    );
    expect(thrown(() => scanCsv('\n\n', 'e.csv', () => {}, () => {})).message).toBe('e.csv: empty file: expected a header line');
  });
});

const POD_HEADER = 'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time';
const POD_TEXT = [
  POD_HEADER,
  'pod-a,12000,16384,1,1000,,LS,Running,100,1100,100', // line 2: whole GPU, any model
  'pod-b,6000,12288,1,460,V100M16|V100M32,BE,Running,200,700,250', // 3: fractional, two models
  'pod-c,88000,327680,8,1000,"G2",Burstable,Succeeded,300,5300,300', // 4: quoted spec
  'pod-d,4000,8192,0,0,,BE,Running,150,900,150', // 5: CPU-only
  'pod-e,4000,8192,1,1000,,LS,Pending,400,900,', // 6: never scheduled
  'pod-f,4000,8192,1,1000,,LS,Failed,500,450,500', // 7: deleted before it started
  'pod-g,4000,8192,1,1000,,LS,Running,,900,600', // 8: no creation time
  'pod-h,4000,8192,2,500,,LS,Running,600,900,600', // 9: fractional multi-GPU
  'pod-i,4000,8192,1,1000,,LS', // 10: truncated row
  'pod-j,4000,8192,1,1200,,LS,Running,600,900,600', // 11: gpu_milli out of range
  'pod-a,4000,8192,1,1000,,LS,Running,700,900,700', // 12: duplicate name (kept as pod-a~2)
  'pod-k,4000,8192,1,1000,nan,LS,Running,800,900,790', // 13: scheduled before creation
].join('\n');

describe('alibaba-openb pods', () => {
  it('turns pods into jobs and skips bad rows with reasons and line numbers', () => {
    const t = parseAlibabaOpenbPods(POD_TEXT, { source: 'pods.csv' });
    expect(t.rows).toBe(12);
    expect(accounted(t)).toBe(t.rows);
    expect(t.jobs.map((j) => [j.id, j.submitS, j.durationS, j.devices, j.gpuMilli, j.allowedModels, j.qos, j.line])).toEqual([
      ['pod-a', 0, 1000, 1, 1000, null, 'LS', 2],
      ['pod-b', 100, 450, 1, 460, ['V100M16', 'V100M32'], 'BE', 3],
      ['pod-c', 200, 5000, 8, 1000, ['G2'], 'Burstable', 4],
      ['pod-a~2', 600, 200, 1, 1000, null, 'LS', 12],
    ]);
    expect(t.renamedByReason).toEqual({ 'duplicate id': 1 });
    expect(t.jobs[1]).toMatchObject({ cpuMilli: 6000, memoryMiB: 12288 });
    expect(t.skipped.map((s) => [s.line, s.reason])).toEqual([
      [5, 'no GPU requested'],
      [6, 'never scheduled'],
      [7, 'non-positive duration'],
      [8, 'bad creation_time'],
      [9, 'fractional share of a multi-GPU pod'],
      [10, 'wrong number of fields'],
      [11, 'bad gpu_milli'],
      [13, 'scheduled before creation'],
    ]);
    expect(t.skippedByReason['no GPU requested']).toBe(1);
  });

  it('keeps CPU-only and pending pods on request, without moving the time origin', () => {
    const t = parseAlibabaOpenbPods(POD_TEXT, { includeCpuOnly: true, includePending: true });
    const d = t.jobs.find((j) => j.id === 'pod-d')!;
    const e = t.jobs.find((j) => j.id === 'pod-e')!;
    expect([d.devices, d.gpuMilli, d.submitS, d.durationS]).toEqual([0, 0, 50, 750]);
    expect([e.submitS, e.durationS]).toEqual([300, 500]); // deletion - creation
    expect(t.jobs.find((j) => j.id === 'pod-a')!.submitS).toBe(0);
    expect(accounted(t)).toBe(t.rows);
  });

  it('names every missing column and the header it found', () => {
    const err = thrown(() => parseAlibabaOpenbPods('name,num_gpu,gpu_milli,creation_time\nx,1,1000,0\n', { source: 'pods.csv' }));
    expect(err.file).toBe('pods.csv');
    expect(err.line).toBe(1);
    expect(err.message).toMatchInlineSnapshot(
      `"pods.csv:1: missing columns 'deletion_time', 'scheduled_time': a pod list has all three time columns (creation_time, deletion_time, scheduled_time), or none (pod sizes only, for a fill); the header has: name, num_gpu, gpu_milli, creation_time; another job trace is read with format: csv and a column mapping (docs/reading-traces.md: Alibaba PAI 2020, Helios, Acme, Philly's cluster_job_log, SWF)"`,
    );
    expect(thrown(() => parseAlibabaOpenbPods('name,gpu_milli\nx,1000\n', { source: 'pods.csv' })).message).toBe(
      "pods.csv:1: missing column 'num_gpu'; the header has: name, gpu_milli; format alibaba-openb reads an openb pod list (name, num_gpu, gpu_milli and creation_time, deletion_time, scheduled_time); another job trace is read with format: csv and a column mapping (docs/reading-traces.md: Alibaba PAI 2020, Helios, Acme, Philly's cluster_job_log, SWF)",
    );
  });

  it('a pod list without time columns is read as sizes only: every pod at 0 s, no run time, marked untimed', () => {
    const text = 'name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos\np0,4000,8192,1,460,G2,LS\np1,4000,8192,0,0,,BE\np2,8000,16384,2,1000,,LS\np3,1000,1024,1,1300,,LS\n';
    const t = parseAlibabaOpenbPods(text, { source: 'sizes.csv' });
    expect(t.untimed).toBe(true);
    expect(t.jobs.map((j) => [j.id, j.submitS, j.durationS, j.devices, j.gpuMilli, j.allowedModels, j.cpuMilli, j.line])).toEqual([
      ['p0', 0, 0, 1, 460, ['G2'], 4000, 2],
      ['p2', 0, 0, 2, 1000, null, 8000, 4],
    ]);
    expect(t.skipped.map((s) => [s.line, s.reason])).toEqual([
      [3, 'no GPU requested'],
      [5, 'bad gpu_milli'],
    ]);
    expect(accounted(t)).toBe(t.rows);
    // A timed list is not marked.
    expect(parseAlibabaOpenbPods(POD_TEXT).untimed).toBeUndefined();
    // A window needs creation times.
    expect(thrown(() => parseAlibabaOpenbPods(text, { source: 'sizes.csv', window: { startS: 0, endS: 60 } })).message).toContain(
      'sizes.csv:1: a window selects pods by creation_time, and this pod list has no time columns',
    );
    // Inspection says there are no times instead of printing zeros.
    const s = inspectTrace(t);
    expect([s.untimed, s.firstSubmitS, s.durationS]).toEqual([true, null, null]);
    const shown = formatInspection(s);
    expect(shown).toContain('times      none: the file lists pod sizes only');
    expect(shown).not.toContain('device-h');
    expect(shown).not.toContain('submits');
  });
});

describe('alibaba-openb host columns', () => {
  it('a pod or node whose cpu_milli or memory_mib is not a number >= 0 is skipped as bad, not read as asking or holding none', () => {
    // Was: 'abc' or -4000 read as no request (a pod taking no CPU beside others), a node's as unlimited.
    const pods = [POD_HEADER, 'p0,abc,8192,1,1000,,LS,Running,0,60,0', 'p1,4000,-1,1,1000,,LS,Running,0,60,0', 'p2,,,1,1000,,LS,Running,0,60,0', 'p3,0,0,1,1000,,LS,Running,0,60,0'].join('\n');
    const t = parseAlibabaOpenbPods(pods, { source: 'pods.csv' });
    expect(t.skipped).toEqual([
      { line: 2, reason: 'bad cpu_milli', detail: 'abc' },
      { line: 3, reason: 'bad memory_mib', detail: '-1' },
    ]);
    expect(t.jobs.map((j) => [j.id, j.cpuMilli, j.memoryMiB])).toEqual([
      ['p2', undefined, undefined],
      ['p3', 0, 0],
    ]);
    const nodes = parseAlibabaOpenbNodes('sn,cpu_milli,memory_mib,gpu,model\nn0,32 cores,262144,8,\nn1,32000,1e400,8,\nn2,,,8,\n', 'nodes.csv');
    expect(nodes.skipped).toEqual([
      { line: 2, reason: 'bad cpu_milli', detail: '32 cores' },
      { line: 3, reason: 'bad memory_mib', detail: '1e400' },
    ]);
    expect(nodes.nodes.map((n) => n.id)).toEqual(['n2']);
  });
});

describe('alibaba-openb nodes', () => {
  it('reads GPU nodes and counts CPU-only ones as skipped', () => {
    const text = 'sn,cpu_milli,memory_mib,gpu,model\nn0,32000,262144,0,\nn1,96000,786432,8,V100M32\nn2,64000,262144,2,\nn3,1,1,x,T4\n';
    const t = parseAlibabaOpenbNodes(text, 'nodes.csv');
    expect(t.rows).toBe(4);
    expect(t.nodes).toEqual([
      { id: 'n1', devices: 8, model: 'V100M32', cpuMilli: 96000, memoryMiB: 786432, line: 3 },
      { id: 'n2', devices: 2, model: null, cpuMilli: 64000, memoryMiB: 262144, line: 4 },
    ]);
    expect(t.skipped).toEqual([
      { line: 2, reason: 'CPU-only node' },
      { line: 5, reason: 'bad gpu', detail: 'x' },
    ]);
  });
});

describe('philly', () => {
  const text = [
    'timestamp,duration,num_gpus,gpu_time,cluster',
    '2017-10-09 07:01:55,66.0,1,66.0,11cb48',
    '2017-10-09 06:13:03,2951.0,8,23608.0,6214e9',
    '2017-10-09 06:13:03,0.0,1,0.0,6214e9', // 4: zero duration
    '2017-10-09 06:20:00,10.0,0,0.0,6214e9', // 5: no GPU
    'yesterday,10.0,1,10.0,6214e9', // 6: bad timestamp
    '2017-10-09 06:30:00,ten,1,10.0,6214e9', // 7: bad duration
    '2017-10-09 06:30:00,10,-2,10.0,6214e9', // 8: bad num_gpus
    '',
  ].join('\n');

  it('parses UTC timestamps into offsets from the earliest, with synthetic ids', () => {
    const t = parsePhilly(text, { source: 'philly.csv' });
    expect(t.rows).toBe(7);
    expect(accounted(t)).toBe(7);
    expect(t.jobs).toEqual([
      { id: 'philly-2', submitS: 0, durationS: 2951, devices: 8, gpuMilli: 1000, allowedModels: null, group: '6214e9', line: 3 },
      { id: 'philly-1', submitS: 48 * 60 + 52, durationS: 66, devices: 1, gpuMilli: 1000, allowedModels: null, group: '11cb48', line: 2 },
    ]);
    expect(t.skipped.map((s) => [s.line, s.reason])).toEqual([
      [4, 'non-positive duration'],
      [5, 'no GPU requested'],
      [6, 'bad timestamp'],
      [7, 'bad duration'],
      [8, 'bad num_gpus'],
    ]);
  });

  it('throws on a missing column, saying what the format reads and how another trace is read', () => {
    expect(thrown(() => parsePhilly('timestamp,duration,gpus\n', { source: 'p.csv' })).message).toBe(
      "p.csv:1: missing column 'num_gpus'; the header has: timestamp, duration, gpus; format philly reads the Pollux artifact's philly_jobs.csv (timestamp, duration, num_gpus); another job trace is read with format: csv and a column mapping (docs/reading-traces.md: Alibaba PAI 2020, Helios, Acme, Philly's cluster_job_log, SWF)",
    );
    // A Helios log given as philly, and a node list given as a pod list: told the same.
    const helios = 'job_id,user,vc,gpu_num,cpu_num,node_num,state,submit_time,start_time,end_time,duration,queue\n';
    expect(thrown(() => parsePhilly(helios, { source: 'cluster_log.csv' })).message).toMatch(/missing columns 'timestamp', 'num_gpus'; the header has: job_id, .*; another job trace is read with format: csv and a column mapping \(docs\/reading-traces\.md: .*Helios/);
    expect(thrown(() => parseAlibabaOpenbNodes('name,gpus\n', 'nodes.csv')).message).toBe(
      "nodes.csv:1: missing columns 'sn', 'gpu'; the header has: name, gpus; format alibaba-openb reads an openb node list (sn, gpu, and model, cpu_milli, memory_mib when given)",
    );
  });
});

describe('generic csv', () => {
  it('maps columns, ISO times with an end column, model lists and fractional devices', () => {
    const text = [
      'job,start,stop,gpus,models,team',
      'a,2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,4,"A100;H100",x',
      'b,2024-01-01 00:10:00,2024-01-01 00:20:00,0.25,,y',
      'c,2024-01-01T00:05:00+01:00,2024-01-01T00:30:00+01:00,1,,x', // 23:05 the day before: earliest
      'd,2024-01-01T00:15:00Z,2024-01-01T00:14:00Z,1,,x', // ends before it starts
      'e,soon,2024-01-01T00:14:00Z,1,,x',
    ].join('\n');
    const t = parseGenericCsv(
      text,
      { submit: 'start', end: 'stop', devices: 'gpus', allowed_models: 'models', models_separator: ';', id: 'job', group: 'team', time_format: 'iso' },
      { source: 'g.csv' },
    );
    expect(accounted(t)).toBe(5);
    expect(t.jobs.map((j) => [j.id, j.submitS, j.durationS, j.devices, j.gpuMilli, j.allowedModels, j.group])).toEqual([
      ['c', 0, 1500, 1, 1000, null, 'x'],
      ['a', 3300, 3600, 4, 1000, ['A100', 'H100'], 'x'],
      ['b', 3900, 600, 1, 250, null, 'y'],
    ]);
    expect(t.skippedByReason).toEqual({ 'non-positive duration': 1, 'bad submit': 1 });
  });

  it('scales numeric times by time_unit and reads gpu_milli', () => {
    const text = 'submit_ms,run_min,n,milli\n5000,2,1,300\n1000,1.5,2,1000\n2000,1,1,\n';
    const t = parseGenericCsv(text, { submit: 'submit_ms', duration: 'run_min', devices: 'n', gpu_milli: 'milli', time_unit: 'ms' });
    // time_unit applies to both: submit in ms, duration in ms too.
    expect(t.jobs.map((j) => [j.id, j.submitS, j.durationS, j.gpuMilli])).toEqual([
      ['job-2', 0, 0.0015, 1000],
      ['job-3', 1, 0.001, 1000],
      ['job-1', 4, 0.002, 300],
    ]);
    const m = parseGenericCsv('t,d,n\n60,2,1\n120,1,1\n', { submit: 't', duration: 'd', devices: 'n', time_unit: 'min' });
    expect(m.jobs.map((j) => [j.submitS, j.durationS])).toEqual([
      [0, 120],
      [3600, 60],
    ]);
  });

  it('names a missing mapped column and the header found', () => {
    const err = thrown(() => parseGenericCsv('when,len,gpus\n1,2,3\n', { submit: 'submitted', duration: 'len', devices: 'gpus' }, { source: 'x.csv' }));
    expect(err.message).toMatchInlineSnapshot(`"x.csv:1: missing column 'submitted' (for submit); the header has: when, len, gpus"`);
    expect(thrown(() => parseGenericCsv('a\n', { submit: 'a', devices: 'a' }, { source: 'x.csv' })).message).toContain(
      "needs a 'duration' or an 'end' column",
    );
    expect(thrown(() => importTrace('csv', 'a\n')).message).toContain('needs a column mapping');
    expect(thrown(() => importTrace('slurm', 'a\n')).message).toContain("unknown trace format 'slurm'");
  });
});

describe('options', () => {
  // 200 jobs, one every 10 s, 1 device for 100 s.
  const text = ['t,d,n', ...Array.from({ length: 200 }, (_, i) => `${1000 + 10 * i},100,1`)].join('\n');
  const mapping = { submit: 't', duration: 'd', devices: 'n' };

  it('window keeps [startS, endS) and re-bases time 0 to startS', () => {
    const t = parseGenericCsv(text, mapping, { window: { startS: 95, endS: 200 } });
    expect(t.jobs.map((j) => j.submitS)).toEqual([5, 15, 25, 35, 45, 55, 65, 75, 85, 95]);
    expect(t.filteredByOption).toEqual({ window: 190, sample: 0, max_jobs: 0 });
    expect(accounted(t)).toBe(200);
  });

  it('sample is deterministic, seed-dependent, nested across fractions and close to the fraction', () => {
    const ids = (fraction: number, seed: number) => parseGenericCsv(text, mapping, { sample: fraction, seed }).jobs.map((j) => j.id);
    const a = ids(0.3, 7);
    expect(ids(0.3, 7)).toEqual(a);
    expect(ids(0.3, 8)).not.toEqual(a);
    const small = new Set(ids(0.1, 7));
    expect([...small].every((id) => a.includes(id))).toBe(true);
    expect(a.length).toBeGreaterThan(40);
    expect(a.length).toBeLessThan(80);
    expect(sampleUnit(7, 'job-1')).toBe(sampleUnit(7, 'job-1'));
    const t = parseGenericCsv(text, mapping, { sample: 0.3, seed: 7 });
    expect(t.filteredByOption.sample).toBe(200 - a.length);
  });

  it('timeScale multiplies submit offsets after the window; maxJobs keeps the earliest', () => {
    const t = parseGenericCsv(text, mapping, { window: { startS: 100 }, timeScale: 0.5, maxJobs: 3 });
    expect(t.jobs.map((j) => [j.submitS, j.durationS])).toEqual([
      [0, 100],
      [5, 100],
      [10, 100],
    ]);
    expect(t.filteredByOption).toEqual({ window: 10, sample: 0, max_jobs: 187 });
  });

  it('rejects options out of range, all at once', () => {
    expect(thrown(() => parseGenericCsv(text, mapping, { sample: 2, timeScale: 0, source: 'o.csv' })).message).toBe(
      'o.csv: sample must be a fraction in [0, 1], got 2; time_scale must be a positive number, got 0',
    );
  });
});

describe('inspectTrace', () => {
  it('summarises jobs, skips, devices, durations, fractional shares and models', () => {
    const s = inspectTrace(parseAlibabaOpenbPods(POD_TEXT, { source: 'pods.csv' }));
    expect(s).toMatchObject({
      rows: 12,
      jobs: 4,
      skipped: 8,
      firstSubmitS: 0,
      lastSubmitS: 600,
      lastFinishS: 5200,
      devicesPerJob: [
        { devices: 1, jobs: 3 },
        { devices: 8, jobs: 1 },
      ],
      durationS: { p50S: 450, p90S: 5000, p99S: 5000, maxS: 5000 },
      fractional: { jobs: 1, byGpuMilli: [{ gpuMilli: 460, jobs: 1 }] },
      models: { unconstrainedJobs: 2, byModel: [{ model: 'G2', jobs: 1 }, { model: 'V100M16', jobs: 1 }, { model: 'V100M32', jobs: 1 }] },
    });
    expect(s.deviceHours).toBeCloseTo((1000 + 0.46 * 450 + 8 * 5000 + 200) / 3600, 9);
    // Philly's figures: 7 of 82,247 jobs on 12 GPUs read '0.0%', and 978,078.5 device-hours lost
    // the separators every other count has.
    const philly = formatInspection({ ...s, jobs: 82247, deviceHours: 978078.5, devicesPerJob: [{ devices: 1, jobs: 82240 }, { devices: 12, jobs: 7 }] });
    expect(philly).toContain('      12         7 jobs  0.01%\n');
    expect(philly).toContain('       1    82,240 jobs  99.99%\n');
    expect(philly).toContain('device-h   978,078.5 (fractional shares weighted)\n');
    // ... and its row count the separators of the counts under it ('rows       82247: 82247 jobs').
    expect(formatInspection({ ...s, rows: 82247, jobs: 82247 })).toContain('rows       82,247: 82,247 jobs, ');
    const text = formatInspection(s);
    expect(text).toContain('rows       12: 4 jobs, 8 skipped, 0 filtered by options');
    // Each reason points at its first row (POD_TEXT's line comments) and the value refused there.
    expect(text).toContain('       1  never scheduled (first at line 6)\n');
    expect(text).toContain('       1  bad gpu_milli (first at line 11: "1200")\n');
    expect(text).toContain('       1  wrong number of fields (first at line 10: "7 fields, header has 11")\n');
    expect(text).toContain('       1  scheduled before creation (first at line 13: "790 < 800")\n');
    expect(s.beyondLimit).toBeNull();
  });

  it('counts jobs past 1e10 s, which a run refuses, and leaves them out of the figures', () => {
    // A duration of 2e10 s (in microseconds): alone it made the device-hours and the last finish its own.
    const text = 'time,dur,n\n600000000,100000000,1\n0,600000000,2\n610000000,20000000000000000,1\n';
    const s = inspectTrace(parseGenericCsv(text, { submit: 'time', duration: 'dur', devices: 'n', time_unit: 'us' }));
    expect(s).toMatchObject({ jobs: 3, beyondLimit: { jobs: 1, firstLine: 4 }, lastFinishS: 700, durationS: { maxS: 600 } });
    expect(s.deviceHours).toBeCloseTo((100 + 2 * 600) / 3600, 12);
    expect(formatInspection(s)).toContain('past 1e10s 1 job with a submit time or duration past 1e10 s (first at line 4): a run refuses the trace until they are corrected or left out; not in the figures below\n');
  });

  it("skips Borg's end of 2^63 - 1 us (a task still running when the trace ends) as a bad end: past 2200 as a Unix time", () => {
    // As microseconds, a 107,000,000-day job that made the device-hours 2.56e9 and the last finish 107,000,000 d.
    const text = 'time,end,n\n600000000,700000000,1\n0,600000000,2\n610000000,9223372036854775807,1\n';
    const t = parseGenericCsv(text, { submit: 'time', end: 'end', devices: 'n', time_unit: 'us' });
    expect([t.jobs.length, t.skippedByReason]).toEqual([2, { 'bad end': 1 }]);
    expect(inspectTrace(t)).toMatchObject({ beyondLimit: null, lastFinishS: 700, durationS: { maxS: 600 } });
  });
});

describe('full bundled traces', () => {
  it('Alibaba openb: every pod and node accounted for; 6,212 GPUs on GPU nodes', () => {
    const t = loadTrace('alibaba-openb', PODS, { nodesPath: NODES });
    expect(t.rows).toBe(8152);
    expect(accounted(t)).toBe(8152);
    expect(t.skippedByReason).toEqual({ 'no GPU requested': 1088, 'never scheduled': 861 });
    expect(t.jobs.length).toBe(6203);
    expect(t.nodeRows).toBe(1523);
    expect(t.nodes!.length + t.nodeSkipped!.length).toBe(1523);
    expect(t.nodeSkippedByReason).toEqual({ 'CPU-only node': 310 });
    expect(t.nodes!.reduce((a, n) => a + n.devices, 0)).toBe(6212);
    const s = inspectTrace(t);
    expect(s.nodes!.byModel.map((m) => [m.model, m.nodes, m.devices])).toEqual([
      ['G2', 549, 4392],
      ['T4', 404, 842],
      ['G3', 39, 312],
      ['P100', 134, 265],
      ['V100M32', 30, 204],
      ['V100M16', 55, 195],
      ['A10', 2, 2],
    ]);
    // gpu_milli is a share only for single-GPU pods.
    expect(t.jobs.every((j) => j.devices === 1 || j.gpuMilli === 1000)).toBe(true);
    expect(t.jobs[0]!.submitS).toBe(0);
    const all = loadTrace('alibaba-openb', PODS, { includeCpuOnly: true, includePending: true });
    // One pending pod was deleted the second it was created: nothing to run.
    expect(all.skippedByReason).toEqual({ 'non-positive duration': 1 });
    expect(all.jobs.length).toBe(8151);
  });

  it('Philly: every row accounted for', () => {
    const t = loadTrace('philly', PHILLY);
    // 82,247 data rows: wc -l reports 82,249 because the file ends with a blank line.
    expect(t.rows).toBe(82247);
    expect(accounted(t)).toBe(t.rows);
    expect(t.jobs.length).toBe(82247);
    expect(t.jobs[0]!.submitS).toBe(0);
    expect(inspectTrace(t).devicesPerJob.find((d) => d.devices === 8)!.jobs).toBe(1643);
  });

  it('Philly: options are deterministic and accounted for', () => {
    const opts = { window: { startS: 86400 * 40, endS: 86400 * 47 }, sample: 0.25, seed: 42, timeScale: 0.5 };
    const a = loadTrace('philly', PHILLY, opts);
    const b = loadTrace('philly', PHILLY, opts);
    expect(a.jobs).toEqual(b.jobs);
    expect(accounted(a)).toBe(a.rows);
    expect(a.jobs.every((j) => j.submitS >= 0 && j.submitS < 86400 * 7 * 0.5)).toBe(true);
    expect(a.filteredByOption.window).toBeGreaterThan(0);
    const windowed = loadTrace('philly', PHILLY, { window: opts.window }).jobs.length;
    expect(a.jobs.length / windowed).toBeGreaterThan(0.22);
    expect(a.jobs.length / windowed).toBeLessThan(0.28);
  });

  it('a missing file is a TraceError naming it', () => {
    expect(thrown(() => loadTrace('philly', '/nonexistent/trace.csv')).message).toBe('/nonexistent/trace.csv: cannot read the trace file: no such file');
  });
});

describe('isEmptyField', () => {
  // Its fast answer (a value longer than any empty word, printable ASCII at both ends) must agree
  // with the definition: blank after trimming, or nan/null/none/na in any case.
  const byDefinition = (field: string): boolean => {
    const s = field.trim().toLowerCase();
    return s === '' || s === 'nan' || s === 'null' || s === 'none' || s === 'na';
  };
  it('agrees with its definition on fields built from empty words, white space and values', () => {
    const pieces = ['', ' ', '\t', '\u00a0', '\ufeff', '\u3000', '\r', 'nan', 'NaN', 'NULL', 'None', 'na', 'N/A', '0', '12.5', 'x', '"', '~', '\u007f', 'é', 'nano', 'nulls'];
    let checked = 0;
    for (const a of pieces) for (const b of pieces) for (const c of pieces) {
      const field = a + b + c;
      expect(isEmptyField(field), JSON.stringify(field)).toBe(byDefinition(field));
      checked++;
    }
    expect(checked).toBe(pieces.length ** 3);
    expect(isEmptyField(undefined)).toBe(true);
  });
});
