// A flavour (device kind) on which the pool could never hold the job is no flavour for it. The
// admission layer tried a queue's kinds in quota order and took the first whose quota fits, with no
// regard to the pool: a 12-device job allowed H100 or A100 was admitted on H100 (quota 16, pool 8),
// waited forever, blocked the queue's FIFO line, and at the end both it and a 4-device H100 job
// that fits at once were rejected as "could not be placed by 'first-fit' even on the idle pool",
// with 16 A100s idle all along. Kueue knows no nodes; a simulator that does should not admit a job
// where it can never run.
import { describe, expect, it } from 'vitest';
import { runToCsv, scenarioFromText } from './helpers.js';

const scenario = (quota: string) => `
name: flavour-pool
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { name: h, count: 1, device: H100 }
      - { name: a, count: 2, device: A100-80GB }
tenants:
  queues:
    - name: q
      quota: ${quota}
workloads:
  - jobs:
      - { name: big, devices: 12, duration: 1h, reference_device: H100, device_kinds: [H100, A100-80GB], queue: q }
      - { name: small, submit: 10s, devices: 4, duration: 1h, reference_device: H100, device_kinds: [H100], queue: q }
policy: fifo
placement: first-fit
`;

describe('flavours the pool cannot hold the job on', () => {
  it('by hand: the 12-device job goes to the A100s (its second flavour), the 4-device job to the H100s at 10 s', () => {
    const r = runToCsv(scenarioFromText(scenario('{ H100: 16, A100-80GB: 16 }')));
    const row = (n: string) => r.jobs.find((j) => j.job_id === n)!;
    expect(row('big').status).toBe('completed');
    expect(row('big').device_kind).toBe('A100-80GB');
    expect(row('big').start_s).toBe(0);
    expect(row('small').start_s).toBe(10);
    expect(r.summary.jobs_rejected).toBe(0);
  });

  it('rejects at submission, saying why, a job whose queue has quota only on kinds too small for it', () => {
    const r = runToCsv(scenarioFromText(scenario('{ H100: 16 }')));
    const row = (n: string) => r.jobs.find((j) => j.job_id === n)!;
    expect(row('big').status).toBe('rejected');
    expect(row('big').finish_s).toBe(0);
    expect(row('big').reason).toBe("queue 'q' could never admit it: it needs 12 devices of one kind, and its quota is on H100 only, of which the pool has at most 8");
    expect(row('small').status).toBe('completed');
    expect(row('small').start_s).toBe(10);
  });
});

describe('flavours whose nodes cannot hold the job\'s CPU and memory', () => {
  const scenario = (quota: string) => `
name: flavour-host
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { name: h, count: 1, device: H100, cpu: 8 }
      - { name: a, count: 1, device: A100-80GB, cpu: 64 }
tenants:
  queues:
    - name: q
      quota: ${quota}
workloads:
  - jobs:
      - { name: big, devices: 4, cpu: 32, duration: 1h, reference_device: H100, device_kinds: [H100, A100-80GB], queue: q }
      - { name: small, submit: 10s, devices: 4, duration: 1h, reference_device: H100, device_kinds: [H100], queue: q }
policy: fifo
placement: first-fit
`;
  it('by hand: the job asking 32 cores goes to the A100 node (64 cores), not the H100 node (8)', () => {
    // Before: admitted on H100 (first flavour), never placed; both jobs rejected at the end as
    // "could not be placed by 'first-fit' even on the idle pool".
    const r = runToCsv(scenarioFromText(scenario('{ H100: 8, A100-80GB: 8 }')));
    const row = (n: string) => r.jobs.find((j) => j.job_id === n)!;
    expect(row('big').device_kind).toBe('A100-80GB');
    expect(row('big').start_s).toBe(0);
    expect(row('small').start_s).toBe(10);
  });

  it('rejects at submission a job whose queue has quota only on kinds whose nodes lack the CPU', () => {
    const r = runToCsv(scenarioFromText(scenario('{ H100: 8 }')));
    const row = (n: string) => r.jobs.find((j) => j.job_id === n)!;
    expect(row('big').status).toBe('rejected');
    expect(row('big').reason).toBe("queue 'q' could never admit it: its quota is on H100 only, whose nodes could never hold its 32000 CPU milli-cores and 0 MiB of memory with its 4 devices");
    expect(row('small').start_s).toBe(10);
  });
});

describe('workloads alike but for their CPU', () => {
  it('by hand: a 4-device job without CPU needs is not held back by one asking 32 cores that only the H100 node holds', () => {
    // H100 node: 64 cores; A100 node: 8. h0 fills the H100 quota until 3600 s. 'wide' (4 devices,
    // 32 cores) can only go to H100 and waits; 'plain' (4 devices, no CPU) fits the A100 quota. They
    // asked for the same devices at the same priority, so the admission layer took them for the
    // same workload and skipped 'plain' once 'wide' failed, until h0 ended.
    const r = runToCsv(
      scenarioFromText(`
name: host-groups
network: ideal
datacentres:
  - name: dc
    node_groups:
      - { name: h, count: 1, device: H100, cpu: 64 }
      - { name: a, count: 1, device: A100-80GB, cpu: 8 }
tenants:
  queues:
    - name: q
      quota: { A100-80GB: 8, H100: 8 }
workloads:
  - jobs:
      - { name: h0, devices: 8, duration: 1h, reference_device: H100, device_kinds: [H100], queue: q }
      - { name: wide, submit: 10s, devices: 4, cpu: 32, duration: 1h, reference_device: H100, queue: q }
      - { name: plain, submit: 20s, devices: 4, duration: 1h, reference_device: H100, queue: q }
policy: fifo
placement: first-fit
`),
    );
    const row = (n: string) => r.jobs.find((j) => j.job_id === n)!;
    expect(row('plain').device_kind).toBe('A100-80GB');
    expect(row('plain').start_s).toBe(20);
    expect(row('wide').start_s).toBe(3600);
  });
});
