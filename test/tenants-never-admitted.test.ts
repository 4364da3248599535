// A job its tenant queue could never admit (more devices than the queue's quota and what its cohort
// may lend) was left waiting until the run went idle and rejected only then: behind it a strict-fifo
// queue's later jobs were blocked for good, and rejected at the end as "could not be placed by
// 'first-fit' even on the idle pool" though they fit an empty node. It is now rejected when
// submitted, as a job larger than the pool is, and the jobs behind it run.
import { describe, expect, it } from 'vitest';
import { scenarioFromText, runToCsv } from './helpers.js';

const scenario = (queueing: string): string => `name: never-admitted
network: ideal
datacentres:
  - name: dc
    node_groups: [{ name: g, count: 4, device: H100 }]
tenants:
  queues:
    - { name: a, cohort: c, quota: { H100: { nominal: 8, borrowing_limit: 0 } }, queueing: ${queueing} }
    - { name: b, cohort: c, quota: { H100: 8 } }
workloads:
  - jobs:
      - { name: big, devices: 16, duration: 1h, reference_device: H100, queue: a }
      - { name: small, devices: 8, duration: 1h, reference_device: H100, queue: a, submit: 10s }
      - { name: late, devices: 8, duration: 1h, reference_device: H100, queue: b, submit: 2h }
`;

describe('a job its queue could never admit', () => {
  for (const queueing of ['strict-fifo', 'best-effort-fifo']) {
    it(`${queueing}: is rejected when submitted, with why, and the queue's next job runs`, () => {
      const jobs = runToCsv(scenarioFromText(scenario(queueing))).jobs;
      const big = jobs.find((j) => j.job_id === 'big')!;
      expect(big.status).toBe('rejected');
      expect(big.finish_s).toBe(0);
      expect(big.reason).toBe("queue 'a' could never admit it: it needs 16 devices of one kind, and the queue's quota and what its cohort lends reach at most 8 of any kind it may use");
      const small = jobs.find((j) => j.job_id === 'small')!;
      expect([small.status, small.start_s, small.finish_s]).toEqual(['completed', 10, 3610]);
    });
  }
});
