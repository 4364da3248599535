// EASY backfilling predicts a candidate's run time with the rate it will really progress at,
// checkpoint writing included (the simulator's own share, fixed or Young/Daly interval): a job
// predicted to end before the head's reservation must not end after it.
import { describe, expect, it } from 'vitest';
import { resolvePolicies } from '../src/policy/registry.js';
import { runToCsv, scenarioFromText } from './helpers.js';

// One 8-GPU node; a checkpoint of 900 s after each hour of compute, and a final one when the work is
// done. run1 (4 GPUs, 4,320 s of compute) runs 3,600 s, writes 900 s, runs 720 s and writes its
// final checkpoint: 0-6,120 s; head (8 GPUs) arrives at 60 s: reservation at 6,120 s. bf (4 GPUs,
// 4,320 s of compute) arrives at 120 s: without checkpoints it would end at 4,440 s, but it needs
// 6,120 s, to 6,240 s, and the head's 8 GPUs include its 4. (Writing spread evenly over progress,
// 5,400 s, predicted it to end at 5,520 s, before the reservation.)
const text = (checkpointing: string, bf = '4320s') => `
name: backfill-checkpoints
network: ideal
datacentres:
  - { name: dc, node_groups: [{ count: 1, device: H100 }] }
${checkpointing}
workloads:
  - jobs:
      - { name: run1, devices: 4, duration: 4320s, reference_device: H100 }
      - { name: head, devices: 8, duration: 1h, reference_device: H100, submit: 60s }
      - { name: bf, devices: 4, duration: ${bf}, reference_device: H100, submit: 120s }
`;

const run = (t: string) => {
  const r = runToCsv(scenarioFromText(t), { policies: resolvePolicies({ name: 'easy-backfill', params: {} }, { name: 'first-fit', params: {} }) });
  return (name: string) => r.jobs.find((j) => j.job_id === name)!;
};

describe('EASY backfilling with checkpoints', () => {
  it('does not backfill a job whose checkpoint writing would take it past the reservation', () => {
    const row = run(text('checkpointing: { interval: 1h, cost: 900s }'));
    expect(row('run1').finish_s).toBeCloseTo(6120, 6);
    expect(row('head').start_s).toBeCloseTo(6120, 6);
    expect(row('bf').start_s).toBeGreaterThanOrEqual(6120);
  });

  it('backfills one whose checkpoint writing still ends it by then (4,100 s of compute: 5,900 s, to 6,020 s)', () => {
    const row = run(text('checkpointing: { interval: 1h, cost: 900s }', '4100s'));
    expect(row('bf').start_s).toBeCloseTo(120, 6);
    expect(row('bf').finish_s).toBeCloseTo(6020, 6);
    expect(row('head').start_s).toBeCloseTo(6120, 6);
  });

  it('predicts the rate a Young/Daly interval gives, as the job then runs at', () => {
    // Failures at a rate that sets the interval (none is likely in the first 10 s).
    const t = text('checkpointing: { interval: auto, cost: 300s }\nfailures: { devices: { H100: { mtbf: 30d, repair: 1h } }, nodes: { mtbf: 10d, repair: 1h } }');
    let checked = 0;
    runToCsv(scenarioFromText(t), {
      policies: resolvePolicies({ name: 'easy-backfill', params: {} }, { name: 'first-fit', params: {} }),
      observe: (sim) =>
        sim.engine.daemonAt(10, () => {
          const j = sim.running.find((x) => x.name === 'run1')!;
          expect(j.checkpointIntervalS).toBeLessThan(Infinity);
          expect(sim.predictRate(j, j.placement!) / j.rateFlopPerS).toBeCloseTo(1, 12);
          checked++;
        }),
    });
    expect(checked).toBe(1);
  });
});
