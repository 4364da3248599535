// A job trace that gives nothing to run, or jobs the pool can never start, passed validate in
// silence: a header-only file, a file whose every row was skipped (bad values) or dropped by the
// window was a valid scenario of zero jobs, and Philly on one 8-GPU node started a run that
// rejected 289 jobs without a word before it. An empty trace is now refused with why, and jobs too
// big for the pool are warned with their count and the first one's line.
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/scenario/errors.js';
import { loadScenario } from '../src/model/load-scenario.js';
import { runToCsv } from './helpers.js';

const HEADER = 'timestamp,duration,num_gpus,gpu_time,cluster';

function scenario(extra = '', nodes = 2): string {
  return `name: tr
seed: 1
datacentres:
  - name: dc
    node_groups: [{ name: g, count: ${nodes}, device: H100 }]
workloads:
  - trace:
      format: philly
      path: t.csv
      reference_device: H100${extra}
`;
}

function load(csv: string, extra = '', nodes = 2) {
  return loadScenario(scenario(extra, nodes), 's.yaml', { readFile: () => csv, baseDir: '/t' });
}

function messagesOf(csv: string, extra = '', nodes = 2): string[] {
  try {
    return load(csv, extra, nodes).warnings.map((w) => `${w.line}:${w.path}: ${w.message}`);
  } catch (e) {
    if (e instanceof InputError) return e.issues.map((i) => `error ${i.line}:${i.path}: ${i.message}`);
    throw e;
  }
}

const row = (minute: number, gpus: number | string, duration: number | string = 60): string => `2017-10-09 07:${String(minute).padStart(2, '0')}:00,${duration},${gpus},0,a`;

describe('a job trace against its pool', () => {
  it('refuses a trace with no rows', () => {
    expect(messagesOf(`${HEADER}\n`)).toEqual(['error 9:workloads[0].trace.path: the trace gives no job to run: it has no rows after its header']);
  });

  it('refuses a trace whose every row is skipped, saying why', () => {
    expect(messagesOf([HEADER, row(1, 0), row(2, '1.5'), row(3, 1, -5)].join('\n'))).toEqual([
      'error 9:workloads[0].trace.path: the trace gives no job to run: of its 3 rows, 1 row: no GPU requested (first at line 2); 1 row: bad num_gpus (first at line 3: "1.5"); 1 row: non-positive duration (first at line 4: "-5")',
    ]);
    expect(messagesOf([HEADER, row(1, 1), row(2, 1)].join('\n'), '\n      window: { start: 100d }')).toEqual([
      'error 9:workloads[0].trace.path: the trace gives no job to run: of its 2 rows, 2 rows dropped by window',
    ]);
    // A window that ends before it starts, named as the scenario writes it (it said window.endS, window.startS).
    expect(messagesOf([HEADER, row(1, 1)].join('\n'), '\n      window: { start: 2h, end: 1h }')).toEqual([
      'error 9:workloads[0].trace.path: t.csv: window.end (3600 s) must be after window.start (7200 s)',
    ]);
  });

  it('warns with the count and the first line of jobs bigger than the pool, and a run rejects exactly those', () => {
    const csv = [HEADER, row(1, 1), row(2, 32), row(3, 16), row(4, 17), row(5, 64)].join('\n');
    expect(messagesOf(csv)).toEqual(['9:workloads[0].trace.path: 3 of the trace\'s 5 jobs cannot run on this pool (line 3: 32 devices, the pool has at most 16 of one kind it may use): rejected when submitted']);
    const r = runToCsv(load(csv));
    expect(r.jobs.filter((j) => j.status === 'rejected').map((j) => j.devices)).toEqual([32, 17, 64]);
    expect(messagesOf([HEADER, row(1, 1), row(2, 16)].join('\n'))).toEqual([]);
  });

  it('says so when every job is too big, and still runs (the rows are data)', () => {
    expect(messagesOf([HEADER, row(1, 32), row(2, 64)].join('\n'), '', 1)).toEqual([
      "9:workloads[0].trace.path: every one of the trace's 2 jobs cannot run on this pool (line 2: 32 devices, the pool has at most 8 of one kind it may use): rejected when submitted",
    ]);
  });
});

// A row whose submit time or duration was beyond what a scenario may hold (1e10 s) passed the
// importer and was refused later at the trace workload by the job's id only ("its work or times are
// beyond the largest number", or "would end at about 3e292 years"): now at the file's line.
describe('trace rows beyond the longest time', () => {
  it('refuses a duration or a submit time beyond 1e10 s at the trace file and line', () => {
    expect(messagesOf([HEADER, row(1, 1), row(2, 1, '1e300'), row(3, 1)].join('\n'))).toEqual([
      "error 9:workloads[0].trace.path: t.csv:3: job 'philly-2': its duration is 1e+300 s; times and durations are at most 1e10 s (about 317 years): correct the row",
    ]);
    expect(messagesOf([HEADER, row(1, 1), row(2, 1, '2e10'), row(3, 1, '3e10')].join('\n'))).toEqual([
      "error 9:workloads[0].trace.path: t.csv:3: job 'philly-2': its duration is 20000000000 s; times and durations are at most 1e10 s (about 317 years) (2 rows so): correct the row",
    ]);
    const csvScenario = `name: tr
datacentres:
  - name: dc
    node_groups: [{ name: g, count: 2, device: H100 }]
workloads:
  - trace: { format: csv, path: t.csv, reference_device: H100, mapping: { id: id, submit: submit, devices: gpus, duration: duration } }
`;
    // 1.1e10 s after the origin, each time before 2200 as a Unix time (a later one is a bad submit, below).
    const text = 'id,submit,gpus,duration\r\na,-5e9,1,100\r\nb,10,1,100\r\nc,6e9,1,50\r\n';
    // Within 1e10 s each, but ending after the century a run without a horizon may last.
    const late = 'id,submit,gpus,duration\na,0,1,100\nc,3e9,1,2e9\n';
    expect(() => loadScenario(csvScenario, 's.yaml', { readFile: () => late, baseDir: '/t' })).toThrow(
      "t.csv:3: job 'c' would end at about 159 years even alone on its fastest devices; a run without a horizon stops after 100 years of simulated time: correct the row, leave it out with a window, or set a horizon",
    );
    expect(() => loadScenario(csvScenario.replace('name: tr', 'name: tr\nhorizon: 1d'), 's.yaml', { readFile: () => late, baseDir: '/t' })).not.toThrow();
    expect(() => loadScenario(csvScenario, 's.yaml', { readFile: () => text, baseDir: '/t' })).toThrow(
      "t.csv:4: job 'c': its submit time is 11000000000 s after the trace's origin; times and durations are at most 1e10 s (about 317 years): correct the row, or leave it out with a window",
    );
    const past2200 = loadScenario(csvScenario, 's.yaml', { readFile: () => 'id,submit,gpus,duration\na,0,1,100\nc,1e300,1,50\n', baseDir: '/t' });
    expect(past2200.traceReports[0]!.firstSkipped['bad submit']).toEqual({ line: 3, detail: '1e300', expected: 'a number in s, before 2200 as a Unix time (1e300 s is the year 3.2e+292)' });
  });
});
