// A transfer that starts when a job finishes never starts when that job is rejected, and the job
// held for its data waited for good: the run stopped at once as an internal error ("the run stopped
// at t=0 s with no horizon and work left (job 'next' waits for 1 transfer(s)) ... This is a bug in
// poolsim"), with no result. The held job is now rejected, saying why, when it arrives or when the
// job its data follows is rejected.
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

const scenario = (bigSubmit: string): string => `name: transfer-after-rejected
datacentres:
  - name: a
    node_groups: [{ name: ga, count: 1, device: H100 }]
  - name: b
    node_groups: [{ name: gb, count: 1, device: H100 }]
links:
  - { between: [a, b], latency: 1ms, bandwidth: 100Gbps }
tenants:
  queues:
    - { name: q, quota: { H100: 8 } }
transfers:
  - { name: ckpt, from: a, to: b, size: 1TB, after: big, before: next }
workloads:
  - jobs:
      - { name: big, devices: 16, duration: 1h, reference_device: H100, queue: q, submit: ${bigSubmit} }
      - { name: next, devices: 8, duration: 1h, reference_device: H100, queue: q, submit: 30min }
      - { name: other, devices: 8, duration: 1h, reference_device: H100, queue: q }
`;

describe('a transfer after a rejected job', () => {
  for (const [label, bigSubmit, rejectedAt] of [
    ['the held job arrives after the rejection', '0s', 1800],
    ['the held job is waiting when the rejection comes', '2h', 7200],
  ] as const) {
    it(`${label}: it is rejected with why, and the run completes the rest`, () => {
      const jobs = runToCsv(scenarioFromText(scenario(bigSubmit))).jobs;
      const next = jobs.find((j) => j.job_id === 'next')!;
      expect([next.status, next.finish_s]).toEqual(['rejected', rejectedAt]);
      expect(next.reason).toBe("its data never arrives: transfer 'ckpt' was to start when job 'big' finished, and that job was rejected");
      expect(jobs.find((j) => j.job_id === 'other')!.status).toBe('completed');
    });
  }
});
