// A trace's `priority` map: its keys name values of the trace's group (or QoS) column. A key that
// names none gives its priority to no job, so the map is checked against what the trace holds.
import { describe, expect, it } from 'vitest';
import { inputErrorOf, loadWithFiles } from './helpers.js';

const PHILLY = `timestamp,duration,num_gpus,gpu_time,cluster
2017-10-09 07:00:00,3600,8,28800,6214e9
2017-10-09 07:00:00,3600,8,28800,11cb48
2017-10-09 07:10:00,600,8,4800,prod
`;

const CSV = `id,submit,dur,gpus,vc
j1,0,3600,8,research
j2,60,600,4,prod
`;

const scenario = (trace: string): string => `
name: trace-priority
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { count: 2, device: H100 }
workloads:
  - trace: ${trace}
policy: priority
`;

const load = loadWithFiles;

const errors = inputErrorOf;

const warningsOf = (r: ReturnType<typeof load>): string => r.warnings.map((w) => w.message).join('\n');

describe('trace.priority', () => {
  it('gives each job the priority of its group', () => {
    const r = load(scenario(`{ format: philly, path: jobs.csv, reference_device: H100, priority: { "6214e9": 5, prod: 2 } }`), { 'jobs.csv': PHILLY });
    expect(r.jobs.map((j) => j.priority)).toEqual([5, 0, 2]);
    expect(warningsOf(r)).not.toContain('priority');
  });

  it('a hashed group that YAML reads as a number is refused with the fix, not left at priority 0', () => {
    // Was: loaded, every job of 6214e9 at priority 0, and `policy: priority` ran them as FIFO.
    const msg = errors(() => load(scenario('{ format: philly, path: jobs.csv, reference_device: H100, priority: { 6214e9: 5 } }'), { 'jobs.csv': PHILLY }));
    expect(msg).toContain("workloads[0].trace.priority: the key 6214000000000 names no value of column cluster; it is how YAML reads 6214e9 unquoted (a number): quote it, '6214e9'");
  });

  it('a csv trace whose mapping names no group column is refused: the priorities would match nothing', () => {
    // Was: loaded, every job at priority 0.
    const msg = errors(() => load(scenario('{ format: csv, path: jobs.csv, reference_device: H100, mapping: { id: id, submit: submit, duration: dur, devices: gpus }, priority: { research: 5 } }'), { 'jobs.csv': CSV }));
    expect(msg).toContain('workloads[0].trace.priority: a csv trace has no group column unless its mapping names one (`group`), so these priorities would be given to no job: name the column, or drop priority');
  });

  it('a key no job carries is warned, with the values the column holds', () => {
    const r = load(scenario('{ format: csv, path: jobs.csv, reference_device: H100, mapping: { id: id, submit: submit, duration: dur, devices: gpus, group: vc }, priority: { Research: 5, prod: 1 } }'), { 'jobs.csv': CSV });
    expect(r.jobs.map((j) => j.priority)).toEqual([0, 1]);
    expect(warningsOf(r)).toContain("priority key 'Research' names no job's value of column vc (did you mean 'research'?): its priority is given to no job");
  });
});
