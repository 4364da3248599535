// Trace jobs kept as columns (TraceJobTable) and a scenario's jobs as a list whose trace rows get a
// template only when read (JobList): every row's template must be the object the loader made
// before (TraceJobTemplate with the same fields, in the same order, the same values), and a run on
// the loader's scenario, whose rows are made when the simulator reads them, must write what a run
// on a plain copy of it (every template made up front) writes.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { JobTemplate } from '../src/model/job.js';
import { loadScenario, type ResolvedScenario } from '../src/model/load-scenario.js';
import { JobList, jobListOf } from '../src/model/job-list.js';
import { TraceJobTable, TraceJobTemplate, TraceRowFields } from '../src/model/trace-job-template.js';
import { estimateSize } from '../src/model/size-estimate.js';
import { CsvJobRows, CsvRowReader } from '../src/scenario/traces/csv-rows.js';
import { importTrace, importTraceRows } from '../src/scenario/traces/load-trace.js';
import { finishImport, finishRows } from '../src/scenario/traces/trace-options.js';
import type { TraceJob } from '../src/scenario/traces/types.js';
import { bundled, runToCsv } from './helpers.js';

/** Keys in order and each value the same (Object.is: -0 and NaN count; arrays by identity). */
function expectSame(a: object, b: object): void {
  expect(Object.keys(a)).toEqual(Object.keys(b));
  for (const k of Object.keys(b)) {
    const x = (a as Record<string, unknown>)[k];
    const y = (b as Record<string, unknown>)[k];
    if (!Object.is(x, y)) expect.fail(`${k}: ${String(x)} against ${String(y)}`);
  }
  expect(a).toBeInstanceOf(TraceJobTemplate);
}

const name = fc.oneof(
  fc.nat({ max: 2 ** 53 - 1 }).map((n) => `job-${n}`),
  fc.constantFrom('job-', 'job-0', 'job-00', 'job-007', 'job-1e3', 'job--1', 'job-9007199254740993', 'job-1234567890123456', 'Job-1', 'job-12~2', 'pod-3', ''),
  fc.string(),
);
const number = fc.oneof(fc.double(), fc.constantFrom(0, -0, Number.NaN, 1000, 999, 1, -1, Infinity));
const optional = fc.option(number, { nil: undefined });
const row = fc.record({
  name,
  submitS: number,
  devices: number,
  usefulFlop: number,
  allowedKinds: fc.option(fc.array(fc.nat(5), { maxLength: 3 }), { nil: undefined }),
  priority: number,
  gpuMilli: number,
  cpuMilli: optional,
  memoryMiB: optional,
  durationS: number,
  queue: fc.option(fc.nat(4), { nil: undefined }),
});

type Row = typeof row extends fc.Arbitrary<infer R> ? R : never;

/** Pushes `rows` into a table and holds each row's template, name, submit time and fields to the loader's TraceJobTemplate. */
function checkTable(rows: Row[], fixed: boolean, efficiency: number | undefined, capacity: number): void {
    const table = new TraceJobTable('trace-3', efficiency, fixed, capacity);
    for (const r of rows) table.push(r.name, r.submitS, r.devices, r.usefulFlop, r.allowedKinds, r.priority, r.gpuMilli, r.cpuMilli, r.memoryMiB, r.durationS, r.queue);
    table.trim();
    expect(table.length).toBe(rows.length);
    rows.forEach((r, i) => {
      // As load-scenario.ts made it before trace jobs were columns.
      const before = new TraceJobTemplate(
        r.name,
        r.submitS,
        r.devices,
        r.usefulFlop,
        efficiency,
        r.allowedKinds,
        r.priority,
        'trace-3',
        r.gpuMilli < 1000 ? r.gpuMilli : undefined,
        r.cpuMilli !== undefined && r.cpuMilli > 0 ? r.cpuMilli : undefined,
        r.memoryMiB !== undefined && r.memoryMiB > 0 ? r.memoryMiB : undefined,
        fixed ? r.durationS : undefined,
        r.queue,
      );
      const t = table.template(i);
      expectSame(t, before);
      expect(table.name(i)).toBe(r.name);
      expect(Object.is(table.submitS(i), r.submitS)).toBe(true);
      expect(table.template(i)).not.toBe(t);
      // What the size estimate reads of the row, without its template: the template's values.
      const into = new TraceRowFields();
      expect(table.fill(i, into)).toBe(into);
      for (const k of ['submitS', 'devices', 'usefulFlop', 'efficiency', 'allowedKinds', 'milli', 'fixedRuntimeS'] as const) {
        if (!Object.is(into[k], t[k])) expect.fail(`fill: ${k}: ${String(into[k])} against ${String(t[k])}`);
      }
    });
}

