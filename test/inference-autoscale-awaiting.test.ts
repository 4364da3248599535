// A scale-up that preempted training waits for the victims' checkpoints before its replica can
// load. When the load falls away meanwhile, the scale-down now cancels it (before replicas that
// load, before serving ones), and the freed devices go back to training. It used to launch at the
// checkpoint's end anyway, load for scale_up_delay and wait out scale_down_delay again.
import { describe, expect, it } from 'vitest';
import { simulate } from '../src/sim/simulation.js';
import type { JobRow } from '../src/sim/metrics.js';
import { scenarioFromText } from './helpers.js';
import { toyScenario } from './inference-helpers.js';

/** 20 requests at t = 0 of 0.1 s each on one replica; a training job on the other two devices. */
const text =
  toyScenario({
    replicas: 3,
    arrival: `{ process: trace, csv: "timestamp,prompt_tokens,output_tokens\\n${Array.from({ length: 20 }, () => '0,100,10').join('\\n')}\\n" }`,
  }).replace('replicas: { count: 3,', 'replicas: { autoscale: { min: 1, max: 3, target_queue: 2, interval: 1s, scale_up_delay: 60s, scale_down_delay: 5s, preempt_training: true },') +
  `workloads:
  - jobs:
      - { name: train, devices: 2, duration: 2h, reference_device: toy }
preemption: { checkpoint: 30s, restore: 10s }
`;

describe('autoscaling a colocated service that preempts training', () => {
  it('cancels scale-ups still waiting for checkpoints once the load has stayed below them', () => {
    const held = new Map<number, number>();
    const jobs: JobRow[] = [];
    const r = simulate(scenarioFromText(text), {
      jobSink: (row) => jobs.push(row),
      observe: (s) => {
        for (const t of [0.5, 40, 100]) s.engine.at(t, () => held.set(t, s.cluster.kindTotal[0]! - s.cluster.kindFree[0]!));
      },
    });
    const s = r.services[0]!;
    expect(s.requests_unfinished).toBe(0);
    // At t = 1 two more replicas are wanted; the training job checkpoints until t = 31 to make room.
    // The queue is empty from t = 2, so at t = 7 both waiting scale-ups are cancelled: no replica
    // beyond the first ever loads, and the training job takes its devices back after its checkpoint.
    expect(held.get(0.5)).toBe(3);
    expect(s.replicas_max).toBe(1);
    expect(held.get(40)).toBe(3);
    expect(held.get(100)).toBe(3);
    const train = jobs.find((j) => j.job_id === 'train')!;
    expect(train.preemptions).toBe(1);
    expect(train.status).toBe('completed');
  });
});
