// CPU and memory in scenario YAML: node groups give `cpu` and `memory` per node, jobs and generators
// ask for them, and placement respects them as it does for trace node lists.
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

const text = (jobs: string): string => `name: host
seed: 1
network: ideal
datacentres:
  - name: dc
    node_groups: [{ count: 1, device: H100, cpu: 16, memory: 256GiB }]
workloads:
  - jobs:
${jobs}policy: fifo
placement: first-fit
`;

describe('cpu and memory fields', () => {
  it("two one-GPU jobs that each need 12 of a node's 16 cores run one after the other, though 7 GPUs sit free", () => {
    const r = scenarioFromText(text('      - { name: a, devices: 1, duration: 1h, reference_device: H100, cpu: 12 }\n      - { name: b, devices: 1, duration: 1h, reference_device: H100, cpu: 12 }\n'));
    expect(r.jobs.map((j) => j.cpuMilli)).toEqual([12000, 12000]);
    const rows = runToCsv(r).jobs;
    expect(rows.find((j) => j.job_id === 'a')!.start_s).toBe(0);
    expect(rows.find((j) => j.job_id === 'b')!.start_s).toBeCloseTo(3600, 6);
  });

  it('memory counts the same way, and without cpu or memory nothing is limited', () => {
    const mem = runToCsv(scenarioFromText(text('      - { name: a, devices: 1, duration: 1h, reference_device: H100, memory: 200GiB }\n      - { name: b, devices: 1, duration: 1h, reference_device: H100, memory: 100GiB }\n'))).jobs;
    expect(mem.find((j) => j.job_id === 'b')!.start_s).toBeCloseTo(3600, 6);
    const free = runToCsv(scenarioFromText(text('      - { name: a, devices: 1, duration: 1h, reference_device: H100 }\n      - { name: b, devices: 1, duration: 1h, reference_device: H100 }\n'))).jobs;
    expect(free.map((j) => j.start_s)).toEqual([0, 0]);
  });

  it('a job that needs more cores than any node has is rejected with the reason', () => {
    const rows = runToCsv(scenarioFromText(text('      - { name: big, devices: 1, duration: 1h, reference_device: H100, cpu: 20 }\n'))).jobs;
    expect(rows[0]!.status).toBe('rejected');
    expect(rows[0]!.reason).toContain('CPU');
  });
});