describe('trace jobs as columns', () => {
  it("a row's template is the loader's TraceJobTemplate for it: fields, order, values; a new object each time", () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 60 }), fc.boolean(), fc.option(fc.double({ min: 0.01, max: 1 }), { nil: undefined }), fc.nat(70), checkTable),
      { numRuns: 300 },
    );
  });

  it('rows alike: columns kept as one value, and names counting up, while every row has them, then rows that differ', () => {
    // A name per row counting up from a start ('job-<n>', 'job-<n+1>', ...) with a step, a jump or
    // another name now and then; numbers from a few values, so that a column stays one value (the
    // first row's, whatever the column's default) for a while and then differs.
    const few = fc.constantFrom(0, -0, Number.NaN, 1000, 999, 3, 2.5);
    const alike = fc.record({
      step: fc.constantFrom('next', 'next', 'next', 'next', 'jump', 'named'),
      submitS: few,
      devices: few,
      usefulFlop: few,
      priority: few,
      gpuMilli: few,
      cpuMilli: fc.option(few, { nil: undefined }),
      memoryMiB: fc.option(few, { nil: undefined }),
      durationS: few,
      queue: fc.option(fc.nat(2), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(alike, { minLength: 1, maxLength: 80 }), fc.nat(1000), fc.boolean(), fc.nat(90), (steps, start, fixed, capacity) => {
        let n = start;
        const rows = steps.map(({ step, ...r }, i) => {
          n = step === 'jump' ? n + 7 : n + 1;
          return { ...r, name: step === 'named' ? `pod-${i}` : `job-${n}`, allowedKinds: undefined };
        });
        checkTable(rows, fixed, undefined, capacity);
      }),
      { numRuns: 300 },
    );
  });

  it('a job list reads listed templates as they are and trace rows made anew, by index and by source', () => {
    const listed = [
      { name: 'a', submitS: 5, devices: 1, usefulFlop: 1, efficiency: undefined, allowedKinds: undefined, priority: 0, params: 0, source: 'workloads[0]' },
      { name: 'b', submitS: 1, devices: 2, usefulFlop: 2, efficiency: undefined, allowedKinds: undefined, priority: 0, params: 0, source: 'workloads[0]' },
    ];
    const table = new TraceJobTable('trace-1', undefined, true, 1);
    for (let i = 0; i < 5; i++) table.push(`job-${i + 1}`, i, 1, 10 * i, undefined, 0, 1000, undefined, undefined, i + 0.5, undefined);
    const list = new JobList();
    list.addTemplates(listed);
    list.addTable(table);
    list.addTemplates([{ ...listed[0]!, name: 'c', source: 'trace-1' }]);
    expect(list.length).toBe(8);
    expect(list.at(1)).toBe(listed[1]);
    expect(list.tableOf(1)).toBeUndefined();
    expect(list.tableOf(4)).toBe(table);
    expect(list.rowOf(4)).toBe(2);
    expect(list.name(4)).toBe('job-3');
    expect(list.submitS(6)).toBe(4);
    expect(list.at(7).name).toBe('c');
    const groups = [...list.bySource()].map(([s, seq]) => [s, Array.from({ length: seq.length }, (_, i) => seq.at(i).name)]);
    expect(groups).toEqual([
      ['workloads[0]', ['a', 'b']],
      ['trace-1', ['job-1', 'job-2', 'job-3', 'job-4', 'job-5', 'c']],
    ]);
    // Once the templates are made (ResolvedScenario.jobs), the list is those objects.
    const all = list.templates();
    expect(list.templates()).toBe(all);
    expect(list.at(4)).toBe(all[4]);
    expect(list.tableOf(4)).toBeUndefined();
    expectSame(all[4]!, table.template(2));
  });
});

/** Two trace workloads and listed jobs between them: not in submit order as a whole. */
const TRACE_A = 'submit,duration,devices,gpu_milli,group\n0,30,1,500,hi\n10,50,2,1000,lo\n10,5,1,250,\n20,100,4,1000,hi\n3,7,8,1000,lo\n';
const TRACE_B = 'id,submit,duration,devices\nx,4,20,1\ny,4,20,2\nx,2,9,1\njob-2,1,3,1\n';
const SCENARIO = `name: columns
seed: 3
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { name: n, count: 2, device: H100, devices_per_node: 8 }
workloads:
  - trace:
      format: csv
      path: a.csv
      mapping: { submit: submit, duration: duration, devices: devices, gpu_milli: gpu_milli, group: group }
      reference_device: H100
      priority: { hi: 2, lo: -1 }
  - jobs:
      - { name: job-1, devices: 2, submit: 2, duration: 40s, reference_device: H100 }
      - { name: listed, devices: 1, submit: 0, duration: 1min, reference_device: H100, priority: 5 }
  - trace:
      format: csv
      path: b.csv
      runtime: scale
      efficiency: 0.5
      mapping: { submit: submit, duration: duration, devices: devices, id: id }
      reference_device: H100
policy: fifo
placement: first-fit
`;

