// EASY backfilling reads a job writing its final checkpoint as ending when the write ends (its work
// is done, the write's length known: checkpointing.final_cost), not as never ending (which left the
// head no reservation on that kind, and so plain FIFO: nothing backfilled).
import { describe, expect, it } from 'vitest';
import { resolvePolicies } from '../src/policy/registry.js';
import { runToCsv, scenarioFromText } from './helpers.js';

// One 8-GPU node. run1 (6 GPUs, 1,000 s of compute, no periodic checkpoint within a day) writes its
// final checkpoint of 600 s from 1,000 s to 1,600 s. head (4 GPUs) arrives at 1,100 s, during the
// write, with 2 GPUs free: its reservation is at 1,600 s, when 8 are free, 4 to spare. bf (2 GPUs,
// an hour) arrives at 1,200 s and uses only devices the head does not need then: backfilled at once.
const text = (bfDevices: number) => `
name: backfill-final-checkpoint
network: ideal
datacentres:
  - { name: dc, node_groups: [{ count: 1, device: H100 }] }
checkpointing: { interval: 1d, cost: 600s }
workloads:
  - jobs:
      - { name: run1, devices: 6, duration: 1000s, reference_device: H100 }
      - { name: head, devices: 4, duration: 1h, reference_device: H100, submit: 1100s }
      - { name: bf, devices: ${bfDevices}, duration: 1h, reference_device: H100, submit: 1200s }
`;

const policies = () => resolvePolicies({ name: 'easy-backfill', params: {} }, { name: 'first-fit', params: {} });
const run = (t: string) => {
  const r = runToCsv(scenarioFromText(t), { policies: policies() });
  return (name: string) => r.jobs.find((j) => j.job_id === name)!;
};

describe('EASY backfilling beside a final checkpoint write', () => {
  it('backfills a job on the devices the head does not need then (bf at 1,200 s, not at 1,600 s)', () => {
    const row = run(text(2));
    expect(row('run1').finish_s).toBeCloseTo(1600, 6);
    // Read as never ending, run1 left the head no reservation: plain FIFO, bf waited to 1,600 s.
    expect(row('bf').start_s).toBeCloseTo(1200, 6);
    expect(row('head').start_s).toBeCloseTo(1600, 6);
  });

  it('does not backfill one that needs more than the spare devices and would end after the write (4 GPUs, free only 2 now)', () => {
    const row = run(text(4));
    expect(row('head').start_s).toBeCloseTo(1600, 6);
    expect(row('bf').start_s).toBeGreaterThanOrEqual(1600);
  });
});
