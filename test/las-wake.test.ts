// LAS acts at the instant a running job crosses a queue threshold or a waiting job's starvation
// deadline passes, not at the next arrival or completion (between them it acted as FIFO). Worked by
// hand on one 8-GPU node: threshold 1 device-hour = 450 s of 8 devices; preemption checkpoint and
// restore 60 s each.
import { describe, expect, it } from 'vitest';
import { resolvePolicies } from '../src/policy/registry.js';
import { runToCsv, scenarioFromText } from './helpers.js';

const pool = (jobs: string): string => `
name: las-wake
network: ideal
preemption: { checkpoint: 60s, restore: 60s }
datacentres:
  - { name: dc, node_groups: [{ count: 1, device: A100-80GB }] }
workloads:
  - jobs:
${jobs}`;

const run = (text: string, params: Record<string, unknown>) => {
  const r = runToCsv(scenarioFromText(text), { policies: resolvePolicies({ name: 'las', params }, { name: 'first-fit', params: {} }) });
  return (name: string) => r.jobs.find((j) => j.job_id === name)!;
};

describe('LAS wakes at the next threshold crossing', () => {
  it('a running job demoted at 450 s is preempted then, for a job that waits in the first queue', () => {
    // big runs from 0 and reaches 3,600 device-s at 450 s (Q1); long (Q0) waits from 60 s.
    // Preempted at 450 s, big checkpoints until 510 s, when long starts (not at 7,200 s, big's end).
    const row = run(
      pool('      - { name: big, devices: 8, duration: 2h, reference_device: A100-80GB }\n      - { name: long, devices: 8, duration: 3h, reference_device: A100-80GB, submit: 60s }\n'),
      { thresholds: ['1h'] },
    );
    expect(row('long').start_s).toBeCloseTo(510, 6);
    expect(row('big').preemptions).toBeGreaterThanOrEqual(1);
  });
});

describe('LAS wakes at the next starvation deadline', () => {
  it('a demoted job waiting since 510 s is promoted at 1,510 s and preempts the job then in a lower queue', () => {
    // a (900 s of work) is demoted at 450 s and preempted for b (Q0, from 60 s), which starts at
    // 510 s and is itself demoted at 960 s (same queue as a: no preemption). a starves at 1,510 s:
    // promoted to Q0, it preempts b (checkpoint to 1,570 s), restores 60 s and does its last 450 s:
    // done at 2,080 s.
    const row = run(
      pool('      - { name: a, devices: 8, duration: 900s, reference_device: A100-80GB }\n      - { name: b, devices: 8, duration: 2h, reference_device: A100-80GB, submit: 60s }\n'),
      { thresholds: ['1h'], starvation: '1000s' },
    );
    expect(row('a').finish_s).toBeCloseTo(2080, 6);
    expect(row('b').preemptions).toBe(1);
  });
});