const load = (): ResolvedScenario => loadScenario(SCENARIO, 'columns.yaml', { readFile: (p) => (p.endsWith('a.csv') ? TRACE_A : TRACE_B), baseDir: '/nowhere' });

describe("the loader's jobs", () => {
  it('are made at the first read of `jobs` and kept; a run on the scenario writes what a run on a copy with every template made writes', () => {
    const lazy = load();
    const copy = { ...load() }; // the spread reads `jobs`: every template made up front
    expect(jobListOf(lazy).materialized).toBe(false);
    const a = runToCsv(lazy);
    expect(jobListOf(lazy).materialized).toBe(false); // the run made templates only as it read jobs
    const b = runToCsv(copy);
    expect(a.jobsCsv).toBe(b.jobsCsv);
    expect(a.summaryCsv).toBe(b.summaryCsv);
    expect(a.jobs.length).toBe(11);
    // Renamed ids and the listed job's name taken by the trace's numbered name are as before.
    expect(a.jobs.map((j) => j.job_id).sort()).toEqual(['job-1', 'job-1~2', 'job-2', 'job-2~2', 'job-3', 'job-4', 'job-5', 'listed', 'x', 'x~2', 'y'].sort());
    const jobs = lazy.jobs;
    expect(lazy.jobs).toBe(jobs);
    expect(jobs.length).toBe(11);
    expect(jobs.map((t) => t.name)).toEqual(copy.jobs.map((t) => t.name));
    jobs.forEach((t, i) => {
      if (t instanceof TraceJobTemplate) expectSame(t, copy.jobs[i]!);
      else expect(t).toEqual(copy.jobs[i]);
    });
    expect(jobs[0]).toMatchObject({ name: 'job-1~2', priority: 2, milli: 500, fixedRuntimeS: 30, source: 'trace-0' });
    expect(jobs[jobs.length - 1]).toMatchObject({ efficiency: 0.5, source: 'trace-2' });
    expect(jobs[jobs.length - 1]!.fixedRuntimeS).toBeUndefined();
    // A run after `jobs` was read uses those objects, and writes the same.
    expect(runToCsv(lazy).jobsCsv).toBe(a.jobsCsv);
    // Assigning `jobs` replaces them, for the run too.
    const replaced = load();
    (replaced as { jobs: unknown }).jobs = copy.jobs.slice(0, 3);
    expect(replaced.jobs.length).toBe(3);
    expect(runToCsv(replaced).jobs.length).toBe(3);
  });

  it("the size estimate reads trace rows without making their templates, and estimates what it did from the templates", () => {
    const made = vi.spyOn(TraceJobTable.prototype, 'template');
    try {
      const lazy = load();
      // Loading (the estimate reads every job) made no template of a trace row.
      expect(made).not.toHaveBeenCalled();
      expect(jobListOf(lazy).materialized).toBe(false);
      // Not a spread of the scenario: that reads `jobs`, which makes every template.
      const input = (jobs: JobList): Parameters<typeof estimateSize>[0] => ({
        scenario: lazy.scenario,
        kinds: lazy.shape.kinds,
        groups: lazy.shape.groups,
        jobs,
        generators: lazy.generators,
        services: lazy.services,
        interDcLinks: 0,
        transfers: [],
        fastestLinkBytesPerS: 0,
      });
      const fromRows = estimateSize(input(jobListOf(lazy)));
      expect(made).not.toHaveBeenCalled();
      expect(fromRows).toEqual(lazy.size);
      // The same estimate from a list of every template made up front.
      expect(estimateSize(input(JobList.of(lazy.jobs)))).toEqual(fromRows);
      expect(fromRows.jobs).toBe(11);
    } finally {
      made.mockRestore();
    }
  });

  it('a bundled trace (Alibaba openb: shares, host requests, priorities by QoS) runs the same made when read as made up front', () => {
    const lazy = bundled('alibaba-replay');
    const copy = { ...bundled('alibaba-replay') };
    const a = runToCsv(lazy);
    const b = runToCsv(copy);
    expect(a.jobsCsv).toBe(b.jobsCsv);
    expect(a.summaryCsv).toBe(b.summaryCsv);
    for (const has of [(t: JobTemplate) => t.milli !== undefined, (t: JobTemplate) => t.cpuMilli !== undefined, (t: JobTemplate) => t.priority !== 0]) expect(lazy.jobs.some(has)).toBe(true);
    lazy.jobs.forEach((t, i) => expectSame(t, copy.jobs[i]!));
  });
});

describe('a CSV import as columns', () => {
  const csvRow = fc.record({
    id: fc.option(fc.constantFrom('a', 'b', 'job-1', 'job-2', 'job-3', 'a~2', 'c'), { nil: undefined }),
    submitS: fc.oneof(fc.integer({ min: -5, max: 40 }), fc.double({ min: -10, max: 50, noNaN: true })),
    durationS: fc.double({ min: 0.001, max: 100, noNaN: true }),
    devices: fc.integer({ min: 1, max: 16 }),
    gpuMilli: fc.constantFrom(1000, 500, 250),
    models: fc.option(fc.array(fc.constantFrom('G2', 'T4'), { minLength: 1, maxLength: 2 }), { nil: null }),
    group: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }),
  });
  const options = fc.record(
    {
      window: fc.record({ startS: fc.integer({ min: 0, max: 10 }), endS: fc.option(fc.integer({ min: 11, max: 60 }), { nil: undefined }) }),
      sample: fc.double({ min: 0, max: 1, noNaN: true }),
      seed: fc.nat(5),
      timeScale: fc.constantFrom(0.5, 1, 3),
      maxJobs: fc.nat(30),
    },
    { requiredKeys: [] },
  );

  it('gives the jobs, in the order, and the accounts that the same rows as TraceJob objects give (ids, renames, window, sample, scale, max)', () => {
    fc.assert(
      fc.property(fc.array(csvRow, { maxLength: 40 }), options, fc.boolean(), (rows, opts, numbered) => {
        // As the CSV importer's rows: numbered ids ('job-<row>') when the file gives none.
        const objects: TraceJob[] = [];
        const columns = new CsvJobRows();
        rows.forEach((r, i) => {
          const id = numbered ? i + 1 : r.id ?? `job-${i + 1}`;
          const job: TraceJob = { id: typeof id === 'number' ? `job-${id}` : id, submitS: r.submitS, durationS: r.durationS, devices: r.devices, gpuMilli: r.gpuMilli, allowedModels: r.models, line: i + 2 };
          if (r.group !== undefined) job.group = r.group;
          objects.push(job);
          columns.push(id, r.submitS, r.durationS, r.devices, r.gpuMilli, r.models, r.group, i + 2);
        });
        const origin = Math.min(...rows.map((r) => r.submitS));
        const before = finishImport(objects, origin, [], rows.length, 't.csv', opts, numbered);
        const { order, ...rest } = finishRows(columns, origin, [], rows.length, 't.csv', opts, numbered);
        const reader = columns.reader(order);
        expect(reader.jobs()).toStrictEqual(before.jobs);
        expect(reader.jobs().map((j) => Object.keys(j))).toEqual(before.jobs.map((j) => Object.keys(j)));
        expect({ jobs: reader.jobs(), ...rest }).toStrictEqual(before);
        for (let k = 0; k < reader.length; k++) {
          const r = reader.read(k);
          const j = before.jobs[k]!;
          for (const key of ['id', 'submitS', 'durationS', 'devices', 'gpuMilli', 'allowedModels', 'group', 'line'] as const) expect(r[key]).toStrictEqual(j[key]);
          const n = reader.numbered(k);
          expect(n >= 0 ? `job-${n}` : undefined).toBe(numbered && !/~/.test(j.id) ? j.id : undefined);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('parseGenericCsv and the loader read the same rows: importTraceRows keeps the columns of a CSV trace', () => {
    const text = 'id,submit,duration,devices,group\nx,5,3,2,g\n,1,4,1,\nx,1,2,8,h\n';
    const mapping = { submit: 'submit', duration: 'duration', devices: 'devices', id: 'id', group: 'group' };
    const { jobRows, ...rest } = importTraceRows('csv', text, { mapping, source: 's.csv' });
    const whole = importTrace('csv', text, { mapping, source: 's.csv' });
    expect(jobRows).toBeInstanceOf(CsvRowReader);
    expect({ jobs: (jobRows as CsvRowReader).jobs(), ...rest }).toStrictEqual(whole);
    expect(Array.from({ length: jobRows.length }, (_, k) => jobRows.read(k).id)).toEqual(['job-2', 'x~2', 'x']);
  });
});
